"""The data commons' statistics, as pure functions over one row per privacy unit: the
worker × period. No Django and no app; every mechanism is OpenDP's.

A *statistic* is a named, versioned set of *queries*. Each query reads one column of
the units, clamps every unit's value to public bounds (so one unit changes the query's
answer by at most the bound), and adds OpenDP's discrete Laplace noise calibrated to a
share of the release's epsilon (`opendp.binary_search_param`, so OpenDP's own privacy
map decides the scale). The release's privacy loss is the sum of its queries' losses
(sequential composition), read back from OpenDP's maps (`privacy_loss`), never assumed.
The figures a page shows are computed from the noisy answers only (post-processing,
which spends nothing), each with a 95 % interval: a figure made of k noisy answers takes
each at 5 % ÷ k (Bonferroni), so the interval holds with 95 % at least.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import opendp.prelude as dp

from commonwork.core.marks import N_

dp.enable_features("contrib")

CONFIDENCE = 0.95
OPENDP_VERSION = importlib.metadata.version("opendp")


@dataclass(frozen=True)
class Unit:
    """One worker over one period (the privacy unit), aggregated from the records."""

    engaged_minutes: int = 0  # logged in and available or on a task, each minute once
    on_task_minutes: int = 0
    pay_minor: int = 0  # task pay and floor top-ups for the period
    weeks_over_48: int = 0  # of the period's weeks, those over 48 engaged hours
    zone: str = ""  # where most of their tasks were ("" when none)
    tasks_by_zone: Mapping[str, int] = field(default_factory=dict)
    paid_tasks: int = 0  # completed tasks whose pay has reached the worker
    payout_hours: int = 0  # hours from completion to payout, summed over those tasks
    disputes: int = 0  # disputes opened on their tasks
    decided: int = 0  # of those, decided
    decision_hours: int = 0  # hours from opening to decision, summed over those decided
    # What a member donated of their work on other platforms (bring your data):
    elsewhere_customers_paid_minor: int = 0
    elsewhere_take_minor: int = 0
    elsewhere_pay_minor: int = 0  # after vehicle costs
    elsewhere_logged_in_minutes: int = 0


@dataclass(frozen=True)
class Bounds:
    """Public bounds on one unit's contribution (governed: docs/commons.md)."""

    pay_per_hour_minor: int = 6_000
    hours_per_week: int = 80
    tasks_per_week: int = 150
    disputes_per_week: int = 5
    hours_to_payout: int = 24 * 30  # per task
    hours_to_decision: int = 24 * 30  # per dispute

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


QueryKind = Literal["sum", "count", "histogram"]


@dataclass(frozen=True)
class Query:
    """One noisy number (or, for a histogram, one per zone)."""

    name: str
    kind: QueryKind
    value: Callable[[Unit], int | str]
    upper: int  # clamp bound of a sum: one unit changes it by at most this much
    share: float  # of the release's epsilon
    text: str  # what it computes, as the budget ledger records it
    where: Callable[[Unit], bool] = lambda unit: True


@dataclass(frozen=True)
class Figure:
    measure: str
    group: str  # a zone, or "" for the whole co-op
    value: float
    low: float
    high: float
    unit: str  # "money_per_hour", "share", "hours", "count"


@dataclass(frozen=True)
class Statistic:
    key: str
    version: int
    title: str
    description: str
    queries: Callable[[Bounds, int, Sequence[str]], list[Query]]
    figures: Callable[[Mapping[str, float], Mapping[str, float], Bounds, int], list[Figure]]
    measures: Mapping[str, str]  # measure key → its label
    # Whose data it reads: members who consented to this purpose (vault.CONSENT_PURPOSES),
    # their units built by the source registered under that name (commons.units).
    purpose: str = "commons"

    @property
    def code_hash(self) -> str:
        """A digest of the code that computes it: this module's source, as deployed."""
        return code_hash()


@cache
def code_hash() -> str:
    import commonwork.commons.statistics as me

    return hashlib.sha256(inspect.getsource(me).encode()).hexdigest()


# --- the mechanisms --------------------------------------------------------------------

_INTS = (dp.vector_domain(dp.atom_domain(T=dp.i64)), dp.symmetric_distance())
_LABELS = (dp.vector_domain(dp.atom_domain(T=str)), dp.symmetric_distance())


