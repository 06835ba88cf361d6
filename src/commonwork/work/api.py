"""The work part of the JSON API: tariff, projects, tasks and their lifecycle, offers,
disputes and availability. Each endpoint validates, calls one action or selector, and
answers with its own output schema."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ValidationError

from commonwork.core.api_idempotency import idempotent
from commonwork.core.api_types import BodyFloat, BodyId, BodyInt, PathId
from commonwork.members.http import api_actor
from commonwork.members.models import User
from commonwork.members.selectors import cooperative_currency
from commonwork.work import actions, places, selectors
from commonwork.work.errors import WorkError
from commonwork.work.models import Dispute, Offer, Project, Tariff, Task

router = Router(tags=["work"])


class PointSchema(Schema):
    lat: BodyFloat = Field(ge=-90, le=90)
    lon: BodyFloat = Field(ge=-180, le=180)


class TariffIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    base_minor: BodyInt = Field(ge=0)
    per_km_minor: BodyInt = Field(ge=0)
    per_minute_minor: BodyInt = Field(ge=0)


class TariffOut(Schema):
    id: int
    name: str
    base_minor: int
    per_km_minor: int
    per_minute_minor: int
    currency: str
    published_at: dt.datetime

    @staticmethod
    def of(tariff: Tariff) -> "TariffOut":
        return TariffOut(
            id=tariff.pk,
            name=tariff.name,
            base_minor=tariff.base_minor,
            per_km_minor=tariff.per_km_minor,
            per_minute_minor=tariff.per_minute_minor,
            currency=cooperative_currency(),
            published_at=tariff.published_at,
        )


class ProjectIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    purpose: str = Field(min_length=1, max_length=5000)
    outcome: str = Field(default="", max_length=5000)


class ProjectOut(Schema):
    id: int
    client_id: int
    title: str
    purpose: str
    outcome: str
    created_at: dt.datetime

    @staticmethod
    def of(project: Project) -> "ProjectOut":
        return ProjectOut(
            id=project.pk,
            client_id=project.client_id,
            title=project.title,
            purpose=project.purpose,
            outcome=project.outcome,
            created_at=project.created_at,
        )


class TaskIn(Schema):
    project_id: BodyId
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=10_000)
    kind: Literal["remote", "located"]
    pickup: PointSchema | None = None
    dropoff: PointSchema | None = None
    pickup_address: str = Field(
        default="",
        max_length=200,
        description="Looked up with the co-op's geocoder when `pickup` is not given.",
    )
    dropoff_address: str = Field(default="", max_length=200)
    skills: list[str] = Field(default_factory=list, max_length=30)
    estimated_minutes: BodyInt = Field(ge=1, le=actions.MAX_ESTIMATED_MINUTES)
    deadline: dt.datetime
    region: str = Field(default="", max_length=40)
    publish: bool = True


class TaskOut(Schema):
    id: int
    project_id: int
    project_title: str
    project_purpose: str
    project_outcome: str
    title: str
    description: str
    kind: str
    region: str
    pickup: PointSchema | None
    dropoff: PointSchema | None
    pickup_address: str
    dropoff_address: str
    arrived_at: dt.datetime | None
    picked_up_at: dt.datetime | None
    recipient_code: str | None = Field(
        description="For the task's client only: the code the recipient gives the worker."
    )
    distance_km: float
    skills: list[str]
    estimated_minutes: int
    deadline: dt.datetime
    price_minor: int
    currency: str
    status: str
    worker_id: int | None = Field(
        description="Who does it: shown to the task's client only while this task is in hand."
    )
    allowed_actions: list[str] = Field(description="What the caller may do with it now.")

    @staticmethod
    def of(task: Task, actor: User) -> "TaskOut":
        def point(lat: float | None, lon: float | None) -> PointSchema | None:
            return PointSchema(lat=lat, lon=lon) if lat is not None and lon is not None else None

        return TaskOut(
            id=task.pk,
            project_id=task.project_id,
            project_title=task.project.title,
            project_purpose=task.project.purpose,
            project_outcome=task.project.outcome,
            title=task.title,
            description=task.description,
            kind=task.kind,
            region=task.region,
            pickup=point(task.pickup_lat, task.pickup_lon),
            dropoff=point(task.dropoff_lat, task.dropoff_lon),
            pickup_address=task.pickup_address,
            dropoff_address=task.dropoff_address,
            arrived_at=task.arrived_at,
            picked_up_at=task.picked_up_at,
            recipient_code=task.recipient_code or None
            if task.project.client_id == actor.pk
            else None,
            distance_km=task.distance_km,
            skills=task.skills,
            estimated_minutes=task.estimated_minutes,
            deadline=task.deadline,
            price_minor=task.price_minor,
            currency=cooperative_currency(),
            status=task.status,
            worker_id=task.worker_id if selectors.worker_visible(actor, task) else None,
            allowed_actions=selectors.actions_for(actor, task),
        )


class HistoryEntryOut(Schema):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    data: dict[str, object]


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class CancelIn(Schema):
    reason: str = Field(default="", max_length=5000)


class OfferIn(Schema):
    worker_id: BodyId


class OfferOut(Schema):
    id: int
    task_id: int
    worker_id: int
    status: str
    offered_at: dt.datetime
    expires_at: dt.datetime

    @staticmethod
    def of(offer: Offer) -> "OfferOut":
        return OfferOut(
            id=offer.pk,
            task_id=offer.task_id,
            worker_id=offer.worker_id,
            status=offer.status,
            offered_at=offer.offered_at,
            expires_at=offer.expires_at,
        )


class DisputeOut(Schema):
    id: int
    task_id: int
    reason: str
    status: str
    outcome: str
    resolution_note: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None

    @staticmethod
    def of(dispute: Dispute) -> "DisputeOut":
        return DisputeOut(
            id=dispute.pk,
            task_id=dispute.task_id,
            reason=dispute.reason,
            status=dispute.status,
            outcome=dispute.outcome,
            resolution_note=dispute.resolution_note,
            opened_at=dispute.opened_at,
            resolved_at=dispute.resolved_at,
        )


class ResolveIn(Schema):
    outcome: Literal["pay", "redo", "cancel"]
    note: str = Field(min_length=1, max_length=5000)


class AvailabilityIn(Schema):
    available: bool
    hours: BodyFloat | None = Field(
        default=None, gt=0, le=24, description="How long (default: the governed shift)."
    )


class AvailabilityOut(Schema):
    available: bool
    since: dt.datetime | None
    until: dt.datetime | None = Field(description="When it ends by itself, if not before.")

    @staticmethod
    def of(period: Any) -> "AvailabilityOut":
        return AvailabilityOut(
            available=period is not None,
            since=period.started_at if period else None,
            until=period.planned_end if period else None,
        )


# --- tariff and projects -------------------------------------------------------------


@router.get("/tariff", response=TariffOut, auth=None)
def get_tariff(request: HttpRequest) -> TariffOut:
    """The published tariff every task is priced by (public)."""
    tariff = selectors.current_tariff()
    if tariff is None:
        from django.http import Http404

        raise Http404("No tariff has been published yet.")
    return TariffOut.of(tariff)


@router.post("/tariffs", response={201: TariffOut})
@idempotent
def publish_tariff(request: HttpRequest, body: TariffIn) -> Status[Any]:
    tariff = actions.publish_tariff(actor=api_actor(request), **body.model_dump())
    return Status(201, TariffOut.of(tariff))


@router.post("/projects", response={201: ProjectOut})
@idempotent
def create_project(request: HttpRequest, body: ProjectIn) -> Status[Any]:
    return Status(
        201, ProjectOut.of(actions.create_project(actor=api_actor(request), **body.model_dump()))
    )


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request: HttpRequest, project_id: PathId) -> ProjectOut:
    return ProjectOut.of(selectors.access_project_by_id(api_actor(request), project_id))


# --- tasks ---------------------------------------------------------------------------


@router.post("/tasks", response={201: TaskOut})
@idempotent
def post_task(request: HttpRequest, body: TaskIn) -> Status[Any]:
    actor = api_actor(request)
    task = actions.post_task(
        actor=actor,
        project_id=body.project_id,
        title=body.title,
        description=body.description,
        kind=body.kind,
        pickup=(body.pickup.lat, body.pickup.lon) if body.pickup else None,
        dropoff=(body.dropoff.lat, body.dropoff.lon) if body.dropoff else None,
        pickup_address=body.pickup_address,
        dropoff_address=body.dropoff_address,
        skills=body.skills,
        estimated_minutes=body.estimated_minutes,
        deadline=body.deadline,
        region=body.region,
        publish=body.publish,
    )
    return Status(201, TaskOut.of(task, actor))


@router.get("/board", response=list[TaskOut])
def get_board(request: HttpRequest) -> list[TaskOut]:
    """Open tasks any worker may take."""
    actor = api_actor(request)
    return [TaskOut.of(task, actor) for task in selectors.open_board(actor)]


@router.get("/tasks/mine", response=list[TaskOut])
def get_my_tasks(request: HttpRequest) -> list[TaskOut]:
    """Tasks the caller is doing or did."""
    actor = api_actor(request)
    return [TaskOut.of(task, actor) for task in selectors.tasks_of_worker(actor)]


@router.get("/tasks/posted", response=list[TaskOut])
def get_posted_tasks(request: HttpRequest) -> list[TaskOut]:
    """Tasks the caller posted as a client."""
    actor = api_actor(request)
    return [TaskOut.of(task, actor) for task in selectors.tasks_of_client(actor)]


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, task_id: PathId) -> TaskOut:
    actor = api_actor(request)
    return TaskOut.of(selectors.access_task_by_id(actor, task_id), actor)


@router.get("/tasks/{task_id}/history", response=list[HistoryEntryOut])
def get_task_history(request: HttpRequest, task_id: PathId) -> list[HistoryEntryOut]:
    return [
        HistoryEntryOut(
            seq=entry.seq,
            at=entry.at,
            actor="system" if name is None else (name or "the worker"),
            action=entry.action,
            data=entry.data,
        )
        for entry, name in selectors.task_history(api_actor(request), task_id)
    ]


def _task_transition(name: str, action: actions.TaskAction) -> None:
    @router.post(f"/tasks/{{task_id}}/{name}", response=TaskOut, operation_id=f"task_{name}")
    @idempotent
    def transition(request: HttpRequest, task_id: int) -> TaskOut:
        actor = api_actor(request)
        return TaskOut.of(action(actor=actor, task_id=task_id), actor)

    transition.__doc__ = f"Fire the task's `{name}` transition."


for _name, _action in actions.SIMPLE_TRANSITIONS.items():
    if _name != "deliver":
        _task_transition(_name, _action)


class DeliverIn(Schema):
    code: str = Field(
        default="", max_length=6, description="The recipient's code, as proof of delivery."
    )


@router.post(
    "/tasks/{task_id}/deliver",
    response=TaskOut,
    operation_id="task_deliver",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": DeliverIn.model_json_schema()}},
        }
    },
)
@idempotent
def deliver_task(request: HttpRequest, task_id: PathId) -> TaskOut:
    """Deliver the task, with the recipient's code as proof when you have it (a photo
    proof is sent from the task page). The body is optional."""
    actor = api_actor(request)
    is_json = request.content_type == "application/json" and request.body.strip()
    try:
        body = DeliverIn.model_validate_json(request.body) if is_json else DeliverIn()
    except ValidationError as exc:
        raise WorkError(
            "invalid", "Send the recipient's code as JSON, or no body at all.", field="code"
        ) from exc
    task = actions.deliver_task(actor=actor, task_id=task_id, code=body.code)
    return TaskOut.of(task, actor)


@router.post("/tasks/{task_id}/steps/{step}", response=TaskOut)
@idempotent
def record_step(
    request: HttpRequest, task_id: PathId, step: Literal["arrived", "picked_up"]
) -> TaskOut:
    """Say where you are on a located task under way: at the pickup, or picked up."""
    actor = api_actor(request)
    return TaskOut.of(actions.record_step(actor=actor, task_id=task_id, step=step), actor)


@router.post("/tasks/{task_id}/cancel", response=TaskOut)
@idempotent
def cancel_task(request: HttpRequest, task_id: PathId, body: CancelIn) -> TaskOut:
    actor = api_actor(request)
    return TaskOut.of(actions.cancel_task(actor=actor, task_id=task_id, reason=body.reason), actor)


@router.post("/tasks/{task_id}/dispute", response={201: DisputeOut})
@idempotent
def dispute_task(request: HttpRequest, task_id: PathId, body: ReasonIn) -> Status[Any]:
    dispute = actions.dispute_task(actor=api_actor(request), task_id=task_id, reason=body.reason)
    return Status(201, DisputeOut.of(dispute))


@router.post("/tasks/{task_id}/offer", response={201: OfferOut})
@idempotent
def offer_task(request: HttpRequest, task_id: PathId, body: OfferIn) -> Status[Any]:
    """Stewards: offer an open task to one available worker."""
    offer = actions.offer_task(actor=api_actor(request), task_id=task_id, worker_id=body.worker_id)
    return Status(201, OfferOut.of(offer))


# --- offers, disputes, availability --------------------------------------------------


@router.get("/offers", response=list[OfferOut])
def get_my_offers(request: HttpRequest) -> list[OfferOut]:
    return [OfferOut.of(offer) for offer in selectors.pending_offers_for(api_actor(request))]


@router.post("/offers/{offer_id}/accept", response=TaskOut)
@idempotent
def accept_offer(request: HttpRequest, offer_id: PathId) -> TaskOut:
    actor = api_actor(request)
    return TaskOut.of(actions.accept_offer(actor=actor, offer_id=offer_id), actor)


@router.post("/offers/{offer_id}/decline", response=OfferOut)
@idempotent
def decline_offer(request: HttpRequest, offer_id: PathId) -> OfferOut:
    """Decline an offer. It is never held against you."""
    return OfferOut.of(actions.decline_offer(actor=api_actor(request), offer_id=offer_id))


@router.get("/disputes", response=list[DisputeOut])
def get_open_disputes(request: HttpRequest) -> list[DisputeOut]:
    """Stewards: disputes waiting for a decision."""
    return [DisputeOut.of(d) for d in selectors.open_disputes(api_actor(request))]


@router.post("/disputes/{dispute_id}/resolve", response=DisputeOut)
@idempotent
def resolve_dispute(request: HttpRequest, dispute_id: PathId, body: ResolveIn) -> DisputeOut:
    dispute = actions.resolve_dispute(
        actor=api_actor(request), dispute_id=dispute_id, outcome=body.outcome, note=body.note
    )
    return DisputeOut.of(dispute)


@router.get("/availability", response=AvailabilityOut)
def get_availability(request: HttpRequest) -> AvailabilityOut:
    return AvailabilityOut.of(selectors.open_availability(api_actor(request)))


@router.post("/availability", response=AvailabilityOut)
@idempotent
def set_availability(request: HttpRequest, body: AvailabilityIn) -> AvailabilityOut:
    """Only you switch your availability, for `hours` (the governed default when not
    given); it ends by itself then, or after the governed time without a sign of you."""
    period = actions.set_availability(
        actor=api_actor(request), available=body.available, hours=body.hours
    )
    return AvailabilityOut.of(period)


class LocationIn(Schema):
    lat: BodyFloat = Field(ge=-90, le=90)
    lon: BodyFloat = Field(ge=-180, le=180)


class LocationOut(Schema):
    recorded_at: dt.datetime
    every_seconds: int = Field(description="Send the next one no sooner than this.")


@router.post("/me/location", response={201: LocationOut})
def report_location(request: HttpRequest, body: LocationIn) -> Status[Any]:
    """Where your phone is, only while you are available (refused otherwise)."""
    ping = actions.report_location(actor=api_actor(request), lat=body.lat, lon=body.lon)
    return Status(
        201,
        LocationOut(recorded_at=ping.recorded_at, every_seconds=selectors.location_share_seconds()),
    )


class PreferencesIO(Schema):
    max_distance_km: BodyFloat | None = Field(default=None, gt=0, le=500)
    kinds: list[Literal["remote", "located"]] = Field(default_factory=list)
    areas: list[list[BodyFloat]] = Field(
        default_factory=list,
        max_length=20,
        description="Rectangles [south, west, north, east]; none means anywhere.",
    )


@router.get("/me/preferences", response=PreferencesIO)
def get_preferences(request: HttpRequest) -> PreferencesIO:
    """The limits dispatch keeps to for you."""
    current = selectors.work_preferences(api_actor(request))
    if current is None:
        return PreferencesIO()
    return PreferencesIO(
        max_distance_km=current.max_distance_km, kinds=current.kinds, areas=current.areas
    )


@router.put("/me/preferences", response=PreferencesIO)
@idempotent
def set_preferences(request: HttpRequest, body: PreferencesIO) -> PreferencesIO:
    saved = actions.set_work_preferences(
        actor=api_actor(request),
        max_distance_km=body.max_distance_km,
        kinds=list(body.kinds),
        areas=body.areas,
    )
    return PreferencesIO(
        max_distance_km=saved.max_distance_km, kinds=saved.kinds, areas=saved.areas
    )


class PlaceOut(Schema):
    label: str
    lat: float
    lon: float


class PlaceQuery(Schema):
    q: str = Field(max_length=200, description="An address or a place's name.")


@router.get("/places", response=list[PlaceOut])
def search_places(request: HttpRequest, query: Query[PlaceQuery]) -> list[PlaceOut]:
    """Places matching an address, from the co-op's geocoder."""
    api_actor(request)
    try:
        found = places.geocoder().search(query.q, limit=8)
    except places.GeocoderUnavailableError as exc:
        raise WorkError(
            "geocoder_unavailable", "The address service did not answer; try again."
        ) from exc
    return [PlaceOut(label=p.label, lat=p.lat, lon=p.lon) for p in found]


@router.post("/availability/confirm", response=AvailabilityOut)
@idempotent
def confirm_availability(request: HttpRequest) -> AvailabilityOut:
    """ "Still here": your availability goes on until its end."""
    return AvailabilityOut.of(actions.confirm_availability(actor=api_actor(request)))
