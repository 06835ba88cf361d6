"""The pay rules hold their promises for any input, not just the examples."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonwork.ledger.rules import (
    RuleInputError,
    check_pay_ratio,
    effective_hourly_minor,
    engaged_seconds,
    floor_top_up,
    largest_remainder,
    merge_intervals,
    split_price,
    split_surplus,
)

money = st.integers(min_value=0, max_value=10**9)
rates = st.fractions(min_value=0, max_value=Fraction(1, 2), max_denominator=10_000)
intervals = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 5_000)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=20,
)


@given(money, rates, rates, money)
def test_a_split_adds_up_to_what_the_client_paid(price, fee_rate, solidarity_rate, tip):
    split = split_price(price, fee_rate=fee_rate, solidarity_rate=solidarity_rate, tip_minor=tip)
    assert split.worker_minor + split.fee_minor + split.solidarity_minor == price
    assert min(split.worker_minor, split.fee_minor, split.solidarity_minor) >= 0
    assert split.to_worker_minor - split.worker_minor == tip  # the whole tip, untouched
    assert abs(split.fee_minor - price * fee_rate) <= Fraction(1, 2)


def test_bad_split_input_is_refused():
    with pytest.raises(RuleInputError, match="negative"):
        split_price(-1, fee_rate=Fraction(0), solidarity_rate=Fraction(0))
    with pytest.raises(RuleInputError, match="fee_rate"):
        split_price(100, fee_rate=Fraction(3, 2), solidarity_rate=Fraction(0))
    with pytest.raises(RuleInputError, match="exceed"):
        split_price(100, fee_rate=Fraction(3, 4), solidarity_rate=Fraction(1, 2))


@given(intervals)
def test_merged_intervals_cover_the_same_seconds_once(spans):
    merged = merge_intervals(spans)
    covered = {s for start, end in spans for s in range(start, end)}
    assert sum(end - start for start, end in merged) == len(covered)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))


@given(intervals, intervals, st.tuples(st.integers(0, 8_000), st.integers(0, 8_000)))
def test_engaged_time_counts_each_second_in_the_period_once(available, on_task, window_raw):
    window = (min(window_raw), max(window_raw))
    seconds = engaged_seconds(available=available, on_task=on_task, window=window)
    expected = {
        s
        for start, end in [*available, *on_task]
        for s in range(max(start, window[0]), min(end, window[1]))
    }
    assert seconds == len(expected)


@given(st.integers(0, 400_000), money, st.integers(0, 10_000))
def test_floor_top_up_brings_pay_to_the_floor_and_never_above_it(seconds, earnings, floor):
    top_up = floor_top_up(
        engaged_seconds=seconds, earnings_minor=earnings, floor_per_hour_minor=floor
    )
    floor_owed = Fraction(floor * seconds, 3600)
    assert top_up >= 0
    assert earnings + top_up >= floor_owed
    if top_up > 0:
        assert earnings + top_up - floor_owed < 1  # rounded up by less than one minor unit


def test_waiting_time_is_paid_through_the_floor():
    # Eight engaged hours, only two of them on tasks that earned 3,000; floor 1,500/h.
    available = [(0, 8 * 3600)]
    on_task = [(3600, 3 * 3600)]
    seconds = engaged_seconds(available=available, on_task=on_task, window=(0, 24 * 3600))
    assert seconds == 8 * 3600
    assert floor_top_up(
        engaged_seconds=seconds, earnings_minor=3000, floor_per_hour_minor=1500
    ) == (8 * 1500 - 3000)


def test_the_pay_ratio_is_checked_against_the_cap():
    rates = {
        1: effective_hourly_minor(pay_minor=6000, engaged_seconds=3600),
        2: effective_hourly_minor(pay_minor=2000, engaged_seconds=3600),
        3: effective_hourly_minor(pay_minor=0, engaged_seconds=0),  # no engaged time: left out
    }
    report = check_pay_ratio(rates, cap=Fraction(2))
    assert report.ratio == 3
    assert (report.highest_member, report.lowest_member, report.exceeded) == (1, 2, True)
    assert not check_pay_ratio(rates, cap=Fraction(3)).exceeded


def test_a_zero_lowest_pay_exceeds_any_cap():
    report = check_pay_ratio({1: Fraction(10), 2: Fraction(0)}, cap=Fraction(1000))
    assert report.exceeded


@given(money, st.lists(st.fractions(min_value=0, max_value=100), min_size=1, max_size=30))
def test_largest_remainder_adds_up_exactly(total, weights):
    shares = largest_remainder(total, list(enumerate(weights)))
    if any(weight > 0 for weight in weights):
        assert sum(shares.values()) == total
        weight_sum = sum(weights)
        for key, weight in enumerate(weights):
            assert abs(shares[key] - total * weight / weight_sum) < 1
    else:
        assert sum(shares.values()) == 0


@given(money, st.dictionaries(st.integers(1, 500), st.integers(0, 3_000), max_size=40))
def test_surplus_is_fully_allocated_and_patronage_follows_labour(surplus, labour):
    split = split_surplus(
        surplus,
        reserves_share=Fraction(3, 10),
        patronage_share=Fraction(6, 10),
        community_share=Fraction(1, 10),
        labour_by_member=labour,
    )
    assert split.reserves_minor + split.patronage_minor + split.community_minor == surplus
    assert sum(split.patronage_by_member.values()) == split.patronage_minor
    ordered = sorted(labour.items(), key=lambda item: item[1])
    for (low, h1), (high, h2) in itertools.pairwise(ordered):
        if h1 < h2:
            assert split.patronage_by_member[low] <= split.patronage_by_member[high]


def test_no_surplus_allocates_nothing():
    split = split_surplus(
        -500,
        reserves_share=Fraction(1, 2),
        patronage_share=Fraction(1, 2),
        community_share=Fraction(0),
        labour_by_member={1: 10},
    )
    assert (split.reserves_minor, split.patronage_minor, split.patronage_by_member) == (
        0,
        0,
        {1: 0},
    )
