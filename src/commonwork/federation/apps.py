from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "commonwork.federation"
    verbose_name = "Federation"

    def ready(self) -> None:
        # The handlers of overflow work and shared statistics register themselves.
        from commonwork.federation import actions  # noqa: F401
