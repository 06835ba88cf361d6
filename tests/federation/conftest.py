"""A simulated peer co-op: its own key and documents, served through a simulated network
(federation.transport.use), so the tests can act as the other side of every exchange."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from commonwork.core import clock
from commonwork.federation import actions, documents, signatures, transport

OUR_INBOX = "http://127.0.0.1:8000/federation/inbox"


@dataclass
class FakePeer:
    """Another co-op's server as the network shows it: WebFinger, its actor, its inbox."""

    origin: str = "https://b.example"
    key: Any = field(default_factory=signatures.new_private_key)
    down: bool = False
    refuse_rfc9421: bool = False
    answer: int = 202
    received: list[dict[str, Any]] = field(default_factory=list)
    received_headers: list[dict[str, str]] = field(default_factory=list)
    actor_fetches: int = 0  # signed fetches of its actor document

    @property
    def actor(self) -> str:
        return f"{self.origin}/federation/actor"

    @property
    def key_id(self) -> str:
        return documents.key_id(self.origin)

    def actor_document(self) -> dict[str, Any]:
        return documents.actor(
            origin=self.origin,
            name="Hillside Riders",
            summary="A courier co-op.",
            public_pem=signatures.public_pem(self.key),
            languages=["en"],
        )

    def activity(
        self, kind: str, obj: Any, ident: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        return documents.activity(
            kind,
            origin=self.origin,
            ident=ident or actions.new_id(),
            obj=obj,
            to=actions.actor_url(),
            **extra,
        )

    def signed(
        self,
        activity: dict[str, Any],
        *,
        scheme: str = signatures.RFC9421,
        url: str = OUR_INBOX,
        now: dt.datetime | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(activity).encode()
        headers = signatures.sign(
            "POST",
            url,
            body,
            key=self.key,
            key_id=self.key_id,
            scheme=scheme,
            now=now or clock.now(),
        )
        return body, headers


class Network:
    """Routes the platform's outgoing requests to the simulated peers."""

    def __init__(self, *peers: FakePeer) -> None:
        self.peers = {urlsplit(p.origin).netloc: p for p in peers}

    def _peer(self, url: str) -> FakePeer:
        peer = self.peers.get(urlsplit(url).netloc)
        if peer is None or peer.down:
            raise transport.Unreachable("connection refused")
        return peer

    def get(self, url: str, headers: Mapping[str, str]) -> tuple[int, bytes]:
        peer = self._peer(url)
        parts = urlsplit(url)
        if parts.path == "/.well-known/webfinger":
            resource = parse_qs(parts.query).get("resource", [""])[0]
            if resource != f"acct:coop@{parts.netloc}":
                return 404, b"{}"
            return 200, json.dumps(
                documents.webfinger(origin=peer.origin, host=parts.netloc)
            ).encode()
        if parts.path == "/federation/actor":
            # A fetch of an actor is signed too (the older draft, as most servers expect).
            ours = signatures.load_public(actions.actor_document()["publicKey"]["publicKeyPem"])
            signatures.verify("GET", url, headers, b"", public_key=lambda _k: ours, now=clock.now())
            peer.actor_fetches += 1
            return 200, json.dumps(peer.actor_document()).encode()
        return 404, b"{}"

    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        peer = self._peer(url)
        if peer.refuse_rfc9421 and "Signature-Input" in headers:
            return 401, b'{"error": "unsupported signature"}'
        # The peer checks our signature with the key our actor document publishes.
        our_key = signatures.load_public(actions.actor_document()["publicKey"]["publicKeyPem"])
        signatures.verify(
            "POST", url, headers, body, public_key=lambda _k: our_key, now=clock.now()
        )
        peer.received.append(json.loads(body))
        peer.received_headers.append(dict(headers))
        return peer.answer, b"{}"


@pytest.fixture
def peer() -> FakePeer:
    return FakePeer()


@pytest.fixture
def network(peer: FakePeer) -> Iterator[Network]:
    net = Network(peer)
    with transport.use(net):
        yield net


def post_inbox(body: bytes, headers: dict[str, str]) -> Any:
    """POST to our inbox as the peer's server would (the headers as HTTP sends them)."""
    meta: dict[str, Any] = {
        "HTTP_" + k.upper().replace("-", "_"): v
        for k, v in headers.items()
        if k.lower() != "content-type"
    }
    return Client().post(
        "/federation/inbox", data=body, content_type="application/activity+json", **meta
    )


@pytest.fixture
def linked(alice: Any, peer: FakePeer, network: Network) -> Any:
    """Our co-op linked with the simulated peer: we asked, they accepted."""
    from commonwork.federation.models import Peer

    actions.link_with(actor=alice, handle="coop@b.example")
    actions.deliver_due()
    body, headers = peer.signed(peer.activity("Accept", peer.received[0]))
    assert post_inbox(body, headers).status_code == 202
    return Peer.objects.get()
