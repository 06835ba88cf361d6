"""Reading what platforms hand their workers: Uber's subject-access export and its
self-serve download (drivers and Eats couriers), Upwork's transactions, Argyle-shaped
activity JSON, and the co-op's manual template (docs/import.md lists every column).

Every file is read by its columns' names, never by position. The dialect is sniffed
with CleverCSV on the file's first lines (then the standard `csv` module reads the rest,
fast); a header repeated mid-file (exports concatenated) is passed over; every other row
that cannot be read is reported with its line and why. A file of no known shape is
refused with a message naming the shapes expected. No Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import clevercsv
from dateutil import parser as dateparser

from commonwork.platformdata.records import (
    Imported,
    Payment,
    PaymentKind,
    Penalty,
    Rejection,
    Session,
    SessionState,
    Source,
    Trip,
)

MILE_KM = 1.609344
SNIFF_BYTES = 20_000


class UnknownFormatError(ValueError):
    """A file whose columns match no format this reader knows."""


class RowError(ValueError):
    """One row that cannot be read; the message says why."""


# --- values -------------------------------------------------------------------------


@functools.cache
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RowError(f"unknown time zone {name!r}") from exc


def _parse(cleaned: str) -> dt.datetime:
    """ISO 8601 by the standard library (fast, and what the exports mostly write), any
    other way of writing a time by dateutil."""
    try:
        return dt.datetime.fromisoformat(cleaned)
    except ValueError:
        moment: dt.datetime = dateparser.parse(cleaned)
        return moment


def read_time(text: str) -> dt.datetime:
    """A time as written, its offset (if any) kept; RowError saying why it is not one."""
    cleaned = text.strip().removesuffix(" UTC")
    if not cleaned:
        raise RowError("a time is missing")
    try:
        return _parse(cleaned)
    except (ValueError, OverflowError) as exc:
        raise RowError(f"not a time: {text!r}") from exc


def local_time(text: str, where: ZoneInfo) -> dt.datetime:
    """A `*_local` timestamp: the wall-clock time where the trip happened. Uber writes a
    `Z` (or +00:00) on these that is false, so any offset given is dropped and the time
    read in the row's own zone (one replace does both)."""
    return read_time(text).replace(tzinfo=where)


def naive_time(text: str) -> dt.datetime:
    return read_time(text).replace(tzinfo=None)


def aware_time(text: str, default: ZoneInfo) -> dt.datetime:
    """A timestamp that means what it says: its offset kept, or `default` without one."""
    moment = read_time(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=default)


_NUMBER = re.compile(r"[^\d.\-+eE]")


def decimal(text: str | None, what: str) -> Decimal:
    raw = (text or "").strip()
    if not raw:
        raise RowError(f"{what} is missing")
    negative = raw.startswith("(") and raw.endswith(")")  # accountants' negatives
    cleaned = _NUMBER.sub("", raw.replace(",", "") if raw.count(".") <= 1 else raw)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise RowError(f"{what} is not a number: {text!r}") from exc
    return -value if negative else value


def optional_decimal(text: str | None, what: str) -> Decimal | None:
    return None if not (text or "").strip() else decimal(text, what)


