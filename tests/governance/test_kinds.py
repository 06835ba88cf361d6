"""Every kind of proposal: what it decides, how it is counted, and what its close does."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from commonwork.core import clock
from commonwork.core.errors import DomainError, NotFound
from commonwork.governance import actions as proposals
from commonwork.governance.actions import GovernanceError, ProposalContent, set_parameter
from commonwork.governance.models import Ballot, Proposal, ProposalStatus
from commonwork.governance.parameters import read_parameter
from commonwork.ledger.models import JournalEntry
from commonwork.members import actions as member_actions
from commonwork.members.models import (
    ApplicationStatus,
    Cooperative,
    MembershipStatus,
    Role,
)
from commonwork.members.selectors import is_steward, require_role
from tests.conftest import voting_window


def _propose(author: Any, kind: str, content: ProposalContent, **extra: Any) -> Proposal:
    return proposals.propose(
        actor=author,
        kind=kind,
        title=f"A {kind}",
        reason="Because the members should decide.",
        content=content,
        **voting_window(kind),
        **extra,
    )


def _vote_and_close(proposal: Proposal, ballots: dict[Any, tuple[str, Any]]) -> Proposal:
    """Open the vote, cast `ballots` (member → (choice, answer)) and close it."""
    with clock.set_to(proposal.voting_opens_at + dt.timedelta(minutes=1)):
        proposals.open_voting(proposal_id=proposal.pk)
        for member, (choice, answer) in ballots.items():
            if proposal.secret:
                proposals.cast_secret_ballot(
                    actor=member, proposal_id=proposal.pk, choice=choice, answer=answer
                )
            else:
                proposals.cast_ballot(
                    actor=member, proposal_id=proposal.pk, choice=choice, answer=answer
                )
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(minutes=1)):
        return proposals.close_voting(proposal_id=proposal.pk)


YES, NO, ABSTAIN = ("yes", None), ("no", None), ("abstain", None)


@pytest.fixture
def electorate(alice: Any, bob: Any, carol: Any, sam: Any) -> list[Any]:
    return [alice, bob, carol, sam]


def test_an_admission_vote_admits_the_applicant_at_the_close_with_their_share(
    electorate: list[Any], erin: Any
) -> None:
    alice, bob, carol, sam = electorate
    application = member_actions.submit_application(
        actor=erin, role=Role.WORKER, motivation="I ride every day.", skills=["bike"]
    )
    proposal = _propose(bob, "admission", ProposalContent(application_id=application.pk))
    with pytest.raises(GovernanceError) as twice:
        _propose(carol, "admission", ProposalContent(application_id=application.pk))
    assert twice.value.code == "conflict"
    closed = _vote_and_close(proposal, {alice: YES, bob: YES, carol: NO, sam: ABSTAIN})
    assert closed.status == ProposalStatus.PASSED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    assert application.decision_note == f"proposal:{proposal.pk}"
    assert erin.membership.status == MembershipStatus.ACTIVE
    assert JournalEntry.objects.filter(key=f"share:{erin.pk}:admission").exists()


def test_a_failed_admission_rejects_and_a_void_one_leaves_the_application_pending(
    electorate: list[Any], erin: Any, make_member: Any
) -> None:
    alice, bob, carol, _sam = electorate
    application = member_actions.submit_application(
        actor=erin, role=Role.CLIENT, motivation="We ship parcels.", skills=[]
    )
    void = _vote_and_close(
        _propose(bob, "admission", ProposalContent(application_id=application.pk)), {alice: NO}
    )
    assert void.status == ProposalStatus.VOID
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING
    failed = _vote_and_close(
        _propose(bob, "admission", ProposalContent(application_id=application.pk)),
        {alice: NO, bob: NO, carol: YES},
    )
    assert failed.status == ProposalStatus.FAILED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_a_removal_needs_two_thirds_and_the_member_is_not_in_its_electorate(
    electorate: list[Any], dan: Any
) -> None:
    alice, bob, carol, sam = electorate
    with pytest.raises(GovernanceError):
        _propose(bob, "removal", ProposalContent(subject_id=bob.pk))  # not oneself
    proposal = _propose(bob, "removal", ProposalContent(subject_id=carol.pk))
    # Carol answers in the discussion.
    proposals.comment_on(actor=carol, proposal_id=proposal.pk, body="I was ill that month.")
    closed = _vote_and_close(proposal, {alice: YES, bob: YES, sam: YES, dan: NO})
    assert closed.electorate_size == 4  # alice, bob, sam, dan; never carol herself
    assert closed.status == ProposalStatus.PASSED  # 3 of 4 is at least two thirds
    carol.membership.refresh_from_db()
    assert carol.membership.status == MembershipStatus.REMOVED
    with pytest.raises(DomainError):
        require_role(carol)


def test_a_removal_short_of_two_thirds_fails_and_the_member_stays(
    electorate: list[Any], dan: Any, make_member: Any
) -> None:
    alice, bob, carol, sam = electorate
    eve = make_member("eve", "worker")
    # 3 yes of 5 yes and no: a majority (60 %), but short of two thirds.
    short = _propose(bob, "removal", ProposalContent(subject_id=eve.pk))
    closed = _vote_and_close(short, {alice: YES, bob: YES, carol: YES, sam: NO, dan: NO})
    assert (closed.result["threshold"], closed.status) == ("2/3", ProposalStatus.FAILED)
    eve.membership.refresh_from_db()
    assert eve.membership.status == MembershipStatus.ACTIVE
    # 2 yes of 3 is exactly two thirds; the abstention counts for the quorum only.
    exact = _propose(bob, "removal", ProposalContent(subject_id=eve.pk))
    closed = _vote_and_close(exact, {alice: YES, bob: YES, carol: NO, sam: ABSTAIN})
    assert closed.status == ProposalStatus.PASSED


def test_an_appeal_that_does_not_confirm_the_removal_reinstates_the_member(
    electorate: list[Any], dan: Any
) -> None:
    alice, bob, carol, sam = electorate
    removal = _vote_and_close(
        _propose(bob, "removal", ProposalContent(subject_id=carol.pk)),
        {alice: YES, bob: YES, sam: YES},
    )
    with clock.set_to(removal.voting_closes_at + dt.timedelta(days=1)):
        with pytest.raises(NotFound):
            proposals.appeal_removal(actor=bob, proposal_id=removal.pk, reason="x")
        appeal = proposals.appeal_removal(
            actor=carol, proposal_id=removal.pk, reason="I have paid back what I owed."
        )
        with pytest.raises(GovernanceError) as twice:
            proposals.appeal_removal(actor=carol, proposal_id=removal.pk, reason="again")
        assert twice.value.code == "conflict"
        proposals.comment_on(actor=carol, proposal_id=appeal.pk, body="Please hear me out.")
    closed = _vote_and_close(appeal, {alice: YES, bob: NO, sam: NO, dan: NO})
    assert closed.status == ProposalStatus.FAILED
    assert closed.result["reinstated"] is True
    carol.membership.refresh_from_db()
    assert carol.membership.status == MembershipStatus.ACTIVE


def test_an_appeal_comes_too_late_after_the_appeal_days(electorate: list[Any]) -> None:
    alice, bob, carol, sam = electorate
    removal = _vote_and_close(
        _propose(bob, "removal", ProposalContent(subject_id=carol.pk)),
        {alice: YES, bob: YES, sam: YES},
    )
    days = int(read_parameter("removal.appeal_days"))
    too_late = removal.voting_closes_at + dt.timedelta(days=days + 1)
    with clock.set_to(too_late), pytest.raises(GovernanceError) as late:
        proposals.appeal_removal(actor=carol, proposal_id=removal.pk, reason="Sorry.")
    assert late.value.code == "illegal_transition"
    assert not Proposal.objects.filter(appeal_of=removal).exists()


def test_a_surplus_allocation_must_share_out_the_whole_surplus(electorate: list[Any]) -> None:
    alice, bob, carol, _sam = electorate
    with pytest.raises(GovernanceError) as not_whole:
        _propose(
            bob, "surplus_allocation", ProposalContent(changes={"surplus.reserves_share": "0.5"})
        )
    assert "add up to 1" in not_whole.value.message
    with pytest.raises(GovernanceError):
        _propose(bob, "surplus_allocation", ProposalContent(changes={"fee_rate": "0.05"}))
    shares = {
        "surplus.reserves_share": "0.2",
        "surplus.patronage_share": "0.7",
        "surplus.community_share": "0.1",
    }
    closed = _vote_and_close(
        _propose(bob, "surplus_allocation", ProposalContent(changes=shares)),
        {alice: YES, bob: YES, carol: NO},
    )
    assert closed.status == ProposalStatus.PASSED
    assert read_parameter("surplus.patronage_share") == Fraction(7, 10)


def test_a_bylaw_amendment_shows_its_diff_and_replaces_the_text_at_the_close(
    electorate: list[Any],
) -> None:
    from commonwork.governance.selectors import bylaws_diff

    alice, bob, carol, sam = electorate
    new_text = "One member, one vote.\nTips go 100 % to the worker."
    proposal = _propose(bob, "bylaw_amendment", ProposalContent(bylaws_after=new_text))
    assert ("+", "Tips go 100 % to the worker.") in bylaws_diff(proposal)
    assert (" ", "One member, one vote.") in bylaws_diff(proposal)
    closed = _vote_and_close(proposal, {alice: YES, bob: YES, carol: YES, sam: NO})
    assert closed.status == ProposalStatus.PASSED  # 3 of 4 ≥ 2/3
    assert Cooperative.objects.get().bylaws == new_text


def test_a_bylaw_amendment_overtaken_by_another_does_not_clobber_it(
    electorate: list[Any],
) -> None:
    alice, bob, carol, _sam = electorate
    first = _propose(bob, "bylaw_amendment", ProposalContent(bylaws_after="Text A"))
    second = _propose(carol, "bylaw_amendment", ProposalContent(bylaws_after="Text B"))
    _vote_and_close(first, {alice: YES, bob: YES, carol: YES})
    closed = _vote_and_close(second, {alice: YES, bob: YES, carol: YES})
    assert closed.status == ProposalStatus.PASSED
    assert closed.result["applied"] is False
    assert Cooperative.objects.get().bylaws == "Text A"


def test_a_steward_election_by_ranked_ballots_seats_the_winner_for_a_term(
    electorate: list[Any], make_member: Any
) -> None:
    alice, bob, carol, sam = electorate
    dora = make_member("dora", "worker")
    candidates = [bob.pk, carol.pk, dora.pk]
    proposal = _propose(alice, "election", ProposalContent(candidate_ids=candidates, seats=1))
    b, c, d = (str(pk) for pk in candidates)
    with clock.set_to(proposal.voting_opens_at + dt.timedelta(minutes=1)):
        proposals.open_voting(proposal_id=proposal.pk)
        with pytest.raises(GovernanceError) as repeated:
            proposals.cast_ballot(
                actor=alice, proposal_id=proposal.pk, choice="answer", answer=[b, b]
            )
    assert "at most once" in repeated.value.message
    with clock.set_to(proposal.voting_opens_at + dt.timedelta(minutes=1)):
        with pytest.raises(GovernanceError) as unknown:
            proposals.cast_ballot(
                actor=alice, proposal_id=proposal.pk, choice="answer", answer=[b, "999999"]
            )
        assert unknown.value.field == "answer"
    assert not Ballot.objects.filter(proposal=proposal).exists()
    # First preferences: bob 2, carol 2, dora 1 → dora out, her ballot goes to carol.
    closed = _vote_and_close(
        proposal,
        {
            alice: ("answer", [b, c]),
            bob: ("answer", [b]),
            carol: ("answer", [c, b]),
            sam: ("answer", [c]),
            dora: ("answer", [d, c]),
        },
    )
    assert closed.status == ProposalStatus.PASSED
    assert closed.result["winners"] == [c]
    carol.membership.refresh_from_db()
    assert carol.membership.role == Role.WORKER  # she keeps her work
    assert carol.membership.steward_until is not None
    assert is_steward(carol)
    term = dt.timedelta(days=int(read_parameter("steward_term_days")))
    with clock.set_to(closed.voting_closes_at + term + dt.timedelta(minutes=2)):
        assert not is_steward(carol)


def test_an_election_for_several_seats_uses_the_single_transferable_vote(
    electorate: list[Any], make_member: Any
) -> None:
    alice, bob, carol, sam = electorate
    dora = make_member("dora", "worker")
    candidates = [str(pk) for pk in (bob.pk, carol.pk, dora.pk)]
    proposal = _propose(
        alice, "election", ProposalContent(candidate_ids=[int(c) for c in candidates], seats=2)
    )
    b, c, d = candidates
    closed = _vote_and_close(
        proposal,
        {
            alice: ("answer", [b, c]),
            bob: ("answer", [b, d]),
            carol: ("answer", [b, c]),
            sam: ("answer", [c, d]),
            dora: ("answer", [d, c]),
        },
    )
    assert closed.result["quota"] == "2"  # Droop: 5 // 3 + 1
    assert closed.result["winners"][0] == b
    assert set(closed.result["winners"]) == {b, c}


@pytest.mark.parametrize(
    ("method", "ballots", "winner"),
    [
        ("single", [["1"], ["2"], ["2"]], "2"),
        ("multiple", [["1", "2"], ["1"], ["3"]], "1"),
        ("score", [{"1": 5, "2": 3}, {"1": 0, "2": 4}, {"3": 5}], "2"),
    ],
)
def test_a_free_decision_is_counted_by_its_method(
    electorate: list[Any], method: str, ballots: list[Any], winner: str
) -> None:
    alice, bob, carol, _sam = electorate
    content = ProposalContent(method=method, options=["Tuesday", "Thursday", "Saturday"])
    proposal = _propose(bob, "free_decision", content)
    closed = _vote_and_close(
        proposal,
        {member: ("answer", b) for member, b in zip((alice, bob, carol), ballots, strict=True)},
    )
    assert closed.status == ProposalStatus.PASSED
    assert closed.result["winners"] == [winner]
    assert proposals.verify_results() == []


def test_a_consent_decision_passes_unless_objections_reach_the_threshold(
    electorate: list[Any], make_member: Any
) -> None:
    alice, bob, carol, _sam = electorate
    set_parameter(actor=alice, name="consent.objection_threshold", value="0.5", reason="test")
    content = ProposalContent(method="consent")
    passed = _vote_and_close(
        _propose(bob, "free_decision", content),
        {alice: ("consent", None), bob: ("consent", None), carol: ("object", None)},
    )
    assert passed.status == ProposalStatus.PASSED
    blocked = _vote_and_close(
        _propose(bob, "free_decision", content),
        {alice: ("consent", None), bob: ("object", None), carol: ("object", None)},
    )
    assert blocked.status == ProposalStatus.FAILED
    assert blocked.result["objections"] == 2


@pytest.mark.parametrize(
    ("method", "choice", "answer"),
    [
        ("single", "answer", ["1", "2"]),
        ("single", "answer", ["9"]),
        ("multiple", "answer", []),
        ("score", "answer", {"1": 6}),
        ("score", "answer", {"1": True}),
        ("score", "answer", ["1"]),
        ("consent", "yes", None),
        ("single", "yes", None),
    ],
)
def test_a_ballot_that_does_not_fit_the_method_is_refused_and_nothing_recorded(
    electorate: list[Any], method: str, choice: str, answer: Any
) -> None:
    alice, bob, _carol, _sam = electorate
    options = [] if method == "consent" else ["A", "B"]
    proposal = _propose(bob, "free_decision", ProposalContent(method=method, options=options))
    with clock.set_to(proposal.voting_opens_at + dt.timedelta(minutes=1)):
        proposals.open_voting(proposal_id=proposal.pk)
        with pytest.raises(GovernanceError) as refused:
            proposals.cast_ballot(
                actor=alice, proposal_id=proposal.pk, choice=choice, answer=answer
            )
    assert refused.value.code == "invalid"
    assert not Ballot.objects.filter(proposal=proposal).exists()


def test_a_secret_ranked_ballot_is_counted_and_recounted(electorate: list[Any]) -> None:
    alice, bob, carol, _sam = electorate
    content = ProposalContent(candidate_ids=[bob.pk, carol.pk], seats=1)
    proposal = _propose(alice, "election", content, secret=True)
    b, c = str(bob.pk), str(carol.pk)
    closed = _vote_and_close(
        proposal, {alice: ("answer", [c, b]), bob: ("answer", [b]), carol: ("answer", [c])}
    )
    assert closed.result["winners"] == [c]
    assert proposals.verify_results() == []


def test_a_draft_is_seen_by_its_author_only_until_published(electorate: list[Any]) -> None:
    from commonwork.governance.selectors import proposals_for

    _alice, bob, carol, _sam = electorate
    draft = _propose(bob, "free_decision", ProposalContent(method="consent"), draft=True)
    assert draft.status == ProposalStatus.DRAFT
    assert draft in proposals_for(bob)
    assert draft not in proposals_for(carol)
    with clock.set_to(draft.voting_opens_at + dt.timedelta(hours=1)):
        proposals.advance_due_proposals()  # a draft never opens by itself
        draft.refresh_from_db()
        assert draft.status == ProposalStatus.DRAFT
        with pytest.raises(NotFound):
            proposals.publish(actor=carol, proposal_id=draft.pk)
        published = proposals.publish(actor=bob, proposal_id=draft.pk)
        # Published after its planned opening: members still get the whole notice.
        assert (
            published.voting_opens_at == clock.now() + proposals.minimum_window("free_decision")[0]
        )
        proposals.advance_due_proposals()
        draft.refresh_from_db()
        assert draft.status == ProposalStatus.DISCUSSION
    with clock.set_to(published.voting_opens_at + dt.timedelta(minutes=1)):
        proposals.advance_due_proposals()
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.VOTING
    assert draft in proposals_for(carol)


def test_a_delegation_covers_only_its_own_kind(electorate: list[Any]) -> None:
    alice, bob, carol, _sam = electorate
    proposals.delegate_votes(actor=carol, delegate_id=bob.pk, kind="removal")
    bylaws = _propose(alice, "bylaw_amendment", ProposalContent(bylaws_after="New text"))
    closed = _vote_and_close(bylaws, {bob: YES, alice: YES})
    assert not Ballot.objects.filter(proposal=closed, voter=carol).exists()


def test_an_elected_steward_who_loses_the_next_election_stands_down(
    electorate: list[Any],
) -> None:
    alice, bob, carol, sam = electorate
    first = _propose(alice, "election", ProposalContent(candidate_ids=[bob.pk], seats=1))
    _vote_and_close(first, {alice: ("answer", [str(bob.pk)]), carol: ("answer", [str(bob.pk)])})
    assert is_steward(bob)
    second = _propose(alice, "election", ProposalContent(candidate_ids=[bob.pk, carol.pk]))
    b, c = str(bob.pk), str(carol.pk)
    closed = _vote_and_close(
        second, {alice: ("answer", [c]), carol: ("answer", [c]), sam: ("answer", [c, b])}
    )
    with clock.set_to(closed.voting_closes_at + dt.timedelta(hours=1)):
        assert not is_steward(bob)
        assert is_steward(carol)
