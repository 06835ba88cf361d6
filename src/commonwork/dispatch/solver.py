"""The dispatch engine: pure Python and NumPy/SciPy, no Django.

Given open tasks, available workers and the governed parameters, it finds the assignment
of tasks to workers that minimises

    Σ over assigned pairs  (weight_distance × pickup distance in km + weight_fairness × fairness)
  + Σ over unassigned tasks  unassigned_penalty

subject to hard constraints that are never traded against cost: the radius and the
worker's own maximum distance, skills, the worker's preferred kinds and areas, the hours
per day and per week including the task, and the minimum rest. A worker's past declines
are not an input: nothing here can see them.

Fairness of a worker (see docs/dispatch.md): with h the worker's effective hourly pay this
week (earnings ÷ engaged hours) and M the median of h over the round's available workers
with at least an hour engaged, fairness = max(0, h − M) ÷ M, and 0 when M is 0 or the
worker has under an hour engaged. Workers whose pay lags the median cost nothing extra; those ahead
cost a little more, so at equal distance the one who earned less gets the task.

Exactness: costs are integers in micro-units (1 unit = 10⁻⁶ km of weighted distance), the
assignment is solved exactly on those integers by SciPy's LAPJVsp, and the true optimum
differs from the reported one by at most 0.5 × 10⁻⁶ per assignment from that rounding.
A perturbation smaller than one unit over the whole round makes lower worker ids win
ties, and the input is put in id order first, so the same input gives the same output.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from statistics import median

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

SOLVER_VERSION = "commonwork-dispatch/2"
# Costs are whole metres. With the tie-break folded in (see _scale) every weight is an
# integer below 2**53, so the solve and its optimality proof are exact in floating point
# and in int64: no "negative cycle" of rounding noise can appear.
UNITS_PER_KM = 1_000
# Above this many (task, worker) pairs within the radius, located tasks keep only their
# nearest workers: a city's dense centre would otherwise give tens of millions of pairs.
MAX_FULL_PAIRS = 2_000_000
NEAREST_CANDIDATES = 24
MIN_HOURS_FOR_FAIRNESS = 1.0

# Reason codes: stable strings the pages turn into sentences in each language.
NO_WORKER_IN_RADIUS = "no_worker_in_radius"
OUTSIDE_RADIUS = "outside_radius"
OUTSIDE_WORKER_DISTANCE = "outside_worker_distance"
SKILLS = "skills"
KIND_PREFERENCE = "kind_preference"
AREA_PREFERENCE = "area_preference"
DAILY_CAP = "daily_cap"
WEEKLY_CAP = "weekly_cap"
REST = "rest"
LOCATION_UNKNOWN = "location_unknown"
COST_ABOVE_PENALTY = "cost_above_penalty"
WORKERS_TAKEN = "workers_taken"
NO_TASK_IN_REACH = "no_task_in_reach"
TASKS_WENT_TO_OTHERS = "tasks_went_to_others"
NO_OPEN_TASKS = "no_open_tasks"
COST_HIGHER = "cost_higher"
ASSIGNED_ELSEWHERE = "assigned_elsewhere"
BREAK_DUE = "break_due"
NO_WORKERS_AVAILABLE = "no_workers_available"
WEATHER_ALERT = "weather_alert"

# Checked in this order; a pair is reported with the first constraint it breaks.
CONSTRAINT_ORDER = (
    OUTSIDE_RADIUS,
    OUTSIDE_WORKER_DISTANCE,
    SKILLS,
    KIND_PREFERENCE,
    AREA_PREFERENCE,
    DAILY_CAP,
    WEEKLY_CAP,
    # Appended (stored marks keep their meaning); the weather is checked first all the same.
    BREAK_DUE,
    WEATHER_ALERT,
)


class DispatchInputError(ValueError):
    """The round's input is malformed; the message names the task or worker."""


@dataclass(frozen=True)
class TaskIn:
    id: int
    x_km: float | None  # pickup on the round's local plane; None for a remote task
    y_km: float | None
    est_minutes: int
    skills: frozenset[str] = frozenset()
    kind: str = "located"
    # The weather or air-quality alert in force at the pickup that holds this task back
    # from every worker (its CAP identifier); "" when none does.
    weather_alert: str = ""


@dataclass(frozen=True)
class WorkerIn:
    id: int
    x_km: float | None  # None: location unknown, so only remote tasks fit
    y_km: float | None
    skills: frozenset[str] = frozenset()
    hours_today: float = 0.0
    hours_week: float = 0.0
    rest_hours: float = 24.0  # the rest taken before the current working stretch
    earnings_week_minor: int = 0
    engaged_hours_week: float = 0.0
    max_distance_km: float | None = None
    kinds: frozenset[str] | None = None  # None: any kind
    # Boxes (x_min, y_min, x_max, y_max) in km on the round's plane; a located task's pickup
    # must lie in one of them. None: anywhere. Remote tasks are in every area.
    areas: tuple[tuple[float, float, float, float], ...] | None = None
    # Engaged hours since the last break (a pause of the governed length or longer).
    continuous_hours: float = 0.0


