"""Federation's actions: the co-op's key, finding and linking peers, receiving signed
activities (each once) and delivering ours (a queue per peer, in order, retried).

What an activity does once it is accepted is decided by the handler registered for its
kind (`HANDLERS`): linking here, overflow work and statistics in their own modules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext

from commonwork.core import audit, clock
from commonwork.core.errors import DomainError
from commonwork.federation import documents, signatures, transport
from commonwork.federation.models import (
    DeliveryState,
    Incoming,
    LocalKey,
    Outgoing,
    Peer,
    PeerKey,
    PeerState,
    Refusal,
    SeenSignature,
)
from commonwork.governance.actions.proposals import ProposalContent, propose
from commonwork.governance.hooks import ProposalClosed
from commonwork.governance.models import BallotMethod, ProposalKind
from commonwork.governance.parameters import read_parameter
from commonwork.members.actions import service_account
from commonwork.members.models import Cooperative, Role, User
from commonwork.members.selectors import require_role
from commonwork.vault.keys import master

log = logging.getLogger("commonwork.federation")

ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
RETRY_FIRST = dt.timedelta(seconds=30)
RETRY_MOST = dt.timedelta(hours=1)


class FederationError(DomainError):
    """A federation step that cannot be taken; the message says why."""


class Refused(Exception):  # noqa: N818 - a refusal with its reason and HTTP status
    def __init__(self, reason: str, status: int = 401) -> None:
        self.reason = reason
        self.status = status
        super().__init__(reason)


# --- who we are -------------------------------------------------------------------------


def origin() -> str:
    return str(settings.COMMONWORK_PUBLIC_URL)


def actor_url() -> str:
    return f"{origin()}/federation/actor"


def signing_key() -> tuple[rsa.RSAPrivateKey, str]:
    """The co-op's current private key and its public PEM (made on first use)."""
    row = LocalKey.objects.first()
    if row is None:
        key = signatures.new_private_key()
        row = LocalKey.objects.create(
            created_at=clock.now(),
            private_sealed=master().encrypt(signatures.private_pem(key)),
            public_pem=signatures.public_pem(key),
        )
        return key, row.public_pem
    return signatures.load_private(master().decrypt(bytes(row.private_sealed))), row.public_pem


def rotate_key(*, actor: User) -> LocalKey:
    """A new key pair signs from now on. Peers notice at the first request their cached
    key cannot verify, and fetch the actor document again."""
    require_role(actor, Role.STEWARD)
    key = signatures.new_private_key()
    row = LocalKey.objects.create(
        created_at=clock.now(),
        private_sealed=master().encrypt(signatures.private_pem(key)),
        public_pem=signatures.public_pem(key),
    )
    audit.record(actor=actor, action="federation.rotate_key", obj=row)
    return row


def actor_document() -> dict[str, Any]:
    coop = Cooperative.objects.get(pk=1)
    _, public = signing_key()
    return documents.actor(
        origin=origin(),
        name=coop.name,
        summary=coop.bylaws.split("\n", 1)[0][:300],
        public_pem=public,
        languages=list(coop.languages or []),
    )


def new_id() -> str:
    return secrets.token_urlsafe(12)


# --- talking to peers -------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.COMMONWORK_FEDERATION_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise FederationError(
            "bad_peer_url",
            "Not an address a co-op can have: {url}",
            field="handle",
            params={"url": url[:100]},
        )


def signed_get(url: str) -> dict[str, Any]:
    """A peer's JSON document, fetched with our signature (some servers require it)."""
    _check_url(url)
    key, _ = signing_key()
    headers = signatures.sign(
        "GET",
        url,
        b"",
        key=key,
        key_id=documents.key_id(origin()),
        scheme=signatures.DRAFT,
        now=clock.now(),
    )
    try:
        status, body = transport.current().get(url, {**headers, "Accept": ACTIVITY_JSON})
    except transport.Unreachable as error:
        raise FederationError(
            "peer_unreachable", "No answer from {place}.", params={"place": url}
        ) from error
    if status != 200:
        raise FederationError(
            "peer_refused", "{place} answered {status}.", params={"place": url, "status": status}
        )
    try:
        document = json.loads(body)
    except ValueError as error:
        raise FederationError(
            "peer_not_json", "{place} did not answer with JSON.", params={"place": url}
        ) from error
    if not isinstance(document, dict):
        raise FederationError(
            "peer_not_json", "{place} did not answer with JSON.", params={"place": url}
        )
    return document


