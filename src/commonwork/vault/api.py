"""A member's own data in the JSON API: consents, who read what, exports; and the
public inventory."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from commonwork.core.api_idempotency import idempotent
from commonwork.core.api_types import BodyId, BodyInt, PathId
from commonwork.core.errors import NotFound
from commonwork.core.http import api_user
from commonwork.vault import actions, selectors
from commonwork.vault.registry import CATEGORIES, PURPOSES

router = Router(tags=["my data"])


class ConsentIn(Schema):
    recipient_id: BodyId
    categories: list[str] = Field(min_length=1)
    purpose: str = Field(min_length=1, max_length=2000)
    valid_days: BodyInt = Field(ge=1, le=actions.MAX_CONSENT_DAYS)
    retention_days: BodyInt = Field(ge=0, le=actions.MAX_CONSENT_DAYS)
    jurisdiction: str = Field(min_length=1, max_length=40)


class AccessOut(Schema):
    seq: int
    at: dt.datetime
    actor: str
    actor_kind: str
    category: str
    purpose: str
    basis: str
    entry_hash: str


class ExportOut(Schema):
    id: int
    status: str
    requested_at: dt.datetime
    ready_at: dt.datetime | None
    size_bytes: int


@router.get("/data/inventory", auth=None)
def inventory(request: HttpRequest) -> dict[str, Any]:
    """Every category of personal data kept, why, and every read the bylaws allow."""
    return {
        "categories": [
            {"key": c.key, "label": c.label, "holds": list(c.holds), "why": c.why}
            for c in CATEGORIES.values()
        ],
        "purposes": [
            {
                "key": p.key,
                "reader": p.reader,
                "categories": sorted(p.categories),
                "bylaw": p.bylaw,
            }
            for p in PURPOSES.values()
        ],
        "surveillance_metrics": [],
    }


@router.get("/me/consents")
def my_consents(request: HttpRequest) -> list[dict[str, object]]:
    """The consents you gave, as ISO/IEC TS 27560-shaped records."""
    return [actions.consent_record(g) for g in selectors.consents_given(api_user(request))]


@router.post("/me/consents", response={201: dict[str, Any]})
@idempotent
def give_consent(request: HttpRequest, body: ConsentIn) -> Status[Any]:
    grant = actions.grant_consent(actor=api_user(request), **body.dict())
    return Status(201, actions.consent_record(grant))


@router.delete("/me/consents/{record_id}")
def revoke_consent(request: HttpRequest, record_id: str) -> dict[str, object]:
    """Take a consent back; the next read under it is refused."""
    return actions.consent_record(
        actions.revoke_consent(actor=api_user(request), record_id=record_id)
    )


@router.get("/me/access-log", response=list[AccessOut])
def my_access_log(request: HttpRequest) -> list[AccessOut]:
    """Who read your data, newest first (up to 200), with each entry's chain hash."""
    return [
        AccessOut(
            seq=read.seq,
            at=read.at,
            actor=read.actor_label,
            actor_kind=read.actor_kind,
            category=read.category,
            purpose=read.purpose,
            basis=read.basis,
            entry_hash=read.entry_hash,
        )
        for read, _bylaw in selectors.who_read_my_data(api_user(request), per_page=200)
    ]


def _export_out(export: Any) -> ExportOut:
    return ExportOut(
        id=export.pk,
        status=export.status,
        requested_at=export.requested_at,
        ready_at=export.ready_at,
        size_bytes=export.size_bytes,
    )


@router.post("/me/exports", response={202: ExportOut})
@idempotent
def request_export(request: HttpRequest) -> Status[Any]:
    """Ask for everything; poll GET /me/exports/{id} until it is ready."""
    return Status(202, _export_out(actions.request_export(actor=api_user(request))))


@router.get("/me/exports/{export_id}", response=ExportOut)
def export_status(request: HttpRequest, export_id: PathId) -> ExportOut:
    export = selectors.my_export(api_user(request), export_id)
    if export is None:
        raise NotFound("Export")
    return _export_out(export)


@router.get("/me/exports/{export_id}/zip")
def export_zip(request: HttpRequest, export_id: PathId) -> HttpResponse:
    found = selectors.my_export_zip(api_user(request), export_id)
    if found is None:
        raise NotFound("Export")
    return HttpResponse(found[1], content_type="application/zip")
