"""The figures a worker gets from their imported files, per ISO week and overall, each
under the name of its definition (docs/import.md). Pure functions, no Django.

Hours follow the two definitions the Worker Info Exchange / Oxford audit of Uber uses:
*logged-in* hours are all the time online (waiting for an offer, on the way to a pick-up,
on a trip: Uber's "open", "enroute" and "ontrip"); *engaged* hours are the time on the way
or on a trip. Where the files hold no online sessions, engaged time is taken from the
trips (request or begin to drop-off) and logged-in time is not known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from commonwork.core.marks import N_
from commonwork.platformdata.records import Imported, cycles_uncollected

WEEK_LIMIT_HOURS = 48
# A payment is linked to the trip whose span (begin to drop-off, and this long after)
# holds its time: fares are recognised at or just after the drop-off.
LINK_AFTER = np.timedelta64(30, "m")
LOGGED_IN = ("open", "enroute", "ontrip")
ENGAGED = ("enroute", "ontrip")


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


def _week_keys(local: pd.Series) -> npt.NDArray[np.int64]:
    """Each wall-clock time's ISO week as one number, year × 100 + week (labels are made
    once per week, not once per row)."""
    if local.empty:
        return np.zeros(0, np.int64)
    iso = pd.DatetimeIndex(local).isocalendar()
    keys: npt.NDArray[np.int64] = iso["year"].to_numpy(np.int64) * 100 + iso["week"].to_numpy(
        np.int64
    )
    return keys


def _label(key: int) -> str:
    """The label of a week key made by _week_keys: the same as iso_week's."""
    return f"{key // 100}-W{key % 100:02d}"


def _merged(keys: npt.NDArray[np.int64], begins: pd.Series, ends: pd.Series) -> pd.DataFrame:
    """The union of many [begin, end) spans in each group, as disjoint spans: sorted once
    and merged where a span begins before the ones before it have all ended, so an overlap
    is never counted twice."""
    ok = (ends > begins).to_numpy()
    spans = pd.DataFrame({"k": keys[ok], "b": begins.to_numpy()[ok], "e": ends.to_numpy()[ok]})
    spans = spans.sort_values(["k", "b"], kind="stable")
    reach = spans.groupby("k")["e"].cummax().groupby(spans["k"]).shift()
    block = (reach.isna() | (spans["b"] > reach)).cumsum()
    return spans.groupby(block).agg(k=("k", "first"), b=("b", "min"), e=("e", "max"))


def _union_hours(keys: npt.NDArray[np.int64], begins: pd.Series, ends: pd.Series) -> pd.Series:
    merged = _merged(keys, begins, ends)
    return ((merged["e"] - merged["b"]).dt.total_seconds() / 3600).groupby(merged["k"]).sum()


def link_payments(trips: pd.DataFrame, payments: pd.DataFrame) -> float | None:
    """The share of fare payments whose time falls in a trip's span (begin to drop-off
    and LINK_AFTER more): there is no trip id in the files, so time is the only link."""
    fares = payments["at"][payments["kind"].isin(["fare", "commission"])].to_numpy()
    if not len(fares):
        return None
    start = trips["began_at"].fillna(trips["requested_at"]).fillna(trips["ended_at"])
    merged = _merged(np.zeros(len(trips), np.int64), start, trips["ended_at"] + LINK_AFTER)
    starts, ends = merged["b"].to_numpy(), merged["e"].to_numpy()
    if not len(starts):
        return 0.0
    k = np.searchsorted(starts, fares, side="right") - 1
    linked = (k >= 0) & (fares < ends[np.maximum(k, 0)])
    return float(linked.sum() / len(fares))


def _coop_trip_pay(trips: pd.DataFrame, rules: CoopRules) -> npt.NDArray[np.float64]:
    minutes = ((trips["ended_at"] - trips["began_at"]).dt.total_seconds() / 60).fillna(
        trips["hours"] * 60
    )
    price = (
        rules.base_minor
        + rules.per_km_minor * trips["distance_km"]
        + rules.per_minute_minor * minutes.fillna(0)
    )
    return np.round(price.to_numpy() * (1 - rules.fee_rate - rules.solidarity_rate))


