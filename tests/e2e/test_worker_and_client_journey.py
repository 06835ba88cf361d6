"""A worker and a client use the real pages in a real browser.

Bob logs in, goes available, takes a task from the board, starts and delivers it; Dan,
its client, accepts the delivery; the page switches to 中文 and shows Chinese; and a
phone-sized screenshot of the worker's home is kept for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("networkidle")


def _log_out(page: Any) -> None:
    page.context.clear_cookies()


def test_a_worker_takes_and_delivers_a_task_and_the_client_accepts_it(
    live_server: Any, page: Any, bob: Any, dan: Any, open_task: Task
) -> None:
    base = live_server.url

    # given Bob on his home page
    _log_in(page, base, "bob")
    # when he goes available (htmx swaps the switch in place)
    page.get_by_test_id("availability-switch").click()
    expect(page.get_by_test_id("availability-switch")).to_have_attribute("aria-pressed", "true")
    # then the page says so, and the database agrees
    assert Task.objects.get(pk=open_task.pk).status == TaskStatus.OPEN
    from commonwork.work.selectors import is_available

    assert is_available(bob)

    # when he takes the task from the board, starts and delivers it
    page.get_by_test_id(f"take-task-{open_task.pk}").click()
    page.wait_for_load_state("networkidle")
    assert Task.objects.get(pk=open_task.pk).worker_id == bob.pk
    page.goto(f"{base}/tasks/{open_task.pk}/")
    page.get_by_test_id("task-start").click()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("task-deliver").click()
    page.wait_for_load_state("networkidle")
    assert Task.objects.get(pk=open_task.pk).status == TaskStatus.DELIVERED

    # when Dan, the client, accepts the delivery
    _log_out(page)
    _log_in(page, base, "dan")
    page.goto(f"{base}/tasks/{open_task.pk}/")
    page.get_by_test_id("task-complete").click()
    page.wait_for_load_state("networkidle")

    # then the task is completed and its history shows each step
    assert Task.objects.get(pk=open_task.pk).status == TaskStatus.COMPLETED
    page.goto(f"{base}/tasks/{open_task.pk}/")
    history = page.get_by_test_id("task-history").inner_text()
    for step in ("take", "start", "deliver", "complete"):
        assert re.search(step, history, re.IGNORECASE), step


def test_switching_to_chinese_shows_chinese(live_server: Any, page: Any, bob: Any) -> None:
    _log_in(page, live_server.url, "bob")
    english = page.locator("body").inner_text()
    page.get_by_test_id("language-switch-zh-hans").click()
    page.wait_for_load_state("networkidle")
    chinese = page.locator("body").inner_text()
    assert re.search(r"[\u4e00-\u9fff]", chinese), "no Chinese characters after switching"
    assert not re.search(r"[\u4e00-\u9fff]{4,}", english.replace("中文", ""))
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_a_phone_sized_screenshot_of_the_worker_home(
    live_server: Any, phone_page: Any, bob: Any, open_task: Task, artifacts: Path
) -> None:
    _log_in(phone_page, live_server.url, "bob")
    # Nothing on the page is wider than the phone's screen.
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    shot = artifacts / "worker-home-phone.png"
    phone_page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    phone_page.get_by_test_id("language-switch-zh-hans").click()
    phone_page.wait_for_load_state("networkidle")
    phone_page.screenshot(path=str(artifacts / "worker-home-phone-zh.png"), full_page=True)
