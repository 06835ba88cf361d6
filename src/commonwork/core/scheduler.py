"""Periodic jobs: which slot is due, decided by a pure function; enqueued as Django tasks.

The job table is the site layer's (`commonwork.site.jobs`): `manage.py run_scheduler`
ticks once a second and, if it leads (`core.scheduling`), enqueues each job whose current
slot is not enqueued yet on the task backend; `manage.py db_worker`
(or an RQ worker) runs them. Intervals are read at every tick, so a governed interval
that the members change applies at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: Callable[[], float]
    enqueue: Callable[[], object]


def slot_of(now: float, every_seconds: float) -> int:
    """Which slot of its interval a moment falls in (epoch seconds): a job is due once per
    slot, whichever scheduler process sees it first."""
    return int(now // max(1.0, every_seconds))
