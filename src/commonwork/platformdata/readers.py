"""Reading what platforms hand their workers: Uber's subject-access export and its
self-serve download (drivers and Eats couriers), Upwork's transactions, Argyle-shaped
activity JSON, and the co-op's manual template (docs/import.md lists every column).

Every file is read by its columns' names, never by position. The dialect is sniffed
with CleverCSV on the file's first lines, then the standard `csv` module reads the rest;
a header repeated mid-file (exports concatenated) is passed over. Each column is then
converted whole — times by pandas, amounts by `float` with a careful fallback — because
an export of a few years holds a million rows. Every row that cannot be read is reported
with its line and why (a sentence marked for translation, with the offending value); a
file of no known shape is refused naming the shapes expected. No Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import clevercsv
import numpy as np
import numpy.typing as npt
import pandas as pd
from dateutil import parser as dateparser

from commonwork.core.marks import N_
from commonwork.platformdata.records import (
    PAYMENTS,
    PENALTIES,
    SESSIONS,
    TIME,
    TRIPS,
    Imported,
    PaymentKind,
    Rejection,
    SessionState,
    cycles_uncollected,
    table,
)

MILE_KM = 1.609344
SNIFF_BYTES = 20_000

Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Times = npt.NDArray[np.datetime64]
Texts = npt.NDArray[np.object_]  # a column's cells: Python strings in a NumPy array
Cells = Sequence[str] | Texts

SPACES = (" ", "\t", "\r", "\n", "\xa0", "\u3000")


def joined(values: Cells) -> str:
    """A column's cells in one string, each followed by NUL (which no text cell holds):
    whole-column questions ("does any cell end in Z?") become fast substring searches."""
    return "\x00".join(values) + "\x00"


def texts(values: Cells) -> Texts:
    """Cells as an array of strings, with the spaces around each taken away. Most columns
    (times, amounts, codes) hold no space at all: one search of the joined column says
    so, and then no cell is copied."""
    whole = joined(values)
    if any(c in whole for c in SPACES):
        values = [v.strip() for v in values]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def blank(values: Texts) -> Mask:
    out: Mask = values == ""
    return out


class UnknownFormatError(ValueError):
    """A file whose columns match no format this reader knows. `message` and `params`
    say it for the page, as a Rejection does; str() says it in English with the formats
    expected."""

    def __init__(self, message: str, **params: str) -> None:
        self.message = message
        self.params = params
        expected = "; ".join(label for _, label, _, _ in FORMATS)
        super().__init__(f"{message % params} Expected one of: {expected}; or Argyle-shaped JSON.")


# --- values -------------------------------------------------------------------------


@functools.cache
def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


# A time with an offset: the wall clock (with at least hours and minutes), then `Z` or ±hh[:mm].
_OFFSET = re.compile(r"^(.*\d:\d\d(?::\d\d(?:[.,]\d+)?)?)\s*(Z|[+-]\d\d(?::?\d\d)?)$")


def _offset_seconds(text: str) -> float:
    if text == "Z":
        return 0.0
    digits = text[1:].replace(":", "")
    seconds = int(digits[:2]) * 3600 + (int(digits[2:4]) * 60 if len(digits) > 2 else 0)
    return float(-seconds if text[0] == "-" else seconds)


def _one_time(text: str) -> tuple[dt.datetime, float] | None:
    """Any other way of writing a time, by dateutil: its wall clock and offset (NaN
    without one); None if it is not a time."""
    try:
        moment: dt.datetime = dateparser.parse(text)
    except (ValueError, OverflowError):
        return None
    offset = moment.utcoffset()
    return moment.replace(tzinfo=None), math.nan if offset is None else offset.total_seconds()


def parse_times(values: Texts) -> tuple[Times, Floats, Mask]:
    """Times as written: each one's wall clock, its offset in seconds (NaN where none is
    written) and whether it could not be read. Blank cells are NaT, not errors.

    ISO 8601 is read by pandas for the whole column; Uber's exports end every time in `Z`
    (the fast case). Anything else ("Mar 2, 2026", "2023-01-05 14:03:11 +0000") is read
    one by one by dateutil."""
    n = len(values)
    cleaned, whole = values, joined(values)
    if " UTC\x00" in whole:
        cleaned = texts([v.removesuffix(" UTC") for v in values])
        whole = joined(cleaned)
    empty = blank(cleaned)
    offsets = np.full(n, math.nan)
    if whole.count("Z\x00") == n - int(empty.sum()):
        parsed = pd.to_datetime(pd.Series(cleaned), format="ISO8601", errors="coerce", utc=True)
        wall = pd.DatetimeIndex(parsed).tz_localize(None)
        offsets[~empty] = 0.0
    else:
        listed = cleaned.tolist()
        matches = [_OFFSET.match(t) for t in listed]
        walls = [m.group(1) if m else t for m, t in zip(matches, listed, strict=True)]
        for i, m in enumerate(matches):
            if m:
                offsets[i] = _offset_seconds(m.group(2))
        wall = pd.DatetimeIndex(pd.to_datetime(walls, format="ISO8601", errors="coerce"))
    out = np.array(wall.to_numpy(dtype=TIME))  # writable: dateutil fills what pandas left
    unread = np.isnat(out) & ~empty
    for row in np.flatnonzero(unread):
        found = _one_time(str(cleaned[row]))
        if found is not None:
            out[row] = np.datetime64(found[0], "us")
            offsets[row] = found[1]
            unread[row] = False
    return out, offsets, unread


def localize(wall: Times, zones: tuple[npt.NDArray[np.intp], list[str]]) -> tuple[Times, Mask]:
    """Wall-clock times, each in its row's zone (`zones`: each row's code into a list of
    zone names), as UTC instants; and the rows whose zone is unknown. An hour that happens
    twice (clocks going back) is read as the first; a time the clocks skip, with the
    offset before the change — as `zoneinfo` does."""
    codes, names = zones
    out = np.full(len(wall), np.datetime64("NaT"), dtype=TIME)
    unknown = np.zeros(len(wall), bool)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    for k, name in enumerate(names):
        rows = order[bounds[k] : bounds[k + 1]]
        where = zone(name)
        if where is None:
            unknown[rows] = True
            continue
        index = pd.DatetimeIndex(wall[rows]).tz_localize(
            where, ambiguous=np.ones(len(rows), bool), nonexistent=pd.Timedelta(hours=1)
        )
        out[rows] = index.tz_convert("UTC").tz_localize(None).to_numpy(dtype=TIME)
    return out, unknown


def zone_codes(names: Texts) -> tuple[npt.NDArray[np.intp], list[str]]:
    codes, distinct = pd.factorize(names)
    return np.asarray(codes, dtype=np.intp), [str(z) for z in distinct]


_NUMBER = re.compile(r"[^\d.\-+eE]")


def _decimal(text: str) -> Decimal | None:
    """A number as accountants and spreadsheets write it: thousands separators, currency
    signs, negatives in brackets."""
    raw = text.strip()
    negative = raw.startswith("(") and raw.endswith(")")
    cleaned = _NUMBER.sub("", raw.replace(",", "") if raw.count(".") <= 1 else raw)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return -value if negative else value


def parse_numbers(values: Texts) -> tuple[Floats, Mask]:
    """Numbers (NaN where blank) and the cells that are not numbers."""
    empty = blank(values)
    try:  # NumPy reads a whole column of plain numbers at once
        out = np.where(empty, "nan", values).astype(np.float64)
    except ValueError:
        out = np.full(len(values), math.nan)
        for i in np.flatnonzero(~empty):
            found = _decimal(str(values[i]))
            out[i] = math.nan if found is None else float(found)
    bad = ~empty & ~np.isfinite(out)
    out[bad] = math.nan
    return out, bad


def to_minor(values: Texts, numbers: Floats) -> Floats:
    """Amounts in minor units (NaN kept). Exact: a value with a fraction of a cent is
    rounded from its decimal text, half to even, not from the float."""
    cents = np.round(numbers * 100)
    fraction = np.abs(numbers * 100 - cents) > 1e-6
    for i in np.flatnonzero(fraction):
        found = _decimal(str(values[i]))
        if found is not None:
            cents[i] = float((found * 100).to_integral_value())
    return cents


def payment_kind(classification: str) -> PaymentKind:
    """Uber's payment classifications, grouped: the fare and its parts, tips, the
    platform's commission, taxes, bonuses and promotions, fees, anything else."""
    c = classification.strip().lower()
    if c.endswith("tip") or ".tip." in c:
        return "tip"
    if "commission" in c:
        return "commission"
    if ".tax" in c or c.startswith("tax"):
        return "tax"
    if any(word in c for word in ("promotion", "incentive", "bonus", "quest", "boost")):
        return "bonus"
    if ".fare" in c or c.startswith("fare"):
        return "fare"
    if "fee" in c:
        return "fee"
    return "other"


