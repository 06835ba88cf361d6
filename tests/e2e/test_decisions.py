"""Members lower the fee in a real browser: Bob proposes it, three members vote, the
close applies it, and the next completed task is split with the new fee."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.core import clock
from commonwork.governance.actions import advance_due_proposals
from commonwork.governance.models import Proposal, ProposalStatus
from commonwork.ledger.models import JournalEntry
from tests.conftest import let_the_notice_pass
from tests.e2e.test_worker_and_client_journey import _log_in, _log_out
from tests.ledger.conftest import FOUNDED, at

pytestmark = pytest.mark.django_db(transaction=True)


def test_members_vote_the_fee_down_and_the_next_task_pays_the_new_fee(
    live_server: Any, page: Any, alice: Any, bob: Any, carol: Any, dan: Any, complete_task: Any
) -> None:
    base = live_server.url
    _log_in(page, base, "bob")
    page.get_by_role("link", name="Decisions").click()
    page.get_by_test_id("new-proposal").click()
    page.get_by_label("Title").fill("Lower the fee to 6 %")
    page.get_by_label("Why").fill("Hosting got cheaper; the fee should follow.")
    page.get_by_label("Rule to change").select_option("fee_rate")
    page.get_by_label("New value").fill("6")  # percent, as the rule picker says
    page.get_by_test_id("submit-proposal").click()
    expect(page.get_by_test_id("current-value")).to_have_text("8")
    expect(page.get_by_test_id("proposed-value")).to_have_text("6")
    let_the_notice_pass(Proposal.objects.get())  # two days of discussion later
    page.reload()
    page.get_by_test_id("vote-yes").click()
    expect(page.get_by_test_id("my-vote")).to_contain_text("yes")
    proposal_url = page.url
    for member, button in (("alice", "vote-yes"), ("carol", "vote-no")):
        _log_out(page)
        _log_in(page, base, member)
        page.goto(proposal_url)
        page.get_by_test_id(button).click()
        expect(page.get_by_test_id("my-vote")).to_be_visible()

    # The close runs on the scheduler when voting ends; here, at that moment.
    proposal = Proposal.objects.get()
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(seconds=1)):
        advance_due_proposals()
    page.goto(proposal_url)
    expect(page.get_by_test_id("result")).to_contain_text("passed")
    assert Proposal.objects.get().status == ProposalStatus.PASSED

    task = complete_task(bob, start=at(FOUNDED, 10))
    fee = (
        -JournalEntry.objects.get(task=task).postings.get(account__name="Income:Fees").amount_minor
    )
    assert fee == round(task.price_minor * 6 / 100)
    page.goto(f"{base}/transparency/")
    expect(page.get_by_test_id("fee-rate")).to_have_text("6.0 %")


def test_a_member_ranks_candidates_on_a_phone_and_the_election_seats_the_winner(
    live_server: Any,
    phone_page: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    sam: Any,
    artifacts: Path,
) -> None:
    base = live_server.url
    page = phone_page
    _log_in(page, base, "alice")
    page.goto(f"{base}/proposals/new/?kind=election")
    page.get_by_label("Title").fill("Steward for the coming year")
    page.get_by_label("Why").fill("Sam's term ends.")
    page.get_by_label("Bob").check()
    page.get_by_label("Carol").check()
    page.get_by_test_id("submit-proposal").click()
    proposal_url = page.url
    let_the_notice_pass(Proposal.objects.get())  # a week of discussion later
    for member, ranking in (("alice", ("2", "1")), ("bob", ("1", "2")), ("sam", ("2", "1"))):
        _log_out(page)
        _log_in(page, base, member)
        page.goto(proposal_url)
        # Candidates in ballot order (Bob, Carol): a native select each, usable by thumb.
        page.get_by_test_id("rank-1").select_option(ranking[0])
        page.get_by_test_id("rank-2").select_option(ranking[1])
        page.get_by_test_id("vote-answer").click()
        expect(page.get_by_test_id("my-vote")).to_be_visible()
    expect(page.get_by_test_id("my-vote")).to_contain_text("Carol > Bob")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    page.screenshot(path=str(artifacts / "ranked-ballot-phone.png"), full_page=True)

    # A ranking that repeats a number is refused and nothing is recorded.
    page.get_by_test_id("rank-1").select_option("1")
    page.get_by_test_id("rank-2").select_option("1")
    page.get_by_test_id("vote-answer").click()
    expect(page.get_by_text("Give each candidate you rank a different number.")).to_be_visible()

    proposal = Proposal.objects.get()
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(seconds=1)):
        advance_due_proposals()
    page.goto(proposal_url)
    expect(page.get_by_test_id("winners")).to_contain_text("Carol")
    carol.membership.refresh_from_db()
    assert carol.membership.steward_until is not None
