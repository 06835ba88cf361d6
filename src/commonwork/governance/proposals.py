"""Proposals that change the platform: open, vote, close, and apply — the first kind
being a change of governed parameters (the fee, the floor, dispatch weights...).

Lifecycle: discussion → voting (opens at `voting_opens_at`; the electorate is fixed
then: the active members at that moment) → closed at `voting_closes_at` as passed,
failed, or void (quorum missed). A passed parameter change is applied in the same
transaction that closes it, each new value pointing back at the proposal. Opening and
closing run on the scheduler and are idempotent.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.governance import tally
from commonwork.governance.actions import GovernanceError
from commonwork.governance.models import (
    Ballot,
    BallotChoice,
    Comment,
    Delegation,
    ElectorateMember,
    NoticeKind,
    ParameterSource,
    ParameterValue,
    Participation,
    Proposal,
    ProposalKind,
    ProposalStatus,
    SecretBallot,
)
from commonwork.governance.notices import notify
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import ParameterError, format_value, spec_of
from commonwork.members.models import Membership, MembershipStatus, User
from commonwork.members.selectors import require_role

CHOICES = tuple(BallotChoice.values)
REMIND_BEFORE = timedelta(hours=24)


def _clean_changes(changes: Mapping[str, object]) -> dict[str, str]:
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


@transaction.atomic
def propose_parameter_change(
    *,
    actor: User,
    title: str,
    reason: str,
    changes: Mapping[str, object],
    voting_opens_at: datetime,
    voting_closes_at: datetime,
    secret: bool = False,
) -> Proposal:
    """Any active member proposes new values for governed parameters, by open or by
    secret ballot."""
    require_role(actor)
    if not title.strip() or not reason.strip():
        raise GovernanceError("invalid", "A proposal needs a title and a reason.", field="title")
    # A window that would open in the past opens now.
    voting_opens_at = max(voting_opens_at, clock.now())
    if voting_closes_at <= voting_opens_at:
        raise GovernanceError(
            "invalid", "Voting must close after it opens.", field="voting_closes_at"
        )
    proposal = Proposal.objects.create(
        kind=ProposalKind.PARAMETER_CHANGE,
        title=title.strip(),
        body=reason.strip(),
        author=actor,
        changes=_clean_changes(changes),
        current_values={name: format_value(read_parameter(name)) for name in changes},
        voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at,
        created_at=clock.now(),
        secret=secret,
    )
    audit.record(
        actor=actor, action="proposal.created", obj=proposal, data={"changes": proposal.changes}
    )
    return proposal


MAX_COMMENT_LENGTH = 5000


@transaction.atomic
def comment_on(*, actor: User, proposal_id: int, body: str) -> Comment:
    """Any active member speaks in the discussion, until voting closes."""
    require_role(actor)
    proposal = _lock(proposal_id)
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
    *, actor: User, proposal_id: int, reason: str, changes: Mapping[str, object]
) -> Proposal:
    """The author amends the proposal in the light of the discussion, before voting
    opens; nobody can change what is being voted on."""
    proposal = _lock(proposal_id)
    if proposal.author_id != actor.pk:
        raise GovernanceError("forbidden", "Only the author can amend a proposal.")
    if proposal.status != ProposalStatus.DISCUSSION:
        raise GovernanceError(
            "illegal_transition", "A proposal can be amended only before voting opens."
        )
    if not reason.strip():
        raise GovernanceError("invalid", "A proposal needs a title and a reason.", field="title")
    previous = dict(proposal.changes)
    proposal.changes = _clean_changes(changes)
    proposal.current_values = {name: format_value(read_parameter(name)) for name in changes}
    proposal.body = reason.strip()
    proposal.save(update_fields=["changes", "current_values", "body"])
    audit.record(
        actor=actor,
        action="proposal.amended",
        obj=proposal,
        data={"from": previous, "to": proposal.changes},
    )
    return proposal


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
    members = Membership.objects.filter(status=MembershipStatus.ACTIVE).values_list(
        "user_id", flat=True
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


@transaction.atomic
def cast_secret_ballot(
    *, actor: User, proposal_id: int, choice: str, receipt: str = ""
) -> tuple[str, SecretBallot]:
    """Vote in a secret ballot. The first vote returns a receipt code, shown once; the
    voter changes their vote, or finds it in the published list, with that code.

    The database records that the member voted (Participation) and, apart, what was
    voted under the receipt's digest, with no voter and no time to join them by."""
    if choice not in CHOICES:
        raise GovernanceError("invalid", "Vote yes, no or abstain.", field="choice")
    proposal = _open_for(actor, proposal_id)
    if not proposal.secret:
        raise GovernanceError("invalid", "This is an open ballot.")
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
        ballot.choice = choice
        ballot.save(update_fields=["choice"])
        audit.record(actor=actor, action="ballot.secret_changed", obj=proposal, data={})
        return receipt, ballot
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    Participation.objects.create(proposal=proposal, voter=actor)
    ballot = SecretBallot.objects.create(
        proposal=proposal, receipt_digest=receipt_digest(code), choice=choice
    )
    # Audited: that the member voted; never how (the published list shows that).
    audit.record(actor=actor, action="ballot.secret_cast", obj=proposal, data={})
    return code, ballot


