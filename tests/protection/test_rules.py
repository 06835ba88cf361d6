"""The cover's pure rules at their boundaries."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonwork.protection import rules

INJURY = rules.CoverTerms("injury", rules.SHARE_OF_PAY, Fraction(3, 5), 0, 20, 4, 26, 3)
DAY = dt.date(2026, 11, 2)


@pytest.mark.parametrize(("hours", "covered"), [(19.99, False), (20.0, True), (35.0, True)])
def test_exactly_the_qualifying_hours_qualify(hours: float, covered: bool) -> None:
    assert rules.qualifies(INJURY, hours) is covered


def test_nothing_qualifies_for_a_cover_the_members_did_not_choose() -> None:
    none = rules.CoverTerms("vehicle", rules.NOT_COVERED, Fraction(0), 50_000, 0, 4, 1, 0)
    assert not rules.qualifies(none, 500)
    assert rules.benefit_minor(none, starts_on=DAY, ends_on=DAY, average_weekly_pay_minor=1) == 0


def test_a_share_of_pay_after_the_waiting_days() -> None:
    # Ten days off work, three waiting: seven days at 60 % of 500.00 a week = 300.00.
    ten_days = DAY + dt.timedelta(days=9)
    amount = rules.benefit_minor(
        INJURY, starts_on=DAY, ends_on=ten_days, average_weekly_pay_minor=50_000
    )
    assert amount == 30_000
    # Within the waiting days nothing is paid.
    three = DAY + dt.timedelta(days=2)
    assert (
        rules.benefit_minor(INJURY, starts_on=DAY, ends_on=three, average_weekly_pay_minor=50_000)
        == 0
    )


def test_a_fixed_sum_and_actual_costs_up_to_the_limit() -> None:
    weekly = rules.CoverTerms("parental", rules.FIXED_SUM, Fraction(0), 20_000, 100, 12, 14, 0)
    two_weeks = DAY + dt.timedelta(days=13)
    assert (
        rules.benefit_minor(weekly, starts_on=DAY, ends_on=two_weeks, average_weekly_pay_minor=0)
        == 40_000
    )
    costs = rules.CoverTerms("vehicle", rules.ACTUAL_COSTS, Fraction(0), 50_000, 40, 4, 1, 0)
    assert (
        rules.benefit_minor(
            costs, starts_on=DAY, ends_on=DAY, average_weekly_pay_minor=0, costs_minor=12_345
        )
        == 12_345
    )
    assert (
        rules.benefit_minor(
            costs, starts_on=DAY, ends_on=DAY, average_weekly_pay_minor=0, costs_minor=90_000
        )
        == 50_000
    )


@given(
    days=st.integers(0, 1000),
    pay=st.integers(0, 10_000_000),
    weeks=st.integers(1, 104),
    waiting=st.integers(0, 30),
)
def test_a_claim_never_pays_past_its_longest_run(
    days: int, pay: int, weeks: int, waiting: int
) -> None:
    terms = rules.CoverTerms("injury", rules.SHARE_OF_PAY, Fraction(3, 5), 0, 0, 4, weeks, waiting)
    end = DAY + dt.timedelta(days=days)
    paid = rules.paid_days(terms, DAY, end)
    assert 0 <= paid <= weeks * 7
    assert paid <= max(0, days + 1 - waiting)
    amount = rules.benefit_minor(terms, starts_on=DAY, ends_on=end, average_weekly_pay_minor=pay)
    assert amount <= round(Fraction(3, 5) * pay * weeks) + 1
