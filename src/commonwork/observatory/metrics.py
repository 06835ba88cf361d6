"""Labour metrics as pure functions over plain records: the policy lab computes them on
simulated weeks, the live observatory will on real ones. Every formula is written here
and in docs/policylab.md; money is integer minor units, hours are floats.

Terms. *Working time* is the time a worker is logged in and available, waiting included.
*Task time* is the part of it spent on tasks. *Earnings* are everything paid to the
worker for the period (task pay, floor top-ups, tips, surplus returns paid out); *net*
earnings subtract the worker's own costs of working (their vehicle), and effective
hourly pay is net.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerPeriod:
    """One worker over the measured period."""

    worker_id: int
    working_hours: float  # logged in and available, waiting included
    task_hours: float  # on tasks; at most working_hours
    earnings_minor: int
    days: float  # the period's length in days (for hours per week)
    costs_minor: int = 0  # the worker's own costs of working (their vehicle)
    # Working hours in each complete 7-day week of the period, in order (none for a
    # period shorter than a week).
    week_hours: tuple[float, ...] = ()
    # The days on which they worked at all; None where only the period's length is known.
    days_worked: int | None = None

    @property
    def net_minor(self) -> int:
        return self.earnings_minor - self.costs_minor


@dataclass(frozen=True)
class TaskRecord:
    """One task posted in the period."""

    client_paid_minor: int  # what the client paid (0 if not completed)
    worker_paid_minor: int  # of that, what reached the worker
    platform_kept_minor: int  # of that, what the platform kept (fee, surge margin)
    wait_minutes: float | None  # from posting to the worker's start; None if not completed


@dataclass(frozen=True)
class Distribution:
    mean: float
    median: float
    p10: float
    p90: float


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (NumPy's default,
    "linear"); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def distribution(values: Sequence[float]) -> Distribution:
    if not values:
        return Distribution(math.nan, math.nan, math.nan, math.nan)
    return Distribution(
        sum(values) / len(values),
        quantile(values, 0.5),
        quantile(values, 0.1),
        quantile(values, 0.9),
    )


def hourly_pay(workers: Sequence[WorkerPeriod], *, count_waiting: bool) -> Distribution:
    """Effective hourly pay per worker (minor units per hour): earnings less the worker's
    own costs, ÷ working hours (waiting counted) or ÷ task hours (waiting not counted).
    Workers with no such hours are left out."""
    values = [
        w.net_minor / (w.working_hours if count_waiting else w.task_hours)
        for w in workers
        if (w.working_hours if count_waiting else w.task_hours) > 0
    ]
    return distribution(values)


def share_of_hours_at_or_above_floor(
    workers: Sequence[WorkerPeriod], *, floor_per_hour_minor: int
) -> float:
    """Of all working hours, the share worked by workers whose earnings (net of their own
    costs) per working hour reach the floor: Σ their working hours ÷ Σ working hours."""
    total = sum(w.working_hours for w in workers)
    if total == 0:
        return math.nan
    paid = sum(
        w.working_hours
        for w in workers
        if w.working_hours > 0 and w.net_minor / w.working_hours >= floor_per_hour_minor
    )
    return paid / total


def weekly_hours(workers: Sequence[WorkerPeriod]) -> list[float]:
    """The working hours of every worker-week actually simulated (or observed): one value
    per worker per complete week. A period shorter than a week measures none — a day's
    hours times seven is not a week (nobody works seven such days)."""
    return [hours for w in workers for hours in w.week_hours]


def daily_hours(workers: Sequence[WorkerPeriod]) -> list[float]:
    """Each worker's working hours per day worked: hours ÷ the days they worked (a day off
    is not a short day); ÷ the period's days where the days worked are not known."""
    return [
        w.working_hours / days
        for w in workers
        if (days := w.days if w.days_worked is None else w.days_worked) > 0
    ]


def paid_share_of_working_time(workers: Sequence[WorkerPeriod]) -> float:
    """Σ task hours ÷ Σ working hours: the part of the time at work that piece rates pay."""
    idle = idle_share(workers)
    return 1 - idle if not math.isnan(idle) else math.nan


def take_per_task(tasks: Sequence[TaskRecord]) -> Distribution:
    """Per completed task, the share of what the client paid that the platform kept."""
    return distribution(
        [t.platform_kept_minor / t.client_paid_minor for t in tasks if t.client_paid_minor > 0]
    )


def share_above_weekly_hours(workers: Sequence[WorkerPeriod], limit: float = 48) -> float:
    """The share of worker-weeks whose working hours exceed `limit`."""
    hours = weekly_hours(workers)
    return sum(1 for h in hours if h > limit) / len(hours) if hours else math.nan


def idle_share(workers: Sequence[WorkerPeriod]) -> float:
    """The unpaid-by-the-task share of working time: 1 − Σ task hours ÷ Σ working hours."""
    working = sum(w.working_hours for w in workers)
    return 1 - sum(w.task_hours for w in workers) / working if working else math.nan


def labour_share(tasks: Sequence[TaskRecord]) -> float:
    """Workers' share of client spending: Σ paid to workers ÷ Σ paid by clients."""
    spent = sum(t.client_paid_minor for t in tasks)
    return sum(t.worker_paid_minor for t in tasks) / spent if spent else math.nan


def platform_share(tasks: Sequence[TaskRecord]) -> float:
    """The platform's retained share (its take): Σ kept ÷ Σ paid by clients."""
    spent = sum(t.client_paid_minor for t in tasks)
    return sum(t.platform_kept_minor for t in tasks) / spent if spent else math.nan


def retained_per_wage(tasks: Sequence[TaskRecord]) -> float:
    """Value the platform keeps per unit of wages: Σ kept ÷ Σ paid to workers."""
    wages = sum(t.worker_paid_minor for t in tasks)
    return sum(t.platform_kept_minor for t in tasks) / wages if wages else math.nan


def gini(values: Sequence[float]) -> float:
    """The Gini coefficient, Σᵢ (2i − n − 1) xᵢ ÷ (n Σ x) over x sorted ascending
    (i from 1): 0 when all are equal, towards 1 when one has everything."""
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if n == 0 or total == 0:
        return math.nan if n == 0 else 0.0
    value = sum((2 * i - n - 1) * x for i, x in enumerate(ordered, 1)) / (n * total)
    # Equal values give exactly 0; summing floats can leave a tiny negative instead.
    return max(0.0, value)


def top_share(values: Sequence[float], fraction: float = 0.1) -> float:
    """The share of the total held by the top `fraction` of values (at least one)."""
    ordered = sorted(values, reverse=True)
    total = sum(ordered)
    if not ordered or total == 0:
        return math.nan
    top = max(1, round(len(ordered) * fraction))
    return sum(ordered[:top]) / total


def customer_wait(tasks: Sequence[TaskRecord]) -> Distribution:
    """Minutes from posting to the start of work, over completed tasks."""
    return distribution([t.wait_minutes for t in tasks if t.wait_minutes is not None])


def completion_rate(tasks: Sequence[TaskRecord]) -> float:
    return sum(1 for t in tasks if t.wait_minutes is not None) / len(tasks) if tasks else math.nan
