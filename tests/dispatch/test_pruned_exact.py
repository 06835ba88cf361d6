"""The pruned path is exact and never fails (issue: speed). With pruning forced down to
one or two nearest workers per task, on small random cities full of ties (many orders at
one shop, workers on the same corner), the round's total cost equals the whole graph's,
and no round raises: the integer weights leave no rounding "negative cycle", and a round
that cannot prove itself solves the whole graph instead."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonwork.dispatch import solver
from commonwork.dispatch.solver import Params, RoundInput, TaskIn, WorkerIn, solve

# Few distinct spots, so many tasks share a pickup and many workers a corner (ties).
SPOTS = st.tuples(st.integers(0, 4), st.integers(0, 4)).map(lambda p: (p[0] * 0.7, p[1] * 0.7))


@st.composite
def cities(draw: st.DrawFn) -> RoundInput:
    n_tasks, n_workers = draw(st.integers(1, 14)), draw(st.integers(1, 14))
    tasks = tuple(TaskIn(i + 1, *draw(SPOTS), draw(st.integers(5, 60))) for i in range(n_tasks))
    workers = tuple(
        WorkerIn(
            100 + i,
            *draw(SPOTS),
            hours_week=draw(st.sampled_from([0.0, 5.0, 20.0])),
            engaged_hours_week=draw(st.sampled_from([1.0, 5.0, 20.0])),
            earnings_week_minor=draw(st.sampled_from([0, 5_000, 20_000])),
        )
        for i in range(n_workers)
    )
    params = Params(
        radius_km=draw(st.sampled_from([1.0, 2.0, 3.0])),
        weight_fairness=draw(st.sampled_from([0.0, 0.5, 1.0])),
        unassigned_penalty=draw(st.sampled_from([2.0, 10.0])),
    )
    return RoundInput(tasks, workers, params)


def _assigned_cost(result: Any) -> float:
    return round(float(result.total_cost), 6)


@pytest.mark.parametrize("neighbours", [1, 2])
@settings(max_examples=150)
@given(city=cities())
def test_a_pruned_round_is_as_good_as_the_whole_graph(neighbours: int, city: RoundInput) -> None:
    whole = solve(city)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(solver, "NEAREST_CANDIDATES", neighbours)
        patched.setattr(solver, "MAX_FULL_PAIRS", 0)  # prune every round
        pruned = solve(city)
    assert _assigned_cost(pruned) == _assigned_cost(whole)
    assert len(pruned.assignments) == len(whole.assignments)


def test_a_hundred_orders_at_one_shop_solve_on_the_pruned_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shop = (1.0, 1.0)
    tasks = tuple(TaskIn(i, *shop, 20) for i in range(1, 101))
    workers = tuple(WorkerIn(1000 + i, 1.0 + (i % 7) * 0.1, 1.0 + (i % 5) * 0.1) for i in range(60))
    city = RoundInput(tasks, workers, Params(radius_km=3.0))
    whole = solve(city)
    monkeypatch.setattr(solver, "NEAREST_CANDIDATES", 2)
    monkeypatch.setattr(solver, "MAX_FULL_PAIRS", 0)
    pruned = solve(city)
    assert len(pruned.assignments) == len(whole.assignments) == 60
    assert _assigned_cost(pruned) == _assigned_cost(whole)