def each_distinct(values: Texts, convert: Callable[[str], Any]) -> npt.NDArray[Any]:
    """`convert` applied to each distinct value once (a column of states or currencies
    holds a handful, repeated a million times)."""
    codes, distinct = pd.factorize(values)
    converted = np.empty(len(distinct) + 1, dtype=object)
    converted[:-1] = [convert(str(v)) for v in distinct]
    return converted[np.asarray(codes)]  # a missing value (-1) takes the last, None


# --- tables -------------------------------------------------------------------------


def canonical(name: str) -> str:
    """A column's name as the readers look it up: lower case, spaces as underscores,
    without the `_local` suffix (the subject-access export adds it, the download not)."""
    key = re.sub(r"[\s\-]+", "_", name.strip().lower().lstrip("\ufeff"))
    return key.removesuffix("_local")


def sniff(text: str) -> csv.Dialect | type[csv.Dialect]:
    sample = text[:SNIFF_BYTES]
    if "\n" in sample and len(text) > SNIFF_BYTES:
        sample = sample[: sample.rfind("\n")]
    try:
        found = clevercsv.Sniffer().sniff(sample, delimiters=[",", ";", "\t", "|"])
    except clevercsv.Error:
        found = None
    if found is None or len(found.delimiter or "") != 1:  # one column: any delimiter will do
        return csv.excel
    dialect: csv.Dialect = found.to_csv_dialect()
    return dialect