def _sum(upper: int) -> Callable[[float], dp.Measurement]:
    return lambda scale: (
        _INTS
        >> dp.t.then_clamp((0, upper))
        >> dp.t.then_sum()  # type: ignore[no-untyped-call]
        >> dp.m.then_laplace(scale)
    )


def _count() -> Callable[[float], dp.Measurement]:
    return lambda scale: _INTS >> dp.t.then_count(TO=dp.i64) >> dp.m.then_laplace(scale)


def _histogram(zones: Sequence[str]) -> Callable[[float], dp.Measurement]:
    return lambda scale: (
        _LABELS
        >> dp.t.then_count_by_categories(categories=list(zones), null_category=False, TOA=dp.i64)
        >> dp.m.then_laplace(scale)
    )


@dataclass(frozen=True)
class Mechanism:
    query: Query
    measurement: dp.Measurement
    scale: float
    epsilon: float  # OpenDP's privacy map at one unit added or removed


def mechanism(query: Query, epsilon: float, zones: Sequence[str]) -> Mechanism:
    """The query's OpenDP measurement at the smallest scale its epsilon share allows."""
    make = (
        _sum(query.upper)
        if query.kind == "sum"
        else _count()
        if query.kind == "count"
        else _histogram(zones)
    )
    budget = epsilon * query.share
    scale = float(dp.binary_search_param(make, d_in=1, d_out=budget))
    measurement = make(scale)
    return Mechanism(query, measurement, scale, float(measurement.map(1)))  # type: ignore[no-untyped-call]


def mechanisms(
    statistic: Statistic, *, epsilon: float, bounds: Bounds, weeks: int, zones: Sequence[str]
) -> list[Mechanism]:
    if epsilon <= 0:
        raise ValueError("epsilon must be above zero")
    queries = statistic.queries(bounds, weeks, zones)
    return [mechanism(q, epsilon, zones) for q in queries]


def privacy_loss(built: Sequence[Mechanism]) -> float:
    """The release's epsilon: its queries' OpenDP privacy maps, summed (each reads every
    unit once, so they compose in sequence)."""
    return sum(m.epsilon for m in built)


def accuracy(scale: float, alpha: float) -> float:
    """The bound the noise stays within with probability 1 − alpha (OpenDP's)."""
    return float(dp.discrete_laplacian_scale_to_accuracy(scale, alpha))


@dataclass(frozen=True)
class Outcome:
    figures: list[Figure]
    epsilon: float
    scales: dict[str, float]


def run(
    statistic: Statistic,
    units: Sequence[Unit],
    *,
    epsilon: float,
    bounds: Bounds,
    weeks: int,
    zones: Sequence[str],
    built: Sequence[Mechanism] | None = None,
) -> Outcome:
    """Draw the noise once for each query and compute the figures from the answers."""
    built = built or mechanisms(statistic, epsilon=epsilon, bounds=bounds, weeks=weeks, zones=zones)
    answers: dict[str, float] = {}
    accuracies: dict[str, float] = {}
    for m in built:
        q = m.query
        column = [
            q.value(u) if q.kind == "histogram" else int(q.value(u)) for u in units if q.where(u)
        ]
        answer = m.measurement(column)
        alpha = (1 - CONFIDENCE) / 2  # every figure combines at most two answers
        if q.kind == "histogram":
            for zone, count in zip(zones, answer, strict=True):
                answers[f"{q.name}:{zone}"] = float(count)
                accuracies[f"{q.name}:{zone}"] = accuracy(m.scale, 1 - CONFIDENCE)
        else:
            answers[q.name] = float(answer)
            accuracies[q.name] = accuracy(m.scale, alpha)
    return Outcome(
        statistic.figures(answers, accuracies, bounds, weeks),
        privacy_loss(built),
        {m.query.name: m.scale for m in built},
    )


# --- turning noisy answers into figures (post-processing) -----------------------------


def ratio(
    num: float, num_accuracy: float, den: float, den_accuracy: float, *, lo: float, hi: float
) -> tuple[float, float, float]:
    """A ratio of two noisy sums, with the interval the two answers' intervals give, kept
    inside what the ratio can be at all ([lo, hi], from the clamp bounds)."""

    def inside(x: float) -> float:
        return min(max(x, lo), hi)

    value = inside(num / den) if den > 0 else (lo + hi) / 2
    low_den, high_den = den - den_accuracy, den + den_accuracy
    low = inside((num - num_accuracy) / high_den) if high_den > 0 else lo
    high = inside((num + num_accuracy) / low_den) if low_den > 0 else hi
    return value, min(low, value), max(high, value)