def choices_of(proposal: Proposal) -> list[str]:
    """Every counted choice: the secret ballots, or the open ones (delegated included)."""
    ballots = proposal.secret_ballots if proposal.secret else proposal.ballots
    return list(ballots.values_list("choice", flat=True))


@transaction.atomic
def cast_ballot(*, actor: User, proposal_id: int, choice: str) -> Ballot:
    """Vote yes, no or abstain; a member may change their vote until the close."""
    if choice not in CHOICES:
        raise GovernanceError("invalid", "Vote yes, no or abstain.", field="choice")
    proposal = _open_for(actor, proposal_id)
    if proposal.secret:
        raise GovernanceError("invalid", "This is a secret ballot; vote with a receipt.")
    now = clock.now()
    ballot, created = Ballot.objects.update_or_create(
        proposal=proposal, voter=actor, defaults={"choice": choice, "cast_at": now}
    )
    audit.record(
        actor=actor,
        action="ballot.cast" if created else "ballot.changed",
        obj=ballot,
        data={"proposal": proposal.pk, "choice": choice},
    )
    return ballot


def count(choices: list[str], *, electorate: int, quorum: Fraction) -> dict[str, Any]:
    """The result of a parameter change: void without quorum, else a simple majority."""
    majority = tally.simple_majority(choices)
    reached = tally.quorum_met(cast=len(choices), electorate=electorate, quorum=quorum)
    outcome = (
        ProposalStatus.VOID
        if not reached
        else (ProposalStatus.PASSED if majority.passed else ProposalStatus.FAILED)
    )
    return {
        "yes": majority.yes,
        "no": majority.no,
        "abstain": majority.abstain,
        "cast": len(choices),
        "electorate": electorate,
        "quorum": format_value(quorum),
        "quorum_met": reached,
        "rule": majority.rule,
        "outcome": str(outcome),
    }


@transaction.atomic
def close_voting(*, proposal_id: int) -> Proposal:
    """Close a proposal whose voting time is over: count, decide and, when it passed,
    apply its changes in this same transaction. Closing twice changes nothing."""
    proposal = _lock(proposal_id)
    if proposal.status != ProposalStatus.VOTING or proposal.voting_closes_at > clock.now():
        return proposal
    if not proposal.secret:  # a delegated secret vote would tell whose vote it followed
        _follow_delegations(proposal)
    choices = choices_of(proposal)
    result = count(
        choices, electorate=proposal.electorate_size, quorum=Fraction(read_parameter("quorum"))
    )
    proposal.status = result["outcome"]
    proposal.result = result
    proposal.closed_at = clock.now()
    proposal.save(update_fields=["status", "result", "closed_at"])
    audit.record(actor=None, action="proposal.closed", obj=proposal, data=result)
    notify(proposal, NoticeKind.RESULT, proposal.electorate.values_list("member_id", flat=True))
    if proposal.status == ProposalStatus.PASSED:
        for name, value in sorted(proposal.changes.items()):
            # Checked again: the registry's bounds may have changed since it was proposed.
            parsed = spec_of(name).parse(value)
            row = ParameterValue.objects.create(
                name=name,
                value=format_value(parsed),
                set_at=proposal.closed_at,
                source=ParameterSource.PROPOSAL,
                reason=proposal.title,
                proposal_ref=f"proposal:{proposal.pk}",
            )
            audit.record(
                actor=None,
                action="parameter.changed",
                obj=row,
                data={"name": name, "to": row.value, "proposal": proposal.pk},
            )
    return proposal


def _follow_delegations(proposal: Proposal) -> None:
    """Give each voter who did not vote, but had entrusted this kind of decision to a
    member who did, a ballot following that member's own vote. One step only: a
    delegate's vote is never itself a delegated one."""
    voted = set(Ballot.objects.filter(proposal=proposal).values_list("voter_id", flat=True))
    direct = dict(
        Ballot.objects.filter(proposal=proposal, via__isnull=True).values_list("voter_id", "choice")
    )
    electorate = set(proposal.electorate.values_list("member_id", flat=True))
    followed = [
        Ballot(
            proposal=proposal,
            voter_id=delegation.delegator_id,
            choice=direct[delegation.delegate_id],
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
    """Recount every closed proposal from its stored ballots; the differences found."""
    differences = []
    for proposal in Proposal.objects.filter(closed_at__isnull=False).order_by("id"):
        recount = count(
            choices_of(proposal),
            electorate=proposal.electorate_size,
            quorum=Fraction(proposal.result.get("quorum", "0")),
        )
        if recount != proposal.result or recount["outcome"] != proposal.status:
            differences.append(
                f"proposal {proposal.pk}: stored {proposal.result}, recount {recount}"
            )
    return differences
