"""A member's decisions about their own data: consent given and taken back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.vault import providers
from commonwork.vault.errors import VaultError
from commonwork.vault.models import ConsentGrant
from commonwork.vault.providers import Reader, member_id_of
from commonwork.vault.registry import CATEGORIES, CONSENT_PURPOSES

MAX_CONSENT_DAYS = 3650
WITHDRAWAL = "On the “My data” page, “Revoke”, or DELETE /api/v1/me/consents/{record_id}."


@transaction.atomic
def grant_consent(
    *,
    actor: Reader,
    recipient_id: int,
    categories: Sequence[str],
    purpose: str,
    valid_days: int,
    retention_days: int,
    jurisdiction: str,
) -> ConsentGrant:
    """The member lets one other member read some categories of their data, for a stated
    purpose, from now for `valid_days`. One action; it is audited."""
    directory = providers.directory()
    directory.require_member(actor)
    unknown = sorted(set(categories) - set(CATEGORIES))
    if unknown or not categories:
        raise VaultError(
            "invalid",
            "Unknown data categories: {categories}.",
            field="categories",
            params={"categories": ", ".join(unknown) or "-"},
        )
    if recipient_id == actor.pk:
        raise VaultError("invalid", "Your data is already yours to read.", field="recipient")
    if not directory.member_exists(recipient_id):
        raise NotFound("Member", field="recipient")
    if not purpose.strip():
        raise VaultError("invalid", "Say what the reader may use it for.", field="purpose")
    if not 1 <= valid_days <= MAX_CONSENT_DAYS:
        raise VaultError(
            "invalid",
            "A consent lasts 1 to {limit} days.",
            field="valid_days",
            params={"limit": MAX_CONSENT_DAYS},
        )
    if not 0 <= retention_days <= MAX_CONSENT_DAYS or not jurisdiction.strip():
        raise VaultError(
            "invalid", "Give a retention period and a jurisdiction.", field="retention_days"
        )
    now = clock.now()
    grant = ConsentGrant.objects.create(
        subject_id=member_id_of(actor),
        recipient_id=recipient_id,
        controller=directory.controller_name(),
        purpose=purpose.strip(),
        categories=sorted(set(categories)),
        retention_days=retention_days,
        valid_from=now,
        valid_until=now + timedelta(days=valid_days),
        jurisdiction=jurisdiction.strip(),
        withdrawal=WITHDRAWAL,
        created_at=now,
    )
    audit.record(
        actor=providers.logged_in(actor),
        action="consent.granted",
        obj=grant,
        data={"recipient": recipient_id, "categories": grant.categories},
    )
    return grant


@transaction.atomic
def consent_to_purpose(*, actor: Reader, purpose_key: str) -> ConsentGrant:
    """The member shares with one of the co-op's purposes (the data commons): a consent
    record like any other, to no member, read only by the purpose's job, until revoked.
    Consenting again while a consent lives changes nothing and returns it."""
    directory = providers.directory()
    directory.require_member(actor)
    spec = CONSENT_PURPOSES.get(purpose_key)
    if spec is None:
        raise VaultError("invalid", "There is no such purpose.", field="purpose")
    now = clock.now()
    live = (
        ConsentGrant.objects.select_for_update()
        .filter(
            subject_id=member_id_of(actor),
            purpose_key=purpose_key,
            revoked_at__isnull=True,
            valid_until__gt=now,
        )
        .first()
    )
    if live is not None:
        return live
    grant = ConsentGrant.objects.create(
        subject_id=member_id_of(actor),
        recipient=None,
        purpose_key=purpose_key,
        controller=directory.controller_name(),
        purpose=str(spec.what_is_published),
        categories=sorted(spec.categories),
        # What a release publishes is kept for good; what the job reads is not kept.
        retention_days=0,
        valid_from=now,
        valid_until=now + timedelta(days=MAX_CONSENT_DAYS),
        jurisdiction=settings.COMMONWORK_JURISDICTION,
        withdrawal=WITHDRAWAL,
        created_at=now,
    )
    audit.record(
        actor=providers.logged_in(actor),
        action="consent.granted",
        obj=grant,
        data={"purpose": purpose_key, "categories": grant.categories},
    )
    return grant


def live_purpose_consent(member_id: int, purpose_key: str) -> ConsentGrant | None:
    now = clock.now()
    return ConsentGrant.objects.filter(
        subject_id=member_id,
        purpose_key=purpose_key,
        revoked_at__isnull=True,
        valid_from__lte=now,
        valid_until__gt=now,
    ).first()


@transaction.atomic
def withdraw_from_purpose(*, actor: Reader, purpose_key: str) -> ConsentGrant | None:
    """Stop sharing with a purpose of the co-op's: the live consent to it is revoked (the
    record stays); none living is no error. Returns what was revoked."""
    live = (
        ConsentGrant.objects.select_for_update()
        .filter(subject_id=member_id_of(actor), purpose_key=purpose_key, revoked_at__isnull=True)
        .first()
    )
    return None if live is None else revoke_consent(actor=actor, record_id=str(live.record_id))


@transaction.atomic
def revoke_consent(*, actor: Reader, record_id: str) -> ConsentGrant:
    """Take a consent back: the next read under it is refused."""
    try:
        wanted = uuid.UUID(str(record_id))
    except ValueError as exc:
        raise NotFound("Consent", field="record_id") from exc
    grant = (
        ConsentGrant.objects.select_for_update()
        .filter(record_id=wanted, subject_id=actor.pk)
        .first()
    )
    if grant is None:
        raise NotFound("Consent", field="record_id")
    if grant.revoked_at is not None:
        raise VaultError("conflict", "This consent was already revoked.")
    grant.revoked_at = clock.now()
    grant.save(update_fields=["revoked_at"])
    audit.record(actor=providers.logged_in(actor), action="consent.revoked", obj=grant, data={})
    return grant


def consent_record(grant: ConsentGrant) -> dict[str, object]:
    """The grant as an ISO/IEC TS 27560-shaped consent record (JSON-ready)."""
    return {
        "schema": "ISO/IEC TS 27560:2023 consent record (Commonwork profile v1)",
        "record_id": str(grant.record_id),
        "data_subject": grant.subject_id,
        "data_controller": grant.controller,
        "purpose": grant.purpose,
        "personal_data_categories": grant.categories,
        "recipient": grant.recipient_id if grant.recipient_id else grant.purpose_key,
        "legal_basis": "consent",
        "retention_period_days": grant.retention_days,
        "valid_from": grant.valid_from.isoformat(),
        "valid_until": grant.valid_until.isoformat(),
        "jurisdiction": grant.jurisdiction,
        "withdrawal_method": grant.withdrawal,
        "created_at": grant.created_at.isoformat(),
        "revoked_at": grant.revoked_at.isoformat() if grant.revoked_at else None,
        "state": "withdrawn" if grant.revoked_at else "given",
    }
