"""One city's work under one rule set, minute by minute: the same demand and the same
workers (drawn from the scenario's seed) meet every rule set, so differences come from
the rules. Pure Python and NumPy; the cooperative's dispatch is the live platform's own
solver (dispatch.solver), the extractive one hands each task to the nearest idle worker.

The shared behaviour model: each worker starts their day at a time drawn once from the
seed and plans `shift_hours`; a worker whose week's pay is behind their pro-rated weekly
target keeps working past the plan (up to 16 hours), so when pay per hour falls, days grow
longer. A rule set's hour caps, if any, stop them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from commonwork.dispatch import solver
from commonwork.observatory.metrics import TaskRecord, WorkerPeriod
from commonwork.policylab.config import RuleSet, Scenario

SPEED_KM_PER_MINUTE = 15 / 60  # a cargo bike in town
HANDLING_MINUTES = 5
PATIENCE_MINUTES = 20  # a task nobody starts within this is cancelled
LONGEST_DAY_HOURS = 16


@dataclass(frozen=True)
class Outcome:
    scenario: str
    rules: str
    workers: tuple[WorkerPeriod, ...]
    tasks: tuple[TaskRecord, ...]
    deactivated: int = 0  # workers the platform deactivated for declining


@dataclass(frozen=True)
class _Demand:
    minute: np.ndarray  # posting minute of each task
    x: np.ndarray
    y: np.ndarray
    trip_km: np.ndarray


def _demand(scenario: Scenario, rng: np.random.Generator) -> _Demand:
    minutes, xs, ys = [], [], []
    weights = np.array([h.weight for h in scenario.hotspots])
    weights = weights / weights.sum()
    for day in range(scenario.days):
        for hour, rate in enumerate(scenario.tasks_per_hour):
            count = rng.poisson(rate)
            base = (day * 24 + hour) * 60
            minutes.append(base + rng.integers(0, 60, count))
            spots = rng.choice(len(scenario.hotspots), size=count, p=weights)
            for which, spot in enumerate(scenario.hotspots):
                chosen = spots == which
                n = int(chosen.sum())
                xs.append(rng.normal(spot.x_km, spot.spread_km, n))
                ys.append(rng.normal(spot.y_km, spot.spread_km, n))
    minute = np.concatenate(minutes)
    x = np.clip(np.concatenate(xs), 0, scenario.city_km)
    y = np.clip(np.concatenate(ys), 0, scenario.city_km)
    # Posting order within the simulation: by minute, stable.
    order = np.argsort(minute, kind="stable")
    trip = rng.exponential(scenario.trip_km_mean, len(minute)) + 0.3
    return _Demand(minute[order], x[order], y[order], trip[order])


def simulate(
    scenario: Scenario, rules: RuleSet, *, progress: Callable[[float], None] | None = None
) -> Outcome:
    """Deterministic: the same scenario (and seed) and rules give identical numbers."""
    rng = np.random.default_rng(scenario.seed)
    demand = _demand(scenario, rng)
    n = scenario.workers
    weights = np.array([h.weight for h in scenario.hotspots])
    homes = rng.choice(len(scenario.hotspots), size=n, p=weights / weights.sum())
    wx = np.clip(
        np.array([scenario.hotspots[h].x_km for h in homes]) + rng.normal(0, 1.5, n),
        0,
        scenario.city_km,
    )
    wy = np.clip(
        np.array([scenario.hotspots[h].y_km for h in homes]) + rng.normal(0, 1.5, n),
        0,
        scenario.city_km,
    )
    busiest = max(scenario.hotspots, key=lambda h: h.weight)
    hub_x, hub_y = busiest.x_km, busiest.y_km
    # Workers follow the meals: about half start before lunch, the rest before dinner.
    lunch = rng.random(n) < 0.5
    start_hour = np.clip(np.where(lunch, rng.normal(10.5, 1.5, n), rng.normal(15.5, 1.5, n)), 5, 20)
    # How willing each worker is to take what they are offered (they decline the rest).
    acceptance = rng.uniform(0.85, 1.0, n)
    # Everything below is the rules' doing; the draws above are the same for every rule set.
    admitted = np.ones(n, dtype=bool)
    if rules.onboarding == "matched":
        task_hours_per_day = (
            len(demand.minute)
            * (HANDLING_MINUTES + (1.0 + scenario.trip_km_mean) / SPEED_KM_PER_MINUTE)
            / 60
            / scenario.days
        )
        day_hours = min(scenario.shift_hours, rules.max_hours_per_day or LONGEST_DAY_HOURS)
        needed = math.ceil(task_hours_per_day / (day_hours * rules.target_utilisation))
        admitted[min(n, needed) :] = False
    busy_until = np.zeros(n)
    offers = np.zeros(n)
    declines = np.zeros(n)
    ridden_km = np.zeros(n)
    was_online = np.zeros(n, dtype=bool)
    last_online = np.full(n, -1e9)
    online_minutes = np.zeros(n)
    task_minutes = np.zeros(n)
    earnings = np.zeros(n)
    today_online = np.zeros(n)
    tasks: list[TaskRecord] = []
    posted = 0
    waiting: list[int] = []
    kept_total = 0.0
    spent_total = 0.0
    total_minutes = scenario.days * 24 * 60
    weekly_target = scenario.weekly_target_minor
    for t in range(total_minutes):
        day, minute_of_day = divmod(t, 24 * 60)
        if minute_of_day == 0:
            today_online[:] = 0
        hour = minute_of_day / 60
        planned = (hour >= start_hour) & (hour < start_hour + scenario.shift_hours)
        # Income as the worker counts it: pay so far, and the floor's top-up they are owed.
        floor_owed = rules.floor_per_hour_minor * online_minutes / 60 if rules.pay_waiting else 0
        behind = np.maximum(earnings, floor_owed) < weekly_target * (day + hour / 24 + 1) / 7
        extended = (hour >= start_hour) & (today_online < LONGEST_DAY_HOURS * 60) & behind
        online = (planned | extended) & admitted
        if rules.max_hours_per_day is not None:
            online &= today_online < rules.max_hours_per_day * 60
        if rules.max_hours_per_week is not None:
            online &= online_minutes < rules.max_hours_per_week * 60
        if rules.min_rest_hours is not None:
            # A new stretch starts only after the rest; a stretch under way goes on.
            online &= was_online | (t - last_online >= rules.min_rest_hours * 60)
        last_online[online] = t
        was_online = online
        online_minutes += online
        today_online += online
        task_minutes += online & (busy_until > t)
        while posted < len(demand.minute) and demand.minute[posted] <= t:
            waiting.append(posted)
            posted += 1
        # A task nobody started within the customer's patience is cancelled, unpaid.
        still = [i for i in waiting if t - demand.minute[i] <= PATIENCE_MINUTES]
        tasks.extend(TaskRecord(0, 0, 0, None) for _ in range(len(waiting) - len(still)))
        waiting = still
        free = np.flatnonzero(online & (busy_until <= t))
        # Idle workers ride back towards the busiest place they know, as drivers do.
        dx, dy = hub_x - wx[free], hub_y - wy[free]
        far = np.hypot(dx, dy)
        step = np.minimum(far, SPEED_KM_PER_MINUTE) / np.maximum(far, 1e-9)
        wx[free] += dx * step
        wy[free] += dy * step
        if not waiting or len(free) == 0:
            continue
        surging = len(waiting) > len(free)
        for task_index, worker in _offers(
            rules, demand, waiting, free, wx, wy, earnings, online_minutes, task_minutes
        ):
            offers[worker] += 1
            if rng.random() > acceptance[worker]:
                declines[worker] += 1
                limit = rules.deactivate_below_acceptance
                if (
                    limit is not None
                    and offers[worker] >= rules.deactivation_after_offers
                    and 1 - declines[worker] / offers[worker] < limit
                ):
                    admitted[worker] = False  # deactivated by the platform, for good
                continue  # the task waits for the next minute's offers
            pickup_km = math.hypot(
                demand.x[task_index] - wx[worker], demand.y[task_index] - wy[worker]
            )
            trip = float(demand.trip_km[task_index])
            ridden_km[worker] += pickup_km + trip
            duration = HANDLING_MINUTES + (pickup_km + trip) / SPEED_KM_PER_MINUTE
            busy_until[worker] = t + duration
            angle = rng.uniform(0, 2 * math.pi)
            wx[worker] = np.clip(demand.x[task_index] + trip * math.cos(angle), 0, scenario.city_km)
            wy[worker] = np.clip(demand.y[task_index] + trip * math.sin(angle), 0, scenario.city_km)
            price = scenario.base_price_minor + scenario.per_km_minor * trip
            multiplier = rules.surge_multiplier if surging else 1.0
            paid = price * multiplier
            kept = (
                price * (rules.fee_rate + rules.solidarity_rate) + (paid - price) * rules.surge_kept
            )
            earnings[worker] += paid - kept
            kept_total += kept
            spent_total += paid
            wait = t - demand.minute[task_index] + pickup_km / SPEED_KM_PER_MINUTE
            tasks.append(TaskRecord(round(paid), round(paid - kept), round(kept), float(wait)))
            waiting.remove(task_index)
        if progress is not None and minute_of_day == 0:
            progress(t / total_minutes)
    tasks.extend(TaskRecord(0, 0, 0, None) for _ in waiting)
    # The period's close: the floor for every engaged hour, then the surplus returned.
    # Both come out of what the co-op kept beyond its running costs, never more: a floor
    # the money cannot cover is paid in proportion (and the report says how much).
    transfers = np.zeros(n)
    funds = max(0.0, kept_total - rules.operating_cost_rate * spent_total)
    if rules.pay_waiting and rules.floor_per_hour_minor:
        floor_due = rules.floor_per_hour_minor * online_minutes / 60
        top_ups = np.maximum(0, floor_due - earnings)
        if top_ups.sum() > funds:
            top_ups *= funds / top_ups.sum()
        transfers += top_ups
        funds -= top_ups.sum()
    if rules.surplus_returned and funds > 0 and task_minutes.sum() > 0:
        transfers += funds * task_minutes / task_minutes.sum()
    earnings += transfers
    if transfers.sum():
        # Paid out of what the co-op kept: labour's share rises by as much as the take falls.
        tasks.append(TaskRecord(0, round(transfers.sum()), -round(transfers.sum()), None))
    workers = tuple(
        WorkerPeriod(
            i,
            online_minutes[i] / 60,
            task_minutes[i] / 60,
            round(earnings[i]),
            scenario.days,
            round(ridden_km[i] * scenario.cost_per_km_minor),
        )
        for i in range(n)
        if online_minutes[i] > 0
    )
    if progress is not None:
        progress(1.0)
    deactivated = int(np.sum(~admitted & (online_minutes > 0)))
    return Outcome(scenario.name, rules.name, workers, tuple(tasks), deactivated)


def _offers(
    rules: RuleSet,
    demand: _Demand,
    waiting: list[int],
    free: np.ndarray,
    wx: np.ndarray,
    wy: np.ndarray,
    earnings: np.ndarray,
    online_minutes: np.ndarray,
    task_minutes: np.ndarray,
) -> list[tuple[int, int]]:
    """(task, worker) offers for this minute; each worker may accept or decline."""
    if rules.dispatch == "nearest":
        tree = cKDTree(np.column_stack([wx[free], wy[free]]))
        taken: set[int] = set()
        pairs = []
        k = min(len(free), 8)
        for task_index in waiting:
            distances, found = tree.query([demand.x[task_index], demand.y[task_index]], k=k)
            for distance, position in zip(
                np.atleast_1d(distances), np.atleast_1d(found), strict=True
            ):
                if distance > rules.radius_km or not math.isfinite(distance):
                    break
                worker = int(free[position])
                if worker not in taken:
                    taken.add(worker)
                    pairs.append((task_index, worker))
                    break
        return pairs
    round_input = solver.RoundInput(
        tasks=tuple(
            solver.TaskIn(int(i), float(demand.x[i]), float(demand.y[i]), 20) for i in waiting
        ),
        workers=tuple(
            solver.WorkerIn(
                int(w),
                float(wx[w]),
                float(wy[w]),
                earnings_week_minor=int(earnings[w]),
                engaged_hours_week=float(online_minutes[w] / 60),
            )
            for w in free
        ),
        params=solver.Params(radius_km=rules.radius_km, weight_fairness=1.0),
    )
    result = solver.solve(round_input)
    return [(a.task_id, a.worker_id) for a in result.assignments]