class Table:
    """A file's rows by column: each canonical column name to its cells, and each row's
    line in the file."""

    def __init__(
        self,
        name: str,
        header: list[str],
        lines: Sequence[int] | npt.NDArray[np.int64],
        cells: Sequence[Cells],
    ):
        self.name = name
        self.header = header
        self.lines = np.asarray(lines, dtype=np.int64)
        self.cells: dict[str, Cells] = (
            dict(zip(header, cells, strict=True)) if cells else dict.fromkeys(header, ())
        )
        self.repeated_headers = 0
        self.kept_rows: npt.NDArray[np.intp] | None = None
        self.stripped: set[str] = set()

    @classmethod
    def from_csv(cls, name: str, text: str) -> Table:
        dialect = sniff(text)
        columns = _csv_columns(text, dialect)
        rows = len(columns[0]) if columns else 0
        if rows == text.count("\n") + (not text.endswith("\n")):
            lines = np.arange(1, rows + 1)
        else:  # a quoted cell spans lines: find where each row starts
            reader = csv.reader(io.StringIO(text), dialect)
            lines = np.asarray([reader.line_num - cells_lines(r) + 1 for r in reader], np.int64)
        # A blank row has a blank first cell: only those rows are asked about the rest.
        filled = np.ones(rows, bool)
        if columns:
            maybe_blank = np.flatnonzero(columns[0] == "")
            filled[maybe_blank] = [any(c[i] for c in columns) for i in maybe_blank]
        start = int(np.argmax(filled)) if filled.any() else rows
        if start == rows:
            return cls(name, [], [], [])
        raw_header = [str(column[start]) for column in columns]
        header = [canonical(c) for c in raw_header]
        found = cls(name, header, lines[start + 1 :], [c[start + 1 :] for c in columns])
        # Passed over: blank rows, and the header repeated where two exports were glued.
        # Only a row whose first cell is blank or the header's can be one (cheap to ask).
        body = [c[start + 1 :] for c in columns]
        first = body[0]
        dropped = [
            i
            for i in np.flatnonzero((first == "") | (first == raw_header[0]))
            if not filled[start + 1 + i] or [canonical(str(c[i])) for c in body] == header
        ]
        found.repeated_headers = sum(1 for i in dropped if filled[start + 1 + i])
        if dropped:
            kept = np.ones(len(first), bool)
            kept[dropped] = False
            found.keep(np.flatnonzero(kept))
        return found

    def keep(self, rows: npt.NDArray[np.intp]) -> None:
        """Only these rows from now on (each column is cut when it is first read)."""
        for name in self.stripped:
            self.cells[name] = self._column(name)[rows]
        self.lines = self.lines[rows]
        self.kept_rows = rows

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def columns(self) -> set[str]:
        return set(self.header)

    def values(self, *names: str) -> Texts:
        """The first of these columns the file has, each cell without the spaces around
        it; where a row's cell is blank, the next column's ("" where none has one)."""
        present = [n for n in names if n in self.cells]
        if not present:
            return texts([""] * len(self))
        out = self._column(present[0])
        for name in present[1:]:
            out = np.where(blank(out), self._column(name), out)
        return out

    def _column(self, name: str) -> Texts:
        if name in self.stripped:
            return cast(Texts, self.cells[name])
        column = texts(self.cells[name])
        if self.kept_rows is not None:
            column = column[self.kept_rows]
        self.cells[name] = column
        self.stripped.add(name)
        return column


def _csv_columns(text: str, dialect: csv.Dialect | type[csv.Dialect]) -> list[Texts]:
    """A CSV file's cells, column by column, every row as long as the longest (short rows
    filled with ""). pandas' C parser reads it whole; a file whose rows are longer than
    its first is read again by the csv module, row by row."""
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            sep=dialect.delimiter,
            quotechar=dialect.quotechar or '"',
            quoting=dialect.quoting,
            doublequote=dialect.doublequote,
            escapechar=dialect.escapechar,
        )
    except pd.errors.EmptyDataError:
        return []
    except pd.errors.ParserError:
        rows = list(csv.reader(io.StringIO(text), dialect))
        width = max(len(r) for r in rows)
        rows = [r if len(r) == width else r + [""] * (width - len(r)) for r in rows]
        return [np.asarray(c, dtype=object) for c in zip(*rows, strict=True)]
    return [frame[c].to_numpy(dtype=object) for c in frame.columns]


