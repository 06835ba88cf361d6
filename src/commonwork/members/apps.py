from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "commonwork.members"
    label = "members"

    def ready(self) -> None:
        from commonwork.members import personal_data

        personal_data.register()
