"""The work app's writes for erasure and retention (run by the vault through the
providers in work.personal_data)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from commonwork.core import audit
from commonwork.core.models import AuditEntry
from commonwork.governance.parameters import read_parameter
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import (
    DeliveryProof,
    Dispute,
    LocationPing,
    ProofKind,
    PushSubscription,
    Task,
    WorkerPreferences,
)

ERASED = "[erased]"


def check_erasable(member_id: int) -> None:
    """Refuse erasure while the member has work in hand."""
    in_hand = (TaskStatus.OFFERED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
    if Task.objects.filter(worker_id=member_id, status__in=in_hand).exists():
        raise WorkError("conflict", "Finish or release your tasks in hand first.")


def erase_locations(member_id: int) -> None:
    LocationPing.objects.filter(worker_id=member_id).delete()


def expire_locations(now: datetime) -> int:
    """Delete location points older than `location_retention_days`; how many went."""
    days = int(read_parameter("location_retention_days"))
    deleted, _by_model = LocationPing.objects.filter(
        recorded_at__lt=now - timedelta(days=days)
    ).delete()
    return deleted


def erase_delivery_proofs(member_id: int) -> None:
    DeliveryProof.objects.filter(worker_id=member_id).delete()
    PushSubscription.objects.filter(worker_id=member_id).delete()


def expire_delivery_proofs(now: datetime) -> int:
    """Delete proof photos older than `proof_retention_days`; how many went. That a
    code matched is not personal and stays with the task."""
    days = int(read_parameter("proof_retention_days"))
    deleted, _by_model = DeliveryProof.objects.filter(
        kind=ProofKind.PHOTO, recorded_at__lt=now - timedelta(days=days)
    ).delete()
    return deleted


def erase_preferences(member_id: int) -> None:
    WorkerPreferences.objects.filter(worker_id=member_id).delete()


def erase_dispute_words(member_id: int) -> None:
    """The disputes stay (the tasks' history needs them), without the words in them: what
    the member wrote, and what others wrote about their work or settled about it."""
    disputes = Dispute.objects.filter(Q(opened_by_id=member_id) | Q(task__worker_id=member_id))
    ids = [str(pk) for pk in disputes.values_list("pk", flat=True)]
    task_ids = [str(pk) for pk in disputes.values_list("task_id", flat=True)]
    disputes.update(reason=ERASED, resolution_note=ERASED)
    # The task's own history holds the dispute's reason too (its "dispute" step).
    audit.redact_words(
        AuditEntry.objects.filter(
            audit.about("work.dispute", ids) | audit.about("work.task", task_ids)
        )
    )
