from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "commonwork.work"
    label = "work"

    def ready(self) -> None:
        from commonwork.members.panels import steward_console
        from commonwork.work import personal_data, views

        personal_data.register()
        steward_console.register(views.steward_disputes_panel)
