"""Reads about work, each checked against the actor who asks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from commonwork.core.audit import history_of
from commonwork.core.errors import DomainError, NotFound
from commonwork.core.models import AuditEntry
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import Role, User
from commonwork.members.selectors import active_membership, holds_role, is_steward, require_role
from commonwork.vault import gate
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import (
    AvailabilityPeriod,
    DeliveryProof,
    Dispute,
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

WORKING_ROLES = (Role.WORKER, Role.STEWARD)


Span = tuple[datetime, datetime]


def on_task_spans(
    *, since: datetime, until: datetime, worker_ids: Iterable[int] | None = None
) -> dict[int, list[Span]]:
    """Each worker's on-task time overlapping [since, until): from a task's first start to
    its last delivery. A task still in progress, or sent back for rework after its last
    delivery, runs until `until`. The pay floor and dispatch's hour caps count this same
    time, so it is defined once, here."""
    tasks = Task.objects.filter(
        Q(delivered_at__isnull=True) | Q(delivered_at__gt=since),
        worker__isnull=False,
        started_at__lt=until,
    )
    if worker_ids is not None:
        tasks = tasks.filter(worker_id__in=list(worker_ids))
    spans: dict[int, list[Span]] = defaultdict(list)
    for worker_id, began, delivered in tasks.values_list("worker_id", "started_at", "delivered_at"):
        if began is None or worker_id is None:  # filtered out above; for the type checker
            continue
        finished = delivered if delivered is not None and delivered > began else until
        spans[worker_id].append((began, finished))
    return dict(spans)


def current_tariff() -> Tariff | None:
    return Tariff.objects.order_by("-published_at", "-id").first()


def _visible_tasks(actor: User) -> QuerySet[Task]:
    tasks = Task.objects.select_related("project", "project__client", "worker", "tariff")
    if is_steward(actor):
        return tasks
    membership = active_membership(actor)
    if membership is None:
        return tasks.none()
    visible = Q(project__client_id=actor.pk)
    if membership.role in WORKING_ROLES:
        visible |= Q(status=TaskStatus.OPEN) | Q(worker_id=actor.pk)
        visible |= Q(offers__worker_id=actor.pk, offers__status=OfferStatus.PENDING)
    return tasks.filter(visible).distinct()


def access_task_by_id(actor: User, task_id: int) -> Task:
    """The task if the actor may see it: its client, its worker, a worker it is offered
    to or any worker while it is open on the board, or a steward."""
    task = _visible_tasks(actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound("Task", field="task_id")
    return task


def open_board(actor: User) -> QuerySet[Task]:
    require_role(actor, *WORKING_ROLES)
    return (
        Task.objects.filter(status=TaskStatus.OPEN)
        .select_related("project")
        .order_by("deadline", "id")
    )


def tasks_of_worker(actor: User) -> QuerySet[Task]:
    return (
        Task.objects.filter(worker_id=actor.pk)
        .select_related("project")
        .order_by("-updated_at", "-id")
    )


def tasks_of_client(actor: User) -> QuerySet[Task]:
    return (
        Task.objects.filter(project__client_id=actor.pk)
        .select_related("project", "worker")
        .order_by("-updated_at", "-id")
    )


def projects_of_client(actor: User) -> QuerySet[Project]:
    return Project.objects.filter(client_id=actor.pk)


def access_project_by_id(actor: User, project_id: int) -> Project:
    """A project is seen by its client, by stewards, and by the members who may see one
    of its tasks: a working member while a task of it is on the open board, offered to
    them, or theirs. Not by applicants, nor by other clients (a project says what a
    client is doing). Anyone else is told it does not exist."""
    project = Project.objects.select_related("client").filter(pk=project_id).first()
    if project is None:
        raise NotFound("Project", field="project_id")
    if project.client_id == actor.pk or is_steward(actor):
        return project
    if _visible_tasks(actor).filter(project_id=project.pk).exists():
        return project
    raise NotFound("Project", field="project_id")


def pending_offers_for(actor: User) -> QuerySet[Offer]:
    return Offer.objects.filter(worker_id=actor.pk, status=OfferStatus.PENDING).select_related(
        "task", "task__project"
    )


def open_disputes(actor: User) -> list[Dispute]:
    """Stewards: the open disputes; both parties' names and words are read through the
    vault's gate, into their access logs."""
    require_role(actor, Role.STEWARD)
    disputes = list(
        Dispute.objects.filter(status=DisputeStatus.OPEN).select_related(
            "task", "task__worker", "opened_by"
        )
    )
    parties = {p for d in disputes for p in (d.opened_by_id, d.task.worker_id) if p is not None}
    for category in ("identity", "disputes"):
        gate.read_many(actor=actor, subject_ids=parties, category=category, purpose="dispute")
    return disputes


def open_availability(actor: User) -> AvailabilityPeriod | None:
    return AvailabilityPeriod.objects.filter(worker_id=actor.pk, ended_at__isnull=True).first()


def is_available(actor: User) -> bool:
    return open_availability(actor) is not None