@dataclass
class Totals:
    """One period's sums over its rows, from which its Figures follow."""

    trips: int = 0
    currency: str = ""
    customers_paid: int = 0
    customers_paid_known: int = 0
    trip_worker_paid: int = 0
    trip_fees: int = 0
    trip_fees_known: int = 0
    trip_tips: int = 0
    trip_bonus: int = 0
    distance_km: float = 0.0
    vehicle_costs: float = 0.0
    trip_span_hours: float = 0.0
    stated_hours: float = 0.0  # of trips without a timed span
    hours_known: int = 0
    coop_trip_pay: int = 0
    fares: int = 0
    fares_known: int = 0
    payment_fees: int = 0
    payment_bonus: int = 0
    payment_tips: int = 0
    payment_tips_known: int = 0
    payment_currency: str = ""
    sessions: int = 0
    logged_in_hours: float = 0.0
    engaged_hours: float = 0.0
    penalties: int = 0


def _first_currency(keys: npt.NDArray[np.int64], currency: pd.Series) -> dict[Hashable, str]:
    named = (currency.fillna("") != "").to_numpy()
    found = pd.Series(currency.to_numpy()[named]).groupby(keys[named]).first()
    return {k: str(v) for k, v in found.items()}


def _totals(
    data: Imported,
    keys: dict[str, npt.NDArray[np.int64]],
    cost_per_km: Callable[[int], int | None],
    rules: CoopRules | None,
) -> dict[int, Totals]:
    """Every period's Totals, the periods being `keys` (one per row of each table)."""
    trips, pays, sessions = data.trips, data.payments, data.sessions
    done_mask = (trips["status"] == "completed").to_numpy()
    done, k = trips[done_mask], keys["trips"][done_mask]
    start = done["requested_at"].fillna(done["began_at"])
    timed = (start < done["ended_at"]).to_numpy()
    years = done["ended_local"].dt.year
    costs = years.map({y: cost_per_km(int(y)) or 0 for y in years.unique()}).to_numpy(np.float64)
    distance = done["distance_km"].to_numpy(np.float64)
    per_trip = pd.DataFrame(
        {
            "trips": 1,
            "customers_paid": done["customer_paid_minor"].fillna(0).to_numpy(np.int64),
            "customers_paid_known": done["customer_paid_minor"].notna().to_numpy(np.int64),
            "trip_worker_paid": done["worker_paid_minor"].fillna(0).to_numpy(np.int64),
            "trip_fees": done["fee_minor"].fillna(0).to_numpy(np.int64),
            "trip_fees_known": done["fee_minor"].notna().to_numpy(np.int64),
            "trip_tips": done["tip_minor"].to_numpy(np.int64),
            "trip_bonus": done["bonus_minor"].to_numpy(np.int64),
            "distance_km": distance,
            "vehicle_costs": distance * costs,
            "stated_hours": np.where(timed, 0.0, done["hours"].fillna(0).to_numpy(np.float64)),
            "hours_known": done["hours"].notna().to_numpy(np.int64),
            "coop_trip_pay": (
                _coop_trip_pay(done, rules) if rules is not None else np.zeros(len(done))
            ).astype(np.int64),
        },
        index=k,
    )
    kind = pays["kind"]
    amount = pays["amount_minor"].to_numpy(np.int64)
    fare = kind.isin(["fare", "commission"]).to_numpy()
    tip = (kind == "tip").to_numpy()
    per_payment = pd.DataFrame(
        {
            "fares": np.where(fare, amount, 0),
            "fares_known": fare.astype(np.int64),
            "payment_fees": np.where((kind == "fee").to_numpy(), amount, 0),
            "payment_bonus": np.where((kind == "bonus").to_numpy(), amount, 0),
            "payment_tips": np.where(tip, amount, 0),
            "payment_tips_known": tip.astype(np.int64),
        },
        index=keys["payments"],
    )
    sums = pd.concat(
        [
            per_trip.groupby(level=0).sum(),
            per_payment.groupby(level=0).sum(),
            pd.Series(1, index=keys["sessions"]).groupby(level=0).sum().rename("sessions"),
            pd.Series(1, index=keys["penalties"]).groupby(level=0).sum().rename("penalties"),
            _union_hours(k[timed], start[timed], done["ended_at"][timed]).rename("trip_span_hours"),
        ],
        axis=1,
    )
    for name, states in (("logged_in_hours", LOGGED_IN), ("engaged_hours", ENGAGED)):
        chosen = sessions["state"].isin(states).to_numpy()
        hours = _union_hours(
            keys["sessions"][chosen], sessions["begin_at"][chosen], sessions["end_at"][chosen]
        )
        sums = sums.join(hours.rename(name), how="outer")
    sums = sums.fillna(0)
    trip_currency = _first_currency(k, done["currency"])
    payment_currency = _first_currency(keys["payments"], pays["currency"])
    fields = set(Totals.__dataclass_fields__) - {"currency", "payment_currency"}
    out: dict[int, Totals] = {}
    for key, row in zip(sums.index, sums.to_dict("records"), strict=True):
        totals = Totals(**{name: type(getattr(Totals, name))(row.get(name, 0)) for name in fields})
        totals.currency = trip_currency.get(key, "")
        totals.payment_currency = payment_currency.get(key, "")
        out[int(key)] = totals
    return out


