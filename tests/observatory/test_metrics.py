"""The labour metrics against hand-worked examples and their defining properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonwork.observatory import metrics as m


def _worker(working: float, task: float, earnings: int, days: float = 7) -> m.WorkerPeriod:
    return m.WorkerPeriod(0, working, task, earnings, days)


def test_hourly_pay_counts_waiting_or_not() -> None:
    workers = [_worker(10, 5, 10_000), _worker(20, 10, 10_000)]
    with_wait = m.hourly_pay(workers, count_waiting=True)
    task_only = m.hourly_pay(workers, count_waiting=False)
    assert (with_wait.mean, with_wait.median) == (750, 750)  # 1000/h and 500/h
    assert task_only.median == 1500  # 2000/h and 1000/h


def test_the_floor_share_weighs_hours_not_heads() -> None:
    workers = [_worker(30, 20, 45_000), _worker(10, 2, 5_000)]  # 1500/h and 500/h
    assert m.share_of_hours_at_or_above_floor(workers, floor_per_hour_minor=1500) == 0.75


def test_weekly_hours_are_simulated_weeks_not_a_day_times_seven() -> None:
    two_days = _worker(20, 10, 0, days=2)  # 10 h a day is not a 70-hour week
    two_weeks = m.WorkerPeriod(2, 100, 50, 0, 14, week_hours=(52.0, 48.0))
    assert m.weekly_hours([two_days, two_weeks]) == [52.0, 48.0]
    assert m.share_above_weekly_hours([two_days, two_weeks]) == 0.5
    assert m.weekly_hours([two_days]) == []


def test_shares_of_client_spending() -> None:
    tasks = [
        m.TaskRecord(1000, 750, 250, 5.0),
        m.TaskRecord(2000, 1500, 500, 15.0),
        m.TaskRecord(0, 0, 0, None),
    ]
    assert m.labour_share(tasks) == 0.75
    assert m.platform_share(tasks) == 0.25
    assert m.retained_per_wage(tasks) == pytest.approx(1 / 3)
    assert m.completion_rate(tasks) == pytest.approx(2 / 3)
    assert m.customer_wait(tasks).median == 10.0
    assert m.idle_share([_worker(10, 4, 0)]) == pytest.approx(0.6)


def test_gini_and_the_top_share_on_known_cases() -> None:
    assert m.gini([5, 5, 5, 5]) == 0
    assert m.gini([0, 0, 0, 10]) == pytest.approx(0.75)  # (n-1)/n for one holding all
    assert m.top_share([1] * 9 + [91], 0.1) == pytest.approx(0.91)
    assert math.isnan(m.gini([]))


def test_quantiles_interpolate_like_numpy() -> None:
    import numpy as np

    values = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6]
    for q in (0.1, 0.5, 0.9):
        assert m.quantile(values, q) == pytest.approx(float(np.quantile(values, q)))


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50))
def test_gini_lies_between_zero_and_one(values: list[float]) -> None:
    value = m.gini(values)
    assert 0 <= value < 1 or (sum(values) == 0 and value == 0)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=30))
def test_labour_and_platform_shares_add_up_to_the_whole(pairs: list[tuple[int, int]]) -> None:
    tasks = [m.TaskRecord(w + k, w, k, 1.0) for w, k in pairs]
    if sum(w + k for w, k in pairs) == 0:
        return
    assert m.labour_share(tasks) + m.platform_share(tasks) == pytest.approx(1)


def test_effective_pay_is_net_of_the_workers_own_costs() -> None:
    worker = m.WorkerPeriod(0, 10, 5, 10_000, 7, costs_minor=2_000)
    assert m.hourly_pay([worker], count_waiting=True).median == 800
    assert m.share_of_hours_at_or_above_floor([worker], floor_per_hour_minor=900) == 0


def test_hours_per_day_count_the_days_worked_where_they_are_known() -> None:
    week_with_two_days_off = m.WorkerPeriod(0, 50, 30, 0, 7, days_worked=5)
    period_only = m.WorkerPeriod(1, 49, 30, 0, 7)
    never_worked = m.WorkerPeriod(2, 0, 0, 0, 7, days_worked=0)
    assert m.daily_hours([week_with_two_days_off, period_only, never_worked]) == [10, 7]