def cells_lines(cells: list[str]) -> int:
    """How many lines a row spans: one, and one more for each line break in its cells."""
    return 1 + sum(c.count("\n") for c in cells)


def time_column(header: list[str], *words: str) -> str | None:
    """The timestamp column whose name holds all these words (e.g. "begin", "trip")."""
    for name in header:
        timed = "timestamp" in name or name.endswith(("_at", "_time"))
        if timed and all(word in name for word in words):
            return name
    return None


Offsets = Literal["dropped_where_zoned", "dropped", "kept"]


class Rows:
    """A table's rows as they are read: columns converted whole, and each row's first
    failure kept as the reason it is rejected."""

    def __init__(self, t: Table, default: ZoneInfo, offsets: Offsets = "dropped_where_zoned"):
        self.table = t
        self.n = len(t)
        self.reasons: dict[int, tuple[str, dict[str, str]]] = {}
        self.skipped = np.zeros(self.n, bool)
        self.offsets = offsets
        zoned = t.values("timezone", "time_zone", "tz")
        self.has_zone = ~blank(zoned)
        self.zones = zone_codes(np.where(self.has_zone, zoned, default.key))

    def reject(self, mask: Mask, message: str, values: Cells | None = None) -> None:
        for i in np.flatnonzero(mask):
            if int(i) not in self.reasons:
                value = {} if values is None else {"value": repr(str(values[int(i)]))}
                self.reasons[int(i)] = (message, value)

    def skip(self, mask: Mask) -> None:
        self.skipped |= mask

    def text(self, *names: str) -> Texts:
        return self.table.values(*names)

    def time(self, name: str | None, *, required: str | None = None) -> tuple[Times, Times]:
        """A column's times: the UTC instant and the wall clock. Blank cells are NaT, or
        rejected with `required`; a cell that is not a time is rejected."""
        if name is None:
            empty = np.full(self.n, np.datetime64("NaT"), dtype=TIME)
            if required is not None:
                self.reject(np.ones(self.n, bool), required)
            return empty, empty
        cells = self.table.values(name)
        wall, offsets, unread = parse_times(cells)
        self.reject(unread, N_("not a time: %(value)s"), cells)
        if required is not None:
            self.reject(blank(cells), required)
        if self.offsets == "kept":
            keep = ~np.isnan(offsets)
        elif self.offsets == "dropped":
            keep = np.zeros(self.n, bool)
        else:  # Uber's `*_local` times: the row's zone says where; its `Z` is false
            keep = ~np.isnan(offsets) & ~self.has_zone
        instants, unknown = localize(wall, self.zones)
        codes, names = self.zones
        self.reject(unknown, N_("unknown time zone %(value)s"), texts(names)[codes])
        given = wall - (np.nan_to_num(offsets) * 1e6).astype("timedelta64[us]")
        return np.where(keep, given, instants), wall

    def number(self, *names: str, invalid: str, required: str | None = None) -> Floats:
        cells = self.table.values(*names)
        numbers, bad = parse_numbers(cells)
        self.reject(bad, invalid, cells)
        if required is not None:
            self.reject(blank(cells), required)
        return numbers

    def minor(self, *names: str, invalid: str, required: str | None = None) -> Floats:
        cells = self.table.values(*names)
        return to_minor(cells, self.number(*names, invalid=invalid, required=required))

    def kept(self) -> Mask:
        kept = ~self.skipped
        kept[list(self.reasons)] = False
        return kept

    def imported(self, platforms: set[str], **tables: dict[str, object]) -> Imported:
        """What was read: each table's kept rows, and every rejected row, in line order."""
        kept = self.kept()
        schemas = {
            "trips": TRIPS,
            "payments": PAYMENTS,
            "sessions": SESSIONS,
            "penalties": PENALTIES,
        }
        out = Imported(platforms=platforms, rows_read=self.n)
        for key, columns in tables.items():
            base = {"file": self.table.name, "line": self.table.lines}
            chosen = {
                name: value[kept] if isinstance(value, np.ndarray) else value
                for name, value in {**base, **columns}.items()
            }
            setattr(out, key, table(schemas[key], chosen))
        out.rejections = [
            Rejection(self.table.name, int(self.table.lines[i]), message, params)
            for i, (message, params) in sorted(self.reasons.items())
        ]
        return out


# --- the formats --------------------------------------------------------------------


