"""Reads of proposals and ballots, shaped for the pages."""

from __future__ import annotations

import difflib
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from commonwork.core.errors import NotFound
from commonwork.governance import labels
from commonwork.governance.models import (
    Ballot,
    Delegation,
    ElectorateMember,
    Notice,
    Participation,
    Proposal,
    ProposalKind,
    ProposalStatus,
    SecretBallot,
)
from commonwork.governance.registry import PARAMETERS
from commonwork.members.models import User
from commonwork.members.selectors import active_membership
from commonwork.vault.providers import Reader


def proposals_for(user: User) -> QuerySet[Proposal]:
    """Every proposal the member may see: all but other members' drafts."""
    return Proposal.objects.select_related("author").exclude(
        Q(status=ProposalStatus.DRAFT) & ~Q(author_id=user.pk)
    )


def proposal_for(user: User, proposal_id: int) -> Proposal:
    proposal = proposals_for(user).select_related("subject").filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("Proposal")
    return proposal


def bylaws_diff(proposal: Proposal) -> list[tuple[str, str]]:
    """The amendment line by line: ("+", added), ("-", removed) or (" ", unchanged)."""
    if proposal.kind != ProposalKind.BYLAW_AMENDMENT:
        return []
    before = proposal.bylaws_before.splitlines()
    after = proposal.bylaws_after.splitlines()
    return [
        (line[0], line[2:]) for line in difflib.ndiff(before, after) if line[:1] in ("+", "-", " ")
    ]


def option_labels(proposal: Proposal) -> dict[str, str]:
    return {option["key"]: option["label"] for option in proposal.options}


def result_summary(proposal: Proposal) -> list[tuple[str, str]]:
    """Each option or candidate with its count (votes, approvals, score total, or first
    preferences in the first round), in ballot order, for the pages."""
    result = proposal.result
    counts = result.get("counts") or result.get("totals")
    if counts is None and result.get("rounds"):
        counts = result["rounds"][0]["votes"]
    if not counts:
        return []
    return [(option["label"], str(counts.get(option["key"], 0))) for option in proposal.options]


def winner_labels(proposal: Proposal) -> list[str]:
    labels = option_labels(proposal)
    return [labels.get(str(key), str(key)) for key in proposal.result.get("winners", [])]


def appealable(user: User, proposal: Proposal) -> bool:
    """Whether `user` may appeal this removal now (the action checks it again)."""
    if proposal.kind != ProposalKind.REMOVAL or proposal.subject_id != user.pk:
        return False
    return (
        proposal.status == ProposalStatus.PASSED
        and proposal.appeal_of_id is None
        and not Proposal.objects.filter(appeal_of=proposal).exists()
    )


def my_ballot(user: User, proposal: Proposal) -> Ballot | None:
    return Ballot.objects.filter(proposal=proposal, voter_id=user.pk).first()


def may_vote(user: User, proposal: Proposal) -> bool:
    return (
        proposal.status == ProposalStatus.VOTING
        and ElectorateMember.objects.filter(proposal=proposal, member_id=user.pk).exists()
    )


def changes_table(proposal: Proposal) -> list[dict[str, str]]:
    """Each rule the proposal changes: its meaning, its value then, and the proposed one."""
    return [
        {
            "name": name,
            "label": labels.label(name, gettext),
            "description": PARAMETERS[name].description if name in PARAMETERS else "",
            "unit": labels.unit(PARAMETERS[name].unit, gettext) if name in PARAMETERS else "",
            "current": proposal.current_values.get(name, ""),
            "proposed": value,
        }
        for name, value in sorted(proposal.changes.items())
    ]


# Kinds of decision about one person: outside the membership only their outcome shows.
ABOUT_A_PERSON = (ProposalKind.ADMISSION, ProposalKind.REMOVAL)


def public_title(proposal: Proposal, viewer: Reader) -> str:
    """A proposal's title as this viewer may read it: members read every title; anyone
    else reads only the kind of a decision about one person (an applicant admitted, a
    member removed), whose title and reasons name them."""
    if proposal.kind in ABOUT_A_PERSON and active_membership(viewer) is None:
        return str(proposal.get_kind_display())
    return proposal.title


def closed_results(viewer: Reader) -> list[dict[str, Any]]:
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
                "title": public_title(proposal, viewer),
                "result": result,
                "turnout": 100 * cast / electorate,
                "yes_share": 100 * int(result.get("yes", 0)) / decided,
                "no_share": 100 * int(result.get("no", 0)) / decided,
                "votes_bar": [
                    ("worker", 100 * int(result.get("yes", 0)) / decided),
                    ("fee", 100 * int(result.get("no", 0)) / decided),
                ],
                "turnout_bar": [("solidarity", 100 * cast / electorate)],
                "winners": winner_labels(proposal),
            }
        )
    return rows


def live_delegations(user: User) -> list[Delegation]:
    return list(
        Delegation.objects.select_related("delegate")
        .filter(delegator_id=user.pk, revoked_at__isnull=True)
        .order_by("kind")
    )


def answer_text(proposal: Proposal, ballot: Ballot | SecretBallot | None) -> str:
    """An answer in words (the option labels, never their keys): a ranking, the chosen
    options or the scores; for a member's ballot or a published secret one."""
    if ballot is None or ballot.answer is None:
        return ""
    labels = option_labels(proposal)
    if isinstance(ballot.answer, dict):
        return ", ".join(f"{labels.get(k, k)}: {v}" for k, v in ballot.answer.items())
    separator = " > " if proposal.method == "ranked" else ", "
    return separator.join(labels.get(str(k), str(k)) for k in ballot.answer)


def unread_notices(user: User) -> list[tuple[Notice, str]]:
    """The member's unread notices with their sentences, newest first."""
    from commonwork.governance.actions.notices import notice_text

    notices = Notice.objects.select_related("proposal").filter(
        member_id=user.pk, read_at__isnull=True
    )[:20]
    return [(notice, notice_text(notice.kind, notice.proposal)) for notice in notices]


def took_part(user: User, proposal: Proposal) -> bool:
    """Whether the member has voted in a secret ballot (how is not known here)."""
    return Participation.objects.filter(proposal=proposal, voter_id=user.pk).exists()


def published_secret_ballots(proposal: Proposal) -> list[SecretBallot]:
    """The secret ballots, by receipt digest, once voting has closed."""
    if not proposal.secret or proposal.closed_at is None:
        return []
    return list(proposal.secret_ballots.order_by("receipt_digest"))


def find_secret_ballot(user: User, proposal: Proposal, receipt: str) -> SecretBallot | None:
    """The voter's own ballot in the published list, by their receipt code: a code finds
    nothing for anyone but the voter it was given to."""
    from commonwork.governance.actions.ballots import holds_receipt, receipt_digest

    if not receipt or not proposal.secret or proposal.closed_at is None:
        return None
    participation = Participation.objects.filter(proposal=proposal, voter_id=user.pk).first()
    if not holds_receipt(participation, receipt):
        return None
    return proposal.secret_ballots.filter(receipt_digest=receipt_digest(receipt)).first()
