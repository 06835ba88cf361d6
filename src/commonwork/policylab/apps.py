from django.apps import AppConfig


class PolicylabConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commonwork.policylab"
    verbose_name = "Policy lab"
