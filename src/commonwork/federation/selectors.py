"""What federation's pages and documents read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from commonwork.commons.models import Release
from commonwork.commons.statistics import STATISTICS
from commonwork.core import clock
from commonwork.federation.actions import is_unreachable
from commonwork.federation.models import (
    DeliveryState,
    Mirror,
    MirrorState,
    Overflow,
    Peer,
    PeerRelease,
    PeerState,
    Refusal,
)
from commonwork.members.models import Cooperative, Membership, MembershipStatus
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task


def what_we_offer() -> dict[str, Any]:
    """NodeInfo's figures and metadata: members, the kinds of work and areas of the last
    90 days' tasks, languages and the statistics the commons publishes."""
    coop = Cooperative.objects.get(pk=1)
    since = clock.now() - dt.timedelta(days=90)
    recent = Task.objects.filter(created_at__gte=since)
    members = Membership.objects.filter(status=MembershipStatus.ACTIVE)
    return {
        "members": members.count(),
        "active_month": recent.filter(created_at__gte=clock.now() - dt.timedelta(days=30))
        .exclude(worker=None)
        .values("worker")
        .distinct()
        .count(),
        "name": coop.name,
        "kinds": sorted(set(recent.values_list("kind", flat=True))),
        "areas": sorted({r for r in recent.values_list("region", flat=True) if r}),
        "languages": list(coop.languages or []),
        "statistics": sorted(STATISTICS),
        "open_to_links": True,
    }


@dataclass(frozen=True)
class PeerRow:
    peer: Peer
    waiting: int
    refused: int
    unreachable: bool


def peers_with_queues(now: dt.datetime) -> list[PeerRow]:
    rows = Peer.objects.annotate(
        waiting=Count("outgoing", filter=Q(outgoing__state=DeliveryState.PENDING)),
        refused=Count("outgoing", filter=Q(outgoing__state=DeliveryState.REFUSED)),
    )
    return [PeerRow(p, p.waiting, p.refused, is_unreachable(p, now)) for p in rows]


def peer_with_account(peer_id: int) -> Peer | None:
    """A linked (or once linked) co-op that has an account in our books."""
    return Peer.objects.filter(pk=peer_id, account__isnull=False).first()


def recent_refusals(limit: int = 20) -> list[Refusal]:
    return list(Refusal.objects.all()[:limit])


def shared_work() -> dict[str, Any]:
    """The stewards' view of work shared with linked co-ops: our open tasks that could be
    offered, what we offered and who took it, and what linked co-ops ask of us."""
    offered = set(Overflow.objects.values_list("task_id", flat=True))
    linked = Peer.objects.filter(state=PeerState.LINKED).exists()
    return {
        "can_offer": linked,
        "open_tasks": [
            t
            for t in Task.objects.filter(
                status=TaskStatus.OPEN, partner_price_minor__isnull=True
            ).order_by("deadline")[:50]
            if t.pk not in offered
        ],
        "overflows": list(
            Overflow.objects.select_related("task", "peer").order_by("-created_at")[:50]
        ),
        "requests": list(
            Mirror.objects.select_related("peer", "task")
            .exclude(state=MirrorState.DECLINED)
            .order_by("-created_at")[:50]
        ),
    }


@dataclass(frozen=True)
class SourceRelease:
    source: str  # the co-op that published it
    ours: bool
    period_start: dt.date
    period_end: dt.date
    epsilon: float
    figures: list[dict[str, Any]]


@dataclass(frozen=True)
class FederatedStatistic:
    statistic: str
    title: str  # marked for translation where the commons defines it
    releases: list[SourceRelease]
    totals: list[dict[str, Any]]  # counts summed over the co-ops, with summed intervals


def federated_observatory() -> list[FederatedStatistic]:
    """Each statistic's newest release from this co-op and from each linked co-op, as each
    published it; counts also summed (sums of noisy figures: no co-op's raw data)."""
    coop = Cooperative.objects.get(pk=1).name
    newest: dict[str, list[SourceRelease]] = {}
    seen: set[str] = set()
    for r in Release.objects.order_by("-period_end", "-number"):
        if r.statistic not in seen:
            seen.add(r.statistic)
            newest.setdefault(r.statistic, []).append(
                SourceRelease(coop, True, r.period_start, r.period_end, r.epsilon, list(r.figures))
            )
    taken: set[tuple[int, str]] = set()
    for p in PeerRelease.objects.select_related("peer").order_by("-period_end", "-received_at"):
        if (p.peer_id, p.statistic) not in taken and p.peer.state == PeerState.LINKED:
            taken.add((p.peer_id, p.statistic))
            newest.setdefault(p.statistic, []).append(
                SourceRelease(
                    str(p.peer), False, p.period_start, p.period_end, p.epsilon, list(p.figures)
                )
            )
    out = []
    for statistic in sorted(newest):
        releases = newest[statistic]
        sums: dict[tuple[str, str], dict[str, Any]] = {}
        if len(releases) > 1:
            for release in releases:
                for f in release.figures:
                    if f.get("unit") != "count":
                        continue
                    row = sums.setdefault(
                        (f["measure"], f["group"]),
                        {
                            "measure": f["measure"],
                            "group": f["group"],
                            "value": 0.0,
                            "low": 0.0,
                            "high": 0.0,
                        },
                    )
                    for key in ("value", "low", "high"):
                        row[key] += float(f[key])
        spec = STATISTICS.get(statistic)
        labels = dict(spec.measures) if spec else {}
        for release in releases:
            for f in release.figures:
                f["label"] = labels.get(f["measure"], f["measure"])
        for row in sums.values():
            row["label"] = labels.get(row["measure"], row["measure"])
        title = spec.title if spec else statistic
        out.append(FederatedStatistic(statistic, title, releases, list(sums.values())))
    return out
