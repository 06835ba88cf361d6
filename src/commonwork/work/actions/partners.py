"""Work shared with a linked co-op (federation, docs/federation.md). A task of ours that
a partner co-op does is handed to the partner's account as its worker, and moves as the
partner reports; a partner's task that we do is posted under the partner's account as
its client, at the agreed price, and dispatched like any other."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.members.models import User
from commonwork.work.actions.tasks import _lock_task, _move, _withdraw_pending_offers
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import TaskStatus, Transition
from commonwork.work.models import Project, Task, TaskKind
from commonwork.work.selectors import current_tariff

# What a partner may report of a task it does for us, and what it is here.
PARTNER_STEPS = {
    "in_progress": Transition.START,
    "delivered": Transition.DELIVER,
}
# What we report of a partner's task once our client decides, and what it is there.
CLIENT_STEPS = {
    "completed": Transition.COMPLETE,
    "disputed": Transition.DISPUTE,
}


@transaction.atomic
def hand_to_partner(*, task_id: int, partner: User, price_minor: int) -> Task:
    """Our open task goes to a partner co-op at the agreed price: its account is the
    task's worker, paid that price when the task completes."""
    task = _lock_task(task_id)
    if task.status not in (TaskStatus.OPEN, TaskStatus.OFFERED):
        raise WorkError("not_open", "Only an open task can go to a partner co-op.")
    if not 0 <= price_minor <= task.price_minor:
        raise WorkError("invalid", "A partner is paid at most the task's price.", field="price")
    _withdraw_pending_offers(task=task)
    if task.status == TaskStatus.OFFERED:  # a worker of ours was asked meanwhile: no longer
        _move(actor=None, task=task, transition=Transition.EXPIRE_OFFER, data={"partner": True})
    task.partner_price_minor = price_minor
    task.save(update_fields=["partner_price_minor"])
    return _move(
        actor=None,
        task=task,
        transition=Transition.TAKE,
        worker=partner,
        data={"partner": partner.pk},
    )


@transaction.atomic
def report_step(*, task_id: int, status: str, actor: User | None = None) -> Task | None:
    """A shared task moves as the other co-op reports. A report already applied, or one
    the task's state has moved past, changes nothing (None): reports may repeat."""
    task = _lock_task(task_id)
    transition = PARTNER_STEPS.get(status) or CLIENT_STEPS.get(status)
    if transition is None:
        raise WorkError("invalid", "Not a step a partner co-op reports.", field="status")
    try:
        return _move(actor=actor, task=task, transition=transition, data={"reported": status})
    except WorkError as error:
        if error.code == "illegal_transition":
            return None
        raise


@transaction.atomic
def post_partner_task(
    *,
    partner: User,
    partner_name: str,
    title: str,
    kind: str,
    estimated_minutes: int,
    deadline: dt.datetime,
    price_minor: int,
    region: str = "",
    pickup: tuple[float, float] | None = None,
    dropoff: tuple[float, float] | None = None,
    pickup_address: str = "",
    dropoff_address: str = "",
    recipient_code: str = "",
    distance_km: float = 0.0,
) -> Task:
    """A partner co-op's task, posted here at the agreed price for our dispatch."""
    tariff = current_tariff()
    if tariff is None:
        raise WorkError("no_tariff", "The co-op has not published a tariff yet.")
    if kind not in TaskKind.values or (
        kind == TaskKind.LOCATED and (pickup is None or dropoff is None)
    ):
        raise WorkError("invalid", "A located task needs its two ends.", field="kind")
    now = clock.now()
    project, _ = Project.objects.get_or_create(
        client=partner,
        title=f"Work from {partner_name}"[:120],
        defaults={"purpose": f"Tasks {partner_name} passes to us.", "created_at": now},
    )
    located = kind == TaskKind.LOCATED
    task = Task.objects.create(
        project=project,
        title=title.strip()[:120] or "Task",
        kind=kind,
        region=region[:40],
        distance_km=round(distance_km, 3),
        estimated_minutes=max(1, estimated_minutes),
        deadline=deadline,
        tariff=tariff,
        price_minor=max(0, price_minor),
        status=TaskStatus.OPEN,
        created_at=now,
        updated_at=now,
        recipient_code=recipient_code[:6] if located else "",
        pickup_lat=pickup[0] if located and pickup else None,
        pickup_lon=pickup[1] if located and pickup else None,
        dropoff_lat=dropoff[0] if located and dropoff else None,
        dropoff_lon=dropoff[1] if located and dropoff else None,
        pickup_address=pickup_address[:200] if located else "",
        dropoff_address=dropoff_address[:200] if located else "",
    )
    audit.record(
        actor=None,
        action="task.posted_for_partner",
        obj=task,
        data={"partner": partner.pk, "price_minor": task.price_minor},
    )
    return task
