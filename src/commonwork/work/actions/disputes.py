"""Disputes: a client disputes a delivered task; a steward settles it, and the task
moves with the outcome."""

from __future__ import annotations

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.members.models import Role, User
from commonwork.members.selectors import require_role
from commonwork.work.actions.tasks import _lock_task, _move, _require_client_of
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import Transition
from commonwork.work.models import (
    Dispute,
    DisputeOutcome,
    DisputeStatus,
)

MAX_REASON = 2_000  # the database's limit too (work.Dispute)


@transaction.atomic
def dispute_task(*, actor: User, task_id: int, reason: str) -> Dispute:
    """The client disputes a delivery, saying why; a steward will resolve it."""
    task = _lock_task(task_id)
    _require_client_of(actor, task)
    if not reason.strip():
        raise WorkError("invalid", "Say what is wrong with the delivery.", field="reason")
    if len(reason.strip()) > MAX_REASON:
        raise WorkError(
            "invalid",
            "A reason is at most {limit} characters.",
            field="reason",
            params={"limit": MAX_REASON},
        )
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
