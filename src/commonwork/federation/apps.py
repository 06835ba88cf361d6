from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "commonwork.federation"
    verbose_name = "Federation"

    def ready(self) -> None:
        from commonwork.commons.hooks import release_published
        from commonwork.federation.actions import overflow, settle_link_vote, statistics
        from commonwork.governance.hooks import proposal_closed
        from commonwork.work.hooks import task_moved

        # Importing these registers their activity handlers; a shared task's moves are
        # reported to the other co-op, and each release announced to the linked ones.
        task_moved.connect(overflow.on_task_moved)
        release_published.connect(statistics.on_release_published)
        proposal_closed.connect(settle_link_vote)
