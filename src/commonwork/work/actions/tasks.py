"""Tasks: posted, published, taken, started, delivered, completed or cancelled, each move
guarded by the state machine (work.lifecycle) under the task's row lock."""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import Forbidden, NotFound
from commonwork.core.marks import N_
from commonwork.governance.parameters import read_parameter
from commonwork.members.actions import clean_skills
from commonwork.members.models import Membership, Role, User
from commonwork.members.selectors import is_steward, require_role
from commonwork.vault.actions.keys import seal_bytes
from commonwork.work import places
from commonwork.work.actions._shared import MAX_ESTIMATED_MINUTES, TaskAction
from commonwork.work.errors import WorkError
from commonwork.work.hooks import TaskCompleted, TaskMoved, task_completed, task_moved
from commonwork.work.lifecycle import (
    IllegalTransitionError,
    Step,
    TaskStatus,
    Transition,
    next_status,
)
from commonwork.work.models import (
    AvailabilityPeriod,
    DeliveryProof,
    Offer,
    OfferStatus,
    Project,
    ProofKind,
    Task,
    TaskKind,
)
from commonwork.work.pricing import TariffRates, haversine_km, quote_minor
from commonwork.work.selectors import WORKING_ROLES, current_tariff

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


MAX_DESCRIPTION = 2_000
MAX_ADDRESS = 200


def _place(
    point: tuple[float | None, float | None] | None, address: str, *, end: str
) -> tuple[tuple[float | None, float | None] | None, str]:
    """The point and the address of one end of a trip. A pin (a point) wins; an address
    alone is looked up with the geocoder, and the place it finds is what is stored."""
    address = " ".join(address.split())
    if len(address) > MAX_ADDRESS:
        raise WorkError(
            "invalid",
            "An address is at most {limit} characters.",
            field=f"{end}_address",
            params={"limit": MAX_ADDRESS},
        )
    if point is not None or not address:
        return point, address
    try:
        found = places.geocoder().search(address, limit=1)
    except places.GeocoderUnavailableError as exc:
        raise WorkError(
            "geocoder_unavailable",
            "The address service did not answer; drop a pin on the map instead.",
            field=f"{end}_address",
        ) from exc
    if not found:
        raise WorkError(
            "unknown_address",
            "No place was found for “{address}”: try a street and district, or "
            "drop a pin on the map.",
            field=f"{end}_address",
            params={"address": address},
        )
    return (found[0].lat, found[0].lon), found[0].label


def _check_service_area(coordinates: dict[str, float | None], distance_km: float) -> None:
    """The co-op works where its members voted: no trip longer than max_task_km, and
    pickup and drop-off within service_area_radius_km of its centre (0: no area)."""
    longest = int(read_parameter("max_task_km"))
    if distance_km > longest:
        raise WorkError(
            "invalid",
            "A task may go at most {limit} km; this one goes {distance} km.",
            field="dropoff_lat",
            params={"limit": longest, "distance": f"{distance_km:,.0f}"},
        )
    radius = float(read_parameter("service_area_radius_km"))
    if radius <= 0:
        return
    centre = (float(read_parameter("service_area_lat")), float(read_parameter("service_area_lon")))
    outside = {
        "pickup": N_("The co-op works within {radius} km of its centre; this pickup is outside."),
        "dropoff": N_(
            "The co-op works within {radius} km of its centre; this drop-off is outside."
        ),
    }
    for end, message in outside.items():
        lat, lon = coordinates[f"{end}_lat"] or 0.0, coordinates[f"{end}_lon"] or 0.0
        if haversine_km(centre[0], centre[1], lat, lon) > radius:
            raise WorkError(
                "invalid", message, field=f"{end}_lat", params={"radius": f"{radius:g}"}
            )


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
    pickup_address: str = "",
    dropoff_address: str = "",
    region: str = "",
    publish: bool = True,
) -> Task:
    """A client posts a task in one of their projects, priced by the current tariff. A
    located task's ends are points, addresses (looked up), or both (the pin wins)."""
    require_role(actor, Role.CLIENT, Role.STEWARD)
    project = Project.objects.filter(pk=project_id, client=actor).first()
    if project is None:
        raise NotFound("Project", field="project_id")
    if not title.strip():
        raise WorkError("invalid", "Give the task a title.", field="title")
    if len(description) > MAX_DESCRIPTION:
        raise WorkError(
            "invalid",
            "A description is at most {limit} characters.",
            field="description",
            params={"limit": MAX_DESCRIPTION},
        )
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
    addresses = {"pickup_address": "", "dropoff_address": ""}
    if kind == TaskKind.LOCATED:
        pickup, addresses["pickup_address"] = _place(pickup, pickup_address, end="pickup")
        dropoff, addresses["dropoff_address"] = _place(dropoff, dropoff_address, end="dropoff")
        pickup_lat, pickup_lon = pickup or (None, None)
        dropoff_lat, dropoff_lon = dropoff or (None, None)
        coordinates = {
            "pickup_lat": _check_coordinate(pickup_lat, limit=90, field="pickup_lat"),
            "pickup_lon": _check_coordinate(pickup_lon, limit=180, field="pickup_lon"),
            "dropoff_lat": _check_coordinate(dropoff_lat, limit=90, field="dropoff_lat"),
            "dropoff_lon": _check_coordinate(dropoff_lon, limit=180, field="dropoff_lon"),
        }
        distance_km = haversine_km(*coordinates.values())  # type: ignore[arg-type]
        _check_service_area(coordinates, distance_km)
    elif pickup is not None or dropoff is not None or pickup_address or dropoff_address:
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
        recipient_code=f"{secrets.randbelow(10_000):04d}" if kind == TaskKind.LOCATED else "",
        **addresses,
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
    # The task's row only (`of`): locking its project too, as a join does by default,
    # made two takes of one client's tasks deadlock when their plans locked the two rows
    # in different orders (found by the load test).
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=task_id)
        .first()
    )
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
    if actor is not None:
        # A step the worker takes is a sign of them being there (bounded availability).
        AvailabilityPeriod.objects.filter(worker_id=actor.pk, ended_at__isnull=True).update(
            last_active_at=clock.now()
        )
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
        # The books and the task move together (ledger connects to this hook).
        task_completed.fire(TaskCompleted(task=task, actor=actor))
    task_moved.fire(
        TaskMoved(task=task, transition=transition.value, previous=previous, actor=actor)
    )
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
def hand_back_task(*, actor: User, task_id: int, incident_id: int) -> Task:
    """After an incident the worker hands the task back, even mid-way, with no penalty:
    it returns to the board and the next round offers it to someone else (the task page
    tells the client it is being re-dispatched)."""
    task = _lock_task(task_id)
    _require_worker_of(actor, task)
    if task.started_at is not None:
        task.started_at = None
        task.save(update_fields=["started_at"])
    return _move(
        actor=actor,
        task=task,
        transition=Transition.HAND_BACK,
        worker=None,
        data={"incident": incident_id},
    )


