from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "commonwork.ledger"
    label = "ledger"

    def ready(self) -> None:
        from commonwork.ledger import personal_data, views
        from commonwork.ledger.actions import automatic
        from commonwork.members.hooks import shares_bought
        from commonwork.members.panels import steward_console
        from commonwork.work.hooks import task_completed
        from commonwork.work.panels import task_page

        shares_bought.connect(automatic.on_shares_bought)
        task_completed.connect(automatic.on_task_completed)
        task_page.register(views.tip_panel)
        steward_console.register(views.fund_alert_panel)
        personal_data.register()
