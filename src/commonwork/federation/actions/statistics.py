"""Shared statistics: each commons release is announced to the linked co-ops, and theirs
are kept as they published them (noisy figures, intervals, ε), for the federated
observatory. Nothing but published figures crosses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonwork.commons.hooks import ReleasePublished
from commonwork.commons.models import Release
from commonwork.core import clock
from commonwork.federation import documents
from commonwork.federation.actions import Received, new_id, origin, register, send
from commonwork.federation.models import Peer, PeerRelease, PeerState

RELEASE = "commonwork:release"


def release_document(release: Release) -> dict[str, Any]:
    return {
        "id": f"{origin()}/commons/releases/{release.pk}/",
        "type": "Document",
        "attributedTo": f"{origin()}/federation/actor",
        "name": release.statistic,
        "mediaType": "application/json",
        RELEASE: {
            "statistic": release.statistic,
            "version": release.version,
            "periodStart": release.period_start.isoformat(),
            "periodEnd": release.period_end.isoformat(),
            "epsilon": release.epsilon,
            "delta": release.delta,
            "figures": release.figures,
        },
    }


def announce(peer: Peer, release: Release) -> None:
    send(
        peer,
        documents.activity(
            "Announce",
            origin=origin(),
            ident=new_id(),
            obj=release_document(release),
            to=peer.actor_url,
        ),
    )


def on_release_published(event: ReleasePublished) -> None:
    for peer in Peer.objects.filter(state=PeerState.LINKED):
        announce(peer, event.release)


def announce_latest(peer: Peer) -> None:
    """A new link: the newest release of each statistic, so its observatory has ours."""
    seen: set[str] = set()
    for release in Release.objects.order_by("-period_end", "-number"):
        if release.statistic not in seen:
            seen.add(release.statistic)
            announce(peer, release)


@register("Announce", "Document")
def _on_release(received: Received) -> str:
    document = received.activity["object"]
    body = document.get(RELEASE)
    peer = received.peer
    if peer is None or not isinstance(body, dict):
        return "ignored: not a release"
    if document.get("attributedTo") != received.actor_url:
        return "ignored: not the sender's release"
    try:
        figures = [
            {
                "measure": str(f["measure"]),
                "group": str(f.get("group", "")),
                "value": float(f["value"]),
                "low": float(f["low"]),
                "high": float(f["high"]),
                "unit": str(f.get("unit", "")),
            }
            for f in body["figures"]
        ]
        values = {
            "peer": peer,
            "statistic": str(body["statistic"])[:40],
            "period_start": dt.date.fromisoformat(str(body["periodStart"])),
            "period_end": dt.date.fromisoformat(str(body["periodEnd"])),
            "epsilon": float(body["epsilon"]),
            "figures": figures,
            "received_at": clock.now(),
        }
    except (KeyError, TypeError, ValueError):
        return "ignored: a release not in the expected shape"
    PeerRelease.objects.update_or_create(url=str(document.get("id", ""))[:200], defaults=values)
    return "release kept"
