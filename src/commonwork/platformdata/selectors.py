"""Reads of a member's imports, for their own pages (their own data: no gate to pass)."""

from __future__ import annotations

from django.db.models import QuerySet

from commonwork.core.errors import NotFound
from commonwork.members.models import User
from commonwork.platformdata.models import Upload


def my_uploads(member: User) -> QuerySet[Upload]:
    return Upload.objects.filter(member=member).defer("sealed_files", "report")[:20]


def my_upload(member: User, upload_id: int) -> Upload:
    upload = Upload.objects.filter(pk=upload_id, member=member).defer("sealed_files").first()
    if upload is None:
        raise NotFound("Import")
    return upload
