"""The work app's writes for erasure and retention (run by the vault through the
providers in work.personal_data)."""

from __future__ import annotations

from datetime import datetime, timedelta

from commonwork.governance.parameters import read_parameter
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Dispute, LocationPing, Task, WorkerPreferences

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


def erase_preferences(member_id: int) -> None:
    WorkerPreferences.objects.filter(worker_id=member_id).delete()


def erase_dispute_words(member_id: int) -> None:
    """The disputes stay (the tasks' history needs them), without what they wrote."""
    Dispute.objects.filter(opened_by_id=member_id).update(reason=ERASED)
