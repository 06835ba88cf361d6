"""The data commons' background work, run by the task backend (settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.commons.actions import publish_weekly
from commonwork.core import clock


@task()
def publish_weekly_releases() -> int:
    """Last week's scheduled releases, each once; how many were published now."""
    return len(publish_weekly(clock.now()))