@transaction.atomic
def start_task(*, actor: User, task_id: int) -> Task:
    return _with_task(
        actor=actor,
        task_id=task_id,
        transition=Transition.START,
        guard=lambda task: _require_worker_of(actor, task),
    )


@transaction.atomic
def record_step(*, actor: User, task_id: int, step: str) -> Task:
    """ "Arrived at the pickup", then "picked up": shown to the client as they happen.
    Saying a step twice changes nothing."""
    task = _lock_task(task_id)
    _require_worker_of(actor, task)
    if step not in (Step.ARRIVED, Step.PICKED_UP):
        raise WorkError("invalid", "A step is arrived or picked up.", field="step")
    if task.kind != TaskKind.LOCATED or task.status != TaskStatus.IN_PROGRESS:
        raise WorkError(
            "illegal_transition",
            "Steps on the road are for a located task under way.",
            field="status",
        )
    field = "arrived_at" if step == Step.ARRIVED else "picked_up_at"
    if getattr(task, field) is not None:
        return task
    now = clock.now()
    setattr(task, field, now)
    if step == Step.PICKED_UP and task.arrived_at is None:
        task.arrived_at = now
    task.updated_at = now
    task.save(update_fields=["arrived_at", "picked_up_at", "updated_at"])
    AvailabilityPeriod.objects.filter(worker_id=actor.pk, ended_at__isnull=True).update(
        last_active_at=now
    )
    audit.record(actor=actor, action=f"task.{step}", obj=task, data={})
    return task


MAX_PROOF_BYTES = 5_000_000


def check_proof_size(size: int) -> None:
    """Refuse a proof photo over the limit (the page checks an upload's size before
    reading it, with this same refusal)."""
    if size > MAX_PROOF_BYTES:
        raise WorkError(
            "invalid",
            "A proof photo is at most {limit} MB.",
            field="photo",
            params={"limit": MAX_PROOF_BYTES // 1_000_000},
        )


def image_type(data: bytes) -> str | None:
    """The picture's type from its first bytes (JPEG, PNG or WebP), whatever it is called."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _prove(task: Task, actor: User, *, code: str, photo: bytes | None) -> str | None:
    """Check and keep the proof that came with a delivery: which kind, or None."""
    if photo:
        content_type = image_type(photo)
        if content_type is None:
            raise WorkError(
                "invalid", "A proof photo is a JPEG, PNG or WebP picture.", field="photo"
            )
        check_proof_size(len(photo))
        DeliveryProof.objects.create(
            task=task,
            worker=actor,
            kind=ProofKind.PHOTO,
            sealed_photo=seal_bytes(actor.pk, photo),
            content_type=content_type,
            recorded_at=clock.now(),
        )
        return ProofKind.PHOTO
    code = code.strip()
    if code:
        if not task.recipient_code or not hmac.compare_digest(code, task.recipient_code):
            raise WorkError(
                "wrong_code", "That code does not match: ask the recipient again.", field="code"
            )
        DeliveryProof.objects.create(
            task=task, worker=actor, kind=ProofKind.CODE, recorded_at=clock.now()
        )
        return ProofKind.CODE
    return None


@transaction.atomic
def deliver_task(
    *,
    actor: User,
    task_id: int,
    code: str = "",
    photo: bytes | None = None,
) -> Task:
    """The worker delivers, with a proof if they have one: the recipient's code or a
    photo (sealed with the worker's key, kept `proof_retention_days`)."""
    task = _lock_task(task_id)
    _require_worker_of(actor, task)
    proof = None
    if task.status == TaskStatus.IN_PROGRESS:
        proof = _prove(task, actor, code=code, photo=photo)
    return _move(actor=actor, task=task, transition=Transition.DELIVER, data={"proof": proof})


@transaction.atomic
def complete_task(*, actor: User, task_id: int) -> Task:
    """The client accepts the delivered work."""
    return _with_task(
        actor=actor,
        task_id=task_id,
        transition=Transition.COMPLETE,
        guard=lambda task: _require_client_of(actor, task),
    )


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
