"""A member asks for everything the platform holds about them; it is built in the
background (vault.tasks) and kept for them to download."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.vault import providers
from commonwork.vault.actions.keys import seal_bytes
from commonwork.vault.export import build_export
from commonwork.vault.models import DataExport, ExportStatus
from commonwork.vault.providers import Reader, member_id_of


@transaction.atomic
def request_export(*, actor: Reader) -> DataExport:
    """Ask for everything: the zip is prepared in the background once this commits."""
    if not actor.is_authenticated:
        raise NotFound("Member")
    export = DataExport.objects.create(member_id=member_id_of(actor), requested_at=clock.now())
    audit.record(actor=actor, action="data.export_requested", obj=export, data={})
    export_id = export.pk
    from commonwork.vault.tasks import prepare_export  # the task calls back into this module

    transaction.on_commit(lambda: prepare_export.enqueue(export_id))
    return export


def expire_exports(now: datetime) -> int:
    """Delete exports older than the governed `export_retention_days`; how many went."""
    days = providers.governed_int("export_retention_days")
    deleted, _by_model = DataExport.objects.filter(
        requested_at__lt=now - timedelta(days=days)
    ).delete()
    return deleted


def prepare_export_archive(export_id: int) -> int:
    """Build a requested export's zip; its size in bytes. Preparing twice is harmless."""
    export = DataExport.objects.filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.READY:
        return 0
    archive = build_export(export.member_id)
    # Sealed with the member's own key: the database (and its backups) hold no readable copy.
    sealed = seal_bytes(export.member_id, archive)
    with transaction.atomic():
        DataExport.objects.filter(pk=export_id).update(
            archive=sealed,
            size_bytes=len(archive),
            status=ExportStatus.READY,
            ready_at=clock.now(),
        )
    return len(archive)
