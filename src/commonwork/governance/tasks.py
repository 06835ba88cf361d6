"""Background work for governance, run by the task backend (see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.governance.actions import advance_due_proposals


@task()
def advance_proposals() -> int:
    """Open and close the proposals whose voting times have come."""
    return advance_due_proposals()
