"""The figures a worker gets from their imported files, per ISO week and overall, each
under the name of its definition (docs/import.md). Pure functions, no Django.

Hours follow the two definitions the Worker Info Exchange / Oxford audit of Uber uses:
*logged-in* hours are all the time online (waiting for an offer, on the way to a pick-up,
on a trip: Uber's "open", "enroute" and "ontrip"); *engaged* hours are the time on the way
or on a trip. Where the files hold no online sessions, engaged time is taken from the
trips (request or begin to drop-off) and logged-in time is not known.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace

from commonwork.core.marks import N_
from commonwork.platformdata.records import Imported, Payment, Session, Trip

WEEK_LIMIT_HOURS = 48
# A payment is linked to the trip whose span (begin to drop-off, and this long after)
# holds its time: fares are recognised at or just after the drop-off.
LINK_AFTER = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class CoopRules:
    """The co-op's current pay rules, applied to the same trips."""

    currency: str
    base_minor: int
    per_km_minor: int
    per_minute_minor: int
    fee_rate: float
    solidarity_rate: float
    floor_per_hour_minor: int


@dataclass
class Figures:
    """One period's figures (a week, or overall). Money in minor units of `currency`;
    None where the files do not say."""

    period: str
    currency: str = ""
    trips: int = 0
    customers_paid_minor: int | None = None  # gross paid by customers, tips apart
    worker_fares_minor: int = 0  # what of it reached the worker
    platform_take_minor: int | None = None
    platform_take_share: float | None = None
    bonus_minor: int = 0
    tips_minor: int = 0
    pay_minor: int = 0  # fares and bonuses to the worker, tips apart
    distance_km: float = 0.0
    vehicle_costs_minor: int = 0
    logged_in_hours: float | None = None
    engaged_hours: float = 0.0
    waiting_share: float | None = None  # of logged-in time, not engaged
    pay_per_logged_in_hour_minor: float | None = None  # after vehicle costs
    pay_per_engaged_hour_minor: float | None = None  # after vehicle costs
    hours_over_48: float = 0.0
    weeks_over_48: int = 0
    penalties: int = 0
    coop_pay_minor: int | None = None  # the same work under the co-op's rules
    coop_pay_per_logged_in_hour_minor: float | None = None
    coop_rules_applied: bool = False


@dataclass
class Report:
    overall: Figures
    weeks: list[Figures]
    payments_linked_share: float | None  # of fare payments, those inside a trip's span
    rejections: list[dict[str, object]] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    platforms: list[str] = field(default_factory=list)
    rows_read: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "definitions": DEFINITIONS,
            "platforms": self.platforms,
            "formats": self.formats,
            "rows_read": self.rows_read,
            "payments_linked_share": self.payments_linked_share,
            "overall": asdict(self.overall),
            "weeks": [asdict(w) for w in self.weeks],
            "rejected_rows": self.rejections,
        }


DEFINITIONS = {
    "customers_paid_minor": N_(
        "gross: what customers paid for the trips (fare and booking fee), tips apart"
    ),
    "platform_take_minor": N_(
        "customers_paid_minor − what of it reached the worker (fares net of commission)"
    ),
    "platform_take_share": N_("platform_take_minor ÷ customers_paid_minor"),
    "pay_minor": N_("fares and bonuses paid to the worker, tips apart"),
    "logged_in_hours": N_(
        "online: open + enroute + ontrip (Worker Info Exchange / Oxford: P1 + P2 + P3)"
    ),
    "engaged_hours": N_(
        "enroute + ontrip (P2 + P3); without sessions, request or begin to drop-off"
    ),
    "waiting_share": N_("1 − engaged_hours ÷ logged_in_hours"),
    "pay_per_logged_in_hour_minor": N_("(pay_minor − vehicle_costs_minor) ÷ logged_in_hours"),
    "pay_per_engaged_hour_minor": N_("(pay_minor − vehicle_costs_minor) ÷ engaged_hours"),
    "vehicle_costs_minor": N_(
        "distance_km × the cost per km of the vehicle, country and year (cost table)"
    ),
    "hours_over_48": N_(
        "logged-in hours past 48 in each ISO week (engaged where logged-in is unknown)"
    ),
    "coop_pay_minor": N_(
        "the co-op's tariff applied to each trip, less its fee and solidarity rates, plus tips; "
        "raised to the pay floor × logged-in hours (engaged where unknown) for each week"
    ),
}


