"""The pure dispatch engine: constraints never broken, optimal against brute force,
deterministic, explained, replayable, and calm about bad input."""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonwork.dispatch.solver import (
    CONSTRAINT_ORDER,
    DispatchInputError,
    Params,
    RoundInput,
    TaskIn,
    WorkerIn,
    decode_round,
    encode_round,
    fairness_scores,
    result_digest,
    solve,
)

SKILLS = ["bike", "van", "translation"]
KINDS = ["located", "remote"]
NORTH = ((0.0, 3.0, 6.0, 6.0),)

coordinate = st.floats(min_value=0, max_value=6, allow_nan=False)


@st.composite
def tasks(draw: st.DrawFn, count: int) -> tuple[TaskIn, ...]:
    out = []
    for index in range(count):
        remote = draw(st.booleans())
        out.append(
            TaskIn(
                id=index + 1,
                x_km=None if remote else draw(coordinate),
                y_km=None if remote else draw(coordinate),
                est_minutes=draw(st.integers(1, 240)),
                skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=2))),
                kind="remote" if remote else "located",
                weather_alert="" if remote else draw(st.sampled_from(["", "", "storm-1"])),
            )
        )
    return tuple(out)


@st.composite
def workers(draw: st.DrawFn, count: int) -> tuple[WorkerIn, ...]:
    out = []
    for index in range(count):
        located = draw(st.booleans()) or True
        out.append(
            WorkerIn(
                id=100 + index,
                x_km=draw(coordinate) if located else None,
                y_km=draw(coordinate) if located else None,
                skills=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
                hours_today=draw(st.floats(0, 10)),
                hours_week=draw(st.floats(0, 48)),
                rest_hours=draw(st.sampled_from([2.0, 11.0, 30.0])),
                earnings_week_minor=draw(st.integers(0, 100_000)),
                engaged_hours_week=draw(st.floats(0, 48)),
                max_distance_km=draw(st.sampled_from([None, 1.0, 2.5])),
                kinds=draw(st.sampled_from([None, frozenset({"located"}), frozenset(KINDS)])),
                areas=draw(st.sampled_from([None, NORTH, ((0.0, 0.0, 6.0, 6.0),)])),
                continuous_hours=draw(st.sampled_from([0.0, 2.0, 3.5, 4.0])),
            )
        )
    return tuple(out)


@st.composite
def rounds(draw: st.DrawFn, max_tasks: int = 5, max_workers: int = 5) -> RoundInput:
    params = Params(
        radius_km=draw(st.sampled_from([1.0, 3.0])),
        weight_distance=draw(st.sampled_from([1.0, 2.0])),
        weight_fairness=draw(st.sampled_from([0.0, 0.5, 3.0])),
        unassigned_penalty=draw(st.sampled_from([1.5, 10.0])),
        max_hours_per_day=10,
        max_hours_per_week=48,
        min_rest_hours=11,
        max_continuous_hours=4,
    )
    return RoundInput(
        tasks=draw(tasks(draw(st.integers(0, max_tasks)))),
        workers=draw(workers(draw(st.integers(0, max_workers)))),
        params=params,
    )


def feasible(task: TaskIn, worker: WorkerIn, params: Params) -> float | None:
    """The pair's distance if every hard constraint holds, else None (a plain re-statement
    of the rules, independent of the engine's vectorised code)."""
    if worker.rest_hours < params.min_rest_hours or task.weather_alert:
        return None
    if task.x_km is None:
        distance = 0.0
    else:
        if worker.x_km is None or worker.y_km is None or task.y_km is None:
            return None
        distance = math.hypot(task.x_km - worker.x_km, task.y_km - worker.y_km)
        if distance > params.radius_km:
            return None
    if worker.max_distance_km is not None and distance > worker.max_distance_km:
        return None
    if not task.skills <= worker.skills:
        return None
    if worker.kinds is not None and task.kind not in worker.kinds:
        return None
    in_area = (
        task.x_km is None
        or task.y_km is None
        or worker.areas is None
        or any(x0 <= task.x_km <= x1 and y0 <= task.y_km <= y1 for x0, y0, x1, y1 in worker.areas)
    )
    if not in_area:
        return None
    hours = task.est_minutes / 60
    if worker.hours_today + hours > params.max_hours_per_day + 1e-9:
        return None
    if worker.hours_week + hours > params.max_hours_per_week + 1e-9:
        return None
    if worker.continuous_hours + hours > params.max_continuous_hours + 1e-9:
        return None
    return distance