def ratio_figure(
    measure: str,
    answers: Mapping[str, float],
    accuracies: Mapping[str, float],
    numerator: str,
    denominator: str,
    *,
    lo: float,
    hi: float,
    unit: str,
) -> Figure:
    """A figure for the whole co-op that is one noisy answer over another."""
    value = ratio(
        answers[numerator],
        accuracies[numerator],
        answers[denominator],
        accuracies[denominator],
        lo=lo,
        hi=hi,
    )
    return Figure(measure, "", *value, unit)


def count_figure(measure: str, group: str, answer: float, acc: float) -> Figure:
    value = max(0.0, round(answer))
    return Figure(measure, group, value, max(0.0, value - acc), value + acc, "count")


def _rate(unit: Unit) -> int:
    return unit.pay_minor * 60 // unit.engaged_minutes if unit.engaged_minutes else 0


def _worked(unit: Unit) -> bool:
    return unit.engaged_minutes > 0


PAY = Statistic(
    key="pay_per_engaged_hour",
    version=1,
    title=N_("Pay per engaged hour"),
    description=N_(
        "What members earned for each hour they were logged in and available or on a "
        "task, waiting counted: task pay and floor top-ups ÷ engaged hours, averaged over "
        "the members who worked."
    ),
    queries=lambda b, weeks, zones: [
        Query(
            "rate_sum",
            "sum",
            _rate,
            b.pay_per_hour_minor,
            2 / 3,
            f"sum over workers who worked of min(pay ÷ engaged hours, {b.pay_per_hour_minor})",
            _worked,
        ),
        Query("workers", "count", lambda u: 1, 1, 1 / 3, "count of workers who worked", _worked),
    ],
    figures=lambda a, acc, b, weeks: [
        ratio_figure(
            "mean_pay_per_engaged_hour",
            a,
            acc,
            "rate_sum",
            "workers",
            lo=0,
            hi=b.pay_per_hour_minor,
            unit="money_per_hour",
        ),
        count_figure("workers", "", a["workers"], acc["workers"]),
    ],
    measures={
        "mean_pay_per_engaged_hour": N_("Mean pay per engaged hour"),
        "workers": N_("Members who worked"),
    },
)


def _weekly_minutes(b: Bounds, weeks: int) -> int:
    return b.hours_per_week * 60 * weeks


PAID_TIME = Statistic(
    key="paid_time_share",
    version=1,
    title=N_("Share of logged-in time on tasks"),
    description=N_(
        "Of all the time members were logged in and available, the share spent on tasks: "
        "on a piece-rate platform the rest is unpaid; here the floor pays it."
    ),
    queries=lambda b, weeks, zones: [
        Query(
            "on_task",
            "sum",
            lambda u: min(u.on_task_minutes, u.engaged_minutes),
            _weekly_minutes(b, weeks),
            1 / 2,
            f"sum of minutes on tasks, each worker's at most {_weekly_minutes(b, weeks)}",
        ),
        Query(
            "engaged",
            "sum",
            lambda u: u.engaged_minutes,
            _weekly_minutes(b, weeks),
            1 / 2,
            f"sum of minutes engaged, each worker's at most {_weekly_minutes(b, weeks)}",
        ),
    ],
    figures=lambda a, acc, b, weeks: [
        ratio_figure("share_on_tasks", a, acc, "on_task", "engaged", lo=0, hi=1, unit="share")
    ],
    measures={"share_on_tasks": N_("Share of engaged time on tasks")},
)


