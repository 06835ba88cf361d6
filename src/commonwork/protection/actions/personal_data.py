"""The protection app's part of erasure and retention (vault providers call these)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from commonwork.governance.parameters import read_parameter
from commonwork.protection.models import Claim, ClaimDocument, EmergencyContact, Incident, SosCall


def erase_member(member_id: int) -> None:
    """Everything the member told us goes; a claim's amounts stay with the books."""
    EmergencyContact.objects.filter(member_id=member_id).delete()
    SosCall.objects.filter(worker_id=member_id).delete()
    ClaimDocument.objects.filter(claim__member_id=member_id).delete()
    Claim.objects.filter(member_id=member_id).update(
        sealed_account=b"", sealed_medical=None, incident=None, decision_reason=""
    )
    Incident.objects.filter(worker_id=member_id).delete()


def expire(now: datetime) -> int:
    """Claims settled or refused longer ago than claim_retention_days lose their words and
    documents; incidents and SOS calls that old (and no open claim's) go."""
    before = now - timedelta(days=int(read_parameter("claim_retention_days")))
    old_claims = Claim.objects.filter(
        Q(settled_at__lt=before) | Q(status="refused", decided_at__lt=before)
    )
    removed, _ = ClaimDocument.objects.filter(claim__in=old_claims).delete()
    removed += old_claims.exclude(sealed_account=b"").update(
        sealed_account=b"", sealed_medical=None
    )
    removed += SosCall.objects.filter(sent_at__lt=before).delete()[0]
    removed += (
        Incident.objects.filter(reported_at__lt=before)
        .exclude(claims__settled_at__isnull=True, claims__isnull=False)
        .delete()[0]
    )
    return removed