def resolve(handle: str) -> str:
    """A peer's actor URL from `coop@host` (WebFinger, RFC 7033) or the URL itself."""
    handle = handle.strip().removeprefix("acct:").removeprefix("@")
    if handle.startswith(("https://", "http://")):
        return handle
    user, _, host = handle.rpartition("@")
    if not user or not host:
        raise FederationError(
            "bad_handle",
            "Write the co-op's address as coop@host, or its actor URL.",
            field="handle",
        )
    scheme = "http" if settings.COMMONWORK_FEDERATION_HTTP and _is_loopback(host) else "https"
    url = f"{scheme}://{host}/.well-known/webfinger?resource={quote(f'acct:{handle}')}"
    try:
        status, body = transport.current().get(url, {"Accept": "application/jrd+json"})
    except transport.Unreachable as error:
        raise FederationError(
            "peer_unreachable", "No answer from {place}.", params={"place": host}
        ) from error
    if status != 200:
        raise FederationError(
            "peer_unknown",
            "{place} does not know {handle}.",
            params={"place": host, "handle": handle},
        )
    links = json.loads(body).get("links", [])
    for link in links:
        if link.get("rel") == "self" and "activity+json" in str(link.get("type", "")):
            return str(link["href"])
    raise FederationError(
        "peer_unknown", "{place} does not know {handle}.", params={"place": host, "handle": handle}
    )


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name in ("127.0.0.1", "localhost", "[::1]")


def fetch_actor(url: str) -> dict[str, Any]:
    document = signed_get(url)
    if document.get("id") != url or not document.get("inbox"):
        raise FederationError(
            "peer_not_actor", "{place} is not a co-op's actor.", params={"place": url}
        )
    key = document.get("publicKey") or {}
    if not isinstance(key, dict) or not key.get("publicKeyPem") or key.get("owner") != url:
        raise FederationError(
            "peer_no_key", "{place} publishes no key of its own.", params={"place": url}
        )
    PeerKey.objects.update_or_create(
        key_id=str(key["id"]),
        defaults={
            "actor_url": url,
            "public_pem": str(key["publicKeyPem"]),
            "fetched_at": clock.now(),
        },
    )
    return document


def _actor_of_key(key_id: str) -> str:
    return key_id.split("#", 1)[0]


def public_key(key_id: str, *, fresh: bool = False) -> rsa.RSAPublicKey | None:
    """A peer's key by its id: cached, or fetched from its actor document."""
    row = None if fresh else PeerKey.objects.filter(key_id=key_id).first()
    if row is None:
        try:
            fetch_actor(_actor_of_key(key_id))
        except FederationError:
            return None
        row = PeerKey.objects.filter(key_id=key_id).first()
        if row is None:
            return None
    return signatures.load_public(row.public_pem)


# --- receiving ---------------------------------------------------------------------------


def _refuse(reason: str, *, key_id: str = "", path: str = "", status: int = 401) -> Refused:
    Refusal.objects.create(at=clock.now(), reason=reason[:300], key_id=key_id[:300], path=path)
    log.warning("federation: refused %s (%s): %s", path, key_id, reason)
    return Refused(reason, status)


