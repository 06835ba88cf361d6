"""Periodic jobs: which are due, decided by a pure function; enqueued as Django tasks.

`manage.py run_scheduler` ticks once a second and enqueues each due job on the task
backend; `manage.py db_worker` (or an RQ worker) runs them. Intervals are read at every
tick, so a governed interval that the members change applies at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: Callable[[], float]
    enqueue: Callable[[], object]


def due_jobs(
    jobs: Sequence[PeriodicJob], last_enqueued: Mapping[str, float], now: float
) -> list[PeriodicJob]:
    """The jobs whose interval has passed since they were last enqueued (never: due)."""
    due = []
    for job in jobs:
        last = last_enqueued.get(job.name)
        if last is None or now - last >= max(1.0, job.every_seconds()):
            due.append(job)
    return due


def periodic_jobs() -> list[PeriodicJob]:
    """Every periodic job of the platform, in one list."""
    from commonwork.dispatch.tasks import dispatch_regions
    from commonwork.governance.parameters import read_parameter
    from commonwork.governance.tasks import advance_proposals
    from commonwork.ledger.tasks import close_due_pay_periods
    from commonwork.vault.tasks import enforce_location_retention
    from commonwork.work.tasks import expire_due_offers

    return [
        PeriodicJob("expire_offers", lambda: 5.0, expire_due_offers.enqueue),
        PeriodicJob(
            "dispatch_rounds",
            lambda: float(read_parameter("dispatch.round_interval_seconds")),
            dispatch_regions.enqueue,
        ),
        # Periods end at midnight; checking every ten minutes closes each soon after.
        PeriodicJob("close_pay_periods", lambda: 600.0, close_due_pay_periods.enqueue),
        # Voting windows open and close on the minute.
        PeriodicJob("advance_proposals", lambda: 30.0, advance_proposals.enqueue),
        # Location points are deleted within the hour after they pass the retention.
        PeriodicJob("location_retention", lambda: 3600.0, enforce_location_retention.enqueue),
    ]