def task_history(
    actor: User, task_id: int, *, worker_name: str | None = None
) -> list[tuple[AuditEntry, str | None]]:
    """Each step of a task with who took it, named as `actor` may see them: None for the
    platform, "" for the task's worker when the vault hides them from this viewer (a
    client once the task is done). `worker_name` is the gate's answer if already asked."""
    task = access_task_by_id(actor, task_id)
    if worker_name is None:
        worker_name = worker_name_for(actor, task)
    rows: list[tuple[AuditEntry, str | None]] = []
    for entry in history_of(task).order_by("id"):
        if entry.actor is None:
            name: str | None = None
        elif entry.actor_id == task.worker_id and entry.actor_id != actor.pk:
            name = worker_name
        else:
            name = entry.actor.public_name
        rows.append((entry, name))
    return rows


def work_preferences(actor: User) -> WorkerPreferences | None:
    return WorkerPreferences.objects.filter(worker_id=actor.pk).first()


def actions_for(actor: User, task: Task) -> list[str]:
    """The transitions this actor may fire on this task now, as shown on its page and API."""
    from commonwork.work.lifecycle import Transition, allowed_transitions

    possible = set(allowed_transitions(TaskStatus(task.status)))
    mine: set[Transition] = set()
    membership = active_membership(actor)
    if membership is None:
        return []
    if task.project.client_id == actor.pk:
        mine |= {Transition.PUBLISH, Transition.CANCEL, Transition.COMPLETE, Transition.DISPUTE}
    if task.worker_id == actor.pk:
        mine |= {Transition.RELEASE, Transition.START, Transition.DELIVER}
    if membership.role in WORKING_ROLES and task.project.client_id != actor.pk:
        mine.add(Transition.TAKE)
    if holds_role(membership, Role.STEWARD):
        mine |= {Transition.CANCEL, Transition.OFFER}
    return [t.value for t in Transition if t in possible & mine]


def road_steps_for(actor: User, task: Task) -> list[str]:
    """The road steps this actor may say on this task now: only its worker, only on a
    located task in progress (work.lifecycle.steps_left)."""
    from commonwork.work.lifecycle import steps_left

    if task.worker_id != actor.pk or task.kind != TaskKind.LOCATED:
        return []
    if task.status != TaskStatus.IN_PROGRESS:
        return []
    return [
        step.value
        for step in steps_left(task.arrived_at is not None, task.picked_up_at is not None)
    ]


def worker_visible(actor: User, task: Task) -> bool:
    """Whether `actor` may know who does this task: the worker and stewards always; the
    task's client only while this very task is in hand; nobody else. Anyone but the
    worker reads through the vault's gate, which logs the read."""
    if task.worker_id is None:
        return False
    if task.worker_id == actor.pk:
        return True
    # A steward keeps the membership roll (the bylaws' "membership" purpose); a client
    # reads about the worker on their task in hand. Either read goes into the worker's log.
    purpose = "membership" if is_steward(actor) else "active_task"
    try:
        gate.read(
            actor=actor,
            subject_id=task.worker_id,
            category="identity",
            purpose=purpose,
            task_id=task.pk,
        )
    except DomainError:
        return False
    return True


def worker_name_for(actor: User, task: Task) -> str:
    """The name of the task's worker as `actor` may see it ("" when hidden, or when
    nobody has the task)."""
    if task.worker is None or not worker_visible(actor, task):
        return ""
    return str(task.worker.public_name)


def default_shift_hours() -> int:
    """How long availability lasts when the worker does not say (governed)."""
    return int(read_parameter("shift_default_hours"))


# How old a location may be and still be shown as where the worker is now.
FRESH_POSITION = timedelta(minutes=15)


def worker_position_for(actor: User, task: Task) -> tuple[float, float] | None:
    """Where the task's worker is now, for a map: to the worker themself, and to the
    task's client only while this located task is in progress (the bylaws' active_task
    purpose, read through the vault's gate into the worker's access log). Never a trail."""
    from commonwork.core import clock
    from commonwork.vault.location import point

    if task.worker_id is None or task.kind != TaskKind.LOCATED:
        return None
    if task.worker_id != actor.pk:
        if task.status != TaskStatus.IN_PROGRESS or task.project.client_id != actor.pk:
            return None
        try:
            gate.read(
                actor=actor,
                subject_id=task.worker_id,
                category="location",
                purpose="active_task",
                task_id=task.pk,
            )
        except DomainError:
            return None
    latest = (
        LocationPing.objects.filter(
            worker_id=task.worker_id, recorded_at__gte=clock.now() - FRESH_POSITION
        )
        .order_by("-recorded_at", "-id")
        .first()
    )
    return None if latest is None else point(task.worker_id, latest.sealed)


def delivery_proofs_for(actor: User, task: Task) -> list[DeliveryProof]:
    """The proofs of this task's delivery `actor` may see: the worker's own; the client's
    while the delivery awaits their answer; a steward's while it is disputed (each read
    through the gate and logged)."""
    if task.worker_id is None:
        return []
    proofs = list(DeliveryProof.objects.filter(task=task).order_by("-recorded_at", "-id"))
    if not proofs or task.worker_id == actor.pk:
        return proofs
    if task.project.client_id == actor.pk and task.status == TaskStatus.DELIVERED:
        purpose = "active_task"
    elif is_steward(actor) and task.status == TaskStatus.DISPUTED:
        purpose = "dispute"
    else:
        return []
    try:
        gate.read(
            actor=actor,
            subject_id=task.worker_id,
            category="delivery_proofs",
            purpose=purpose,
            task_id=task.pk,
        )
    except DomainError:
        return []
    return proofs


def location_share_seconds() -> int:
    """How often a phone sends its location while available (governed)."""
    return int(read_parameter("location_share_seconds"))
