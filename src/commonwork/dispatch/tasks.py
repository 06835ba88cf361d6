"""Dispatch rounds as background tasks (see site.jobs for when they run)."""

from __future__ import annotations

import logging
import time

from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

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


# How long the city-wide round waits for the tick's regional rounds before it runs anyway
# (the one-pending-offer constraints keep offers single whatever the order).
CITY_ROUND_WAITS_SECONDS = 60.0


def _round(region: str) -> int:
    """One region's round, unless nothing changed; the number of offers made. A failing
    round rolls back, is logged and written to the audit log (dispatch.round_failed), and
    runs again at the next tick; it stops no other region's."""
    try:
        return run_round(region=region, reuse_unchanged=True).offered_count
    except Exception as error:
        log.exception("the dispatch round of region %r failed", region)
        record_round_failure(region, error)
        return 0


@task()
def dispatch_round(region: str = "") -> int:
    """One region's round, as its own job on whichever worker takes it, in its own
    transaction under the region's lock (two workers never run one region at once)."""
    return _round(region)


@task()
def dispatch_city_round(regional_result_ids: list[str]) -> int:
    """The city-wide round ("": tasks without a region, and what the regional rounds
    could not place), after this tick's regional rounds have ended."""
    deadline = time.monotonic() + CITY_ROUND_WAITS_SECONDS
    waiting = list(regional_result_ids)
    while waiting and time.monotonic() < deadline:
        waiting = [result_id for result_id in waiting if not _ended(result_id)]
        if waiting:
            time.sleep(0.2)
    if waiting:
        log.warning("the city-wide round ran before %d regional rounds ended", len(waiting))
    return _round("")


def _ended(result_id: str) -> bool:
    if not dispatch_round.get_backend().supports_get_result:
        return True  # a backend that runs jobs as they are enqueued (tests)
    try:
        status = dispatch_round.get_result(result_id).status
    except TaskResultDoesNotExist:  # the queue forgot it (Redis emptied): nothing to wait for
        return True
    return status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


@task()
def dispatch_regions() -> int:
    """The scheduled job: a round job for each region with open tasks, enqueued at once so
    that workers run them in parallel, then the city-wide round's job, which waits for
    them. How many round jobs it enqueued."""
    regional = [dispatch_round.enqueue(region) for region in regions_with_open_tasks(clock.now())]
    dispatch_city_round.enqueue([result.id for result in regional])
    return len(regional) + 1


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