def verify_request(
    method: str, url: str, headers: dict[str, str], body: bytes, *, path: str = ""
) -> signatures.Verified:
    """A request's signature checked, with the key fetched or refreshed as needed, and a
    signature seen before refused as a replay. Refused (logged) if not genuine."""
    now = clock.now()
    key_id = signatures.key_id_of(headers) or ""
    try:
        try:
            verified = signatures.verify(method, url, headers, body, public_key=public_key, now=now)
        except signatures.SignatureRefused as first:
            cached = PeerKey.objects.filter(key_id=key_id).exists()
            if not cached or "signed at" in first.reason or "digest" in first.reason:
                raise
            # The peer may have rotated its key: fetch it again, once.
            verified = signatures.verify(
                method, url, headers, body, public_key=lambda k: public_key(k, fresh=True), now=now
            )
    except signatures.SignatureRefused as error:
        raise _refuse(error.reason, key_id=key_id, path=path) from error
    digest = hashlib.sha256(verified.signature).hexdigest()
    try:
        with transaction.atomic():
            SeenSignature.objects.create(digest=digest, seen_at=now)
    except IntegrityError as error:
        raise _refuse(
            "replayed: this signature was already used", key_id=key_id, path=path
        ) from error
    return verified


@dataclass(frozen=True)
class Received:
    activity: dict[str, Any]
    peer: Peer | None
    actor_url: str
    # The sender's actor document, fetched before the transaction opens (for a Follow):
    # no network call while the database's write lock is held.
    actor_document: dict[str, Any] | None = None


Handler = Callable[[Received], str]
# (activity type, its object's type or "") → what to do; `register` adds to it.
HANDLERS: dict[tuple[str, str], Handler] = {}
# Activities a co-op not (yet) linked with us may send: asking for, and deciding on, a link.
LINKING = {"Follow", "Accept", "Reject", "Undo"}


def register(kind: str, object_type: str = "") -> Callable[[Handler], Handler]:
    def add(handler: Handler) -> Handler:
        HANDLERS[(kind, object_type)] = handler
        return handler

    return add


def _object_type(activity: dict[str, Any]) -> str:
    obj = activity.get("object")
    return str(obj.get("type", "")) if isinstance(obj, dict) else ""


def receive(activity: dict[str, Any], verified: signatures.Verified, *, path: str = "") -> str:
    """An activity from a verified peer, acted on once (a retried delivery is answered
    as received and not acted on again). Returns what was done, for the log."""
    actor = str(activity.get("actor", ""))
    ident = str(activity.get("id", ""))
    kind = str(activity.get("type", ""))
    if not ident or not kind or not actor:
        raise _refuse("an activity needs an id, a type and an actor", path=path, status=400)
    if _actor_of_key(verified.key_id) != actor:
        raise _refuse("signed by one actor on behalf of another", key_id=verified.key_id, path=path)
    if urlsplit(ident).hostname != urlsplit(actor).hostname:
        raise _refuse("the activity's id is not on its actor's server", path=path, status=400)
    peer = Peer.objects.filter(actor_url=actor).first()
    if kind not in LINKING and (peer is None or peer.state != PeerState.LINKED):
        raise _refuse("not linked with this co-op", key_id=verified.key_id, path=path, status=403)
    handler = HANDLERS.get((kind, _object_type(activity))) or HANDLERS.get((kind, ""))
    document = fetch_actor(actor) if kind == "Follow" else None
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = Incoming.objects.create(
                    activity_id=ident,
                    actor_url=actor,
                    kind=kind,
                    activity=activity,
                    received_at=clock.now(),
                )
        except IntegrityError:
            # A replay of an activity (or a retry after a lost answer): not acted on
            # again, and logged; answered as received, so a retrying peer stops.
            Refusal.objects.create(
                at=clock.now(),
                reason="replayed: this activity id was already received",
                key_id=verified.key_id[:300],
                path=path,
            )
            return "already received"
        outcome = handler(Received(activity, peer, actor, document)) if handler else "ignored"
        row.outcome = outcome[:300]
        row.save(update_fields=["outcome"])
    return outcome


# --- linking -----------------------------------------------------------------------------


def _peer_account(name: str, actor: str) -> User:
    """The peer in our books: an account that is never a member and cannot log in."""
    host = urlsplit(actor).netloc.replace(":", "-")
    return service_account(username=f"peer-{host}", display_name=name or host)


