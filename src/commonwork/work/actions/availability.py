"""A worker's availability, the location their phone reports while available, and the
limits they set on the work they take (dispatch treats them as hard constraints)."""

from __future__ import annotations

import math

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.members.models import Membership, User
from commonwork.members.selectors import require_role
from commonwork.vault.location import seal_point
from commonwork.work.actions.offers import _close_offer
from commonwork.work.actions.tasks import (
    _check_coordinate,
    _lock_task,
    _move,
)
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
def set_availability(*, actor: User, available: bool) -> AvailabilityPeriod | None:
    """Only the worker switches their own availability. Switching to the current state
    changes nothing. Going unavailable withdraws any offer waiting for them."""
    require_role(actor, *WORKING_ROLES)
    # Lock the member row so two quick toggles cannot open two periods.
    Membership.objects.select_for_update().filter(user=actor).first()
    current = AvailabilityPeriod.objects.filter(worker=actor, ended_at__isnull=True).first()
    now = clock.now()
    if available:
        if current is not None:
            return current
        period = AvailabilityPeriod.objects.create(worker=actor, started_at=now)
        audit.record(actor=actor, action="availability.started", obj=period)
        return period
    if current is None:
        return None
    current.ended_at = now
    current.save(update_fields=["ended_at"])
    audit.record(actor=actor, action="availability.ended", obj=current)
    for offer in Offer.objects.select_for_update().filter(worker=actor, status=OfferStatus.PENDING):
        task = _lock_task(offer.task_id)
        _close_offer(offer, OfferStatus.WITHDRAWN, actor=actor)
        _move(actor=actor, task=task, transition=Transition.EXPIRE_OFFER, data={"offer": offer.pk})
    return None


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
