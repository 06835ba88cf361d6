"""One city's work under one rule set, minute by minute: the same demand and the same
workers (drawn from the scenario's seed) meet every rule set, so differences come from
the rules. Pure Python and NumPy, and the platform's own rules wherever the platform has
one: the price split, the floor's top-up and the surplus's return are ledger.rules; the
cooperative's dispatch is the live solver (dispatch.solver) with its parameters built by
the same function a live round uses, and its hour caps and rest are the solver's hard
constraints (a worker the solver refuses for a cap or for rest goes home, as a courier
told so by the app would). The extractive dispatch hands each task to the nearest idle
worker.

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
from commonwork.ledger import rules as pay_rules
from commonwork.observatory.metrics import TaskRecord, WorkerPeriod
from commonwork.policylab.config import RuleSet, Scenario, exact, governed_values

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
    floor_due_minor: int = 0  # the floor's top-ups the rules promised
    floor_paid_minor: int = 0  # what was paid of them


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
    # Each worker's days off: the same weekdays every week, drawn once.
    day_off = np.zeros((n, 7), dtype=bool)
    chosen = np.argsort(rng.random((n, 7)), axis=1)[:, : scenario.days_off_per_week]
    day_off[np.arange(n)[:, None], chosen] = True
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
    params = solver.params_from_values(governed_values(rules))
    fee_rate, solidarity_rate = exact(rules.fee_rate), exact(rules.solidarity_rate)
    busy_until = np.zeros(n)
    home_until = np.zeros(n)  # sent home by the solver for a cap or for rest, until then
    stretch_rest = np.full(n, 24.0)  # hours of rest before the current working stretch
    since_break = np.zeros(n)  # the minute the current stretch without a break began
    offers = np.zeros(n)
    declines = np.zeros(n)
    ridden_km = np.zeros(n)
    was_online = np.zeros(n, dtype=bool)
    last_online = np.full(n, -1e9)
    online_minutes = np.zeros(n)
    weeks = scenario.days // 7
    week_online = np.zeros((weeks, n))  # minutes online in each complete week
    task_minutes = np.zeros(n)
    earnings = np.zeros(n)
    today_online = np.zeros(n)
    days_worked = np.zeros(n, dtype=int)
    working_today = np.ones(n, dtype=bool)
    tasks: list[TaskRecord] = []
    posted = 0
    waiting: list[int] = []
    kept_total = 0.0
    spent_total = 0.0
    solidarity_total = 0
    total_minutes = scenario.days * 24 * 60
    weekly_target = scenario.weekly_target_minor
    for t in range(total_minutes):
        day, minute_of_day = divmod(t, 24 * 60)
        if minute_of_day == 0:
            today_online[:] = 0
            working_today = ~day_off[:, day % 7]
        hour = minute_of_day / 60
        planned = (hour >= start_hour) & (hour < start_hour + scenario.shift_hours)
        # Income as the worker counts it: pay so far, and the floor's top-up they are owed.
        floor_owed = rules.floor_per_hour_minor * online_minutes / 60 if rules.pay_waiting else 0
        behind = np.maximum(earnings, floor_owed) < weekly_target * (day + hour / 24 + 1) / 7
        extended = (hour >= start_hour) & (today_online < LONGEST_DAY_HOURS * 60) & behind
        online = (planned | extended) & working_today & admitted & (home_until <= t)
        days_worked += online & (today_online == 0)
        starting = online & ~was_online
        stretch_rest[starting] = np.minimum(24.0, (t - last_online[starting]) / 60)
        # Back after a pause of a break's length or more: the count without a break restarts.
        rested_enough = starting & (t - last_online >= rules.break_minutes)
        since_break[rested_enough] = t
        last_online[online] = t
        was_online = online
        online_minutes += online
        today_online += online
        if day // 7 < weeks:
            week_online[day // 7] += online
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
        hours = _Hours(today_online / 60, online_minutes / 60, stretch_rest, (t - since_break) / 60)
        offered, refused = _offers(
            rules, params, demand, waiting, free, wx, wy, earnings, hours, busy_until
        )
        for worker, reason in refused:
            # The solver refused them for a cap or for rest: they go home until it passes.
            if reason == solver.DAILY_CAP:
                home_until[worker] = (day + 1) * 24 * 60
            elif reason == solver.WEEKLY_CAP:
                home_until[worker] = (day // 7 + 1) * 7 * 24 * 60
            elif reason == solver.BREAK_DUE:
                home_until[worker] = t + rules.break_minutes
            else:
                home_until[worker] = t + params.min_rest_hours * 60
        for task_index, worker in offered:
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
            price = round(scenario.base_price_minor + scenario.per_km_minor * trip)
            surge = round(price * (rules.surge_multiplier - 1)) if surging else 0
            split = pay_rules.split_price(price, fee_rate=fee_rate, solidarity_rate=solidarity_rate)
            kept = split.fee_minor + split.solidarity_minor + round(surge * rules.surge_kept)
            paid = price + surge
            earnings[worker] += paid - kept
            kept_total += kept
            spent_total += paid
            solidarity_total += split.solidarity_minor
            wait = t - demand.minute[task_index] + pickup_km / SPEED_KM_PER_MINUTE
            tasks.append(TaskRecord(paid, paid - kept, kept, float(wait)))
            waiting.remove(task_index)
        if progress is not None and minute_of_day == 0:
            progress(t / total_minutes)
    tasks.extend(TaskRecord(0, 0, 0, None) for _ in waiting)
    # The period's close: the floor for every engaged hour, then the surplus returned.
    # Both come out of what the co-op kept beyond its running costs, never more: a floor
    # the money cannot cover is paid in proportion (and the report says how much).
    transfers = np.zeros(n)
    # What the fee leaves once the platform's running costs are paid.
    funds = max(
        0, math.floor(kept_total - solidarity_total - rules.operating_cost_rate * spent_total)
    )
    due: dict[int, int] = {}
    paid_floor = 0
    if rules.pay_waiting and rules.floor_per_hour_minor:
        due = {
            i: pay_rules.floor_top_up(
                engaged_seconds=int(online_minutes[i]) * 60,
                earnings_minor=int(earnings[i]),
                floor_per_hour_minor=rules.floor_per_hour_minor,
            )
            for i in range(n)
        }
        # The live books' rule (ledger.rules.pay_floor): from the solidarity fund down to
        # minus the limit the members set (a debt the fee covers), past it shared out and
        # the rest owed; or, when the bylaws say so, from what the fee leaves.
        floor = pay_rules.pay_floor(
            due,
            fund_minor=solidarity_total if rules.floor_from_fund else funds,
            deficit_limit_minor=rules.floor_deficit_limit_minor if rules.floor_from_fund else 0,
        )
        for i, top_up in floor.paid.items():
            transfers[i] += top_up
        paid_floor = floor.paid_minor
        if rules.floor_from_fund:
            funds -= max(0, paid_floor - solidarity_total)  # the fund's debt, from the fee
        else:
            funds -= paid_floor
        funds = max(0, funds)
    if rules.surplus_returned and funds > 0:
        surplus = pay_rules.split_surplus(
            funds,
            reserves_share=exact(rules.surplus_reserves_share),
            patronage_share=exact(rules.surplus_patronage_share),
            community_share=exact(rules.surplus_community_share),
            labour_by_member={i: int(task_minutes[i]) for i in range(n)},
        )
        for i, share in surplus.patronage_by_member.items():
            transfers[i] += share
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
            tuple(float(week_online[k][i]) / 60 for k in range(weeks)),
            int(days_worked[i]),
        )
        for i in range(n)
        if online_minutes[i] > 0
    )
    if progress is not None:
        progress(1.0)
    deactivated = int(np.sum(~admitted & (online_minutes > 0)))
    return Outcome(
        scenario.name,
        rules.name,
        workers,
        tuple(tasks),
        deactivated,
        floor_due_minor=sum(due.values()),
        floor_paid_minor=paid_floor,
    )


def _nearest_dispatch(
    demand: _Demand,
    waiting: list[int],
    free: np.ndarray,
    wx: np.ndarray,
    wy: np.ndarray,
    free_since: np.ndarray,
    radius_km: float,
) -> list[tuple[int, int]]:
    """Each waiting task in posting order is offered to the nearest free worker within the
    radius not yet offered one this minute; of equally near ones, the one idle longest (the
    rank at a taxi stand: idle workers gather at the same spot, so ties are common).

    One batched query finds each task's nearest few; a task whose few are all taken (or
    whose tie runs past them) asks again, wider."""
    tree = cKDTree(np.column_stack([wx[free], wy[free]]))
    reach = radius_km + 1e-9  # the query's bound is exclusive; the radius is in reach
    points = np.column_stack([demand.x[waiting], demand.y[waiting]])
    k = min(len(free), len(waiting), 16)
    distances, found = tree.query(points, k=k, distance_upper_bound=reach)
    near = distances.reshape(len(waiting), k).tolist()
    who = found.reshape(len(waiting), k).tolist()
    since = free_since[free].tolist()
    taken: set[int] = set()  # positions in `free`
    pairs = []
    for row, task_index in enumerate(waiting):
        position = _pick(near[row], who[row], taken, since, complete=k == len(free))
        if position is _ASK_AGAIN:
            wide_d, wide_f = tree.query(points[row], k=len(free), distance_upper_bound=reach)
            position = _pick(
                np.atleast_1d(wide_d).tolist(),
                np.atleast_1d(wide_f).tolist(),
                taken,
                since,
                complete=True,
            )
        if position is not None:
            taken.add(position)
            pairs.append((task_index, int(free[position])))
    return pairs


_ASK_AGAIN = -1


def _pick(
    distances: list[float],
    positions: list[int],
    taken: set[int],
    since: list[float],
    *,
    complete: bool,
) -> int | None:
    """Of one task's nearest workers (ascending distance), the nearest untaken, ties to the
    one idle longest; None if none is in reach; _ASK_AGAIN if the list may have been cut
    short of the answer (it was not `complete` and ended untaken-less or in a tie)."""
    best = None
    best_distance = math.inf
    for distance, position in zip(distances, positions, strict=True):
        if distance == math.inf or distance > best_distance + 1e-9:
            return best
        if position in taken:
            continue
        if best is None or (since[position], position) < (since[best], best):
            best, best_distance = position, min(best_distance, distance)
    return best if complete else _ASK_AGAIN


@dataclass(frozen=True)
class _Hours:
    """Each worker's hours as a live round sees them: today, this week, rest taken."""

    today: np.ndarray
    week: np.ndarray
    rest: np.ndarray
    without_break: np.ndarray


