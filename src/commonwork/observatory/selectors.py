"""Reads for the observatory: the public weekly series, a member's own figures, the
Fairwork self-assessment."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from commonwork.commons.actions import period_start
from commonwork.commons.budget import spent_this_quarter
from commonwork.commons.models import Release
from commonwork.commons.statistics import STATISTICS
from commonwork.commons.units import units
from commonwork.core import clock
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import User
from commonwork.observatory import equity
from commonwork.observatory.models import EquityDeclaration, PrivacyRelease
from commonwork.vault.keys import unseal


def my_groups(member: User) -> dict[str, str]:
    declaration = EquityDeclaration.objects.filter(member=member).first()
    if declaration is None:
        return {}
    text = unseal(member.pk, declaration.sealed)
    return json.loads(text) if text else {}


def equity_report() -> dict[str, Any]:
    """The latest release, in rows a page shows, and the budget."""
    release = PrivacyRelease.objects.filter(kind="equity").first()
    budget = float(read_parameter("commons.epsilon_per_quarter"))
    rows = []
    if release is not None:
        for row in release.result["rows"]:
            rows.append(
                {
                    **row,
                    "dimension_label": equity.DIMENSION_LABELS[row["dimension"]],
                    "group_label": equity.DIMENSIONS[row["dimension"]][row["group"]],
                    "earnings_minor": None
                    if row["earnings_per_hour_minor"] is None
                    else round(row["earnings_per_hour_minor"]),
                }
            )
    return {
        "release": release,
        "rows": rows,
        "budget": budget,
        "budget_left": max(0.0, budget - spent_this_quarter(clock.now())),
        "report_epsilon": float(read_parameter("equity_report_epsilon")),
        "min_group": equity.MIN_GROUP,
    }


# --- the public observatory and a member's own figures --------------------------------

# The weekly series the observatory charts: (statistic, measure) of the commons' releases.
SERIES = (
    ("pay_per_engaged_hour", "mean_pay_per_engaged_hour"),
    ("weekly_hours", "hours_per_week"),
    ("weekly_hours", "share_weeks_over_48"),
)
SERIES_WEEKS = 12


@dataclass(frozen=True)
class Point:
    week: dt.date
    value: float
    low: float
    high: float
    x: float  # on a 100 × 40 chart
    y: float
    y_low: float
    y_high: float


@dataclass(frozen=True)
class Series:
    statistic: str
    measure: str
    title: str
    unit: str
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.2f},{p.y:.2f}" for p in self.points)


def _week_figures(statistic: str, measure: str) -> dict[dt.date, dict[str, Any]]:
    """Each week's figure of one measure, from the newest one-week release of that week."""
    by_week: dict[dt.date, dict[str, Any]] = {}
    for release in Release.objects.filter(statistic=statistic).order_by("published_at", "id"):
        if (release.period_end - release.period_start).days != 7:
            continue
        for figure in release.figures:
            if figure["measure"] == measure and figure["group"] == "":
                by_week[release.period_start] = figure
    return by_week


def weekly_series(weeks: int = SERIES_WEEKS) -> list[Series]:
    """The commons' weekly figures as charts: the value and its 95 % interval, week by week."""
    out = []
    for statistic, measure in SERIES:
        spec = STATISTICS[statistic]
        figures = sorted(_week_figures(statistic, measure).items())[-weeks:]
        top = max((f["high"] for _, f in figures), default=0.0) or 1.0
        step = 100 / max(1, len(figures) - 1)

        def y(value: float, top: float = top) -> float:
            return 40 - 38 * value / top

        points = [
            Point(
                week,
                f["value"],
                f["low"],
                f["high"],
                i * step if len(figures) > 1 else 50.0,
                y(f["value"]),
                y(f["low"]),
                y(f["high"]),
            )
            for i, (week, f) in enumerate(figures)
        ]
        unit = figures[0][1]["unit"] if figures else ""
        out.append(Series(statistic, measure, spec.measures[measure], unit, points))
    return out


@dataclass(frozen=True)
class MyWeek:
    week: dt.date
    engaged_hours: float
    on_task_hours: float
    pay_minor: int
    pay_per_engaged_hour: float | None  # waiting counted
    pay_per_task_hour: float | None  # waiting not counted: what a piece rate quotes
    waiting_share: float | None
    over_cap: bool
    coop_pay: dict[str, Any] | None  # the commons' figure for that week, with its interval
    coop_hours: dict[str, Any] | None


def my_weeks(member: User, *, weeks: int = 8) -> list[MyWeek]:
    """The member's own exact figures for each of the last complete weeks, newest first,
    with the co-op's published (noisy) figure for the same week beside them."""
    today = timezone.localtime(clock.now()).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    cap = int(read_parameter("max_hours_per_week"))
    pay = _week_figures("pay_per_engaged_hour", "mean_pay_per_engaged_hour")
    hours = _week_figures("weekly_hours", "hours_per_week")
    out = []
    for back in range(1, weeks + 1):
        monday = this_monday - dt.timedelta(days=7 * back)
        (unit,) = units([member.pk], period_start(monday), 1)
        engaged = unit.engaged_minutes / 60
        on_task = min(unit.on_task_minutes, unit.engaged_minutes) / 60
        out.append(
            MyWeek(
                week=monday,
                engaged_hours=engaged,
                on_task_hours=on_task,
                pay_minor=unit.pay_minor,
                pay_per_engaged_hour=unit.pay_minor / engaged if engaged else None,
                pay_per_task_hour=unit.pay_minor / on_task if on_task else None,
                waiting_share=1 - on_task / engaged if engaged else None,
                over_cap=engaged > cap,
                coop_pay=pay.get(monday),
                coop_hours=hours.get(monday),
            )
        )
    return out
