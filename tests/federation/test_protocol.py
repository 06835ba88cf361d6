"""The protocol with one simulated peer: discovery documents, linking both ways with the
stewards deciding, the outbox's order, retries and double-knocking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from commonwork.core import clock
from commonwork.federation import actions, signatures
from commonwork.federation.models import (
    DeliveryState,
    Incoming,
    Outgoing,
    Peer,
    PeerState,
    Refusal,
)
from tests.federation.conftest import FakePeer, Network, post_inbox

pytestmark = pytest.mark.django_db


def test_webfinger_nodeinfo_and_the_actor_describe_the_coop(alice: Any) -> None:
    client = Client()
    finger = client.get("/.well-known/webfinger", {"resource": "acct:coop@127.0.0.1:8000"})
    assert finger.status_code == 200
    assert finger["Content-Type"] == "application/jrd+json"
    self_link = next(link for link in finger.json()["links"] if link["rel"] == "self")
    assert self_link["href"] == "http://127.0.0.1:8000/federation/actor"
    assert client.get("/.well-known/webfinger", {"resource": "acct:nobody@x"}).status_code == 404
    links = client.get("/.well-known/nodeinfo").json()["links"]
    info = client.get("/nodeinfo/2.1").json()
    assert links[0]["href"].endswith("/nodeinfo/2.1")
    assert info["protocols"] == ["activitypub"]
    assert info["metadata"]["nodeName"] == "Riverside Couriers"
    assert "pay_per_engaged_hour" in info["metadata"]["statistics"]
    actor = client.get("/federation/actor", HTTP_ACCEPT="application/activity+json").json()
    assert actor["type"] == "Organization"
    assert actor["publicKey"]["owner"] == actor["id"]
    assert "BEGIN PUBLIC KEY" in actor["publicKey"]["publicKeyPem"]
    assert actor["@context"][0] == "https://www.w3.org/ns/activitystreams"


def test_a_steward_asks_to_link_and_the_peers_accept_links_us(
    alice: Any, peer: FakePeer, network: Network
) -> None:
    ours = actions.link_with(actor=alice, handle="coop@b.example")
    assert ours.state == PeerState.ASKED
    assert actions.deliver_due() == {"delivered": 1, "refused": 0, "failed": 0}
    follow = peer.received[0]
    assert follow["type"] == "Follow"
    assert follow["object"] == peer.actor
    # RFC 9421 first, verified by the peer with the key our actor document publishes.
    assert "Signature-Input" in peer.received_headers[0]
    body, headers = peer.signed(peer.activity("Accept", follow))
    answer = post_inbox(body, headers)
    assert answer.status_code == 202, answer.content
    assert Peer.objects.get().state == PeerState.LINKED
    assert peer.actor_fetches >= 1  # each signed, or the simulated peer would have raised


def test_a_request_to_link_waits_for_the_stewards_and_they_are_told(
    alice: Any, bob: Any, peer: FakePeer, network: Network
) -> None:
    body, headers = peer.signed(
        peer.activity("Follow", actions.actor_url()), scheme=signatures.DRAFT
    )
    assert post_inbox(body, headers).status_code == 202
    pending = Peer.objects.get()
    assert pending.state == PeerState.PENDING
    assert pending.account is not None
    assert not pending.account.has_usable_password()
    member = Client()
    member.force_login(bob)
    assert (
        member.post(f"/federation/peers/{pending.pk}/decide/", {"decision": "accept"}).status_code
        == 403
    )
    steward = Client()
    steward.force_login(alice)
    page = steward.get("/federation/").content.decode()
    assert "Hillside Riders" in page
    assert 'data-testid="accept-link"' in page
    steward.post(f"/federation/peers/{pending.pk}/decide/", {"decision": "accept"})
    assert Peer.objects.get().state == PeerState.LINKED
    actions.deliver_due()
    assert peer.received[-1]["type"] == "Accept"
    assert peer.received[-1]["object"]["id"] == pending.follow_id
    # Ending the link tells them, and their later activities are refused.
    steward.post(f"/federation/peers/{pending.pk}/end/")
    actions.deliver_due()
    assert peer.received[-1]["type"] == "Undo"
    body, headers = peer.signed(peer.activity("Announce", "https://b.example/x"))
    assert post_inbox(body, headers).status_code == 403


def _linked(alice: Any, peer: FakePeer) -> Peer:
    actions.link_with(actor=alice, handle="coop@b.example")
    actions.deliver_due()
    body, headers = peer.signed(peer.activity("Accept", peer.received[0]))
    post_inbox(body, headers)
    return Peer.objects.get()


def test_a_retried_activity_is_acted_on_once(alice: Any, peer: FakePeer, network: Network) -> None:
    _linked(alice, peer)
    activity = peer.activity("Announce", "https://b.example/releases/1", ident="same")
    start = clock.now()
    for minute in range(3):  # the peer retries, a minute apart: each time freshly signed
        with clock.set_to(start + dt.timedelta(minutes=minute)):
            body, headers = peer.signed(activity)
            answer = post_inbox(body, headers)
            assert answer.status_code == 202, answer.content
    assert Incoming.objects.filter(activity_id=activity["id"]).count() == 1
    assert Refusal.objects.filter(reason__contains="activity id was already received").count() == 2


def test_delivery_is_in_order_retried_with_backoff_and_resumes_when_the_peer_answers(
    alice: Any, peer: FakePeer, network: Network
) -> None:
    linked = _linked(alice, peer)
    sent_before = len(peer.received)
    start = clock.now()
    peer.down = True
    ids = [actions.send(linked, peer.activity("Announce", f"https://x/{i}")) for i in range(5)]
    assert [o.seq for o in ids] == sorted(o.seq for o in ids)
    attempts = 0
    for minute in range(61):  # an hour of simulated time, a delivery run each minute
        with clock.set_to(start + dt.timedelta(minutes=minute)):
            counts = actions.deliver_due()
            attempts += counts["failed"]
    # Backoff: 30 s doubling to at most an hour, so a handful of tries, not sixty.
    assert 4 <= attempts <= 9
    assert Outgoing.objects.filter(state=DeliveryState.DELIVERED, seq__gt=2).count() == 0
    linked.refresh_from_db()
    assert linked.unreachable_since is not None
    peer.down = False
    with clock.set_to(start + dt.timedelta(hours=3)):
        actions.deliver_due()
    arrived = [a["object"] for a in peer.received[sent_before:]]
    assert arrived == [f"https://x/{i}" for i in range(5)]
    linked.refresh_from_db()
    assert linked.unreachable_since is None


def test_a_refusal_is_not_retried_and_double_knocking_finds_the_older_signature(
    alice: Any, peer: FakePeer, network: Network
) -> None:
    linked = _linked(alice, peer)
    peer.answer = 422
    actions.send(linked, peer.activity("Announce", "https://x/refused"))
    assert actions.deliver_due()["refused"] == 1
    assert actions.deliver_due() == {"delivered": 0, "refused": 0, "failed": 0}
    peer.answer = 202
    peer.refuse_rfc9421 = True
    actions.send(linked, peer.activity("Announce", "https://x/draft"))
    assert actions.deliver_due()["delivered"] == 1
    assert "Signature-Input" not in peer.received_headers[-1]
    linked.refresh_from_db()
    assert linked.prefers_draft


def test_backoff_doubles_to_an_hour() -> None:
    assert [actions.backoff(n).total_seconds() for n in (1, 2, 3, 8, 50)] == [
        30,
        60,
        120,
        3600,
        3600,
    ]


def test_where_the_bylaws_say_so_the_members_vote_on_a_link(
    alice: Any, bob: Any, carol: Any, peer: FakePeer, network: Network
) -> None:
    from commonwork.governance.actions import ballots, lifecycle
    from commonwork.governance.actions.parameters import set_parameter

    set_parameter(actor=alice, name="federation.link_by_vote", value="1", reason="Members decide")
    body, headers = peer.signed(peer.activity("Follow", actions.actor_url()))
    assert post_inbox(body, headers).status_code == 202
    pending = Peer.objects.get()
    with pytest.raises(actions.FederationError):
        actions.decide_link(actor=alice, peer_id=pending.pk, accept=True)
    steward = Client()
    steward.force_login(alice)
    steward.post(f"/federation/peers/{pending.pk}/decide/", {"decision": "vote"})
    pending.refresh_from_db()
    proposal = pending.vote
    assert proposal is not None
    with clock.set_to(proposal.voting_opens_at):
        lifecycle.open_voting(proposal_id=proposal.pk)
        for voter in (alice, bob, carol):
            ballots.cast_ballot(actor=voter, proposal_id=proposal.pk, choice="answer", answer=["1"])
    with clock.set_to(proposal.voting_closes_at):
        lifecycle.close_voting(proposal_id=proposal.pk)
        assert Peer.objects.get().state == PeerState.LINKED
        actions.deliver_due()
    assert peer.received[0]["type"] == "Accept"
