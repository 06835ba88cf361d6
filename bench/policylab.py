"""The policy lab's speed: a city-day under each rule set against the issue's 60-second
goal, and a small scenario against the independent Mesa model of the same rules
(bench/policylab_mesa.py, written from docs/policylab.md), in the same run. Peak memory is
the process's resident peak."""

from __future__ import annotations

import math
import resource
import time

from bench.policylab_mesa import run_reference
from bench.run import Measurement
from commonwork.policylab.config import rules_from, scenario_from
from commonwork.policylab.library import RULE_SETS, SCENARIOS
from commonwork.policylab.simulate import simulate
from commonwork.policylab.sweep import cluster, execute, grid

GOAL_SECONDS = 60.0
SWEEP_WORKERS = 2


def _warm_worker() -> None:
    """What a worker process does once: import the lab and load the compiled dispatch."""
    from commonwork.dispatch import solver
    from commonwork.dispatch.solver import Params, RoundInput, TaskIn, WorkerIn

    solver.solve(RoundInput((TaskIn(1, 0.0, 0.0, 10),), (WorkerIn(1, 0.1, 0.0),), Params()))


def _sweep(*, quick: bool) -> Measurement:
    """A sweep of fee × floor × seeds on a LocalCluster of two worker processes against
    the same runs one after another; the two tables must be equal. The cluster is started
    and its workers warmed (imports, compiled kernels) before the clock starts, as an
    operator's cluster would be; the start is reported beside."""
    runs = grid(
        base_rules=RULE_SETS["cooperative"],
        axes={"fee_rate": [0.08, 0.10, 0.12], "floor_per_hour_minor": [1400, 1600]},
        scenario=SCENARIOS["small-day"],
        seeds=[1, 2] if quick else [1, 2, 3, 4],
    )
    _warm_worker()
    repeats = 1 if quick else 2  # the best of each: the machine's noise is ±10 %
    serial_seconds = parallel_seconds = math.inf
    for _ in range(repeats):
        started = time.perf_counter()
        serial = execute(runs)
        serial_seconds = min(serial_seconds, time.perf_counter() - started)
    started = time.perf_counter()
    with cluster(workers=SWEEP_WORKERS) as client:
        client.run(_warm_worker)
        start_seconds = time.perf_counter() - started
        for _ in range(repeats):
            started = time.perf_counter()
            parallel = execute(runs, client=client)
            parallel_seconds = min(parallel_seconds, time.perf_counter() - started)
    same = repr(serial) == repr(parallel)  # NaN-aware: repr(nan) == "nan"
    print(
        f"Policy lab sweep: {len(runs)} runs, tables identical serially and in parallel: "
        f"{same}; starting the local cluster took {start_seconds:.1f} s."
    )
    if not same:
        raise AssertionError("the sweep's table differs between serial and parallel runs")
    return Measurement(
        f"policy lab sweep, {len(runs)} runs on {SWEEP_WORKERS} local Dask workers",
        "the same runs serially",
        len(runs),
        parallel_seconds,
        serial_seconds,
    )


def _seconds(function: object, *args: object) -> float:
    started = time.perf_counter()
    function(*args)  # type: ignore[operator]
    return time.perf_counter() - started


def run(*, quick: bool) -> list[Measurement]:
    measurements = []
    small_day = {**SCENARIOS["small"], "days": 1}
    small = scenario_from(small_day)
    extractive = rules_from(RULE_SETS["extractive"])
    ours = min(_seconds(simulate, small, extractive) for _ in range(3))
    mesa = min(_seconds(run_reference, small_day, RULE_SETS["extractive"]) for _ in range(3))
    measurements.append(
        Measurement(
            "policy lab small day, extractive (Commonwork)", "Mesa reference", 1, ours, mesa
        )
    )
    if not quick:
        city = scenario_from(SCENARIOS["city-day"])
        for name in ("extractive", "cooperative"):
            seconds = _seconds(simulate, city, rules_from(RULE_SETS[name]))
            measurements.append(
                Measurement(
                    f"policy lab city-day, {name}", "the 60 s goal", 1, seconds, GOAL_SECONDS
                )
            )
    measurements.append(_sweep(quick=quick))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Policy lab: peak resident memory of the benchmark process {peak_mb:,.0f} MB.\n")
    return measurements