# The solver's refusals that send a worker home: it will not offer them work until then.
SENT_HOME = frozenset({solver.DAILY_CAP, solver.WEEKLY_CAP, solver.REST, solver.BREAK_DUE})


def _offers(
    rules: RuleSet,
    params: solver.Params,
    demand: _Demand,
    waiting: list[int],
    free: np.ndarray,
    wx: np.ndarray,
    wy: np.ndarray,
    earnings: np.ndarray,
    hours: _Hours,
    free_since: np.ndarray,
) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """(task, worker) offers for this minute, each of which the worker may accept or
    decline, and the (worker, reason) of workers the solver refused for a cap or rest."""
    if rules.dispatch == "nearest":
        pairs = _nearest_dispatch(demand, waiting, free, wx, wy, free_since, rules.radius_km)
        return pairs, []
    round_input = solver.RoundInput(
        tasks=tuple(
            solver.TaskIn(int(i), float(demand.x[i]), float(demand.y[i]), 20) for i in waiting
        ),
        workers=tuple(
            solver.WorkerIn(
                int(w),
                float(wx[w]),
                float(wy[w]),
                hours_today=float(hours.today[w]),
                hours_week=float(hours.week[w]),
                rest_hours=float(hours.rest[w]),
                earnings_week_minor=int(earnings[w]),
                engaged_hours_week=float(hours.week[w]),
                continuous_hours=float(hours.without_break[w]),
            )
            for w in free
        ),
        params=params,
    )
    result = solver.solve(round_input)
    refused = [(idle.worker_id, idle.reason) for idle in result.idle if idle.reason in SENT_HOME]
    return [(a.task_id, a.worker_id) for a in result.assignments], refused
