"""The policy lab's report in a real browser, at desktop and phone size: it opens under
the Content-Security-Policy (no refusal), states the floor paid in words, and its
screenshots are kept in test-artifacts/ for people to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.policylab import actions as lab
from commonwork.policylab.library import RULE_SETS
from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_report_reads_on_a_desktop_and_a_phone(
    live_server: Any, page: Any, phone_page: Any, alice: Any, artifacts: Path
) -> None:
    run = lab.start_run(
        actor=alice,
        rule_sets=[
            RULE_SETS["extractive"],
            lab.cooperative_rules(lab.current_values(), "cooperative"),
        ],
    )
    lab.complete_run(run.pk)
    for name, browser_page in (("desktop", page), ("phone", phone_page)):
        _log_in(browser_page, live_server.url, "alice")
        browser_page.goto(f"{live_server.url}/lab/{run.pk}/report.html")
        expect(browser_page.get_by_text("of the pay floor promised was paid")).to_be_visible()
        browser_page.screenshot(path=str(artifacts / f"lab-report-{name}.png"), full_page=True)
        assert (artifacts / f"lab-report-{name}.png").stat().st_size > 10_000
