"""Reads for the protection pages: the cover in words, a member's claims, a claim through
the vault's gate (the member, or a steward deciding it; nobody else)."""

from __future__ import annotations

from typing import Any

from commonwork.core import clock
from commonwork.core.errors import NotFound
from commonwork.members.models import User
from commonwork.members.selectors import is_steward
from commonwork.protection import rules
from commonwork.protection.actions.claims import current_terms, engaged_hours
from commonwork.protection.models import Claim, ClaimStatus, CoverKind, Incident
from commonwork.vault import gate
from commonwork.vault.keys import unseal
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task


def cover_overview(member: User) -> list[dict[str, Any]]:
    """Each kind of cover: its terms, and whether the member qualifies now."""
    rows = []
    now = clock.now()
    for kind, label in CoverKind.choices:
        terms = current_terms(kind)
        hours = engaged_hours(member.pk, weeks=terms.qualifying_weeks, until=now)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "terms": terms,
                "share_percent": float(terms.share) * 100,
                "hours": hours,
                "qualifies": rules.qualifies(terms, hours),
                "missing_hours": max(0.0, terms.qualifying_hours - hours),
            }
        )
    return rows


def my_claims(member: User) -> list[Claim]:
    return list(Claim.objects.filter(member=member))


def my_incidents(member: User) -> list[tuple[int, str]]:
    return [
        (i.pk, f"{i.occurred_at:%Y-%m-%d %H:%M}")
        for i in Incident.objects.filter(worker=member)[:20]
    ]


def my_current_tasks(member: User) -> list[tuple[int, str]]:
    return [
        (t.pk, t.title)
        for t in Task.objects.filter(
            worker=member, status__in=(TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
        )
    ]


def claim_for(actor: User, claim_id: int) -> dict[str, Any]:
    """A claim as its reader may see it: the member, or a steward under the bylaws'
    claim_decision purpose (logged in the member's access log). Anyone else: not found."""
    claim = Claim.objects.select_related("member", "appeal").filter(pk=claim_id).first()
    if claim is None or (claim.member_id != actor.pk and not is_steward(actor)):
        raise NotFound("Claim", field="claim_id")
    gate.read(actor=actor, subject_id=claim.member_id, category="claims", purpose="claim_decision")
    member = claim.member_id
    return {
        "claim": claim,
        "account": unseal(member, claim.sealed_account),
        "medical": unseal(member, claim.sealed_medical),
        "documents": list(claim.documents.all()),
        "mine": claim.member_id == actor.pk,
        "overdue": claim.status == ClaimStatus.FILED and claim.decide_by < clock.now(),
    }


def document_for(actor: User, document_id: int) -> tuple[str, str, bytes]:
    from commonwork.protection.models import ClaimDocument
    from commonwork.vault.keys import unseal_bytes

    document = ClaimDocument.objects.select_related("claim").filter(pk=document_id).first()
    if document is None:
        raise NotFound("Document", field="document_id")
    claim_for(actor, document.claim_id)  # the same readers, and logged
    data = unseal_bytes(document.claim.member_id, document.sealed)
    if data is None:
        raise NotFound("Document", field="document_id")
    return document.name, document.content_type, data


def waiting_claims(steward: User) -> list[Claim]:
    """Claims waiting for a decision, for a steward's console: the claimants' names are
    read through the vault's gate (claim_decision), into their access logs."""
    claims = list(
        Claim.objects.filter(status=ClaimStatus.FILED)
        .select_related("member")
        .order_by("decide_by")
    )
    others = [c.member_id for c in claims if c.member_id != steward.pk]
    if others:
        gate.read_many(
            actor=steward, subject_ids=others, category="identity", purpose="claim_decision"
        )
    return claims
