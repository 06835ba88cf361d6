"""Every governed rule's name and unit as people say them, for the pages (the registry's
names are for code and the API). Plain data: `label(name, translate)` puts a label in the
reader's language; makemessages collects the marked sentences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from commonwork.core.marks import N_

Translate = Callable[[str], str]

KIND_WORDS = {
    "admission": N_("admission"),
    "bylaw_amendment": N_("bylaw amendment"),
    "election": N_("election"),
    "free_decision": N_("free decision"),
    "parameter_change": N_("rule change"),
    "removal": N_("removal"),
    "surplus_allocation": N_("surplus allocation"),
}
COVER_WORDS = {
    "injury": N_("injury at work"),
    "sickness": N_("sickness"),
    "vehicle": N_("loss of a vehicle"),
    "parental": N_("parental leave"),
}
COVER_FIELDS = {
    "basis": N_("Cover for %(what)s: how it pays"),
    "share": N_("Cover for %(what)s: share of average weekly pay"),
    "sum": N_("Cover for %(what)s: sum"),
    "qualifying_hours": N_("Cover for %(what)s: engaged hours needed"),
    "qualifying_weeks": N_("Cover for %(what)s: weeks the hours count in"),
    "max_weeks": N_("Cover for %(what)s: longest paid"),
    "waiting_days": N_("Cover for %(what)s: waiting days"),
}
BY_KIND = {
    "live_results": N_("Live results for a %(kind)s"),
    "notice_hours": N_("Notice before a vote on a %(kind)s"),
    "voting_hours": N_("Voting time for a %(kind)s"),
    "threshold": N_("Yes votes needed for a %(kind)s"),
}
COVER_DESCRIPTIONS = {
    "basis": N_("Whether and how the solidarity fund pays for %(what)s."),
    "share": N_("For %(what)s on basis 1: the share of the member's average weekly pay paid."),
    "sum": N_("For %(what)s: the sum paid a week (basis 2) or the most paid for costs (basis 3)."),
    "qualifying_hours": N_(
        "Engaged hours a member needs in the qualifying weeks to be covered for %(what)s."
    ),
    "qualifying_weeks": N_(
        "The weeks before the claim in which the qualifying hours for %(what)s count."
    ),
    "max_weeks": N_("The longest a claim for %(what)s is paid."),
    "waiting_days": N_("Days at the start of %(what)s that are not paid."),
}
BY_KIND_DESCRIPTIONS = {
    "threshold": N_(
        "Share of the yes and no votes a %(kind)s needs to pass (and more yes than no)."
    ),
    "notice_hours": N_(
        "Least time between publishing a %(kind)s and its vote opening, so every member can "
        "read it and take part in the discussion."
    ),
    "voting_hours": N_("Least time the vote on a %(kind)s stays open."),
    "live_results": N_(
        "Whether the votes and their reasons on a %(kind)s show while voting is open (1), or "
        "only once it closes (0), so early votes do not sway later ones."
    ),
}
LABELS = {
    "availability_confirm_minutes": N_("Availability ends after this long without activity"),
    "break_after_minutes": N_("Longest engaged time without a break"),
    "break_minutes": N_("Shortest pause that counts as a break"),
    "claim_appeal_days": N_("Time to appeal a refused claim"),
    "claim_decision_days": N_("Time the stewards have to decide a claim"),
    "claim_retention_days": N_("How long claims are kept once settled"),
    "commons.epsilon_per_quarter": N_("Privacy budget for statistics, per quarter"),
    "commons.hours_bound_per_week": N_("Statistics: most hours a week one member counts for"),
    "commons.pay_bound_per_hour": N_("Statistics: most pay an hour one member counts for"),
    "commons.weekly_epsilon": N_("Privacy spent by each weekly statistic"),
    "consent.objection_threshold": N_("Objections that block a consent decision"),
    "cover_contribution_share": N_("Share of the fee put into the fund for cover"),
    "dispatch.offer_ttl_seconds": N_("Time to answer an offer"),
    "dispatch.radius_km": N_("Dispatch radius"),
    "dispatch.round_interval_seconds": N_("Time between dispatch rounds"),
    "dispatch.unassigned_penalty": N_("Dispatch: cost of leaving a task unassigned"),
    "dispatch.weight_distance": N_("Dispatch: weight of distance"),
    "dispatch.weight_fairness": N_("Dispatch: weight of fairness"),
    "equity_report_epsilon": N_("Privacy spent by one equity report"),
    "export_retention_days": N_("How long a data export is kept"),
    "federation.link_by_vote": N_("Who decides a request to link with another co-op"),
    "federation.overflow_after_minutes": N_("When an uncovered task may go to a linked co-op"),
    "federation.unreachable_after_hours": N_("When a silent linked co-op counts as unreachable"),
    "fee_rate": N_("Fee"),
    "location_retention_days": N_("How long locations are kept"),
    "location_share_seconds": N_("How often a phone sends its location while available"),
    "proof_retention_days": N_("How long delivery photos are kept"),
    "platform_import_retention_days": N_("How long imported platform files are kept"),
    "max_hours_per_day": N_("Most hours a day"),
    "max_hours_per_week": N_("Most hours a week"),
    "max_task_km": N_("Longest trip of a task"),
    "min_rest_hours": N_("Least rest between working days"),
    "pay_floor_deficit_limit": N_("How far the solidarity fund may go below zero"),
    "pay_floor_funded_by": N_("What pays the floor"),
    "pay_floor_per_hour": N_("Pay floor per engaged hour"),
    "pay_period_days": N_("Length of a pay period"),
    "pay_ratio_cap": N_("Cap on highest ÷ lowest hourly pay"),
    "quorum": N_("Quorum"),
    "removal.appeal_days": N_("Time to appeal a removal"),
    "service_area_lat": N_("Service area: latitude of the centre"),
    "service_area_lon": N_("Service area: longitude of the centre"),
    "service_area_radius_km": N_("Service area: radius"),
    "shift_default_hours": N_("Usual length of a shift"),
    "shift_max_hours": N_("Longest shift"),
    "solidarity_rate": N_("Solidarity contribution"),
    "steward_term_days": N_("A steward's term"),
    "surplus.community_share": N_("Surplus: share to the community fund"),
    "surplus.patronage_basis": N_("Surplus: returned by hours or by earnings"),
    "surplus.patronage_paid_out": N_("Surplus: returned as capital or paid out"),
    "surplus.patronage_share": N_("Surplus: share returned to the members"),
    "surplus.reserves_share": N_("Surplus: share kept in reserves"),
    "tip_confirm_above": N_("Tips above this must be confirmed"),
    "weather_alert_level": N_("Weather warnings that bind dispatch"),
    "weather_rule": N_("What a weather warning does"),
    "weather_supplement_rate": N_("Hardship supplement under a weather warning"),
}
UNITS = {
    "0 = engaged hours, 1 = earnings": N_("0 = engaged hours, 1 = earnings"),
    "0 = hold outdoor tasks, 1 = pay a hardship supplement": N_(
        "0 = hold outdoor tasks, 1 = pay a hardship supplement"
    ),
    "0 = into capital, 1 = paid out": N_("0 = into capital, 1 = paid out"),
    "0 = hidden until the close, 1 = live": N_("0 = hidden until the close, 1 = live"),
    "0 = not covered, 1 = share of pay, 2 = fixed sum a week, 3 = costs up to the sum": N_(
        "0 = not covered, 1 = share of pay, 2 = fixed sum a week, 3 = costs up to the sum"
    ),
    "0 = solidarity fund, 1 = operating budget": N_("0 = solidarity fund, 1 = operating budget"),
    "1 = minor, 2 = moderate, 3 = severe, 4 = extreme, 5 = none": N_(
        "1 = minor, 2 = moderate, 3 = severe, 4 = extreme, 5 = none"
    ),
    "cost per km": N_("cost per km"),
    "cost units": N_("cost units"),
    "days": N_("days"),
    "degrees of latitude": N_("degrees of latitude"),
    "degrees of longitude": N_("degrees of longitude"),
    "engaged hours": N_("engaged hours"),
    "fraction of average weekly pay": N_("fraction of average weekly pay"),
    "fraction of ballots cast": N_("fraction of ballots cast"),
    "fraction of the electorate": N_("fraction of the electorate"),
    "fraction of the fee": N_("fraction of the fee"),
    "fraction of the price": N_("fraction of the price"),
    "fraction of the surplus": N_("fraction of the surplus"),
    "fraction of yes and no": N_("fraction of yes and no"),
    "highest ÷ lowest hourly pay": N_("highest ÷ lowest hourly pay"),
    "hours": N_("hours"),
    "km": N_("km"),
    "minor units": N_("cents (the currency's smallest unit)"),
    "minor units per engaged hour": N_("cents an engaged hour"),
    "minutes": N_("minutes"),
    "seconds": N_("seconds"),
    "weeks": N_("weeks"),
    "ε": "ε",
}


def _same(text: str) -> str:
    return text


def label(name: str, translate: Translate = _same) -> str:
    """The rule's name as people say it, in the reader's language."""
    if name in LABELS:
        return translate(LABELS[name])
    head, _, tail = name.partition(".")
    if head == "cover" and "." in tail:
        kind, field = tail.split(".", 1)
        if kind in COVER_WORDS and field in COVER_FIELDS:
            return translate(COVER_FIELDS[field]) % {"what": translate(COVER_WORDS[kind])}
    if head in BY_KIND and tail in KIND_WORDS:
        return translate(BY_KIND[head]) % {"kind": translate(KIND_WORDS[tail])}
    return name


def description(name: str, english: str, translate: Translate = _same) -> str:
    """What the rule does, in the reader's language (`english`: the registry's text)."""
    head, _, tail = name.partition(".")
    if head == "cover" and "." in tail:
        kind, field = tail.split(".", 1)
        if kind in COVER_WORDS and field in COVER_DESCRIPTIONS:
            return translate(COVER_DESCRIPTIONS[field]) % {"what": translate(COVER_WORDS[kind])}
    if head in BY_KIND_DESCRIPTIONS and tail in KIND_WORDS:
        return translate(BY_KIND_DESCRIPTIONS[head]) % {"kind": translate(KIND_WORDS[tail])}
    return translate(english)


def unit(text: str, translate: Translate = _same) -> str:
    return translate(UNITS[text]) if text in UNITS else text


# --- values in the units people think in -----------------------------------------------
# The registry stores money in cents and shares as fractions (exact, for the rules). Pages
# show and take them as the currency and as percent: stored = shown × factor.


@dataclass(frozen=True)
class DisplayUnit:
    label: str  # marked for translation; %(currency)s is the co-op's currency
    factor: Fraction


_PERCENT = Fraction(1, 100)
DISPLAY_UNITS: dict[str, DisplayUnit] = {
    "minor units": DisplayUnit(N_("%(currency)s"), Fraction(100)),
    "minor units per engaged hour": DisplayUnit(N_("%(currency)s an engaged hour"), Fraction(100)),
    # xgettext:no-python-format
    "fraction of average weekly pay": DisplayUnit(N_("% of average weekly pay"), _PERCENT),
    # xgettext:no-python-format
    "fraction of ballots cast": DisplayUnit(N_("% of ballots cast"), _PERCENT),
    # xgettext:no-python-format
    "fraction of the electorate": DisplayUnit(N_("% of the electorate"), _PERCENT),
    # xgettext:no-python-format
    "fraction of the fee": DisplayUnit(N_("% of the fee"), _PERCENT),
    # xgettext:no-python-format
    "fraction of the price": DisplayUnit(N_("% of the price"), _PERCENT),
    # xgettext:no-python-format
    "fraction of the surplus": DisplayUnit(N_("% of the surplus"), _PERCENT),
    # xgettext:no-python-format
    "fraction of yes and no": DisplayUnit(N_("% of yes and no"), _PERCENT),
}


def display_unit(unit_text: str, translate: Translate = _same, currency: str = "EUR") -> str:
    """The unit a value is shown and typed in, in the reader's language."""
    shown = DISPLAY_UNITS.get(unit_text)
    if shown is None:
        return unit(unit_text, translate)
    return translate(shown.label).replace("%(currency)s", currency)


