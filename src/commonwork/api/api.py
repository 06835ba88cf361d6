from ninja import NinjaAPI

api = NinjaAPI(title="Commonwork API", version="1")
