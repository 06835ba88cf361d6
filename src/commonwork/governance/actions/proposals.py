"""Proposing, publishing, discussing, amending and appealing: a proposal up to its vote."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.core.marks import N_
from commonwork.governance.actions._shared import _lock
from commonwork.governance.actions.notices import notify
from commonwork.governance.errors import GovernanceError
from commonwork.governance.models import (
    BallotMethod,
    CandidateStatement,
    Comment,
    NoticeKind,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
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


# A form says when to the minute: a proposal made within this of the earliest opening
# time still meets the notice.
NOTICE_SLACK = timedelta(minutes=5)


def minimum_window(kind: str) -> tuple[timedelta, timedelta]:
    """The governed least notice before voting opens and least voting time, for a kind."""
    return (
        timedelta(hours=int(read_parameter(f"notice_hours.{kind}"))),
        timedelta(hours=int(read_parameter(f"voting_hours.{kind}"))),
    )


def _check_window(kind: str, opens: datetime, closes: datetime) -> datetime:
    """The opening time, if the window gives every member the governed notice and time
    to vote (counted from now: the proposal's publication)."""
    notice, voting = minimum_window(kind)
    earliest = clock.now() + notice
    if opens < earliest - NOTICE_SLACK:
        raise GovernanceError(
            "invalid",
            "Voting may open {hours} hours after the proposal is published at the earliest, "
            "so that every member can read it: {earliest} or later.",
            field="voting_opens_at",
            params={"hours": notice // timedelta(hours=1), "earliest": earliest.isoformat()},
        )
    if closes - opens < voting:
        raise GovernanceError(
            "invalid",
            "Voting stays open {hours} hours at least.",
            field="voting_closes_at",
            params={"hours": voting // timedelta(hours=1)},
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
        voting_opens_at=_check_window(kind, voting_opens_at, voting_closes_at),
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
    if not draft:
        _announce(proposal)
    return proposal


def _announce(proposal: Proposal) -> None:
    """Every active member hears of a published proposal, and when its vote opens."""
    members = Membership.objects.filter(status=MembershipStatus.ACTIVE).values_list(
        "user_id", flat=True
    )
    notify(proposal, NoticeKind.PROPOSED, members)


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
    """The author publishes their draft for discussion; voting opens as planned, or, if
    that no longer leaves the governed notice, that notice after now (the window keeps
    its length, and at least the least voting time)."""
    proposal = _lock(proposal_id)
    if proposal.author_id != actor.pk:
        raise NotFound("Proposal")
    if proposal.status != ProposalStatus.DRAFT:
        raise GovernanceError("illegal_transition", "Only a draft can be published.")
    notice, voting = minimum_window(proposal.kind)
    earliest = clock.now() + notice
    if proposal.voting_opens_at < earliest:
        # Published late: the members still get the whole notice and voting time.
        length = max(proposal.voting_closes_at - proposal.voting_opens_at, voting)
        proposal.voting_opens_at, proposal.voting_closes_at = earliest, earliest + length
    proposal.status = ProposalStatus.DISCUSSION
    proposal.save(update_fields=["voting_opens_at", "voting_closes_at", "status"])
    _announce(proposal)
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

    Voting opens after two days of discussion (or the governed notice for a removal, if
    longer), where the member may answer, and stays open as long as the first vote did
    (or the governed least voting time)."""
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
    notice, voting = minimum_window(ProposalKind.REMOVAL)
    opens = clock.now() + max(APPEAL_DISCUSSION, notice)
    window = max(original.voting_closes_at - original.voting_opens_at, voting)
    appeal = Proposal.objects.create(
        kind=ProposalKind.REMOVAL,
        method=BallotMethod.YES_NO,
        title=original.title,
        body=reason.strip(),
        author=actor,
        subject=actor,
        appeal_of=original,
        voting_opens_at=opens,
        voting_closes_at=opens + window,
        created_at=clock.now(),
        secret=original.secret,
    )
    audit.record(actor=actor, action="removal.appealed", obj=appeal, data={"of": original.pk})
    return appeal


MAX_STATEMENT = 1000
MAX_OUTCOME = 2000


def _words(body: str, limit: int, message: str) -> str:
    """A member's text, trimmed, refused when empty or past `limit` (said in `message`)."""
    body = body.strip()
    if not body or len(body) > limit:
        raise GovernanceError("invalid", message, field="body", params={"limit": limit})
    return body


@transaction.atomic
def write_candidate_statement(*, actor: User, proposal_id: int, body: str) -> CandidateStatement:
    """A candidate in an election says why members might elect them, until the close;
    writing again replaces it."""
    require_role(actor)
    proposal = _lock(proposal_id)
    if proposal.kind != ProposalKind.ELECTION or all(
        option["key"] != str(actor.pk) for option in proposal.options
    ):
        raise GovernanceError("forbidden", "Only a candidate in this election writes a statement.")
    if proposal.closed_at is not None:
        raise GovernanceError("illegal_transition", "The election is closed.")
    body = _words(body, MAX_STATEMENT, N_("A statement has 1 to {limit} characters."))
    statement, _created = CandidateStatement.objects.update_or_create(
        proposal=proposal, candidate=actor, defaults={"body": body, "written_at": clock.now()}
    )
    audit.record(actor=actor, action="proposal.statement", obj=proposal, data={})
    return statement


@transaction.atomic
def write_outcome_statement(*, actor: User, proposal_id: int, body: str) -> Proposal:
    """After the close, the proposer says what the decision means and what happens next;
    shown with the result. They may correct it later."""
    proposal = _lock(proposal_id)
    if proposal.author_id != actor.pk:
        raise GovernanceError("forbidden", "Only the proposer writes the outcome.")
    if proposal.closed_at is None:
        raise GovernanceError(
            "illegal_transition", "The outcome is written once voting has closed."
        )
    body = _words(body, MAX_OUTCOME, N_("An outcome has 1 to {limit} characters."))
    proposal.outcome_statement = body
    proposal.outcome_written_at = clock.now()
    proposal.save(update_fields=["outcome_statement", "outcome_written_at"])
    audit.record(actor=actor, action="proposal.outcome", obj=proposal, data={})
    return proposal
