from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "commonwork.dispatch"
    label = "dispatch"

    def ready(self) -> None:
        from commonwork.dispatch import personal_data, views
        from commonwork.work.panels import task_page

        task_page.register(views.task_decisions_panel)
        personal_data.register()
