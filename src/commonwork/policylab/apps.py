from django.apps import AppConfig


class PolicylabConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commonwork.policylab"
    verbose_name = "Policy lab"

    def ready(self) -> None:
        from commonwork.governance.panels import proposal_page
        from commonwork.policylab.views import proposal_comparison_panel

        proposal_page.register(proposal_comparison_panel)
