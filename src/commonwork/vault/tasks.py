"""Background work on personal data, run by the task backend (settings.TASKS)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django_tasks import task

from commonwork.core import clock
from commonwork.governance.parameters import read_parameter
from commonwork.vault.export import build_export
from commonwork.vault.models import DataExport, ExportStatus


@task()
def prepare_export(export_id: int) -> int:
    """Build a requested export's zip; its size in bytes. Preparing twice is harmless."""
    export = DataExport.objects.filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.READY:
        return 0
    archive = build_export(export.member_id)
    with transaction.atomic():
        DataExport.objects.filter(pk=export_id).update(
            archive=archive,
            size_bytes=len(archive),
            status=ExportStatus.READY,
            ready_at=clock.now(),
        )
    return len(archive)


def delete_old_locations() -> int:
    """Delete location points older than `location_retention_days`; how many went."""
    from commonwork.work.models import LocationPing

    days = int(read_parameter("location_retention_days"))
    deleted, _by_model = LocationPing.objects.filter(
        recorded_at__lt=clock.now() - timedelta(days=days)
    ).delete()
    return deleted


@task()
def enforce_location_retention() -> int:
    return delete_old_locations()
