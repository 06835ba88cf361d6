"""Dispatch at city scale: Commonwork's whole round (candidates, solve, optimality proof,
explanations) against OR-Tools' min-cost flow solve alone on the round's starting graph,
SciPy's sparse assignment alone, and greedy nearest, in one run.

Markets (all in a 20 × 20 km city with a 3 km radius; everything seeded):
- uniform: tasks and workers placed uniformly (the grid of sizes);
- clustered: tasks in 5 Gaussian hotspots (a lunch peak), workers uniform;
- shops: 10 % of the orders picked up at 100 shops (many orders per pickup point);
- skills: 30 % of the tasks need a skill 10 % of the workers have;
- incremental: the 10k × 50k city again after 1 % of its tasks and workers changed,
  solved from the last round's prices (OR-Tools solves it from scratch).

OR-Tools is given the graph the round starts from: every usable pair within the radius,
or in a dense round each task's NEAREST_CANDIDATES cheapest. The round then proves its
answer optimal over every pair within the radius, adding any the prices show could
improve it, so its cost can be lower than OR-Tools' (a negative gap), never higher.
Numba compiles the kernels once per machine (cached); a warm-up round runs first.
"""

from __future__ import annotations

import random
import resource
import time
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
    ("uniform", 1_000, 2_000),
    ("uniform", 5_000, 10_000),
    ("uniform", 10_000, 50_000),
    ("uniform", 20_000, 50_000),
    ("uniform", 10_000, 10_000),
    ("uniform", 10_000, 8_000),
    ("clustered", 5_000, 5_000),
    ("clustered", 5_000, 9_000),
    ("shops", 10_000, 50_000),
    ("skills", 10_000, 50_000),
    ("incremental", 10_000, 50_000),
]
CELLS_QUICK = [("uniform", 1_000, 2_000), ("incremental", 1_000, 2_000)]


@dataclass(frozen=True)
class Graph:
    """The engine's candidate graph in integer cost units, as every solver here sees it."""

    task: np.ndarray
    worker: np.ndarray
    units: np.ndarray
    penalty: int
    n_tasks: int
    n_workers: int


def _workers(rng: random.Random, n_workers: int, skill_share: float = 0.0) -> list[WorkerIn]:
    return [
        WorkerIn(
            10_000_000 + i,
            rng.uniform(0, CITY_KM),
            rng.uniform(0, CITY_KM),
            skills=frozenset({"cargo"}) if rng.random() < skill_share else frozenset(),
            earnings_week_minor=rng.randint(0, 90_000),
            engaged_hours_week=rng.uniform(1, 40),
        )
        for i in range(n_workers)
    ]


PARAMS = Params(radius_km=3.0, weight_fairness=1.0)


def instance(n_tasks: int, n_workers: int, seed: int = 2026) -> RoundInput:
    """Tasks and workers placed uniformly."""
    rng = random.Random(seed)
    tasks = tuple(
        TaskIn(i, rng.uniform(0, CITY_KM), rng.uniform(0, CITY_KM), rng.randint(10, 60))
        for i in range(n_tasks)
    )
    return RoundInput(tasks, tuple(_workers(rng, n_workers)), PARAMS)


def clustered(n_tasks: int, n_workers: int, seed: int = 2026) -> RoundInput:
    """Tasks around 5 hotspots (1 km spread), workers uniform: a meal-time peak."""
    rng = random.Random(seed)
    spots = [(rng.uniform(3, CITY_KM - 3), rng.uniform(3, CITY_KM - 3)) for _ in range(5)]
    tasks = []
    for i in range(n_tasks):
        x, y = spots[i % 5]
        tasks.append(
            TaskIn(
                i,
                min(max(rng.gauss(x, 1.0), 0.0), CITY_KM),
                min(max(rng.gauss(y, 1.0), 0.0), CITY_KM),
                rng.randint(10, 60),
            )
        )
    return RoundInput(tuple(tasks), tuple(_workers(rng, n_workers)), PARAMS)


def shops(n_tasks: int, n_workers: int, seed: int = 2026) -> RoundInput:
    """Uniform, but 10 % of the orders are picked up at one of 100 shops."""
    rng = random.Random(seed)
    counters = [(rng.uniform(0, CITY_KM), rng.uniform(0, CITY_KM)) for _ in range(100)]
    tasks = []
    for i in range(n_tasks):
        x, y = (
            rng.choice(counters)
            if rng.random() < 0.1
            else (rng.uniform(0, CITY_KM), rng.uniform(0, CITY_KM))
        )
        tasks.append(TaskIn(i, x, y, rng.randint(10, 60)))
    return RoundInput(tuple(tasks), tuple(_workers(rng, n_workers)), PARAMS)


