"""Dispatch's compiled kernels (numba): the loops over pairs that NumPy cannot vectorise.

Everything here is a pure function over NumPy arrays, no Django and no Python objects:
solver.py turns a round into arrays, calls these, and turns the answers back into
assignments and reasons. The rules of a pair (which constraint it breaks, what it costs)
are `pair_code` and `pair_weight`, used by every kernel, so candidates, the optimality
proof and the explanations can never judge a pair differently.

The round travels as four tuples, unpacked at the top of each kernel:
  tasks    (x, y, hours, skill bits, kind, held by weather)      — NaN x: remote task
  workers  (x, y, max distance, skill bits, kind bits, has areas, area start, areas
            (x from, y from, x to, y to of each box, flat),
            hours today, hours this week, hours without a break, rested, fairness)
  rules    (radius, penalty units, weight per km, weight per fairness, units per km,
            scale, lowest fairness, cap per day, cap per week, cap without a break)
  grid     (origin x, origin y, cell size, cells across, cells up, cell start, order,
            and the points' x, y and fairness in that order, read in sequence when a
            search sweeps a cell, instead of scattered over the round's arrays)

The assignment is solved by successive shortest augmenting paths (Dijkstra on reduced
costs: the Hungarian method in its sparse form) on integer weights. Its dual prices are
kept between solves: they are the proof of optimality (docs/dispatch.md) and the warm
start of the next solve.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
from numba import njit
from numpy.typing import NDArray

F = TypeVar("F", bound=Callable[..., Any])
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Tasks = tuple[F64, F64, F64, NDArray[np.uint64], I64, NDArray[np.bool_]]
Workers = tuple[
    F64,
    F64,
    F64,
    NDArray[np.uint64],
    NDArray[np.uint64],
    NDArray[np.bool_],
    I64,
    F64,
    F64,
    F64,
    F64,
    NDArray[np.bool_],
    F64,
]
Rules = tuple[float, int, float, float, int, int, float, float, float, float]
Grid = tuple[float, float, float, int, int, I64, I64, F64, F64, F64]

INF = np.int64(2**62)

# Pair codes: 0 usable, else 1 + the index in solver.CONSTRAINT_ORDER (kept in step by a
# test), then the two reasons that are not constraints of the pair itself.
OUTSIDE_RADIUS = 1
OUTSIDE_WORKER_DISTANCE = 2
SKILLS = 3
KIND_PREFERENCE = 4
AREA_PREFERENCE = 5
DAILY_CAP = 6
WEEKLY_CAP = 7
BREAK_DUE = 8
WEATHER_ALERT = 9
REST = 10
COST_ABOVE_PENALTY = 11
N_CODES = 12


def compiled(function: F) -> F:
    """numba's njit, cached on disk, typed for mypy (numba ships no type hints)."""
    return cast(F, njit(cache=True, nogil=True)(function))


def inlined(function: F) -> F:
    """A helper compiled into each kernel that calls it: a real call would pass every
    array of the round's tuples and count references to each, per pair."""
    return cast(F, njit(cache=True, nogil=True, inline="always")(function))


# --- the rules of a pair ----------------------------------------------------------------