def _decimal_text(value: Fraction) -> str:
    """Up to four decimals, without trailing zeros; exact fractions that need more (2/3)
    as the fraction."""
    scaled = value * 10_000
    if scaled.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    whole, rest = divmod(abs(scaled.numerator), 10_000)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}" + (f".{rest:04d}".rstrip("0") if rest else "")


def to_display(unit_text: str, stored: Fraction | int | str) -> str:
    """A stored value as shown: 1250 cents → "12.5", 0.08 → "8", 2/3 → "200/3"."""
    value = Fraction(str(stored))
    shown = DISPLAY_UNITS.get(unit_text)
    return _decimal_text(value if shown is None else value / shown.factor)


def from_display(unit_text: str, typed: str) -> str:
    """What was typed in the shown unit, as the registry stores it (exact text). Accepts
    a decimal comma and a trailing % or currency sign. ValueError when it is no number."""
    text = typed.strip().replace(",", ".").rstrip("%").strip()
    for suffix in ("EUR", "€"):
        text = text.removesuffix(suffix).strip()
    value = Fraction(text)  # ValueError or ZeroDivisionError on nonsense
    shown = DISPLAY_UNITS.get(unit_text)
    stored = value if shown is None else value * shown.factor
    if stored.denominator == 1:
        return str(stored.numerator)
    return (
        _decimal_text(stored)
        if (stored * 10_000).denominator == 1
        else (f"{stored.numerator}/{stored.denominator}")
    )
