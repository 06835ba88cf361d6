from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "commonwork.dispatch"
    label = "dispatch"

    def ready(self) -> None:
        from commonwork.dispatch import personal_data, views
        from commonwork.dispatch.actions import pay_hardship_supplement
        from commonwork.work.hooks import task_completed
        from commonwork.work.panels import task_page

        task_page.register(views.task_decisions_panel)
        personal_data.register()
        # After the books post the task (ledger connected first): the weather supplement.
        task_completed.connect(pay_hardship_supplement)
