"""Parameter-change proposals: the members vote, the close applies the result."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonwork.core import clock
from commonwork.core.models import AuditEntry
from commonwork.governance import actions as proposals
from commonwork.governance.actions import GovernanceError, ProposalContent, set_parameter
from commonwork.governance.models import Ballot, ParameterValue, Proposal, ProposalStatus
from commonwork.governance.parameters import read_parameter
from commonwork.governance.tasks import advance_proposals
from commonwork.ledger.models import JournalEntry
from tests.conftest import voting_window
from tests.ledger.conftest import FOUNDED, at


def _propose(author: Any, changes: dict[str, str] | None = None) -> Proposal:
    return proposals.propose(
        kind="parameter_change",
        actor=author,
        title="Lower the fee",
        reason="Our costs fell; the fee should follow.",
        content=ProposalContent(changes=changes or {"fee_rate": "0.06"}),
        **voting_window(),
    )


def _at_opening(proposal: Proposal) -> Any:
    return clock.set_to(proposal.voting_opens_at + dt.timedelta(minutes=1))


def _after_closing(proposal: Proposal) -> Any:
    return clock.set_to(proposal.voting_closes_at + dt.timedelta(minutes=1))


def test_a_passed_fee_cut_applies_at_the_close_and_the_next_task_uses_it(
    alice: Any, bob: Any, carol: Any, dan: Any, sam: Any, complete_task: Any
) -> None:
    proposal = _propose(bob)
    assert proposal.current_values == {"fee_rate": "0.08"}
    with _at_opening(proposal):
        advance_proposals.enqueue()
        for member, choice in ((alice, "yes"), (bob, "yes"), (carol, "no"), (sam, "abstain")):
            proposals.cast_ballot(actor=member, proposal_id=proposal.pk, choice=choice)
        proposals.cast_ballot(actor=carol, proposal_id=proposal.pk, choice="yes")  # changed
    assert read_parameter("fee_rate") == Fraction(8, 100)  # nothing changes before the close
    with _after_closing(proposal):
        advance_proposals.enqueue()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PASSED
    assert proposal.result["yes"] == 3
    assert proposal.result["abstain"] == 1
    row = ParameterValue.objects.filter(name="fee_rate").latest("id")
    assert (row.value, row.proposal_ref) == ("0.06", f"proposal:{proposal.pk}")
    task = complete_task(bob, start=at(FOUNDED, 10))
    entry = JournalEntry.objects.get(task=task)
    fee = -entry.postings.get(account__name="Income:Fees").amount_minor
    assert fee == round(task.price_minor * 6 / 100)
    assert AuditEntry.objects.filter(action="ballot.changed").count() == 1


def test_without_quorum_a_proposal_is_void_and_changes_nothing(
    alice: Any, bob: Any, carol: Any, dan: Any
) -> None:
    proposal = _propose(bob)
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
    with _after_closing(proposal):
        closed = proposals.close_voting(proposal_id=proposal.pk)
        again = proposals.close_voting(proposal_id=proposal.pk)  # idempotent
    assert closed.status == again.status == ProposalStatus.VOID
    assert not ParameterValue.objects.filter(name="fee_rate").exists()


def test_a_tie_fails(alice: Any, bob: Any) -> None:
    proposal = _propose(bob)
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        proposals.cast_ballot(actor=alice, proposal_id=proposal.pk, choice="no")
        proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
    with _after_closing(proposal):
        assert proposals.close_voting(proposal_id=proposal.pk).status == ProposalStatus.FAILED


def test_bad_votes_are_refused_and_record_nothing(
    alice: Any, bob: Any, erin: Any, make_member: Any
) -> None:
    with pytest.raises(GovernanceError) as out_of_bounds:
        _propose(bob, {"fee_rate": "0.9"})
    assert out_of_bounds.value.field == "changes"
    with pytest.raises(GovernanceError):
        _propose(bob, {"no_such_rule": "1"})
    proposal = _propose(bob)
    with pytest.raises(GovernanceError) as early:
        proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
    assert early.value.code == "illegal_transition"
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        late_joiner = make_member("lena", "worker")
        with pytest.raises(GovernanceError) as joined_after:
            proposals.cast_ballot(actor=late_joiner, proposal_id=proposal.pk, choice="yes")
        assert joined_after.value.code == "forbidden"
        with pytest.raises(GovernanceError):
            proposals.cast_ballot(actor=erin, proposal_id=proposal.pk, choice="yes")
        with pytest.raises(GovernanceError):
            proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="maybe")
    with _after_closing(proposal), pytest.raises(GovernanceError):
        proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
    assert not Ballot.objects.exists()


def test_verify_results_finds_a_tampered_result(alice: Any, bob: Any) -> None:
    proposal = _propose(bob)
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        proposals.cast_ballot(actor=alice, proposal_id=proposal.pk, choice="yes")
        proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
    with _after_closing(proposal):
        proposals.close_voting(proposal_id=proposal.pk)
    out = StringIO()
    call_command("verify_results", stdout=out)
    assert "recount the same" in out.getvalue()
    Ballot.objects.filter(voter=alice).update(choice="no")
    with pytest.raises(CommandError):
        call_command("verify_results", stdout=StringIO(), stderr=StringIO())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_members_vote_at_once_and_a_double_vote_counts_once(
    alice: Any, make_member: Any
) -> None:
    import threading

    from django.db import connection

    voters = [make_member(f"voter{n:03d}", "worker") for n in range(199)] + [alice]
    proposal = _propose(alice)
    opening = proposal.voting_opens_at + dt.timedelta(minutes=1)
    with clock.set_to(opening):
        proposals.open_voting(proposal_id=proposal.pk)
    # Forty connections at once, as forty web workers would serve the 200 voters (the
    # cluster allows 100 connections). Alice's two votes, yes and no, go first on two
    # of them, so they arrive at the same moment.
    lanes: list[list[tuple[Any, str]]] = [[] for _ in range(40)]
    lanes[0].append((alice, "yes"))
    lanes[1].append((alice, "no"))
    for index, voter in enumerate(voters[:-1]):
        lanes[(index + 2) % 40].append((voter, "yes"))
    barrier = threading.Barrier(len(lanes))
    failures: list[BaseException] = []

    def vote(lane: list[tuple[Any, str]]) -> None:
        try:
            barrier.wait(timeout=120)
            with clock.set_to(opening):
                for voter, choice in lane:
                    proposals.cast_ballot(actor=voter, proposal_id=proposal.pk, choice=choice)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(lane,)) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Ballot.objects.filter(proposal=proposal).count() == 200
    assert Ballot.objects.filter(proposal=proposal, voter=alice).count() == 1
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(minutes=1)):
        closed = proposals.close_voting(proposal_id=proposal.pk)
    assert closed.result["cast"] == 200
    assert closed.status == ProposalStatus.PASSED


def test_a_delegated_vote_follows_the_delegate_unless_the_member_votes(
    alice: Any, bob: Any, carol: Any, sam: Any
) -> None:
    proposals.delegate_votes(actor=carol, delegate_id=bob.pk, kind="parameter_change")
    proposals.delegate_votes(actor=sam, delegate_id=bob.pk, kind="parameter_change")
    proposal = _propose(alice)
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
        proposals.cast_ballot(actor=sam, proposal_id=proposal.pk, choice="no")  # overrides
        proposals.cast_ballot(actor=alice, proposal_id=proposal.pk, choice="no")
    with _after_closing(proposal):
        closed = proposals.close_voting(proposal_id=proposal.pk)
    assert (closed.result["yes"], closed.result["no"]) == (2, 2)  # bob and carol; sam, alice
    followed = Ballot.objects.get(proposal=proposal, voter=carol)
    assert (followed.choice, followed.via_id) == ("yes", bob.pk)
    assert closed.status == ProposalStatus.FAILED
    assert proposals.verify_results() == []


def test_a_revoked_delegation_no_longer_votes(alice: Any, bob: Any, carol: Any) -> None:
    proposals.delegate_votes(actor=carol, delegate_id=bob.pk, kind="parameter_change")
    proposals.revoke_delegation(actor=carol, kind="parameter_change")
    with pytest.raises(GovernanceError):
        proposals.revoke_delegation(actor=carol, kind="parameter_change")
    with pytest.raises(GovernanceError):
        proposals.delegate_votes(actor=carol, delegate_id=carol.pk, kind="parameter_change")
    proposal = _propose(alice)
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        proposals.cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
    with _after_closing(proposal):
        proposals.close_voting(proposal_id=proposal.pk)
    assert not Ballot.objects.filter(voter=carol).exists()


def test_members_hear_when_voting_opens_a_day_before_it_closes_and_the_result(
    alice: Any, bob: Any, carol: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    from commonwork.governance.models import Notice, NoticeKind

    carol.preferred_language = "zh-hans"
    carol.save(update_fields=["preferred_language"])
    proposal = _propose(bob)
    with django_capture_on_commit_callbacks(execute=True), _at_opening(proposal):
        proposals.advance_due_proposals()
        proposals.cast_ballot(actor=alice, proposal_id=proposal.pk, choice="yes")
    opened = Notice.objects.filter(kind=NoticeKind.VOTING_OPEN)
    assert opened.count() == 3  # the whole electorate
    chinese = next(m for m in mailoutbox if m.to == ["carol@example.org"])
    assert "投票" in chinese.subject
    day_before = proposal.voting_closes_at - dt.timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True), clock.set_to(day_before):
        proposals.advance_due_proposals()
        proposals.advance_due_proposals()  # reminds once
    reminded = Notice.objects.filter(kind=NoticeKind.CLOSING_SOON)
    assert set(reminded.values_list("member_id", flat=True)) == {bob.pk, carol.pk}  # not alice
    with django_capture_on_commit_callbacks(execute=True), _after_closing(proposal):
        proposals.advance_due_proposals()
    assert Notice.objects.filter(kind=NoticeKind.RESULT).count() == 3
    assert len(mailoutbox) == 3 + 2 + 3


def test_members_discuss_and_the_author_amends_before_voting_opens(
    alice: Any, bob: Any, carol: Any
) -> None:
    proposal = _propose(bob)
    proposals.comment_on(actor=carol, proposal_id=proposal.pk, body="6 % is too low for us.")
    with pytest.raises(GovernanceError) as not_author:
        proposals.amend_proposal(
            actor=carol,
            proposal_id=proposal.pk,
            reason="x",
            content=ProposalContent(changes={"fee_rate": "0.07"}),
        )
    assert not_author.value.code == "forbidden"
    amended = proposals.amend_proposal(
        actor=bob,
        proposal_id=proposal.pk,
        reason="Meet halfway.",
        content=ProposalContent(changes={"fee_rate": "0.07"}),
    )
    assert amended.changes == {"fee_rate": "0.07"}
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        with pytest.raises(GovernanceError) as too_late:
            proposals.amend_proposal(
                actor=bob,
                proposal_id=proposal.pk,
                reason="r",
                content=ProposalContent(changes={"fee_rate": "0.05"}),
            )
        assert too_late.value.code == "illegal_transition"
    with pytest.raises(GovernanceError):
        proposals.comment_on(actor=carol, proposal_id=proposal.pk, body="   ")
    assert proposal.comments.count() == 1


def _propose_secret(author: Any) -> Proposal:
    return proposals.propose(
        kind="parameter_change",
        actor=author,
        title="Raise the floor",
        reason="Rents went up.",
        content=ProposalContent(changes={"pay_floor_per_hour": "1700"}),
        **voting_window(),
        secret=True,
    )


def test_a_secret_ballot_keeps_who_voted_apart_from_what_was_voted(
    alice: Any, bob: Any, carol: Any
) -> None:
    from commonwork.governance.models import Participation, SecretBallot

    proposal = _propose_secret(alice)
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
        receipt = proposals.cast_secret_ballot(
            actor=bob, proposal_id=proposal.pk, choice="no"
        ).receipt
        with pytest.raises(GovernanceError) as without_receipt:
            proposals.cast_secret_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
        assert without_receipt.value.field == "receipt"
        proposals.cast_secret_ballot(
            actor=bob, proposal_id=proposal.pk, choice="yes", receipt=receipt.lower()
        )
        proposals.cast_secret_ballot(actor=alice, proposal_id=proposal.pk, choice="yes")
        with pytest.raises(GovernanceError):
            proposals.cast_ballot(actor=carol, proposal_id=proposal.pk, choice="yes")
    # Nothing joins a voter to a choice: the ballot table has no voter and no time.
    ballot_fields = {field.name for field in SecretBallot._meta.get_fields()}
    # (The reason, if any, is the voter's own words, kept with the ballot, never with a name.)
    assert ballot_fields == {"id", "proposal", "receipt_digest", "choice", "answer", "reason"}
    assert Participation.objects.filter(proposal=proposal).count() == 2
    assert not AuditEntry.objects.filter(data__choice__isnull=False, action__contains="secret")
    found = SecretBallot.objects.get(receipt_digest=proposals.receipt_digest(receipt))
    assert found.choice == "yes"
    with _after_closing(proposal):
        closed = proposals.close_voting(proposal_id=proposal.pk)
    assert (closed.result["yes"], closed.result["cast"]) == (2, 2)
    assert proposals.verify_results() == []


def test_a_steward_sets_values_directly_only_before_the_first_general_meeting(
    alice: Any, bob: Any
) -> None:
    set_parameter(actor=alice, name="fee_rate", value="0.07", reason="Founding values")
    proposal = _propose(alice)
    with _at_opening(proposal):
        proposals.open_voting(proposal_id=proposal.pk)
    with _after_closing(proposal):
        proposals.close_voting(proposal_id=proposal.pk)
    with pytest.raises(GovernanceError) as refused:
        set_parameter(actor=alice, name="fee_rate", value="0.01", reason="Quietly")
    assert refused.value.code == "forbidden"
    assert read_parameter("fee_rate") != Fraction(1, 100)
