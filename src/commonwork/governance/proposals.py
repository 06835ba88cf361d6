"""Proposals that change the platform: propose, discuss, vote, close, and apply.

Kinds: parameter change, admission, removal (with an appeal), surplus allocation,
bylaw amendment, election of stewards, free decision (see ProposalKind); each kind
has one ballot method (BallotMethod): yes/no under a governed threshold, ranked
choice, single or multiple choice, score, or consent.

Lifecycle: draft (seen by its author only) → discussion (comments; the author may
amend) → voting (opens at `voting_opens_at`; the electorate is fixed then: the active
members at that moment) → closed at `voting_closes_at` as passed, failed, or void
(quorum missed). The effect (governance.effects) is applied in the same transaction
that closes the vote. Opening and closing run on the scheduler and are idempotent.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.governance import tally
from commonwork.governance.actions import GovernanceError
from commonwork.governance.effects import apply_outcome
from commonwork.governance.models import (
    Ballot,
    BallotChoice,
    BallotMethod,
    Comment,
    Delegation,
    ElectorateMember,
    NoticeKind,
    Participation,
    Proposal,
    ProposalKind,
    ProposalStatus,
    SecretBallot,
)
from commonwork.governance.notices import notify
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import ParameterError, format_value, spec_of
from commonwork.members.models import (
    Application,
    ApplicationStatus,
    Membership,
    MembershipStatus,
    User,
)
from commonwork.members.selectors import get_cooperative, require_role

REMIND_BEFORE = timedelta(hours=24)


def _clean_changes(changes: Mapping[str, object] | None) -> dict[str, str]:
    """Each named parameter exists and its new value lies within its bounds."""
    if not changes:
        raise GovernanceError("invalid", "Name at least one parameter to change.", field="changes")
    cleaned: dict[str, str] = {}
    for name, raw in changes.items():
        try:
            cleaned[name] = format_value(spec_of(name).parse(raw))
        except ParameterError as exc:
            raise GovernanceError(
                "invalid", exc.template, field="changes", params=exc.params
            ) from exc
    return cleaned


SURPLUS_SHARES = ("surplus.reserves_share", "surplus.patronage_share", "surplus.community_share")
MAX_OPTIONS = 20
MAX_BYLAWS_LENGTH = 100_000


def _surplus_changes(changes: Mapping[str, object] | None) -> dict[str, str]:
    """Only surplus parameters, and the three shares still add up to the whole surplus."""
    cleaned = _clean_changes(changes)
    if any(not name.startswith("surplus.") for name in cleaned):
        raise GovernanceError(
            "invalid", "A surplus allocation changes only the surplus rules.", field="changes"
        )
    shares = {name: Fraction(read_parameter(name)) for name in SURPLUS_SHARES}
    shares.update({n: Fraction(v) for n, v in cleaned.items() if n in SURPLUS_SHARES})
    if sum(shares.values()) != 1:
        raise GovernanceError(
            "invalid",
            "The reserves, patronage and community shares must add up to 1, not {total}.",
            field="changes",
            params={"total": format_value(sum(shares.values(), Fraction(0)))},
        )
    return cleaned


def _clean_options(labels: Sequence[str] | None, *, least: int) -> list[dict[str, str]]:
    cleaned = [label.strip() for label in labels or () if label.strip()]
    if not least <= len(cleaned) <= MAX_OPTIONS or len(set(cleaned)) != len(cleaned):
        raise GovernanceError(
            "invalid",
            "Give {least} to {most} different options.",
            field="options",
            params={"least": least, "most": MAX_OPTIONS},
        )
    if any(len(label) > 120 for label in cleaned):
        raise GovernanceError("invalid", "An option is at most 120 characters.", field="options")
    return [{"key": str(number), "label": label} for number, label in enumerate(cleaned, 1)]


def _active_member(user_id: int | None, *, field: str) -> User:
    if user_id is None:
        raise NotFound("Member", field=field)
    membership = (
        Membership.objects.select_related("user")
        .filter(user_id=user_id, status=MembershipStatus.ACTIVE)
        .first()
    )
    if membership is None:
        raise NotFound("Member", field=field)
    return membership.user


def _still_undecided(amending: int | None, **match: Any) -> bool:
    """Whether another proposal on the same matter is not closed yet."""
    return (
        Proposal.objects.filter(closed_at__isnull=True, **match)
        .exclude(pk__in=[amending] if amending else [])
        .exists()
    )


def _content(
    actor: User, kind: str, content: ProposalContent, *, amending: int | None = None
) -> dict[str, Any]:
    """The fields of a proposal of `kind`, checked: what it would change or decide.
    `amending` is the proposal being amended, not a rival on the same matter."""
    yes_no = BallotMethod.YES_NO
    if kind == ProposalKind.PARAMETER_CHANGE:
        changes = _clean_changes(content.changes)
        return {"method": yes_no, "changes": changes, "current_values": _current(changes)}
    if kind == ProposalKind.SURPLUS_ALLOCATION:
        changes = _surplus_changes(content.changes)
        return {"method": yes_no, "changes": changes, "current_values": _current(changes)}
    if kind == ProposalKind.ADMISSION:
        application = Application.objects.filter(
            pk=content.application_id or 0, status=ApplicationStatus.PENDING
        ).first()
        if application is None:
            raise NotFound("Application", field="application")
        if _still_undecided(amending, application=application):
            raise GovernanceError("conflict", "This application is already being voted on.")
        return {"method": yes_no, "application": application, "subject": application.applicant}
    if kind == ProposalKind.REMOVAL:
        subject = _active_member(content.subject_id, field="subject")
        if subject.pk == actor.pk:
            raise GovernanceError("invalid", "To leave the co-op, you need no vote.")
        if _still_undecided(amending, kind=ProposalKind.REMOVAL, subject=subject):
            raise GovernanceError("conflict", "This member's removal is already being voted on.")
        return {"method": yes_no, "subject": subject}
    if kind == ProposalKind.BYLAW_AMENDMENT:
        cooperative = get_cooperative()
        current = cooperative.bylaws if cooperative else ""
        text = content.bylaws_after.strip()
        if not text or len(text) > MAX_BYLAWS_LENGTH:
            raise GovernanceError(
                "invalid", "Give the whole amended text of the bylaws.", field="bylaws_after"
            )
        if text == current.strip():
            raise GovernanceError(
                "invalid",
                "The amended bylaws are the same as the current ones.",
                field="bylaws_after",
            )
        return {"method": yes_no, "bylaws_before": current, "bylaws_after": text}
    if kind == ProposalKind.ELECTION:
        ids = list(dict.fromkeys(content.candidate_ids))
        candidates = [_active_member(pk, field="candidates") for pk in ids]
        if not 1 <= content.seats <= len(candidates) or len(candidates) > MAX_OPTIONS:
            raise GovernanceError(
                "invalid",
                "An election needs at least as many candidates as seats, and at most {most}.",
                field="candidates",
                params={"most": MAX_OPTIONS},
            )
        return {
            "method": BallotMethod.RANKED,
            "seats": content.seats,
            "options": [{"key": str(c.pk), "label": c.public_name} for c in candidates],
        }
    if kind == ProposalKind.FREE_DECISION:
        if content.method not in FREE_METHODS:
            raise GovernanceError(
                "invalid", "Choose how members answer a free decision.", field="method"
            )
        least = 0 if content.method == BallotMethod.CONSENT else 2
        options = _clean_options(content.options, least=least) if least else []
        return {"method": content.method, "options": options}
    raise GovernanceError("invalid", "There is no such kind of proposal.", field="kind")


def _current(changes: Mapping[str, str]) -> dict[str, str]:
    return {name: format_value(read_parameter(name)) for name in changes}


FREE_METHODS = (
    BallotMethod.SINGLE,
    BallotMethod.MULTIPLE,
    BallotMethod.SCORE,
    BallotMethod.CONSENT,
)


@dataclass(frozen=True)
class ProposalContent:
    """What a proposal decides; each kind reads its own fields."""

    changes: Mapping[str, object] | None = None  # parameter change, surplus allocation
    application_id: int | None = None  # admission
    subject_id: int | None = None  # removal
    bylaws_after: str = ""  # bylaw amendment: the whole amended text
    candidate_ids: Sequence[int] = ()  # election
    seats: int = 1  # election
    method: str = ""  # free decision: single, multiple, score or consent
    options: Sequence[str] = ()  # free decision


def _check_window(opens: datetime, closes: datetime) -> datetime:
    """The opening time (a window that would open in the past opens now)."""
    opens = max(opens, clock.now())
    if closes <= opens:
        raise GovernanceError(
            "invalid", "Voting must close after it opens.", field="voting_closes_at"
        )
    return opens


@transaction.atomic
def propose(
    *,
    actor: User,
    kind: str,
    title: str,
    reason: str,
    voting_opens_at: datetime,
    voting_closes_at: datetime,
    content: ProposalContent,
    secret: bool = False,
    draft: bool = False,
) -> Proposal:
    """Any active member proposes: published for discussion at once, or kept as a draft
    only its author sees until they publish it."""
    require_role(actor)
    if not title.strip() or not reason.strip():
        raise GovernanceError("invalid", "A proposal needs a title and a reason.", field="title")
    fields = _content(actor, kind, content)
    proposal = Proposal.objects.create(
        kind=kind,
        title=title.strip(),
        body=reason.strip(),
        author=actor,
        status=ProposalStatus.DRAFT if draft else ProposalStatus.DISCUSSION,
        voting_opens_at=_check_window(voting_opens_at, voting_closes_at),
        voting_closes_at=voting_closes_at,
        created_at=clock.now(),
        secret=secret,
        **fields,
    )
    audit.record(
        actor=actor,
        action="proposal.created",
        obj=proposal,
        data={"kind": kind, "draft": draft, "content": _audited(proposal)},
    )
    return proposal


def _audited(proposal: Proposal) -> dict[str, Any]:
    """What the audit log keeps of a proposal's content: candidates by member id only
    (the log is kept forever; a name there would outlive the member's erasure)."""
    elected = proposal.kind == ProposalKind.ELECTION
    return {
        "changes": proposal.changes,
        "options": [o["key"] if elected else o for o in proposal.options],
        "seats": proposal.seats,
        "application": proposal.application_id,
        "subject": proposal.subject_id,
        "bylaws_after": hashlib.sha256(proposal.bylaws_after.encode()).hexdigest()
        if proposal.bylaws_after
        else "",
    }


@transaction.atomic
def publish(*, actor: User, proposal_id: int) -> Proposal:
    """The author publishes their draft for discussion; voting opens as planned, or at
    once if that time has passed."""
    proposal = _lock(proposal_id)
    if proposal.author_id != actor.pk:
        raise NotFound("Proposal")
    if proposal.status != ProposalStatus.DRAFT:
        raise GovernanceError("illegal_transition", "Only a draft can be published.")
    proposal.voting_opens_at = _check_window(proposal.voting_opens_at, proposal.voting_closes_at)
    proposal.status = ProposalStatus.DISCUSSION
    proposal.save(update_fields=["voting_opens_at", "status"])
    audit.record(actor=actor, action="proposal.published", obj=proposal, data={})
    return proposal


MAX_COMMENT_LENGTH = 5000


@transaction.atomic
def comment_on(*, actor: User, proposal_id: int, body: str) -> Comment:
    """Any active member speaks in the discussion, until voting closes; so does the
    member a removal is about, even once removed (to answer in their appeal)."""
    proposal = _lock(proposal_id)
    if proposal.subject_id != actor.pk or proposal.kind != ProposalKind.REMOVAL:
        require_role(actor)
    if proposal.status == ProposalStatus.DRAFT:
        raise NotFound("Proposal")
    if proposal.closed_at is not None:
        raise GovernanceError("illegal_transition", "The discussion ended when voting closed.")
    text = body.strip()
    if not 1 <= len(text) <= MAX_COMMENT_LENGTH:
        raise GovernanceError(
            "invalid",
            "A comment is 1 to {limit} characters.",
            field="body",
            params={"limit": MAX_COMMENT_LENGTH},
        )
    comment = Comment.objects.create(
        proposal=proposal, author=actor, body=text, created_at=clock.now()
    )
    audit.record(actor=actor, action="proposal.commented", obj=comment, data={})
    return comment


@transaction.atomic
def amend_proposal(
    *, actor: User, proposal_id: int, reason: str, content: ProposalContent
) -> Proposal:
    """The author amends the proposal in the light of the discussion, before voting
    opens; nobody can change what is being voted on."""
    proposal = _lock(proposal_id)
    if proposal.author_id != actor.pk:
        raise GovernanceError("forbidden", "Only the author can amend a proposal.")
    if proposal.status not in (ProposalStatus.DRAFT, ProposalStatus.DISCUSSION):
        raise GovernanceError(
            "illegal_transition", "A proposal can be amended only before voting opens."
        )
    if not reason.strip():
        raise GovernanceError("invalid", "A proposal needs a title and a reason.", field="title")
    if proposal.appeal_of_id is not None:
        raise GovernanceError("invalid", "An appeal votes again on the same removal.")
    previous = _audited(proposal)
    fields = _content(actor, proposal.kind, content, amending=proposal.pk)
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.body = reason.strip()
    proposal.save(update_fields=[*fields, "body"])
    audit.record(
        actor=actor,
        action="proposal.amended",
        obj=proposal,
        data={"from": previous, "to": _audited(proposal)},
    )
    return proposal


APPEAL_DISCUSSION = timedelta(days=2)


@transaction.atomic
def appeal_removal(*, actor: User, proposal_id: int, reason: str) -> Proposal:
    """A removed member appeals, once, within `removal.appeal_days` of the vote: the
    members vote a second time whether to confirm the removal, under the same threshold.
    Confirmed, the removal stands; otherwise (or without quorum) the member is back.

    Voting opens after two days of discussion, where the member may answer, and stays
    open as long as the first vote did."""
    original = _lock(proposal_id)
    if original.kind != ProposalKind.REMOVAL or original.subject_id != actor.pk:
        raise NotFound("Proposal")
    if original.status != ProposalStatus.PASSED or original.appeal_of_id is not None:
        raise GovernanceError("illegal_transition", "Only a passed removal can be appealed.")
    if Proposal.objects.filter(appeal_of=original).exists():
        raise GovernanceError("conflict", "This removal has already been appealed.")
    assert original.closed_at is not None  # noqa: S101 - passed proposals are closed
    deadline = original.closed_at + timedelta(days=int(read_parameter("removal.appeal_days")))
    if clock.now() > deadline:
        raise GovernanceError("illegal_transition", "The time to appeal this removal is over.")
    if not reason.strip():
        raise GovernanceError("invalid", "Say why the removal should not stand.", field="reason")
    opens = clock.now() + APPEAL_DISCUSSION
    appeal = Proposal.objects.create(
        kind=ProposalKind.REMOVAL,
        method=BallotMethod.YES_NO,
        title=original.title,
        body=reason.strip(),
        author=actor,
        subject=actor,
        appeal_of=original,
        voting_opens_at=opens,
        voting_closes_at=opens + (original.voting_closes_at - original.voting_opens_at),
        created_at=clock.now(),
        secret=original.secret,
    )
    audit.record(actor=actor, action="removal.appealed", obj=appeal, data={"of": original.pk})
    return appeal


def _lock(proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("Proposal", field="proposal_id")
    return proposal


@transaction.atomic
def open_voting(*, proposal_id: int) -> Proposal:
    """Open voting once its time has come; the electorate is fixed now. Idempotent."""
    proposal = _lock(proposal_id)
    if proposal.status != ProposalStatus.DISCUSSION or proposal.voting_opens_at > clock.now():
        return proposal
    # Nobody votes on their own removal.
    members = list(
        Membership.objects.filter(status=MembershipStatus.ACTIVE)
        .exclude(user_id__in=[] if proposal.subject_id is None else [proposal.subject_id])
        .values_list("user_id", flat=True)
    )
    ElectorateMember.objects.bulk_create(
        ElectorateMember(proposal=proposal, member_id=member) for member in members
    )
    proposal.status = ProposalStatus.VOTING
    proposal.electorate_size = len(members)
    proposal.save(update_fields=["status", "electorate_size"])
    audit.record(
        actor=None,
        action="proposal.voting_opened",
        obj=proposal,
        data={"electorate": proposal.electorate_size},
    )
    notify(proposal, NoticeKind.VOTING_OPEN, members)
    return proposal


def _open_for(actor: User, proposal_id: int) -> Proposal:
    """The locked proposal, if voting is open and `actor` is in its electorate."""
    proposal = _lock(proposal_id)
    now = clock.now()
    if proposal.status != ProposalStatus.VOTING or not (
        proposal.voting_opens_at <= now < proposal.voting_closes_at
    ):
        raise GovernanceError("illegal_transition", "Voting on this proposal is not open.")
    if not ElectorateMember.objects.filter(proposal=proposal, member=actor).exists():
        raise GovernanceError(
            "forbidden",
            "Only members who were active when voting opened can vote on this proposal.",
        )
    return proposal


def receipt_digest(receipt: str) -> str:
    """The stored form of a receipt code; dashes, spaces and case do not matter."""
    normal = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def check_ballot(proposal: Proposal, choice: str, answer: object) -> tuple[str, Any]:
    """The ballot as it will be stored, if it fits the proposal's method; else a clear
    refusal. An answer (a ranking, chosen options, or scores) is stored as choice
    "answer"; abstaining is possible under every method."""
    method = proposal.method
    if choice == BallotChoice.ABSTAIN:
        return choice, None
    if method == BallotMethod.YES_NO:
        if choice not in (BallotChoice.YES, BallotChoice.NO):
            raise GovernanceError("invalid", "Vote yes, no or abstain.", field="choice")
        return choice, None
    if method == BallotMethod.CONSENT:
        if choice not in (BallotChoice.CONSENT, BallotChoice.OBJECT):
            raise GovernanceError("invalid", "Consent, object or abstain.", field="choice")
        return choice, None
    keys = [option["key"] for option in proposal.options]
    if method == BallotMethod.SCORE:
        if not isinstance(answer, Mapping) or not answer:
            raise GovernanceError("invalid", "Score at least one option.", field="answer")
        scores: dict[str, int] = {}
        low, high = tally.SCORE_RANGE
        for key, score in answer.items():
            if str(key) not in keys:
                raise GovernanceError(
                    "invalid", "That option is not on the ballot.", field="answer"
                )
            if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
                raise GovernanceError(
                    "invalid",
                    "A score is a whole number from {low} to {high}.",
                    field="answer",
                    params={"low": low, "high": high},
                )
            scores[str(key)] = score
        return BallotChoice.ANSWER, scores
    if not isinstance(answer, Sequence) or isinstance(answer, str) or not answer:
        raise GovernanceError("invalid", "Choose at least one option.", field="answer")
    picked = [str(key) for key in answer]
    if any(key not in keys for key in picked):
        raise GovernanceError("invalid", "That option is not on the ballot.", field="answer")
    if len(set(picked)) != len(picked):
        raise GovernanceError("invalid", "A ballot names each option at most once.", field="answer")
    if method == BallotMethod.SINGLE and len(picked) != 1:
        raise GovernanceError("invalid", "Choose exactly one option.", field="answer")
    return BallotChoice.ANSWER, picked


@transaction.atomic
def cast_secret_ballot(
    *, actor: User, proposal_id: int, choice: str, answer: object = None, receipt: str = ""
) -> tuple[str, SecretBallot]:
    """Vote in a secret ballot. The first vote returns a receipt code, shown once; the
    voter changes their vote, or finds it in the published list, with that code.

    The database records that the member voted (Participation) and, apart, what was
    voted under the receipt's digest, with no voter and no time to join them by."""
    proposal = _open_for(actor, proposal_id)
    if not proposal.secret:
        raise GovernanceError("invalid", "This is an open ballot.")
    choice, answer = check_ballot(proposal, choice, answer)
    voted = Participation.objects.filter(proposal=proposal, voter=actor).exists()
    if voted:
        ballot = SecretBallot.objects.filter(
            proposal=proposal, receipt_digest=receipt_digest(receipt)
        ).first()
        if not receipt or ballot is None:
            raise GovernanceError(
                "conflict",
                "You have voted. To change your vote, give the receipt code you were shown.",
                field="receipt",
            )
        ballot.choice, ballot.answer = choice, answer
        ballot.save(update_fields=["choice", "answer"])
        audit.record(actor=actor, action="ballot.secret_changed", obj=proposal, data={})
        return receipt, ballot
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    Participation.objects.create(proposal=proposal, voter=actor)
    ballot = SecretBallot.objects.create(
        proposal=proposal, receipt_digest=receipt_digest(code), choice=choice, answer=answer
    )
    # Audited: that the member voted; never how (the published list shows that).
    audit.record(actor=actor, action="ballot.secret_cast", obj=proposal, data={})
    return code, ballot


def ballots_of(proposal: Proposal) -> list[tuple[str, Any]]:
    """Every counted ballot as (choice, answer): the secret ballots, or the open ones
    (delegated included), in a fixed order."""
    ballots = proposal.secret_ballots if proposal.secret else proposal.ballots
    return [(b.choice, b.answer) for b in ballots.order_by("pk")]


@transaction.atomic
def cast_ballot(*, actor: User, proposal_id: int, choice: str, answer: object = None) -> Ballot:
    """Vote; a member may change their vote until the close."""
    proposal = _open_for(actor, proposal_id)
    if proposal.secret:
        raise GovernanceError("invalid", "This is a secret ballot; vote with a receipt.")
    choice, answer = check_ballot(proposal, choice, answer)
    now = clock.now()
    ballot, created = Ballot.objects.update_or_create(
        proposal=proposal,
        voter=actor,
        defaults={"choice": choice, "answer": answer, "cast_at": now, "via": None},
    )
    audit.record(
        actor=actor,
        action="ballot.cast" if created else "ballot.changed",
        obj=ballot,
        data={"proposal": proposal.pk, "choice": choice, "answer": answer},
    )
    return ballot


def rules_for(proposal: Proposal) -> tally.DecisionRules:
    """The counting rules in force now for this proposal (read at its close)."""
    threshold = "1/2"
    if proposal.method == BallotMethod.YES_NO:
        threshold = str(read_parameter(f"threshold.{proposal.kind}"))
    return _rules(
        proposal,
        quorum=str(read_parameter("quorum")),
        threshold=threshold,
        objection_threshold=str(read_parameter("consent.objection_threshold")),
    )


def stored_rules(proposal: Proposal) -> tally.DecisionRules:
    """The counting rules a closed proposal's result records, to recount it by."""
    result = proposal.result
    return _rules(
        proposal,
        quorum=result.get("quorum", "0"),
        threshold=result.get("threshold", "1/2"),
        objection_threshold=result.get("objection_threshold", "1/10"),
    )


def _rules(
    proposal: Proposal, *, quorum: str, threshold: str, objection_threshold: str
) -> tally.DecisionRules:
    return tally.DecisionRules(
        method=proposal.method,
        electorate=proposal.electorate_size,
        quorum=Fraction(quorum),
        threshold=Fraction(threshold),
        objection_threshold=Fraction(objection_threshold),
        options=tuple(option["key"] for option in proposal.options),
        seats=proposal.seats,
    )


@transaction.atomic
def close_voting(*, proposal_id: int) -> Proposal:
    """Close a proposal whose voting time is over: count, decide and apply its effect in
    this same transaction. Closing twice changes nothing."""
    proposal = _lock(proposal_id)
    if proposal.status != ProposalStatus.VOTING or proposal.voting_closes_at > clock.now():
        return proposal
    if not proposal.secret:  # a delegated secret vote would tell whose vote it followed
        _follow_delegations(proposal)
    result = tally.decide(ballots_of(proposal), rules_for(proposal))
    proposal.status = result["outcome"]
    proposal.closed_at = clock.now()
    # The effect may add to the result (whether it could be applied, and why not).
    result.update(apply_outcome(proposal, result))
    proposal.result = result
    proposal.save(update_fields=["status", "result", "closed_at"])
    audit.record(actor=None, action="proposal.closed", obj=proposal, data=result)
    notify(proposal, NoticeKind.RESULT, proposal.electorate.values_list("member_id", flat=True))
    return proposal


def _follow_delegations(proposal: Proposal) -> None:
    """Give each voter who did not vote, but had entrusted this kind of decision to a
    member who did, a ballot following that member's own vote. One step only: a
    delegate's vote is never itself a delegated one."""
    voted = set(Ballot.objects.filter(proposal=proposal).values_list("voter_id", flat=True))
    direct = {
        voter: (choice, answer)
        for voter, choice, answer in Ballot.objects.filter(
            proposal=proposal, via__isnull=True
        ).values_list("voter_id", "choice", "answer")
    }
    electorate = set(proposal.electorate.values_list("member_id", flat=True))
    followed = [
        Ballot(
            proposal=proposal,
            voter_id=delegation.delegator_id,
            choice=direct[delegation.delegate_id][0],
            answer=direct[delegation.delegate_id][1],
            cast_at=proposal.voting_closes_at,
            via_id=delegation.delegate_id,
        )
        for delegation in Delegation.objects.filter(
            kind=proposal.kind, revoked_at__isnull=True, created_at__lt=proposal.voting_closes_at
        ).order_by("delegator_id")
        if delegation.delegator_id in electorate
        and delegation.delegator_id not in voted
        and delegation.delegate_id in direct
    ]
    Ballot.objects.bulk_create(followed)
    if followed:
        audit.record(
            actor=None,
            action="ballot.delegated",
            obj=proposal,
            data={"ballots": [[b.voter_id, b.via_id, b.choice] for b in followed]},
        )


@transaction.atomic
def delegate_votes(*, actor: User, delegate_id: int, kind: str) -> Delegation:
    """Entrust one's vote on a kind of proposal to another member, replacing any earlier
    delegation of that kind. A direct vote still overrides it."""
    require_role(actor)
    if kind not in ProposalKind.values:
        raise GovernanceError("invalid", "There is no such kind of proposal.", field="kind")
    if delegate_id == actor.pk:
        raise GovernanceError("invalid", "You cannot delegate to yourself.", field="delegate")
    if not Membership.objects.filter(user_id=delegate_id, status=MembershipStatus.ACTIVE).exists():
        raise NotFound("Member", field="delegate")
    _end_delegation(actor, kind)
    delegation = Delegation.objects.create(
        delegator=actor, delegate_id=delegate_id, kind=kind, created_at=clock.now()
    )
    audit.record(
        actor=actor,
        action="delegation.given",
        obj=delegation,
        data={"delegate": delegate_id, "kind": kind},
    )
    return delegation


def _end_delegation(actor: User, kind: str) -> Delegation | None:
    live = (
        Delegation.objects.select_for_update()
        .filter(delegator=actor, kind=kind, revoked_at__isnull=True)
        .first()
    )
    if live is not None:
        live.revoked_at = clock.now()
        live.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="delegation.revoked", obj=live, data={"kind": kind})
    return live


@transaction.atomic
def revoke_delegation(*, actor: User, kind: str) -> Delegation:
    """Take one's vote back, at once."""
    require_role(actor)
    ended = _end_delegation(actor, kind)
    if ended is None:
        raise GovernanceError("conflict", "You have not delegated this kind of vote.")
    return ended


@transaction.atomic
def remind_before_close(*, proposal_id: int) -> int:
    """A day before voting closes, remind the members who have not voted. Once."""
    proposal = _lock(proposal_id)
    if proposal.status != ProposalStatus.VOTING or proposal.reminded_at is not None:
        return 0
    if proposal.voting_closes_at - REMIND_BEFORE > clock.now():
        return 0
    voters = proposal.participants if proposal.secret else proposal.ballots
    voted = voters.values_list("voter_id", flat=True)
    waiting = proposal.electorate.exclude(member_id__in=voted).values_list("member_id", flat=True)
    proposal.reminded_at = clock.now()
    proposal.save(update_fields=["reminded_at"])
    return notify(proposal, NoticeKind.CLOSING_SOON, waiting)


def advance_due_proposals() -> int:
    """Open, remind and close every proposal whose time has come (the scheduled job)."""
    now = clock.now()
    moved = 0
    for proposal_id in Proposal.objects.filter(
        status=ProposalStatus.VOTING,
        reminded_at__isnull=True,
        voting_closes_at__lte=now + REMIND_BEFORE,
        voting_closes_at__gt=now,
    ).values_list("id", flat=True):
        remind_before_close(proposal_id=proposal_id)
    for proposal_id in Proposal.objects.filter(
        status=ProposalStatus.DISCUSSION, voting_opens_at__lte=now
    ).values_list("id", flat=True):
        open_voting(proposal_id=proposal_id)
        moved += 1
    for proposal_id in Proposal.objects.filter(
        status=ProposalStatus.VOTING, voting_closes_at__lte=now
    ).values_list("id", flat=True):
        close_voting(proposal_id=proposal_id)
        moved += 1
    return moved


def verify_results() -> list[str]:
    """Recount every closed proposal from its stored ballots under the rules its result
    records; the differences found. What a result adds about its effect is not a count."""
    differences = []
    for proposal in Proposal.objects.filter(closed_at__isnull=False).order_by("id"):
        recount = tally.decide(ballots_of(proposal), stored_rules(proposal))
        stored = {key: proposal.result.get(key) for key in recount}
        if recount != stored or recount["outcome"] != proposal.status:
            differences.append(f"proposal {proposal.pk}: stored {stored}, recount {recount}")
    return differences
