from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "commonwork.governance"
    label = "governance"

    def ready(self) -> None:
        from commonwork.governance import personal_data

        personal_data.register()
