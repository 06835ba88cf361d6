"""Places and the phone, in a real browser: a client posts a delivery by address and map
pin and watches it dispatched on the task page's map; a worker on a phone shares their
location while available (and stops when not), gets an offer that counts down, accepts
it, steps through pickup and delivery with a photo as proof; the "why" picture."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from commonwork.dispatch.actions import run_round
from commonwork.governance.actions.parameters import set_parameter
from commonwork.work import actions
from commonwork.work.models import DeliveryProof, LocationPing, Task
from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)

MARKET = (52.5163, 13.4010)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def berlin(alice: Any) -> None:
    for name, value in {
        "service_area_lat": f"{MARKET[0]}",
        "service_area_lon": f"{MARKET[1]}",
        "service_area_radius_km": "15",
        "location_share_seconds": "5",
    }.items():
        set_parameter(actor=alice, name=name, value=value, reason="Berlin.")


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_a_client_posts_a_delivery_by_address_and_pin_and_sees_it_on_a_map(
    live_server: Any,
    page: Any,
    dan: Any,
    project: Any,
    berlin: None,
    artifacts: Path,
    prefix: str,
) -> None:
    _log_in(page, live_server.url, "dan")
    page.goto(f"{live_server.url}{prefix}/client/")
    picker = page.get_by_test_id("map-picker")
    expect(picker).to_have_attribute("data-ready", "true")
    post = page.locator("form[action$='/client/tasks/']")
    post.locator("[name=title]").fill("Cheese to the park")
    post.locator("[name=estimated_minutes]").fill("25")
    post.locator("[name=skills]").fill("")
    post.locator("[name=kind]").select_option("located")
    # The pickup by address: the box offers the places the geocoder knows.
    address = post.locator("[name=pickup_address]")
    address.fill("Markthalle")
    expect(page.locator("#pickup-places option")).to_have_count(1)
    label = page.locator("#pickup-places option").first.get_attribute("value")
    assert label is not None
    assert label.startswith("Markthalle Neun")
    address.fill(label)
    expect(picker).to_have_attribute("data-pickup-placed", "true")
    assert page.locator("[name=pickup_lat]").input_value() == "52.502"
    # The drop-off by pin: B, then a tap on the map north of the centre.
    page.locator("[data-pin-mode=dropoff]").click()
    box = picker.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.3)
    expect(picker).to_have_attribute("data-dropoff-placed", "true")
    dropoff_lat = float(page.locator("[name=dropoff_lat]").input_value())
    assert 52.502 < dropoff_lat < 52.6  # north of the pickup, where the map was tapped
    language = "zh" if prefix else "en"
    page.screenshot(path=str(artifacts / f"post-by-address-desktop-{language}.png"), full_page=True)
    page.get_by_test_id("post-task").click()
    page.wait_for_load_state("networkidle")

    task = Task.objects.get(title="Cheese to the park")
    assert task.pickup_address.startswith("Markthalle Neun")
    assert task.dropoff_lat == pytest.approx(dropoff_lat)
    expect(page.get_by_test_id("pickup-place")).to_contain_text("Markthalle Neun")
    expect(page.get_by_test_id("task-map")).to_have_attribute("data-ready", "true")
    expect(page.locator(".pin-pickup")).to_have_count(1)
    expect(page.locator(".pin-dropoff")).to_have_count(1)
    assert page.locator("a[href^='geo:']").count() == 2  # open in the phone's map app
    page.screenshot(path=str(artifacts / f"task-map-desktop-{language}.png"), full_page=True)


def test_an_address_nobody_knows_is_refused_on_the_form_with_what_was_typed(
    live_server: Any, page: Any, dan: Any, project: Any, berlin: None
) -> None:
    _log_in(page, live_server.url, "dan")
    page.goto(f"{live_server.url}/client/")
    post = page.locator("form[action$='/client/tasks/']")
    post.locator("[name=title]").fill("Lost parcel")
    page.get_by_label("Estimated minutes").fill("25")
    page.get_by_label("Kind").select_option("located")
    page.get_by_label("Pickup address").fill("Atlantis, the sunken city")
    page.get_by_label("Drop-off address").fill("Ostkreuz")
    page.get_by_test_id("post-task").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".errorlist")).to_contain_text("No place was found")
    expect(page.get_by_label("Pickup address")).to_have_value("Atlantis, the sunken city")
    expect(post.locator("[name=title]")).to_have_value("Lost parcel")
    assert not Task.objects.filter(title="Lost parcel").exists()


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_a_worker_does_the_whole_job_from_a_phone(
    prefix: str,
    live_server: Any,
    phone_page: Any,
    alice: Any,
    bob: Any,
    dan: Any,
    project: Any,
    berlin: None,
    artifacts: Path,
) -> None:
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": MARKET[0] + 0.001, "longitude": MARKET[1]})
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/work/location/" in r.url else None)
    _log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}{prefix}/work/")

    # One tap: available; the phone starts sharing where it is.
    page.get_by_test_id("availability-switch").click()
    expect(page.get_by_test_id("availability-switch")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("location-state")).to_be_visible()

    def pinged() -> bool:
        try:
            return LocationPing.objects.filter(worker=bob).exists()
        except OperationalError:  # SQLite: the server's thread is writing it just now
            return False

    for _ in range(50):
        if pinged():
            break
        page.wait_for_timeout(200)
    assert pinged()

    # A task near the market; the dispatch round offers it to Bob, the nearest.
    task = actions.post_task(
        actor=dan,
        project_id=project.pk,
        title="Soup for the day centre",
        kind="located",
        pickup_address="Werderscher Markt",
        dropoff_address="Moritzplatz",
        estimated_minutes=20,
        deadline=task_deadline(),
    )
    run_round()
    offer = task.offers.get()
    # The page polls for offers and counts down the answer time.
    accept = page.get_by_test_id(f"accept-offer-{offer.pk}")
    expect(accept).to_be_visible(timeout=20_000)
    countdown = page.get_by_test_id(f"offer-countdown-{offer.pk}")
    expect(countdown).to_contain_text(
        re.compile(r"请在 \d+ 秒内答复" if prefix else r"Answer within \d+ s")
    )
    language = "zh" if prefix else "en"
    page.screenshot(path=str(artifacts / f"phone-offer-{language}.png"), full_page=True)
    accept.click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server.url}{prefix}/tasks/")  # in the worker's language
    expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "accepted")

    for button in ("task-start", "step-arrived", "step-picked_up"):
        page.get_by_test_id(button).click()
        page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("picked-up")).to_be_visible()
    # Proof of delivery: a photo from the phone's camera.
    page.locator("input[name=photo]").set_input_files(
        {"name": "door.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.screenshot(path=str(artifacts / f"phone-deliver-{language}.png"), full_page=True)
    page.get_by_test_id("task-deliver").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "delivered")
    assert DeliveryProof.objects.get(task=task).kind == "photo"
    expect(page.locator("img.proof")).to_be_visible()

    # Unavailable: the phone stops sending at once.
    page.goto(f"{live_server.url}{prefix}/work/")
    page.get_by_test_id("availability-switch").click()
    expect(page.get_by_test_id("availability-switch")).to_have_attribute("aria-pressed", "false")
    before = len(sent)
    page.context.set_geolocation({"latitude": MARKET[0] + 0.01, "longitude": MARKET[1]})
    page.wait_for_timeout(6_500)  # longer than location_share_seconds (5)
    assert len(sent) == before


def task_deadline() -> Any:
    import datetime as dt

    from commonwork.core import clock

    return clock.now() + dt.timedelta(hours=2)


def test_the_worker_app_keeps_working_when_the_signal_drops(
    live_server: Any, phone_page: Any, bob: Any, open_task: Task
) -> None:
    page = phone_page
    _log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/work/")
    # The service worker installs and takes over the page.
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    manifest = page.locator("link[rel=manifest]").get_attribute("href")
    assert manifest == "/manifest.webmanifest"
    for path in ("/work/", f"/tasks/{open_task.pk}/"):
        page.goto(f"{live_server.url}{path}")  # seen once with a signal: kept
    page.context.set_offline(True)
    try:
        page.goto(f"{live_server.url}/tasks/{open_task.pk}/")
        expect(page.locator("h1")).to_contain_text(open_task.title)
        page.goto(f"{live_server.url}/work/")
        expect(page.get_by_test_id("availability-state")).to_be_visible()
    finally:
        page.context.set_offline(False)


def test_the_why_page_draws_the_round_as_it_concerned_the_worker(
    live_server: Any,
    phone_page: Any,
    bob: Any,
    carol: Any,
    dan: Any,
    project: Any,
    berlin: None,
    artifacts: Path,
) -> None:
    for worker, spot in ((bob, MARKET), (carol, (MARKET[0] + 0.02, MARKET[1]))):
        actions.set_availability(actor=worker, available=True)
        actions.report_location(actor=worker, lat=spot[0], lon=spot[1])
    task = actions.post_task(
        actor=dan,
        project_id=project.pk,
        title="Soup for the day centre",
        kind="located",
        pickup_address="Werderscher Markt",
        dropoff_address="Moritzplatz",
        estimated_minutes=20,
        deadline=task_deadline(),
    )
    run_round()
    assert task.offers.get().worker_id == bob.pk  # the nearer one
    _log_in(phone_page, live_server.url, "bob")
    phone_page.goto(f"{live_server.url}/work/why/")
    sketch = phone_page.get_by_test_id("round-sketch").first
    expect(sketch).to_be_visible()
    assert sketch.locator("svg circle").count() >= 3  # the task, Bob, the next best, radius
    box = sketch.bounding_box()
    assert box is not None
    assert box["width"] <= 390
    phone_page.screenshot(path=str(artifacts / "phone-why-picture-en.png"), full_page=True)
