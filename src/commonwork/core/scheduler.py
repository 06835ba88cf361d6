"""Periodic jobs: which are due, decided by a pure function; enqueued as Django tasks.

The job table is the site layer's (`commonwork.site.jobs`): `manage.py run_scheduler`
ticks once a second and enqueues each due job on the task backend; `manage.py db_worker`
(or an RQ worker) runs them. Intervals are read at every tick, so a governed interval
that the members change applies at once.
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
