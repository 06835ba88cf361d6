"""The policy lab's report in a real browser, at desktop and phone size and in both
languages: it opens under the Content-Security-Policy (no refusal), says what it found in
words under a title naming the city, the period and the rule sets, every label of every
chart lies inside its chart, and its screenshots are kept in test-artifacts/ for people
to look at."""

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
        for language, prefix in (("en", ""), ("zh", "/zh-hans")):
            browser_page.goto(f"{live_server.url}{prefix}/lab/{run.pk}/report.html")
            summary = browser_page.get_by_test_id("summary")
            expect(summary).to_be_visible()
            assert _labels_outside_their_chart(browser_page) == []
            if language == "en":
                expect(browser_page.locator("h1")).to_have_text(
                    "Policy lab: a small town 8 km across, 1 day — extractive against cooperative"
                )
                expect(summary).to_contain_text("of the pay floor promised was paid")
                path = artifacts / f"lab-report-{name}.png"
            else:
                expect(browser_page.locator("h1")).to_contain_text("剥削型")
                path = artifacts / f"lab-report-{name}-zh.png"
            browser_page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000


# Every text of every chart, measured by the browser's own layout, against its chart's box.
OUTSIDE = """() => {
  const outside = [];
  for (const svg of document.querySelectorAll("svg[role=img]")) {
    const box = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll("text")) {
      const b = text.getBBox();
      if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5
          || b.y + b.height > box.y + box.height + 0.5) {
        outside.push(text.textContent);
      }
    }
  }
  return outside;
}"""


def _labels_outside_their_chart(browser_page: Any) -> list[str]:
    return list(browser_page.evaluate(OUTSIDE))
