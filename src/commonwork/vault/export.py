"""Everything a member's data holds, as a zip: one JSON and one CSV file per category,
their access log, their consent records, and a README describing the schema.

`member_rows` is the one place that says which rows of which tables are a member's, per
category; the export, the "My data" page and erasure (to come) read it.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db.models import Q

from commonwork.vault.contact import email_of
from commonwork.vault.registry import CATEGORIES

SCHEMA_VERSION = "commonwork-export/1"
Rows = list[dict[str, Any]]


def _rows(values: Iterable[Mapping[str, Any]]) -> Rows:
    return [dict(row) for row in values]


def _identity(user_id: int) -> Rows:
    from commonwork.members.models import Membership, User

    user = User.objects.get(pk=user_id)
    membership = Membership.objects.filter(user_id=user_id).first()
    row: dict[str, Any] = {
        "username": user.username,
        "display_name": user.display_name,
        "email": email_of(user_id),
        "preferred_language": user.preferred_language,
        "date_joined": user.date_joined,
    }
    if membership is not None:
        row.update(
            role=membership.role,
            status=membership.status,
            shares=membership.shares,
            skills=membership.skills,
            joined_at=membership.joined_at,
            left_at=membership.left_at,
        )
    return [row]


def _location(user_id: int) -> Rows:
    from commonwork.vault.location import points
    from commonwork.work.models import LocationPing

    pings = list(
        LocationPing.objects.filter(worker_id=user_id)
        .order_by("recorded_at", "id")
        .values_list("recorded_at", "sealed")
    )
    opened = points([(user_id, sealed) for _at, sealed in pings])
    return [
        {"recorded_at": at, "lat": where[0], "lon": where[1]}
        for (at, _sealed), where in zip(pings, opened, strict=True)
        if where is not None
    ]


def _availability(user_id: int) -> Rows:
    from commonwork.work.models import AvailabilityPeriod

    return _rows(
        AvailabilityPeriod.objects.filter(worker_id=user_id)
        .order_by("started_at")
        .values("started_at", "ended_at")
    )


def _tasks(user_id: int) -> Rows:
    from commonwork.work.models import Offer, Task

    fields = ("id", "title", "kind", "status", "price_minor", "created_at", "completed_at")
    rows: Rows = [
        {"as": "worker", **row}
        for row in Task.objects.filter(worker_id=user_id).order_by("id").values(*fields)
    ]
    rows += [
        {"as": "client", **row}
        for row in Task.objects.filter(project__client_id=user_id).order_by("id").values(*fields)
    ]
    rows += [
        {"as": "offered", "id": row["task_id"], "status": row["status"]}
        for row in Offer.objects.filter(worker_id=user_id)
        .order_by("id")
        .values("task_id", "status")
    ]
    return rows


def _earnings(user_id: int) -> Rows:
    from commonwork.ledger.models import PayoutAccount, Posting, Statement

    rows: Rows = [
        {
            "record": "posting",
            "posted_at": p.entry.posted_at,
            "kind": p.entry.kind,
            "memo": p.entry.memo,
            "account": p.account.name,
            "amount_minor": p.amount_minor,
        }
        for p in Posting.objects.filter(account__owner_id=user_id)
        .select_related("entry", "account")
        .order_by("entry__posted_at", "id")
    ]
    rows += [
        {"record": "statement", "period": str(s.period), "figures": s.figures}
        for s in Statement.objects.filter(member_id=user_id).select_related("period")
    ]
    payout = PayoutAccount.objects.filter(member_id=user_id).first()
    if payout is not None:
        rows.append({"record": "payout_account", "holder": payout.holder, "iban": payout.iban})
    return rows


def _disputes(user_id: int) -> Rows:
    from commonwork.work.models import Dispute

    return _rows(
        Dispute.objects.filter(
            Q(opened_by_id=user_id)
            | Q(task__worker_id=user_id)
            | Q(task__project__client_id=user_id)
        )
        .order_by("opened_at", "id")
        .values("task_id", "reason", "opened_at", "status", "outcome", "resolution_note")
    )


def _consents(user_id: int) -> Rows:
    from commonwork.vault.actions import consent_record
    from commonwork.vault.models import ConsentGrant

    return [
        consent_record(grant)
        for grant in ConsentGrant.objects.filter(
            Q(subject_id=user_id) | Q(recipient_id=user_id)
        ).order_by("created_at", "id")
    ]


def _logins(user_id: int) -> Rows:
    from commonwork.members.models import ApiToken, User

    rows: Rows = [{"record": "last_login", "at": User.objects.get(pk=user_id).last_login}]
    rows += [
        {"record": "api_token", **row}
        for row in ApiToken.objects.filter(user_id=user_id)
        .order_by("created_at")
        .values("name", "prefix", "created_at", "last_used_at", "revoked_at")
    ]
    return rows


ROWS_BY_CATEGORY: dict[str, Callable[[int], Rows]] = {
    "identity": _identity,
    "location": _location,
    "availability": _availability,
    "tasks": _tasks,
    "earnings": _earnings,
    "disputes": _disputes,
    "consents": _consents,
    "logins": _logins,
}
assert set(ROWS_BY_CATEGORY) == set(CATEGORIES)  # noqa: S101 - every category is exported


def member_rows(user_id: int, category: str) -> Rows:
    return ROWS_BY_CATEGORY[category](user_id)


def access_log_rows(user_id: int) -> Rows:
    from commonwork.vault.models import AccessLogEntry

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
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
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
