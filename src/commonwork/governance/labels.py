"""Every governed rule's name and unit as people say them, for the pages (the registry's
names are for code and the API). Plain data: `label(name, translate)` puts a label in the
reader's language; makemessages collects the marked sentences."""

from __future__ import annotations

from collections.abc import Callable

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
LABELS = {
    "availability_confirm_minutes": N_("Availability ends after this long without activity"),
    "break_after_minutes": N_("Longest engaged time without a break"),
    "break_minutes": N_("Shortest pause that counts as a break"),
    "claim_appeal_days": N_("Time to appeal a refused claim"),
    "claim_decision_days": N_("Time the stewards have to decide a claim"),
    "claim_retention_days": N_("How long claims are kept once settled"),
    "commons.epsilon_per_year": N_("Privacy budget for statistics, per year"),
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
    "fee_rate": N_("Fee"),
    "location_retention_days": N_("How long locations are kept"),
    "location_share_seconds": N_("How often a phone sends its location while available"),
    "proof_retention_days": N_("How long delivery photos are kept"),
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


def unit(text: str, translate: Translate = _same) -> str:
    return translate(UNITS[text]) if text in UNITS else text
