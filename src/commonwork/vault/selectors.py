"""Reads of a member's own data and of who read it, for the "My data" page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from commonwork.vault import access_log
from commonwork.vault.keys import unseal_bytes
from commonwork.vault.models import AccessLogEntry, ConsentGrant, DataExport, ExportStatus
from commonwork.vault.providers import Reader, member_count, member_id_of, member_rows
from commonwork.vault.registry import CATEGORIES, PURPOSES

PREVIEW_ROWS = 5


def my_data_by_category(user: Reader) -> list[dict[str, Any]]:
    """Each category with how many records the member has and the newest few."""
    summary = []
    for key, category in CATEGORIES.items():
        count = member_count(member_id_of(user), key)
        preview = member_rows(member_id_of(user), key)[-PREVIEW_ROWS:] if count else []
        summary.append({"key": key, "category": category, "count": count, "preview": preview})
    return summary


READS_PER_PAGE = 25


def who_read_my_data(
    user: Reader, *, page: int = 1, per_page: int = READS_PER_PAGE
) -> list[tuple[AccessLogEntry, str]]:
    """A page of reads, newest first, each with the bylaw sentence that allowed it ("" for
    consent). The export holds them all."""
    start = (max(page, 1) - 1) * per_page
    reads = AccessLogEntry.objects.filter(subject_id=user.pk).order_by("-seq")[
        start : start + per_page
    ]
    return [
        (read, PURPOSES[read.purpose].bylaw if read.basis.startswith("bylaws:") else "")
        for read in reads
    ]


def reads_count(user: Reader) -> int:
    return AccessLogEntry.objects.filter(subject_id=user.pk).count()


def access_log_intact(user: Reader) -> bool:
    return not access_log.verify(member_id_of(user))


def consents_given(user: Reader) -> QuerySet[ConsentGrant]:
    return ConsentGrant.objects.filter(subject_id=user.pk).select_related("recipient")


def consents_received(user: Reader) -> QuerySet[ConsentGrant]:
    return ConsentGrant.objects.filter(
        recipient_id=user.pk, revoked_at__isnull=True
    ).select_related("subject")


def my_exports(user: Reader) -> QuerySet[DataExport]:
    return DataExport.objects.filter(member_id=user.pk).defer("archive")[:10]


def my_export(user: Reader, export_id: int) -> DataExport | None:
    return DataExport.objects.filter(member_id=user.pk, pk=export_id).first()


def my_export_zip(user: Reader, export_id: int) -> tuple[DataExport, bytes] | None:
    """A ready export of the member's and its zip, opened with their key (None when
    there is none, it is not ready, or it expired)."""
    export = my_export(user, export_id)
    if export is None or export.status != ExportStatus.READY:
        return None
    archive = unseal_bytes(member_id_of(user), export.archive)
    return None if archive is None else (export, archive)
