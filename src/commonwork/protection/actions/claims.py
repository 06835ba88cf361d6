"""Claims on the cover the members chose: filed by the member, decided by the stewards
within the governed time with reasons, appealed to a members' vote, paid from the
solidarity fund under the fund's rule (what it cannot pay yet stays owed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from fractions import Fraction

from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext

from commonwork.core import audit, clock
from commonwork.core.errors import DomainError, Forbidden, NotFound
from commonwork.governance.actions.proposals import ProposalContent, propose
from commonwork.governance.hooks import ProposalClosed
from commonwork.governance.models import BallotMethod, ProposalKind
from commonwork.governance.parameters import read_parameter, snapshot
from commonwork.ledger import selectors as ledger_selectors
from commonwork.ledger.actions.periods import pay_from_solidarity_fund
from commonwork.ledger.models import AccountPurpose, EntryKind, Posting
from commonwork.members.models import Role, User
from commonwork.members.selectors import require_role
from commonwork.protection import rules
from commonwork.protection.models import Claim, ClaimDocument, ClaimStatus, CoverKind, Incident
from commonwork.vault.actions.keys import seal, seal_bytes

MAX_TEXT = 5_000
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
# The two answers of an appeal's vote; the first pays the claim.
APPEAL_OPTIONS = ("Pay the claim", "Uphold the refusal")


class ClaimError(DomainError):
    pass


def current_terms(kind: str) -> rules.CoverTerms:
    return rules.terms_from(snapshot().values, kind)


def engaged_hours(member_id: int, *, weeks: int, until: dt.datetime) -> float:
    """Engaged hours (the floor's definition) in the weeks before `until`."""
    since = until - dt.timedelta(weeks=weeks)
    return ledger_selectors.engaged_hours([member_id], since=since, until=until)[member_id]


def average_weekly_pay_minor(member_id: int, *, weeks: int, until: dt.datetime) -> int:
    """The member's pay from tasks a week, over the qualifying weeks before `until`."""
    total = Posting.objects.filter(
        account__purpose=AccountPurpose.PAYABLE,
        account__owner_id=member_id,
        entry__kind__in=(EntryKind.TASK_COMPLETION, EntryKind.FLOOR_TOP_UP),
        entry__posted_at__gte=until - dt.timedelta(weeks=weeks),
        entry__posted_at__lt=until,
    ).aggregate(total=Sum("amount_minor"))["total"]
    return round(Fraction(-(total or 0), max(1, weeks)))


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ClaimError("invalid", "Say what happened.", field=field)
    if len(value) > MAX_TEXT:
        raise ClaimError(
            "invalid", "At most {limit} characters.", field=field, params={"limit": MAX_TEXT}
        )
    return value


@transaction.atomic
def file_claim(
    *,
    actor: User,
    cover: str,
    starts_on: dt.date,
    ends_on: dt.date,
    account: str,
    medical: str = "",
    costs_minor: int = 0,
    incident_id: int | None = None,
) -> Claim:
    """A member claims on a kind of cover. Refused, with the reason, when the members have
    not chosen that cover or the member has not yet worked the qualifying hours."""
    require_role(actor)
    if cover not in CoverKind.values:
        raise ClaimError("invalid", "There is no such kind of cover.", field="cover")
    if ends_on < starts_on:
        raise ClaimError("invalid", "The end comes before the start.", field="ends_on")
    now = clock.now()
    if starts_on > now.date() + dt.timedelta(days=1) and cover != CoverKind.PARENTAL:
        raise ClaimError("invalid", "A claim starts today or earlier.", field="starts_on")
    if costs_minor < 0 or costs_minor > 100_000_000:
        raise ClaimError("invalid", "Costs must be a sum of money.", field="costs_minor")
    terms = current_terms(cover)
    if not terms.covered:
        raise ClaimError(
            "not_covered",
            "The members have not chosen this cover (yet): a proposal can add it.",
            field="cover",
        )
    hours = engaged_hours(actor.pk, weeks=terms.qualifying_weeks, until=now)
    if not rules.qualifies(terms, hours):
        raise ClaimError(
            "not_covered",
            "This cover needs {needed} engaged hours in the last {weeks} weeks; you have {hours}.",
            field="cover",
            params={
                "needed": terms.qualifying_hours,
                "weeks": terms.qualifying_weeks,
                "hours": f"{hours:.1f}",
            },
        )
    incident = None
    if incident_id is not None:
        incident = Incident.objects.filter(pk=incident_id, worker=actor).first()
        if incident is None:
            raise NotFound("Incident", field="incident_id")
    claim = Claim.objects.create(
        member=actor,
        cover=cover,
        incident=incident,
        filed_at=now,
        decide_by=rules.decision_due(now, int(read_parameter("claim_decision_days"))),
        starts_on=starts_on,
        ends_on=ends_on,
        costs_minor=costs_minor,
        sealed_account=seal(actor.pk, _text(account, "account")),
        sealed_medical=seal(actor.pk, _text(medical, "medical", required=False))
        if medical.strip()
        else None,
        terms={k: str(v) for k, v in asdict(terms).items()},
    )
    audit.record(actor=actor, action="claim.filed", obj=claim, data={"cover": cover})
    return claim


def _own_claim(actor: User, claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or claim.member_id != actor.pk:
        raise NotFound("Claim", field="claim_id")
    return claim


@transaction.atomic
def add_document(
    *, actor: User, claim_id: int, name: str, content_type: str, data: bytes
) -> ClaimDocument:
    """A document or photo for one's own claim, sealed with one's own key: a PDF, JPEG or
    PNG (checked by its first bytes, not its name), at most 10 MB."""
    claim = _own_claim(actor, claim_id)
    if claim.status not in (ClaimStatus.FILED, ClaimStatus.UNDER_APPEAL):
        raise ClaimError("conflict", "This claim is decided; add documents to an appeal.")
    magic = DOCUMENT_TYPES.get(content_type)
    if magic is None or not data.startswith(magic):
        raise ClaimError("invalid", "Send a PDF, a JPEG or a PNG.", field="document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ClaimError("invalid", "A document is at most 10 MB.", field="document")
    document = ClaimDocument.objects.create(
        claim=claim,
        name=(name.strip() or "document")[:200],
        content_type=content_type,
        size=len(data),
        sealed=seal_bytes(actor.pk, data),
        uploaded_at=clock.now(),
    )
    audit.record(actor=actor, action="claim.document_added", obj=claim, data={})
    return document


def _pay(claim: Claim, actor: User | None) -> None:
    """Pay what is approved and not yet paid, as far as the fund's rule allows."""
    owed = claim.amount_minor - claim.paid_minor
    if owed <= 0:
        return
    payment = pay_from_solidarity_fund(
        actor=actor,
        key=f"claim:{claim.pk}:{claim.paid_minor}",
        member_id=claim.member_id,
        amount_minor=owed,
        memo=f"Cover: {claim.cover} claim {claim.pk}",
    )
    claim.paid_minor += payment.paid_minor
    if claim.paid_minor >= claim.amount_minor:
        claim.settled_at = clock.now()
    claim.save(update_fields=["paid_minor", "settled_at"])


def _approve(claim: Claim, actor: User | None, reason: str) -> None:
    terms = rules.CoverTerms(
        kind=claim.terms["kind"],
        basis=int(claim.terms["basis"]),
        share=Fraction(claim.terms["share"]),
        sum_minor=int(claim.terms["sum_minor"]),
        qualifying_hours=int(claim.terms["qualifying_hours"]),
        qualifying_weeks=int(claim.terms["qualifying_weeks"]),
        max_weeks=int(claim.terms["max_weeks"]),
        waiting_days=int(claim.terms["waiting_days"]),
    )
    claim.amount_minor = rules.benefit_minor(
        terms,
        starts_on=claim.starts_on,
        ends_on=claim.ends_on,
        average_weekly_pay_minor=average_weekly_pay_minor(
            claim.member_id, weeks=terms.qualifying_weeks, until=claim.filed_at
        ),
        costs_minor=claim.costs_minor,
    )
    claim.status = ClaimStatus.APPROVED
    claim.decided_at = clock.now()
    claim.decided_by = actor
    claim.decision_reason = reason
    claim.save()
    _pay(claim, actor)


@transaction.atomic
def decide_claim(*, actor: User, claim_id: int, approve: bool, reason: str) -> Claim:
    """A steward decides a claim, with reasons the member reads. Approval pays at once
    from the solidarity fund under the fund's rule; what it cannot pay stays owed."""
    require_role(actor, Role.STEWARD)
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("Claim", field="claim_id")
    if claim.member_id == actor.pk:
        raise Forbidden("Nobody decides their own claim.")
    if claim.status != ClaimStatus.FILED:
        raise ClaimError("conflict", "This claim is already decided.")
    reason = reason.strip()
    if not reason:
        raise ClaimError("invalid", "Give the reasons for the decision.", field="reason")
    if approve:
        _approve(claim, actor, reason)
    else:
        claim.status = ClaimStatus.REFUSED
        claim.decided_at = clock.now()
        claim.decided_by = actor
        claim.decision_reason = reason
        claim.save()
    audit.record(
        actor=actor,
        action="claim.approved" if approve else "claim.refused",
        obj=claim,
        data={"amount_minor": claim.amount_minor, "paid_minor": claim.paid_minor},
    )
    return claim


@transaction.atomic
def appeal_claim(*, actor: User, claim_id: int, reason: str) -> Claim:
    """The member puts a refused claim to the members' vote, within the governed days.
    The vote sees the member's reason and the stewards' reasons, never the medical part."""
    claim = _own_claim(actor, claim_id)
    if claim.status != ClaimStatus.REFUSED or claim.appeal_id is not None:
        raise ClaimError("conflict", "Only a refused claim can be appealed, once.")
    decided = claim.decided_at or claim.filed_at
    if clock.now() > decided + dt.timedelta(days=int(read_parameter("claim_appeal_days"))):
        raise ClaimError("conflict", "The time to appeal this decision has passed.")
    reason = _text(reason, "reason")
    # Written in the appellant's language, as if they had typed it (the vote's text).
    with translation.override(actor.preferred_language or None):
        title = gettext("Appeal: a refused claim for %(cover)s") % {
            "cover": claim.get_cover_display()
        }
        body = gettext(
            "%(reason)s\n\nThe stewards refused it: %(refusal)s\n\n"
            "(Medical details stay with the stewards.)"
        ) % {"reason": reason, "refusal": claim.decision_reason}
    opens = clock.now() + dt.timedelta(hours=int(read_parameter("notice_hours.free_decision")))
    closes = opens + dt.timedelta(hours=int(read_parameter("voting_hours.free_decision")))
    proposal = propose(
        actor=actor,
        kind=ProposalKind.FREE_DECISION,
        title=title,
        reason=body,
        voting_opens_at=opens,
        voting_closes_at=closes,
        content=ProposalContent(method=BallotMethod.SINGLE, options=APPEAL_OPTIONS),
    )
    claim.appeal = proposal
    claim.status = ClaimStatus.UNDER_APPEAL
    claim.save(update_fields=["appeal", "status"])
    audit.record(actor=actor, action="claim.appealed", obj=claim, data={"proposal": proposal.pk})
    return claim


def settle_appeal(event: ProposalClosed) -> None:
    """When an appeal's vote closes: the members' answer stands. Paying the claim approves
    it under the terms it was filed under; otherwise the refusal stands."""
    claim = Claim.objects.select_for_update().filter(appeal=event.proposal).first()
    if claim is None or claim.status != ClaimStatus.UNDER_APPEAL:
        return
    options = {option["key"]: option["label"] for option in event.proposal.options}
    winners = [options.get(str(key), "") for key in event.result.get("winners", [])]
    if event.result.get("outcome") == "passed" and winners == [APPEAL_OPTIONS[0]]:
        _approve(claim, None, f"Approved by the members' vote (proposal {event.proposal.pk}).")
        action = "claim.approved_on_appeal"
    else:
        claim.status = ClaimStatus.REFUSED
        claim.save(update_fields=["status"])
        action = "claim.refusal_upheld"
    audit.record(actor=None, action=action, obj=claim, data={"proposal": event.proposal.pk})


@transaction.atomic
def pay_owed_claims() -> int:
    """Pay what approved claims are still owed, oldest first, as the fund allows (after a
    period's contributions come in); the number of claims paid something."""
    paid = 0
    for claim in (
        Claim.objects.select_for_update()
        .filter(status=ClaimStatus.APPROVED, settled_at__isnull=True)
        .order_by("decided_at", "id")
    ):
        before = claim.paid_minor
        _pay(claim, None)
        paid += claim.paid_minor > before
    return paid
