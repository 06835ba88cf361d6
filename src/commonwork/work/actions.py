"""Every write about work: atomic, audited, guarded by the task state machine.

Each transition locks the task row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
write transactions begin IMMEDIATE and so are serialised), re-reads its status under
the lock, checks who is acting, and only then moves it. Two workers taking the same
task therefore cannot both succeed: the second sees it already accepted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import IntegrityError, transaction

from commonwork.core import audit, clock
from commonwork.core.errors import Forbidden, NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.members.actions import clean_skills
from commonwork.members.models import Membership, Role, User
from commonwork.members.selectors import is_steward, require_role
from commonwork.vault.location import seal_point
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import IllegalTransitionError, TaskStatus, Transition, next_status
from commonwork.work.models import (
    AvailabilityPeriod,
    Dispute,
    DisputeOutcome,
    DisputeStatus,
    LocationPing,
    Offer,
    OfferStatus,
    Project,
    Tariff,
    Task,
    TaskKind,
    WorkerPreferences,
)
from commonwork.work.pricing import TariffRates, haversine_km, quote_minor
from commonwork.work.selectors import WORKING_ROLES, current_tariff

MAX_ESTIMATED_MINUTES = 7 * 24 * 60


class TaskAction(Protocol):
    """The shape of the simple transition actions: who acts, on which task."""

    def __call__(self, *, actor: User, task_id: int) -> Task: ...


MAX_RATE_MINOR = 10_000_000


# --- tariff and projects -------------------------------------------------------------


@transaction.atomic
def publish_tariff(
    *, actor: User, name: str, base_minor: int, per_km_minor: int, per_minute_minor: int
) -> Tariff:
    """A steward publishes a new price list; tasks posted from now on are priced by it."""
    require_role(actor, Role.STEWARD)
    for field, value in (
        ("base_minor", base_minor),
        ("per_km_minor", per_km_minor),
        ("per_minute_minor", per_minute_minor),
    ):
        if value < 0:
            raise WorkError("invalid", "A price cannot be negative.", field=field)
        if value > MAX_RATE_MINOR:
            raise WorkError("invalid", "That price is implausibly large.", field=field)
    if not name.strip():
        raise WorkError("invalid", "Name the tariff.", field="name")
    tariff = Tariff.objects.create(
        name=name.strip()[:80],
        base_minor=base_minor,
        per_km_minor=per_km_minor,
        per_minute_minor=per_minute_minor,
        published_at=clock.now(),
        published_by=actor,
    )
    audit.record(
        actor=actor,
        action="tariff.published",
        obj=tariff,
        data={"base": base_minor, "per_km": per_km_minor, "per_minute": per_minute_minor},
    )
    return tariff


@transaction.atomic
def create_project(*, actor: User, title: str, purpose: str, outcome: str = "") -> Project:
    require_role(actor, Role.CLIENT, Role.STEWARD)
    if not title.strip():
        raise WorkError("invalid", "Give the project a title.", field="title")
    if not purpose.strip():
        raise WorkError(
            "invalid", "Say what the project is for: workers see its purpose.", field="purpose"
        )
    project = Project.objects.create(
        client=actor,
        title=title.strip()[:120],
        purpose=purpose.strip(),
        outcome=outcome.strip(),
        created_at=clock.now(),
    )
    audit.record(actor=actor, action="project.created", obj=project, data={"title": project.title})
    return project


@transaction.atomic
def record_project_outcome(*, actor: User, project_id: int, outcome: str) -> Project:
    project = Project.objects.select_for_update().filter(pk=project_id, client=actor).first()
    if project is None:
        raise NotFound("Project", field="project_id")
    project.outcome = outcome.strip()
    project.save(update_fields=["outcome"])
    audit.record(actor=actor, action="project.outcome_recorded", obj=project)
    return project


# --- posting tasks -------------------------------------------------------------------


def _check_coordinate(value: float | None, *, limit: float, field: str) -> float:
    if value is None:
        raise WorkError("invalid", "A located task needs this coordinate.", field=field)
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise WorkError(
            "invalid",
            "A coordinate here lies between -{limit} and {limit}.",
            field=field,
            params={"limit": f"{limit:g}"},
        )
    return float(value)


@transaction.atomic
def post_task(
    *,
    actor: User,
    project_id: int,
    title: str,
    kind: str,
    estimated_minutes: int,
    deadline: datetime,
    description: str = "",
    skills: list[str] | None = None,
    pickup: tuple[float | None, float | None] | None = None,
    dropoff: tuple[float | None, float | None] | None = None,
    region: str = "",
    publish: bool = True,
) -> Task:
    """A client posts a task in one of their projects, priced by the current tariff."""
    require_role(actor, Role.CLIENT, Role.STEWARD)
    project = Project.objects.filter(pk=project_id, client=actor).first()
    if project is None:
        raise NotFound("Project", field="project_id")
    if not title.strip():
        raise WorkError("invalid", "Give the task a title.", field="title")
    if kind not in TaskKind.values:
        raise WorkError("invalid", "A task is remote or located.", field="kind")
    if not 1 <= estimated_minutes <= MAX_ESTIMATED_MINUTES:
        raise WorkError(
            "invalid",
            "The estimate is between 1 and {limit} minutes.",
            field="estimated_minutes",
            params={"limit": MAX_ESTIMATED_MINUTES},
        )
    now = clock.now()
    if deadline.tzinfo is None:
        raise WorkError("invalid", "The deadline needs a time zone.", field="deadline")
    if deadline <= now:
        raise WorkError("invalid", "The deadline has to be in the future.", field="deadline")
    tariff = current_tariff()
    if tariff is None:
        raise WorkError("no_tariff", "The co-op has not published a tariff yet.")
    coordinates: dict[str, float | None] = dict.fromkeys(
        ("pickup_lat", "pickup_lon", "dropoff_lat", "dropoff_lon")
    )
    distance_km = 0.0
    if kind == TaskKind.LOCATED:
        pickup_lat, pickup_lon = pickup or (None, None)
        dropoff_lat, dropoff_lon = dropoff or (None, None)
        coordinates = {
            "pickup_lat": _check_coordinate(pickup_lat, limit=90, field="pickup_lat"),
            "pickup_lon": _check_coordinate(pickup_lon, limit=180, field="pickup_lon"),
            "dropoff_lat": _check_coordinate(dropoff_lat, limit=90, field="dropoff_lat"),
            "dropoff_lon": _check_coordinate(dropoff_lon, limit=180, field="dropoff_lon"),
        }
        distance_km = haversine_km(*coordinates.values())  # type: ignore[arg-type]
    elif pickup is not None or dropoff is not None:
        raise WorkError("invalid", "A remote task has no pickup or drop-off.", field="kind")
    rates = TariffRates(tariff.base_minor, tariff.per_km_minor, tariff.per_minute_minor)
    task = Task.objects.create(
        project=project,
        title=title.strip()[:120],
        description=description.strip(),
        kind=kind,
        region=region.strip()[:40],
        distance_km=round(distance_km, 3),
        skills=clean_skills(skills or []),
        estimated_minutes=estimated_minutes,
        deadline=deadline,
        tariff=tariff,
        price_minor=quote_minor(rates, distance_km=distance_km, minutes=estimated_minutes),
        status=TaskStatus.OPEN if publish else TaskStatus.DRAFT,
        created_at=now,
        updated_at=now,
        **coordinates,
    )
    audit.record(
        actor=actor,
        action="task.posted",
        obj=task,
        data={"status": task.status, "price_minor": task.price_minor, "tariff": tariff.pk},
    )
    return task


# --- transitions -------------------------------------------------------------------


def _lock_task(task_id: int) -> Task:
    task = Task.objects.select_for_update().select_related("project").filter(pk=task_id).first()
    if task is None:
        raise NotFound("Task", field="task_id")
    return task


def _move(
    *,
    actor: User | None,
    task: Task,
    transition: Transition,
    data: dict[str, Any] | None = None,
    worker: User | bool | None = False,
) -> Task:
    """Fire `transition` on a locked task. `worker=False` leaves the worker as it is."""
    try:
        target = next_status(TaskStatus(task.status), transition)
    except IllegalTransitionError as exc:
        raise WorkError("illegal_transition", str(exc), field="status") from exc
    previous = task.status
    task.status = target
    task.updated_at = clock.now()
    update_fields = ["status", "updated_at"]
    if target == TaskStatus.IN_PROGRESS and task.started_at is None:
        task.started_at = task.updated_at
        update_fields.append("started_at")
    elif target == TaskStatus.DELIVERED:
        task.delivered_at = task.updated_at
        update_fields.append("delivered_at")
    elif target == TaskStatus.COMPLETED:
        task.completed_at = task.updated_at
        update_fields.append("completed_at")
    if worker is not False:
        task.worker = worker if isinstance(worker, User) else None
        update_fields.append("worker")
    task.save(update_fields=update_fields)
    audit.record(
        actor=actor,
        action=f"task.{transition.value}",
        obj=task,
        data={"from": previous, "to": target.value, **(data or {})},
    )
    if target == TaskStatus.COMPLETED:
        # The books and the task move together: a completion that cannot be posted
        # is not a completion.
        from commonwork.ledger.actions import post_task_completion

        post_task_completion(task=task, actor=actor)
    return task


def _require_client_of(actor: User, task: Task) -> None:
    if task.project.client_id != actor.pk:
        if _visible_to(actor, task):
            raise Forbidden("Only the task's client can do this.")
        raise NotFound("Task", field="task_id")


def _require_worker_of(actor: User, task: Task) -> None:
    if task.worker_id != actor.pk:
        if _visible_to(actor, task):
            raise Forbidden("Only the worker doing this task can do this.")
        raise NotFound("Task", field="task_id")


def _visible_to(actor: User, task: Task) -> bool:
    from commonwork.work.selectors import access_task_by_id

    try:
        access_task_by_id(actor, task.pk)
    except NotFound:
        return False
    return True


def _with_task(
    *, actor: User, task_id: int, transition: Transition, guard: Callable[[Task], None]
) -> Task:
    task = _lock_task(task_id)
    guard(task)
    return _move(actor=actor, task=task, transition=transition)


@transaction.atomic
def publish_task(*, actor: User, task_id: int) -> Task:
    require_role(actor)
    return _with_task(
        actor=actor,
        task_id=task_id,
        transition=Transition.PUBLISH,
        guard=lambda task: _require_client_of(actor, task),
    )


def _missing_skills(membership: Membership, task: Task) -> list[str]:
    return sorted(set(task.skills) - set(membership.skills))


@transaction.atomic
def take_task(*, actor: User, task_id: int) -> Task:
    """A worker takes an open task from the board. First come, first served."""
    membership = require_role(actor, *WORKING_ROLES)
    task = _lock_task(task_id)
    if task.project.client_id == actor.pk:
        raise WorkError("forbidden", "You cannot take a task you posted yourself.")
    if task.status != TaskStatus.OPEN:
        if task.status in {TaskStatus.DRAFT, TaskStatus.CANCELLED} and not _visible_to(actor, task):
            raise NotFound("Task", field="task_id")
        raise WorkError(
            "already_taken", "Someone else has already taken this task, or it is not open."
        )
    missing = _missing_skills(membership, task)
    if missing:
        raise WorkError(
            "missing_skills",
            "This task needs skills you have not listed: {skills}.",
            params={"skills": ", ".join(missing)},
        )
    return _move(actor=actor, task=task, transition=Transition.TAKE, worker=actor)


@transaction.atomic
def release_task(*, actor: User, task_id: int) -> Task:
    """The worker gives an accepted task back to the board before starting. No penalty."""
    task = _lock_task(task_id)
    _require_worker_of(actor, task)
    return _move(actor=actor, task=task, transition=Transition.RELEASE, worker=None)


@transaction.atomic
def start_task(*, actor: User, task_id: int) -> Task:
    return _with_task(
        actor=actor,
        task_id=task_id,
        transition=Transition.START,
        guard=lambda task: _require_worker_of(actor, task),
    )


@transaction.atomic
def deliver_task(*, actor: User, task_id: int) -> Task:
    return _with_task(
        actor=actor,
        task_id=task_id,
        transition=Transition.DELIVER,
        guard=lambda task: _require_worker_of(actor, task),
    )


@transaction.atomic
def complete_task(*, actor: User, task_id: int) -> Task:
    """The client accepts the delivered work."""
    return _with_task(
        actor=actor,
        task_id=task_id,
        transition=Transition.COMPLETE,
        guard=lambda task: _require_client_of(actor, task),
    )


@transaction.atomic
def dispute_task(*, actor: User, task_id: int, reason: str) -> Dispute:
    """The client disputes a delivery, saying why; a steward will resolve it."""
    task = _lock_task(task_id)
    _require_client_of(actor, task)
    if not reason.strip():
        raise WorkError("invalid", "Say what is wrong with the delivery.", field="reason")
    _move(actor=actor, task=task, transition=Transition.DISPUTE, data={"reason": reason.strip()})
    dispute = Dispute.objects.create(
        task=task, opened_by=actor, reason=reason.strip(), opened_at=clock.now()
    )
    audit.record(actor=actor, action="dispute.opened", obj=dispute, data={"task": task.pk})
    return dispute


_RESOLUTION = {
    DisputeOutcome.PAY: Transition.RESOLVE_PAY,
    DisputeOutcome.REDO: Transition.RESOLVE_REDO,
    DisputeOutcome.CANCEL: Transition.RESOLVE_CANCEL,
}


@transaction.atomic
def resolve_dispute(*, actor: User, dispute_id: int, outcome: str, note: str) -> Dispute:
    require_role(actor, Role.STEWARD)
    if outcome not in DisputeOutcome.values:
        raise WorkError("invalid", "The outcome is pay, redo or cancel.", field="outcome")
    if not note.strip():
        raise WorkError("invalid", "Explain the decision to both sides.", field="note")
    dispute = Dispute.objects.select_for_update().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound("Dispute", field="dispute_id")
    if dispute.status != DisputeStatus.OPEN:
        raise WorkError("illegal_transition", "This dispute is already resolved.")
    task = _lock_task(dispute.task_id)
    if task.worker_id == actor.pk or task.project.client_id == actor.pk:
        raise WorkError("forbidden", "A steward who is a party to the dispute cannot resolve it.")
    _move(
        actor=actor,
        task=task,
        transition=_RESOLUTION[DisputeOutcome(outcome)],
        data={"dispute": dispute.pk},
    )
    dispute.status = DisputeStatus.RESOLVED
    dispute.outcome = outcome
    dispute.resolution_note = note.strip()
    dispute.resolved_by = actor
    dispute.resolved_at = clock.now()
    dispute.save(
        update_fields=["status", "outcome", "resolution_note", "resolved_by", "resolved_at"]
    )
    audit.record(
        actor=actor, action="dispute.resolved", obj=dispute, data={"outcome": outcome, "note": note}
    )
    return dispute


def _withdraw_pending_offers(*, task: Task | None = None, worker_id: int | None = None) -> None:
    offers = Offer.objects.select_for_update().filter(status=OfferStatus.PENDING)
    if task is not None:
        offers = offers.filter(task=task)
    if worker_id is not None:
        offers = offers.filter(worker_id=worker_id)
    now = clock.now()
    for offer in offers:
        offer.status = OfferStatus.WITHDRAWN
        offer.responded_at = now
        offer.save(update_fields=["status", "responded_at"])
        audit.record(actor=None, action="offer.withdrawn", obj=offer, data={"task": offer.task_id})


@transaction.atomic
def cancel_task(*, actor: User, task_id: int, reason: str = "") -> Task:
    """The client, or a steward, cancels a task before work on it starts."""
    task = _lock_task(task_id)
    if not is_steward(actor):
        _require_client_of(actor, task)
    if task.status == TaskStatus.OFFERED:
        _withdraw_pending_offers(task=task)
    return _move(
        actor=actor, task=task, transition=Transition.CANCEL, data={"reason": reason.strip()}
    )


# --- offers --------------------------------------------------------------------------


@transaction.atomic
def offer_task(
    *, actor: User | None, task_id: int, worker_id: int, ttl: timedelta | None = None
) -> Offer:
    """Offer an open task to one available worker (dispatch does this; a steward may too)."""
    if actor is not None:
        require_role(actor, Role.STEWARD)
    task = _lock_task(task_id)
    worker_membership = Membership.objects.select_related("user").filter(user_id=worker_id).first()
    if (
        worker_membership is None
        or not worker_membership.is_active
        or worker_membership.role not in WORKING_ROLES
    ):
        raise WorkError("invalid", "Tasks are offered to active workers only.", field="worker_id")
    if task.project.client_id == worker_id:
        raise WorkError("invalid", "A task is not offered to its own client.", field="worker_id")
    if not AvailabilityPeriod.objects.filter(worker_id=worker_id, ended_at__isnull=True).exists():
        raise WorkError(
            "not_available",
            "This worker is not available; only they can change that.",
            field="worker_id",
        )
    missing = _missing_skills(worker_membership, task)
    if missing:
        raise WorkError(
            "missing_skills",
            "The worker lacks: {skills}.",
            field="worker_id",
            params={"skills": ", ".join(missing)},
        )
    _move(actor=actor, task=task, transition=Transition.OFFER, data={"worker": worker_id})
    now = clock.now()
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                task=task,
                worker_id=worker_id,
                offered_at=now,
                expires_at=now + (ttl or _offer_ttl()),
            )
    except IntegrityError as exc:
        raise WorkError(
            "conflict", "This worker already has an offer waiting for an answer.", field="worker_id"
        ) from exc
    audit.record(
        actor=actor, action="offer.made", obj=offer, data={"task": task.pk, "worker": worker_id}
    )
    return offer


def _offer_ttl() -> timedelta:
    return timedelta(seconds=int(read_parameter("dispatch.offer_ttl_seconds")))


def _lock_own_pending_offer(actor: User, offer_id: int) -> Offer:
    offer = Offer.objects.select_for_update().filter(pk=offer_id).first()
    if offer is None or (offer.worker_id != actor.pk and not is_steward(actor)):
        raise NotFound("Offer", field="offer_id")
    if offer.worker_id != actor.pk:
        raise Forbidden("Only the worker it was made to can answer an offer.")
    if offer.status == OfferStatus.EXPIRED:
        raise WorkError("offer_expired", "This offer has expired; the task is back on the board.")
    if offer.status != OfferStatus.PENDING:
        raise WorkError(
            "illegal_transition", "This offer is already {status}.", params={"status": offer.status}
        )
    return offer


def _close_offer(offer: Offer, status: OfferStatus, *, actor: User | None) -> None:
    offer.status = status
    offer.responded_at = clock.now()
    offer.save(update_fields=["status", "responded_at"])
    audit.record(
        actor=actor, action=f"offer.{status.value}", obj=offer, data={"task": offer.task_id}
    )


def accept_offer(*, actor: User, offer_id: int) -> Task:
    """The offered worker accepts. An offer past its expiry is expired first, for good."""
    expire_offers(offer_ids=[offer_id])
    return _accept_pending_offer(actor=actor, offer_id=offer_id)


@transaction.atomic
def _accept_pending_offer(*, actor: User, offer_id: int) -> Task:
    require_role(actor, *WORKING_ROLES)
    offer = _lock_own_pending_offer(actor, offer_id)
    task = _lock_task(offer.task_id)
    _close_offer(offer, OfferStatus.ACCEPTED, actor=actor)
    return _move(
        actor=actor,
        task=task,
        transition=Transition.ACCEPT_OFFER,
        data={"offer": offer.pk},
        worker=actor,
    )


@transaction.atomic
def decline_offer(*, actor: User, offer_id: int) -> Offer:
    """Decline an offer. Nothing about it is ever held against the worker."""
    offer = _lock_own_pending_offer(actor, offer_id)
    task = _lock_task(offer.task_id)
    _close_offer(offer, OfferStatus.DECLINED, actor=actor)
    _move(actor=actor, task=task, transition=Transition.DECLINE_OFFER, data={"offer": offer.pk})
    return offer


def expire_offers(*, now: datetime | None = None, offer_ids: list[int] | None = None) -> int:
    """Return every task whose offer ran out to the open pool. Safe to run at any time:
    each offer expires in its own transaction, and an offer answered meanwhile is left."""
    now = now or clock.now()
    expired = 0
    due = Offer.objects.filter(status=OfferStatus.PENDING, expires_at__lte=now)
    if offer_ids is not None:
        due = due.filter(pk__in=offer_ids)
    due_ids = list(due.values_list("pk", flat=True))
    for offer_id in due_ids:
        with transaction.atomic():
            offer = (
                Offer.objects.select_for_update()
                .filter(pk=offer_id, status=OfferStatus.PENDING, expires_at__lte=now)
                .first()
            )
            if offer is None:
                continue  # answered meanwhile
            task = _lock_task(offer.task_id)
            _close_offer(offer, OfferStatus.EXPIRED, actor=None)
            _move(
                actor=None, task=task, transition=Transition.EXPIRE_OFFER, data={"offer": offer.pk}
            )
            expired += 1
    return expired


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


# The transitions that need nothing but the actor and the task, by the name the API path
# and the task page's buttons use; one map so both fire the same actions.
SIMPLE_TRANSITIONS: dict[str, TaskAction] = {
    "publish": publish_task,
    "take": take_task,
    "release": release_task,
    "start": start_task,
    "deliver": deliver_task,
    "complete": complete_task,
}
