"""Decisions as Loomio and Decidim members expect: a reason with each vote, a statement
from each candidate, an outcome the proposer writes, results hidden until the close unless
the members chose live results, and a timeline of the proposal's life."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from commonwork.core import clock
from commonwork.governance import actions as proposals
from commonwork.governance.actions import GovernanceError, ProposalContent, set_parameter
from commonwork.governance.models import Proposal
from commonwork.governance.tasks import advance_proposals
from tests.conftest import log_in, proposed_earlier

pytestmark = pytest.mark.django_db


def _fee_cut(author: Any, *, secret: bool = False) -> Proposal:
    with proposed_earlier() as window:
        proposal = proposals.propose(
            kind="parameter_change",
            actor=author,
            title="Lower the fee",
            reason="Our costs fell.",
            content=ProposalContent(changes={"fee_rate": "0.06"}),
            secret=secret,
            **window,
        )
    proposals.open_voting(proposal_id=proposal.pk)
    return proposal


def _page(username: str, proposal: Proposal) -> str:
    client = Client()
    assert log_in(client, username)
    return client.get(f"/proposals/{proposal.pk}/").content.decode()


def _close(proposal: Proposal) -> Proposal:
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(minutes=1)):
        advance_proposals.enqueue()
    return Proposal.objects.get(pk=proposal.pk)


def test_reasons_show_with_names_only_when_the_results_do(alice: Any, bob: Any, carol: Any) -> None:
    proposal = _fee_cut(bob)
    proposals.cast_ballot(
        actor=carol, proposal_id=proposal.pk, choice="no", reason="The fund needs it."
    )
    page = _page("alice", proposal)
    assert "The fund needs it." not in page  # hidden while voting is open
    assert 'data-testid="results-hidden"' in page
    proposal = _close(proposal)
    page = _page("alice", proposal)
    assert "The fund needs it." in page
    assert "Carol" in page.split('data-testid="reasons"')[1]


def test_live_results_are_a_governed_choice_per_kind(alice: Any, bob: Any, carol: Any) -> None:
    set_parameter(actor=alice, name="live_results.parameter_change", value="1", reason="Open.")
    proposal = _fee_cut(bob)
    proposals.cast_ballot(actor=carol, proposal_id=proposal.pk, choice="yes", reason="Fine.")
    page = _page("alice", proposal)
    assert 'data-testid="live-tally"' in page
    assert "Fine." in page


def test_a_secret_ballots_reason_shows_without_a_name(alice: Any, bob: Any, carol: Any) -> None:
    proposal = _fee_cut(bob, secret=True)
    proposals.cast_secret_ballot(
        actor=carol, proposal_id=proposal.pk, choice="no", reason="Too soon."
    )
    proposal = _close(proposal)
    reasons = _page("alice", proposal).split('data-testid="reasons"')[1].split("</section>")[0]
    assert "Too soon." in reasons
    assert "Carol" not in reasons


def test_a_reason_has_a_limit_and_says_it(bob: Any, carol: Any) -> None:
    proposal = _fee_cut(bob)
    with pytest.raises(GovernanceError) as refused:
        proposals.cast_ballot(actor=carol, proposal_id=proposal.pk, choice="no", reason="x" * 1001)
    assert refused.value.field == "reason"
    assert refused.value.params["limit"] == 1000


def test_candidates_write_statements_and_only_they_can(alice: Any, bob: Any, carol: Any) -> None:
    with proposed_earlier("election") as window:
        election = proposals.propose(
            kind="election",
            actor=alice,
            title="Steward",
            reason="A seat is free.",
            content=ProposalContent(candidate_ids=[bob.pk, carol.pk]),
            **window,
        )
    proposals.write_candidate_statement(
        actor=bob, proposal_id=election.pk, body="I will keep the books open."
    )
    proposals.write_candidate_statement(
        actor=bob, proposal_id=election.pk, body="I will keep the books open to all."
    )
    with pytest.raises(GovernanceError) as not_a_candidate:
        proposals.write_candidate_statement(actor=alice, proposal_id=election.pk, body="Me!")
    assert not_a_candidate.value.code == "forbidden"
    page = _page("carol", election)
    assert "I will keep the books open to all." in page
    assert "No statement yet." in page  # Carol's own


def test_the_proposer_writes_the_outcome_after_the_close(alice: Any, bob: Any, carol: Any) -> None:
    proposal = _fee_cut(bob)
    with pytest.raises(GovernanceError) as too_early:
        proposals.write_outcome_statement(actor=bob, proposal_id=proposal.pk, body="Done.")
    assert too_early.value.code == "illegal_transition"
    for voter in (alice, bob, carol):
        proposals.cast_ballot(actor=voter, proposal_id=proposal.pk, choice="yes")
    proposal = _close(proposal)
    with pytest.raises(GovernanceError):
        proposals.write_outcome_statement(actor=carol, proposal_id=proposal.pk, body="Mine.")
    proposals.write_outcome_statement(
        actor=bob, proposal_id=proposal.pk, body="The fee is 6 % from today."
    )
    page = _page("carol", proposal)
    assert "The fee is 6 % from today." in page


def test_the_timeline_follows_the_proposal_from_draft_to_effect(
    alice: Any, bob: Any, carol: Any
) -> None:
    proposal = _fee_cut(bob)
    steps = [step["label"] for step in _timeline(proposal)]
    assert steps[:2] == ["Published for discussion", "Voting opened"]
    assert steps[-1] == "Voting closes"  # still to come
    for voter in (alice, bob, carol):
        proposals.cast_ballot(actor=voter, proposal_id=proposal.pk, choice="yes")
    proposal = _close(proposal)
    steps = [step["label"] for step in _timeline(proposal)]
    assert steps[-2:] == ["Voting closed and counted", "Effect applied"]
    assert 'data-testid="timeline"' in _page("alice", proposal)


def _timeline(proposal: Proposal) -> list[dict[str, Any]]:
    from commonwork.governance.selectors import timeline

    return timeline(Proposal.objects.get(pk=proposal.pk))


def test_a_refused_vote_comes_back_on_the_page_with_the_reason_kept(
    alice: Any, bob: Any, carol: Any
) -> None:
    proposal = _fee_cut(bob)
    client = Client()
    assert log_in(client, "carol")
    answer = client.post(f"/proposals/{proposal.pk}/vote/", {"choice": "no", "reason": "x" * 1001})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert 'data-testid="refusal"' in page
    assert "at most 1000 characters" in page
    assert "x" * 1001 in page  # what was typed is still there
    assert not proposal.ballots.exists()


def test_a_passed_rule_change_shows_its_new_value_on_the_results(
    alice: Any, bob: Any, carol: Any
) -> None:
    proposal = _fee_cut(bob)
    for voter in (alice, bob, carol):
        proposals.cast_ballot(actor=voter, proposal_id=proposal.pk, choice="yes")
    _close(proposal)
    page = Client().get("/results/").content.decode()
    change = page.split('data-testid="result-change">')[1].split("</p>")[0]
    assert "8 → <strong>6</strong>" in change
    assert "% of the price" in change
