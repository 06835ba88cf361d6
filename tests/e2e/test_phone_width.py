"""Phone first: at 360 px no page scrolls sideways, for each demo log-in, in both
languages, over every page of the route inventory (tests/e2e/pages.py). The browser's own
layout is measured (the document's scroll width against the viewport)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import resolve

from commonwork.site.demo import load_demo
from tests.e2e.pages import PAGE_NAMES, demo_pages, log_in_as_demo

# What the pages show does not depend on the database: checked once, in the SQLite pass.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pages]


UNSTACKED = """() => Array.from(document.querySelectorAll("table:has(thead)")).filter(
  t => !t.classList.contains("stacked") || t.querySelector("tbody td:not([data-label])")
).length"""


def _too_wide(page: Any) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/zh-hans", "zh-hans")])
def test_no_page_scrolls_sideways_on_a_360_px_phone(
    live_server: Any, browser: Any, prefix: str, language: str
) -> None:
    load_demo(language)
    pages = demo_pages()
    checked = {resolve(path.split("?")[0]).url_name for paths in pages.values() for path in paths}
    assert checked == PAGE_NAMES
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    wide: list[tuple[str, int]] = []
    tables = 0
    unstacked: list[str] = []
    try:
        for user, paths in pages.items():
            context.clear_cookies()
            if user is not None:
                log_in_as_demo(page, live_server.url, user)
            for path in paths:
                page.goto(f"{live_server.url}{prefix}{path}")
                if (overflow := _too_wide(page)) > 0:
                    wide.append((f"{user} {prefix}{path}", overflow))
                tables += page.locator("table:has(thead)").count()
                if page.evaluate(UNSTACKED):
                    unstacked.append(f"{user} {prefix}{path}")
    finally:
        context.close()
    assert wide == [], "\n".join(f"{where}: {px} px too wide" for where, px in wide)
    # Tables with column heads became stacked cards, each cell labelled with its column.
    assert tables > 10
    assert unstacked == []
