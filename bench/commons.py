"""The data commons' utility and speed, on a seeded synthetic co-op.

Utility: how far a release's noisy figure lies from the true one, over many releases of
the same data (the noise is drawn fresh each time, from OpenDP's secure generator). The
goals (issue "Data commons"): at epsilon 1, mean pay per engaged hour within 1 % of the
true value at the 95th percentile of errors with 5,000 workers and within 6 % with 500;
the count of workers in a zone of at least 150 workers within 2 %.

Speed: a release of the pay statistic over 5,000 units against the exact figure computed
from the same units (the baseline), both in one run.

    python -m bench.commons            the utility table (Markdown)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from bench.run import Measurement, compare
from commonwork.commons import statistics
from commonwork.commons.statistics import Bounds, Unit

ZONES = ("centre", "north", "south", "east", "west", "harbour")
ZONE_SHARES = (0.3, 0.2, 0.15, 0.15, 0.1, 0.1)
BOUNDS = Bounds(pay_per_hour_minor=4_000, hours_per_week=80)  # the governed defaults


def synthetic_coop(workers: int, seed: int) -> list[Unit]:
    """One week of a co-op of `workers` members, every one sharing: engaged hours from a
    gamma distribution (mean about 30 h, some past 48), pay per engaged hour log-normal
    around 17.00 an hour with the floor's tail, a main zone by the zones' shares."""
    rng = np.random.default_rng(seed)
    hours = np.clip(rng.gamma(4.0, 7.5, workers), 1.0, 90.0)
    rate = np.clip(rng.lognormal(np.log(1_700), 0.25, workers), 1_200, None)
    zone = rng.choice(len(ZONES), size=workers, p=ZONE_SHARES)
    on_task = rng.beta(6, 4, workers)
    tasks = rng.poisson(hours * 1.5)
    units = []
    for i in range(workers):
        minutes = round(hours[i] * 60)
        name = ZONES[zone[i]]
        units.append(
            Unit(
                engaged_minutes=minutes,
                on_task_minutes=round(minutes * on_task[i]),
                pay_minor=round(rate[i] * hours[i]),
                weeks_over_48=int(hours[i] > 48),
                zone=name,
                tasks_by_zone={name: int(tasks[i])},
                paid_tasks=int(tasks[i]),
                payout_hours=int(tasks[i]) * int(rng.integers(24, 120)),
            )
        )
    return units


def true_pay_per_hour(units: list[Unit]) -> float:
    """The exact mean of the members' pay per engaged hour (no clamp, no noise)."""
    rates = [u.pay_minor * 60 / u.engaged_minutes for u in units if u.engaged_minutes]
    return sum(rates) / len(rates)


@dataclass(frozen=True)
class Utility:
    workers: int
    trials: int
    pay_p95: float  # relative error of mean pay per engaged hour, 95th percentile
    pay_exceeding: int  # releases whose error passed the goal
    zone_p95: float  # relative error of a zone's worker count (zones ≥ 150 workers)
    zone_exceeding: int
    zone_counts: int  # zone figures measured (trials × zones of at least 150 workers)


def utility(
    workers: int, *, seed: int, trials: int, pay_goal: float, zone_goal: float = 0.02
) -> Utility:
    units = synthetic_coop(workers, seed)
    true_pay = true_pay_per_hour(units)
    counts = {z: sum(1 for u in units if u.zone == z) for z in ZONES}
    big = [z for z, n in counts.items() if n >= 150]
    pay = statistics.STATISTICS["pay_per_engaged_hour"]
    zones = statistics.STATISTICS["zones"]
    pay_built = statistics.mechanisms(pay, epsilon=1.0, bounds=BOUNDS, weeks=1, zones=ZONES)
    zone_built = statistics.mechanisms(zones, epsilon=1.0, bounds=BOUNDS, weeks=1, zones=ZONES)
    pay_errors, zone_errors = [], []
    for _ in range(trials):
        out = statistics.run(
            pay, units, epsilon=1.0, bounds=BOUNDS, weeks=1, zones=ZONES, built=pay_built
        )
        value = next(f.value for f in out.figures if f.measure == "mean_pay_per_engaged_hour")
        pay_errors.append(abs(value - true_pay) / true_pay)
        out = statistics.run(
            zones, units, epsilon=1.0, bounds=BOUNDS, weeks=1, zones=ZONES, built=zone_built
        )
        for figure in out.figures:
            if figure.group in big:
                zone_errors.append(abs(figure.value - counts[figure.group]) / counts[figure.group])
    return Utility(
        workers=workers,
        trials=trials,
        pay_p95=float(np.quantile(pay_errors, 0.95)),
        pay_exceeding=sum(e > pay_goal for e in pay_errors),
        zone_p95=float(np.quantile(zone_errors, 0.95)) if zone_errors else float("nan"),
        zone_exceeding=sum(e > zone_goal for e in zone_errors),
        zone_counts=len(zone_errors),
    )


def utility_table(*, trials: int = 400, seed: int = 7) -> str:
    rows = [
        "| workers | releases | pay per engaged hour: 95th pct error | goal | "
        "zone counts (≥ 150): 95th pct error | goal |",
        "|---|---|---|---|---|---|",
    ]
    for workers, goal in ((5_000, 0.01), (500, 0.06)):
        u = utility(workers, seed=seed, trials=trials, pay_goal=goal)
        zone = "—" if u.zone_counts == 0 else f"{u.zone_p95:.2%} ({u.zone_counts} counts)"
        rows.append(f"| {workers:,} | {trials} | {u.pay_p95:.2%} | {goal:.0%} | {zone} | 2% |")
    return "\n".join(rows)


def run(*, quick: bool) -> list[Measurement]:
    print(utility_table(trials=50 if quick else 400))
    units = synthetic_coop(5_000, 11)
    pay = statistics.STATISTICS["pay_per_engaged_hour"]
    built = statistics.mechanisms(pay, epsilon=1.0, bounds=BOUNDS, weeks=1, zones=ZONES)

    def release(n: int) -> None:
        for _ in range(n):
            statistics.run(
                pay, units, epsilon=1.0, bounds=BOUNDS, weeks=1, zones=ZONES, built=built
            )

    def exact(n: int) -> None:
        for _ in range(n):
            true_pay_per_hour(units)

    return [
        compare(
            name="commons: a pay release over 5,000 units",
            baseline="the exact mean in Python",
            measured=release,
            baseline_run=exact,
            operations=5 if quick else 20,
            rounds=3,
        )
    ]


if __name__ == "__main__":
    started = time.perf_counter()
    print(utility_table())
    print(f"\n({time.perf_counter() - started:.0f} s)")