def uber_trips(t: Table, default: ZoneInfo, platform: str) -> Imported:
    """Lifetime trips (driver or Eats courier), from the subject-access export or the
    download: fares, distance, the request, begin and drop-off times."""
    request = time_column(t.header, "request")
    begin = time_column(t.header, "begin") or time_column(t.header, "pickup")
    dropoff = time_column(t.header, "dropoff") or time_column(t.header, "end")
    if dropoff is None:
        raise UnknownFormatError(
            N_("%(file)s: a trips file needs a drop-off time column."), file=t.name
        )
    rows = Rows(t, default)
    status = each_distinct(rows.text("status"), str.lower)
    status = np.where(status == "", "completed", status)
    completed = status == "completed"
    no_dropoff = blank(t.values(dropoff))
    rows.skip(no_dropoff & ~completed)  # cancelled or unfulfilled: nothing earned
    rows.reject(no_dropoff & completed, N_("a completed trip without a drop-off time"))
    ended, ended_local = rows.time(dropoff)
    began = rows.time(begin)[0]
    asked = rows.time(request)[0]
    invalid_distance = N_("the distance is not a number: %(value)s")
    miles = rows.number("trip_distance_miles", "distance_miles", invalid=invalid_distance)
    km = rows.number("trip_distance_km", "distance_km", invalid=invalid_distance)
    distance = np.where(np.isnan(km), np.nan_to_num(miles) * MILE_KM, km)
    rows.reject(distance < 0, N_("a negative distance"))
    customer = rows.minor(
        "original_fare", "customer_fare", "fare", invalid=N_("the fare is not a number: %(value)s")
    )
    worker = rows.minor(
        "driver_upfront_fare",
        "courier_upfront_fare",
        "upfront_fare",
        "earnings",
        invalid=N_("the worker's fare is not a number: %(value)s"),
    )
    fee = rows.minor("service_fee", invalid=N_("the service fee is not a number: %(value)s"))
    booking = np.nan_to_num(
        rows.minor("booking_fee", invalid=N_("the booking fee is not a number: %(value)s"))
    )
    rate = rows.number(
        "courier_commission_rate", invalid=N_("the commission rate is not a number: %(value)s")
    )
    from_rate = np.isnan(worker) & ~np.isnan(customer) & ~np.isnan(rate)
    worker = np.where(from_rate, customer - np.round(customer * np.nan_to_num(rate)), worker)
    currency = each_distinct(rows.text("currency_code", "currency"), str.upper)
    return rows.imported(
        {platform},
        trips={
            "ended_at": ended,
            "ended_local": ended_local,
            "began_at": began,
            "requested_at": asked,
            "distance_km": distance,
            "currency": currency,
            "customer_paid_minor": customer + booking,
            "worker_paid_minor": worker,
            "fee_minor": np.abs(fee) + np.abs(booking),
            "tip_minor": 0,
            "bonus_minor": 0,
            "status": status,
        },
    )


def uber_payments(t: Table, default: ZoneInfo, platform: str) -> Imported:
    when = time_column(t.header, "recognize") or time_column(t.header)
    rows = Rows(t, default)
    at, at_local = rows.time(when, required=N_("a payment without its time"))
    classification = rows.text("classification")
    rows.reject(blank(classification), N_("a payment without a classification"))
    amount = rows.minor(
        "amount",
        "local_amount",
        invalid=N_("the amount is not a number: %(value)s"),
        required=N_("the amount is missing"),
    )
    return rows.imported(
        {platform},
        payments={
            "at": at,
            "at_local": at_local,
            "amount_minor": np.nan_to_num(amount).astype(np.int64),
            "kind": each_distinct(classification, payment_kind),
            "currency": each_distinct(rows.text("currency_code", "currency"), str.upper),
            "classification": classification,
        },
    )


STATES: dict[str, SessionState] = {
    "open": "open",
    "online": "open",
    "available": "open",
    "enroute": "enroute",
    "en_route": "enroute",
    "dispatched": "enroute",
    "ontrip": "ontrip",
    "on_trip": "ontrip",
    "offline": "offline",
}


def uber_online(t: Table, default: ZoneInfo, platform: str) -> Imported:
    begin = time_column(t.header, "begin") or time_column(t.header, "start")
    end = time_column(t.header, "end")
    rows = Rows(t, default)
    named = rows.text("earner_state", "state")
    state = each_distinct(named, lambda s: STATES.get(canonical(s)))
    unknown = np.fromiter((s is None for s in state), bool, rows.n)
    rows.reject(unknown, N_("unknown state %(value)s"), named)
    start, start_local = rows.time(begin, required=N_("a session without its begin time"))
    stop = rows.time(end)[0]
    no_end = np.isnat(stop)
    if no_end.any():
        ms = rows.number("duration_ms", invalid=N_("the duration is not a number: %(value)s"))
        rows.reject(no_end & np.isnan(ms), N_("a session without its end or duration"))
        stop = np.where(no_end, start + np.nan_to_num(ms * 1000).astype("timedelta64[us]"), stop)
    rows.reject(stop < start, N_("ends before it begins"))
    return rows.imported(
        {platform},
        sessions={"state": state, "begin_at": start, "begin_local": start_local, "end_at": stop},
    )


