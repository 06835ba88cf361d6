"""The documents a co-op publishes and the activities it sends, as plain JSON. No Django.

The vocabulary is ActivityStreams 2.0, the Security vocabulary for keys, and the
Federated Marketplace (FEP-0837, built on Valueflows) for work passed between co-ops.
Documents are written and read in their compacted form: the `@context` names the
contexts, which are never fetched (docs/federation.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

AS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
VALUEFLOWS = "https://w3id.org/valueflows/ont/vf#"
PUBLIC = f"{AS}#Public"
CONTEXT: list[Any] = [
    AS,
    SECURITY,
    {
        "vf": VALUEFLOWS,
        "om2": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
        # Commonwork's own terms (a task's status, what a task needs, a release), defined
        # here inline: a reader needs no document of ours to expand them.
        "commonwork": "https://commonwork.coop/ns#",
    },
]
CURRENCY_UNITS = "https://www.wikidata.org/wiki/Q8142"  # currency; the code says which
SERVICE = "https://www.wikidata.org/wiki/Q7406919"  # service (economics)

Json = dict[str, Any]


def actor(*, origin: str, name: str, summary: str, public_pem: str, languages: list[str]) -> Json:
    base = f"{origin}/federation/actor"
    return {
        "@context": CONTEXT,
        "id": base,
        "type": "Organization",
        "preferredUsername": "coop",
        "name": name,
        "summary": summary,
        "inbox": f"{origin}/federation/inbox",
        "outbox": f"{origin}/federation/outbox",
        "url": f"{origin}/",
        "endpoints": {"sharedInbox": f"{origin}/federation/inbox"},
        "publicKey": {"id": f"{base}#main-key", "owner": base, "publicKeyPem": public_pem},
        "contentLanguages": languages,
    }


def key_id(origin: str) -> str:
    return f"{origin}/federation/actor#main-key"


def webfinger(*, origin: str, host: str) -> Json:
    return {
        "subject": f"acct:coop@{host}",
        "aliases": [f"{origin}/federation/actor"],
        "links": [
            {
                "rel": "self",
                "type": "application/activity+json",
                "href": f"{origin}/federation/actor",
            },
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": origin},
        ],
    }


def nodeinfo_links(origin: str) -> Json:
    return {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": f"{origin}/nodeinfo/2.1",
            }
        ]
    }


def nodeinfo(
    *,
    version: str,
    members: int,
    active_month: int,
    name: str,
    kinds: list[str],
    areas: list[str],
    languages: list[str],
    statistics: list[str],
    open_to_links: bool,
) -> Json:
    """NodeInfo 2.1: the software, the protocol, and in `metadata` what this co-op offers."""
    return {
        "version": "2.1",
        "software": {
            "name": "commonwork",
            "version": version,
            "repository": "https://example.org/commonwork",
            "homepage": "https://example.org/commonwork",
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": {"users": {"total": members, "activeMonth": active_month}},
        "metadata": {
            "nodeName": name,
            "cooperative": True,
            "kindsOfWork": kinds,
            "areas": areas,
            "languages": languages,
            "statistics": statistics,
            "acceptsLinks": open_to_links,
        },
    }


def activity(kind: str, *, origin: str, ident: str, obj: Any, to: str, **extra: Any) -> Json:
    return {
        "@context": CONTEXT,
        "id": f"{origin}/federation/activities/{ident}",
        "type": kind,
        "actor": f"{origin}/federation/actor",
        "object": obj,
        "to": [to],
        **extra,
    }


def quantity(value: str, unit: str) -> Json:
    return {"hasNumericalValue": value, "hasUnit": unit}


def proposal(
    *,
    origin: str,
    ident: str,
    name: str,
    kind: str,
    area: str,
    window: tuple[dt.datetime, dt.datetime],
    price: str,
    currency: str,
    details: Json,
) -> Json:
    """A request for a service (FEP-0837): the task asked for, and what will be paid."""
    pid = f"{origin}/federation/proposals/{ident}"
    return {
        "id": pid,
        "type": "Proposal",
        "attributedTo": f"{origin}/federation/actor",
        "name": name,
        "purpose": "request",
        "publishes": {
            "id": f"{pid}#primary",
            "type": "Intent",
            "action": "deliverService",
            "resourceConformsTo": SERVICE,
            "resourceQuantity": quantity("1", "one"),
            "commonwork:kind": kind,
            "commonwork:area": area,
            "hasBeginning": window[0].isoformat(),
            "hasEnd": window[1].isoformat(),
            "commonwork:task": details,
        },
        "reciprocal": {
            "id": f"{pid}#reciprocal",
            "type": "Intent",
            "action": "transfer",
            "resourceConformsTo": CURRENCY_UNITS,
            "resourceQuantity": quantity(price, currency),
        },
        "unitBased": False,
    }


def agreement(*, origin: str, ident: str, proposal: Json) -> Json:
    """An offer of an agreement answering a proposal: the service committed to, and the
    payment it asked for."""
    aid = f"{origin}/federation/agreements/{ident}"
    return {
        "id": aid,
        "type": "Agreement",
        "stipulates": {
            "id": f"{aid}#primary",
            "type": "Commitment",
            "satisfies": proposal["publishes"]["id"],
            "resourceQuantity": proposal["publishes"].get("resourceQuantity", quantity("1", "one")),
        },
        "stipulatesReciprocal": {
            "id": f"{aid}#reciprocal",
            "type": "Commitment",
            "satisfies": proposal["reciprocal"]["id"],
            "resourceQuantity": proposal["reciprocal"]["resourceQuantity"],
        },
    }
