from django.apps import AppConfig


class VaultConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commonwork.vault"
    verbose_name = "Vault"

    def ready(self) -> None:
        from commonwork.vault import providers
        from commonwork.vault.actions.personal_data import ConsentsProvider

        providers.register_category(ConsentsProvider())