def minor(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def optional_minor(text: str | None, what: str) -> int | None:
    value = optional_decimal(text, what)
    return None if value is None else minor(value)


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
    if found is None:
        return csv.excel
    dialect: csv.Dialect = found.to_csv_dialect()
    return dialect


class Table:
    """A CSV file's rows as dicts by canonical column name, with their line numbers."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        reader = csv.reader(io.StringIO(text), sniff(text))
        self.header: list[str] = []
        self.rows: list[tuple[int, dict[str, str]]] = []
        self.repeated_headers = 0
        first = ""
        for line, cells in enumerate(reader, 1):
            if not cells or not any(cells):
                continue
            if not self.header:
                self.header = [canonical(c) for c in cells]
                first = cells[0]
                continue
            # Only a row that starts like the header can repeat it (cheap to ask first).
            if cells[0] == first and [canonical(c) for c in cells] == self.header:
                self.repeated_headers += 1  # two exports glued together
                continue
            self.rows.append((line, dict(zip(self.header, cells, strict=False))))

    @property
    def columns(self) -> set[str]:
        return set(self.header)


def column(row: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = row.get(name)
        if value is not None and value.strip():
            return value
    return ""


def time_column(header: list[str], *words: str) -> str | None:
    """The timestamp column whose name holds all these words (e.g. "begin", "trip")."""
    for name in header:
        timed = "timestamp" in name or name.endswith(("_at", "_time"))
        if timed and all(word in name for word in words):
            return name
    return None


# --- the formats --------------------------------------------------------------------


def _each(table: Table, out: Imported, read: Callable[[int, dict[str, str]], None]) -> None:
    for line, row in table.rows:
        out.rows_read += 1
        try:
            read(line, row)
        except RowError as error:
            out.rejections.append(Rejection(table.name, line, str(error)))


def _row_zone(row: Mapping[str, str], default: ZoneInfo) -> ZoneInfo:
    name = column(row, "timezone", "time_zone", "tz")
    return zone(name) if name else default


def row_time(row: Mapping[str, str], name: str, default: ZoneInfo) -> dt.datetime:
    """A row's time: with a time-zone column, the wall clock in that zone (its offset,
    a false `Z`, dropped); without one, the offset as written (else `default`)."""
    where = column(row, "timezone", "time_zone", "tz")
    text = row.get(name, "")
    return local_time(text, zone(where)) if where else aware_time(text, default)


def uber_trips(table: Table, default: ZoneInfo, platform: str) -> Imported:
    """Lifetime trips (driver or Eats courier), from the subject-access export or the
    download: fares, distance, the request, begin and drop-off times."""
    out = Imported(platforms={platform})
    request = time_column(table.header, "request")
    begin = time_column(table.header, "begin") or time_column(table.header, "pickup")
    dropoff = time_column(table.header, "dropoff") or time_column(table.header, "end")
    if dropoff is None:
        raise UnknownFormatError(f"{table.name}: a trips file needs a drop-off time column")

    def read(line: int, row: dict[str, str]) -> None:
        status = column(row, "status").strip().lower() or "completed"
        ended = row_time(row, dropoff, default) if row.get(dropoff, "").strip() else None
        if ended is None:
            if status != "completed":
                return  # a cancelled or unfulfilled trip: no drop-off, nothing earned
            raise RowError("a completed trip without a drop-off time")
        began = row_time(row, begin, default) if begin and row.get(begin, "").strip() else None
        asked = (
            row_time(row, request, default) if request and row.get(request, "").strip() else None
        )
        miles = optional_decimal(column(row, "trip_distance_miles", "distance_miles"), "distance")
        km = optional_decimal(column(row, "trip_distance_km", "distance_km"), "distance")
        distance = float(km) if km is not None else float(miles or 0) * MILE_KM
        if distance < 0:
            raise RowError("a negative distance")
        customer = optional_minor(column(row, "original_fare", "customer_fare", "fare"), "the fare")
        worker = optional_minor(
            column(row, "driver_upfront_fare", "courier_upfront_fare", "upfront_fare", "earnings"),
            "the worker's fare",
        )
        fee = optional_minor(column(row, "service_fee"), "the service fee")
        booking = optional_minor(column(row, "booking_fee"), "the booking fee") or 0
        rate = optional_decimal(column(row, "courier_commission_rate"), "the commission rate")
        if worker is None and customer is not None and rate is not None:
            worker = customer - round(customer * rate)
        out.trips.append(
            Trip(
                source=Source(table.name, line),
                ended_at=ended,
                began_at=began,
                requested_at=asked,
                distance_km=distance,
                currency=column(row, "currency_code", "currency").strip().upper(),
                customer_paid_minor=None if customer is None else customer + booking,
                worker_paid_minor=worker,
                fee_minor=None if fee is None else abs(fee) + abs(booking),
                status=status,
            )
        )

    _each(table, out, read)
    return out


def uber_payments(table: Table, default: ZoneInfo, platform: str) -> Imported:
    out = Imported(platforms={platform})
    when = time_column(table.header, "recognize") or time_column(table.header)

    def read(line: int, row: dict[str, str]) -> None:
        if when is None:
            raise RowError("no time column")
        classification = column(row, "classification").strip()
        if not classification:
            raise RowError("a payment without a classification")
        out.payments.append(
            Payment(
                source=Source(table.name, line),
                at=row_time(row, when, default),
                amount_minor=minor(decimal(column(row, "amount", "local_amount"), "the amount")),
                kind=payment_kind(classification),
                currency=column(row, "currency_code", "currency").strip().upper(),
                classification=classification,
            )
        )

    _each(table, out, read)
    return out


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


def uber_online(table: Table, default: ZoneInfo, platform: str) -> Imported:
    out = Imported(platforms={platform})
    begin = time_column(table.header, "begin") or time_column(table.header, "start")
    end = time_column(table.header, "end")

    def read(line: int, row: dict[str, str]) -> None:
        state = STATES.get(canonical(column(row, "earner_state", "state")))
        if state is None:
            raise RowError(f"unknown state {column(row, 'earner_state', 'state')!r}")
        if begin is None:
            raise RowError("no begin time column")
        start = row_time(row, begin, default)
        if end is not None and row.get(end, "").strip():
            stop = row_time(row, end, default)
        else:
            ms = decimal(column(row, "duration_ms"), "the duration")
            stop = start + dt.timedelta(milliseconds=float(ms))
        if stop < start:
            raise RowError("ends before it begins")
        out.sessions.append(Session(Source(table.name, line), state, start, stop))

    _each(table, out, read)
    return out


def uber_restrictions(table: Table, default: ZoneInfo, platform: str) -> Imported:
    out = Imported(platforms={platform})
    when = time_column(table.header)

    def read(line: int, row: dict[str, str]) -> None:
        if when is None:
            raise RowError("no time column")
        kind = column(
            row, "restriction_reason", "reason", "restriction_type", "type", "restriction"
        )
        if not kind.strip():
            raise RowError("a restriction without its reason")
        out.penalties.append(
            Penalty(
                Source(table.name, line),
                row_time(row, when, default),
                kind.strip(),
            )
        )

    _each(table, out, read)
    return out


def uber_dispatches(table: Table, default: ZoneInfo, platform: str) -> Imported:
    """Offers and accepts by the hour: nothing the figures need beyond what the trips and
    sessions say, so the rows are counted and checked, not kept."""
    out = Imported(platforms={platform})

    def read(line: int, row: dict[str, str]) -> None:
        for name in table.header:
            if name.startswith(("offers", "rejections", "accepts", "minutes")):
                optional_decimal(row.get(name), name)

    _each(table, out, read)
    return out


_HOURS = re.compile(r"(\d+):(\d{2})\s*hrs?", re.IGNORECASE)
_DECIMAL_HOURS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:hrs?|hours?)\b", re.IGNORECASE)


def upwork_hours(description: str) -> float | None:
    found = _HOURS.search(description)
    if found:
        return int(found.group(1)) + int(found.group(2)) / 60
    found = _DECIMAL_HOURS.search(description)
    return float(found.group(1)) if found else None


def upwork(table: Table, default: ZoneInfo, platform: str = "upwork") -> Imported:
    """Upwork's transactions: hourly and fixed-price earnings, their service fees, bonuses,
    withdrawals (not earnings). Fixed-price work states no hours: the worker adds them."""
    out = Imported(platforms={platform})

    def read(line: int, row: dict[str, str]) -> None:
        kind = column(row, "type").strip().lower()
        when = dt.datetime.combine(naive_time(column(row, "date")).date(), dt.time(12), default)
        amount = minor(decimal(column(row, "amount"), "the amount"))
        currency = column(row, "currency").strip().upper() or "USD"
        source = Source(table.name, line)
        if "fee" in kind:
            out.payments.append(Payment(source, when, amount, "fee", currency, kind))
        elif kind in {"hourly", "fixed price", "fixed-price", "milestone"}:
            hours = upwork_hours(column(row, "description")) if kind == "hourly" else None
            out.trips.append(
                Trip(
                    source=source,
                    ended_at=when,
                    currency=currency,
                    customer_paid_minor=amount,
                    worker_paid_minor=amount,
                    hours=hours,
                )
            )
        elif "bonus" in kind:
            out.payments.append(Payment(source, when, amount, "bonus", currency, kind))
        elif kind in {"withdrawal", "withdrawal fee", "transfer", "payment"}:
            return  # money moving out of the account, not earned
        else:
            raise RowError(f"unknown transaction type {kind!r}")

    _each(table, out, read)
    return out


def manual(table: Table, default: ZoneInfo, platform: str = "") -> Imported:
    """The co-op's template for any other platform (docs/import.md)."""
    out = Imported()

    def read(line: int, row: dict[str, str]) -> None:
        name = column(row, "platform").strip() or "other"
        where = _row_zone(row, default)
        out.platforms.add(name)
        ended = local_time(column(row, "end"), where)
        started = local_time(column(row, "start"), where) if column(row, "start") else None
        if started is not None and started > ended:
            raise RowError("ends before it starts")
        pay = minor(decimal(column(row, "pay"), "pay"))
        out.trips.append(
            Trip(
                source=Source(table.name, line),
                ended_at=ended,
                began_at=started,
                requested_at=local_time(column(row, "accepted"), where)
                if column(row, "accepted")
                else None,
                distance_km=float(optional_decimal(column(row, "distance_km"), "distance") or 0),
                currency=column(row, "currency").strip().upper(),
                customer_paid_minor=optional_minor(column(row, "customer_paid"), "customer paid"),
                worker_paid_minor=pay,
                fee_minor=optional_minor(column(row, "platform_fee"), "the platform's fee"),
                tip_minor=optional_minor(column(row, "tip"), "the tip") or 0,
                bonus_minor=optional_minor(column(row, "bonus"), "the bonus") or 0,
                hours=float(h) if (h := optional_decimal(column(row, "hours"), "hours")) else None,
            )
        )

    _each(table, out, read)
    return out