def iso_week(moment: dt.datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


Span = tuple[dt.datetime, dt.datetime]


def _union(pairs: Iterable[Span]) -> list[Span]:
    """The union of many [begin, end) spans as disjoint spans in order: sorted once and
    merged in one pass, so an overlap is never counted twice."""
    merged: list[Span] = []
    for begin, end in sorted(p for p in pairs if p[1] > p[0]):
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


def _spans(sessions: Iterable[Session], states: set[str]) -> list[Span]:
    return _union((s.begin, s.end) for s in sessions if s.state in states)


def _hours(spans: list[Span]) -> float:
    return sum(((end - begin).total_seconds() for begin, end in spans), 0.0) / 3600


def _trip_span(trip: Trip) -> Span | None:
    start = trip.requested_at or trip.began_at
    if start is None or start >= trip.ended_at:
        return None
    return start, trip.ended_at


def link_payments(trips: Sequence[Trip], payments: Sequence[Payment]) -> float | None:
    """The share of fare payments whose time falls in a trip's span (begin to drop-off
    and LINK_AFTER more): there is no trip id in the files, so time is the only link."""
    fares = [p for p in payments if p.kind in ("fare", "commission")]
    if not fares:
        return None
    spans = _union(
        (t.began_at or t.requested_at or t.ended_at, t.ended_at + LINK_AFTER) for t in trips
    )
    starts = [begin for begin, _ in spans]
    ends = [end for _, end in spans]
    linked = 0
    for p in fares:
        k = bisect.bisect_right(starts, p.at) - 1
        linked += k >= 0 and p.at < ends[k]
    return linked / len(fares)


def _coop_trip_pay(trip: Trip, rules: CoopRules) -> int:
    minutes = 0.0
    if trip.began_at is not None:
        minutes = (trip.ended_at - trip.began_at).total_seconds() / 60
    elif trip.hours is not None:
        minutes = trip.hours * 60
    price = (
        rules.base_minor + rules.per_km_minor * trip.distance_km + rules.per_minute_minor * minutes
    )
    return round(price * (1 - rules.fee_rate - rules.solidarity_rate))


def _figures(
    period: str,
    trips: Sequence[Trip],
    payments: Sequence[Payment],
    sessions: Sequence[Session],
    penalties: int,
    cost_per_km: Callable[[int], int | None],
    rules: CoopRules | None,
    weeks: int,
) -> Figures:
    done = [t for t in trips if t.status == "completed"]
    currency = next((t.currency for t in done if t.currency), "") or next(
        (p.currency for p in payments if p.currency), ""
    )
    f = Figures(period=period, currency=currency, trips=len(done), penalties=penalties)
    paid = [t.customer_paid_minor for t in done if t.customer_paid_minor is not None]
    f.customers_paid_minor = sum(paid) if paid else None
    fare_payments = [p for p in payments if p.kind in ("fare", "commission")]
    if fare_payments:
        f.worker_fares_minor = sum(p.amount_minor for p in fare_payments)
    else:
        f.worker_fares_minor = sum(t.worker_paid_minor or 0 for t in done)
    fees = sum(p.amount_minor for p in payments if p.kind == "fee")  # Upwork's service fee
    f.worker_fares_minor += fees
    f.bonus_minor = sum(p.amount_minor for p in payments if p.kind == "bonus") + sum(
        t.bonus_minor for t in done
    )
    tip_payments = [p for p in payments if p.kind == "tip"]
    f.tips_minor = (
        sum(p.amount_minor for p in tip_payments)
        if tip_payments
        else sum(t.tip_minor for t in done)
    )
    f.pay_minor = f.worker_fares_minor + f.bonus_minor
    if f.customers_paid_minor:
        f.platform_take_minor = f.customers_paid_minor - f.worker_fares_minor
        f.platform_take_share = f.platform_take_minor / f.customers_paid_minor
    elif any(t.fee_minor is not None for t in done):
        f.platform_take_minor = sum(t.fee_minor or 0 for t in done)
    f.distance_km = sum(t.distance_km for t in done)
    f.vehicle_costs_minor = round(
        sum(t.distance_km * (cost_per_km(t.ended_at.year) or 0) for t in done)
    )
    net = f.pay_minor - f.vehicle_costs_minor
    if sessions:
        logged = _spans(sessions, {"open", "enroute", "ontrip"})
        f.logged_in_hours = _hours(logged)
        f.engaged_hours = _hours(_spans(sessions, {"enroute", "ontrip"}))
    else:
        spans = [span for t in done if (span := _trip_span(t)) is not None]
        f.engaged_hours = _hours(_union(spans)) + sum(
            t.hours or 0 for t in done if _trip_span(t) is None
        )
        if all(t.hours is not None for t in done) and done:  # hourly contracts: stated time
            f.logged_in_hours = f.engaged_hours
    if f.logged_in_hours:
        f.waiting_share = max(0.0, 1 - f.engaged_hours / f.logged_in_hours)
        f.pay_per_logged_in_hour_minor = net / f.logged_in_hours
    if f.engaged_hours:
        f.pay_per_engaged_hour_minor = net / f.engaged_hours
    hours = f.logged_in_hours if f.logged_in_hours is not None else f.engaged_hours
    if weeks == 1:
        f.hours_over_48 = max(0.0, hours - WEEK_LIMIT_HOURS)
        f.weeks_over_48 = int(hours > WEEK_LIMIT_HOURS)
    if rules is not None and (not currency or currency == rules.currency):
        f.coop_rules_applied = True
        trip_pay = sum(_coop_trip_pay(t, rules) for t in done) + f.tips_minor
        floor = round(rules.floor_per_hour_minor * hours)
        f.coop_pay_minor = max(trip_pay, floor + f.tips_minor) if weeks == 1 else trip_pay
        if f.logged_in_hours:
            f.coop_pay_per_logged_in_hour_minor = (f.coop_pay_minor - f.vehicle_costs_minor) / (
                f.logged_in_hours
            )
    return f


def report(
    data: Imported,
    *,
    cost_per_km: Callable[[int], int | None] = lambda year: None,
    rules: CoopRules | None = None,
    extra_hours: float = 0.0,
) -> Report:
    """Every figure, per ISO week and overall. `extra_hours`: hours the worker says their
    fixed-price work took (the files cannot say), spread over those contracts' weeks."""
    trips_by: defaultdict[str, list[Trip]] = defaultdict(list)
    pays_by: defaultdict[str, list[Payment]] = defaultdict(list)
    sessions_by: defaultdict[str, list[Session]] = defaultdict(list)
    penalties_by: defaultdict[str, int] = defaultdict(int)
    fixed = [
        t for t in data.trips if t.hours is None and t.began_at is None and t.requested_at is None
    ]
    share = extra_hours / len(fixed) if fixed and extra_hours else 0.0
    trips = [replace(t, hours=share) if t in fixed and share else t for t in data.trips]
    for t in trips:
        trips_by[iso_week(t.ended_at)].append(t)
    for p in data.payments:
        pays_by[iso_week(p.at)].append(p)
    for s in data.sessions:
        sessions_by[iso_week(s.begin)].append(s)
    for penalty in data.penalties:
        penalties_by[iso_week(penalty.at)] += 1
    weeks = sorted(set(trips_by) | set(pays_by) | set(sessions_by) | set(penalties_by))
    by_week = [
        _figures(w, trips_by[w], pays_by[w], sessions_by[w], penalties_by[w], cost_per_km, rules, 1)
        for w in weeks
    ]
    overall = _figures(
        "overall",
        trips,
        data.payments,
        data.sessions,
        len(data.penalties),
        cost_per_km,
        rules,
        len(weeks),
    )
    overall.hours_over_48 = sum(w.hours_over_48 for w in by_week)
    overall.weeks_over_48 = sum(w.weeks_over_48 for w in by_week)
    if rules is not None and overall.coop_rules_applied:
        overall.coop_pay_minor = sum(w.coop_pay_minor or 0 for w in by_week)
        if overall.logged_in_hours:
            overall.coop_pay_per_logged_in_hour_minor = (
                overall.coop_pay_minor - overall.vehicle_costs_minor
            ) / overall.logged_in_hours
    return Report(
        overall=overall,
        weeks=by_week,
        payments_linked_share=link_payments(trips, data.payments),
        rejections=[{"file": r.file, "line": r.line, "reason": r.reason} for r in data.rejections],
        formats=dict(data.formats),
        platforms=sorted(data.platforms),
        rows_read=data.rows_read,
    )