def link_with(*, actor: User, handle: str) -> Peer:
    """A steward asks another co-op to link: its actor found, a Follow sent."""
    require_role(actor, Role.STEWARD)
    url = resolve(handle)
    if url == actor_url():
        raise FederationError("self_link", "That is this co-op.", field="handle")
    document = fetch_actor(url)
    with transaction.atomic():
        peer, _ = Peer.objects.get_or_create(
            actor_url=url,
            defaults={
                "inbox_url": str(document["inbox"]),
                "created_at": clock.now(),
                "state": PeerState.ASKED,
            },
        )
        if peer.state == PeerState.LINKED:
            raise FederationError("already_linked", "This co-op is already linked.", field="handle")
        follow = documents.activity("Follow", origin=origin(), ident=new_id(), obj=url, to=url)
        peer.handle = handle.strip()
        peer.name = str(document.get("name") or "")[:120]
        peer.inbox_url = str(
            (document.get("endpoints") or {}).get("sharedInbox") or document["inbox"]
        )
        peer.state = PeerState.ASKED
        peer.follow_id = follow["id"]
        peer.account = peer.account or _peer_account(peer.name, url)
        peer.save()
        send(peer, follow)
        audit.record(actor=actor, action="federation.ask_link", obj=peer, data={"actor": url})
    return peer


@register("Follow")
def _on_follow(received: Received) -> str:
    if received.activity.get("object") != actor_url():
        return "ignored: a Follow of someone else"
    document = received.actor_document or fetch_actor(received.actor_url)
    peer, _created = Peer.objects.get_or_create(
        actor_url=received.actor_url,
        defaults={
            "inbox_url": str(document["inbox"]),
            "created_at": clock.now(),
            "state": PeerState.PENDING,
        },
    )
    peer.follow_id = str(received.activity["id"])
    peer.name = str(document.get("name") or "")[:120]
    peer.inbox_url = str((document.get("endpoints") or {}).get("sharedInbox") or document["inbox"])
    peer.account = peer.account or _peer_account(peer.name, peer.actor_url)
    if peer.state in (PeerState.LINKED, PeerState.ASKED):
        # Both asked, or they ask again: linked, and they are told so.
        peer.state = PeerState.LINKED
        peer.save()
        _answer(peer, "Accept")
        _linked_now(peer)
        return "linked"
    peer.state = PeerState.PENDING
    peer.save()
    return "waiting for the stewards"


def _answer(peer: Peer, kind: str) -> None:
    follow = {
        "id": peer.follow_id,
        "type": "Follow",
        "actor": peer.actor_url,
        "object": actor_url(),
    }
    send(
        peer,
        documents.activity(kind, origin=origin(), ident=new_id(), obj=follow, to=peer.actor_url),
    )


def _linked_now(peer: Peer) -> None:
    """A link is made: the co-op gets our newest published statistics."""
    from commonwork.federation.actions.statistics import announce_latest

    announce_latest(peer)


LINK_OPTIONS = ("Link with this co-op", "Do not link")


def by_vote() -> bool:
    return int(read_parameter("federation.link_by_vote")) == 1


def decide_link(*, actor: User, peer_id: int, accept: bool) -> Peer:
    """The stewards decide on a co-op's request to link, where the bylaws leave it to
    them (`federation.link_by_vote` 0), and the co-op is told."""
    require_role(actor, Role.STEWARD)
    if by_vote():
        raise FederationError(
            "by_vote", "The members decide on links by a vote: put the request to the vote."
        )
    return _decide(actor, peer_id, accept)


def put_link_to_vote(*, actor: User, peer_id: int) -> Peer:
    """A steward puts a co-op's request to link to the members' vote (a free decision
    with two options); its result decides the link when the vote closes."""
    require_role(actor, Role.STEWARD)
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(pk=peer_id).first()
        if peer is None or peer.state != PeerState.PENDING or peer.vote_id is not None:
            raise FederationError("not_pending", "There is no such request to decide.")
        opens = clock.now() + dt.timedelta(hours=int(read_parameter("notice_hours.free_decision")))
        closes = opens + dt.timedelta(hours=int(read_parameter("voting_hours.free_decision")))
        # Written in the steward's language, as if they had typed it (the vote's text).
        with translation.override(actor.preferred_language or None):
            title = gettext("Link with %(name)s?") % {"name": peer}
            reason = gettext(
                "%(name)s (%(url)s) asks to link with our co-op: work either co-op cannot "
                "cover may go to the other, and our published statistics to them."
            ) % {"name": peer, "url": peer.actor_url}
        peer.vote = propose(
            actor=actor,
            kind=ProposalKind.FREE_DECISION,
            title=title,
            reason=reason,
            voting_opens_at=opens,
            voting_closes_at=closes,
            content=ProposalContent(method=BallotMethod.SINGLE, options=LINK_OPTIONS),
        )
        peer.save(update_fields=["vote"])
        audit.record(actor=actor, action="federation.link_to_vote", obj=peer)
    return peer


