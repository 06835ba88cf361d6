"""The equity report, as a pure function: how dispatch treats each self-declared group —
offers and earnings per engaged hour — published only with differential privacy.

Each member who consented to declare a group counts once per dimension (groups of a
dimension are disjoint, so they compose in parallel); the dimensions and the three
measures compose in sequence, so each measure of each dimension gets an even share of
the release's epsilon. Per-member values are clamped to public bounds before summing, so
one member changes a sum by at most the bound (the Laplace scale is bound ÷ share). A
group whose noisy count is under MIN_GROUP is not shown. The noise is drawn by OpenDP's
Laplace mechanism, passed in as `noise(value, sensitivity, epsilon)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from commonwork.core.marks import N_

# Dimensions and their groups, as members may declare them (never required).
DIMENSIONS: dict[str, dict[str, str]] = {
    "gender": {"woman": N_("women"), "man": N_("men"), "non_binary": N_("non-binary people")},
    "origin": {"migrant": N_("migrants"), "local": N_("born in the country")},
}
DIMENSION_LABELS = {"gender": N_("Gender"), "origin": N_("Origin")}
MEASURES = ("members", "offers_per_hour", "earnings_per_hour_minor")
# Public bounds of a member's value: above them a member counts as at the bound.
OFFERS_PER_HOUR_BOUND = 6.0
EARNINGS_PER_HOUR_BOUND = 6_000.0  # minor units an engaged hour
MIN_GROUP = 5

Noise = Callable[[float, float, float], float]


@dataclass(frozen=True)
class MemberStats:
    engaged_hours: float
    offers: int
    earnings_minor: int


@dataclass(frozen=True)
class GroupRow:
    dimension: str
    group: str
    members: float | None  # noisy; None: too few to show
    offers_per_hour: float | None
    earnings_per_hour_minor: float | None


def _clamp(value: float, bound: float) -> float:
    return min(max(value, 0.0), bound)


def _noisy_rate_sum(
    rates: Sequence[MemberStats], field: str, bound: float, share: float, noise: Noise
) -> float:
    """The members' per-engaged-hour values of `field`, each clamped to the bound, summed
    with noise for a sensitivity of the bound."""
    total = sum(
        _clamp(getattr(r, field) / r.engaged_hours, bound) for r in rates if r.engaged_hours > 0
    )
    return noise(total, bound, share)


def equity_rows(
    stats: Mapping[int, MemberStats],
    declarations: Mapping[int, Mapping[str, str]],
    *,
    epsilon: float,
    noise: Noise,
) -> list[GroupRow]:
    """One row per declared group of every dimension, noisy, small groups suppressed."""
    if epsilon <= 0:
        raise ValueError("epsilon must be above zero")
    share = epsilon / (len(DIMENSIONS) * len(MEASURES))
    rows = []
    for dimension, groups in DIMENSIONS.items():
        for group in groups:
            members = [
                m for m, declared in declarations.items() if declared.get(dimension) == group
            ]
            rates = [stats.get(m, MemberStats(0.0, 0, 0)) for m in members]
            count = noise(float(len(members)), 1.0, share)
            offers = _noisy_rate_sum(rates, "offers", OFFERS_PER_HOUR_BOUND, share, noise)
            earnings = _noisy_rate_sum(
                rates, "earnings_minor", EARNINGS_PER_HOUR_BOUND, share, noise
            )
            if count < MIN_GROUP:
                rows.append(GroupRow(dimension, group, None, None, None))
                continue
            rows.append(
                GroupRow(
                    dimension,
                    group,
                    round(count),
                    _clamp(offers / count, OFFERS_PER_HOUR_BOUND),
                    _clamp(earnings / count, EARNINGS_PER_HOUR_BOUND),
                )
            )
    return rows
