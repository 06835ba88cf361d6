from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "commonwork.governance"
    label = "governance"

    def ready(self) -> None:
        from commonwork.governance import personal_data
        from commonwork.governance.parameters import read_parameter
        from commonwork.vault import providers

        personal_data.register()
        providers.register_parameter_reader(read_parameter)
