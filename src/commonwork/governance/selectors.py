"""Reads of proposals and ballots, shaped for the pages."""

from __future__ import annotations

import difflib
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from commonwork.core.errors import NotFound
from commonwork.core.marks import N_
from commonwork.governance import labels, tally
from commonwork.governance.models import (
    Ballot,
    CandidateStatement,
    Delegation,
    ElectorateMember,
    Notice,
    Participation,
    Proposal,
    ProposalKind,
    ProposalStatus,
    SecretBallot,
)
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import PARAMETERS
from commonwork.members.models import User
from commonwork.members.selectors import active_membership, cooperative_currency
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


def _shown(name: str, stored: str) -> str:
    """A stored value in the unit people read (the currency, percent)."""
    if name not in PARAMETERS or stored == "":
        return stored
    try:
        return labels.to_display(PARAMETERS[name].unit, stored)
    except (ValueError, ZeroDivisionError):
        return stored


def changes_table(proposal: Proposal) -> list[dict[str, str]]:
    """Each rule the proposal changes: its meaning, its value then, and the proposed one."""
    return [
        {
            "name": name,
            "label": labels.label(name, gettext),
            "description": labels.description(name, PARAMETERS[name].description, gettext)
            if name in PARAMETERS
            else "",
            "unit": labels.display_unit(PARAMETERS[name].unit, gettext, cooperative_currency())
            if name in PARAMETERS
            else "",
            "current": _shown(name, proposal.current_values.get(name, "")),
            "proposed": _shown(name, value),
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
                # What a passed rule change set: the value before and the one in force.
                "changes": changes_table(proposal)
                if proposal.status == ProposalStatus.PASSED
                else [],
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


# --- as Loomio and Decidim members expect: reasons, statements, outcome, timeline --------


def results_visible(proposal: Proposal) -> bool:
    """Votes and their reasons show once voting has closed, or while it is open where
    the members chose live results for this kind of decision (live_results.<kind>)."""
    if proposal.closed_at is not None:
        return True
    if proposal.status != ProposalStatus.VOTING:
        return False
    name = f"live_results.{proposal.kind}"
    return name in PARAMETERS and int(read_parameter(name)) == 1


def votes_with_reasons(proposal: Proposal) -> list[dict[str, str]]:
    """What each member voted and why, for the page, when results are visible: with the
    voter's name on an open ballot; on a secret ballot only the reasons, in the order of
    the ballots' random ids, with no name."""
    if not results_visible(proposal):
        return []
    if proposal.secret:
        return [
            {
                "voter": "",
                "vote": answer_text(proposal, ballot) or ballot.get_choice_display(),
                "reason": ballot.reason,
            }
            for ballot in SecretBallot.objects.filter(proposal=proposal)
            .exclude(reason="")
            .order_by("id")
        ]
    return [
        {
            "voter": str(ballot.voter.public_name),
            "vote": answer_text(proposal, ballot) or str(ballot.get_choice_display()),
            "reason": ballot.reason,
        }
        for ballot in Ballot.objects.filter(proposal=proposal)
        .select_related("voter")
        .order_by("cast_at", "id")
    ]


def live_tally(proposal: Proposal) -> dict[str, Any] | None:
    """The count so far while voting is open, where the members chose live results."""
    if proposal.closed_at is not None or not results_visible(proposal):
        return None
    from commonwork.governance.actions.ballots import ballots_of
    from commonwork.governance.actions.lifecycle import rules_for

    return tally.decide(ballots_of(proposal), rules_for(proposal))


def candidate_statements(proposal: Proposal) -> dict[str, str]:
    """Each candidate's statement, by their option key."""
    if proposal.kind != ProposalKind.ELECTION:
        return {}
    return {
        str(candidate_id): body
        for candidate_id, body in CandidateStatement.objects.filter(proposal=proposal).values_list(
            "candidate_id", "body"
        )
    }


def is_candidate(user: User, proposal: Proposal) -> bool:
    return proposal.kind == ProposalKind.ELECTION and any(
        option["key"] == str(user.pk) for option in proposal.options
    )


TIMELINE_STEPS = {
    "proposal.created": N_("Drafted"),
    "proposal.published": N_("Published for discussion"),
    "proposal.amended": N_("Amended"),
    "proposal.voting_opened": N_("Voting opened"),
    "proposal.closed": N_("Voting closed and counted"),
    "proposal.outcome": N_("Outcome written"),
}


def timeline(proposal: Proposal) -> list[dict[str, Any]]:
    """A proposal's life from the audit log, then what is still to come: draft,
    discussion, voting, result, effect applied."""
    from commonwork.core.audit import history_of

    steps: list[dict[str, Any]] = []
    for entry in history_of(proposal).order_by("id"):
        if entry.action == "proposal.created" and not entry.data.get("draft"):
            label = N_("Published for discussion")  # made straight into discussion
            steps.append({"label": gettext(label), "at": entry.at, "done": True})
        elif entry.action in TIMELINE_STEPS:
            steps.append(
                {"label": gettext(TIMELINE_STEPS[entry.action]), "at": entry.at, "done": True}
            )
    if proposal.closed_at is not None:
        applied = proposal.result.get("applied") is not False
        if proposal.status == ProposalStatus.PASSED and applied:
            steps.append(
                {"label": gettext("Effect applied"), "at": proposal.closed_at, "done": True}
            )
        elif proposal.status == ProposalStatus.PASSED:
            steps.append(
                {
                    "label": gettext("The effect could not be applied"),
                    "at": proposal.closed_at,
                    "done": True,
                }
            )
        steps.sort(key=lambda step: step["at"])
        return steps
    if proposal.status in (ProposalStatus.DISCUSSION, ProposalStatus.DRAFT):
        steps.append(
            {"label": gettext("Voting opens"), "at": proposal.voting_opens_at, "done": False}
        )
    if proposal.status != ProposalStatus.DRAFT:
        steps.append(
            {"label": gettext("Voting closes"), "at": proposal.voting_closes_at, "done": False}
        )
    return steps
