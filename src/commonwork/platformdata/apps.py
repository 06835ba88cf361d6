from django.apps import AppConfig


class PlatformDataConfig(AppConfig):
    name = "commonwork.platformdata"
    verbose_name = "Bring your data"

    def ready(self) -> None:
        from commonwork.platformdata import personal_data

        personal_data.register()
