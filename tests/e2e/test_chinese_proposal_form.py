"""The Chinese proposal form submitted as served: its voting times are filled in (the
browser's date-time input takes ISO 8601 only) and it saves without retyping them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.governance.models import Proposal
from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("kind", ["parameter_change", "free_decision"])
def test_the_chinese_proposal_form_is_saved_as_served(
    live_server: Any, page: Any, alice: Any, bob: Any, kind: str
) -> None:
    _log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/zh-hans/proposals/new/?kind={kind}")
    for name in ("voting_opens_at", "voting_closes_at"):
        served = page.locator(f"input[name={name}]").input_value()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", served), served
    page.locator("input[name=title]").fill("降低服务费")
    page.locator("textarea[name=reason]").fill("成本下降了。")
    if kind == "parameter_change":
        page.locator("select[name=parameter]").select_option("fee_rate")
        page.locator("input[name=value]").fill("7")  # percent
    else:
        page.locator("select[name=method]").select_option("single")
        page.locator("textarea[name=options]").fill("是\n否")
    page.get_by_test_id("submit-proposal").click()
    expect(page).to_have_url(re.compile(r"/zh-hans/proposals/\d+/$"))
    assert Proposal.objects.filter(title="降低服务费").exists()
