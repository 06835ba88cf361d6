"""Everything a member's data holds, as a zip: one JSON and one CSV file per category
(from every app's registered provider, vault.providers), their access log, and a README
describing the schema."""

from __future__ import annotations

import io
import json
import zipfile

from commonwork.core import csvsafe
from commonwork.vault.models import AccessLogEntry
from commonwork.vault.providers import Rows, member_rows
from commonwork.vault.registry import CATEGORIES

SCHEMA_VERSION = "commonwork-export/1"


def access_log_rows(user_id: int) -> Rows:
    return [
        dict(row)
        for row in AccessLogEntry.objects.filter(subject_id=user_id)
        .order_by("seq")
        .values(
            "seq",
            "at",
            "actor_label",
            "actor_kind",
            "category",
            "purpose",
            "basis",
            "prev_hash",
            "entry_hash",
        )
    ]


def _json(rows: Rows) -> bytes:
    return json.dumps(rows, indent=2, ensure_ascii=False, default=str).encode("utf-8")


def _csv(rows: Rows) -> bytes:
    columns = sorted({key for row in rows for key in row})
    out = io.StringIO()
    writer = csvsafe.dict_writer(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, default=str) if isinstance(v, dict | list) else v
                for k, v in row.items()
            }
        )
    return out.getvalue().encode("utf-8")


def _readme() -> str:
    lines = [
        "# Your data from Commonwork",
        "",
        f"Schema version: {SCHEMA_VERSION}. Every category is here twice: as JSON (exact,",
        "nested values kept) and as CSV (one row per record; nested values as JSON text).",
        "Times are ISO 8601 in UTC; money is in minor units (cents) of the co-op's currency.",
        "",
        "| file | category | where it is kept | why |",
        "|---|---|---|---|",
    ]
    for key, category in CATEGORIES.items():
        lines.append(
            f"| {key}.json, {key}.csv | {category.label} | {', '.join(category.holds)} "
            f"| {category.why} |"
        )
    lines += [
        "| access_log.json, access_log.csv | Who read your data | vault.AccessLogEntry "
        "| Each row: when, who (or which job), which category, for what purpose, and on "
        "what basis; entry_hash = SHA-256 over the row and prev_hash, so a changed row "
        "breaks the chain. |",
        "",
    ]
    return "\n".join(lines)


def build_export(user_id: int) -> bytes:
    """The member's whole export as zip bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", _readme())
        for key in CATEGORIES:
            rows = member_rows(user_id, key)
            archive.writestr(f"{key}.json", _json(rows))
            archive.writestr(f"{key}.csv", _csv(rows))
        log = access_log_rows(user_id)
        archive.writestr("access_log.json", _json(log))
        archive.writestr("access_log.csv", _csv(log))
    return buffer.getvalue()
