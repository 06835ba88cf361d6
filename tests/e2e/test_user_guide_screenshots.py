"""The user guide's pictures, taken from the demo co-op by the browser: on a phone and on
a desktop, in English and in Chinese. They always land in test-artifacts/; with
UPDATE_SCREENSHOTS=1 (`make screenshots`) they also replace docs/screenshots/, which
docs/user-guide.md shows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.governance.models import Proposal
from commonwork.site.demo import load_demo
from commonwork.work.models import Offer, OfferStatus, Task
from tests.e2e.pages import log_in_as_demo

# What the pages show does not depend on the database: checked once, in the SQLite pass.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pages]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _session(browser: Any, base: str, username: str, size: dict[str, Any]) -> Any:
    context = browser.new_context(**size, locale="en-GB")
    page = context.new_page()
    log_in_as_demo(page, base, username)
    return page


def test_the_user_guide_pictures(live_server: Any, browser: Any, artifacts: Path) -> None:
    load_demo()
    base = live_server.url
    offer = Offer.objects.get(status=OfferStatus.PENDING)
    delivered = Task.objects.filter(status="delivered").first()
    election = Proposal.objects.get(kind="election")
    shots: dict[str, tuple[str, str, dict[str, Any], str | None]] = {
        # name: (who, path, size, what must show first)
        "phone-worker-offer-en": ("carol", "/work/", PHONE, f"accept-offer-{offer.pk}"),
        "phone-worker-offer-zh": ("carol", "/zh-hans/work/", PHONE, f"accept-offer-{offer.pk}"),
        "phone-offered-task-en": ("carol", f"/tasks/{offer.task_id}/", PHONE, None),
        "phone-why-en": ("bob", "/work/why/", PHONE, None),
        "desktop-post-task-en": ("dan", "/client/", DESKTOP, "map-picker"),
        "desktop-delivered-task-en": ("dan", f"/tasks/{delivered.pk}/", DESKTOP, None)
        if delivered
        else ("dan", "/client/", DESKTOP, None),
        "desktop-election-zh": ("alice", f"/zh-hans/proposals/{election.pk}/", DESKTOP, "timeline"),
        "phone-limits-en": ("bob", "/work/preferences/", PHONE, "areas-map"),
        "phone-money-en": ("bob", "/money/", PHONE, "pay-chart"),
    }
    taken: list[Path] = []
    for name, (who, path, size, ready) in shots.items():
        page = _session(browser, base, who, size)
        try:
            page.goto(f"{base}{path}")
            if ready:
                expect(page.get_by_test_id(ready)).to_be_visible()
            page.wait_for_load_state("networkidle")
            target = artifacts / f"guide-{name}.png"
            page.screenshot(path=str(target), full_page=True)
            taken.append(target)
        finally:
            page.context.close()
    assert all(shot.stat().st_size > 10_000 for shot in taken)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        for shot in taken:
            shutil.copy(shot, DOCS / shot.name.removeprefix("guide-"))