def pair_cost(task: TaskIn, worker: WorkerIn, round_input: RoundInput) -> float | None:
    distance = feasible(task, worker, round_input.params)
    if distance is None:
        return None
    workers = sorted(round_input.workers, key=lambda w: w.id)
    fairness = dict(zip([w.id for w in workers], fairness_scores(workers), strict=True))
    p = round_input.params
    cost = p.weight_distance * distance + p.weight_fairness * fairness[worker.id]
    return cost if round(cost * 1e6) <= round(p.unassigned_penalty * 1e6) else None


def brute_force(round_input: RoundInput) -> float:
    tasks = list(round_input.tasks)
    workers = list(round_input.workers)
    penalty = round_input.params.unassigned_penalty
    best = penalty * len(tasks)
    options = [None, *range(len(workers))]
    for choice in itertools.product(options, repeat=len(tasks)):
        used = [c for c in choice if c is not None]
        if len(used) != len(set(used)):
            continue
        total = 0.0
        for task, c in zip(tasks, choice, strict=True):
            if c is None:
                total += penalty
                continue
            cost = pair_cost(task, workers[c], round_input)
            if cost is None:
                break
            total += cost
        else:
            best = min(best, total)
    return best


@settings(max_examples=150, deadline=None)
@given(rounds())
def test_no_hard_constraint_is_ever_broken_and_nobody_is_assigned_twice(
    round_input: RoundInput,
) -> None:
    result = solve(round_input)
    by_id = {t.id: t for t in round_input.tasks}
    workers = {w.id: w for w in round_input.workers}
    for assignment in result.assignments:
        distance = feasible(
            by_id[assignment.task_id], workers[assignment.worker_id], round_input.params
        )
        assert distance is not None
    assigned_tasks = [a.task_id for a in result.assignments]
    assigned_workers = [a.worker_id for a in result.assignments]
    assert len(assigned_tasks) == len(set(assigned_tasks))
    assert len(assigned_workers) == len(set(assigned_workers))
    # Every task and every worker is accounted for exactly once.
    assert sorted(assigned_tasks + [u.task_id for u in result.unassigned]) == sorted(by_id)
    assert sorted(assigned_workers + [i.worker_id for i in result.idle]) == sorted(workers)


