"""A worker's availability, the location their phone reports while available, and the
limits they set on the work they take (dispatch treats them as hard constraints)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import Membership, User
from commonwork.members.selectors import require_role
from commonwork.vault.location import seal_point
from commonwork.work.actions.offers import _close_offer
from commonwork.work.actions.tasks import (
    _check_coordinate,
    _lock_task,
    _move,
)
from commonwork.work.availability import lapses_at
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import Transition
from commonwork.work.models import (
    AvailabilityPeriod,
    LocationPing,
    Offer,
    OfferStatus,
    TaskKind,
    WorkerPreferences,
)
from commonwork.work.selectors import WORKING_ROLES

# --- availability --------------------------------------------------------------------


@transaction.atomic
def set_availability(
    *, actor: User, available: bool, hours: float | None = None
) -> AvailabilityPeriod | None:
    """Only the worker switches their own availability, for `hours` (the governed
    default when not given, at most the governed maximum): it ends by itself then, or
    after the governed time without a sign of them. Switching to the current state
    changes nothing. Going unavailable withdraws any offer waiting for them."""
    require_role(actor, *WORKING_ROLES)
    # Lock the member row so two quick toggles cannot open two periods.
    Membership.objects.select_for_update().filter(user=actor).first()
    end_lapsed_availability(clock.now(), worker_id=actor.pk)
    current = AvailabilityPeriod.objects.filter(worker=actor, ended_at__isnull=True).first()
    now = clock.now()
    if available:
        if current is not None:
            return current
        longest = int(read_parameter("shift_max_hours"))
        length = float(read_parameter("shift_default_hours")) if hours is None else hours
        if not 0 < length <= longest:
            raise WorkError(
                "invalid",
                "Be available for more than 0 and at most {hours} hours at a time.",
                field="hours",
                params={"hours": longest},
            )
        period = AvailabilityPeriod.objects.create(
            worker=actor,
            started_at=now,
            planned_end=now + timedelta(hours=length),
            last_active_at=now,
        )
        audit.record(actor=actor, action="availability.started", obj=period, data={"hours": length})
        return period
    if current is None:
        return None
    _end(current, now, actor=actor, action="availability.ended")
    return None


def _end(period: AvailabilityPeriod, at: datetime, *, actor: User | None, action: str) -> None:
    """End a period at `at`, withdrawing any offer waiting for its worker."""
    period.ended_at = max(at, period.started_at)
    period.save(update_fields=["ended_at"])
    audit.record(actor=actor, action=action, obj=period)
    pending = Offer.objects.select_for_update().filter(
        worker_id=period.worker_id, status=OfferStatus.PENDING
    )
    for offer in pending:
        task = _lock_task(offer.task_id)
        _close_offer(offer, OfferStatus.WITHDRAWN, actor=actor)
        _move(actor=actor, task=task, transition=Transition.EXPIRE_OFFER, data={"offer": offer.pk})


@transaction.atomic
def confirm_availability(*, actor: User) -> AvailabilityPeriod:
    """The worker answers "still here": their availability goes on (until its end)."""
    require_role(actor, *WORKING_ROLES)
    end_lapsed_availability(clock.now(), worker_id=actor.pk)
    current = (
        AvailabilityPeriod.objects.select_for_update()
        .filter(worker=actor, ended_at__isnull=True)
        .first()
    )
    if current is None:
        raise WorkError("not_available", "You are not available; go available first.")
    current.last_active_at = clock.now()
    current.save(update_fields=["last_active_at"])
    return current


def end_lapsed_availability(now: datetime, *, worker_id: int | None = None) -> int:
    """End every open period that has passed its end or gone too long without a sign
    of its worker, at that moment (so no time after it counts, for the floor or for
    dispatch). Run by the scheduler every minute, and before a dispatch round or a
    period's close reads availability. How many ended."""
    confirm_after = timedelta(minutes=int(read_parameter("availability_confirm_minutes")))

    def lapse_of(period: AvailabilityPeriod) -> datetime | None:
        lapse = lapses_at(
            planned_end=period.planned_end,
            last_active_at=period.last_active_at,
            confirm_after=confirm_after,
        )
        return lapse if lapse is not None and lapse <= now else None

    open_periods = AvailabilityPeriod.objects.filter(ended_at__isnull=True)
    if worker_id is not None:
        open_periods = open_periods.filter(worker_id=worker_id)
    lapsed = [period.pk for period in open_periods if lapse_of(period) is not None]
    # Only the lapsed rows are locked, in one order, and a row held by its worker's own
    # action (a take, a step: each writes last_active_at) is skipped: that action is a
    # sign of them. Locking every open row, as a round once did for its whole length,
    # made each worker's step wait for the round, and deadlocked when the round then
    # wanted the task that step held.
    ended = 0
    for period in (
        AvailabilityPeriod.objects.select_for_update(skip_locked=True)
        .filter(pk__in=lapsed, ended_at__isnull=True)
        .order_by("pk")
    ):
        lapse = lapse_of(period)  # as it stands now that it is locked
        if lapse is not None:
            _end(period, lapse, actor=None, action="availability.lapsed")
            ended += 1
    return ended


