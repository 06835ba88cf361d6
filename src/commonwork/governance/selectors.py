"""Reads of proposals and ballots, shaped for the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from commonwork.core.errors import NotFound
from commonwork.governance.models import (
    Ballot,
    Delegation,
    ElectorateMember,
    Notice,
    Participation,
    Proposal,
    ProposalStatus,
    SecretBallot,
)
from commonwork.governance.registry import PARAMETERS


def proposals_for(user: Any) -> QuerySet[Proposal]:
    return Proposal.objects.select_related("author")


def proposal_by_id(proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_related("author").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("Proposal")
    return proposal


def my_ballot(user: Any, proposal: Proposal) -> Ballot | None:
    return Ballot.objects.filter(proposal=proposal, voter_id=user.pk).first()


def may_vote(user: Any, proposal: Proposal) -> bool:
    return (
        proposal.status == ProposalStatus.VOTING
        and ElectorateMember.objects.filter(proposal=proposal, member_id=user.pk).exists()
    )


def changes_table(proposal: Proposal) -> list[dict[str, str]]:
    """Each rule the proposal changes: its meaning, its value then, and the proposed one."""
    return [
        {
            "name": name,
            "description": PARAMETERS[name].description if name in PARAMETERS else "",
            "unit": PARAMETERS[name].unit if name in PARAMETERS else "",
            "current": proposal.current_values.get(name, ""),
            "proposed": value,
        }
        for name, value in sorted(proposal.changes.items())
    ]


def closed_results() -> list[dict[str, Any]]:
    """Closed proposals with their counts and turnout, for the public results page."""
    rows = []
    for proposal in Proposal.objects.filter(closed_at__isnull=False).order_by("-closed_at"):
        result = proposal.result
        electorate = max(int(result.get("electorate", 0)), 1)
        cast = int(result.get("cast", 0))
        decided = max(int(result.get("yes", 0)) + int(result.get("no", 0)), 1)
        rows.append(
            {
                "proposal": proposal,
                "result": result,
                "turnout": 100 * cast / electorate,
                "yes_share": 100 * int(result.get("yes", 0)) / decided,
                "no_share": 100 * int(result.get("no", 0)) / decided,
            }
        )
    return rows


def live_delegation(user: Any, kind: str) -> Delegation | None:
    return (
        Delegation.objects.select_related("delegate")
        .filter(delegator_id=user.pk, kind=kind, revoked_at__isnull=True)
        .first()
    )


def unread_notices(user: Any) -> list[tuple[Notice, str]]:
    """The member's unread notices with their sentences, newest first."""
    from commonwork.governance.notices import notice_text

    notices = Notice.objects.select_related("proposal").filter(
        member_id=user.pk, read_at__isnull=True
    )[:20]
    return [(notice, notice_text(notice.kind, notice.proposal)) for notice in notices]


def took_part(user: Any, proposal: Proposal) -> bool:
    """Whether the member has voted in a secret ballot (how is not known here)."""
    return Participation.objects.filter(proposal=proposal, voter_id=user.pk).exists()


def published_secret_ballots(proposal: Proposal) -> list[SecretBallot]:
    """The secret ballots, by receipt digest, once voting has closed."""
    if not proposal.secret or proposal.closed_at is None:
        return []
    return list(proposal.secret_ballots.order_by("receipt_digest"))


def find_secret_ballot(proposal: Proposal, receipt: str) -> SecretBallot | None:
    from commonwork.governance.proposals import receipt_digest

    if not receipt or not proposal.secret or proposal.closed_at is None:
        return None
    return proposal.secret_ballots.filter(receipt_digest=receipt_digest(receipt)).first()