WEEKLY_HOURS = Statistic(
    key="weekly_hours",
    version=1,
    title=N_("Hours per week"),
    description=N_(
        "How many hours a week members were engaged, and how many worker-weeks went past "
        "48 hours (the co-op's cap and the EU Working Time Directive's limit)."
    ),
    queries=lambda b, weeks, zones: [
        Query(
            "engaged",
            "sum",
            lambda u: u.engaged_minutes,
            _weekly_minutes(b, weeks),
            1 / 3,
            f"sum of minutes engaged, each worker's at most {_weekly_minutes(b, weeks)}",
            _worked,
        ),
        Query(
            "over_48",
            "sum",
            lambda u: u.weeks_over_48,
            weeks,
            1 / 3,
            f"sum of weeks over 48 hours, each worker's at most {weeks}",
            _worked,
        ),
        Query("workers", "count", lambda u: 1, 1, 1 / 3, "count of workers who worked", _worked),
    ],
    figures=lambda a, acc, b, weeks: [
        Figure(
            "hours_per_week",
            "",
            *ratio(
                a["engaged"] / 60 / weeks,
                acc["engaged"] / 60 / weeks,
                a["workers"],
                acc["workers"],
                lo=0,
                hi=b.hours_per_week,
            ),
            "hours",
        ),
        Figure(
            "share_weeks_over_48",
            "",
            *ratio(
                a["over_48"],
                acc["over_48"],
                a["workers"] * weeks,
                acc["workers"] * weeks,
                lo=0,
                hi=1,
            ),
            "share",
        ),
    ],
    measures={
        "hours_per_week": N_("Engaged hours per week"),
        "share_weeks_over_48": N_("Share of worker-weeks over 48 hours"),
    },
)


def _tasks_in(zone: str) -> Callable[[Unit], int]:
    return lambda unit: unit.tasks_by_zone.get(zone, 0)


def _task_zone_queries(b: Bounds, weeks: int, zones: Sequence[str]) -> list[Query]:
    share = 1 / max(1, len(zones))  # every unit may add to every zone: in sequence
    limit = b.tasks_per_week * weeks
    return [
        Query(
            f"tasks:{zone}",
            "sum",
            _tasks_in(zone),
            limit,
            share,
            f"sum of tasks done in {zone}, each worker's at most {limit}",
        )
        for zone in zones
    ]


def _zone_figures(
    a: Mapping[str, float], acc: Mapping[str, float], b: Bounds, weeks: int
) -> list[Figure]:
    return [count_figure(key.split(":", 1)[0], key.split(":", 1)[1], a[key], acc[key]) for key in a]


WORKERS_BY_ZONE = Statistic(
    key="zones",
    version=2,
    title=N_("Workers by zone"),
    description=N_(
        "How many members worked mostly in each zone: each member counts once, in the "
        "zone of most of their tasks, so the zones' counts share the whole epsilon."
    ),
    queries=lambda b, weeks, zones: [
        Query("workers", "histogram", lambda u: u.zone, 1, 1.0, "count of workers by main zone")
    ],
    figures=_zone_figures,
    measures={"workers": N_("Members working mostly here")},
)


TASKS_BY_ZONE = Statistic(
    key="zone_tasks",
    version=1,
    title=N_("Tasks by zone"),
    description=N_(
        "How many tasks members did in each zone. One member's tasks can fall in every "
        "zone, so each zone gets its own share of the epsilon."
    ),
    queries=_task_zone_queries,
    figures=_zone_figures,
    measures={"tasks": N_("Tasks done")},
)


PAYOUT_TIME = Statistic(
    key="payout_time",
    version=1,
    title=N_("Time from work to pay"),
    description=N_(
        "Hours from the completion of a task to the payout that carried its pay to the "
        "worker's bank account, averaged over the tasks paid."
    ),
    queries=lambda b, weeks, zones: [
        Query(
            "hours",
            "sum",
            lambda u: u.payout_hours,
            b.hours_to_payout * b.tasks_per_week * weeks,
            1 / 2,
            "sum of hours from completion to payout over each worker's paid tasks",
        ),
        Query(
            "paid_tasks",
            "sum",
            lambda u: u.paid_tasks,
            b.tasks_per_week * weeks,
            1 / 2,
            f"sum of paid tasks, each worker's at most {b.tasks_per_week * weeks}",
        ),
    ],
    figures=lambda a, acc, b, weeks: [
        ratio_figure(
            "hours_to_payout",
            a,
            acc,
            "hours",
            "paid_tasks",
            lo=0,
            hi=b.hours_to_payout,
            unit="hours",
        ),
        count_figure("paid_tasks", "", a["paid_tasks"], acc["paid_tasks"]),
    ],
    measures={
        "hours_to_payout": N_("Hours from completion to payout"),
        "paid_tasks": N_("Tasks paid"),
    },
)


