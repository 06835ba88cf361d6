"""A worker's own data in a real browser: dispatch's read in their log, a consent given
and revoked, and the export downloaded."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.dispatch.actions import run_round
from commonwork.work import actions as work_actions
from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_sees_who_read_their_data_consents_and_takes_it_all(
    live_server: Any, page: Any, bob: Any, carol: Any, open_task: Any, tmp_path: Path
) -> None:
    work_actions.set_availability(actor=bob, available=True)
    work_actions.report_location(actor=bob, lat=52.5210, lon=13.4060)
    run_round()
    base = live_server.url
    _log_in(page, base, "bob")
    page.get_by_role("link", name="My data").click()
    expect(page.get_by_test_id("access-entry").first).to_contain_text("dispatch")
    expect(page.get_by_test_id("log-status")).to_contain_text("intact")

    page.get_by_label("Who may read (their user name)").fill("carol")
    page.get_by_label("Earnings and statements").check()
    page.get_by_label("For what purpose").fill("Carol compares pay across co-ops.")
    page.get_by_test_id("grant-consent").click()
    expect(page.get_by_test_id("consent")).to_contain_text("Carol")
    page.get_by_test_id("revoke-consent").click()
    expect(page.get_by_test_id("consent")).to_contain_text("Revoked")

    page.get_by_test_id("request-export").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-export").click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert "README.md" in names
    assert "location.json" in names

    page.get_by_test_id("language-switch-zh-hans").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("我的数据")
