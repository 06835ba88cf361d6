"""What a worker's files say, normalised into four tables — trips, payments, online
sessions and penalties — one row per row read, each with the file and line it came from;
and every row that could not be read, with why. Plain data, no Django.

The tables are columns (pandas data frames), not an object per row: an export of a few
years holds a million rows, and the figures are sums over them. Times are kept twice:
`*_at` is the instant in UTC (for durations and order), `*_local` the wall clock where the
work happened (for ISO weeks and years). Money is in minor units of the row's currency.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

PaymentKind = Literal["fare", "tip", "commission", "tax", "bonus", "fee", "other"]
SessionState = Literal["open", "enroute", "ontrip", "offline"]

TIME = "datetime64[us]"
# Each table's columns and their types. Optional money is a nullable integer (<NA>
# where the file does not say); optional times are NaT.
TRIPS: dict[str, str] = {
    "file": "object",
    "line": "int64",
    "ended_at": TIME,  # the drop-off, delivery or invoice time
    "ended_local": TIME,
    "began_at": TIME,  # the pick-up or start of work
    "requested_at": TIME,  # the offer or request, where known
    "distance_km": "float64",
    "currency": "object",
    "customer_paid_minor": "Int64",  # what the customer paid, before any tip
    "worker_paid_minor": "Int64",  # what the platform paid the worker, before tips
    "fee_minor": "Int64",  # what the platform kept, where the row says it
    "tip_minor": "int64",
    "bonus_minor": "int64",
    "hours": "float64",  # hours of work stated (hourly contracts), not timed
    "status": "object",
}
PAYMENTS: dict[str, str] = {
    "file": "object",
    "line": "int64",
    "at": TIME,
    "at_local": TIME,
    "amount_minor": "int64",  # positive: to the worker; negative: taken from them
    "kind": "object",  # a PaymentKind
    "currency": "object",
    "classification": "object",
}
SESSIONS: dict[str, str] = {
    "file": "object",
    "line": "int64",
    "state": "object",  # a SessionState
    "begin_at": TIME,
    "begin_local": TIME,
    "end_at": TIME,
}
PENALTIES: dict[str, str] = {
    "file": "object",
    "line": "int64",
    "at": TIME,
    "at_local": TIME,
    "kind": "object",
}


def table(schema: dict[str, str], columns: dict[str, object] | None = None) -> pd.DataFrame:
    """A table with exactly the schema's columns, in its order and types. `columns` gives
    their values: arrays of one length, or a scalar for every row; a column not given is
    empty (None, NaT, <NA>, NaN), or 0 for counts and money."""
    given = columns or {}
    length = next((len(v) for v in given.values() if isinstance(v, np.ndarray | list)), 0)
    data = {}
    for name, dtype in schema.items():
        value = given.get(name)
        if value is None:
            value = {"int64": np.zeros(length), "float64": np.full(length, np.nan)}.get(
                dtype, [None] * length
            )
        elif not isinstance(value, np.ndarray | list):
            value = [value] * length
        data[name] = pd.Series(value, dtype=dtype)
    return pd.DataFrame(data)


@dataclass(frozen=True)
class Rejection:
    """One row not read. `message` is the reason in English with %(name)s placeholders
    (marked for translation where it is written); `params` fills them."""

    file: str
    line: int
    message: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.message % self.params if self.params else self.message


@dataclass
class Imported:
    """Everything read from one worker's files."""

    platforms: set[str] = field(default_factory=set)
    formats: dict[str, str] = field(default_factory=dict)  # file → format read
    trips: pd.DataFrame = field(default_factory=lambda: table(TRIPS))
    payments: pd.DataFrame = field(default_factory=lambda: table(PAYMENTS))
    sessions: pd.DataFrame = field(default_factory=lambda: table(SESSIONS))
    penalties: pd.DataFrame = field(default_factory=lambda: table(PENALTIES))
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0

    def extend(self, other: Imported) -> None:
        self.platforms |= other.platforms
        self.formats.update(other.formats)
        self.trips = _concat(self.trips, other.trips)
        self.payments = _concat(self.payments, other.payments)
        self.sessions = _concat(self.sessions, other.sessions)
        self.penalties = _concat(self.penalties, other.penalties)
        self.rejections += other.rejections
        self.rows_read += other.rows_read


def _concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    if b.empty:
        return a
    if a.empty:
        return b
    return pd.concat([a, b], ignore_index=True)


@contextlib.contextmanager
def cycles_uncollected() -> Iterator[None]:
    """Python's cycle collector paused: reading a file makes millions of small lists and
    strings, none in a cycle, and the collector would walk them all again and again
    (it more than doubled the time of reading an export)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
