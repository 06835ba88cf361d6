"""The data commons, the observatory and the Fairwork self-assessment in a real browser,
in both languages: a member starts and stops sharing; a steward publishes a release and
reads its chart and files; the public reads the weekly series and the thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.commons import actions as commons
from commonwork.core import clock
from commonwork.observatory.actions import assess_fairwork
from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _monday(weeks_ago: int) -> dt.date:
    today = clock.now().date()
    return today - dt.timedelta(days=today.weekday() + 7 * weeks_ago)


def test_sharing_publishing_and_reading_in_both_languages(
    live_server: Any, page: Any, alice: Any, bob: Any, carol: Any
) -> None:
    base = live_server.url
    _log_in(page, base, "bob")
    page.goto(f"{base}/commons/")
    expect(page.get_by_test_id("sharing-state")).to_contain_text("You do not share")
    page.get_by_test_id("start-sharing").click()
    expect(page.get_by_test_id("sharing-state")).to_contain_text("You share")
    page.get_by_test_id("language-switch-zh-hans").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("sharing-state")).to_contain_text("你正在分享")
    page.get_by_test_id("stop-sharing").click()
    expect(page.get_by_test_id("sharing-state")).to_contain_text("你没有分享")
    page.get_by_test_id("start-sharing").click()

    page.context.clear_cookies()
    _log_in(page, base, "alice")
    page.goto(f"{base}/commons/")
    page.get_by_label("Statistic").select_option("weekly_hours")
    page.get_by_label("First day (a Monday)").fill(_monday(2).isoformat())
    page.get_by_label("Weeks").fill("1")
    page.get_by_label("Epsilon to spend").fill("0.2")
    page.get_by_test_id("publish-release").click()
    expect(page.get_by_test_id("chart").first).to_be_visible()
    expect(page.get_by_test_id("figures").first).to_contain_text("The whole co-op")
    href = page.get_by_test_id("datapackage").get_attribute("href")
    package = page.request.get(f"{base}{href}")
    assert package.json()["resources"][0]["schema"]["fields"][0]["name"] == "statistic"
    page.goto(f"{base}/commons/budget/")
    expect(page.get_by_test_id("chain")).to_contain_text("verifies")
    # Past the cap: refused, and the page says spent, requested and cap.
    page.goto(f"{base}/commons/")
    page.get_by_label("First day (a Monday)").fill(_monday(3).isoformat())
    page.get_by_label("Weeks").fill("1")
    page.get_by_label("Epsilon to spend").fill("0.9")
    page.get_by_test_id("publish-release").click()
    expect(page.locator("body")).to_contain_text("0.2 spent this quarter, 0.9 requested")


def test_the_observatory_and_the_self_assessment_for_anyone(
    live_server: Any, page: Any, alice: Any, bob: Any
) -> None:
    for weeks_ago in (2, 1):
        for statistic in commons.WEEKLY:
            commons.publish(
                actor=None,
                statistic=statistic,
                start=_monday(weeks_ago),
                weeks=1,
                epsilon=0.05,
                scheduled=True,
            )
    assess_fairwork(clock.now())
    base = live_server.url
    page.goto(f"{base}/observatory/")
    expect(page.get_by_test_id("series")).to_have_count(3)
    expect(page.locator("svg.series-chart").first).to_be_visible()
    page.goto(f"{base}/zh-hans/observatory/")
    expect(page.locator("h1")).to_have_text("劳动观察站")
    page.goto(f"{base}/fairwork/")
    expect(page.get_by_test_id("thresholds-gig").locator("tbody tr")).to_have_count(10)
    expect(page.get_by_test_id("thresholds-cloud").locator("tbody tr")).to_have_count(10)
    expect(page.get_by_test_id("directive")).to_contain_text("Platform Work Directive")
    page.goto(f"{base}/zh-hans/fairwork/")
    expect(page.get_by_test_id("thresholds-gig")).to_contain_text("门槛")
    expect(page.get_by_test_id("directive")).to_contain_text("平台工作指令")
