"""Dispatch rounds as background tasks (see site.jobs for when they run)."""

from __future__ import annotations

from django_tasks import task

from commonwork.core import clock
from commonwork.dispatch.actions import run_round
from commonwork.dispatch.live import regions_with_open_tasks


@task()
def dispatch_round(region: str = "") -> int:
    """Run one round for the region (unless nothing changed); the number of offers made."""
    return run_round(region=region, reuse_unchanged=True).offered_count


@task()
def dispatch_regions() -> int:
    """The scheduled job: a round for each region with open tasks, in name order, then a
    city-wide round ("") for tasks without a region and whatever the regional rounds
    could not place. The rounds run one after another, each in its own transaction, so
    each sees the offers the previous ones made (a worker is never offered two tasks)."""
    regions = [*regions_with_open_tasks(clock.now()), ""]
    return sum(run_round(region=region, reuse_unchanged=True).offered_count for region in regions)