@inlined
def pair_code(t: int, w: int, d: float, tasks: Tasks, workers: Workers, rules: Rules) -> int:
    """0 when task t and worker w, d km apart, break no hard constraint, are rested and
    cost no more than leaving the task; else why not: the first constraint broken (the
    weather first: it holds a task back from everyone), then rest, then the cost. The
    worker's areas are not looked at here: see `with_areas`.

    Written for numba's reference counting, measured: the tuples are indexed where they
    are read, never unpacked, and nothing here loops over a variable-length list; else a
    reference is counted on arrays at every call, which costs ten times the check."""
    if tasks[5][t]:
        return WEATHER_ALERT
    if d > workers[2][w]:
        return OUTSIDE_WORKER_DISTANCE
    for k in range(tasks[3].shape[1]):
        if tasks[3][t, k] & ~workers[3][w, k]:
            return SKILLS
    kind = tasks[4][t]
    if not (workers[4][w, kind // 64] >> np.uint64(kind % 64)) & np.uint64(1):
        return KIND_PREFERENCE
    # A tiny tolerance so that exactly reaching a cap is allowed despite float sums.
    hours = tasks[2][t]
    if workers[8][w] + hours > rules[7] + 1e-9:
        return DAILY_CAP
    if workers[9][w] + hours > rules[8] + 1e-9:
        return WEEKLY_CAP
    if workers[10][w] + hours > rules[9] + 1e-9:
        return BREAK_DUE
    if not workers[11][w]:
        return REST
    if pair_units(d, workers[12][w], rules) > rules[1]:
        return COST_ABOVE_PENALTY
    return 0


@compiled
def with_areas(code: int, x: float, y: float, w: int, area_start: I64, boxes: F64) -> int:
    """pair_code's answer with the worker's areas checked in their place in the order
    (after the kind, before the hours): called, out of line, only for a worker who chose
    areas, with (x, y) the pickup (NaN: a remote task, in every area)."""
    if code in (WEATHER_ALERT, OUTSIDE_WORKER_DISTANCE, SKILLS, KIND_PREFERENCE):
        return code  # checked before the areas
    if np.isnan(x):
        return code
    for a in range(area_start[w], area_start[w + 1]):
        if boxes[4 * a] <= x <= boxes[4 * a + 2] and boxes[4 * a + 1] <= y <= boxes[4 * a + 3]:
            return code
    return AREA_PREFERENCE


@inlined
def pair_units(d: float, fairness: float, rules: Rules) -> int:
    """A pair's cost in whole units (solver.UNITS_PER_KM to the km of weighted distance)."""
    return int(np.rint((rules[2] * d + rules[3] * fairness) * rules[4]))


@inlined
def pair_weight(units: int, w: int, rules: Rules) -> int:
    """The pair's edge weight: its cost shifted by one (no edge weighs 0) times the scale,
    plus the worker's rank, so lower ranks win ties (solver._scale)."""
    return (units + 1) * rules[5] + w + 1


@inlined
def distance_bound(weight: int, rules: Rules) -> float:
    """How far a worker can be and still weigh less than `weight` (with a unit to spare):
    weight > (units + 1) × scale needs units < weight ÷ scale, and units are at least the
    distance's plus the lowest fairness term, less half a unit of rounding."""
    if rules[2] <= 0:
        return rules[0]
    floor_units = rules[3] * rules[6] * rules[4]
    return min(rules[0], (weight // rules[5] + 2 - floor_units) / (rules[2] * rules[4]))


@inlined
def distance(t: int, w: int, tasks: Tasks, workers: Workers) -> float:
    """km from the worker to the pickup; 0 for a remote task."""
    if np.isnan(tasks[0][t]):
        return 0.0
    return float(np.hypot(tasks[0][t] - workers[0][w], tasks[1][t] - workers[1][w]))


# --- a grid of points -------------------------------------------------------------------


@compiled
def build_grid(
    x: F64, y: F64, origin_x: float, origin_y: float, size: float, nx: int, ny: int
) -> tuple[I64, I64]:
    """Points bucketed into square cells of `size` km: (cell start, points by cell), in
    index order within a cell. Points with no location (NaN) are left out."""
    n = x.shape[0]
    cell = np.full(n, -1, np.int64)
    start = np.zeros(nx * ny + 1, np.int64)
    for i in range(n):
        if np.isnan(x[i]):
            continue
        cx = min(max(int((x[i] - origin_x) / size), 0), nx - 1)
        cy = min(max(int((y[i] - origin_y) / size), 0), ny - 1)
        cell[i] = cx * ny + cy
        start[cell[i] + 1] += 1
    for c in range(nx * ny):
        start[c + 1] += start[c]
    order = np.empty(start[nx * ny], np.int64)
    fill = start[:-1].copy()
    for i in range(n):
        if cell[i] >= 0:
            order[fill[cell[i]]] = i
            fill[cell[i]] += 1
    return start, order


@inlined
def cell_box(x: float, y: float, r: float, grid: Grid) -> tuple[int, int, int, int]:
    """The cells (x from, x to, y from, y to) a disk of radius r around (x, y) can touch."""
    origin_x, origin_y, size, nx, ny = grid[0], grid[1], grid[2], grid[3], grid[4]
    return (
        max(int(np.floor((x - r - origin_x) / size)), 0),
        min(int(np.floor((x + r - origin_x) / size)), nx - 1),
        max(int(np.floor((y - r - origin_y) / size)), 0),
        min(int(np.floor((y + r - origin_y) / size)), ny - 1),
    )


@inlined
def home_cell(x: float, y: float, grid: Grid) -> tuple[int, int]:
    origin_x, origin_y, size, nx, ny = grid[0], grid[1], grid[2], grid[3], grid[4]
    return (
        min(max(int((x - origin_x) / size), 0), nx - 1),
        min(max(int((y - origin_y) / size), 0), ny - 1),
    )


@inlined
def ring_size(rho: int) -> int:
    """How many cells ring rho has around a centre cell (the centre itself is ring 0)."""
    return 1 if rho == 0 else 8 * rho


@inlined
def ring_cell(cx: int, cy: int, rho: int, q: int, nx: int, ny: int) -> int:
    """The q-th cell of the ring at Chebyshev distance rho from (cx, cy), −1 if it lies
    outside the grid: its bottom row, its top row, then its two sides. Every point in the
    ring is at least (rho − 1) cell sizes from any point of the centre cell."""
    side = 2 * rho + 1
    if q < side:
        i, j = q - rho, -rho
    elif q < 2 * side:
        i, j = q - side - rho, rho
    else:
        r = q - 2 * side
        i, j = (-rho if r % 2 == 0 else rho), r // 2 - rho + 1
    x, y = cx + i, cy + j
    if x < 0 or x >= nx or y < 0 or y >= ny:
        return -1
    return x * ny + y


@inlined
def disk(x: float, y: float, r: float, grid: Grid) -> I64:
    """Where in the grid's order the points that may lie within r of (x, y) are: those
    passing the cheap squared test, in cell order; the caller measures each exactly."""
    grid_start, grid_x, grid_y, ny = grid[5], grid[7], grid[8], grid[4]
    x0, x1, y0, y1 = cell_box(x, y, r, grid)
    near2 = _squared(r)
    count = 0
    for cx in range(x0, x1 + 1):
        count += grid_start[cx * ny + y1 + 1] - grid_start[cx * ny + y0] if y1 >= y0 else 0
    found = np.empty(count, np.int64)
    used = 0
    for cx in range(x0, x1 + 1):
        for cy in range(y0, y1 + 1):
            c = cx * ny + cy
            for p in range(grid_start[c], grid_start[c + 1]):
                dx, dy = x - grid_x[p], y - grid_y[p]
                if dx * dx + dy * dy <= near2:
                    found[used] = p
                    used += 1
    return found[:used]


@inlined
def _squared(r: float) -> float:
    """r² with room for rounding: a cheap first test, the exact one (hypot) follows."""
    return r * r * (1 + 1e-9) + 1e-12


@inlined
def _grow(array: I64, size: int) -> I64:
    bigger = np.empty(size, np.int64)
    bigger[: array.shape[0]] = array
    return bigger


# --- candidates -------------------------------------------------------------------------


@compiled
def cheapest(
    k: int,
    by_workers: bool,
    remote_tasks: I64,
    tasks: Tasks,
    workers: Workers,
    rules: Rules,
    grid: Grid,
) -> tuple[I64, I64, I64, I64]:
    """The assignment graph by row. Rows are tasks, each with its `k` cheapest usable
    workers found on the workers' `grid`; or, `by_workers`, workers, each with its `k`
    cheapest usable tasks found on the tasks' `grid` (k ≤ 0: every usable one). Then each
    row's own column — leave the task on the board, or stay idle — numbered after the
    other side's, at the penalty. A remote task pairs with every worker.
    Returns (row start, column, weight, bound): every usable pair of the row weighing up
    to its bound is in the graph (INF: every usable pair)."""
    t_x, t_y = tasks[0], tasks[1]
    w_x, w_y, fairness = workers[0], workers[1], workers[12]
    n, m = t_x.shape[0], w_x.shape[0]
    rows, others = (m, n) if by_workers else (n, m)
    row_x, row_y = (w_x, w_y) if by_workers else (t_x, t_y)
    radius, penalty_units, size = rules[0], rules[1], grid[2]
    grid_start, grid_order = grid[5], grid[6]
    grid_x, grid_y = grid[7], grid[8]
    nx, ny = grid[3], grid[4]
    leave_weight = pair_weight(penalty_units, m, rules)
    has_areas, area_start, boxes = workers[5], workers[6], workers[7]
    near2 = _squared(radius)
    capacity = others if k <= 0 else min(k, others)
    start = np.zeros(rows + 1, np.int64)
    bound = np.full(rows, INF, np.int64)
    out_cols = np.empty(max(rows * min(capacity + 1, 32), 16), np.int64)
    out_weights = np.empty(out_cols.shape[0], np.int64)
    used = 0
    best_w = np.empty(capacity + 1, np.int64)
    best_c = np.empty(capacity + 1, np.int64)
    for r in range(rows):
        found = 0
        # Remote pairs: a worker row with every remote task; a remote task with everyone.
        n_remote = remote_tasks.shape[0] if by_workers else (m if np.isnan(t_x[r]) else 0)
        for i in range(n_remote):
            t, w = (remote_tasks[i], r) if by_workers else (r, i)
            code = pair_code(t, w, 0.0, tasks, workers, rules)
            if code == 0:
                weight = pair_weight(pair_units(0.0, fairness[w], rules), w, rules)
                found = _keep_cheapest(best_w, best_c, found, k, weight, t if by_workers else w)
        if not np.isnan(row_x[r]):
            x, y = row_x[r], row_y[r]
            cx, cy = home_cell(x, y, grid)
            rho = 0
            while (rho - 1) * size <= radius:
                beaten = found == capacity and rho >= 1
                if beaten and (rho - 1) * size > distance_bound(best_w[found - 1], rules):
                    break  # nothing this far out can beat the k-th best
                if rho > max(nx, ny):
                    break  # past every cell
                for q in range(ring_size(rho)):
                    c = ring_cell(cx, cy, rho, q, nx, ny)
                    if c < 0:
                        continue
                    for p in range(grid_start[c], grid_start[c + 1]):
                        dx, dy = x - grid_x[p], y - grid_y[p]
                        if dx * dx + dy * dy > near2:
                            continue
                        d = np.hypot(dx, dy)
                        if d > radius:
                            continue
                        other = grid_order[p]
                        t, w = (other, r) if by_workers else (r, other)
                        weight = pair_weight(pair_units(d, fairness[w], rules), w, rules)
                        if found == capacity and weight >= best_w[found - 1]:
                            continue
                        code = pair_code(t, w, d, tasks, workers, rules)
                        if has_areas[w]:
                            code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
                        if code == 0:
                            found = _keep_cheapest(best_w, best_c, found, k, weight, other)
                rho += 1
        if used + found + 1 > out_cols.shape[0]:
            grown = max(out_cols.shape[0] * 2, used + found + 1)
            out_cols = _grow(out_cols, grown)
            out_weights = _grow(out_weights, grown)
        for i in range(found):
            out_cols[used] = best_c[i]
            out_weights[used] = best_w[i]
            used += 1
        out_cols[used] = others + r
        out_weights[used] = leave_weight
        used += 1
        start[r + 1] = used
        if k > 0 and found == capacity and capacity < others:
            bound[r] = best_w[found - 1]
    return start, out_cols[:used].copy(), out_weights[:used].copy(), bound


@inlined
def _keep_cheapest(best_w: I64, best_c: I64, found: int, k: int, weight: int, column: int) -> int:
    """Insert (weight, column) into the sorted list of the `k` cheapest (k ≤ 0: keep all,
    unsorted)."""
    if k <= 0:
        best_w[found] = weight
        best_c[found] = column
        return found + 1
    capacity = min(k, best_w.shape[0] - 1)
    if found == capacity and weight >= best_w[found - 1]:
        return found
    i = found if found < capacity else capacity - 1
    while i > 0 and best_w[i - 1] > weight:
        best_w[i] = best_w[i - 1]
        best_c[i] = best_c[i - 1]
        i -= 1
    best_w[i] = weight
    best_c[i] = column
    return found + 1 if found < capacity else found


@compiled
def merge_pairs(
    start: I64, cols: I64, weights: I64, add_rows: I64, add_cols: I64, add_weights: I64
) -> tuple[I64, I64, I64]:
    """The graph with the given pairs added to their rows (which must not hold them)."""
    n = start.shape[0] - 1
    extra = np.zeros(n, np.int64)
    for i in range(add_rows.shape[0]):
        extra[add_rows[i]] += 1
    new_start = np.zeros(n + 1, np.int64)
    for r in range(n):
        new_start[r + 1] = new_start[r] + (start[r + 1] - start[r]) + extra[r]
    new_cols = np.empty(new_start[n], np.int64)
    new_weights = np.empty(new_start[n], np.int64)
    fill = np.empty(n, np.int64)
    for r in range(n):
        at = new_start[r]
        for e in range(start[r], start[r + 1]):
            new_cols[at] = cols[e]
            new_weights[at] = weights[e]
            at += 1
        fill[r] = at
    for i in range(add_rows.shape[0]):
        r = add_rows[i]
        new_cols[fill[r]] = add_cols[i]
        new_weights[fill[r]] = add_weights[i]
        fill[r] += 1
    return new_start, new_cols, new_weights


# --- the solve --------------------------------------------------------------------------


@inlined
def _heap_push(keys: I64, values: I64, size: int, key: int, value: int) -> int:
    i = size
    keys[i] = key
    values[i] = value
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] < keys[i] or (keys[parent] == keys[i] and values[parent] <= values[i]):
            break
        keys[parent], keys[i] = keys[i], keys[parent]
        values[parent], values[i] = values[i], values[parent]
        i = parent
    return size + 1


@inlined
def _heap_pop(keys: I64, values: I64, size: int) -> int:
    """Remove the top (read keys[0], values[0] first); returns the new size."""
    size -= 1
    keys[0] = keys[size]
    values[0] = values[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        right = child + 1
        if right < size and (
            keys[right] < keys[child]
            or (keys[right] == keys[child] and values[right] < values[child])
        ):
            child = right
        if keys[i] < keys[child] or (keys[i] == keys[child] and values[i] <= values[child]):
            break
        keys[child], keys[i] = keys[i], keys[child]
        values[child], values[i] = values[i], values[child]
        i = child
    return size


@compiled
def augment(
    start: I64,
    cols: I64,
    weights: I64,
    v: I64,
    col_of_row: I64,
    row_of_col: I64,
    matched_weight: I64,
) -> int:
    """Match every free row by a shortest augmenting path over reduced costs
    weight − u_row − v_col, with u implicit: u_r = matched_weight[r] − v[col_of_row[r]].

    Invariants kept (and assumed on entry, see restore_invariants): every reduced cost
    ≥ 0, matched pairs at 0, v ≤ 0, and v = 0 on every free column. At the end they prove
    the matching optimal (LP duality). A free row's own "leave it" column is free, so
    every search ends. Returns the number of columns the searches settled (the work)."""
    n_rows = col_of_row.shape[0]
    n_cols = v.shape[0]
    dist = np.full(n_cols, INF, np.int64)
    done = np.zeros(n_cols, np.bool_)
    pred_row = np.empty(n_cols, np.int64)
    pred_edge = np.empty(n_cols, np.int64)
    touched = np.empty(n_cols, np.int64)
    final = np.empty(n_cols, np.int64)
    keys = np.empty(cols.shape[0] + 1, np.int64)
    values = np.empty(cols.shape[0] + 1, np.int64)
    settled = 0
    for s in range(n_rows):
        if col_of_row[s] >= 0:
            continue
        n_touched = 0
        n_final = 0
        size = 0
        u_s = INF
        for e in range(start[s], start[s + 1]):
            u_s = min(u_s, weights[e] - v[cols[e]])
        for e in range(start[s], start[s + 1]):
            c = cols[e]
            d = weights[e] - v[c] - u_s
            if d < dist[c]:
                if dist[c] == INF:
                    touched[n_touched] = c
                    n_touched += 1
                dist[c] = d
                pred_row[c] = s
                pred_edge[c] = e
                size = _heap_push(keys, values, size, d, c)
        end = -1
        while size > 0:
            d = keys[0]
            c = values[0]
            size = _heap_pop(keys, values, size)
            if done[c] or d > dist[c]:
                continue
            done[c] = True
            final[n_final] = c
            n_final += 1
            r = row_of_col[c]
            if r < 0:
                end = c
                break
            u_r = matched_weight[r] - v[c]
            for e in range(start[r], start[r + 1]):
                c2 = cols[e]
                if done[c2]:
                    continue
                nd = d + weights[e] - u_r - v[c2]
                if nd < dist[c2]:
                    if dist[c2] == INF:
                        touched[n_touched] = c2
                        n_touched += 1
                    dist[c2] = nd
                    pred_row[c2] = r
                    pred_edge[c2] = e
                    size = _heap_push(keys, values, size, nd, c2)
        if end < 0:
            raise ValueError("a row has no free column to reach")
        settled += n_final
        d_end = dist[end]
        for i in range(n_final):
            v[final[i]] += dist[final[i]] - d_end
        c = end
        while True:
            r = pred_row[c]
            previous = col_of_row[r]
            col_of_row[r] = c
            row_of_col[c] = r
            matched_weight[r] = weights[pred_edge[c]]
            if r == s:
                break
            c = previous
        for i in range(n_touched):
            dist[touched[i]] = INF
            done[touched[i]] = False
    return settled


@compiled
def restore_invariants(
    start: I64,
    cols: I64,
    weights: I64,
    v: I64,
    col_of_row: I64,
    row_of_col: I64,
    matched_weight: I64,
) -> int:
    """Make a matching and prices carried over (from the last round, or from before new
    pairs joined the graph) a valid start for `augment`: prices above 0 are lowered to 0;
    a matched row whose pair left the graph, or that has a cheaper pair than its match
    under the prices, is freed; and a free column with a negative price has it raised to
    0 — which may free the rows that now prefer it, and so on. Nothing is assumed about
    the prices carried over: a bad guess costs time, never correctness. Returns the number
    of rows freed."""
    n_rows = col_of_row.shape[0]
    n_cols = v.shape[0]
    for c in range(n_cols):
        v[c] = min(v[c], 0)
    # The graph by column (a counting sort), to find the rows a price change affects.
    col_start = np.zeros(n_cols + 1, np.int64)
    for e in range(cols.shape[0]):
        col_start[cols[e] + 1] += 1
    for c in range(n_cols):
        col_start[c + 1] += col_start[c]
    col_rows = np.empty(cols.shape[0], np.int64)
    col_edges = np.empty(cols.shape[0], np.int64)
    fill = col_start[:-1].copy()
    for r in range(n_rows):
        for e in range(start[r], start[r + 1]):
            col_rows[fill[cols[e]]] = r
            col_edges[fill[cols[e]]] = e
            fill[cols[e]] += 1
    freed = 0
    for r in range(n_rows):
        c = col_of_row[r]
        if c < 0:
            continue
        ok = False
        for e in range(start[r], start[r + 1]):
            if cols[e] == c:
                ok = True
                matched_weight[r] = weights[e]
                break
        if ok:
            u_r = matched_weight[r] - v[c]
            for e in range(start[r], start[r + 1]):
                if weights[e] - v[cols[e]] < u_r:
                    ok = False
                    break
        if not ok:
            col_of_row[r] = -1
            row_of_col[c] = -1
            freed += 1
    stack = np.empty(n_cols + n_rows + 1, np.int64)
    top = 0
    for c in range(n_cols):
        if row_of_col[c] < 0 and v[c] < 0:
            stack[top] = c
            top += 1
    while top > 0:
        top -= 1
        c = stack[top]
        if row_of_col[c] >= 0 or v[c] == 0:
            continue
        v[c] = 0
        for i in range(col_start[c], col_start[c + 1]):
            r = col_rows[i]
            mine = col_of_row[r]
            if mine < 0 or mine == c:
                continue
            if weights[col_edges[i]] - v[c] < matched_weight[r] - v[mine]:
                col_of_row[r] = -1
                row_of_col[mine] = -1
                freed += 1
                if v[mine] < 0:
                    stack[top] = mine
                    top += 1
    return freed


# --- the proof over the pairs the graph left out ----------------------------------------


@compiled
def improving(
    margin: int,
    by_workers: bool,
    start: I64,
    cols: I64,
    bound: I64,
    v: I64,
    col_of_row: I64,
    matched_weight: I64,
    remote_tasks: I64,
    tasks: Tasks,
    workers: Workers,
    rules: Rules,
    grid: Grid,
) -> tuple[I64, I64, I64, int]:
    """The usable pairs missing from the graph whose reduced cost weight − u − v is below
    `margin` (rows and grid as in `cheapest`). When none is below 0, the prices are
    feasible for every pair within the radius, so the matching is optimal over all of
    them, not only the graph's.

    Since v ≤ 0, a pair prices out only if its weight is below u + margin, which bounds how
    far apart its two ends can be (distance_bound); only that disk is searched, and only
    for rows whose limit passes the bound of what their graph already holds. Returns
    (row, column, weight, how many of them have a negative reduced cost)."""
    t_x, t_y = tasks[0], tasks[1]
    w_x, w_y, fairness = workers[0], workers[1], workers[12]
    n, m = t_x.shape[0], w_x.shape[0]
    rows, others = (m, n) if by_workers else (n, m)
    row_x, row_y = (w_x, w_y) if by_workers else (t_x, t_y)
    grid_order, grid_x, grid_y = grid[6], grid[7], grid[8]
    has_areas, area_start, boxes = workers[5], workers[6], workers[7]
    mark = np.full(others, -1, np.int64)
    out_r = np.empty(64, np.int64)
    out_c = np.empty(64, np.int64)
    out_weight = np.empty(64, np.int64)
    used = 0
    negative = 0
    for r in range(rows):
        u = matched_weight[r] - v[col_of_row[r]]
        limit = u + margin
        if limit <= bound[r]:
            continue  # every pair weighing under the limit is in the graph already
        reach = distance_bound(limit, rules)
        if reach < 0:
            continue  # not even a pair at one spot could beat it
        for e in range(start[r], start[r + 1]):
            if cols[e] < others:
                mark[cols[e]] = r
        n_remote = remote_tasks.shape[0] if by_workers else (m if np.isnan(t_x[r]) else 0)
        near = np.empty(0, np.int64)
        if not np.isnan(row_x[r]):
            near = disk(row_x[r], row_y[r], reach, grid)
        # The remote pairs first (index < n_remote), then the points near the row's.
        for index in range(n_remote + near.shape[0]):
            d = 0.0
            if index < n_remote:
                other = remote_tasks[index] if by_workers else index
            else:
                p = near[index - n_remote]
                d = np.hypot(row_x[r] - grid_x[p], row_y[r] - grid_y[p])
                if d > reach:
                    continue
                other = grid_order[p]
            if mark[other] == r:
                continue  # in the graph already
            t, w = (other, r) if by_workers else (r, other)
            weight = pair_weight(pair_units(d, fairness[w], rules), w, rules)
            reduced = weight - u - v[other]
            if reduced >= margin:
                continue
            code = pair_code(t, w, d, tasks, workers, rules)
            if has_areas[w]:
                code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
            if code != 0:
                continue
            if used == out_r.shape[0]:
                out_r = _grow(out_r, 2 * used)
                out_c = _grow(out_c, 2 * used)
                out_weight = _grow(out_weight, 2 * used)
            out_r[used] = r
            out_c[used] = other
            out_weight[used] = weight
            used += 1
            if reduced < 0:
                negative += 1
    return out_r[:used].copy(), out_c[:used].copy(), out_weight[:used].copy(), negative


# --- explanations, over every pair within the radius ------------------------------------


@compiled
def explain_tasks(
    worker_of_task: I64, tasks: Tasks, workers: Workers, rules: Rules, grid: Grid
) -> tuple[F64, I64, I64, F64, I64, I64]:
    """Every task's reasons, judged over every worker within the radius (not the graph).

    An assigned task: the nearest worker closer than the one chosen who could not take
    it, and why (ties: the lower rank); else the cheapest other usable worker (by the
    solve's own weights, so ties as the solve breaks them).
    An unassigned task: how many workers were in reach and how many had each code (code
    0: usable, so they went to other tasks).
    Returns (pickup distance, alternative or −1, its code, its distance, workers in reach,
    code counts)."""
    t_x, t_y = tasks[0], tasks[1]
    w_x, fairness = workers[0], workers[12]
    n, m = t_x.shape[0], w_x.shape[0]
    radius, size = rules[0], grid[2]
    grid_start, grid_order = grid[5], grid[6]
    grid_x, grid_y, grid_f = grid[7], grid[8], grid[9]
    nx, ny = grid[3], grid[4]
    pickup = np.zeros(n, np.float64)
    alt = np.full(n, -1, np.int64)
    alt_code = np.zeros(n, np.int64)
    alt_distance = np.zeros(n, np.float64)
    in_reach = np.zeros(n, np.int64)
    counts = np.zeros((n, N_CODES), np.int64)
    has_areas, area_start, boxes = workers[5], workers[6], workers[7]
    for t in range(n):
        a = worker_of_task[t]
        remote = np.isnan(t_x[t])
        if a < 0:
            if remote:
                for w in range(m):
                    code = pair_code(t, w, 0.0, tasks, workers, rules)
                    if has_areas[w]:
                        code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
                    counts[t, code] += 1
                in_reach[t] = m
                continue
            for p in disk(t_x[t], t_y[t], radius, grid):
                d = np.hypot(t_x[t] - grid_x[p], t_y[t] - grid_y[p])
                if d <= radius:
                    w = grid_order[p]
                    in_reach[t] += 1
                    code = pair_code(t, w, d, tasks, workers, rules)
                    if has_areas[w]:
                        code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
                    counts[t, code] += 1
            continue
        d_a = distance(t, a, tasks, workers)
        pickup[t] = d_a
        best = -1
        best_d = np.inf
        if not remote:
            for p in disk(t_x[t], t_y[t], d_a, grid):
                d = np.hypot(t_x[t] - grid_x[p], t_y[t] - grid_y[p])
                w = grid_order[p]
                if d >= d_a or d > best_d or (d == best_d and w > best):
                    continue
                code = pair_code(t, w, d, tasks, workers, rules)
                if has_areas[w]:
                    code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
                if code != 0:
                    best, best_d, alt_code[t] = w, d, code
        if best >= 0:
            alt[t], alt_distance[t] = best, best_d
            continue
        best_weight: int = int(INF)
        if remote:
            for w in range(m):
                if w == a:
                    continue
                weight = pair_weight(pair_units(0.0, fairness[w], rules), w, rules)
                if weight < best_weight:
                    code = pair_code(t, w, 0.0, tasks, workers, rules)
                    if has_areas[w]:
                        code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
                    if code == 0:
                        best, best_d, best_weight = w, 0.0, weight
        else:
            cx, cy = home_cell(t_x[t], t_y[t], grid)
            near2 = _squared(radius)
            rho = 0
            while (rho - 1) * size <= radius:
                if best >= 0 and rho >= 1 and (rho - 1) * size > distance_bound(best_weight, rules):
                    break
                if rho > max(nx, ny):
                    break  # past every cell
                for q in range(ring_size(rho)):
                    c = ring_cell(cx, cy, rho, q, nx, ny)
                    if c < 0:
                        continue
                    for p in range(grid_start[c], grid_start[c + 1]):
                        dx, dy = t_x[t] - grid_x[p], t_y[t] - grid_y[p]
                        if dx * dx + dy * dy > near2:
                            continue
                        w = grid_order[p]
                        if w == a:
                            continue
                        d = np.hypot(dx, dy)
                        if d > radius:
                            continue
                        weight = pair_weight(pair_units(d, grid_f[p], rules), w, rules)
                        if weight < best_weight:
                            code = pair_code(t, w, d, tasks, workers, rules)
                            if has_areas[w]:
                                code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
                            if code == 0:
                                best, best_d, best_weight = w, d, weight
                rho += 1
        if best >= 0:
            alt[t], alt_distance[t] = best, best_d
    return pickup, alt, alt_code, alt_distance, in_reach, counts


@compiled
def explain_workers(
    task_of_worker: I64,
    remote_tasks: I64,
    tasks: Tasks,
    workers: Workers,
    rules: Rules,
    task_grid: Grid,
) -> tuple[I64, NDArray[np.bool_], I64]:
    """Every rested idle worker's reasons over every task within the radius and every
    remote task: (tasks in reach, whether one of them was usable, code counts). The search
    stops at the first usable task, so the counts are complete only when none was."""
    w_x, w_y, rested = workers[0], workers[1], workers[11]
    m = w_x.shape[0]
    radius, size = rules[0], task_grid[2]
    near2 = _squared(radius)
    grid_start, grid_order = task_grid[5], task_grid[6]
    grid_x, grid_y = task_grid[7], task_grid[8]
    nx, ny = task_grid[3], task_grid[4]
    in_reach = np.zeros(m, np.int64)
    any_usable = np.zeros(m, np.bool_)
    counts = np.zeros((m, N_CODES), np.int64)
    t_x, t_y = tasks[0], tasks[1]
    has_areas, area_start, boxes = workers[5], workers[6], workers[7]
    for w in range(m):
        if task_of_worker[w] >= 0 or not rested[w]:
            continue
        for t in remote_tasks:
            code = pair_code(t, w, 0.0, tasks, workers, rules)
            if has_areas[w]:
                code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
            in_reach[w] += 1
            counts[w, code] += 1
            if code == 0:
                any_usable[w] = True
                break
        if any_usable[w] or np.isnan(w_x[w]):
            continue
        # Nearest cells first: a usable task is usually close, and the search stops there.
        cx, cy = home_cell(w_x[w], w_y[w], task_grid)
        rho = 0
        while (rho - 1) * size <= radius and not any_usable[w]:
            if rho > max(nx, ny):
                break  # past every cell
            for q in range(ring_size(rho)):
                c = ring_cell(cx, cy, rho, q, nx, ny)
                if c < 0:
                    continue
                for p in range(grid_start[c], grid_start[c + 1]):
                    dx, dy = grid_x[p] - w_x[w], grid_y[p] - w_y[w]
                    if dx * dx + dy * dy > near2:
                        continue
                    t = grid_order[p]
                    d = np.hypot(dx, dy)
                    if d > radius:
                        continue
                    code = pair_code(t, w, d, tasks, workers, rules)
                    if has_areas[w]:
                        code = with_areas(code, t_x[t], t_y[t], w, area_start, boxes)
                    in_reach[w] += 1
                    counts[w, code] += 1
                    if code == 0:
                        any_usable[w] = True
                        break
                if any_usable[w]:
                    break
            rho += 1
    return in_reach, any_usable, counts
