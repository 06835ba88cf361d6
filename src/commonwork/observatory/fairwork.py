"""The Fairwork self-assessment as a pure function: the ten thresholds of Fairwork's
gig-work principles, the ten of its cloudwork principles, and the EU Platform Work
Directive's duties, each judged from facts the platform's own records give
(`observatory.selectors.fairwork_facts` gathers them; docs/commons.md lists each query).

A threshold is met only on evidence: a fact that is missing (no minimum wage in the cost
table, no worker-week in the window, no equity report) means not met, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Literal

from commonwork.core.marks import N_
from commonwork.core.money import format_minor

# Fairwork asks that "the vast majority" of workers earn the wage: nine in ten worker-weeks.
MAJORITY = 0.9
PAYOUT_DAYS = 14  # days from a period's end to its payout, at most
EQUITY_REPORT_DAYS = 92  # an equity report at least once a quarter
ELECTION_DAYS = 2 * 365  # stewards elected at least every two years
WEEK_HOURS_LIMIT = 48


@dataclass(frozen=True)
class WorkerWeek:
    engaged_hours: float
    pay_minor: int
    km: float


@dataclass(frozen=True)
class Facts:
    """What the records say, over the window the selector reads (13 weeks, a year for
    votes). None: the record that would say it is missing."""

    currency: str = "EUR"
    minimum_wage_minor: int | None = None
    living_wage_minor: int | None = None
    cost_per_km_minor: int | None = None
    floor_per_hour_minor: int = 0
    worker_weeks: Sequence[WorkerWeek] = ()
    payout_days: Sequence[float | None] = ()  # per closed period: days to its payout
    completed_unposted: int = 0  # completed tasks the books never paid
    break_after_minutes: int = 0
    weather_holds: bool = False
    sos: bool = False
    cover_injury: bool = False
    cover_sickness: bool = False
    solidarity_fund_minor: int = 0
    max_hours_per_week: int = 0
    bylaws_public: bool = False
    steward_set_rules: int = 0  # rule changes after the members first met, made without a vote
    disputes_waiting: int = 0  # undecided past the decision limit
    decision_days: Sequence[float] = ()
    decision_limit_days: int = 14
    equity_report_age_days: float | None = None
    fairness_weight: float = 0.0
    decided_votes: int = 0
    turnouts: Sequence[float] = ()
    quorum: float = 0.5
    last_election_age_days: float | None = None


@dataclass(frozen=True)
class Verdict:
    scheme: Literal["gig", "cloud"]
    code: str
    principle: str
    title: str
    met: bool
    why: str  # an N_ sentence with {named} parameters
    params: dict[str, str] = field(default_factory=dict)
    evidence: str = ""  # the URL name of the page or release that shows it


def _share_earning(weeks: Sequence[WorkerWeek], wage: int, cost_per_km: int) -> float:
    hours = [w for w in weeks if w.engaged_hours > 0]
    good = sum(1 for w in hours if (w.pay_minor - w.km * cost_per_km) / w.engaged_hours >= wage)
    return good / len(hours)


def _wage(
    facts: Facts, wage: int | None, cost: int | None, missing_wage: str
) -> tuple[bool, str, dict[str, str]]:
    if wage is None:
        return False, missing_wage, {}
    if cost is None:
        return False, N_("No cost per km of the co-op's vehicle is in the cost table."), {}
    if not any(w.engaged_hours > 0 for w in facts.worker_weeks):
        return False, N_("No worker-week in the window to measure."), {}
    # Only the verdict is published, never the share itself (it is not noisy).
    met = _share_earning(facts.worker_weeks, wage, cost) >= MAJORITY
    return (
        met,
        N_(
            "Nine in ten worker-weeks or more earned at least {wage} for every engaged "
            "hour after costs of {cost} a km, waiting counted."
        )
        if met
        else N_(
            "Fewer than nine in ten worker-weeks earned at least {wage} for every engaged "
            "hour after costs of {cost} a km, waiting counted."
        ),
        {"wage": format_minor(wage, facts.currency), "cost": format_minor(cost, facts.currency)},
    )


Rule = Callable[[Facts], tuple[bool, str, dict[str, str]]]


def _min_wage_after_costs(f: Facts) -> tuple[bool, str, dict[str, str]]:
    return _wage(
        f, f.minimum_wage_minor, f.cost_per_km_minor, N_("No minimum wage is in the cost table.")
    )


def _living_wage_after_costs(f: Facts) -> tuple[bool, str, dict[str, str]]:
    return _wage(
        f, f.living_wage_minor, f.cost_per_km_minor, N_("No living wage is in the cost table.")
    )


def _min_wage(f: Facts) -> tuple[bool, str, dict[str, str]]:
    return _wage(f, f.minimum_wage_minor, 0, N_("No minimum wage is in the cost table."))


def _paid_on_time(f: Facts) -> tuple[bool, str, dict[str, str]]:
    if f.completed_unposted:
        return (
            False,
            N_("{n} completed tasks were never paid in the books."),
            {"n": str(f.completed_unposted)},
        )
    if not f.payout_days:
        return False, N_("No pay period has closed in the window."), {}
    late = sum(1 for d in f.payout_days if d is None or d > PAYOUT_DAYS)
    return (
        late == 0,
        N_(
            "Every completed task is paid in the books; {late} of {periods} pay periods "
            "were paid out later than {days} days after they ended."
        ),
        {"late": str(late), "periods": str(len(f.payout_days)), "days": str(PAYOUT_DAYS)},
    )


def _task_risks(f: Facts) -> tuple[bool, str, dict[str, str]]:
    met = f.break_after_minutes > 0 and f.weather_holds and f.sos
    return (
        met,
        N_(
            "A break is due after {minutes} minutes engaged; outdoor work is held back in "
            "severe weather; an SOS call reaches the stewards and a chosen contact."
        ),
        {"minutes": str(f.break_after_minutes)},
    )


def _safety_net(f: Facts) -> tuple[bool, str, dict[str, str]]:
    met = f.cover_injury and f.cover_sickness and f.solidarity_fund_minor >= 0
    return (
        met,
        N_(
            "Cover for injury: {injury}; for sickness: {sickness}; the solidarity fund "
            "holds {fund}."
        ),
        {
            "injury": "✓" if f.cover_injury else "✗",
            "sickness": "✓" if f.cover_sickness else "✗",
            "fund": format_minor(f.solidarity_fund_minor, f.currency),
        },
    )


def _overwork(f: Facts) -> tuple[bool, str, dict[str, str]]:
    if f.minimum_wage_minor is None:
        return False, N_("No minimum wage is in the cost table."), {}
    met = (
        0 < f.max_hours_per_week <= WEEK_HOURS_LIMIT
        and f.floor_per_hour_minor >= f.minimum_wage_minor
    )
    return (
        met,
        N_(
            "Dispatch stops offering work past {cap} hours a week (the limit is {limit}); "
            "the floor pays every engaged hour, waiting included, at {floor} (the minimum "
            "wage is {wage})."
        ),
        {
            "cap": str(f.max_hours_per_week),
            "limit": str(WEEK_HOURS_LIMIT),
            "floor": format_minor(f.floor_per_hour_minor, f.currency),
            "wage": format_minor(f.minimum_wage_minor, f.currency),
        },
    )


def _health(f: Facts) -> tuple[bool, str, dict[str, str]]:
    met = f.break_after_minutes > 0 and f.cover_injury
    return (
        met,
        N_(
            "A break is due after {minutes} minutes engaged; injury at work is covered: "
            "{injury}; every read of a member's data is logged for them."
        ),
        {"minutes": str(f.break_after_minutes), "injury": "✓" if f.cover_injury else "✗"},
    )


def _clear_terms(f: Facts) -> tuple[bool, str, dict[str, str]]:
    return (
        f.bylaws_public,
        N_("The bylaws and every governed rule, with its history, are public.")
        if f.bylaws_public
        else N_("The bylaws are not published."),
        {},
    )


def _fair_terms(f: Facts) -> tuple[bool, str, dict[str, str]]:
    met = f.bylaws_public and f.steward_set_rules == 0
    return (
        met,
        N_(
            "Since the members first met, rules change only by their vote: {n} changes "
            "were made otherwise."
        ),
        {"n": str(f.steward_set_rules)},
    )


def _due_process(f: Facts) -> tuple[bool, str, dict[str, str]]:
    typical = median(f.decision_days) if f.decision_days else None
    met = f.disputes_waiting == 0 and (typical is None or typical <= f.decision_limit_days)
    return (
        met,
        N_(
            "{waiting} disputes wait past {limit} days; the median decision took {days} "
            "days; every dispatch decision is explained; refusals can be appealed to a "
            "vote."
        ),
        {
            "waiting": str(f.disputes_waiting),
            "limit": str(f.decision_limit_days),
            "days": "—" if typical is None else f"{typical:.1f}",
        },
    )


def _equity(f: Facts) -> tuple[bool, str, dict[str, str]]:
    if f.equity_report_age_days is None:
        return False, N_("No equity report has been published."), {}
    met = f.equity_report_age_days <= EQUITY_REPORT_DAYS and f.fairness_weight > 0
    return (
        met,
        N_(
            "The last equity report is {days} days old (at most {limit}); dispatch weighs "
            "fairness at {weight}."
        ),
        {
            "days": f"{f.equity_report_age_days:.0f}",
            "limit": str(EQUITY_REPORT_DAYS),
            "weight": f"{f.fairness_weight:g}",
        },
    )


def _voice(f: Facts) -> tuple[bool, str, dict[str, str]]:
    return (
        f.decided_votes > 0,
        N_("Members decided {n} votes in the last year; any member may propose."),
        {"n": str(f.decided_votes)},
    )


def _democracy(f: Facts) -> tuple[bool, str, dict[str, str]]:
    if f.last_election_age_days is None:
        return False, N_("No election of stewards is on record."), {}
    turnout = sum(f.turnouts) / len(f.turnouts) if f.turnouts else 0.0
    met = f.last_election_age_days <= ELECTION_DAYS and turnout >= f.quorum
    return (
        met,
        N_(
            "Stewards were last elected {days} days ago; mean turnout {turnout} % "
            "(the quorum is {quorum} %)."
        ),
        {
            "days": f"{f.last_election_age_days:.0f}",
            "turnout": f"{100 * turnout:.0f}",
            "quorum": f"{100 * f.quorum:.0f}",
        },
    )


PRINCIPLES = {
    "1": N_("Fair pay"),
    "2": N_("Fair conditions"),
    "3": N_("Fair contracts"),
    "4": N_("Fair management"),
    "5": N_("Fair representation"),
}

THRESHOLDS: tuple[tuple[Literal["gig", "cloud"], str, str, Rule, str], ...] = (
    (
        "gig",
        "1.1",
        N_("Workers earn at least the local minimum wage after costs"),
        _min_wage_after_costs,
        "observatory",
    ),
    (
        "gig",
        "1.2",
        N_("Workers earn at least a local living wage after costs"),
        _living_wage_after_costs,
        "observatory",
    ),
    ("gig", "2.1", N_("Task-specific risks are mitigated"), _task_risks, "protection_home"),
    ("gig", "2.2", N_("Safe working conditions and a safety net"), _safety_net, "transparency"),
    ("gig", "3.1", N_("Clear and transparent terms and conditions"), _clear_terms, "results"),
    ("gig", "3.2", N_("No unfair contract terms"), _fair_terms, "results"),
    ("gig", "4.1", N_("Due process for decisions affecting workers"), _due_process, "dispatch_why"),
    ("gig", "4.2", N_("Equity in the management process"), _equity, "fairwork"),
    (
        "gig",
        "5.1",
        N_("Freedom of association and the expression of worker voice"),
        _voice,
        "results",
    ),
    ("gig", "5.2", N_("Democratic governance"), _democracy, "results"),
    (
        "cloud",
        "1.1",
        N_("Workers are paid on time and for all completed work"),
        _paid_on_time,
        "commons",
    ),
    (
        "cloud",
        "1.2",
        N_("Workers are paid at least the local minimum wage"),
        _min_wage,
        "observatory",
    ),
    ("cloud", "2.1", N_("Precarity and overwork are mitigated"), _overwork, "observatory"),
    ("cloud", "2.2", N_("Health and safety risks are mitigated"), _health, "protection_home"),
    ("cloud", "3.1", N_("Clear terms and conditions are available"), _clear_terms, "results"),
    (
        "cloud",
        "3.2",
        N_("Contracts are consistent with the terms of engagement"),
        _fair_terms,
        "results",
    ),
    (
        "cloud",
        "4.1",
        N_("Due process for decisions affecting workers"),
        _due_process,
        "dispatch_why",
    ),
    ("cloud", "4.2", N_("Equity in the management process"), _equity, "fairwork"),
    ("cloud", "5.1", N_("Access to representation and freedom of association"), _voice, "results"),
    ("cloud", "5.2", N_("Collective governance or bargaining"), _democracy, "results"),
)


def assess(facts: Facts) -> list[Verdict]:
    """Every threshold of both schemes, judged on the facts."""
    out = []
    for scheme, code, title, rule, evidence in THRESHOLDS:
        met, why, params = rule(facts)
        out.append(Verdict(scheme, code, PRINCIPLES[code[0]], title, met, why, params, evidence))
    return out


def score(verdicts: Sequence[Verdict], scheme: str) -> int:
    """Fairwork's score: a principle's second point counts only with its first."""
    met = {v.code: v.met for v in verdicts if v.scheme == scheme}
    return sum(
        met.get(f"{p}.1", False) + (met.get(f"{p}.1", False) and met.get(f"{p}.2", False))
        for p in PRINCIPLES
    )


# The EU Platform Work Directive (2024/2831): what a platform must provide to the people
# it manages by automated systems, and where this one provides it.
DIRECTIVE: tuple[tuple[str, str, str, bool], ...] = (
    (
        "7",
        N_("No processing of emotional state, private conversations or data off work"),
        "data_inventory",
        True,
    ),
    (
        "9",
        N_("Information on automated monitoring and decision-making systems"),
        "dispatch_why",
        True,
    ),
    (
        "10",
        N_("Human oversight of automated systems, with the power to override"),
        "dispatch_rounds",
        True,
    ),
    (
        "11",
        N_("Human review of significant decisions, with reasons and an appeal"),
        "results",
        True,
    ),
    (
        "12",
        N_("Safety and health: evaluating the risks of automated systems"),
        "protection_home",
        True,
    ),
    (
        "13",
        N_("Information and consultation of workers on changes to the systems"),
        "proposals",
        True,
    ),
    ("14", N_("Data portability: a worker takes their data with them"), "my_data", True),
    (
        "17",
        N_("Declaring platform work to the labour and social-protection authorities"),
        "",
        False,
    ),
)
