"""Dispatch rounds as background tasks (see site.jobs for when they run)."""

from __future__ import annotations

import logging

from django_tasks import task

from commonwork.core import clock
from commonwork.dispatch.actions import (
    record_feed_failure,
    record_round_failure,
    record_weather_alerts,
    run_round,
)
from commonwork.dispatch.alerts import configured_source
from commonwork.dispatch.live import regions_with_open_tasks
from commonwork.dispatch.weather import AlertFeedError

log = logging.getLogger(__name__)


@task()
def dispatch_round(region: str = "") -> int:
    """Run one round for the region (unless nothing changed); the number of offers made."""
    return run_round(region=region, reuse_unchanged=True).offered_count


@task()
def dispatch_regions() -> int:
    """The scheduled job: a round for each region with open tasks, in name order, then a
    city-wide round ("") for tasks without a region and whatever the regional rounds
    could not place. The rounds run one after another, each in its own transaction, so
    each sees the offers the previous ones made (a worker is never offered two tasks).

    One region's failing round stops no other: it rolls back, is logged and written to
    the audit log (dispatch.round_failed), and runs again at the next tick."""
    offered = 0
    for region in [*regions_with_open_tasks(clock.now()), ""]:
        try:
            offered += run_round(region=region, reuse_unchanged=True).offered_count
        except Exception as error:
            log.exception("the dispatch round of region %r failed", region)
            record_round_failure(region, error)
    return offered


@task()
def read_weather_alerts() -> int:
    """The scheduled job: read the co-op's alert feed, if it names one; alerts stored."""
    source = configured_source()
    if source is None:
        return 0
    try:
        return record_weather_alerts(source)
    except (OSError, AlertFeedError) as error:
        # The feed is down or malformed: the alerts already stored stay in force, and the
        # audit log says the feed failed (a steward sees it on the console's log).
        record_feed_failure(source.name, str(error))
        return 0
