"""Parameter sweeps: a grid of rule-set variants × seeds, each one simulated, on Dask.

"What if the fee were 8, 10 or 12 %, and the floor 14 or 16 an hour?" is a grid: every
combination of the values asked for is a variant of a base rule set, and every variant
runs on several seeds (the same city, other draws of demand and workers), so that a
difference between variants can be told from chance. Each run is one `simulate` call,
independent of the others: they go to a Dask cluster (a LocalCluster of processes by
default, or the scheduler an operator names) and come back as one table, in the grid's
order, whatever order they finished in. Every run is seeded, so a sweep gives the same
table serially and in parallel.

Pure: no Django. The management command and the lab's background job call it.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from commonwork.policylab.config import ConfigError, RuleSet, rules_from, scenario_from
from commonwork.policylab.report import METRICS, summarize
from commonwork.policylab.simulate import simulate

Progress = Callable[[int, int], None]  # (runs done, runs in all)


@dataclass(frozen=True)
class Run:
    """One simulation of a sweep: a variant's rules on one seed of the scenario."""

    variant: str
    settings: tuple[tuple[str, Any], ...]  # the values this variant sets, in axis order
    rules: Mapping[str, Any]
    scenario: Mapping[str, Any]
    seed: int
    floor_per_hour_minor: int  # the floor the "share of hours at the floor" is measured at


def variant_name(settings: Sequence[tuple[str, Any]]) -> str:
    return ", ".join(f"{key} = {value}" for key, value in settings) or "base"


def grid(
    *,
    base_rules: Mapping[str, Any],
    axes: Mapping[str, Sequence[Any]],
    scenario: Mapping[str, Any],
    seeds: Sequence[int],
) -> list[Run]:
    """Every combination of the axes' values applied to the base rules, on every seed.
    Each variant is checked here (rules_from), so a bad value is refused with the field
    named before anything runs."""
    if not seeds:
        raise ConfigError("seeds", "a sweep needs at least one seed")
    for key, values in axes.items():
        if not values:
            raise ConfigError(key, "no values to try")
    scenario_from(scenario)
    variants = []
    for combination in itertools.product(*axes.values()):
        settings = tuple(zip(axes, combination, strict=True))
        data = {**base_rules, **dict(settings), "name": variant_name(settings)}
        rules_from(data)
        variants.append((settings, data))
    return runs_of(variants, scenario=scenario, seeds=seeds)


def runs_of(
    variants: Sequence[tuple[tuple[tuple[str, Any], ...], Mapping[str, Any]]],
    *,
    scenario: Mapping[str, Any],
    seeds: Sequence[int],
) -> list[Run]:
    """Each variant (the values it sets, its whole rule set, named) on every seed, the
    share of hours at the floor measured at the highest floor among them."""
    floor = max(int(data.get("floor_per_hour_minor", 0)) for _settings, data in variants)
    return [
        Run(data["name"], settings, data, {**scenario, "seed": seed}, seed, floor)
        for settings, data in variants
        for seed in seeds
    ]


def simulate_run(run: Run) -> dict[str, float]:
    """One run's metrics (report.METRICS), NaN where a metric has no value."""
    outcome = simulate(scenario_from(run.scenario), rules_from(run.rules))
    return summarize(outcome, floor_per_hour_minor=run.floor_per_hour_minor)


def execute(
    runs: Sequence[Run], *, client: Any = None, progress: Progress | None = None
) -> list[dict[str, float]]:
    """Every run's metrics, in the runs' order: one after another, or on the Dask
    `client`'s workers (each run a task; results gathered as they finish)."""
    total = len(runs)
    if client is None:
        results = []
        for done, run in enumerate(runs, start=1):
            results.append(simulate_run(run))
            if progress:
                progress(done, total)
        return results
    from distributed import as_completed

    futures = client.map(simulate_run, runs, pure=False)
    position = {future.key: index for index, future in enumerate(futures)}
    gathered: list[dict[str, float] | None] = [None] * total
    for done, future in enumerate(as_completed(futures), start=1):
        gathered[position[future.key]] = future.result()
        if progress:
            progress(done, total)
    return [result for result in gathered if result is not None]


@contextmanager
def cluster(*, workers: int = 2, scheduler: str | None = None) -> Iterator[Any]:
    """A Dask client: on the scheduler at `scheduler` (a real cluster, see the operator
    guide), or on a LocalCluster of `workers` processes with one thread each (the
    simulation is pure Python: threads would share one interpreter lock)."""
    import dask
    from distributed import Client, LocalCluster

    # Dask's statistical profiler samples every worker thread 100 times a second and its
    # monitors poll the system; a sweep does not read them, and they cost several per
    # cent of a simulation's time. Set for this cluster only, not for the process.
    quiet = dask.config.set(
        {
            "distributed.worker.profile.enabled": False,
            "distributed.admin.system-monitor.interval": "5s",
        }
    )
    if scheduler:
        with quiet, Client(scheduler) as client:
            yield client
        return
    with (
        quiet,
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit=0,  # no memory monitor polling the workers
        ) as local,
        Client(local) as client,
    ):
        yield client


@dataclass(frozen=True)
class Table:
    """A sweep's results: one row per run, and each variant's mean over its seeds."""

    axes: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, runs: Sequence[Run], results: Sequence[Mapping[str, float]]) -> Table:
        axes = tuple(key for key, _value in runs[0].settings) if runs else ()
        rows = tuple(
            {
                "variant": run.variant,
                **dict(run.settings),
                "seed": run.seed,
                **{key: result[key] for key, _label, _unit in METRICS},
            }
            for run, result in zip(runs, results, strict=True)
        )
        return cls(axes, rows)

    def means(self) -> dict[str, dict[str, float]]:
        """Per variant, in grid order: each metric's mean over the seeds that have it."""
        out: dict[str, dict[str, float]] = {}
        for row in self.rows:
            out.setdefault(row["variant"], {})
        for name in out:
            mine = [row for row in self.rows if row["variant"] == name]
            for key, _label, _unit in METRICS:
                known = [row[key] for row in mine if not math.isnan(row[key])]
                out[name][key] = statistics.fmean(known) if known else math.nan
        return out

    def as_csv(self) -> str:
        out = io.StringIO()
        columns = ["variant", *self.axes, "seed", *(key for key, _l, _u in METRICS)]
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        for row in self.rows:
            writer.writerow(
                {
                    key: ("" if isinstance(value, float) and math.isnan(value) else value)
                    for key, value in row.items()
                }
            )
        return out.getvalue()


def parse_axis(text: str) -> tuple[str, list[Any]]:
    """`fee_rate=0.08,0.10,0.12` → ("fee_rate", [0.08, 0.1, 0.12]): numbers as numbers,
    true/false as booleans, anything else as text (rules_from checks each later)."""
    key, sep, values = text.partition("=")
    if not sep or not key.strip() or not values.strip():
        raise ConfigError(text, "write an axis as name=value,value,…")
    if key.strip() not in {f for f in RuleSet.__dataclass_fields__ if f != "name"}:
        raise ConfigError(key.strip(), "not a rule set field")
    return key.strip(), [_value(v.strip()) for v in values.split(",")]


def _value(text: str) -> Any:
    if text.lower() in {"true", "false"}:
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text