@settings(max_examples=150, deadline=None)
@given(rounds(max_tasks=4, max_workers=5))
def test_the_result_is_the_brute_force_optimum(round_input: RoundInput) -> None:
    result = solve(round_input)
    assert result.exact
    assert result.total_cost == pytest.approx(brute_force(round_input), abs=1e-5)


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_the_reported_cost_is_the_recomputed_cost(round_input: RoundInput) -> None:
    result = solve(round_input)
    by_id = {t.id: t for t in round_input.tasks}
    workers = {w.id: w for w in round_input.workers}
    recomputed = len(result.unassigned) * round_input.params.unassigned_penalty
    for a in result.assignments:
        cost = pair_cost(by_id[a.task_id], workers[a.worker_id], round_input)
        assert cost is not None
        assert a.cost == pytest.approx(cost, abs=1e-9)
        assert a.cost == pytest.approx(a.distance_cost + a.fairness_cost, abs=1e-9)
        recomputed += cost
    assert result.total_cost == pytest.approx(recomputed, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_the_same_input_in_any_order_gives_the_same_result(
    round_input: RoundInput, rng: random.Random
) -> None:
    shuffled_tasks = list(round_input.tasks)
    shuffled_workers = list(round_input.workers)
    rng.shuffle(shuffled_tasks)
    rng.shuffle(shuffled_workers)
    shuffled = RoundInput(tuple(shuffled_tasks), tuple(shuffled_workers), round_input.params)
    assert result_digest(solve(round_input)) == result_digest(solve(shuffled))


def test_ties_go_to_the_lower_worker_id() -> None:
    task = TaskIn(1, 0.0, 0.0, 30)
    twins = (WorkerIn(7, 1.0, 0.0), WorkerIn(3, -1.0, 0.0), WorkerIn(5, 0.0, 1.0))
    result = solve(RoundInput((task,), twins))
    assert result.assignments[0].worker_id == 3


def test_declines_are_not_an_input() -> None:
    """Nothing about a worker's past answers can reach the engine: its input types have no
    field for them, so two workers identical but for their history are indistinguishable."""
    fields = {f.name for f in dataclasses.fields(WorkerIn)}
    assert not {name for name in fields if "declin" in name or "accept" in name or "rating" in name}


def test_fairness_favours_the_worker_whose_pay_lags_the_median() -> None:
    task = TaskIn(1, 0.0, 0.0, 30)
    ahead = WorkerIn(1, 0.5, 0.0, earnings_week_minor=60_000, engaged_hours_week=20)
    behind = WorkerIn(2, 0.6, 0.0, earnings_week_minor=10_000, engaged_hours_week=20)
    middle = WorkerIn(3, 5.0, 5.0, earnings_week_minor=30_000, engaged_hours_week=20)
    unfair = solve(RoundInput((task,), (ahead, behind, middle), Params(weight_fairness=0)))
    fair = solve(RoundInput((task,), (ahead, behind, middle), Params(weight_fairness=1)))
    assert unfair.assignments[0].worker_id == 1
    assert fair.assignments[0].worker_id == 2
    assert fair.assignments[0].alternative is not None
    assert fair.assignments[0].alternative.worker_id == 1
    assert (fair.assignments[0].alternative.cost_difference or 0) > 0


def test_every_unassigned_task_and_idle_worker_has_a_reason() -> None:
    params = Params(radius_km=2)
    tasks = (
        TaskIn(1, 0.0, 0.0, 30, skills=frozenset({"van"})),
        TaskIn(2, 50.0, 50.0, 30),
        TaskIn(3, 1.0, 1.0, 30),
    )
    workers = (
        WorkerIn(10, 0.1, 0.0),  # no van: task 1 breaks skills
        WorkerIn(11, 1.0, 1.1, rest_hours=3),  # not rested
        WorkerIn(12, 1.0, 0.9, hours_today=9.9),  # at the daily cap
    )
    result = solve(RoundInput(tasks, workers, params))
    reasons = {u.task_id: u.reason for u in result.unassigned}
    assert reasons[2] == "no_worker_in_radius"
    assert reasons[1] == "skills"
    idle = {i.worker_id: i.reason for i in result.idle}
    assert idle[11] == "rest"
    assert idle[12] == "daily_cap"
    assert set(reasons.values()) <= {
        *CONSTRAINT_ORDER,
        "no_worker_in_radius",
        "rest",
        "workers_taken",
        "cost_above_penalty",
    }


def test_empty_rounds_give_empty_results() -> None:
    assert solve(RoundInput((), ())).assignments == ()
    only_tasks = solve(RoundInput((TaskIn(1, 0.0, 0.0, 10),), ()))
    assert [u.task_id for u in only_tasks.unassigned] == [1]
    only_workers = solve(RoundInput((), (WorkerIn(1, 0.0, 0.0),)))
    assert [i.reason for i in only_workers.idle] == ["no_open_tasks"]


@pytest.mark.parametrize(
    ("round_input", "culprit"),
    [
        (RoundInput((TaskIn(1, math.nan, 0.0, 10),), ()), "Task 1"),
        (RoundInput((TaskIn(1, 0.0, 0.0, -5),), ()), "Task 1"),
        (RoundInput((TaskIn(1, 0.0, None, 10),), ()), "Task 1"),
        (RoundInput((TaskIn(1, 0.0, 0.0, 10), TaskIn(1, 0.0, 0.0, 10)), ()), "Task 1"),
        (RoundInput((), (WorkerIn(4, math.inf, 0.0),)), "Worker 4"),
        (RoundInput((), (WorkerIn(4, 0.0, 0.0, hours_week=-1),)), "Worker 4"),
        (RoundInput((), (), Params(radius_km=math.nan)), "radius_km"),
    ],
)
def test_bad_input_gets_a_clear_error(round_input: RoundInput, culprit: str) -> None:
    with pytest.raises(DispatchInputError, match=culprit):
        solve(round_input)


def test_unknown_skills_simply_match_nobody() -> None:
    result = solve(
        RoundInput(
            (TaskIn(1, 0.0, 0.0, 10, skills=frozenset({"juggling"})),), (WorkerIn(2, 0.0, 0.0),)
        )
    )
    assert result.unassigned[0].reason == "skills"


@settings(max_examples=40, deadline=None)
@given(rounds())
def test_a_round_survives_its_snapshot(round_input: RoundInput) -> None:
    assert decode_round(encode_round(round_input)) == round_input


def test_replay_in_another_process_gives_the_identical_digest(tmp_path: Any) -> None:
    rng = random.Random(7)  # noqa: S311 - seeded test data
    round_input = RoundInput(
        tasks=tuple(TaskIn(i, rng.uniform(0, 8), rng.uniform(0, 8), 20) for i in range(1, 60)),
        workers=tuple(
            WorkerIn(
                100 + i,
                rng.uniform(0, 8),
                rng.uniform(0, 8),
                earnings_week_minor=rng.randint(0, 9000),
                engaged_hours_week=10,
            )
            for i in range(80)
        ),
    )
    snapshot = tmp_path / "round.bin"
    snapshot.write_bytes(encode_round(round_input))
    code = (
        "import sys; from pathlib import Path;"
        "from commonwork.dispatch.solver import decode_round, solve, result_digest;"
        "print(result_digest(solve(decode_round(Path(sys.argv[1]).read_bytes()))))"
    )
    other = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, str(snapshot)], capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == result_digest(solve(round_input))


