"""A proposal's vote opened, counted and closed on the scheduler, with its effect applied
in the closing transaction; reminders; and the recount of every stored result."""

from __future__ import annotations

from fractions import Fraction

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.governance import tally
from commonwork.governance.actions._shared import REMIND_BEFORE, _lock
from commonwork.governance.actions.ballots import ballots_of
from commonwork.governance.actions.effects import apply_outcome
from commonwork.governance.actions.notices import notify
from commonwork.governance.hooks import ProposalClosed, proposal_closed
from commonwork.governance.models import (
    Ballot,
    BallotMethod,
    Delegation,
    ElectorateMember,
    NoticeKind,
    Proposal,
    ProposalStatus,
)
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import (
    Membership,
    MembershipStatus,
)


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
    proposal_closed.fire(ProposalClosed(proposal=proposal, result=result))
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
