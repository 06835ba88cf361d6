"""Background work for the work app, run by the task backend (see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.work.actions import expire_offers


@task()
def expire_due_offers() -> int:
    """Return tasks whose offers were not answered in time to the open board."""
    return expire_offers()