def settle_link_vote(event: ProposalClosed) -> None:
    """The members' vote on a link closed: linked if "Link with this co-op" won."""
    peer = Peer.objects.filter(vote=event.proposal, state=PeerState.PENDING).first()
    if peer is None:
        return
    options = {str(o["key"]): o["label"] for o in event.proposal.options}
    winners = [options.get(str(key), "") for key in event.result.get("winners", [])]
    accept = event.result.get("outcome") == "passed" and winners == [LINK_OPTIONS[0]]
    _decide(None, peer.pk, accept)


def _decide(actor: User | None, peer_id: int, accept: bool) -> Peer:
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(pk=peer_id).first()
        if peer is None or peer.state != PeerState.PENDING:
            raise FederationError("not_pending", "There is no such request to decide.")
        peer.state = PeerState.LINKED if accept else PeerState.REFUSED
        peer.decided_at = clock.now()
        peer.save(update_fields=["state", "decided_at"])
        _answer(peer, "Accept" if accept else "Reject")
        if accept:
            _linked_now(peer)
        audit.record(
            actor=actor,
            action="federation.accept_link" if accept else "federation.refuse_link",
            obj=peer,
        )
    return peer


def end_link(*, actor: User, peer_id: int) -> Peer:
    require_role(actor, Role.STEWARD)
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(pk=peer_id).first()
        if peer is None or peer.state not in (PeerState.LINKED, PeerState.ASKED):
            raise FederationError("not_linked", "This co-op is not linked.")
        follow = {"id": peer.follow_id, "type": "Follow"}
        send(
            peer,
            documents.activity(
                "Undo", origin=origin(), ident=new_id(), obj=follow, to=peer.actor_url
            ),
        )
        peer.state = PeerState.ENDED
        peer.decided_at = clock.now()
        peer.save(update_fields=["state", "decided_at"])
        audit.record(actor=actor, action="federation.end_link", obj=peer)
    return peer


def _follow_id(activity: dict[str, Any]) -> str:
    obj = activity.get("object")
    return str(obj.get("id", "")) if isinstance(obj, dict) else str(obj or "")


def _decided(received: Received, state: PeerState) -> Peer | None:
    """The link's state set by the other co-op's answer to, or undoing of, the Follow;
    None if the activity is about no request of ours."""
    peer = received.peer
    if peer is None or _follow_id(received.activity) != peer.follow_id:
        return None
    if state != PeerState.LINKED or peer.state == PeerState.ASKED:
        peer.state = state
        peer.decided_at = clock.now()
        peer.save(update_fields=["state", "decided_at"])
        if state == PeerState.LINKED:
            _linked_now(peer)
    return peer


@register("Accept", "Follow")
@register("Accept")
def _on_accept(received: Received) -> str:
    return "linked" if _decided(received, PeerState.LINKED) else "ignored: no request of ours"


@register("Reject")
def _on_reject(received: Received) -> str:
    return "refused" if _decided(received, PeerState.REFUSED) else "ignored: no request of ours"


@register("Undo")
def _on_undo(received: Received) -> str:
    return "link ended" if _decided(received, PeerState.ENDED) else "ignored"


# --- sending ------------------------------------------------------------------------------


