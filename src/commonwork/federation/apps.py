from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "commonwork.federation"
    verbose_name = "Federation"

    def ready(self) -> None:
        from commonwork.federation.actions import overflow
        from commonwork.work.hooks import task_moved

        # Importing `overflow` registers its activity handlers; a shared task's moves are
        # reported to the other co-op.
        task_moved.connect(overflow.on_task_moved)
