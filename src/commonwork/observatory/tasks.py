"""The observatory's background work, run by the task backend (settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.core import clock
from commonwork.observatory.actions import assess_fairwork_if_due


@task()
def assess_fairwork_nightly() -> int:
    """The Fairwork self-assessment, once a night (1 when it ran now, 0 when not due)."""
    return int(assess_fairwork_if_due(clock.now()) is not None)
