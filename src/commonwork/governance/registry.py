"""The one registry of every rule the members govern (DESIGN.md §4).

Plain data, no Django: each entry names a parameter, its type, unit, default, bounds,
the module that reads it, and what it means. Values live in the database with their
whole history (governance.models.ParameterValue) and are read through
`commonwork.governance.parameters.read_parameter` or `snapshot`.

Decimal-valued parameters are exact: they are stored as strings and read as Fractions,
so a fee of 0.08 is exactly 8/100 wherever it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from commonwork.core.marks import N_
from commonwork.governance.labels import BY_KIND_DESCRIPTIONS, COVER_DESCRIPTIONS

Kind = Literal["int", "decimal"]
Value = int | Fraction


class ParameterError(ValueError):
    """A value a parameter cannot take. `template` and `params` let a page translate it."""

    def __init__(self, name: str, template: str, **params: object) -> None:
        self.name = name
        self.template = template
        self.params: dict[str, object] = {"name": name, **params}
        self.message = template.format(**self.params)
        super().__init__(self.message)


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    kind: Kind
    unit: str
    default: str
    minimum: str
    maximum: str
    reader: str
    description: str

    def parse(self, raw: object) -> Value:
        """The typed value of `raw` (a string, int or Fraction), checked against the bounds."""
        try:
            if self.kind == "int":
                if isinstance(raw, Fraction) and raw.denominator != 1:
                    raise ValueError
                value: Value = int(str(raw), 10) if not isinstance(raw, int) else raw
            else:
                value = Fraction(str(raw)) if not isinstance(raw, Fraction) else raw
        except (ValueError, ZeroDivisionError) as exc:
            template = (
                N_("{name}: “{raw}” is not a whole number")
                if self.kind == "int"
                else N_("{name}: “{raw}” is not a number (write it like 0.08)")
            )
            raise ParameterError(self.name, template, raw=str(raw)[:40]) from exc
        low, high = Fraction(self.minimum), Fraction(self.maximum)
        if not low <= value <= high:
            raise ParameterError(
                self.name,
                "{name}: {value} lies outside {low}..{high}",
                value=format_value(value),
                low=self.minimum,
                high=self.maximum,
            )
        return value

    @property
    def default_value(self) -> Value:
        return self.parse(self.default)


def format_value(value: Value) -> str:
    """The stored text of a value: integers as they are, fractions as exact decimals
    where they have one (8/100 → "0.08"), else as "p/q"."""
    if isinstance(value, int):
        return str(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    scaled = value * 10**digits
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(int(scaled)), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


# Each kind of decision: its label, and the least notice and voting time, in hours, that
# members get by default: a few days, a week for what removes a member or rewrites the
# bylaws or elects stewards.
DECISION_TIMES = [
    ("parameter_change", "parameter change", "48", "72"),
    ("admission", "admission", "48", "72"),
    ("removal", "removal (and its appeal)", "168", "168"),
    ("surplus_allocation", "surplus allocation", "72", "72"),
    ("bylaw_amendment", "bylaw amendment", "168", "168"),
    ("election", "election of stewards", "168", "168"),
    ("free_decision", "free decision", "48", "72"),
]


def _spec(
    name: str,
    kind: Kind,
    unit: str,
    default: str,
    bounds: tuple[str, str],
    reader: str,
    description: str,
) -> ParameterSpec:
    return ParameterSpec(name, kind, unit, default, bounds[0], bounds[1], reader, description)


# Each kind of cover the members may choose: (code, what it covers, its defaults: basis,
# share of average weekly pay, sum in minor units, qualifying hours, in weeks, longest
# weeks paid, waiting days). Basis: 0 = not covered, 1 = a share of average weekly pay,
# 2 = a fixed sum a week, 3 = actual costs up to the sum.
COVER_KINDS = [
    ("injury", "injury at work", "0", "0.6", "40000", "20", "4", "26", "3"),
    ("sickness", "sickness", "0", "0.5", "30000", "20", "4", "12", "3"),
    ("vehicle", "loss of a vehicle", "0", "0", "50000", "40", "4", "1", "0"),
    ("parental", "parental leave", "0", "0", "20000", "100", "12", "14", "0"),
]


def _cover_specs(
    code: str,
    what: str,
    basis: str,
    share: str,
    sum_minor: str,
    hours: str,
    weeks: str,
    longest: str,
    waiting: str,
) -> list[ParameterSpec]:
    name = f"cover.{code}"
    return [
        _spec(
            f"{name}.basis",
            "int",
            "0 = not covered, 1 = share of pay, 2 = fixed sum a week, 3 = costs up to the sum",
            basis,
            ("0", "3"),
            "protection.rules",
            COVER_DESCRIPTIONS["basis"] % {"what": what},
        ),
        _spec(
            f"{name}.share",
            "decimal",
            "fraction of average weekly pay",
            share,
            ("0", "1"),
            "protection.rules",
            COVER_DESCRIPTIONS["share"] % {"what": what},
        ),
        _spec(
            f"{name}.sum",
            "int",
            "minor units",
            sum_minor,
            ("0", "10000000"),
            "protection.rules",
            COVER_DESCRIPTIONS["sum"] % {"what": what},
        ),
        _spec(
            f"{name}.qualifying_hours",
            "int",
            "engaged hours",
            hours,
            ("0", "2000"),
            "protection.rules",
            COVER_DESCRIPTIONS["qualifying_hours"] % {"what": what},
        ),
        _spec(
            f"{name}.qualifying_weeks",
            "int",
            "weeks",
            weeks,
            ("1", "52"),
            "protection.rules",
            COVER_DESCRIPTIONS["qualifying_weeks"] % {"what": what},
        ),
        _spec(
            f"{name}.max_weeks",
            "int",
            "weeks",
            longest,
            ("1", "104"),
            "protection.rules",
            COVER_DESCRIPTIONS["max_weeks"] % {"what": what},
        ),
        _spec(
            f"{name}.waiting_days",
            "int",
            "days",
            waiting,
            ("0", "30"),
            "protection.rules",
            COVER_DESCRIPTIONS["waiting_days"] % {"what": what},
        ),
    ]


PARAMETERS: dict[str, ParameterSpec] = {
    spec.name: spec
    for spec in [
        # --- pay and the books -----------------------------------------------------------
        _spec(
            "fee_rate",
            "decimal",
            "fraction of the price",
            "0.08",
            ("0", "0.5"),
            "ledger.rules",
            "Share of each task price kept by the co-op to cover its costs.",
        ),
        _spec(
            "solidarity_rate",
            "decimal",
            "fraction of the price",
            "0.02",
            ("0", "0.2"),
            "ledger.rules",
            "Share of each task price paid into the solidarity fund.",
        ),
        _spec(
            "pay_floor_per_hour",
            "int",
            "minor units per engaged hour",
            "1500",
            ("0", "1000000"),
            "ledger.rules",
            "Minimum pay for every engaged hour, waiting included; topped up at period close.",
        ),
        _spec(
            "pay_ratio_cap",
            "decimal",
            "highest ÷ lowest hourly pay",
            "3",
            ("1", "100"),
            "ledger.rules",
            "Cap on the ratio of highest to lowest effective hourly pay.",
        ),
        _spec(
            "pay_floor_funded_by",
            "int",
            "0 = solidarity fund, 1 = operating budget",
            "0",
            ("0", "1"),
            "ledger.actions",
            "Which account pays the pay-floor top-ups: the solidarity fund or the budget.",
        ),
        _spec(
            "shift_default_hours",
            "int",
            "hours",
            "10",
            ("1", "24"),
            "work.actions",
            "How long a worker's availability lasts when they do not say: it ends by itself.",
        ),
        _spec(
            "shift_max_hours",
            "int",
            "hours",
            "12",
            ("1", "24"),
            "work.actions",
            "The longest availability a worker may set in one go.",
        ),
        _spec(
            "availability_confirm_minutes",
            "int",
            "minutes",
            "600",
            ("15", "1440"),
            "work.actions",
            "After this long without activity (a location, a task step, a tap on “still here”) "
            "availability ends by itself: nobody is paid the floor for a forgotten switch.",
        ),
        _spec(
            "pay_floor_deficit_limit",
            "int",
            "minor units",
            "50000",
            ("0", "100000000"),
            "ledger.rules",
            "How far the solidarity fund may go below zero to pay the floor in full, as a debt "
            "the fee must cover; past it, what is left is shared in proportion and the rest "
            "is owed. 0: the fund never goes below zero.",
        ),
        _spec(
            "pay_period_days",
            "int",
            "days",
            "7",
            ("1", "31"),
            "ledger.actions",
            "Length of a pay period; each closes with statements, top-ups and a payout.",
        ),
        _spec(
            "surplus.reserves_share",
            "decimal",
            "fraction of the surplus",
            "0.3",
            ("0", "1"),
            "ledger.rules",
            "Share of the year's surplus kept in reserves.",
        ),
        _spec(
            "surplus.patronage_share",
            "decimal",
            "fraction of the surplus",
            "0.6",
            ("0", "1"),
            "ledger.rules",
            "Share of the year's surplus returned to members by the labour they did.",
        ),
        _spec(
            "surplus.community_share",
            "decimal",
            "fraction of the surplus",
            "0.1",
            ("0", "1"),
            "ledger.rules",
            "Share of the year's surplus given to the community fund.",
        ),
        _spec(
            "surplus.patronage_basis",
            "int",
            "0 = engaged hours, 1 = earnings",
            "0",
            ("0", "1"),
            "ledger.actions",
            "What measures each member's labour when the patronage return is shared out.",
        ),
        _spec(
            "surplus.patronage_paid_out",
            "int",
            "0 = into capital, 1 = paid out",
            "0",
            ("0", "1"),
            "ledger.actions",
            "Whether patronage returns go into members' capital accounts or are paid out.",
        ),
        # --- hours and rest --------------------------------------------------------------
        _spec(
            "max_hours_per_day",
            "int",
            "hours",
            "10",
            ("1", "16"),
            "dispatch.solver",
            "Dispatch never offers work that would take a worker past this many hours a day.",
        ),
        _spec(
            "max_hours_per_week",
            "int",
            "hours",
            "48",
            ("1", "80"),
            "dispatch.solver",
            "Dispatch never offers work that would take a worker past this many hours a week.",
        ),
        _spec(
            "min_rest_hours",
            "int",
            "hours",
            "11",
            ("0", "24"),
            "dispatch.solver",
            "Rest a worker gets between working days before dispatch offers them work.",
        ),
        # --- dispatch ------------------------------------------------------------------
        _spec(
            "dispatch.radius_km",
            "decimal",
            "km",
            "3",
            ("0.1", "100"),
            "dispatch.solver",
            "How far from a worker a located task may start and still be offered to them.",
        ),
        _spec(
            "dispatch.weight_distance",
            "decimal",
            "cost per km",
            "1",
            ("0", "100"),
            "dispatch.solver",
            "Weight of the pickup distance in the dispatch objective.",
        ),
        _spec(
            "dispatch.weight_fairness",
            "decimal",
            "cost units",
            "1",
            ("0", "100"),
            "dispatch.solver",
            "Weight of the fairness term that favours workers whose pay this week lags.",
        ),
        _spec(
            "dispatch.unassigned_penalty",
            "decimal",
            "cost units",
            "10",
            ("0", "10000"),
            "dispatch.solver",
            "Cost of leaving a task unassigned in a round.",
        ),
        _spec(
            "dispatch.round_interval_seconds",
            "int",
            "seconds",
            "10",
            ("1", "3600"),
            "dispatch.tasks",
            "How often a region's dispatch round runs.",
        ),
        _spec(
            "dispatch.offer_ttl_seconds",
            "int",
            "seconds",
            "120",
            ("10", "3600"),
            "work.actions",
            "How long an offer waits for an answer before it expires.",
        ),
        # --- data ----------------------------------------------------------------------
        _spec(
            "location_share_seconds",
            "int",
            "seconds",
            "30",
            ("5", "600"),
            "work.views",
            "While a worker is available, their phone sends its location at most this "
            "often; never while they are not.",
        ),
        _spec(
            "proof_retention_days",
            "int",
            "days",
            "30",
            ("1", "365"),
            "work.actions",
            "Photos that prove a delivery are deleted this many days after they were taken.",
        ),
        _spec(
            "location_retention_days",
            "int",
            "days",
            "30",
            ("0", "3650"),
            "work.actions, dispatch.actions",
            "Location points, and workers' positions in stored dispatch rounds, older than "
            "this are deleted.",
        ),
        _spec(
            "platform_import_retention_days",
            "int",
            "days",
            "0",
            ("0", "90"),
            "platformdata.actions",
            "Files a member imports from another platform are kept, sealed, this many days "
            "after they are read; 0: deleted as soon as they are read.",
        ),
        _spec(
            "export_retention_days",
            "int",
            "days",
            "7",
            ("1", "90"),
            "vault.actions",
            "A member's data export is deleted this many days after it was prepared.",
        ),
        _spec(
            "commons.epsilon_per_quarter",
            "decimal",
            "ε",
            "1",
            ("0", "10"),
            "commons.actions",
            "The most privacy any member's data may spend in a quarter: every statistic "
            "published about members (the commons' releases, the equity report) charges "
            "the budget's ledger, and a release that would pass this is refused.",
        ),
        _spec(
            "commons.weekly_epsilon",
            "decimal",
            "ε",
            "0.03",
            ("0", "1"),
            "commons.tasks",
            "What each of the commons' weekly releases (pay per engaged hour, hours per "
            "week) spends; 0 stops the weekly releases.",
        ),
        _spec(
            "commons.pay_bound_per_hour",
            "int",
            "minor units per engaged hour",
            "4000",
            ("500", "100000"),
            "commons.actions",
            "In the commons' statistics, a member's pay per engaged hour counts as at most "
            "this much: one member can move an average by little, so little noise hides "
            "them; set it above what nearly everyone earns.",
        ),
        _spec(
            "commons.hours_bound_per_week",
            "int",
            "hours",
            "80",
            ("40", "168"),
            "commons.actions",
            "In the commons' statistics, a member's engaged hours count as at most this many "
            "a week.",
        ),
        # --- decisions -----------------------------------------------------------------
        _spec(
            "quorum",
            "decimal",
            "fraction of the electorate",
            "0.5",
            ("0", "1"),
            "governance.tally",
            "Share of the electorate that must cast a ballot.",
        ),
        *[
            _spec(
                f"threshold.{kind}",
                "decimal",
                "fraction of yes and no",
                default,
                ("0.5", "1"),
                "governance.actions",
                BY_KIND_DESCRIPTIONS["threshold"] % {"kind": label},
            )
            for kind, label, default in [
                ("parameter_change", "parameter change", "0.5"),
                ("admission", "admission", "0.5"),
                ("removal", "removal (and its appeal)", "2/3"),
                ("surplus_allocation", "surplus allocation", "0.5"),
                ("bylaw_amendment", "bylaw amendment", "2/3"),
            ]
        ],
        *[
            _spec(
                f"notice_hours.{kind}",
                "int",
                "hours",
                notice,
                ("1", "2160"),
                "governance.actions",
                BY_KIND_DESCRIPTIONS["notice_hours"] % {"kind": label},
            )
            for kind, label, notice, _voting in DECISION_TIMES
        ],
        *[
            _spec(
                f"voting_hours.{kind}",
                "int",
                "hours",
                voting,
                ("24", "2160"),
                "governance.actions",
                BY_KIND_DESCRIPTIONS["voting_hours"] % {"kind": label},
            )
            for kind, label, _notice, voting in DECISION_TIMES
        ],
        *[
            _spec(
                f"live_results.{kind}",
                "int",
                "0 = hidden until the close, 1 = live",
                "0",
                ("0", "1"),
                "governance.views",
                BY_KIND_DESCRIPTIONS["live_results"] % {"kind": label},
            )
            for kind, label, _notice, _voting in DECISION_TIMES
        ],
        _spec(
            "consent.objection_threshold",
            "decimal",
            "fraction of ballots cast",
            "0.1",
            ("0", "1"),
            "governance.actions",
            "A consent decision fails when objections reach this share of the ballots cast.",
        ),
        _spec(
            "removal.appeal_days",
            "int",
            "days",
            "14",
            ("1", "90"),
            "governance.actions",
            "Days a removed member has to appeal; the appeal is a second vote.",
        ),
        _spec(
            "steward_term_days",
            "int",
            "days",
            "365",
            ("30", "1461"),
            "governance.actions",
            "How long an elected steward holds the steward's powers.",
        ),
        # --- safety and protection (docs/protection.md) --------------------------------
        _spec(
            "break_after_minutes",
            "int",
            "minutes",
            "240",
            ("30", "1440"),
            "dispatch.solver",
            "Dispatch offers no task that would keep a worker engaged longer than this without "
            "a break (a pause of break_minutes or longer).",
        ),
        _spec(
            "break_minutes",
            "int",
            "minutes",
            "20",
            ("5", "240"),
            "dispatch.live",
            "How long a pause must be to count as a break.",
        ),
        _spec(
            "weather_alert_level",
            "int",
            "1 = minor, 2 = moderate, 3 = severe, 4 = extreme, 5 = none",
            "3",
            ("1", "5"),
            "dispatch.live",
            "A weather or air-quality alert (CAP) at this severity or above binds dispatch for "
            "outdoor tasks in its area; 5: alerts never bind.",
        ),
        _spec(
            "weather_rule",
            "int",
            "0 = hold outdoor tasks, 1 = pay a hardship supplement",
            "0",
            ("0", "1"),
            "dispatch.live",
            "Under a binding alert, outdoor tasks are held back from dispatch (0), or offered "
            "with a hardship supplement paid to the worker from the solidarity fund (1).",
        ),
        _spec(
            "weather_supplement_rate",
            "decimal",
            "fraction of the price",
            "0.25",
            ("0", "2"),
            "ledger.actions",
            "The hardship supplement on a task done under a binding alert, as a share of its "
            "price, when weather_rule is 1.",
        ),
        _spec(
            "cover_contribution_share",
            "decimal",
            "fraction of the fee",
            "0",
            ("0", "1"),
            "ledger.actions",
            "The share of each period's fee income moved into the solidarity fund to pay for "
            "the cover the members chose (injury, sickness, vehicle, parental leave).",
        ),
        _spec(
            "claim_decision_days",
            "int",
            "days",
            "10",
            ("1", "60"),
            "protection.actions",
            "Days the stewards have to decide a claim, with reasons.",
        ),
        _spec(
            "claim_appeal_days",
            "int",
            "days",
            "14",
            ("1", "90"),
            "protection.actions",
            "Days a member has to appeal a refused claim to a members' vote.",
        ),
        _spec(
            "claim_retention_days",
            "int",
            "days",
            "2190",
            ("30", "3650"),
            "vault.actions",
            "How long claims, incident reports and their documents are kept after the claim "
            "is settled (medical and accident records the law may ask for).",
        ),
        *(spec for kind in COVER_KINDS for spec in _cover_specs(*kind)),
        _spec(
            "tip_confirm_above",
            "int",
            "minor units",
            "5000",
            ("0", "100000000"),
            "ledger.actions",
            "A tip larger than this must be confirmed before it is booked.",
        ),
        # --- where the co-op works --------------------------------------------------
        _spec(
            "max_task_km",
            "int",
            "km",
            "50",
            ("1", "20000"),
            "work.actions",
            "The longest trip a located task may ask for, pickup to drop-off.",
        ),
        _spec(
            "service_area_radius_km",
            "decimal",
            "km",
            "0",
            ("0", "20000"),
            "work.actions",
            "Pickups and drop-offs must lie within this distance of the service area's "
            "centre; 0: anywhere.",
        ),
        _spec(
            "service_area_lat",
            "decimal",
            "degrees of latitude",
            "0",
            ("-90", "90"),
            "work.actions",
            "The latitude of the service area's centre.",
        ),
        _spec(
            "service_area_lon",
            "decimal",
            "degrees of longitude",
            "0",
            ("-180", "180"),
            "work.actions",
            "The longitude of the service area's centre.",
        ),
        # --- the data commons ------------------------------------------------------
        _spec(
            "equity_report_epsilon",
            "decimal",
            "ε",
            "0.2",
            ("0.01", "10"),
            "observatory.actions",
            "What one equity report spends of the quarter's privacy budget: more is more "
            "exact and less private.",
        ),
        # --- federation --------------------------------------------------------------
        _spec(
            "federation.unreachable_after_hours",
            "int",
            "hours",
            "24",
            ("1", "720"),
            "federation.actions",
            "A linked co-op that has not answered for this long is shown as unreachable; "
            "what is waiting for it is still sent, in order, when it answers.",
        ),
        _spec(
            "federation.link_by_vote",
            "int",
            "0 or 1",
            "0",
            ("0", "1"),
            "federation.actions",
            "How the co-op decides a request to link from another co-op: 0, its stewards "
            "decide; 1, the members vote on it (a steward puts it to the vote).",
        ),
        _spec(
            "federation.overflow_after_minutes",
            "int",
            "minutes",
            "30",
            ("0", "1440"),
            "federation.actions",
            "A task still open this long after it was posted, with no worker of ours, may "
            "be offered to linked co-ops; 0: only when a steward offers it.",
        ),
    ]
}


def spec_of(name: str) -> ParameterSpec:
    try:
        return PARAMETERS[name]
    except KeyError as exc:
        raise ParameterError(name, "{name}: no such governed parameter") from exc
