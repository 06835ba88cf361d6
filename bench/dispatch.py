"""Dispatch at city scale: Commonwork's whole round against OR-Tools' min-cost flow on the
same candidate graph (solve only), SciPy's sparse assignment alone, and greedy nearest.
Dense cells (over solver.MAX_FULL_PAIRS pairs in the radius) give OR-Tools the pruned
nearest-worker graph; Commonwork's round prices out the rest with dual prices, so its
cost may be lower than OR-Tools' there (a negative gap), never higher.

A 20 × 20 km city, a 3 km radius, uniformly placed tasks and workers, weekly earnings
spread so the fairness term matters. The named baseline is OR-Tools' SimpleMinCostFlow;
besides time, each cell reports the optimality gap against OR-Tools' optimum and the
number of tasks left unassigned. Everything is seeded, so runs are comparable.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from bench.run import Measurement
from commonwork.dispatch import solver
from commonwork.dispatch.solver import Params, RoundInput, TaskIn, WorkerIn

T = TypeVar("T")
CITY_KM = 20.0
CELLS_FULL = [
    (1_000, 2_000),
    (5_000, 10_000),
    (10_000, 50_000),
    (20_000, 50_000),
    (10_000, 10_000),
    (10_000, 8_000),
]
CELLS_QUICK = [(1_000, 2_000)]


@dataclass(frozen=True)
class Graph:
    """The engine's candidate graph in integer cost units, as every solver here sees it."""

    task: np.ndarray
    worker: np.ndarray
    units: np.ndarray
    penalty: int
    n_tasks: int
    n_workers: int


def instance(n_tasks: int, n_workers: int, seed: int = 2026) -> RoundInput:
    rng = random.Random(seed)
    tasks = tuple(
        TaskIn(i, rng.uniform(0, CITY_KM), rng.uniform(0, CITY_KM), rng.randint(10, 60))
        for i in range(n_tasks)
    )
    workers = tuple(
        WorkerIn(
            10_000_000 + i,
            rng.uniform(0, CITY_KM),
            rng.uniform(0, CITY_KM),
            earnings_week_minor=rng.randint(0, 90_000),
            engaged_hours_week=rng.uniform(1, 40),
        )
        for i in range(n_workers)
    )
    return RoundInput(tasks, workers, Params(radius_km=3.0, weight_fairness=1.0))


def candidate_graph(round_input: RoundInput) -> Graph:
    """The usable pairs the round starts from (every one within the radius, or each task's
    cheapest in a dense cell), as the engine weighs them."""
    task, worker, units, penalty, n_workers = solver.assignment_graph(round_input)
    return Graph(task, worker, units, penalty, len(round_input.tasks), n_workers)


def ortools_solve(graph: Graph) -> int:
    """Total integer cost of OR-Tools' optimum: source → task → worker → sink, plus a
    task → sink arc at the penalty for leaving it unassigned."""
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    n, m = graph.n_tasks, graph.n_workers
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), graph.task, np.arange(n), n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + graph.worker, np.full(n, sink), np.full(m, sink)])
    costs = np.concatenate(
        [np.zeros(n, np.int64), graph.units, np.full(n, graph.penalty), np.zeros(m, np.int64)]
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), np.ones(len(tails), np.int64), costs
    )
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("OR-Tools found no optimum")
    return int(flow.optimal_cost())


def scipy_solve(graph: Graph) -> None:
    n, m = graph.n_tasks, graph.n_workers
    rows = np.concatenate([graph.task, np.arange(n)])
    cols = np.concatenate([graph.worker, m + np.arange(n)])
    weights = np.concatenate([graph.units + 1.0, np.full(n, graph.penalty + 1.0)])
    min_weight_full_bipartite_matching(csr_matrix((weights, (rows, cols)), shape=(n, m + n)))


def greedy_nearest(graph: Graph) -> tuple[int, int]:
    """Each task in turn to its cheapest still-free candidate: (total cost, unassigned)."""
    order = np.lexsort((graph.worker, graph.units, graph.task))
    used = np.zeros(graph.n_workers, dtype=bool)
    done = np.zeros(graph.n_tasks, dtype=bool)
    total = 0
    for index in order.tolist():
        task, worker = int(graph.task[index]), int(graph.worker[index])
        if done[task] or used[worker]:
            continue
        done[task] = used[worker] = True
        total += int(graph.units[index])
    unassigned = int((~done).sum())
    return total + unassigned * graph.penalty, unassigned


def _peak_megabytes(function: Callable[..., object], *args: Any) -> float:
    """Peak memory Python and NumPy allocate during a call (tracemalloc sees NumPy's
    buffers; SciPy's C++ work arrays are not counted), measured on a separate run so the
    tracing does not slow the timed one."""
    tracemalloc.start()
    try:
        function(*args)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def _timed(function: Callable[..., T], *args: Any) -> tuple[T, float]:
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def run(*, quick: bool) -> list[Measurement]:
    cells = CELLS_QUICK if quick else CELLS_FULL
    measurements: list[Measurement] = []
    notes: list[str] = []
    for n_tasks, n_workers in cells:
        round_input = instance(n_tasks, n_workers)
        result, ours = _timed(solver.solve, round_input)
        peak_mb = _peak_megabytes(solver.solve, round_input)
        graph = candidate_graph(round_input)
        optimum, baseline = _timed(ortools_solve, graph)
        _, scipy_seconds = _timed(scipy_solve, graph)
        (greedy_total, greedy_unassigned), greedy_seconds = _timed(greedy_nearest, graph)
        ours_units = sum(round(a.cost * solver.UNITS_PER_KM) for a in result.assignments)
        ours_units += len(result.unassigned) * graph.penalty
        label = f"{n_tasks // 1000}k×{n_workers // 1000}k"
        for name, seconds in (
            (f"dispatch round {label} (Commonwork, whole round)", ours),
            (f"dispatch solve {label} (SciPy LAPJVsp alone)", scipy_seconds),
            (f"dispatch {label} (greedy nearest)", greedy_seconds),
        ):
            measurements.append(
                Measurement(name, "OR-Tools SimpleMinCostFlow solve", 1, seconds, baseline)
            )
        notes.append(
            f"| {label} | {len(graph.units):,} | {result.exact} | {peak_mb:,.0f} "
            f"| {100 * (ours_units - optimum) / optimum:.4f} % | {len(result.unassigned)} "
            f"| {100 * (greedy_total - optimum) / optimum:.2f} % | {greedy_unassigned} |"
        )
    print(
        "| cell | candidate pairs | exact | peak MB | Commonwork gap | unassigned "
        "| greedy gap | greedy unassigned |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    print("\n".join(notes) + "\n")
    return measurements