def uber_restrictions(t: Table, default: ZoneInfo, platform: str) -> Imported:
    rows = Rows(t, default)
    at, at_local = rows.time(time_column(t.header), required=N_("a restriction without its time"))
    kind = rows.text("restriction_reason", "reason", "restriction_type", "type", "restriction")
    rows.reject(blank(kind), N_("a restriction without its reason"))
    return rows.imported({platform}, penalties={"at": at, "at_local": at_local, "kind": kind})


def uber_dispatches(t: Table, default: ZoneInfo, platform: str) -> Imported:
    """Offers and accepts by the hour: nothing the figures need beyond what the trips and
    sessions say, so the rows are counted and checked, not kept."""
    rows = Rows(t, default)
    for name in t.header:
        if name.startswith(("offers", "rejections", "accepts", "minutes")):
            rows.number(name, invalid=N_("not a number: %(value)s"))
    return rows.imported({platform})


_HOURS = re.compile(r"(\d+):(\d{2})\s*hrs?", re.IGNORECASE)
_DECIMAL_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:hrs?|hours?)\b", re.IGNORECASE)


def upwork_hours(description: str) -> float | None:
    found = _HOURS.search(description)
    if found:
        return int(found.group(1)) + int(found.group(2)) / 60
    found = _DECIMAL_HOURS.search(description)
    return float(found.group(1)) if found else None


UPWORK_WORK = {"hourly", "fixed price", "fixed-price", "milestone"}
UPWORK_MOVES = {"withdrawal", "withdrawal fee", "transfer", "payment"}  # not earned


def upwork(t: Table, default: ZoneInfo, platform: str = "upwork") -> Imported:
    """Upwork's transactions: hourly and fixed-price earnings, their service fees, bonuses,
    withdrawals (not earnings). Fixed-price work states no hours: the worker adds them.
    Each is dated at noon of its day where the worker lives."""
    rows = Rows(t, default, offsets="dropped")
    rows.zones = zone_codes(texts([default.key] * rows.n))
    kind = each_distinct(rows.text("type"), str.lower)
    cells = t.values("date")
    wall, _, unread = parse_times(cells)
    rows.reject(unread, N_("not a time: %(value)s"), cells)
    rows.reject(blank(cells), N_("a transaction without its date"))
    noon = cast(Times, wall.astype("datetime64[D]").astype(TIME) + np.timedelta64(12, "h"))
    when, _ = localize(noon, rows.zones)
    amount = np.nan_to_num(
        rows.minor(
            "amount",
            invalid=N_("the amount is not a number: %(value)s"),
            required=N_("the amount is missing"),
        )
    ).astype(np.int64)
    currency = each_distinct(rows.text("currency"), lambda c: c.upper() or "USD")
    is_fee = each_distinct(kind, lambda k: "fee" in k).astype(bool)
    is_work = np.isin(kind, list(UPWORK_WORK)) & ~is_fee
    is_bonus = each_distinct(kind, lambda k: "bonus" in k).astype(bool) & ~is_fee & ~is_work
    moved = np.isin(kind, list(UPWORK_MOVES)) & ~is_fee
    rows.skip(moved)
    rows.reject(
        ~(is_fee | is_work | is_bonus | moved), N_("unknown transaction type %(value)s"), kind
    )
    hours = np.array(
        [
            upwork_hours(d) if k == "hourly" else None
            for k, d in zip(kind.tolist(), t.values("description").tolist(), strict=True)
        ],
        dtype=np.float64,
    )
    kept = rows.kept()
    out = rows.imported({platform})
    work, pay = kept & is_work, kept & (is_fee | is_bonus)
    lines = t.lines
    out.trips = table(
        TRIPS,
        {
            "file": t.name,
            "line": lines[work],
            "ended_at": when[work],
            "ended_local": noon[work],
            "currency": currency[work],
            "distance_km": 0.0,
            "customer_paid_minor": amount[work],
            "worker_paid_minor": amount[work],
            "tip_minor": 0,
            "bonus_minor": 0,
            "hours": hours[work],
            "status": "completed",
        },
    )
    out.payments = table(
        PAYMENTS,
        {
            "file": t.name,
            "line": lines[pay],
            "at": when[pay],
            "at_local": noon[pay],
            "amount_minor": amount[pay],
            "kind": np.where(is_fee, "fee", "bonus")[pay].astype(object),
            "currency": currency[pay],
            "classification": kind[pay],
        },
    )
    return out