def _figures(period: str, t: Totals, rules: CoopRules | None, weeks: int) -> Figures:
    currency = t.currency or t.payment_currency
    f = Figures(period=period, currency=currency, trips=t.trips, penalties=t.penalties)
    f.customers_paid_minor = t.customers_paid if t.customers_paid_known else None
    f.worker_fares_minor = t.fares if t.fares_known else t.trip_worker_paid
    f.worker_fares_minor += t.payment_fees  # Upwork's service fee
    f.bonus_minor = t.payment_bonus + t.trip_bonus
    f.tips_minor = t.payment_tips if t.payment_tips_known else t.trip_tips
    f.pay_minor = f.worker_fares_minor + f.bonus_minor
    if f.customers_paid_minor:
        f.platform_take_minor = f.customers_paid_minor - f.worker_fares_minor
        f.platform_take_share = f.platform_take_minor / f.customers_paid_minor
    elif t.trip_fees_known:
        f.platform_take_minor = t.trip_fees
    f.distance_km = t.distance_km
    f.vehicle_costs_minor = round(t.vehicle_costs)
    net = f.pay_minor - f.vehicle_costs_minor
    if t.sessions:
        f.logged_in_hours = t.logged_in_hours
        f.engaged_hours = t.engaged_hours
    else:
        f.engaged_hours = t.trip_span_hours + t.stated_hours
        if t.trips and t.hours_known == t.trips:  # hourly contracts: stated time
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
        trip_pay = t.coop_trip_pay + f.tips_minor
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
    with cycles_uncollected():
        return _report(data, cost_per_km, rules, extra_hours)


def _report(
    data: Imported,
    cost_per_km: Callable[[int], int | None],
    rules: CoopRules | None,
    extra_hours: float,
) -> Report:
    trips = data.trips
    fixed = trips["hours"].isna() & trips["began_at"].isna() & trips["requested_at"].isna()
    if fixed.any() and extra_hours:
        trips = trips.assign(hours=trips["hours"].mask(fixed, extra_hours / int(fixed.sum())))
    data = Imported(
        platforms=data.platforms,
        formats=data.formats,
        trips=trips,
        payments=data.payments,
        sessions=data.sessions,
        penalties=data.penalties,
        rejections=data.rejections,
        rows_read=data.rows_read,
    )
    weekly = {
        "trips": _week_keys(trips["ended_local"]),
        "payments": _week_keys(data.payments["at_local"]),
        "sessions": _week_keys(data.sessions["begin_local"]),
        "penalties": _week_keys(data.penalties["at_local"]),
    }
    by_week = [
        _figures(_label(key), totals, rules, 1)
        for key, totals in sorted(_totals(data, weekly, cost_per_km, rules).items())
    ]
    everything = {name: np.zeros(len(keys), np.int64) for name, keys in weekly.items()}
    overall = _figures(
        "overall",
        _totals(data, everything, cost_per_km, rules).get(0, Totals()),
        rules,
        len(by_week),
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
        rejections=[
            {
                "file": r.file,
                "line": r.line,
                "reason": r.reason,
                "message": r.message,
                "params": r.params,
            }
            for r in data.rejections
        ],
        formats=dict(data.formats),
        platforms=sorted(data.platforms),
        rows_read=data.rows_read,
    )
