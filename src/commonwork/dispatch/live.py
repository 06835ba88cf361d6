"""The platform's side of a round: read what the engine needs from the database, in the
engine's plain types. Nothing here decides anything; the rules are all in solver.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean

from django.db.models import Q
from django.utils import timezone

from commonwork.dispatch import weather
from commonwork.dispatch.models import WeatherAlert
from commonwork.dispatch.solver import (
    Params,
    RoundInput,
    TaskIn,
    WorkerIn,
    continuous_engaged_hours,
    project_latlon,
    rest_before_stretch,
)
from commonwork.governance.parameters import read_parameter
from commonwork.ledger.models import AccountPurpose, EntryKind, Posting
from commonwork.ledger.rules import engaged_seconds
from commonwork.members.models import Membership, MembershipStatus
from commonwork.vault import location
from commonwork.vault.gate import job_reads
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import (
    AvailabilityPeriod,
    LocationPing,
    Offer,
    OfferStatus,
    Task,
    TaskKind,
    WorkerPreferences,
)
from commonwork.work.selectors import WORKING_ROLES, on_task_spans

BUSY_STATUSES = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
# A phone's position older than this says too little about where the worker is now.
LOCATION_FRESH_FOR = dt.timedelta(minutes=15)
# Before any worker has a position, the plane is centred on the tasks alone.
DEFAULT_ORIGIN = (0.0, 0.0)


@dataclass(frozen=True)
class LiveRound:
    """A round's input and the plane it was projected on (kept to show positions)."""

    round_input: RoundInput
    origin: tuple[float, float]


def _engaged_hours(
    available: Iterable[tuple[dt.datetime, dt.datetime]],
    on_task: Iterable[tuple[dt.datetime, dt.datetime]],
    start: dt.datetime,
    end: dt.datetime,
) -> float:
    """Hours available or on a task in [start, end), each second once (ledger.rules)."""

    def seconds(moment: dt.datetime) -> int:
        return int((moment - start).total_seconds())

    return (
        engaged_seconds(
            available=[(seconds(a), seconds(b)) for a, b in available],
            on_task=[(seconds(a), seconds(b)) for a, b in on_task],
            window=(0, seconds(end)),
        )
        / 3600
    )


