"""Money in a real browser: a worker reads the statement that pays their waiting time,
in English and Chinese; a client tips; a steward closes a period and prepares a payout;
anyone reads where the money goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.core import clock
from commonwork.ledger.actions.payouts import set_payout_account
from commonwork.ledger.models import EntryKind, JournalEntry, PayoutBatch
from commonwork.work import actions as work_actions
from tests.e2e.test_worker_and_client_journey import _log_in, _log_out
from tests.ledger.conftest import FOUNDED, at
from tests.ledger.test_periods import IBAN_BOB, WEEK_LATER

pytestmark = pytest.mark.django_db(transaction=True)


def _last_week(bob: Any, complete_task: Any) -> Any:
    with clock.set_to(at(FOUNDED, 9)):
        work_actions.set_availability(actor=bob, available=True)
    task = complete_task(bob, start=at(FOUNDED, 10))
    with clock.set_to(at(FOUNDED, 13)):
        work_actions.set_availability(actor=bob, available=False)
    return task


def test_a_worker_reads_the_statement_that_pays_their_waiting_time(
    live_server: Any,
    page: Any,
    alice: Any,
    bob: Any,
    dan: Any,
    complete_task: Any,
    artifacts: Path,
) -> None:
    from commonwork.ledger.actions.periods import close_period

    _last_week(bob, complete_task)
    with clock.set_to(at(WEEK_LATER, 1)):
        close_period(actor=alice)
    base = live_server.url

    _log_in(page, base, "bob")
    page.get_by_role("link", name="My money").click()
    expect(page.get_by_test_id("statement-row")).to_have_count(1)
    expect(page.get_by_test_id("pay-bar")).to_have_count(1)
    page.get_by_test_id("statement-row").get_by_role("link", name="Open").click()
    expect(page.get_by_test_id("engaged")).to_have_text("4:00")
    expect(page.get_by_test_id("top-up")).not_to_have_text("0.00 EUR")
    expect(page.get_by_test_id("shares")).to_contain_text("% to you")
    page.screenshot(path=str(artifacts / "statement.png"), full_page=True)
    page.get_by_test_id("language-switch-zh-hans").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("body")).to_contain_text("保底补足")


def test_a_client_tips_and_a_steward_pays_out(
    live_server: Any, page: Any, alice: Any, bob: Any, dan: Any, complete_task: Any
) -> None:
    task = _last_week(bob, complete_task)
    set_payout_account(actor=bob, holder="Bob", iban=IBAN_BOB)
    base = live_server.url

    _log_in(page, base, "dan")
    page.goto(f"{base}/tasks/{task.pk}/")
    page.get_by_label("Tip").fill("3.00")
    # The same form sent twice (a double click, a retried request) carries one key, so it
    # tips once. Sent one after the other: SQLite's in-memory test database, shared with
    # the live server's threads, fails concurrent writers instead of queueing them.
    statuses = page.evaluate(
        """async () => {
            const form = document.querySelector('form[action$="/tip/"]');
            const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
            const first = await send();
            const second = await send();
            return [first.status, second.status];
        }"""
    )
    assert statuses == [200, 200]  # both followed the redirect back to the task
    assert JournalEntry.objects.filter(kind=EntryKind.TIP).count() == 1
    page.reload()  # a fresh form carries a fresh key
    page.get_by_label("Tip").fill("1.00")
    page.get_by_test_id("task-tip").click()
    expect(page.locator(".messages")).to_contain_text("whole tip goes to the worker")
    assert JournalEntry.objects.filter(kind=EntryKind.TIP).count() == 2  # a new form, a new tip
    _log_out(page)

    # The live server runs in this process's time, so the first week has long ended.
    _log_in(page, base, "alice")
    page.get_by_role("link", name="Books").click()
    page.get_by_test_id("close-period").click()
    expect(page.locator(".messages")).to_contain_text("The period is closed")
    page.get_by_role("button", name="Prepare payout").first.click()
    expect(page.locator(".messages")).to_contain_text("payout batch is ready")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.locator(".messages")).to_contain_text("marked paid")
    assert PayoutBatch.objects.get().status == "paid"


def test_anyone_sees_where_the_money_goes(live_server: Any, page: Any, alice: Any) -> None:
    page.goto(f"{live_server.url}/transparency/")
    expect(page.get_by_test_id("fee-rate")).to_have_text("8.0 %")
    expect(page.get_by_test_id("split-by-rule").locator("rect")).to_have_count(3)