def skills(n_tasks: int, n_workers: int, seed: int = 2026) -> RoundInput:
    """Uniform, but 30 % of the tasks need a skill (cargo bike) 10 % of workers have."""
    rng = random.Random(seed)
    tasks = tuple(
        TaskIn(
            i,
            rng.uniform(0, CITY_KM),
            rng.uniform(0, CITY_KM),
            rng.randint(10, 60),
            skills=frozenset({"cargo"}) if rng.random() < 0.3 else frozenset(),
        )
        for i in range(n_tasks)
    )
    return RoundInput(tasks, tuple(_workers(rng, n_workers, skill_share=0.1)), PARAMS)


def changed(round_input: RoundInput, share: float = 0.01, seed: int = 7) -> RoundInput:
    """The round after `share` of its tasks and of its workers left and as many arrived."""
    rng = random.Random(seed)
    tasks, workers = list(round_input.tasks), list(round_input.workers)
    n_tasks, n_workers = int(len(tasks) * share), int(len(workers) * share)
    for index in sorted(rng.sample(range(len(tasks)), n_tasks), reverse=True):
        del tasks[index]
    for index in sorted(rng.sample(range(len(workers)), n_workers), reverse=True):
        del workers[index]
    tasks.extend(
        TaskIn(50_000_000 + i, rng.uniform(0, CITY_KM), rng.uniform(0, CITY_KM), 30)
        for i in range(n_tasks)
    )
    workers.extend(
        WorkerIn(
            90_000_000 + i,
            rng.uniform(0, CITY_KM),
            rng.uniform(0, CITY_KM),
            earnings_week_minor=rng.randint(0, 90_000),
            engaged_hours_week=rng.uniform(1, 40),
        )
        for i in range(n_workers)
    )
    return RoundInput(tuple(tasks), tuple(workers), round_input.params)


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
    """The most memory the process gained while the call ran (its resident peak, in a
    child process so earlier cells do not hide it): NumPy's and numba's arrays alike."""
    import multiprocessing

    def child(queue: Any) -> None:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        function(*args)
        queue.put((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024)

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=child, args=(queue,))
    process.start()
    peak = float(queue.get())
    process.join()
    return peak


def _timed(function: Callable[..., T], *args: Any) -> tuple[T, float]:
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


MARKETS: dict[str, Callable[[int, int], RoundInput]] = {
    "uniform": instance,
    "clustered": clustered,
    "shops": shops,
    "skills": skills,
    "incremental": instance,
}


def _warm_up() -> None:
    """Compile (or load from numba's cache) every kernel, on the pruned path too, and load
    OR-Tools, so that no cell's time includes a one-off start."""
    original = solver.MAX_FULL_PAIRS
    solver.MAX_FULL_PAIRS = 0
    try:
        first = solver.solve(instance(60, 90))
        solver.solve(changed(instance(60, 90), 0.1), first.prices)
    finally:
        solver.MAX_FULL_PAIRS = original
    solver.solve(instance(60, 90))
    # OR-Tools' first solve loads its library: time that outside the first cell too.
    ortools_solve(candidate_graph(instance(60, 90)))


def run(*, quick: bool) -> list[Measurement]:
    _warm_up()
    cells = CELLS_QUICK if quick else CELLS_FULL
    measurements: list[Measurement] = []
    notes: list[str] = []
    for market, n_tasks, n_workers in cells:
        round_input = MARKETS[market](n_tasks, n_workers)
        warm: solver.Prices | None = None
        if market == "incremental":
            warm = solver.solve(round_input).prices
            round_input = changed(round_input)
        result, ours = _timed(solver.solve, round_input, warm)
        peak_mb = _peak_megabytes(solver.solve, round_input, warm)
        graph = candidate_graph(round_input)
        optimum, baseline = _timed(ortools_solve, graph)
        _, scipy_seconds = _timed(scipy_solve, graph)
        (greedy_total, greedy_unassigned), greedy_seconds = _timed(greedy_nearest, graph)
        ours_units = sum(round(a.cost * solver.UNITS_PER_KM) for a in result.assignments)
        ours_units += len(result.unassigned) * graph.penalty
        label = f"{market} {n_tasks // 1000}k×{n_workers // 1000}k"
        for name, seconds in (
            (f"dispatch round {label} (Commonwork, whole round)", ours),
            (f"dispatch solve {label} (SciPy LAPJVsp alone)", scipy_seconds),
            (f"dispatch {label} (greedy nearest)", greedy_seconds),
        ):
            measurements.append(
                Measurement(name, "OR-Tools SimpleMinCostFlow solve", 1, seconds, baseline)
            )
        notes.append(
            f"| {label} | {len(graph.units):,} | {result.candidate_pairs:,} | {peak_mb:,.0f} "
            f"| {baseline / ours:.2f}× "
            f"| {100 * (ours_units - optimum) / optimum:.4f} % | {len(result.unassigned)} "
            f"| {100 * (greedy_total - optimum) / optimum:.2f} % | {greedy_unassigned} |"
        )
    print(
        "| cell | pairs given to OR-Tools | pairs in the proven graph | peak MB "
        "| faster than OR-Tools | gap | unassigned | greedy gap | greedy unassigned |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(notes) + "\n")
    return measurements
