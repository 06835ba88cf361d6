from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "commonwork.protection"
    verbose_name = "Safety and protection"

    def ready(self) -> None:
        from commonwork.governance.hooks import proposal_closed
        from commonwork.members.panels import steward_console
        from commonwork.protection import personal_data, views
        from commonwork.protection.actions.claims import settle_appeal
        from commonwork.work.panels import task_page

        personal_data.register()
        steward_console.register(views.claims_panel)
        task_page.register(views.task_help_panel)
        proposal_closed.connect(settle_appeal)
