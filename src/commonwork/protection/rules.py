"""The cover the members chose, as pure rules: who qualifies for which kind, what a claim
pays, when it must be decided. Money in integer minor units, shares as exact fractions,
the terms as the governed `cover.<kind>.*` parameters hold them (docs/protection.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from commonwork.core.marks import N_

# Basis: how a kind of cover pays.
NOT_COVERED, SHARE_OF_PAY, FIXED_SUM, ACTUAL_COSTS = 0, 1, 2, 3
KINDS = {
    "injury": N_("Injury at work"),
    "sickness": N_("Sickness"),
    "vehicle": N_("Loss of a vehicle"),
    "parental": N_("Parental leave"),
}


@dataclass(frozen=True)
class CoverTerms:
    kind: str
    basis: int
    share: Fraction  # of average weekly pay (basis 1)
    sum_minor: int  # a week (basis 2), or the most paid for costs (basis 3)
    qualifying_hours: int
    qualifying_weeks: int
    max_weeks: int
    waiting_days: int

    @property
    def covered(self) -> bool:
        return self.basis != NOT_COVERED


def terms_from(values: Mapping[str, int | Fraction], kind: str) -> CoverTerms:
    """The terms of one kind of cover from the governed values, by registry name."""
    name = f"cover.{kind}"
    return CoverTerms(
        kind=kind,
        basis=int(values[f"{name}.basis"]),
        share=Fraction(values[f"{name}.share"]),
        sum_minor=int(values[f"{name}.sum"]),
        qualifying_hours=int(values[f"{name}.qualifying_hours"]),
        qualifying_weeks=int(values[f"{name}.qualifying_weeks"]),
        max_weeks=int(values[f"{name}.max_weeks"]),
        waiting_days=int(values[f"{name}.waiting_days"]),
    )


def qualifies(terms: CoverTerms, engaged_hours: float) -> bool:
    """Covered for this kind, with at least the qualifying engaged hours (exactly enough
    is enough)."""
    return terms.covered and engaged_hours + 1e-9 >= terms.qualifying_hours


def paid_days(terms: CoverTerms, starts_on: date, ends_on: date) -> int:
    """The days of a claim the cover pays: from the first day after the waiting days to
    the last day, both counted, at most the longest the cover runs."""
    days = (ends_on - starts_on).days + 1 - terms.waiting_days
    return max(0, min(days, terms.max_weeks * 7))


def benefit_minor(
    terms: CoverTerms,
    *,
    starts_on: date,
    ends_on: date,
    average_weekly_pay_minor: int,
    costs_minor: int = 0,
) -> int:
    """What a claim pays, rounded half to even to the minor unit:
    - share of pay: share × average weekly pay × paid days ÷ 7;
    - fixed sum: the weekly sum × paid days ÷ 7;
    - actual costs: the costs, up to the sum (waiting days do not apply)."""
    if not terms.covered or ends_on < starts_on:
        return 0
    if terms.basis == ACTUAL_COSTS:
        return max(0, min(costs_minor, terms.sum_minor))
    weekly = (
        terms.share * average_weekly_pay_minor
        if terms.basis == SHARE_OF_PAY
        else Fraction(terms.sum_minor)
    )
    return round(weekly * paid_days(terms, starts_on, ends_on) / 7)


def decision_due(filed_at: datetime, days: int) -> datetime:
    return filed_at + timedelta(days=days)