# --- Argyle-shaped JSON ---------------------------------------------------------------


def _gigs(data: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    items = data
    if isinstance(data, dict):
        items = data.get("results") or data.get("gigs") or data.get("activities") or []
    if not isinstance(items, list):
        raise UnknownFormatError('expected a list of activities, or {"results": [...]}')
    yield from enumerate(items, 1)


def argyle(name: str, text: str, default: ZoneInfo) -> Imported:
    """Activities in Argyle's shape (gig objects): times, distance, and income with
    total charge, fees, pay, tips and bonus. `line` is the activity's position."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnknownFormatError(f"{name}: not JSON ({exc.msg} at line {exc.lineno})") from exc
    out = Imported()
    for position, gig in _gigs(data):
        out.rows_read += 1
        try:
            if not isinstance(gig, dict) or not isinstance(gig.get("income"), dict):
                raise RowError("an activity without income")
            out.platforms.add(str(gig.get("employer") or "argyle").lower())
            status = str(gig.get("status") or "completed").lower()
            income = gig["income"]
            times = gig.get("all_datetimes") or {}
            end_text = gig.get("end_datetime") or times.get("dropoff_at")
            if not end_text:
                if status != "completed":
                    continue
                raise RowError("a completed activity without an end time")
            where = zone(gig["timezone"]) if gig.get("timezone") else default
            distance = optional_decimal(str(gig.get("distance") or ""), "distance") or Decimal(0)
            km = float(distance) * (MILE_KM if gig.get("distance_unit") == "miles" else 1)
            pay = optional_minor(str(income.get("pay") or ""), "pay")
            out.trips.append(
                Trip(
                    source=Source(name, position),
                    ended_at=aware_time(end_text, where),
                    began_at=aware_time(gig["start_datetime"], where)
                    if gig.get("start_datetime")
                    else None,
                    requested_at=aware_time(times["request_at"], where)
                    if times.get("request_at")
                    else None,
                    distance_km=km,
                    currency=str(income.get("currency") or "").upper(),
                    customer_paid_minor=optional_minor(
                        str(income.get("total_charge") or ""), "total charge"
                    ),
                    worker_paid_minor=pay,
                    fee_minor=optional_minor(str(income.get("fees") or ""), "fees"),
                    tip_minor=optional_minor(str(income.get("tips") or ""), "tips") or 0,
                    bonus_minor=optional_minor(str(income.get("bonus") or ""), "bonus") or 0,
                    status=status,
                )
            )
        except (RowError, KeyError, TypeError) as error:
            out.rejections.append(Rejection(name, position, str(error)))
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


def platform_of(name: str, table: Table) -> str:
    lowered = name.lower()
    if "courier" in lowered or "eats" in lowered or "courier_commission_rate" in table.columns:
        return "uber_eats"
    if any(c.startswith("delivery") for c in table.columns):
        return "uber_eats"
    return "uber"


def read_file(name: str, data: bytes, *, default_zone: str = "UTC") -> Imported:
    """One file, by its columns; UnknownFormatError naming the formats expected if none
    matches."""
    fallback = zone(default_zone)
    base = PurePath(name).name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if base.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        return argyle(base, text, fallback)
    table = Table(base, text)
    if not table.header:
        raise UnknownFormatError(f"{base}: the file is empty")
    for key, _label, matches, read in FORMATS:
        if matches(table):
            found = read(table, fallback, platform_of(base, table))
            found.formats[base] = key
            return found
    expected = "; ".join(label for _, label, _, _ in FORMATS)
    raise UnknownFormatError(
        f"{base}: no known format has the columns {', '.join(sorted(table.columns))[:300]}. "
        f"Expected one of: {expected}; or Argyle-shaped JSON."
    )
