"""The imports' share of members' personal data: category "platform_imports"."""

from __future__ import annotations

from datetime import datetime

from commonwork.platformdata.actions import erase_member_uploads, expire_files
from commonwork.platformdata.models import Upload
from commonwork.vault import providers
from commonwork.vault.providers import Rows


class ImportsProvider:
    category = "platform_imports"

    def rows(self, member_id: int) -> Rows:
        return [
            {
                "record": "platform_import",
                "received_at": u.received_at,
                "status": u.status,
                "files": u.file_names,
                "files_kept": u.sealed_files is not None,
                "figures": u.report,
            }
            for u in Upload.objects.filter(member_id=member_id).order_by("received_at")
        ]

    def count(self, member_id: int) -> int:
        return Upload.objects.filter(member_id=member_id).count()

    def erase(self, member_id: int) -> None:
        erase_member_uploads(member_id)

    def expire(self, now: datetime) -> int:
        return expire_files(now, providers.governed_int("platform_import_retention_days"))


def register() -> None:
    providers.register_category(ImportsProvider())