DISPUTES = Statistic(
    key="disputes",
    version=1,
    title=N_("Disputes and time to decision"),
    description=N_(
        "How many disputes were opened on members' tasks, how many were decided, and how "
        "long a decision took."
    ),
    queries=lambda b, weeks, zones: [
        Query(
            "disputes",
            "sum",
            lambda u: u.disputes,
            b.disputes_per_week * weeks,
            1 / 3,
            f"sum of disputes, each worker's at most {b.disputes_per_week * weeks}",
        ),
        Query(
            "decided",
            "sum",
            lambda u: u.decided,
            b.disputes_per_week * weeks,
            1 / 3,
            f"sum of decided disputes, each worker's at most {b.disputes_per_week * weeks}",
        ),
        Query(
            "decision_hours",
            "sum",
            lambda u: u.decision_hours,
            b.hours_to_decision * b.disputes_per_week * weeks,
            1 / 3,
            "sum of hours from opening to decision over each worker's decided disputes",
        ),
    ],
    figures=lambda a, acc, b, weeks: [
        count_figure("disputes", "", a["disputes"], acc["disputes"]),
        count_figure("decided", "", a["decided"], acc["decided"]),
        ratio_figure(
            "hours_to_decision",
            a,
            acc,
            "decision_hours",
            "decided",
            lo=0,
            hi=b.hours_to_decision,
            unit="hours",
        ),
    ],
    measures={
        "disputes": N_("Disputes opened"),
        "decided": N_("Disputes decided"),
        "hours_to_decision": N_("Hours to a decision"),
    },
)


def _elsewhere(unit: Unit) -> bool:
    return unit.elsewhere_customers_paid_minor > 0 or unit.elsewhere_logged_in_minutes > 0


ELSEWHERE = Statistic(
    key="elsewhere",
    version=1,
    title=N_("Work on other platforms"),
    description=N_(
        "What members who imported their data from other platforms, and donated it, were "
        "paid there: the share of what customers paid that the platform kept, and pay per "
        "logged-in hour after vehicle costs, waiting counted."
    ),
    queries=lambda b, weeks, zones: [
        Query(
            "take",
            "sum",
            lambda u: max(0, u.elsewhere_take_minor),
            2_000 * 100 * weeks,
            1 / 4,
            f"sum of the platforms' take, each worker's at most {2_000 * weeks}.00 a period",
            _elsewhere,
        ),
        Query(
            "customers_paid",
            "sum",
            lambda u: u.elsewhere_customers_paid_minor,
            4_000 * 100 * weeks,
            1 / 4,
            f"sum of what customers paid, each worker's at most {4_000 * weeks}.00",
            _elsewhere,
        ),
        Query(
            "pay",
            "sum",
            lambda u: max(0, u.elsewhere_pay_minor),
            b.pay_per_hour_minor * b.hours_per_week * weeks,
            1 / 4,
            "sum of pay after vehicle costs, each worker's at most the pay bound × hours",
            _elsewhere,
        ),
        Query(
            "logged_in",
            "sum",
            lambda u: u.elsewhere_logged_in_minutes,
            _weekly_minutes(b, weeks),
            1 / 4,
            f"sum of logged-in minutes, each worker's at most {_weekly_minutes(b, weeks)}",
            _elsewhere,
        ),
    ],
    figures=lambda a, acc, b, weeks: [
        ratio_figure("take_share", a, acc, "take", "customers_paid", lo=0, hi=1, unit="share"),
        Figure(
            "pay_per_logged_in_hour",
            "",
            *ratio(
                a["pay"] * 60,
                acc["pay"] * 60,
                a["logged_in"],
                acc["logged_in"],
                lo=0,
                hi=b.pay_per_hour_minor,
            ),
            "money_per_hour",
        ),
    ],
    measures={
        "take_share": N_("Share the platforms kept"),
        "pay_per_logged_in_hour": N_("Pay per logged-in hour there, after costs"),
    },
    purpose="commons_imports",
)

STATISTICS: dict[str, Statistic] = {
    s.key: s
    for s in (
        PAY,
        PAID_TIME,
        WEEKLY_HOURS,
        WORKERS_BY_ZONE,
        TASKS_BY_ZONE,
        PAYOUT_TIME,
        DISPUTES,
        ELSEWHERE,
    )
}
