from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "commonwork.governance"
    label = "governance"