def send(peer: Peer, activity: dict[str, Any]) -> Outgoing:
    """Queue an activity for a peer, after everything queued for it before. The peer's
    row is locked while the next number is taken, so two senders never take the same."""
    with transaction.atomic():
        Peer.objects.select_for_update().filter(pk=peer.pk).first()
        last = Outgoing.objects.filter(peer=peer).aggregate(m=Max("seq"))["m"] or 0
        now = clock.now()
        return Outgoing.objects.create(
            peer=peer,
            seq=last + 1,
            activity_id=str(activity["id"]),
            activity=activity,
            next_attempt_at=now,
            created_at=now,
        )


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after `attempts` failed tries: 30 s, doubling, at most an hour."""
    wait: dt.timedelta = RETRY_FIRST * 2 ** min(max(0, attempts - 1), 20)
    return min(RETRY_MOST, wait)


def _post(peer: Peer, item: Outgoing, scheme: str) -> tuple[int, bytes]:
    key, _ = signing_key()
    body = json.dumps(item.activity, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signatures.sign(
        "POST",
        peer.inbox_url,
        body,
        key=key,
        key_id=documents.key_id(origin()),
        scheme=scheme,
        now=clock.now(),
    )
    headers["Content-Type"] = LD_JSON
    return transport.current().post(peer.inbox_url, headers, body)


def deliver_due(now: dt.datetime | None = None) -> dict[str, int]:
    """Try each peer's next waiting activity whose time has come, and the ones after it
    while they go through. A refusal (4xx) is final for that activity; no answer or a
    server error is tried again later, in order."""
    when = now or clock.now()
    counts = {"delivered": 0, "refused": 0, "failed": 0}
    for peer in Peer.objects.filter(outgoing__state=DeliveryState.PENDING).distinct():
        while True:
            item = (
                Outgoing.objects.filter(peer=peer, state=DeliveryState.PENDING)
                .order_by("seq")
                .first()
            )
            if item is None or item.next_attempt_at > when:
                break
            outcome = _deliver_one(peer, item, when)
            counts[outcome] += 1
            if outcome == "failed":
                break
    return counts


def _deliver_one(peer: Peer, item: Outgoing, when: dt.datetime) -> str:
    item.attempts += 1
    scheme = signatures.DRAFT if peer.prefers_draft else signatures.RFC9421
    try:
        status, answer = _post(peer, item, scheme)
        if status in (400, 401, 403) and scheme == signatures.RFC9421:
            # Double-knocking: a peer that refuses RFC 9421 may take the older draft.
            draft_status, draft_answer = _post(peer, item, signatures.DRAFT)
            if 200 <= draft_status < 300:
                peer.prefers_draft = True
                status, answer = draft_status, draft_answer
    except transport.Unreachable as error:
        status, answer = 0, str(error).encode()
    if 200 <= status < 300:
        item.state, item.delivered_at, item.last_error = DeliveryState.DELIVERED, when, ""
        peer.unreachable_since, peer.last_delivered_at = None, when
        outcome = "delivered"
    elif 400 <= status < 500:
        item.state = DeliveryState.REFUSED
        item.last_error = f"{status}: {answer[:200].decode(errors='replace')}"
        peer.unreachable_since, peer.last_delivered_at = None, when
        outcome = "refused"
    else:
        item.next_attempt_at = when + backoff(item.attempts)
        item.last_error = (f"{status}: " if status else "") + answer[:200].decode(errors="replace")
        peer.unreachable_since = peer.unreachable_since or when
        outcome = "failed"
    item.save(update_fields=["attempts", "state", "delivered_at", "last_error", "next_attempt_at"])
    peer.save(update_fields=["unreachable_since", "last_delivered_at", "prefers_draft"])
    return outcome


def is_unreachable(peer: Peer, now: dt.datetime | None = None) -> bool:
    if peer.unreachable_since is None:
        return False
    limit = dt.timedelta(hours=int(read_parameter("federation.unreachable_after_hours")))
    return (now or clock.now()) - peer.unreachable_since >= limit


def forget_old_signatures(now: dt.datetime | None = None) -> int:
    """Signatures older than twice the skew window: their time alone now refuses them."""
    cutoff = (now or clock.now()) - 2 * signatures.SKEW
    deleted, _ = SeenSignature.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