# --- where and how a worker wants to work ---------------------------------------------


@transaction.atomic
def report_location(*, actor: User, lat: float, lon: float) -> LocationPing:
    """The worker's phone reports where they are. Accepted only while they are available:
    nobody is tracked off shift."""
    require_role(actor, *WORKING_ROLES)
    lat = _check_coordinate(lat, limit=90, field="lat")
    lon = _check_coordinate(lon, limit=180, field="lon")
    if not AvailabilityPeriod.objects.filter(worker=actor, ended_at__isnull=True).exists():
        raise WorkError(
            "not_available", "Locations are recorded only while you are available.", field="lat"
        )
    # Not audited row by row: a location trace is personal data and the audit log keeps
    # forever; the trace itself expires under location_retention_days.
    # A location from the phone is a sign of the worker being there.
    AvailabilityPeriod.objects.filter(worker=actor, ended_at__isnull=True).update(
        last_active_at=clock.now()
    )
    return LocationPing.objects.create(
        worker=actor, sealed=seal_point(actor.pk, lat, lon), recorded_at=clock.now()
    )


def _clean_areas(areas: list[list[float]]) -> list[list[float]]:
    cleaned = []
    for area in areas:
        if len(area) != 4:
            raise WorkError("invalid", "An area is [south, west, north, east].", field="areas")
        south, west, north, east = (float(v) for v in area)
        for value, limit in ((south, 90), (north, 90), (west, 180), (east, 180)):
            _check_coordinate(value, limit=limit, field="areas")
        if south > north or west > east:
            raise WorkError(
                "invalid", "An area's south/west lie below its north/east.", field="areas"
            )
        cleaned.append([south, west, north, east])
    return cleaned


@transaction.atomic
def set_work_preferences(
    *,
    actor: User,
    max_distance_km: float | None,
    kinds: list[str],
    areas: list[list[float]],
) -> WorkerPreferences:
    """Only the worker sets their own limits; dispatch treats them as hard constraints."""
    require_role(actor, *WORKING_ROLES)
    if max_distance_km is not None and not (
        math.isfinite(max_distance_km) and 0 < max_distance_km <= 500
    ):
        raise WorkError("invalid", "A distance is between 0 and 500 km.", field="max_distance_km")
    unknown = set(kinds) - set(TaskKind.values)
    if unknown:
        raise WorkError(
            "invalid",
            "Unknown kinds: {kinds}.",
            field="kinds",
            params={"kinds": ", ".join(sorted(unknown))},
        )
    preferences, _created = WorkerPreferences.objects.update_or_create(
        worker=actor,
        defaults={
            "max_distance_km": max_distance_km,
            "kinds": sorted(set(kinds)),
            "areas": _clean_areas(areas),
            "updated_at": clock.now(),
        },
    )
    audit.record(
        actor=actor,
        action="preferences.changed",
        obj=preferences,
        data={"max_distance_km": max_distance_km, "kinds": preferences.kinds},
    )
    return preferences
