"""Proposals and ballots in the JSON API."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from commonwork.core.api_idempotency import idempotent
from commonwork.core.api_types import BodyId, BodyInt, PathId
from commonwork.governance import actions as proposals
from commonwork.governance import selectors
from commonwork.governance.models import Proposal
from commonwork.members.http import api_actor
from commonwork.members.selectors import require_role

router = Router(tags=["governance"])

ProposalKindName = Literal[
    "parameter_change",
    "admission",
    "removal",
    "surplus_allocation",
    "bylaw_amendment",
    "election",
    "free_decision",
]


class ProposalIn(Schema):
    kind: ProposalKindName = "parameter_change"
    title: str = Field(min_length=1, max_length=160)
    reason: str = Field(min_length=1, max_length=10_000)
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime
    secret: bool = False
    draft: bool = Field(default=False, description="Keep it to yourself until published.")
    changes: dict[str, str] = Field(
        default_factory=dict,
        description="Parameter change, surplus allocation: governed parameter → new value.",
    )
    application_id: BodyId | None = Field(default=None, description="Admission: the application.")
    subject_id: BodyId | None = Field(default=None, description="Removal: the member's user id.")
    bylaws_after: str = Field(default="", description="Bylaw amendment: the whole new text.")
    candidate_ids: list[BodyId] = Field(default_factory=list, description="Election: user ids.")
    seats: BodyInt = Field(default=1, ge=1, le=20, description="Election: seats to fill.")
    method: str = Field(
        default="", description="Free decision: single, multiple, score or consent."
    )
    options: list[str] = Field(default_factory=list, description="Free decision: the options.")

    def content(self) -> proposals.ProposalContent:
        return proposals.ProposalContent(
            changes=self.changes,
            application_id=self.application_id,
            subject_id=self.subject_id,
            bylaws_after=self.bylaws_after,
            candidate_ids=self.candidate_ids,
            seats=self.seats,
            method=self.method,
            options=self.options,
        )


class ProposalOut(Schema):
    id: int
    kind: str
    method: str
    title: str
    reason: str
    status: str
    changes: dict[str, str]
    current_values: dict[str, str]
    options: list[dict[str, str]]
    seats: int
    application_id: int | None
    subject_id: int | None
    appeal_of_id: int | None
    bylaws_before: str
    bylaws_after: str
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
            method=proposal.method,
            title=proposal.title,
            reason=proposal.body,
            status=proposal.status,
            changes=proposal.changes,
            current_values=proposal.current_values,
            options=proposal.options,
            seats=proposal.seats,
            application_id=proposal.application_id,
            subject_id=proposal.subject_id,
            appeal_of_id=proposal.appeal_of_id,
            bylaws_before=proposal.bylaws_before,
            bylaws_after=proposal.bylaws_after,
            voting_opens_at=proposal.voting_opens_at,
            voting_closes_at=proposal.voting_closes_at,
            electorate_size=proposal.electorate_size,
            secret=proposal.secret,
            result=proposal.result,
        )


class BallotIn(Schema):
    choice: Literal["yes", "no", "abstain", "consent", "object", "answer"]
    answer: list[str] | dict[str, int] | None = Field(
        default=None,
        description='With choice "answer": a ranking or the chosen option keys (a list), '
        "or option key → score from 0 to 5.",
    )
    receipt: str = Field(default="", max_length=40, description="Secret ballots: to change.")
    reason: str = Field(
        default="",
        max_length=1000,
        description="Why, in your words: shown with your name (a secret ballot's without it) "
        "when the results show.",
    )


class BallotOut(Schema):
    proposal_id: int
    choice: str
    answer: list[str] | dict[str, int] | None = None
    receipt: str = Field(default="", description="Secret ballots: keep it; shown once.")


@router.get("/proposals", response=list[ProposalOut])
def list_proposals(request: HttpRequest) -> list[ProposalOut]:
    actor = api_actor(request)
    require_role(actor)
    return [ProposalOut.of(p) for p in selectors.proposals_for(actor)[:200]]


@router.post("/proposals", response={201: ProposalOut})
@idempotent
def create_proposal(request: HttpRequest, body: ProposalIn) -> Status[Any]:
    """Propose a decision of any kind (the fields each kind reads are described
    below); voting opens and closes on schedule."""
    proposal = proposals.propose(
        actor=api_actor(request),
        kind=body.kind,
        title=body.title,
        reason=body.reason,
        voting_opens_at=body.voting_opens_at,
        voting_closes_at=body.voting_closes_at,
        content=body.content(),
        secret=body.secret,
        draft=body.draft,
    )
    return Status(201, ProposalOut.of(proposals.open_voting(proposal_id=proposal.pk)))


@router.get("/proposals/{proposal_id}", response=ProposalOut)
def get_proposal(request: HttpRequest, proposal_id: PathId) -> ProposalOut:
    actor = api_actor(request)
    require_role(actor)
    return ProposalOut.of(selectors.proposal_for(actor, proposal_id))


@router.post("/proposals/{proposal_id}/publish", response=ProposalOut)
@idempotent
def publish_proposal(request: HttpRequest, proposal_id: PathId) -> ProposalOut:
    """Publish your draft for discussion."""
    proposal = proposals.publish(actor=api_actor(request), proposal_id=proposal_id)
    return ProposalOut.of(proposals.open_voting(proposal_id=proposal.pk))


class AppealIn(Schema):
    reason: str = Field(min_length=1, max_length=10_000)


@router.post("/proposals/{proposal_id}/appeal", response={201: ProposalOut})
@idempotent
def appeal(request: HttpRequest, proposal_id: PathId, body: AppealIn) -> Status[Any]:
    """A removed member appeals their removal: the members vote again."""
    appealed = proposals.appeal_removal(
        actor=api_actor(request),
        proposal_id=proposal_id,
        reason=body.reason,
    )
    return Status(201, ProposalOut.of(appealed))


@router.put("/proposals/{proposal_id}/ballot", response=BallotOut)
@idempotent
def cast_ballot(request: HttpRequest, proposal_id: PathId, body: BallotIn) -> BallotOut:
    """Vote, or change your vote, until voting closes. In a secret ballot the first vote
    answers with a receipt code; send it back to change the vote."""
    if selectors.proposal_for(api_actor(request), proposal_id).secret:
        vote = proposals.cast_secret_ballot(
            actor=api_actor(request),
            proposal_id=proposal_id,
            choice=body.choice,
            answer=body.answer,
            receipt=body.receipt,
            reason=body.reason,
        )
        return BallotOut(
            proposal_id=proposal_id,
            choice=vote.ballot.choice,
            answer=vote.ballot.answer,
            receipt=vote.receipt,
        )
    ballot = proposals.cast_ballot(
        actor=api_actor(request),
        proposal_id=proposal_id,
        choice=body.choice,
        answer=body.answer,
        reason=body.reason,
    )
    return BallotOut(proposal_id=proposal_id, choice=ballot.choice, answer=ballot.answer)


class StatementIn(Schema):
    body: str = Field(min_length=1, max_length=2000)


@router.put("/proposals/{proposal_id}/statement", response={204: None})
@idempotent
def write_candidate_statement(
    request: HttpRequest, proposal_id: PathId, body: StatementIn
) -> Status[None]:
    """As a candidate in this election: your statement to the members (until the close)."""
    proposals.write_candidate_statement(
        actor=api_actor(request), proposal_id=proposal_id, body=body.body
    )
    return Status(204, None)


@router.put("/proposals/{proposal_id}/outcome", response={204: None})
@idempotent
def write_outcome_statement(
    request: HttpRequest, proposal_id: PathId, body: StatementIn
) -> Status[None]:
    """As the proposer, after the close: what the decision means and what happens next."""
    proposals.write_outcome_statement(
        actor=api_actor(request), proposal_id=proposal_id, body=body.body
    )
    return Status(204, None)


class ResultOut(Schema):
    """A closed proposal as anyone may see it: its kind, title, outcome and counts. The
    title of a decision about one person is its kind, outside the membership; reasons,
    options and content are the members' (GET /proposals/{id})."""

    id: int
    kind: str
    method: str
    title: str
    status: str
    closed_at: dt.datetime | None
    electorate_size: int
    result: dict[str, Any]


# What a result shows of its count: numbers and the outcome, never names.
PUBLIC_RESULT_KEYS = ("outcome", "electorate", "cast", "yes", "no", "abstain", "rule", "winners")


@router.get("/results", response=list[ResultOut], auth=None)
def get_results(request: HttpRequest) -> list[ResultOut]:
    """Every closed proposal with its counts (public)."""
    return [
        ResultOut(
            id=row["proposal"].pk,
            kind=row["proposal"].kind,
            method=row["proposal"].method,
            title=row["title"],
            status=row["proposal"].status,
            closed_at=row["proposal"].closed_at,
            electorate_size=row["proposal"].electorate_size,
            result={k: v for k, v in row["result"].items() if k in PUBLIC_RESULT_KEYS},
        )
        for row in selectors.closed_results(request.user)
    ]