def manual(t: Table, default: ZoneInfo, platform: str = "") -> Imported:
    """The co-op's template for any other platform (docs/import.md): local times, in the
    row's zone or the co-op's."""
    rows = Rows(t, default, offsets="dropped")
    names = rows.text("platform")
    names = np.where(names == "", "other", names)
    ended, ended_local = rows.time("end", required=N_("the end time is missing"))
    started = rows.time("start" if "start" in t.columns else None)[0]
    rows.reject(started > ended, N_("ends before it starts"))
    pay = rows.minor(
        "pay", invalid=N_("pay is not a number: %(value)s"), required=N_("pay is missing")
    )
    accepted = rows.time("accepted" if "accepted" in t.columns else None)[0]
    distance = rows.number("distance_km", invalid=N_("the distance is not a number: %(value)s"))
    customer = rows.minor("customer_paid", invalid=N_("customer paid is not a number: %(value)s"))
    fee = rows.minor("platform_fee", invalid=N_("the platform's fee is not a number: %(value)s"))
    tip = rows.minor("tip", invalid=N_("the tip is not a number: %(value)s"))
    bonus = rows.minor("bonus", invalid=N_("the bonus is not a number: %(value)s"))
    hours = rows.number("hours", invalid=N_("hours is not a number: %(value)s"))
    kept = rows.kept()
    return rows.imported(
        set(names[kept].tolist()),
        trips={
            "ended_at": ended,
            "ended_local": ended_local,
            "began_at": started,
            "requested_at": accepted,
            "distance_km": np.nan_to_num(distance),
            "currency": each_distinct(rows.text("currency"), str.upper),
            "customer_paid_minor": customer,
            "worker_paid_minor": pay,
            "fee_minor": fee,
            "tip_minor": np.nan_to_num(tip).astype(np.int64),
            "bonus_minor": np.nan_to_num(bonus).astype(np.int64),
            "hours": np.where(hours == 0, np.nan, hours),
            "status": "completed",
        },
    )


# --- Argyle-shaped JSON ---------------------------------------------------------------


def _gigs(data: Any, name: str) -> Iterator[tuple[int, Any]]:
    items = data
    if isinstance(data, dict):
        items = data.get("results") or data.get("gigs") or data.get("activities") or []
    if not isinstance(items, list):
        raise UnknownFormatError(
            N_('%(file)s: expected a list of activities, or {"results": [...]}.'), file=name
        )
    yield from enumerate(items, 1)


