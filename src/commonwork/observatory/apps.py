from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "commonwork.observatory"
    verbose_name = "Labour observatory"

    def ready(self) -> None:
        from commonwork.observatory import personal_data

        personal_data.register()