@settings(max_examples=60, deadline=None)
@given(rounds(max_tasks=6, max_workers=8), st.integers(min_value=1, max_value=2))
def test_a_pruned_round_is_completed_to_the_exact_optimum_by_its_dual_prices(
    round_input: RoundInput, nearest: int
) -> None:
    """Force pruning to the 1 or 2 nearest workers: the dual-price check must add back
    every pair that could improve the round, so the optimum is the unpruned one."""
    from unittest import mock

    from commonwork.dispatch import solver

    full = solve(round_input)
    with (
        mock.patch.object(solver, "MAX_FULL_PAIRS", 0),
        mock.patch.object(solver, "NEAREST_CANDIDATES", nearest),
    ):
        completed = solve(round_input)
    assert completed.exact
    assert completed.total_cost == pytest.approx(full.total_cost, abs=1e-5)
    assert completed.total_cost == pytest.approx(brute_force(round_input), abs=1e-5)


def test_the_nearest_worker_alone_would_leave_a_task_out_and_the_prices_bring_it_back() -> None:
    from unittest import mock

    from commonwork.dispatch import solver

    # Both tasks' nearest worker is 1; pruned to one candidate each, one task would go
    # unassigned although worker 2 can reach it.
    round_input = RoundInput(
        tasks=(TaskIn(1, 0.1, 0.0, 10), TaskIn(2, 0.2, 0.0, 10)),
        workers=(WorkerIn(1, 0.0, 0.0), WorkerIn(2, 1.0, 0.0)),
        params=Params(radius_km=3.0, weight_fairness=0.0),
    )
    with (
        mock.patch.object(solver, "MAX_FULL_PAIRS", 0),
        mock.patch.object(solver, "NEAREST_CANDIDATES", 1),
    ):
        _tasks, graph_workers, _units, _penalty, _n = solver.assignment_graph(round_input)
        result = solve(round_input)
    assert set(graph_workers.tolist()) == {0}  # worker 2 was pruned away
    assert {(a.task_id, a.worker_id) for a in result.assignments} == {(1, 1), (2, 2)}
    assert result.unassigned == ()


