"""Proposals and ballots in the JSON API."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from commonwork.api.actor import api_actor
from commonwork.api.idempotency import idempotent
from commonwork.governance import proposals, selectors
from commonwork.governance.models import Proposal
from commonwork.members.selectors import require_role

router = Router(tags=["governance"])


class ProposalIn(Schema):
    title: str = Field(min_length=1, max_length=160)
    reason: str = Field(min_length=1, max_length=10_000)
    changes: dict[str, str] = Field(description="Governed parameter name → new value.")
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime
    secret: bool = False


class ProposalOut(Schema):
    id: int
    kind: str
    title: str
    reason: str
    status: str
    changes: dict[str, str]
    current_values: dict[str, str]
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime
    electorate_size: int
    secret: bool
    result: dict[str, Any]

    @staticmethod
    def of(proposal: Proposal) -> "ProposalOut":
        return ProposalOut(
            id=proposal.pk,
            kind=proposal.kind,
            title=proposal.title,
            reason=proposal.body,
            status=proposal.status,
            changes=proposal.changes,
            current_values=proposal.current_values,
            voting_opens_at=proposal.voting_opens_at,
            voting_closes_at=proposal.voting_closes_at,
            electorate_size=proposal.electorate_size,
            secret=proposal.secret,
            result=proposal.result,
        )


class BallotIn(Schema):
    choice: Literal["yes", "no", "abstain"]
    receipt: str = Field(default="", max_length=40, description="Secret ballots: to change.")


class BallotOut(Schema):
    proposal_id: int
    choice: str
    receipt: str = Field(default="", description="Secret ballots: keep it; shown once.")


@router.get("/proposals", response=list[ProposalOut])
def list_proposals(request: HttpRequest) -> list[ProposalOut]:
    actor = api_actor(request)
    require_role(actor)
    return [ProposalOut.of(p) for p in selectors.proposals_for(actor)[:200]]


@router.post("/proposals", response={201: ProposalOut})
@idempotent
def create_proposal(request: HttpRequest, body: ProposalIn) -> Status[Any]:
    """Propose new values for governed parameters; voting opens and closes on schedule."""
    proposal = proposals.propose_parameter_change(
        actor=api_actor(request),
        title=body.title,
        reason=body.reason,
        changes=body.changes,
        voting_opens_at=body.voting_opens_at,
        voting_closes_at=body.voting_closes_at,
        secret=body.secret,
    )
    return Status(201, ProposalOut.of(proposals.open_voting(proposal_id=proposal.pk)))


@router.get("/proposals/{proposal_id}", response=ProposalOut)
def get_proposal(request: HttpRequest, proposal_id: int) -> ProposalOut:
    require_role(api_actor(request))
    return ProposalOut.of(selectors.proposal_by_id(proposal_id))


@router.put("/proposals/{proposal_id}/ballot", response=BallotOut)
@idempotent
def cast_ballot(request: HttpRequest, proposal_id: int, body: BallotIn) -> BallotOut:
    """Vote, or change your vote, until voting closes. In a secret ballot the first vote
    answers with a receipt code; send it back to change the vote."""
    if selectors.proposal_by_id(proposal_id).secret:
        receipt, secret = proposals.cast_secret_ballot(
            actor=api_actor(request),
            proposal_id=proposal_id,
            choice=body.choice,
            receipt=body.receipt,
        )
        shown = "" if body.receipt else receipt
        return BallotOut(proposal_id=proposal_id, choice=secret.choice, receipt=shown)
    ballot = proposals.cast_ballot(
        actor=api_actor(request), proposal_id=proposal_id, choice=body.choice
    )
    return BallotOut(proposal_id=proposal_id, choice=ballot.choice)


@router.get("/results", response=list[ProposalOut], auth=None)
def get_results(request: HttpRequest) -> list[ProposalOut]:
    """Every closed proposal with its counts (public)."""
    return [ProposalOut.of(row["proposal"]) for row in selectors.closed_results()]
