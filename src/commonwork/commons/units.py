"""One row per privacy unit (a consenting member × the release's period), aggregated
from the records: the only thing a statistic ever reads."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable

from django.db.models import Count

from commonwork.commons.statistics import Unit
from commonwork.ledger import selectors as ledger_selectors
from commonwork.ledger.models import PayoutBatch, PayoutStatus
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Dispute, Task
from commonwork.work.selectors import on_task_spans

WEEK = dt.timedelta(days=7)
OVER_HOURS = 48


def _hours(delta: dt.timedelta) -> int:
    return max(0, round(delta.total_seconds() / 3600))


def units(member_ids: list[int], since: dt.datetime, weeks: int) -> list[Unit]:
    """Each member's unit over [since, since + weeks): sums and counts done in the
    database where they are sums and counts; engaged time by the pay floor's own rule."""
    until = since + weeks * WEEK
    if not member_ids:
        return []
    engaged: dict[int, float] = defaultdict(float)
    over_48: Counter[int] = Counter()
    for week in range(weeks):
        start = since + week * WEEK
        for member, hours in ledger_selectors.engaged_hours(
            member_ids, since=start, until=start + WEEK
        ).items():
            engaged[member] += hours
            over_48[member] += hours > OVER_HOURS
    on_task: dict[int, float] = defaultdict(float)
    for member, spans in on_task_spans(since=since, until=until, worker_ids=member_ids).items():
        on_task[member] = sum(
            max(0.0, (min(b, until) - max(a, since)).total_seconds()) for a, b in spans
        )
    pay = ledger_selectors.earnings(member_ids, since=since, until=until)
    done = Task.objects.filter(
        worker_id__in=member_ids,
        status=TaskStatus.COMPLETED,
        completed_at__gte=since,
        completed_at__lt=until,
    )
    by_zone: dict[int, dict[str, int]] = defaultdict(dict)
    for member, region, n in (
        done.exclude(region="").values_list("worker_id", "region").annotate(n=Count("id"))
    ):
        by_zone[member][region] = n
    paid_tasks: Counter[int] = Counter()
    payout_hours: Counter[int] = Counter()
    batches = list(
        PayoutBatch.objects.filter(status=PayoutStatus.PAID, paid_at__isnull=False)
        .filter(period__ends_on__gt=since.date(), period__starts_on__lt=until.date())
        .values_list("period__starts_on", "period__ends_on", "paid_at", "lines__member_id")
    )
    paid_at: dict[tuple[int, dt.date, dt.date], dt.datetime] = {}
    for starts, ends, when, member in batches:
        if member is not None and when is not None:
            key = (member, starts, ends)
            paid_at[key] = min(when, paid_at.get(key, when))
    for member, completed in done.values_list("worker_id", "completed_at"):
        if member is None or completed is None:
            continue
        day = completed.date()
        for (who, starts, ends), when in paid_at.items():
            if who == member and starts <= day < ends:
                paid_tasks[member] += 1
                payout_hours[member] += _hours(when - completed)
                break
    disputes: Counter[int] = Counter()
    decided: Counter[int] = Counter()
    decision_hours: Counter[int] = Counter()
    for member, opened, resolved in Dispute.objects.filter(
        task__worker_id__in=member_ids, opened_at__gte=since, opened_at__lt=until
    ).values_list("task__worker_id", "opened_at", "resolved_at"):
        disputes[member] += 1
        if resolved is not None:
            decided[member] += 1
            decision_hours[member] += _hours(resolved - opened)
    return [
        Unit(
            engaged_minutes=round(engaged[m] * 60),
            on_task_minutes=round(on_task[m] / 60),
            pay_minor=pay.get(m, 0),
            weeks_over_48=over_48[m],
            zone=max(by_zone[m], key=lambda z: (by_zone[m][z], z)) if by_zone[m] else "",
            tasks_by_zone=dict(by_zone[m]),
            paid_tasks=paid_tasks[m],
            payout_hours=payout_hours[m],
            disputes=disputes[m],
            decided=decided[m],
            decision_hours=decision_hours[m],
        )
        for m in member_ids
    ]


# Where the units of a purpose's members come from: the co-op's own records, or what an
# app above registers (bring your data registers the donated imports).
UnitSource = Callable[[list[int], dt.datetime, int], list[Unit]]
SOURCES: dict[str, UnitSource] = {"commons": units}


def register_source(purpose: str, source: UnitSource) -> None:
    SOURCES[purpose] = source


def zones(since: dt.datetime, weeks: int) -> list[str]:
    """The zones a release reports: the dispatch regions of the period's completed tasks,
    public on the task board already (not protected; the registry record says so)."""
    until = since + weeks * WEEK
    return sorted(
        set(
            Task.objects.filter(
                status=TaskStatus.COMPLETED, completed_at__gte=since, completed_at__lt=until
            )
            .exclude(region="")
            .values_list("region", flat=True)
        )
    )
