"""Reads for the observatory: the public weekly series, a member's own figures, the
Fairwork self-assessment."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from commonwork.commons.actions import period_start
from commonwork.commons.budget import spent_this_quarter
from commonwork.commons.models import Release
from commonwork.commons.statistics import STATISTICS
from commonwork.commons.units import units
from commonwork.core import clock
from commonwork.governance.models import (
    ParameterSource,
    ParameterValue,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from commonwork.governance.parameters import read_parameter
from commonwork.ledger import selectors as ledger_selectors
from commonwork.ledger.models import (
    AccountPurpose,
    EntryKind,
    JournalEntry,
    PayoutBatch,
    PayoutStatus,
    PayPeriod,
)
from commonwork.members.models import Cooperative, Membership, Role, User
from commonwork.members.selectors import cooperative_currency
from commonwork.observatory import equity, fairwork
from commonwork.observatory.models import (
    EquityDeclaration,
    FairworkAssessment,
    PrivacyRelease,
    VehicleCost,
    WageRate,
)
from commonwork.vault.gate import job_reads
from commonwork.vault.keys import unseal
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import AvailabilityPeriod, Dispute, Task


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
    logged_in_hours: float  # available (the app on and ready for offers)
    on_task_hours: float
    pay_minor: int
    pay_per_engaged_hour: float | None  # waiting counted
    pay_per_logged_in_hour: float | None
    pay_per_task_hour: float | None  # waiting not counted: what a piece rate quotes
    waiting_share: float | None
    over_cap: bool
    coop_pay: dict[str, Any] | None  # the commons' figure for that week, with its interval
    coop_hours: dict[str, Any] | None


def _available_hours(member_id: int, since: dt.datetime, until: dt.datetime) -> float:
    """Hours the member was available (logged in for offers) within [since, until)."""
    seconds = 0.0
    for started, ended in AvailabilityPeriod.objects.filter(
        worker_id=member_id, started_at__lt=until
    ).values_list("started_at", "ended_at"):
        end = min(ended or until, until)
        seconds += max(0.0, (end - max(started, since)).total_seconds())
    return seconds / 3600


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
        since = period_start(monday)
        (unit,) = units([member.pk], since, 1)
        engaged = unit.engaged_minutes / 60
        logged_in = _available_hours(member.pk, since, since + dt.timedelta(days=7))
        on_task = min(unit.on_task_minutes, unit.engaged_minutes) / 60
        out.append(
            MyWeek(
                week=monday,
                engaged_hours=engaged,
                logged_in_hours=logged_in,
                on_task_hours=on_task,
                pay_minor=unit.pay_minor,
                pay_per_engaged_hour=unit.pay_minor / engaged if engaged else None,
                pay_per_logged_in_hour=unit.pay_minor / logged_in if logged_in else None,
                pay_per_task_hour=unit.pay_minor / on_task if on_task else None,
                waiting_share=1 - on_task / engaged if engaged else None,
                over_cap=engaged > cap,
                coop_pay=pay.get(monday),
                coop_hours=hours.get(monday),
            )
        )
    return out


# --- the Fairwork self-assessment's facts ---------------------------------------------

WINDOW_WEEKS = 13


def cost_tables() -> dict[str, Any]:
    return {
        "wages": list(WageRate.objects.all()),
        "vehicle_costs": list(VehicleCost.objects.all()),
        "country": settings.COMMONWORK_COUNTRY,
        "vehicle": settings.COMMONWORK_VEHICLE,
    }


def _worker_weeks(now: dt.datetime) -> list[fairwork.WorkerWeek]:
    """Every worker-week of the last WINDOW_WEEKS complete weeks with engaged time: its
    hours and pay (the commons' own unit) and the km of its completed tasks."""
    today = timezone.localtime(now).date()
    this_monday = today - dt.timedelta(days=today.weekday())
    workers = list(Membership.objects.filter(role=Role.WORKER).values_list("user_id", flat=True))
    job_reads(
        job="fairwork",
        purpose="fairwork",
        subject_ids=workers,
        categories=("availability", "tasks", "earnings"),
    )
    weeks = []
    for back in range(1, WINDOW_WEEKS + 1):
        since = period_start(this_monday - dt.timedelta(days=7 * back))
        km = dict(
            Task.objects.filter(
                worker_id__in=workers,
                status=TaskStatus.COMPLETED,
                completed_at__gte=since,
                completed_at__lt=since + dt.timedelta(days=7),
            )
            .values_list("worker_id")
            .annotate(km=Sum("distance_km"))
            .values_list("worker_id", "km")
        )
        for member, unit in zip(workers, units(workers, since, 1), strict=True):
            if unit.engaged_minutes > 0:
                weeks.append(
                    fairwork.WorkerWeek(
                        unit.engaged_minutes / 60, unit.pay_minor, float(km.get(member) or 0)
                    )
                )
    return weeks


def _payout_days(now: dt.datetime) -> list[float | None]:
    since = (now - dt.timedelta(weeks=WINDOW_WEEKS)).date()
    out: list[float | None] = []
    for period in PayPeriod.objects.filter(ends_on__gte=since).order_by("starts_on"):
        ended = period_start(period.ends_on)
        paid = (
            PayoutBatch.objects.filter(period=period, status=PayoutStatus.PAID)
            .order_by("paid_at")
            .values_list("paid_at", flat=True)
            .first()
        )
        if paid is not None:
            out.append((paid - ended).total_seconds() / 86400)
        elif now - ended > dt.timedelta(days=fairwork.PAYOUT_DAYS):
            out.append(None)  # overdue
    return out


def fairwork_facts(now: dt.datetime) -> fairwork.Facts:
    """What the records say for the self-assessment (each query is in docs/commons.md)."""
    year = timezone.localtime(now).year
    country, vehicle = settings.COMMONWORK_COUNTRY, settings.COMMONWORK_VEHICLE
    wages = WageRate.objects.filter(country=country, year=year).first()
    cost = VehicleCost.objects.filter(country=country, year=year, vehicle=vehicle).first()
    limit = int(read_parameter("claim_decision_days"))
    year_ago = now - dt.timedelta(days=365)
    decided = Dispute.objects.filter(resolved_at__isnull=False, resolved_at__gte=year_ago)
    closed = list(Proposal.objects.filter(closed_at__gte=year_ago).values_list("result", flat=True))
    election = (
        Proposal.objects.filter(kind=ProposalKind.ELECTION, status=ProposalStatus.PASSED)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    equity_report = PrivacyRelease.objects.filter(kind="equity").first()
    # Stewards set rules only until the members first meet (governance.actions.parameters);
    # a steward's value dated after that was not set by the rules of the bylaws.
    first_meeting = (
        Proposal.objects.filter(closed_at__isnull=False)
        .order_by("closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    unvoted = (
        ParameterValue.objects.filter(
            source=ParameterSource.STEWARD, set_at__gt=first_meeting
        ).count()
        if first_meeting is not None
        else 0
    )
    return fairwork.Facts(
        currency=cooperative_currency() or "EUR",
        minimum_wage_minor=wages.minimum_per_hour_minor if wages else None,
        living_wage_minor=wages.living_per_hour_minor if wages else None,
        cost_per_km_minor=cost.per_km_minor if cost else None,
        floor_per_hour_minor=int(read_parameter("pay_floor_per_hour")),
        worker_weeks=_worker_weeks(now),
        payout_days=_payout_days(now),
        completed_unposted=Task.objects.filter(status=TaskStatus.COMPLETED)
        .exclude(
            pk__in=JournalEntry.objects.filter(kind=EntryKind.TASK_COMPLETION).values("task_id")
        )
        .count(),
        break_after_minutes=int(read_parameter("break_after_minutes")),
        weather_holds=int(read_parameter("weather_alert_level")) <= 4,
        sos=True,  # protection.actions.sos: always on
        cover_injury=float(read_parameter("cover.injury.basis")) > 0,
        cover_sickness=float(read_parameter("cover.sickness.basis")) > 0,
        solidarity_fund_minor=ledger_selectors.funds()[AccountPurpose.SOLIDARITY],
        max_hours_per_week=int(read_parameter("max_hours_per_week")),
        bylaws_public=bool(Cooperative.objects.filter(pk=1).exclude(bylaws="").exists()),
        steward_set_rules=unvoted,
        disputes_waiting=Dispute.objects.filter(
            resolved_at__isnull=True, opened_at__lt=now - dt.timedelta(days=limit)
        ).count(),
        decision_days=[
            (resolved - opened).total_seconds() / 86400
            for opened, resolved in decided.values_list("opened_at", "resolved_at")
            if resolved is not None
        ],
        decision_limit_days=limit,
        equity_report_age_days=(now - equity_report.released_at).total_seconds() / 86400
        if equity_report
        else None,
        fairness_weight=float(read_parameter("dispatch.weight_fairness")),
        decided_votes=len(closed),
        turnouts=[
            int(r.get("cast", 0)) / int(r["electorate"]) for r in closed if r.get("electorate")
        ],
        quorum=float(read_parameter("quorum")),
        last_election_age_days=(now - election).total_seconds() / 86400 if election else None,
    )


def latest_assessment() -> FairworkAssessment | None:
    return FairworkAssessment.objects.first()


def assessment_history(limit: int = 30) -> list[FairworkAssessment]:
    return list(FairworkAssessment.objects.defer("verdicts")[:limit])
