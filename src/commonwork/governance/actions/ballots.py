"""Casting ballots, open or secret, each checked against the proposal's method."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.crypto import salted_hmac

from commonwork.core import audit, clock
from commonwork.governance import tally
from commonwork.governance.actions._shared import _lock
from commonwork.governance.errors import GovernanceError
from commonwork.governance.models import (
    Ballot,
    BallotChoice,
    BallotMethod,
    ElectorateMember,
    Participation,
    Proposal,
    ProposalStatus,
    SecretBallot,
)
from commonwork.members.models import (
    User,
)


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


def _normal(receipt: str) -> str:
    return "".join(ch for ch in receipt.upper() if ch.isalnum())


def receipt_digest(receipt: str) -> str:
    """The stored form of a receipt code; dashes, spaces and case do not matter."""
    return hashlib.sha256(_normal(receipt).encode()).hexdigest()


def receipt_check(proposal_id: int, voter_id: int, receipt: str) -> str:
    """What ties a receipt code to its voter: keyed with the server's secret, so it can
    be neither computed from the database alone nor walked back to the code."""
    value = f"{proposal_id}:{voter_id}:{_normal(receipt)}"
    return salted_hmac("commonwork.receipt", value, algorithm="sha256").hexdigest()


def holds_receipt(participation: Participation | None, receipt: str) -> bool:
    """Whether this voter was given this receipt code."""
    if participation is None or not receipt or not participation.receipt_check:
        return False
    expected = receipt_check(participation.proposal_id, participation.voter_id, receipt)
    return hmac.compare_digest(participation.receipt_check, expected)


@dataclass(frozen=True)
class SecretVote:
    ballot: SecretBallot
    receipt: str  # the new receipt code on a first vote, shown once; "" on a change


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


MAX_REASON = 1000


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise GovernanceError(
            "invalid",
            "A reason is at most {limit} characters.",
            field="reason",
            params={"limit": MAX_REASON},
        )
    return reason


@transaction.atomic
def cast_secret_ballot(
    *,
    actor: User,
    proposal_id: int,
    choice: str,
    answer: object = None,
    receipt: str = "",
    reason: str = "",
) -> SecretVote:
    """Vote in a secret ballot. The first vote returns a receipt code, shown once (a
    receipt sent with a first vote is ignored: it cannot be the voter's); the voter
    changes their vote, or finds it in the published list, with that code, and only they
    can: a code works only for the voter it was given to.

    The database records that the member voted (Participation) and, apart, what was
    voted under the receipt's digest, with a random id, no voter and no time to join
    them by. The audit log records that the member voted, never which ballot is theirs."""
    proposal = _open_for(actor, proposal_id)
    if not proposal.secret:
        raise GovernanceError("invalid", "This is an open ballot.")
    choice, answer = check_ballot(proposal, choice, answer)
    reason = _clean_reason(reason)
    voted = Participation.objects.select_for_update().filter(proposal=proposal, voter=actor).first()
    if voted is not None:
        ballot = (
            SecretBallot.objects.filter(
                proposal=proposal, receipt_digest=receipt_digest(receipt)
            ).first()
            if holds_receipt(voted, receipt)
            else None
        )
        if ballot is None:
            raise GovernanceError(
                "conflict",
                "You have voted. To change your vote, give the receipt code you were shown.",
                field="receipt",
            )
        ballot.choice, ballot.answer, ballot.reason = choice, answer, reason
        ballot.save(update_fields=["choice", "answer", "reason"])
        audit.record(actor=actor, action="ballot.secret_changed", obj=proposal, data={})
        return SecretVote(ballot=ballot, receipt="")
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    Participation.objects.create(
        proposal=proposal, voter=actor, receipt_check=receipt_check(proposal.pk, actor.pk, code)
    )
    ballot = SecretBallot.objects.create(
        proposal=proposal,
        receipt_digest=receipt_digest(code),
        choice=choice,
        answer=answer,
        reason=reason,
    )
    # Audited: that the member took part; never how, nor which ballot is theirs.
    audit.record(actor=actor, action="ballot.secret_cast", obj=proposal, data={})
    return SecretVote(ballot=ballot, receipt=code)


def ballots_of(proposal: Proposal) -> list[tuple[str, Any]]:
    """Every counted ballot as (choice, answer): the secret ballots, or the open ones
    (delegated included), in a fixed order."""
    ballots = proposal.secret_ballots if proposal.secret else proposal.ballots
    return [(b.choice, b.answer) for b in ballots.order_by("pk")]


@transaction.atomic
def cast_ballot(
    *, actor: User, proposal_id: int, choice: str, answer: object = None, reason: str = ""
) -> Ballot:
    """Vote, with a reason if the member gives one; a member may change their vote (and
    reason) until the close."""
    proposal = _open_for(actor, proposal_id)
    if proposal.secret:
        raise GovernanceError("invalid", "This is a secret ballot; vote with a receipt.")
    choice, answer = check_ballot(proposal, choice, answer)
    reason = _clean_reason(reason)
    now = clock.now()
    ballot, created = Ballot.objects.update_or_create(
        proposal=proposal,
        voter=actor,
        defaults={
            "choice": choice,
            "answer": answer,
            "reason": reason,
            "cast_at": now,
            "via": None,
        },
    )
    audit.record(
        actor=actor,
        action="ballot.cast" if created else "ballot.changed",
        obj=ballot,
        data={"proposal": proposal.pk, "choice": choice, "answer": answer},
    )
    return ballot
