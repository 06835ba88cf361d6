"""Offers: a task offered to one available worker (by dispatch, or a steward), accepted,
declined (never held against anyone) or expired."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from commonwork.core import audit, clock
from commonwork.core.errors import Forbidden, NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import Membership, Role, User
from commonwork.members.selectors import is_steward, require_role
from commonwork.work.actions.tasks import _lock_task, _missing_skills, _move
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import Transition
from commonwork.work.models import (
    AvailabilityPeriod,
    Offer,
    OfferStatus,
    PushSubscription,
    Task,
)
from commonwork.work.selectors import WORKING_ROLES

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
    _ring_worker(offer)
    return offer


def _ring_worker(offer: Offer) -> None:
    """After the offer commits, a background job pushes it to the worker's phone."""
    from commonwork.work import push

    if push.enabled() and PushSubscription.objects.filter(worker_id=offer.worker_id).exists():
        from commonwork.work.tasks import push_offer

        offer_id = offer.pk
        transaction.on_commit(lambda: push_offer.enqueue(offer_id))


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
