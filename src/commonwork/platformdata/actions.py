"""Every write of an import: receiving the files, reading them, erasing them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import DomainError, NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import User
from commonwork.members.selectors import require_role
from commonwork.platformdata.models import Upload, UploadStatus
from commonwork.platformdata.reading import MAX_FILE_BYTES, read_files
from commonwork.vault.actions.keys import seal_bytes
from commonwork.vault.gate import job_reads
from commonwork.vault.keys import unseal_bytes

MAX_FILES = 50


class PlatformImportError(DomainError):
    pass


def _zip(files: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return out.getvalue()


def _unzip(blob: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


@transaction.atomic
def receive_upload(
    *,
    actor: User,
    files: Sequence[tuple[str, bytes]],
    fixed_hours: float = 0.0,
    country: str = "",
    vehicle: str = "",
) -> Upload:
    """A member hands in their files: sealed with their key until they are read."""
    require_role(actor)
    if not files:
        raise PlatformImportError("invalid", "Choose at least one file.", field="files")
    if len(files) > MAX_FILES:
        raise PlatformImportError(
            "invalid", "At most {most} files at once.", field="files", params={"most": MAX_FILES}
        )
    if any(len(content) > MAX_FILE_BYTES for _, content in files):
        raise PlatformImportError("invalid", "A file is larger than 200 MB.", field="files")
    if not 0 <= fixed_hours <= 10_000:
        raise PlatformImportError("invalid", "Hours are between 0 and 10,000.", field="fixed_hours")
    upload = Upload.objects.create(
        member=actor,
        received_at=clock.now(),
        file_names=[name for name, _ in files],
        sealed_files=seal_bytes(actor.pk, _zip(files)),
        fixed_hours=fixed_hours,
        country=country.upper(),
        vehicle=vehicle,
    )
    audit.record(
        actor=actor, action="platformdata.received", obj=upload, data={"files": len(files)}
    )
    return upload


@transaction.atomic
def read_upload(upload_id: int) -> Upload:
    """The background job: read the files, keep the figures, delete the files unless the
    governed retention keeps them a while. Reading twice is harmless."""
    upload = Upload.objects.select_for_update().filter(pk=upload_id).first()
    if upload is None:
        raise NotFound("Import")
    if upload.status != UploadStatus.RECEIVED or upload.sealed_files is None:
        return upload
    job_reads(
        job="platform_import",
        purpose="platform_import",
        subject_ids=[upload.member_id],
        categories=("platform_imports",),
    )
    blob = unseal_bytes(upload.member_id, bytes(upload.sealed_files))
    if blob is None:  # the member's key is gone: erased
        upload.status = UploadStatus.FAILED
        upload.save(update_fields=["status"])
        return upload
    report = read_files(
        _unzip(blob),
        fixed_hours=upload.fixed_hours,
        country=upload.country or None,
        vehicle=upload.vehicle or None,
    )
    now = clock.now()
    upload.report = report.as_json()
    upload.status = UploadStatus.READ
    upload.read_at = now
    fields = ["report", "status", "read_at"]
    if int(read_parameter("platform_import_retention_days")) == 0:
        upload.sealed_files = None
        upload.files_deleted_at = now
        fields += ["sealed_files", "files_deleted_at"]
    upload.save(update_fields=fields)
    audit.record(
        actor=None,
        action="platformdata.read",
        obj=upload,
        data={"rows": report.rows_read, "rejected": len(report.rejections)},
    )
    return upload


@transaction.atomic
def erase_upload(*, actor: User, upload_id: int) -> None:
    """The member erases one import: its files and its figures."""
    deleted, _ = Upload.objects.filter(pk=upload_id, member=actor).delete()
    if not deleted:
        raise NotFound("Import")
    audit.record(
        actor=actor, action="platformdata.erased", object_type="Upload", object_id=str(upload_id)
    )


@transaction.atomic
def expire_files(now: dt.datetime, days: int) -> int:
    """Files past the governed retention go; the figures stay until the member erases them."""
    return Upload.objects.filter(
        sealed_files__isnull=False,
        status=UploadStatus.READ,
        read_at__lt=now - dt.timedelta(days=days),
    ).update(sealed_files=None, files_deleted_at=now)


@transaction.atomic
def erase_member_uploads(member_id: int) -> None:
    """A member's erasure: every import of theirs, files and figures."""
    Upload.objects.filter(member_id=member_id).delete()
