"""What a closed proposal does to the platform, run inside the transaction that closes
the vote, so a decision and its effect are never apart.

Each function returns what the result should add: {"applied": False, "why": ...} when a
passed decision could not take effect because the world changed since it was proposed
(a steward decided the application meanwhile; the bylaws were amended by another vote).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from commonwork.core import audit
from commonwork.governance.models import (
    ParameterSource,
    ParameterValue,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import format_value, spec_of
from commonwork.members import actions as members
from commonwork.members.models import (
    Application,
    ApplicationStatus,
    Membership,
    MembershipStatus,
)


def apply_outcome(proposal: Proposal, result: dict[str, Any]) -> dict[str, Any]:
    """Apply the effect of `proposal`, just closed with its status set and counted as
    `result`."""
    passed = proposal.status == ProposalStatus.PASSED
    kind = proposal.kind
    if kind in (ProposalKind.PARAMETER_CHANGE, ProposalKind.SURPLUS_ALLOCATION) and passed:
        return _set_parameters(proposal)
    if kind == ProposalKind.ADMISSION:
        return _decide_application(proposal, passed)
    if kind == ProposalKind.REMOVAL:
        return _decide_removal(proposal, passed)
    if kind == ProposalKind.BYLAW_AMENDMENT and passed:
        return _amend_bylaws(proposal)
    if kind == ProposalKind.ELECTION and passed:
        return _seat_stewards(proposal, [int(key) for key in result["winners"]])
    return {}


def _ref(proposal: Proposal) -> str:
    return f"proposal:{proposal.pk}"


def _set_parameters(proposal: Proposal) -> dict[str, Any]:
    assert proposal.closed_at is not None  # noqa: S101 - called at the close
    for name, value in sorted(proposal.changes.items()):
        # Checked again: the registry's bounds may have changed since it was proposed.
        parsed = spec_of(name).parse(value)
        row = ParameterValue.objects.create(
            name=name,
            value=format_value(parsed),
            set_at=proposal.closed_at,
            source=ParameterSource.PROPOSAL,
            reason=proposal.title,
            proposal_ref=_ref(proposal),
        )
        audit.record(
            actor=None,
            action="parameter.changed",
            obj=row,
            data={"name": name, "to": row.value, "proposal": proposal.pk},
        )
    return {"applied": True}


def _decide_application(proposal: Proposal, passed: bool) -> dict[str, Any]:
    """Admitted when passed, rejected when failed; a void vote leaves it pending, for a
    steward or another vote to decide."""
    assert proposal.application_id is not None  # noqa: S101 - admissions name one
    application = Application.objects.select_for_update().get(pk=proposal.application_id)
    if application.status != ApplicationStatus.PENDING:
        return {"applied": False, "why": "the application was decided before the close"}
    if passed:
        members.admit(application, decided_by=None, note=_ref(proposal))
    elif proposal.status == ProposalStatus.FAILED:
        members.reject(application, decided_by=None, note=_ref(proposal))
    return {"applied": proposal.status != ProposalStatus.VOID}


def _decide_removal(proposal: Proposal, passed: bool) -> dict[str, Any]:
    """A passed removal ends the membership. An appeal asks whether to confirm it: when
    the appeal does not pass (failed or void) the member is reinstated."""
    assert proposal.subject_id is not None  # noqa: S101 - removals name the member
    membership = Membership.objects.select_for_update().get(user_id=proposal.subject_id)
    if proposal.appeal_of_id is None:
        if not passed:
            return {}
        if membership.status != MembershipStatus.ACTIVE:
            return {"applied": False, "why": "the member had already left"}
        members.set_removed(membership, removed=True, reason=_ref(proposal))
        return {"applied": True}
    if passed or membership.status != MembershipStatus.REMOVED:
        return {"applied": passed}
    members.set_removed(membership, removed=False, reason=_ref(proposal))
    return {"applied": True, "reinstated": True}


def _amend_bylaws(proposal: Proposal) -> dict[str, Any]:
    if not members.amend_bylaws(
        before=proposal.bylaws_before, after=proposal.bylaws_after, ref=_ref(proposal)
    ):
        return {"applied": False, "why": "the bylaws were amended after this was proposed"}
    return {"applied": True}


def _seat_stewards(proposal: Proposal, winners: list[int]) -> dict[str, Any]:
    """The winners hold the steward's powers for a term; candidates who held an elected
    seat and were not re-elected stand down. Stewards by role who did not stand keep it."""
    assert proposal.closed_at is not None  # noqa: S101 - called at the close
    term = timedelta(days=int(read_parameter("steward_term_days")))
    seated = members.set_steward_terms(
        candidates=[int(option["key"]) for option in proposal.options],
        winners=winners,
        at=proposal.closed_at,
        until=proposal.closed_at + term,
    )
    audit.record(
        actor=None,
        action="stewards.elected",
        obj=proposal,
        data={"seated": sorted(seated), "until": (proposal.closed_at + term).isoformat()},
    )
    return {"applied": True}
