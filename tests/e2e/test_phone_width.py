"""Phone first: at 360 px no page scrolls sideways, for each role, in both languages. The
browser's own layout is measured (the document's scroll width against the viewport)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    None: ["/", "/transparency/", "/results/", "/data/", "/fairwork/"],
    "bob": [
        "/work/",
        "/work/why/",
        "/work/board/",
        "/money/",
        "/protection/",
        "/my-data/",
        "/proposals/",
        "/lab/",
        "/account/",
        "/dispatch/rounds/",
    ],
    "dan": ["/client/", "/money/"],
    "alice": ["/steward/", "/books/", "/proposals/new/"],
}


def _too_wide(page: Any) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_no_page_scrolls_sideways_on_a_360_px_phone(
    live_server: Any, browser: Any, alice: Any, bob: Any, dan: Any, open_task: Any, prefix: str
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    wide: list[tuple[str, int]] = []
    try:
        for user, paths in PAGES.items():
            context.clear_cookies()
            if user is not None:
                _log_in(page, live_server.url, user)
            for path in [*paths, *([f"/tasks/{open_task.pk}/"] if user else [])]:
                page.goto(f"{live_server.url}{prefix}{path}")
                if (overflow := _too_wide(page)) > 0:
                    wide.append((f"{user} {prefix}{path}", overflow))
    finally:
        context.close()
    assert wide == [], "\n".join(f"{where}: {px} px too wide" for where, px in wide)