@dataclass(frozen=True)
class Params:
    radius_km: float = 3.0
    weight_distance: float = 1.0
    weight_fairness: float = 1.0
    unassigned_penalty: float = 10.0
    max_hours_per_day: float = 10.0
    max_hours_per_week: float = 48.0
    min_rest_hours: float = 11.0
    # No task that would take a worker past this many hours without a break.
    max_continuous_hours: float = 24.0


@dataclass(frozen=True)
class RoundInput:
    tasks: tuple[TaskIn, ...]
    workers: tuple[WorkerIn, ...]
    params: Params = field(default_factory=Params)


@dataclass(frozen=True)
class Alternative:
    worker_id: int
    reason: str  # COST_HIGHER, ASSIGNED_ELSEWHERE, or a constraint code
    cost_difference: float | None = None


@dataclass(frozen=True)
class Assignment:
    task_id: int
    worker_id: int
    cost: float
    distance_km: float
    distance_cost: float
    fairness_cost: float
    alternative: Alternative | None


@dataclass(frozen=True)
class Unassigned:
    task_id: int
    reason: str
    detail: dict[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Idle:
    worker_id: int
    reason: str
    detail: dict[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class RoundResult:
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    idle: tuple[Idle, ...]
    total_cost: float
    candidate_pairs: int
    # Always proven: a pruned graph is completed by the dual-price check (column_prices).
    exact: bool = True


# --- input checks -----------------------------------------------------------------------


def _finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def validate(round_input: RoundInput) -> None:
    """Refuse malformed input with a message naming the culprit."""
    params = round_input.params
    for name in ("radius_km", "weight_distance", "weight_fairness", "unassigned_penalty"):
        value = getattr(params, name)
        if not math.isfinite(value) or value < 0:
            raise DispatchInputError(f"Parameter {name} must be a non-negative number.")
    seen: set[int] = set()
    for task in round_input.tasks:
        if task.id in seen:
            raise DispatchInputError(f"Task {task.id} appears twice.")
        seen.add(task.id)
        if not (_finite(task.x_km) and _finite(task.y_km)):
            raise DispatchInputError(f"Task {task.id} has a coordinate that is not a number.")
        if (task.x_km is None) != (task.y_km is None):
            raise DispatchInputError(f"Task {task.id} has half a location.")
        if task.est_minutes <= 0:
            raise DispatchInputError(f"Task {task.id} has a duration that is not positive.")
    seen = set()
    for worker in round_input.workers:
        if worker.id in seen:
            raise DispatchInputError(f"Worker {worker.id} appears twice.")
        seen.add(worker.id)
        if not (_finite(worker.x_km) and _finite(worker.y_km)):
            raise DispatchInputError(f"Worker {worker.id} has a coordinate that is not a number.")
        if (worker.x_km is None) != (worker.y_km is None):
            raise DispatchInputError(f"Worker {worker.id} has half a location.")
        numbers = (
            worker.hours_today,
            worker.hours_week,
            worker.rest_hours,
            worker.engaged_hours_week,
            worker.continuous_hours,
        )
        if any(not math.isfinite(v) or v < 0 for v in numbers) or worker.earnings_week_minor < 0:
            raise DispatchInputError(f"Worker {worker.id} has negative or missing hours or pay.")
        if worker.max_distance_km is not None and not (
            math.isfinite(worker.max_distance_km) and worker.max_distance_km >= 0
        ):
            raise DispatchInputError(f"Worker {worker.id} has an invalid maximum distance.")


# --- fairness ---------------------------------------------------------------------------


def fairness_scores(workers: Sequence[WorkerIn]) -> list[float]:
    """max(0, h − M) / M per worker, h = earnings ÷ engaged hours, M = median h (module doc)."""
    # Under an hour of engaged time says little about hourly pay: such a worker counts as
    # having none yet (fairness 0, like a worker below the median).
    hourly = [
        w.earnings_week_minor / w.engaged_hours_week
        if w.engaged_hours_week >= MIN_HOURS_FOR_FAIRNESS
        else None
        for w in workers
    ]
    known = [h for h in hourly if h is not None]
    centre = median(known) if known else 0.0
    if centre <= 0:
        return [0.0 for _ in workers]
    return [0.0 if h is None else max(0.0, h - centre) / centre for h in hourly]


# --- candidates -------------------------------------------------------------------------


@dataclass
class _Pairs:
    task: NDArray[np.int64]  # index into the sorted tasks
    worker: NDArray[np.int64]  # index into the sorted workers
    distance: NDArray[np.float64]
    broken: NDArray[np.int8]  # 0: feasible; else 1 + index in CONSTRAINT_ORDER
    pruned: bool  # True: located tasks kept only their NEAREST_CANDIDATES nearest workers


def _located_pairs(
    tx: NDArray[np.float64],
    ty: NDArray[np.float64],
    t_index: NDArray[np.int64],
    wx: NDArray[np.float64],
    wy: NDArray[np.float64],
    w_index: NDArray[np.int64],
    reach: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Every (task, worker) within `reach` km, found through a grid of `reach`-sized cells."""
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
    if len(t_index) == 0 or len(w_index) == 0:
        return empty
    cell = max(reach, 1e-3)
    origin_x = min(tx.min(), wx.min())
    origin_y = min(ty.min(), wy.min())
    wcx = np.floor((wx - origin_x) / cell).astype(np.int64)
    wcy = np.floor((wy - origin_y) / cell).astype(np.int64)
    tcx = np.floor((tx - origin_x) / cell).astype(np.int64)
    tcy = np.floor((ty - origin_y) / cell).astype(np.int64)
    width = int(max(wcx.max(), tcx.max())) + 3
    wkey = (wcx + 1) * width + (wcy + 1)
    order = np.argsort(wkey, kind="stable")
    sorted_keys = wkey[order]
    tasks_out, workers_out = [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            key = (tcx + 1 + dx) * width + (tcy + 1 + dy)
            start = np.searchsorted(sorted_keys, key, side="left")
            stop = np.searchsorted(sorted_keys, key, side="right")
            counts = stop - start
            total = int(counts.sum())
            if total == 0:
                continue
            task_rep = np.repeat(np.arange(len(tx)), counts)
            offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            worker_pos = order[np.repeat(start, counts) + offsets]
            tasks_out.append(task_rep)
            workers_out.append(worker_pos)
    if not tasks_out:
        return empty
    ti = np.concatenate(tasks_out)
    wi = np.concatenate(workers_out)
    distance = np.hypot(tx[ti] - wx[wi], ty[ti] - wy[wi])
    near = distance <= reach
    return t_index[ti[near]], w_index[wi[near]], distance[near]


def _full_pair_count(
    tx: NDArray[np.float64],
    ty: NDArray[np.float64],
    wx: NDArray[np.float64],
    wy: NDArray[np.float64],
    params: Params,
) -> int:
    tree = cKDTree(np.column_stack([wx, wy]))
    counts = tree.query_ball_point(np.column_stack([tx, ty]), params.radius_km, return_length=True)
    return int(np.sum(counts))


def _nearest_pairs(
    tx: NDArray[np.float64],
    ty: NDArray[np.float64],
    t_index: NDArray[np.int64],
    wx: NDArray[np.float64],
    wy: NDArray[np.float64],
    w_index: NDArray[np.int64],
    params: Params,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Each located task's NEAREST_CANDIDATES nearest workers within the radius.

    Used only when the full candidate graph would exceed MAX_FULL_PAIRS; the result is then
    marked not proven exact (see docs/dispatch.md for the measured gap).
    """
    k = min(NEAREST_CANDIDATES, len(wx))
    tree = cKDTree(np.column_stack([wx, wy]))
    distance, found = tree.query(
        np.column_stack([tx, ty]), k=k, distance_upper_bound=params.radius_km
    )
    distance = distance.reshape(len(tx), k)
    found = found.reshape(len(tx), k)
    hit = np.isfinite(distance)
    rows = np.repeat(np.arange(len(tx)), k).reshape(len(tx), k)
    return t_index[rows[hit]], w_index[found[hit]], distance[hit]


def _all_pairs(
    t_index: NDArray[np.int64], w_index: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    ti = np.repeat(t_index, len(w_index))
    wi = np.tile(w_index, len(t_index))
    return ti, wi, np.zeros(len(ti))


def _vocabulary_masks(
    sets: Sequence[frozenset[str] | None], vocabulary: dict[str, int]
) -> NDArray[np.uint64]:
    """Each set as bit words over the vocabulary (None: all bits set); shape (n, words)."""
    words = max(1, (len(vocabulary) + 63) // 64)
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    for row, items in enumerate(sets):
        if items is None:
            masks[row, :] = np.iinfo(np.uint64).max
            continue
        for item in items:
            bit = vocabulary.get(item)
            if bit is not None:
                masks[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return masks


def _contained(needed: NDArray[np.uint64], offered: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """Row-wise: every bit of `needed` is in `offered`."""
    contained: NDArray[np.bool_] = np.all((needed & ~offered) == 0, axis=1)
    return contained


def _inside_areas(
    tasks: Sequence[TaskIn],
    workers: Sequence[WorkerIn],
    ti: NDArray[np.int64],
    wi: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Per pair: the task is remote, the worker has no areas, or the pickup is in one.

    The pairs are grouped by worker once, so each worker with areas looks only at its
    own pairs: O(pairs log pairs + their pairs × areas), not workers × pairs."""
    inside = np.ones(len(ti), dtype=bool)
    with_areas = [w for w, worker in enumerate(workers) if worker.areas is not None]
    if not with_areas:
        return inside
    px = np.array([np.nan if t.x_km is None else t.x_km for t in tasks])
    py = np.array([np.nan if t.y_km is None else t.y_km for t in tasks])
    by_worker = np.argsort(wi, kind="stable")
    starts = np.searchsorted(wi[by_worker], np.arange(len(workers) + 1))
    for w in with_areas:
        mine = by_worker[starts[w] : starts[w + 1]]
        mine = mine[~np.isnan(px[ti[mine]])]
        x, y = px[ti[mine]], py[ti[mine]]
        hit = np.zeros(len(mine), dtype=bool)
        for x0, y0, x1, y1 in workers[w].areas or ():
            hit |= (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        inside[mine] = hit
    return inside


def candidate_pairs(
    tasks: Sequence[TaskIn], workers: Sequence[WorkerIn], params: Params, *, prune: bool = True
) -> _Pairs:
    """All pairs within reach, each marked feasible or with the first constraint it breaks.

    Pairs farther than the radius are not generated at all (the grid never looks there);
    a task with none within the radius is explained as such. A large round keeps only each
    task's nearest workers (`prune`), completed by the dual-price check in `solve`.
    """
    located_t = np.array([i for i, t in enumerate(tasks) if t.x_km is not None], np.int64)
    remote_t = np.array([i for i, t in enumerate(tasks) if t.x_km is None], np.int64)
    placed_w = np.array([i for i, w in enumerate(workers) if w.x_km is not None], np.int64)
    all_w = np.arange(len(workers), dtype=np.int64)
    tx = np.array([tasks[i].x_km for i in located_t], np.float64)
    ty = np.array([tasks[i].y_km for i in located_t], np.float64)
    wx = np.array([workers[i].x_km for i in placed_w], np.float64)
    wy = np.array([workers[i].y_km for i in placed_w], np.float64)
    if (
        prune
        and len(located_t)
        and len(placed_w)
        and _full_pair_count(tx, ty, wx, wy, params) > MAX_FULL_PAIRS
    ):
        lt, lw, ld = _nearest_pairs(tx, ty, located_t, wx, wy, placed_w, params)
        pruned = True
    else:
        lt, lw, ld = _located_pairs(tx, ty, located_t, wx, wy, placed_w, params.radius_km)
        pruned = False
    rt, rw, rd = _all_pairs(remote_t, all_w)
    ti = np.concatenate([lt, rt])
    wi = np.concatenate([lw, rw])
    distance = np.concatenate([ld, rd])

    broken = constraint_marks(tasks, workers, params, ti, wi, distance)
    return _Pairs(ti, wi, distance, broken, pruned)


def constraint_marks(
    tasks: Sequence[TaskIn],
    workers: Sequence[WorkerIn],
    params: Params,
    ti: NDArray[np.int64],
    wi: NDArray[np.int64],
    distance: NDArray[np.float64],
) -> NDArray[np.int8]:
    """Per pair: 0 when feasible, else 1 + the index in CONSTRAINT_ORDER of the first
    hard constraint it breaks (the radius is enforced by how pairs are generated)."""
    broken = np.zeros(len(ti), dtype=np.int8)

    def mark(failing: NDArray[np.bool_], code: str) -> None:
        broken[(broken == 0) & failing] = CONSTRAINT_ORDER.index(code) + 1

    # A task the weather holds back is refused to everyone, whatever else holds.
    held = np.array([bool(t.weather_alert) for t in tasks], dtype=bool)
    mark(held[ti], WEATHER_ALERT)

    max_distance = np.array(
        [math.inf if w.max_distance_km is None else w.max_distance_km for w in workers]
    )
    mark(distance > max_distance[wi], OUTSIDE_WORKER_DISTANCE)

    skills = {s: i for i, s in enumerate(sorted({s for t in tasks for s in t.skills}))}
    needed = _vocabulary_masks([t.skills for t in tasks], skills)
    offered = _vocabulary_masks([w.skills for w in workers], skills)
    mark(~_contained(needed[ti], offered[wi]), SKILLS)

    kinds = {k: i for i, k in enumerate(sorted({t.kind for t in tasks}))}
    task_kind = _vocabulary_masks([frozenset({t.kind}) for t in tasks], kinds)
    worker_kinds = _vocabulary_masks([w.kinds for w in workers], kinds)
    mark(~_contained(task_kind[ti], worker_kinds[wi]), KIND_PREFERENCE)

    mark(~_inside_areas(tasks, workers, ti, wi), AREA_PREFERENCE)

    task_hours = np.array([t.est_minutes / 60 for t in tasks])
    today = np.array([w.hours_today for w in workers])
    week = np.array([w.hours_week for w in workers])
    # A tiny tolerance so that exactly reaching a cap is allowed despite float sums.
    mark(today[wi] + task_hours[ti] > params.max_hours_per_day + 1e-9, DAILY_CAP)
    mark(week[wi] + task_hours[ti] > params.max_hours_per_week + 1e-9, WEEKLY_CAP)
    stretch = np.array([w.continuous_hours for w in workers])
    mark(stretch[wi] + task_hours[ti] > params.max_continuous_hours + 1e-9, BREAK_DUE)
    return broken


# --- the solve --------------------------------------------------------------------------


def _to_units(value: float) -> int:
    return round(value * UNITS_PER_KM)


def solve(round_input: RoundInput) -> RoundResult:
    """The optimal round for this input (see the module docstring for the objective)."""
    validate(round_input)
    params = round_input.params
    tasks = sorted(round_input.tasks, key=lambda t: t.id)
    workers = sorted(round_input.workers, key=lambda w: w.id)
    n_tasks, n_workers = len(tasks), len(workers)
    if n_tasks == 0 or n_workers == 0:
        return RoundResult(
            assignments=(),
            unassigned=tuple(
                Unassigned(t.id, WEATHER_ALERT, {"alert": t.weather_alert})
                if t.weather_alert
                else Unassigned(t.id, NO_WORKERS_AVAILABLE)  # tasks here: no workers at all
                for t in tasks
            ),
            idle=tuple(Idle(w.id, NO_OPEN_TASKS) for w in workers),
            total_cost=float(n_tasks * params.unassigned_penalty),
            candidate_pairs=0,
        )

    rested = np.array([w.rest_hours >= params.min_rest_hours for w in workers])
    pairs = candidate_pairs(tasks, workers, params)
    fairness = np.array(fairness_scores(workers))
    penalty_units = _to_units(params.unassigned_penalty)
    scale = _scale(n_tasks, n_workers)
    checks = 0
    while True:
        distance_cost = params.weight_distance * pairs.distance
        fairness_cost = params.weight_fairness * fairness[pairs.worker]
        cost = distance_cost + fairness_cost
        priced = _priced(
            pairs.distance, pairs.worker, pairs.broken, fairness, rested, params, scale
        )
        usable = priced.usable
        edge = np.flatnonzero(usable)
        # Rows: tasks. Columns: workers, then one "leave it unassigned" column per task.
        rows = np.concatenate([pairs.task[edge], np.arange(n_tasks)])
        cols = np.concatenate([pairs.worker[edge], n_workers + np.arange(n_tasks)])
        weights = np.concatenate(
            [
                priced.weight[edge],
                np.full(n_tasks, (penalty_units + 1) * scale + n_workers + 1, np.int64),
            ]
        )
        graph = csr_matrix(
            (weights.astype(np.float64), (rows, cols)), shape=(n_tasks, n_workers + n_tasks)
        )
        matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
        column_of_task = np.empty(n_tasks, dtype=np.int64)
        column_of_task[matched_rows] = matched_cols
        if not pairs.pruned:
            break
        checks += 1
        try:
            missing = _pairs_pricing_out(
                tasks, workers, params, pairs, fairness, rested, rows, cols, weights, column_of_task
            )
        except DispatchInputError:
            missing = None  # no proof (cannot happen with integer weights): see below
        if missing is not None and len(missing[0]) == 0:
            break  # proven optimal over every pair, not only the nearest ones
        if missing is None or checks >= MAX_PRICE_CHECKS:
            # Never fail a round for want of a proof: solve the whole graph instead.
            pairs = candidate_pairs(tasks, workers, params, prune=False)
            continue
        pairs = _with_pairs(pairs, *missing, constraint_marks(tasks, workers, params, *missing))
    worker_of_task = np.where(column_of_task < n_workers, column_of_task, -1)

    return _explain(
        tasks,
        workers,
        params,
        pairs,
        usable,
        cost,
        distance_cost,
        fairness_cost,
        rested,
        worker_of_task,
    )


def _scale(n_tasks: int, n_workers: int) -> int:
    """What a unit of cost is worth in the graph's integer weights. Each pair adds its
    worker's rank (1..n_workers+1) below it, so lower worker ids win ties; summed over
    every task the ranks stay below one unit, so they never outweigh a real difference."""
    return (n_workers + 1) * (n_tasks + 1)


@dataclass(frozen=True)
class _Priced:
    weight: NDArray[np.int64]  # the assignment graph's edge weight of each pair
    usable: NDArray[np.bool_]  # feasible, rested, and cheaper than leaving the task


def _priced(
    distance: NDArray[np.float64],
    worker: NDArray[np.int64],
    broken: NDArray[np.int8],
    fairness: NDArray[np.float64],
    rested: NDArray[np.bool_],
    params: Params,
    scale: int,
) -> _Priced:
    """Each pair's weight in the graph, the one definition the solve and the dual-price
    check share (the check proves nothing if it prices pairs differently): the cost in
    whole units, shifted by +1 so no edge weighs 0 (a sparse zero is no edge), times the
    scale, plus the worker's rank as the tie-break. All integers."""
    cost = params.weight_distance * distance + params.weight_fairness * fairness[worker]
    units = np.rint(cost * UNITS_PER_KM).astype(np.int64)
    usable = (broken == 0) & rested[worker] & (units <= _to_units(params.unassigned_penalty))
    return _Priced((units + 1) * scale + worker + 1, usable)


def _with_pairs(
    pairs: _Pairs,
    ti: NDArray[np.int64],
    wi: NDArray[np.int64],
    distance: NDArray[np.float64],
    broken: NDArray[np.int8],
) -> _Pairs:
    return _Pairs(
        np.concatenate([pairs.task, ti]),
        np.concatenate([pairs.worker, wi]),
        np.concatenate([pairs.distance, distance]),
        np.concatenate([pairs.broken, broken]),
        pairs.pruned,
    )


def column_prices(
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    weights: NDArray[np.int64],
    column_of_task: NDArray[np.int64],
    n_columns: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Dual prices (u per task, v per column) proving an optimal assignment optimal:
    u_t + v_c ≤ weight(t, c) on every edge, with equality on the matched ones, v ≤ 0,
    and v = 0 on unmatched columns.

    With u_t = weight(t, m(t)) − v_m(t), the constraints on the other edges read
    v_c ≤ v_m(t) + weight(t, c) − weight(t, m(t)): shortest-path distances from a source
    joined to every column at 0 satisfy them. They are found by Bellman-Ford rounds over
    all arcs at once; an optimal assignment has no negative cycle, and the rounds needed
    are the longest chain of reassignments (about ten in the benchmark cities).
    """
    n_tasks = len(column_of_task)
    weights = np.asarray(weights, np.int64)  # exact: no rounding noise in the proof
    matched = cols == column_of_task[rows]
    matched_weight = np.empty(n_tasks, np.int64)
    matched_weight[rows[matched]] = weights[matched]
    tail = column_of_task[rows[~matched]]
    head = cols[~matched]
    length = weights[~matched] - matched_weight[rows[~matched]]
    v = np.zeros(n_columns, np.int64)
    for _round in range(n_columns + 1):
        relaxed = v.copy()
        np.minimum.at(relaxed, head, v[tail] + length)
        if np.array_equal(relaxed, v):
            return matched_weight - v[column_of_task], v
        v = relaxed
    raise DispatchInputError("the assignment is not optimal: a negative cycle remains")


# A pruned round re-solves at most this many times with the pairs its prices bring back;
# past it, the whole graph is solved (slower, never wrong).
MAX_PRICE_CHECKS = 8
# When some pair prices out, pairs within this share of the unassigned penalty of doing so
# are added too.
PRICE_MARGIN = 0.02


def _pairs_pricing_out(
    tasks: Sequence[TaskIn],
    workers: Sequence[WorkerIn],
    params: Params,
    pairs: _Pairs,
    fairness: NDArray[np.float64],
    rested: NDArray[np.bool_],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    weights: NDArray[np.int64],
    column_of_task: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """The pairs left out by pruning whose reduced cost is negative under the pruned
    solve's dual prices: the pairs that could still improve it. None: the pruned optimum
    is the optimum over every pair within the radius (LP duality: the prices stay
    feasible for the whole problem, and primal and dual objectives are equal).

    Only workers nearer than r_t can price out for task t: a pair's weight is at least
    ((weight_distance × d + weight_fairness × min fairness) × units − ½ + 1) × scale and
    v ≤ 0, so it beats u_t only when d < (u_t ÷ scale − ½ − weight_fairness × min
    fairness × units) ÷ (weight_distance × units); the reach below keeps a unit to spare.
    In the benchmark cities that leaves a handful of tasks. All in integers: exact.
    """
    n_tasks, n_workers = len(tasks), len(workers)
    u, v = column_prices(rows, cols, weights, column_of_task, n_workers + n_tasks)
    located = np.array([i for i, t in enumerate(tasks) if t.x_km is not None], np.int64)
    placed = np.array([i for i, w in enumerate(workers) if w.x_km is not None], np.int64)
    empty = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
    if len(located) == 0 or len(placed) == 0:
        return empty
    scale = _scale(n_tasks, n_workers)
    floor = params.weight_fairness * float(fairness.min()) * UNITS_PER_KM
    if params.weight_distance > 0:
        margin = PRICE_MARGIN * _to_units(params.unassigned_penalty)
        reach = (u[located] / scale + margin - floor + 1) / (params.weight_distance * UNITS_PER_KM)
        reach = np.minimum(reach, params.radius_km)
    else:
        reach = np.full(len(located), params.radius_km)
    asking = reach > 0
    located, reach = located[asking], reach[asking]
    tree = cKDTree(np.array([[workers[i].x_km, workers[i].y_km] for i in placed]))
    points = np.array([[tasks[i].x_km, tasks[i].y_km] for i in located])
    found = tree.query_ball_point(points, reach) if len(located) else []
    counts = np.array([len(hits) for hits in found], np.int64)
    if counts.sum() == 0:
        return empty
    ti = np.repeat(located, counts)
    wi = placed[np.concatenate([np.asarray(hits, np.int64) for hits in found])]
    # Only pairs not in the graph yet.
    known = np.unique(pairs.task * n_workers + pairs.worker)
    new = ~np.isin(ti * n_workers + wi, known, assume_unique=False)
    ti, wi = ti[new], wi[new]
    tx = np.array([tasks[i].x_km or 0.0 for i in range(n_tasks)])
    ty = np.array([tasks[i].y_km or 0.0 for i in range(n_tasks)])
    wx = np.array([workers[i].x_km or 0.0 for i in range(n_workers)])
    wy = np.array([workers[i].y_km or 0.0 for i in range(n_workers)])
    distance = np.hypot(tx[ti] - wx[wi], ty[ti] - wy[wi])
    broken = constraint_marks(tasks, workers, params, ti, wi, distance)
    priced = _priced(distance, wi, broken, fairness, rested, params, scale)
    reduced = priced.weight - u[ti] - v[wi]
    eligible = priced.usable
    if not np.any(eligible & (reduced < 0)):
        return empty
    # Some pair improves the round: add it, and with it every pair nearly priced out, so
    # the prices of the next solve do not uncover yet another few (fewer re-solves).
    adding = eligible & (reduced < PRICE_MARGIN * _to_units(params.unassigned_penalty) * scale)
    return ti[adding], wi[adding], distance[adding]


def _explain(
    tasks: Sequence[TaskIn],
    workers: Sequence[WorkerIn],
    params: Params,
    pairs: _Pairs,
    usable: NDArray[np.bool_],
    cost: NDArray[np.float64],
    distance_cost: NDArray[np.float64],
    fairness_cost: NDArray[np.float64],
    rested: NDArray[np.bool_],
    worker_of_task: NDArray[np.int64],
) -> RoundResult:
    n_tasks, n_workers = len(tasks), len(workers)
    task_of_worker = np.full(n_workers, -1, dtype=np.int64)
    assigned_rows = np.flatnonzero(worker_of_task >= 0)
    task_of_worker[worker_of_task[assigned_rows]] = assigned_rows

    # Group the pairs by task once: each task's pairs in (cost, worker id) order.
    order = np.lexsort((pairs.worker, cost, pairs.task))
    by_task_start = np.searchsorted(pairs.task[order], np.arange(n_tasks + 1))
    chosen = pairs.worker == worker_of_task[pairs.task]

    assignments: list[Assignment] = []
    unassigned: list[Unassigned] = []
    total = 0.0
    for t in range(n_tasks):
        span = order[by_task_start[t] : by_task_start[t + 1]]
        w = int(worker_of_task[t])
        if w >= 0:
            here = span[chosen[span]][0]
            alternative = _best_alternative(
                span, here, pairs, usable, cost, rested, task_of_worker, workers
            )
            assignments.append(
                Assignment(
                    task_id=tasks[t].id,
                    worker_id=workers[w].id,
                    cost=float(cost[here]),
                    distance_km=float(pairs.distance[here]),
                    distance_cost=float(distance_cost[here]),
                    fairness_cost=float(fairness_cost[here]),
                    alternative=alternative,
                )
            )
            total += float(cost[here])
            continue
        total += params.unassigned_penalty
        if tasks[t].weather_alert:
            # Held back for everyone, whoever was near: the alert is the reason.
            unassigned.append(
                Unassigned(tasks[t].id, WEATHER_ALERT, {"alert": tasks[t].weather_alert})
            )
            continue
        unassigned.append(_why_unassigned(tasks[t].id, span, pairs, usable, cost, rested, params))

    idle: list[Idle] = []
    by_worker = np.argsort(pairs.worker, kind="stable")
    by_worker_start = np.searchsorted(pairs.worker[by_worker], np.arange(n_workers + 1))
    for w in range(n_workers):
        if task_of_worker[w] >= 0:
            continue
        span = by_worker[by_worker_start[w] : by_worker_start[w + 1]]
        if len(span) == 0 and workers[w].x_km is None and rested[w]:
            idle.append(Idle(workers[w].id, LOCATION_UNKNOWN))
            continue
        idle.append(_why_idle(workers[w].id, span, pairs, usable, rested[w], n_tasks))
    return RoundResult(
        assignments=tuple(assignments),
        unassigned=tuple(unassigned),
        idle=tuple(idle),
        total_cost=total,
        candidate_pairs=int(usable.sum()),
        exact=True,
    )


def _best_alternative(
    span: NDArray[np.int64],
    here: int,
    pairs: _Pairs,
    usable: NDArray[np.bool_],
    cost: NDArray[np.float64],
    rested: NDArray[np.bool_],
    task_of_worker: NDArray[np.int64],
    workers: Sequence[WorkerIn],
) -> Alternative | None:
    """The next-best worker for this task and why they did not get it."""
    others = span[span != here]
    feasible = others[usable[others]]
    closer_blocked = others[~usable[others] & (pairs.distance[others] < pairs.distance[here])]
    if len(closer_blocked):
        nearest = closer_blocked[np.argmin(pairs.distance[closer_blocked])]
        return Alternative(
            worker_id=workers[int(pairs.worker[nearest])].id,
            reason=_pair_reason(int(nearest), pairs, rested, cost, None),
        )
    if len(feasible) == 0:
        return None
    best = int(feasible[0])  # the span is in cost order
    worker = int(pairs.worker[best])
    difference = float(cost[best] - cost[here])
    reason = ASSIGNED_ELSEWHERE if task_of_worker[worker] >= 0 else COST_HIGHER
    return Alternative(workers[worker].id, reason, round(difference, 6))


def _pair_reason(
    index: int,
    pairs: _Pairs,
    rested: NDArray[np.bool_],
    cost: NDArray[np.float64],
    penalty: float | None,
) -> str:
    broken = int(pairs.broken[index])
    if broken:
        return CONSTRAINT_ORDER[broken - 1]
    if not rested[pairs.worker[index]]:
        return REST
    return COST_ABOVE_PENALTY


def _why_unassigned(
    task_id: int,
    span: NDArray[np.int64],
    pairs: _Pairs,
    usable: NDArray[np.bool_],
    cost: NDArray[np.float64],
    rested: NDArray[np.bool_],
    params: Params,
) -> Unassigned:
    if len(span) == 0:
        return Unassigned(task_id, NO_WORKER_IN_RADIUS, {"radius_km": params.radius_km})
    if usable[span].any():
        return Unassigned(task_id, WORKERS_TAKEN, {"candidates": int(usable[span].sum())})
    reasons = [_pair_reason(int(i), pairs, rested, cost, params.unassigned_penalty) for i in span]
    common = max(sorted(set(reasons)), key=reasons.count)
    return Unassigned(task_id, common, {"workers_in_reach": len(span)})


def _why_idle(
    worker_id: int,
    span: NDArray[np.int64],
    pairs: _Pairs,
    usable: NDArray[np.bool_],
    is_rested: bool,
    n_tasks: int,
) -> Idle:
    if not is_rested:
        return Idle(worker_id, REST)
    if len(span) == 0:
        return Idle(worker_id, NO_TASK_IN_REACH)
    if usable[span].any():
        return Idle(worker_id, TASKS_WENT_TO_OTHERS, {"candidates": int(usable[span].sum())})
    codes = [CONSTRAINT_ORDER[b - 1] if b else COST_ABOVE_PENALTY for b in pairs.broken[span]]
    common = max(sorted(set(codes)), key=codes.count)
    return Idle(worker_id, common, {"tasks_in_reach": len(span)})


# --- snapshots and replay ---------------------------------------------------------------


def _jsonable(value: object) -> object:
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def canonical_json(value: object) -> bytes:
    return json.dumps(_jsonable(value), sort_keys=True, separators=(",", ":")).encode()


def encode_round(round_input: RoundInput) -> bytes:
    """The input as canonical JSON, zlib-compressed, for storing with the round."""
    return zlib.compress(canonical_json(asdict(round_input)), level=6)


def _set(items: Iterable[str] | None) -> frozenset[str] | None:
    return None if items is None else frozenset(items)


def decode_round(blob: bytes) -> RoundInput:
    data = json.loads(zlib.decompress(blob))
    tasks = tuple(TaskIn(**{**t, "skills": frozenset(t["skills"])}) for t in data["tasks"])
    workers = tuple(
        WorkerIn(
            **{
                **w,
                "skills": frozenset(w["skills"]),
                "kinds": _set(w["kinds"]),
                "areas": None if w["areas"] is None else tuple(tuple(a) for a in w["areas"]),
            }
        )
        for w in data["workers"]
    )
    return RoundInput(tasks=tasks, workers=workers, params=Params(**data["params"]))


def result_digest(result: RoundResult) -> str:
    """sha256 of the result's canonical JSON, costs rounded to micro-units."""
    payload = asdict(result)
    payload["total_cost"] = _to_units(result.total_cost)
    for assignment in payload["assignments"]:
        for key in ("cost", "distance_km", "distance_cost", "fairness_cost"):
            assignment[key] = _to_units(assignment[key])
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def params_from_values(values: dict[str, int | Fraction]) -> Params:
    """The solver's parameters from the governed values (exact Fractions) by registry name."""
    return Params(
        radius_km=float(values["dispatch.radius_km"]),
        weight_distance=float(values["dispatch.weight_distance"]),
        weight_fairness=float(values["dispatch.weight_fairness"]),
        unassigned_penalty=float(values["dispatch.unassigned_penalty"]),
        max_hours_per_day=float(values["max_hours_per_day"]),
        max_hours_per_week=float(values["max_hours_per_week"]),
        min_rest_hours=float(values["min_rest_hours"]),
        max_continuous_hours=float(values["break_after_minutes"]) / 60,
    )


def continuous_engaged_hours(
    spans: Sequence[tuple[float, float]], now: float, break_hours: float
) -> float:
    """Hours engaged without a break up to `now`: the spans (start, end) in hours, merged,
    walked back from now until a pause of `break_hours` or longer. 0 when not engaged now
    or when the last pause was long enough."""
    merged = _merged(spans, now, break_hours)
    if not merged or merged[-1][1] < now - 1e-9:
        return 0.0
    return now - merged[-1][0]


def project_latlon(lat: float, lon: float, origin: tuple[float, float]) -> tuple[float, float]:
    """(lat, lon) to km east and north of `origin` on an equirectangular plane — well within
    a metre per km over a city, which is all dispatch needs."""
    lat0, lon0 = origin
    x = math.radians(lon - lon0) * math.cos(math.radians((lat + lat0) / 2)) * 6371.0088
    y = math.radians(lat - lat0) * 6371.0088
    return x, y


def _merged(spans: Sequence[tuple[float, float]], now: float, gap: float) -> list[list[float]]:
    """The spans up to `now`, merged wherever the pause between them is shorter than gap."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        end = min(end, now)
        if end <= start:
            continue
        if merged and start - merged[-1][1] < gap - 1e-9:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def rest_before_stretch(
    spans: Sequence[tuple[float, float]], now: float, min_rest_hours: float
) -> float:
    """The rest the rest rule sees, in hours: pauses shorter than the minimum rest belong to
    the working stretch (a lunch break is not a night), so it is the pause before the
    stretch began — a week when there was none — until the stretch outlasts what a day
    leaves after the minimum rest (24 h minus it); from then on it is the longest pause
    of the last 24 hours, which is shorter than the minimum."""
    merged = _merged(spans, now, min_rest_hours)
    if not merged:
        return 24.0 * 7
    start = merged[-1][0]
    before = start - merged[-2][1] if len(merged) > 1 else 24.0 * 7
    if now - start <= 24 - min_rest_hours + 1e-9:
        return before
    inside = sorted((a, b) for a, b in spans if b > now - 24 and a >= start)
    pauses = [later[0] - earlier[1] for earlier, later in itertools.pairwise(inside)]
    return max([p for p in pauses if p > 0], default=0.0)
