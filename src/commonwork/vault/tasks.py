"""Background work on personal data, run by the task backend (settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.core import clock
from commonwork.core.jobs import one_off_task
from commonwork.vault.actions.export import prepare_export_archive
from commonwork.vault.actions.keys import rotate_master_key_if_due
from commonwork.vault.actions.retention import expire_all


@one_off_task
def prepare_export(export_id: int) -> int:
    """Build a requested export's zip; its size in bytes. Preparing twice is harmless."""
    return prepare_export_archive(export_id)


@task()
def enforce_retention() -> int:
    """Delete what every app holds past its retention; how many records went."""
    return expire_all(clock.now())


@task()
def rotate_master_key_when_due() -> int:
    """Rotate the file-based master key when it is older than the rotation interval."""
    return rotate_master_key_if_due(clock.now())