def _km(task: TaskIn, worker: WorkerIn) -> float:
    """The solver's distance: the C library's hypot (NumPy's), not Python's."""
    import numpy as np

    assert task.x_km is not None
    assert task.y_km is not None
    assert worker.x_km is not None
    assert worker.y_km is not None
    return float(np.hypot(task.x_km - worker.x_km, task.y_km - worker.y_km))


def test_the_prices_a_round_returns_prove_it_optimal_over_every_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from commonwork.dispatch import solver

    round_input = RoundInput(
        tasks=tuple(TaskIn(i, (i * 0.37) % 2, (i * 0.61) % 2, 10) for i in range(1, 9)),
        workers=tuple(WorkerIn(100 + i, (i * 0.53) % 2, (i * 0.29) % 2) for i in range(6)),
        params=Params(radius_km=1.0, weight_fairness=0.0, unassigned_penalty=1.0),
    )
    monkeypatch.setattr(solver, "ORIENTATION", "tasks")  # rows: tasks
    result = solve(round_input)
    prices = result.prices
    assert prices is not None
    n, m = len(prices.row_ids), len(prices.column_ids)
    scale = (m + 1) * (n + 1)
    leave = (1_000 + 1) * scale + m + 1
    assigned = {a.task_id: a.worker_id for a in result.assignments}
    u = []
    for t, task_id in enumerate(prices.row_ids.tolist()):
        task = next(x for x in round_input.tasks if x.id == task_id)
        w = int(prices.match[t])
        if w < 0:
            assert task_id not in assigned
            u.append(leave - int(prices.own_price[t]))
            continue
        worker = round_input.workers[w]
        assert assigned[task_id] == worker.id
        units = round(_km(task, worker) * 1_000)
        u.append((units + 1) * scale + w + 1 - int(prices.column_price[w]))
    # Dual feasible on every pair within the radius and every "leave it" column ...
    for t, task in enumerate(sorted(round_input.tasks, key=lambda x: x.id)):
        assert u[t] + int(prices.own_price[t]) <= leave
        for w, worker in enumerate(round_input.workers):
            d = _km(task, worker)
            if d <= 1.0 and round(d * 1_000) <= 1_000:
                assert u[t] + int(prices.column_price[w]) <= (round(d * 1_000) + 1) * scale + w + 1
    # ... with prices only on workers who got a task: so no assignment costs less.
    taken = set(prices.match.tolist())
    assert all(p <= 0 for p in prices.column_price.tolist())
    assert all(p == 0 for w, p in enumerate(prices.column_price.tolist()) if w not in taken)
    assert sum(u) + int(prices.column_price.sum()) + int(prices.own_price.sum()) == sum(
        (leave if w < 0 else 0) for w in prices.match.tolist()
    ) + sum(
        (round(a.distance_km * 1_000) + 1) * scale
        + [x.id for x in round_input.workers].index(a.worker_id)
        + 1
        for a in result.assignments
    )
    assert solver.UNITS_PER_KM == 1_000


def test_the_kernels_codes_name_the_solvers_reasons() -> None:
    """The compiled kernels answer with numbers; solver.CODE_NAMES turns them into the
    reason strings the pages translate. The two must say the same thing."""
    from commonwork.dispatch import kernels, solver

    for name in (*solver.CONSTRAINT_ORDER, solver.REST, solver.COST_ABOVE_PENALTY):
        code = getattr(kernels, name.upper())
        assert solver.CODE_NAMES[code] == name
        if name in solver.CONSTRAINT_ORDER:
            assert code == solver.CONSTRAINT_ORDER.index(name) + 1
    assert len(solver.CODE_NAMES) == kernels.N_CODES
