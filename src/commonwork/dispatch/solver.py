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

Exactness: costs are whole units (UNITS_PER_KM to the km of weighted distance); each
pair's integer weight folds in the worker's rank below one unit, so lower worker ids win
ties (_scale). The assignment is solved exactly on those integers by the compiled
kernels (kernels.py: shortest augmenting paths whose dual prices prove the optimum, over
every pair within the radius, also those a dense round's graph left out), and the input
is put in id order first, so the same input gives the same output. docs/dispatch.md
explains it for members.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import math
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from commonwork.dispatch import kernels

SOLVER_VERSION = "commonwork-dispatch/3"
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
    # Always proven: a pruned graph is completed by the dual-price check (kernels).
    exact: bool = True
    # The solve's matching and prices, for the next solve's warm start (not part of the
    # result's meaning: left out of comparisons and of the digest).
    prices: Prices | None = field(default=None, compare=False, repr=False)


# --- input checks -----------------------------------------------------------------------


def _finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def _validate_params(params: Params) -> None:
    for name in ("radius_km", "weight_distance", "weight_fairness", "unassigned_penalty"):
        value = getattr(params, name)
        if not math.isfinite(value) or value < 0:
            raise DispatchInputError(f"Parameter {name} must be a non-negative number.")


def validate(round_input: RoundInput) -> None:
    """Refuse malformed input with a message naming the culprit."""
    _validate_params(round_input.params)
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


def fairness_array(
    earnings_minor: NDArray[np.float64], engaged_hours: NDArray[np.float64]
) -> NDArray[np.float64]:
    """max(0, h − M) / M per worker, h = earnings ÷ engaged hours, M = median h (module doc)."""
    # Under an hour of engaged time says little about hourly pay: such a worker counts as
    # having none yet (fairness 0, like a worker below the median).
    known = engaged_hours >= MIN_HOURS_FOR_FAIRNESS
    hourly = np.divide(earnings_minor, engaged_hours, out=np.zeros(len(known)), where=known)
    centre = float(np.median(hourly[known])) if known.any() else 0.0
    if centre <= 0:
        return np.zeros(len(known))
    fairness: NDArray[np.float64] = np.where(known, np.maximum(0.0, hourly - centre) / centre, 0.0)
    return fairness


def fairness_scores(workers: Sequence[WorkerIn]) -> list[float]:
    """Each worker's fairness (fairness_array), in the order given."""
    earnings = np.array([w.earnings_week_minor for w in workers], np.float64)
    hours = np.array([w.engaged_hours_week for w in workers], np.float64)
    scores: list[float] = fairness_array(earnings, hours).tolist()
    return scores


# --- the round as arrays ----------------------------------------------------------------

# Codes the kernels return, as the reason strings above (kernels module doc).
CODE_NAMES: tuple[str, ...] = ("", *CONSTRAINT_ORDER, REST, COST_ABOVE_PENALTY)
# The most common reason wins; ties go to the first in alphabetical order.
_ALPHABETICAL = np.array(sorted(range(1, len(CODE_NAMES)), key=lambda c: CODE_NAMES[c]))


@dataclass(frozen=True)
class World:
    """A round as the kernels see it (see their module doc), tasks and workers in id order."""

    task_ids: NDArray[np.int64]
    worker_ids: NDArray[np.int64]
    tasks: kernels.Tasks
    workers: kernels.Workers
    rules: kernels.Rules
    grid: kernels.Grid  # the workers'
    task_grid: kernels.Grid
    remote_tasks: NDArray[np.int64]

    @property
    def fairness(self) -> NDArray[np.float64]:
        """Each worker's fairness (fairness_array), as the kernels read it."""
        return self.workers[12]


def _bits(sets: Sequence[frozenset[str] | None], vocabulary: dict[str, int]) -> NDArray[np.uint64]:
    """Each set as bit words over the vocabulary (None: all bits set); shape (n, words).
    Rows that are None or empty cost nothing: a city's workers mostly set no kinds and
    tasks mostly need no skills."""
    words = max(1, (len(vocabulary) + 63) // 64)
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    items = list(sets)
    nones = items.count(None)
    if nones == len(items):
        masks[:] = np.iinfo(np.uint64).max
        return masks
    if nones:
        masks[np.fromiter((s is None for s in items), bool, len(items))] = np.iinfo(np.uint64).max
    if not vocabulary or items.count(frozenset()) + nones == len(items):
        return masks
    for row, members in enumerate(items):
        for item in members or ():
            bit = vocabulary.get(item)
            if bit is not None:
                masks[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return masks


def _grid(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    fairness: NDArray[np.float64],
    geometry: tuple[float, float, float, int, int],
) -> kernels.Grid:
    origin_x, origin_y, size, nx, ny = geometry
    start, order = kernels.build_grid(x, y, origin_x, origin_y, size, nx, ny)
    return (origin_x, origin_y, size, nx, ny, start, order, x[order], y[order], fairness[order])


# A grid of cells over the round holding this many points each on average: small enough
# that a search near a pickup reads few workers, large enough that few cells are empty.
POINTS_PER_CELL = 4
MAX_CELLS = 4_000_000


def _geometry(
    xs: NDArray[np.float64], ys: NDArray[np.float64], radius: float, points: int
) -> tuple[float, float, float, int, int]:
    located = ~np.isnan(xs)
    if not located.any():
        return (0.0, 0.0, 1.0, 1, 1)
    x0, x1 = float(xs[located].min()), float(xs[located].max())
    y0, y1 = float(ys[located].min()), float(ys[located].max())
    area = max((x1 - x0) * (y1 - y0), 1e-6)
    size = max(math.sqrt(area * POINTS_PER_CELL / max(points, 1)), radius / 64, 1e-3)
    while (int((x1 - x0) / size) + 1) * (int((y1 - y0) / size) + 1) > MAX_CELLS:
        size *= 2
    return (x0, y0, size, int((x1 - x0) / size) + 1, int((y1 - y0) / size) + 1)


def world(tasks: Sequence[TaskIn], workers: Sequence[WorkerIn], params: Params) -> World:
    """The round's arrays (tasks and workers already in id order). Refuses what `validate`
    refuses, screening the arrays first: its loop over every object costs more than a
    city's round, so it only runs to name the culprit."""
    n, m = len(tasks), len(workers)
    _validate_params(params)
    t_xs, t_ys = [t.x_km for t in tasks], [t.y_km for t in tasks]
    w_xs, w_ys = [w.x_km for w in workers], [w.y_km for w in workers]
    max_distances = [w.max_distance_km for w in workers]
    t_x, t_y = np.array(t_xs, np.float64), np.array(t_ys, np.float64)  # None: NaN, remote
    w_x, w_y = np.array(w_xs, np.float64), np.array(w_ys, np.float64)  # None: NaN, unplaced
    max_distance = np.array(max_distances, np.float64)  # None: NaN, which nothing exceeds
    t_hours = np.array([t.est_minutes for t in tasks], np.float64) / 60
    task_ids = np.array([t.id for t in tasks], np.int64)
    worker_ids = np.array([w.id for w in workers], np.int64)
    earnings = np.array([w.earnings_week_minor for w in workers], np.float64)
    engaged = np.array([w.engaged_hours_week for w in workers], np.float64)
    today = np.array([w.hours_today for w in workers], np.float64)
    week = np.array([w.hours_week for w in workers], np.float64)
    stretch = np.array([w.continuous_hours for w in workers], np.float64)
    rest = np.array([w.rest_hours for w in workers], np.float64)
    numbers = np.concatenate([engaged, today, week, stretch, rest])
    located = ~np.isnan(t_x)
    placed = ~np.isnan(w_x)
    looks_valid = (
        not (np.any(np.diff(task_ids) == 0) or np.any(np.diff(worker_ids) == 0))
        and t_xs.count(None) == t_ys.count(None) == n - int(located.sum())
        and w_xs.count(None) == w_ys.count(None) == m - int(placed.sum())
        and bool(np.array_equal(located, ~np.isnan(t_y)))
        and bool(np.array_equal(placed, ~np.isnan(w_y)))
        and bool(np.isfinite(t_x[located]).all() and np.isfinite(t_y[located]).all())
        and bool(np.isfinite(w_x[placed]).all() and np.isfinite(w_y[placed]).all())
        and bool((t_hours > 0).all())
        and bool(np.isfinite(numbers).all() and (numbers >= 0).all() and (earnings >= 0).all())
        and max_distances.count(None) == int(np.isnan(max_distance).sum())
        and bool((max_distance[~np.isnan(max_distance)] >= 0).all())
        and bool(np.isfinite(max_distance[~np.isnan(max_distance)]).all())
    )
    if not looks_valid:
        validate(RoundInput(tuple(tasks), tuple(workers), params))
    skills = {s: i for i, s in enumerate(sorted({s for t in tasks for s in t.skills}))}
    kinds = {k: i for i, k in enumerate(sorted({t.kind for t in tasks}))}
    chosen_areas = [w.areas for w in workers]
    with_areas = (
        []
        if chosen_areas.count(None) == m
        else [w for w, areas in enumerate(chosen_areas) if areas is not None]
    )
    area_counts = np.zeros(m + 1, np.int64)
    boxes: list[tuple[float, float, float, float]] = []
    for w in with_areas:
        area_counts[w + 1] = len(workers[w].areas or ())
        boxes.extend(workers[w].areas or ())
    has_areas = np.zeros(m, np.bool_)
    has_areas[with_areas] = True
    fairness = fairness_array(earnings, engaged)
    task_arrays: kernels.Tasks = (
        t_x,
        t_y,
        t_hours,
        _bits([t.skills for t in tasks], skills),
        np.array([kinds[t.kind] for t in tasks], np.int64),
        np.array([bool(t.weather_alert) for t in tasks], np.bool_),
    )
    worker_arrays: kernels.Workers = (
        w_x,
        w_y,
        max_distance,
        _bits([w.skills for w in workers], skills),
        _bits([w.kinds for w in workers], kinds),
        has_areas,
        np.cumsum(area_counts),
        np.array(boxes, np.float64).reshape(-1),
        today,
        week,
        stretch,
        rest >= params.min_rest_hours,
        fairness,
    )
    rules: kernels.Rules = (
        params.radius_km,
        _to_units(params.unassigned_penalty),
        params.weight_distance,
        params.weight_fairness,
        UNITS_PER_KM,
        _scale(n, m),
        float(fairness.min()) if m else 0.0,
        params.max_hours_per_day,
        params.max_hours_per_week,
        params.max_continuous_hours,
    )
    # Both grids cover every point of the round, each with cells sized to its own points.
    all_x, all_y = np.concatenate([t_x, w_x]), np.concatenate([t_y, w_y])
    worker_geometry = _geometry(all_x, all_y, params.radius_km, int(placed.sum()))
    task_geometry = _geometry(all_x, all_y, params.radius_km, int(located.sum()))
    return World(
        task_ids,
        worker_ids,
        task_arrays,
        worker_arrays,
        rules,
        _grid(w_x, w_y, fairness, worker_geometry),
        _grid(t_x, t_y, np.zeros(n), task_geometry),
        np.flatnonzero(np.isnan(t_x)).astype(np.int64),
    )


def _candidates_per_task(round_world: World) -> int:
    """NEAREST_CANDIDATES where the pairs within the radius would be over MAX_FULL_PAIRS
    (the round is then pruned and proven), else 0: every usable pair."""
    return NEAREST_CANDIDATES if _pairs_in_radius(round_world) > MAX_FULL_PAIRS else 0


def _pairs_in_radius(round_world: World) -> float:
    """About how many (task, worker) pairs lie within the radius: every remote task pairs
    with every worker; located ones as if workers were spread evenly over the round."""
    t_x, w_x = round_world.tasks[0], round_world.workers[0]
    n_remote = len(round_world.remote_tasks)
    placed = int(np.count_nonzero(~np.isnan(w_x)))
    size, nx, ny = round_world.grid[2:5]
    area = max(nx * size * ny * size, 1e-6)
    share = min(1.0, math.pi * round_world.rules[0] ** 2 / area)
    return n_remote * len(w_x) + (len(t_x) - n_remote) * placed * share


# --- the solve --------------------------------------------------------------------------


def _to_units(value: float) -> int:
    return round(value * UNITS_PER_KM)


def _scale(n_tasks: int, n_workers: int) -> int:
    """What a unit of cost is worth in the graph's integer weights. Each pair adds its
    worker's rank (1..n_workers+1) below it, so lower worker ids win ties; summed over
    every task the ranks stay below one unit, so they never outweigh a real difference."""
    return (n_workers + 1) * (n_tasks + 1)


@dataclass(frozen=True)
class Prices:
    """The solve's matching and dual prices, the warm start of the next solve. Rows are
    tasks (or workers, `by_workers`); columns the other side, then one private column per
    row (leave the task / stay idle): v of each column, and each row's column on the other
    side (−1: its private one)."""

    by_workers: bool
    row_ids: NDArray[np.int64]
    column_ids: NDArray[np.int64]
    column_price: NDArray[np.int64]
    own_price: NDArray[np.int64]
    match: NDArray[np.int64]
    scale: int


@dataclass
class _State:
    """The assignment graph by row (kernels.cheapest_pairs) and the solve's state on it."""

    start: NDArray[np.int64]
    cols: NDArray[np.int64]
    weights: NDArray[np.int64]
    bound: NDArray[np.int64]
    v: NDArray[np.int64]
    col_of_row: NDArray[np.int64]
    row_of_col: NDArray[np.int64]
    matched_weight: NDArray[np.int64]

    def solve(self) -> None:
        """Restore the invariants on what was carried over, then match every free row."""
        arrays = (
            self.start,
            self.cols,
            self.weights,
            self.v,
            self.col_of_row,
            self.row_of_col,
            self.matched_weight,
        )
        kernels.restore_invariants(*arrays)
        kernels.augment(*arrays)


def _cold_or_warm(
    graph: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    row_ids: NDArray[np.int64],
    column_ids: NDArray[np.int64],
    scale: int,
    warm: Prices | None,
) -> _State:
    """The solve's starting point: nothing matched at price 0, or the last solve's matching
    and prices for the tasks and workers still here (rescaled to this round's weights)."""
    n, m = len(row_ids), len(column_ids)
    v = np.zeros(m + n, np.int64)
    col_of_row = np.full(n, -1, np.int64)
    row_of_col = np.full(m + n, -1, np.int64)
    if warm is not None and len(warm.row_ids) and len(warm.column_ids) and m:
        ratio = scale / warm.scale
        c_pos = np.minimum(np.searchsorted(warm.column_ids, column_ids), len(warm.column_ids) - 1)
        c_kept = warm.column_ids[c_pos] == column_ids
        v[:m][c_kept] = np.rint(warm.column_price[c_pos[c_kept]] * ratio)
        r_pos = np.minimum(np.searchsorted(warm.row_ids, row_ids), len(warm.row_ids) - 1)
        r_kept = np.flatnonzero(warm.row_ids[r_pos] == row_ids)
        v[m + r_kept] = np.rint(warm.own_price[r_pos[r_kept]] * ratio)
        old = warm.match[r_pos[r_kept]]
        own = old < 0
        col_of_row[r_kept[own]] = m + r_kept[own]
        old_ids = warm.column_ids[old[~own]]
        new_pos = np.minimum(np.searchsorted(column_ids, old_ids), m - 1)
        here = column_ids[new_pos] == old_ids
        col_of_row[r_kept[~own][here]] = new_pos[here]
        matched = np.flatnonzero(col_of_row >= 0)
        row_of_col[col_of_row[matched]] = matched
    return _State(*graph, v, col_of_row, row_of_col, np.zeros(n, np.int64))


# Which side the solve takes as rows: "auto" (by_workers), or "tasks" or "workers" (tests).
ORIENTATION = "auto"
# From this many tasks per worker around a task, workers are the rows. Measured: a
# balanced city (10k × 10k, about 1) solved 26 times faster by workers; 5k tasks among
# 10k workers (0.5) ten times slower.
WORKERS_FIRST_RATIO = 0.75


def by_workers(round_world: World) -> bool:
    """Solve with workers as rows where tasks crowd the workers around them: the mean,
    over located tasks, of tasks ÷ workers within about a radius (cells a radius wide and
    their neighbours) is WORKERS_FIRST_RATIO or more."""
    if ORIENTATION != "auto":
        return ORIENTATION == "workers"
    t_x, t_y = round_world.tasks[0], round_world.tasks[1]
    w_x, w_y = round_world.workers[0], round_world.workers[1]
    located, placed = ~np.isnan(t_x), ~np.isnan(w_x)
    if not located.any() or not placed.any():
        return False
    cell = max(round_world.rules[0], 1e-3)
    x0 = min(float(t_x[located].min()), float(w_x[placed].min()))
    y0 = min(float(t_y[located].min()), float(w_y[placed].min()))
    tx = ((t_x[located] - x0) // cell).astype(np.int64)
    ty = ((t_y[located] - y0) // cell).astype(np.int64)
    wx = ((w_x[placed] - x0) // cell).astype(np.int64)
    wy = ((w_y[placed] - y0) // cell).astype(np.int64)
    nx, ny = int(max(tx.max(), wx.max())) + 3, int(max(ty.max(), wy.max())) + 3
    if nx * ny > 4_000_000:
        return False
    counts = np.zeros((2, nx, ny))
    np.add.at(counts[0], (tx + 1, ty + 1), 1)
    np.add.at(counts[1], (wx + 1, wy + 1), 1)
    near = np.zeros_like(counts)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            near += np.roll(np.roll(counts, dx, axis=1), dy, axis=2)
    ratio = near[0][tx + 1, ty + 1] / np.maximum(near[1][tx + 1, ty + 1], 1)
    return bool(ratio.mean() >= WORKERS_FIRST_RATIO)


# A pruned round re-solves at most this many times with the pairs its prices bring back;
# past it, the whole graph is solved (slower, never wrong).
MAX_PRICE_CHECKS = 8
# When some pair prices out, pairs within this share of the unassigned penalty of doing so
# are added too, so the next solve's prices do not uncover yet another few.
PRICE_MARGIN = 0.02


def solve(round_input: RoundInput, warm: Prices | None = None) -> RoundResult:
    """The optimal round for this input (see the module docstring for the objective).
    `warm`: the prices of an earlier solve (its result's `prices`), to start from."""
    params = round_input.params
    _validate_params(params)
    tasks = sorted(round_input.tasks, key=lambda t: t.id)
    workers = sorted(round_input.workers, key=lambda w: w.id)
    n_tasks, n_workers = len(tasks), len(workers)
    if n_tasks == 0 or n_workers == 0:
        validate(round_input)
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
    round_world = world(tasks, workers, params)
    workers_first = by_workers(round_world)
    if workers_first:
        row_ids, column_ids = round_world.worker_ids, round_world.task_ids
    else:
        row_ids, column_ids = round_world.task_ids, round_world.worker_ids
    if warm is not None and warm.by_workers != workers_first:
        warm = None  # prices of the other side's problem
    k = _candidates_per_task(round_world)
    pruned = k > 0
    state = _cold_or_warm(
        _graph(round_world, k, workers_first), row_ids, column_ids, round_world.rules[5], warm
    )
    state.solve()
    checks = 0
    margin = int(PRICE_MARGIN * round_world.rules[1] * round_world.rules[5])
    while pruned:
        # The proof: is any pair the graph left out cheaper under the prices?
        rows, cols, weight, negative = _improving(round_world, state, margin, workers_first)
        if negative == 0:
            break  # proven optimal over every pair within the radius
        checks += 1
        if checks > MAX_PRICE_CHECKS:
            # Never fail a round for want of a proof: solve the whole graph instead.
            graph = _graph(round_world, 0, workers_first)
            state.start, state.cols, state.weights, state.bound = graph
            pruned = False
        else:
            state.start, state.cols, state.weights = kernels.merge_pairs(
                state.start, state.cols, state.weights, rows, cols, weight
            )
        state.solve()
    n_columns = len(column_ids)
    match = np.where(state.col_of_row < n_columns, state.col_of_row, -1)
    if workers_first:
        worker_of_task = np.full(n_tasks, -1, np.int64)
        working = np.flatnonzero(match >= 0)
        worker_of_task[match[working]] = working
    else:
        worker_of_task = match
    with _no_collection_pauses():
        result = _explain(tasks, workers, params, round_world, worker_of_task)
    prices = Prices(
        workers_first,
        row_ids,
        column_ids,
        state.v[:n_columns].copy(),
        state.v[n_columns:].copy(),
        match,
        round_world.rules[5],
    )
    return replace(result, prices=prices, candidate_pairs=len(state.cols) - len(row_ids))


def _improving(
    round_world: World, state: _State, margin: int, workers_first: bool
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], int]:
    return kernels.improving(
        margin,
        workers_first,
        state.start,
        state.cols,
        state.bound,
        state.v,
        state.col_of_row,
        state.matched_weight,
        round_world.remote_tasks,
        round_world.tasks,
        round_world.workers,
        round_world.rules,
        round_world.task_grid if workers_first else round_world.grid,
    )


def _graph(
    round_world: World, k: int, workers_first: bool = False
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    return kernels.cheapest(
        k,
        workers_first,
        round_world.remote_tasks,
        round_world.tasks,
        round_world.workers,
        round_world.rules,
        round_world.task_grid if workers_first else round_world.grid,
    )


def assignment_graph(
    round_input: RoundInput,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], int, int]:
    """The usable pairs a solve starts from (every one within the radius, or each task's
    NEAREST_CANDIDATES cheapest in a large round), in integer cost units: (task, worker,
    units, penalty units, workers). For comparing other solvers on the same graph."""
    tasks = sorted(round_input.tasks, key=lambda t: t.id)
    workers = sorted(round_input.workers, key=lambda w: w.id)
    round_world = world(tasks, workers, round_input.params)
    start, cols, weights, _bound = _graph(round_world, _candidates_per_task(round_world))
    rows = np.repeat(np.arange(len(tasks)), np.diff(start))
    real = cols < len(workers)
    scale = round_world.rules[5]
    units = weights[real] // scale - 1
    return rows[real], cols[real], units, round_world.rules[1], len(workers)


@contextmanager
def _no_collection_pauses() -> Iterator[None]:
    """Python's cycle collector off while a round's tens of thousands of result objects
    are made (they hold no cycles): each pass would walk every object the process holds,
    which doubled the time of a city's round in the benchmark."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _explain(
    tasks: Sequence[TaskIn],
    workers: Sequence[WorkerIn],
    params: Params,
    round_world: World,
    worker_of_task: NDArray[np.int64],
) -> RoundResult:
    """The assignments and every reason, from the kernels' scans over all pairs."""
    n_workers = len(workers)
    task_of_worker = np.full(n_workers, -1, np.int64)
    assigned_rows = np.flatnonzero(worker_of_task >= 0)
    task_of_worker[worker_of_task[assigned_rows]] = assigned_rows
    pickup, alt, alt_code, alt_distance, in_reach, counts = kernels.explain_tasks(
        worker_of_task, round_world.tasks, round_world.workers, round_world.rules, round_world.grid
    )
    # The costs as the pages show them, in floating point like the objective.
    fairness_cost = params.weight_fairness * round_world.fairness
    distance_cost = params.weight_distance * pickup
    chosen_fairness = fairness_cost[np.maximum(worker_of_task, 0)]
    cost = distance_cost + chosen_fairness
    other = np.maximum(alt, 0)
    difference = params.weight_distance * alt_distance + fairness_cost[other] - cost
    common = _ALPHABETICAL[np.argmax(counts[:, _ALPHABETICAL], axis=1)]

    worker_ids = round_world.worker_ids.tolist()
    assignments: list[Assignment] = []
    for t, w, d, d_cost, f_cost, c, a, a_code, diff in zip(
        assigned_rows.tolist(),
        worker_of_task[assigned_rows].tolist(),
        pickup[assigned_rows].tolist(),
        distance_cost[assigned_rows].tolist(),
        chosen_fairness[assigned_rows].tolist(),
        cost[assigned_rows].tolist(),
        alt[assigned_rows].tolist(),
        alt_code[assigned_rows].tolist(),
        difference[assigned_rows].tolist(),
        strict=True,
    ):
        alternative = None
        if a >= 0 and a_code:
            alternative = Alternative(worker_ids[a], CODE_NAMES[a_code])
        elif a >= 0:
            reason = ASSIGNED_ELSEWHERE if task_of_worker[a] >= 0 else COST_HIGHER
            alternative = Alternative(worker_ids[a], reason, round(diff, 6))
        assignments.append(
            Assignment(tasks[t].id, worker_ids[w], c, d, d_cost, f_cost, alternative)
        )

    unassigned: list[Unassigned] = []
    for t in np.flatnonzero(worker_of_task < 0).tolist():
        task = tasks[t]
        if task.weather_alert:
            # Held back for everyone, whoever was near: the alert is the reason.
            unassigned.append(Unassigned(task.id, WEATHER_ALERT, {"alert": task.weather_alert}))
        elif in_reach[t] == 0:
            radius: dict[str, float | int | str] = {"radius_km": params.radius_km}
            unassigned.append(Unassigned(task.id, NO_WORKER_IN_RADIUS, radius))
        elif counts[t, 0]:
            usable: dict[str, float | int | str] = {"candidates": int(counts[t, 0])}
            unassigned.append(Unassigned(task.id, WORKERS_TAKEN, usable))
        else:
            reach: dict[str, float | int | str] = {"workers_in_reach": int(in_reach[t])}
            unassigned.append(Unassigned(task.id, CODE_NAMES[int(common[t])], reach))
    # Summed in task order, as the objective reads.
    total = float(sum(np.where(worker_of_task >= 0, cost, params.unassigned_penalty).tolist()))
    return RoundResult(
        assignments=tuple(assignments),
        unassigned=tuple(unassigned),
        idle=_idle(round_world, task_of_worker),
        total_cost=total,
        candidate_pairs=0,  # set by solve: the pairs in the graph it proved
        exact=True,
    )


def _idle(round_world: World, task_of_worker: NDArray[np.int64]) -> tuple[Idle, ...]:
    """Why each worker without a task got none."""
    in_reach, any_usable, counts = kernels.explain_workers(
        task_of_worker,
        round_world.remote_tasks,
        round_world.tasks,
        round_world.workers,
        round_world.rules,
        round_world.task_grid,
    )
    idle_rows = np.flatnonzero(task_of_worker < 0)
    rested = round_world.workers[11][idle_rows]
    placed = ~np.isnan(round_world.workers[0][idle_rows])
    common = _ALPHABETICAL[np.argmax(counts[idle_rows][:, _ALPHABETICAL], axis=1)]
    # One code per idle worker, chosen for all at once; then one object each.
    codes = np.where(
        ~rested,
        -1,
        np.where(
            in_reach[idle_rows] == 0,
            np.where(placed, -2, -3),
            np.where(any_usable[idle_rows], -4, common),
        ),
    )
    named = {-1: REST, -2: NO_TASK_IN_REACH, -3: LOCATION_UNKNOWN, -4: TASKS_WENT_TO_OTHERS}
    names = [named.get(code) or CODE_NAMES[code] for code in range(-4, len(CODE_NAMES))]
    return tuple(
        Idle(worker_id, names[code + 4], {"tasks_in_reach": reach} if code > 0 else {})
        for worker_id, code, reach in zip(
            round_world.worker_ids[idle_rows].tolist(),
            codes.tolist(),
            in_reach[idle_rows].tolist(),
            strict=True,
        )
    )


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
    payload = asdict(replace(result, prices=None))
    del payload["prices"]
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
