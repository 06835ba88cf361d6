"""The worker's phone: location only while available, limits drawn on the map, offers
polled or pushed (Web Push with real encryption, to a push service on this machine), and
the installable app's manifest and service worker."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client, override_settings

from commonwork.work import actions, push
from commonwork.work.models import LocationPing, PushSubscription, WorkerPreferences
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_phone(bob: Any) -> Client:
    client = Client()
    assert log_in(client, "bob")
    return client


def test_a_location_is_taken_only_while_available(bob_phone: Client, bob: Any) -> None:
    refused = bob_phone.post("/work/location/", {"lat": "52.52", "lon": "13.40"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_available"
    assert not LocationPing.objects.exists()
    actions.set_availability(actor=bob, available=True)
    taken = bob_phone.post("/work/location/", {"lat": "52.52", "lon": "13.40"})
    assert taken.status_code == 200
    assert taken.json()["every_seconds"] == 30
    assert LocationPing.objects.filter(worker=bob).count() == 1
    bad = bob_phone.post("/work/location/", {"lat": "north", "lon": "13.40"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    actions.set_availability(actor=bob, available=False)
    assert bob_phone.post("/work/location/", {"lat": "52.52", "lon": "13.4"}).status_code == 400
    assert LocationPing.objects.filter(worker=bob).count() == 1


def test_the_worker_page_shares_location_at_the_governed_interval(bob_phone: Client) -> None:
    page = bob_phone.get("/work/").content.decode()
    assert 'data-share-seconds="30"' in page
    assert 'data-testid="preferences-link"' in page


def test_limits_are_saved_from_the_map_form(bob_phone: Client, bob: Any) -> None:
    assert bob_phone.get("/work/preferences/").status_code == 200
    answer = bob_phone.post(
        "/work/preferences/",
        {
            "max_distance_km": "4",
            "kinds": ["located"],
            "areas": json.dumps([[52.49, 13.38, 52.53, 13.43]]),
        },
    )
    assert answer.status_code == 302
    saved = WorkerPreferences.objects.get(worker=bob)
    assert (saved.max_distance_km, saved.kinds, saved.areas) == (
        4.0,
        ["located"],
        [[52.49, 13.38, 52.53, 13.43]],
    )
    wrong = bob_phone.post(
        "/work/preferences/", {"areas": json.dumps([[52.6, 13.4, 52.5, 13.5]])}
    )  # south above north
    assert wrong.status_code == 400
    assert "south/west lie below" in wrong.content.decode()
    assert WorkerPreferences.objects.get(worker=bob).areas == [[52.49, 13.38, 52.53, 13.43]]


def test_offers_are_polled_as_a_fragment_with_their_deadline(
    bob_phone: Client, bob: Any, alice: Any, open_task: Any
) -> None:
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    fragment = bob_phone.get("/work/offers/").content.decode()
    assert f'data-offer="{offer.pk}"' in fragment
    assert "data-expires=" in fragment
    assert "<html" not in fragment


# --- Web Push ----------------------------------------------------------------------------


class _PushService(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    answer = 201

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        headers = {name.lower(): value for name, value in self.headers.items()}
        _PushService.received.append((headers, self.rfile.read(length)))
        self.send_response(_PushService.answer)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def push_service() -> Iterator[str]:
    _PushService.received = []
    _PushService.answer = 201
    server = HTTPServer(("127.0.0.1", 0), _PushService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/push/device-1"
    server.shutdown()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def vapid() -> Iterator[None]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    with override_settings(
        COMMONWORK_VAPID_PRIVATE_KEY=_b64(private), COMMONWORK_VAPID_PUBLIC_KEY=_b64(public)
    ):
        yield


def test_an_offer_is_pushed_encrypted_to_the_workers_browser(
    push_service: str, vapid: None, bob: Any, alice: Any, open_task: Any
) -> None:
    browser_key = ec.generate_private_key(ec.SECP256R1())
    browser_public = browser_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = b"sixteen byte key"
    # The endpoint is on this machine (plain http), so it is stored directly rather than
    # through `subscribe`, which takes https endpoints only.
    PushSubscription.objects.create(
        worker=bob,
        endpoint=push_service,
        p256dh=_b64(browser_public),
        auth=_b64(auth),
        created_at=open_task.created_at,
    )
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    assert push.send_offer(offer.pk) == 1
    ((headers, body),) = _PushService.received
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    message = json.loads(
        http_ece.decrypt(body, private_key=browser_key, auth_secret=auth, version="aes128gcm")
    )
    assert message["offer"] == offer.pk
    assert message["title"] == open_task.title
    assert "bob" not in json.dumps(message)  # nothing personal in the push
    # Reading the browser's address is in Bob's access log, under the bylaws' purpose.
    from commonwork.vault.models import AccessLogEntry

    read = AccessLogEntry.objects.get(subject=bob, category="delivery_proofs")
    assert (read.actor_label, read.basis) == ("push", "bylaws:offer_push")


def test_making_an_offer_pushes_it_once_the_offer_is_committed(
    push_service: str,
    vapid: None,
    bob: Any,
    alice: Any,
    open_task: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    browser_key = ec.generate_private_key(ec.SECP256R1())
    PushSubscription.objects.create(
        worker=bob,
        endpoint=push_service,
        p256dh=_b64(
            browser_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        ),
        auth=_b64(b"sixteen byte key"),
        created_at=open_task.created_at,
    )
    actions.set_availability(actor=bob, available=True)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    assert _PushService.received == []  # nothing leaves before the offer commits
    for callback in waiting:
        callback()  # the commit: the background job sends it
    assert len(_PushService.received) == 1


def test_a_subscription_the_push_service_forgot_is_dropped(
    push_service: str, vapid: None, bob: Any, alice: Any, open_task: Any
) -> None:
    browser_key = ec.generate_private_key(ec.SECP256R1())
    PushSubscription.objects.create(
        worker=bob,
        endpoint=push_service,
        p256dh=_b64(
            browser_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        ),
        auth=_b64(b"sixteen byte key"),
        created_at=open_task.created_at,
    )
    _PushService.answer = 410
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    assert push.send_offer(offer.pk) == 0
    assert not PushSubscription.objects.exists()


def test_without_keys_nothing_is_pushed_and_the_page_polls(
    bob: Any, alice: Any, open_task: Any
) -> None:
    assert not push.enabled()
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    assert push.send_offer(offer.pk) == 0


def test_the_browser_subscribes_and_unsubscribes(bob_phone: Client, bob: Any) -> None:
    body = {"endpoint": "https://push.example.org/abc", "keys": {"p256dh": "BAbc", "auth": "xyz"}}
    answer = bob_phone.post("/work/push/", json.dumps(body), content_type="application/json")
    assert answer.json() == {"subscribed": True}
    again = bob_phone.post("/work/push/", json.dumps(body), content_type="application/json")
    assert again.status_code == 200
    assert PushSubscription.objects.count() == 1
    plain = dict(body, endpoint="http://push.example.org/abc")
    refused = bob_phone.post("/work/push/", json.dumps(plain), content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["field"] == "endpoint"
    garbage = bob_phone.post("/work/push/", "{not json", content_type="application/json")
    assert garbage.status_code == 400
    off = bob_phone.post("/work/push/", json.dumps({"off": True}), content_type="application/json")
    assert off.json() == {"subscribed": False}
    assert not PushSubscription.objects.exists()


# --- the installable app ----------------------------------------------------------------


def test_the_manifest_opens_the_workers_page_full_screen(client: Client, alice: Any) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["start_url"] == "/work/"
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} >= {"192x192", "512x512"}


def test_the_service_worker_covers_the_site_and_keeps_the_shell(client: Client) -> None:
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    text = worker.content.decode()
    assert "/static/css/site.css" in text
    assert "/static/js/worker.js" in text
    assert 'addEventListener("push"' in text


def test_the_api_docs_load_nothing_from_another_site(client: Client, alice: Any) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert "https://" not in page