ARGYLE_COLUMNS = (
    "status", "end", "start", "request", "timezone", "distance", "miles", "currency",
    "total_charge", "pay", "fees", "tips", "bonus", "employer",
)  # fmt: skip


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def argyle(name: str, text: str, default: ZoneInfo) -> Imported:
    """Activities in Argyle's shape (gig objects): times, distance, and income with
    total charge, fees, pay, tips and bonus. `line` is the activity's position."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnknownFormatError(
            N_("%(file)s: not JSON (%(error)s at line %(line)s)."),
            file=name,
            error=exc.msg,
            line=str(exc.lineno),
        ) from exc
    cells: dict[str, list[str]] = {c: [] for c in ARGYLE_COLUMNS}
    positions: list[int] = []
    early: list[Rejection] = []
    for position, gig in _gigs(data, name):
        if not isinstance(gig, dict) or not isinstance(gig.get("income"), dict):
            early.append(Rejection(name, position, N_("an activity without income")))
            continue
        income, times = gig["income"], gig.get("all_datetimes") or {}
        times = times if isinstance(times, dict) else {}
        positions.append(position)
        for column, value in (
            ("status", (_text(gig.get("status")) or "completed").lower()),
            ("end", _text(gig.get("end_datetime") or times.get("dropoff_at"))),
            ("start", _text(gig.get("start_datetime"))),
            ("request", _text(times.get("request_at"))),
            ("timezone", _text(gig.get("timezone"))),
            ("distance", _text(gig.get("distance"))),
            ("miles", "1" if gig.get("distance_unit") == "miles" else ""),
            ("currency", _text(income.get("currency")).upper()),
            ("total_charge", _text(income.get("total_charge"))),
            ("pay", _text(income.get("pay"))),
            ("fees", _text(income.get("fees"))),
            ("tips", _text(income.get("tips"))),
            ("bonus", _text(income.get("bonus"))),
            ("employer", (_text(gig.get("employer")) or "argyle").lower()),
        ):
            cells[column].append(value)
    t = Table(name, list(ARGYLE_COLUMNS), positions, [cells[c] for c in ARGYLE_COLUMNS])
    rows = Rows(t, default, offsets="kept")
    status = t.values("status")
    no_end = blank(t.values("end"))
    rows.skip(no_end & (status != "completed"))
    rows.reject(no_end & (status == "completed"), N_("a completed activity without an end time"))
    ended, ended_local = rows.time("end")
    distance = np.nan_to_num(
        rows.number("distance", invalid=N_("the distance is not a number: %(value)s"))
    ) * np.where(t.values("miles") == "1", MILE_KM, 1.0)
    customer = rows.minor("total_charge", invalid=N_("the total charge is not a number: %(value)s"))
    pay = rows.minor("pay", invalid=N_("pay is not a number: %(value)s"))
    fees = rows.minor("fees", invalid=N_("the fees are not a number: %(value)s"))
    tips = rows.minor("tips", invalid=N_("the tips are not a number: %(value)s"))
    bonus = rows.minor("bonus", invalid=N_("the bonus is not a number: %(value)s"))
    kept = rows.kept()
    out = rows.imported(
        set(t.values("employer")[kept].tolist()),
        trips={
            "ended_at": ended,
            "ended_local": ended_local,
            "began_at": rows.time("start")[0],
            "requested_at": rows.time("request")[0],
            "distance_km": distance,
            "currency": t.values("currency"),
            "customer_paid_minor": customer,
            "worker_paid_minor": pay,
            "fee_minor": fees,
            "tip_minor": np.nan_to_num(tips).astype(np.int64),
            "bonus_minor": np.nan_to_num(bonus).astype(np.int64),
            "status": status,
        },
    )
    out.rows_read += len(early)
    out.rejections = sorted(early + out.rejections, key=lambda r: r.line)
    out.formats[name] = "argyle_json"
    return out


# --- detecting the format -------------------------------------------------------------

Reader = Callable[[Table, ZoneInfo, str], Imported]

# (format key, its description for people, what the columns must hold, how to read it)
FORMATS: tuple[tuple[str, str, Callable[[Table], bool], Reader], ...] = (
    (
        "uber_payments",
        "Uber payments (Driver Payments, driver_payments-0.csv)",
        lambda t: {"classification"} <= t.columns and bool({"amount", "local_amount"} & t.columns),
        uber_payments,
    ),
    (
        "uber_online",
        "Uber online and offline (Driver Online Offline)",
        lambda t: "earner_state" in t.columns,
        uber_online,
    ),
    (
        "uber_trips",
        "Uber or Uber Eats lifetime trips (Driver Lifetime Trips, driver_lifetime_trips-0.csv, "
        "Lifetime Trip Data)",
        lambda t: bool(
            {
                "original_fare",
                "driver_upfront_fare",
                "courier_commission_rate",
                "courier_upfront_fare",
            }
            & t.columns
        ),
        uber_trips,
    ),
    (
        "uber_dispatches",
        "Uber offers and accepts (Driver Dispatches Offered and Accepted)",
        lambda t: any(c.startswith("offers") for c in t.columns),
        uber_dispatches,
    ),
    (
        "uber_restrictions",
        "Uber app restrictions (Driver App Restrictions)",
        lambda t: any("restriction" in c for c in t.columns),
        uber_restrictions,
    ),
    (
        "upwork",
        "Upwork transactions (Date, Ref ID, Type, Description, …, Amount)",
        lambda t: {"date", "ref_id", "type", "description", "amount"} <= t.columns,
        upwork,
    ),
    (
        "manual",
        "the co-op's manual template (platform, start, end, pay, …)",
        lambda t: {"platform", "end", "pay"} <= t.columns,
        manual,
    ),
)


def platform_of(name: str, t: Table) -> str:
    lowered = name.lower()
    if "courier" in lowered or "eats" in lowered or "courier_commission_rate" in t.columns:
        return "uber_eats"
    if any(c.startswith("delivery") for c in t.columns):
        return "uber_eats"
    return "uber"


def read_file(name: str, data: bytes, *, default_zone: str = "UTC") -> Imported:
    """One file, by its columns; UnknownFormatError naming the formats expected if none
    matches."""
    with cycles_uncollected():
        return _read_file(name, data, default_zone)


def _read_file(name: str, data: bytes, default_zone: str) -> Imported:
    fallback = zone(default_zone) or ZoneInfo("UTC")
    base = PurePath(name).name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if base.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        return argyle(base, text, fallback)
    t = Table.from_csv(base, text)
    if not t.header:
        raise UnknownFormatError(N_("%(file)s: the file is empty."), file=base)
    for key, _label, matches, read in FORMATS:
        if matches(t):
            found = read(t, fallback, platform_of(base, t))
            found.formats[base] = key
            return found
    raise UnknownFormatError(
        N_("%(file)s: no known format has the columns %(columns)s."),
        file=base,
        columns=", ".join(sorted(t.columns))[:300],
    )