def _week_start(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    monday = local - dt.timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def _day_start(now: dt.datetime) -> dt.datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def regions_with_open_tasks(now: dt.datetime) -> list[str]:
    """The named regions that have open tasks now, in name order."""
    return sorted(
        # Posted by now: a round replayed at a past time sees only what existed then.
        Task.objects.filter(status=TaskStatus.OPEN, deadline__gt=now, created_at__lte=now)
        .exclude(region="")
        .values_list("region", flat=True)
        .distinct()
    )


def _hours_before(
    spans: Iterable[tuple[dt.datetime, dt.datetime]], now: dt.datetime
) -> list[tuple[float, float]]:
    """Spans as hours relative to now (negative: past), as the solver's time rules take
    them (now is 0)."""

    def hours(moment: dt.datetime) -> float:
        return (moment - now).total_seconds() / 3600

    return [(hours(a), hours(b)) for a, b in spans]


def active_alerts(now: dt.datetime) -> list[weather.Alert]:
    """The alerts in force now, as the pure rules read them."""
    return [as_alert(row) for row in WeatherAlert.objects.filter(starts__lte=now, expires__gt=now)]


def as_alert(row: WeatherAlert) -> weather.Alert:
    areas: list[weather.Circle | weather.Polygon] = []
    for area in row.areas:
        if "circle" in area:
            areas.append(weather.Circle(*area["circle"]))
        else:
            areas.append(weather.Polygon(tuple(tuple(point) for point in area["polygon"])))
    return weather.Alert(
        row.identifier, row.event, row.severity, row.starts, row.expires, row.headline, tuple(areas)
    )


def _alerts_holding(tasks: Iterable[Task], now: dt.datetime) -> dict[int, str]:
    """Task id -> the binding alert that holds it back, under the members' weather rule:
    outdoor (located) tasks whose pickup lies in an alert in force at the governed level,
    when the rule is to hold them (under the supplement rule they are offered)."""
    level = int(read_parameter("weather_alert_level"))
    if level >= len(weather.SEVERITIES) or int(read_parameter("weather_rule")) != 0:
        return {}
    alerts = active_alerts(now)
    if not alerts:
        return {}
    held = {}
    for task in tasks:
        if task.kind != TaskKind.LOCATED or task.pickup_lat is None or task.pickup_lon is None:
            continue
        alert = weather.binding(
            alerts,
            lat=task.pickup_lat,
            lon=task.pickup_lon,
            at=now,
            level=weather.SEVERITIES[level],
        )
        if alert is not None:
            held[task.pk] = alert.identifier
    return held


def build_round(
    *,
    now: dt.datetime,
    params: Params,
    region: str = "",
) -> LiveRound:
    """Open tasks (in the region) and the available workers nobody is waiting on."""
    tasks = list(
        # Posted by now: a round replayed at a past time sees only what existed then.
        Task.objects.filter(status=TaskStatus.OPEN, deadline__gt=now, created_at__lte=now)
        .filter(Q(region=region) if region else Q())
        .order_by("id")
    )
    pending = Offer.objects.filter(status=OfferStatus.PENDING)
    busy = Task.objects.filter(status__in=BUSY_STATUSES).values("worker_id")
    periods = {
        p.worker_id: p
        for p in AvailabilityPeriod.objects.filter(ended_at__isnull=True)
        .exclude(worker_id__in=pending.values("worker_id"))
        .exclude(worker_id__in=busy)
    }
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            user_id__in=periods, status=MembershipStatus.ACTIVE, role__in=WORKING_ROLES
        )
    }
    worker_ids = sorted(memberships)
    # Through the vault's gate: the bylaws let dispatch read these, and each available
    # worker's access log says so.
    job_reads(
        job="dispatch",
        purpose="dispatch",
        subject_ids=worker_ids,
        categories=("location", "availability", "tasks", "earnings"),
    )
    # Each worker's newest ping of this availability stretch, opened all at once.
    newest: dict[int, bytes | memoryview] = {}
    for worker_id, recorded_at, sealed in (
        LocationPing.objects.filter(
            worker_id__in=worker_ids, recorded_at__gte=now - LOCATION_FRESH_FOR
        )
        .order_by("worker_id", "-recorded_at", "-id")
        .values_list("worker_id", "recorded_at", "sealed")
    ):
        if worker_id not in newest and recorded_at >= periods[worker_id].started_at:
            newest[worker_id] = sealed
    opened = location.points(list(newest.items()))
    positions = {w: where for w, where in zip(newest, opened, strict=True) if where is not None}

    located = [(t.pickup_lat, t.pickup_lon) for t in tasks if t.kind == TaskKind.LOCATED]
    points = [p for p in located if p[0] is not None and p[1] is not None]
    points += list(positions.values())
    origin = (
        (fmean(p[0] for p in points), fmean(p[1] for p in points))  # type: ignore[misc]
        if points
        else DEFAULT_ORIGIN
    )

    def plane(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
        if lat is None or lon is None:
            return None, None
        return project_latlon(lat, lon, origin)

    held_by = _alerts_holding(tasks, now)
    task_inputs = []
    for task in tasks:
        x, y = (
            plane(task.pickup_lat, task.pickup_lon)
            if task.kind == TaskKind.LOCATED
            else (None, None)
        )
        task_inputs.append(
            TaskIn(
                id=task.pk,
                x_km=x,
                y_km=y,
                est_minutes=task.estimated_minutes,
                skills=frozenset(task.skills),
                kind=task.kind,
                weather_alert=held_by.get(task.pk, ""),
            )
        )

    week_start, day_start = _week_start(now), _day_start(now)
    history: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {w: [] for w in worker_ids}
    for period in AvailabilityPeriod.objects.filter(worker_id__in=worker_ids).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=week_start - dt.timedelta(days=2))
    ):
        history[period.worker_id].append((period.started_at, period.ended_at or now))
    # Pay this week as the books hold it: each worker's share of the tasks completed
    # since the week began (tips are the client's gift and never steer dispatch).
    earnings: dict[int, int] = dict.fromkeys(worker_ids, 0)
    for owner_id, amount in Posting.objects.filter(
        account__purpose=AccountPurpose.PAYABLE,
        account__owner_id__in=worker_ids,
        entry__kind=EntryKind.TASK_COMPLETION,
        entry__posted_at__gte=week_start,
    ).values_list("account__owner_id", "amount_minor"):
        earnings[owner_id] -= amount
    # Engaged time counts on-task stretches too, as the pay floor does.
    on_task = on_task_spans(since=week_start, until=now, worker_ids=worker_ids)
    preferences = {
        p.worker_id: p for p in WorkerPreferences.objects.filter(worker_id__in=worker_ids)
    }

    break_hours = int(read_parameter("break_minutes")) / 60
    worker_inputs = []
    for worker_id in worker_ids:
        spans = sorted(history[worker_id])
        rest = rest_before_stretch(_hours_before(spans, now), 0.0, params.min_rest_hours)
        x, y = plane(*positions[worker_id]) if worker_id in positions else (None, None)
        prefs = preferences.get(worker_id)
        areas = None
        if prefs is not None and prefs.areas:
            boxes = []
            for south, west, north, east in prefs.areas:
                x0, y0 = project_latlon(south, west, origin)
                x1, y1 = project_latlon(north, east, origin)
                boxes.append((x0, y0, x1, y1))
            areas = tuple(boxes)
        week_hours = _engaged_hours(spans, on_task.get(worker_id, []), week_start, now)
        worker_inputs.append(
            WorkerIn(
                id=worker_id,
                x_km=x,
                y_km=y,
                skills=frozenset(memberships[worker_id].skills),
                hours_today=_engaged_hours(spans, on_task.get(worker_id, []), day_start, now),
                hours_week=week_hours,
                rest_hours=rest,
                earnings_week_minor=earnings[worker_id],
                engaged_hours_week=week_hours,
                max_distance_km=prefs.max_distance_km if prefs else None,
                kinds=frozenset(prefs.kinds) if prefs and prefs.kinds else None,
                areas=areas,
                continuous_hours=continuous_engaged_hours(
                    _hours_before([*spans, *on_task.get(worker_id, [])], now), 0.0, break_hours
                ),
            )
        )
    return LiveRound(RoundInput(tuple(task_inputs), tuple(worker_inputs), params), origin)
