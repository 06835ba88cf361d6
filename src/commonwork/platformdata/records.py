"""What a worker's files say, normalised: trips, payments, online sessions and penalties,
each with the file and line it came from; and every row that could not be read, with
why. Plain data, no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

PaymentKind = Literal["fare", "tip", "commission", "tax", "bonus", "fee", "other"]
SessionState = Literal["open", "enroute", "ontrip", "offline"]


@dataclass(frozen=True)
class Source:
    file: str
    line: int  # 1 = the file's first line


@dataclass(frozen=True)
class Trip:
    """One paid piece of work: a ride, a delivery, a contract's invoice."""

    source: Source
    ended_at: dt.datetime  # aware; the drop-off, delivery or invoice time
    began_at: dt.datetime | None = None  # the pick-up or start of work
    requested_at: dt.datetime | None = None  # the offer or request, where known
    distance_km: float = 0.0
    currency: str = ""
    customer_paid_minor: int | None = None  # what the customer paid, before any tip
    worker_paid_minor: int | None = None  # what the platform paid the worker, before tips
    fee_minor: int | None = None  # what the platform kept, where the row says it
    tip_minor: int = 0
    bonus_minor: int = 0
    hours: float | None = None  # hours of work stated (hourly contracts), not timed
    status: str = "completed"


@dataclass(frozen=True)
class Payment:
    source: Source
    at: dt.datetime
    amount_minor: int  # positive: to the worker; negative: taken from them
    kind: PaymentKind
    currency: str
    classification: str = ""


@dataclass(frozen=True)
class Session:
    source: Source
    state: SessionState
    begin: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class Penalty:
    source: Source
    at: dt.datetime
    kind: str


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    reason: str


@dataclass
class Imported:
    """Everything read from one worker's files."""

    platforms: set[str] = field(default_factory=set)
    formats: dict[str, str] = field(default_factory=dict)  # file → format read
    trips: list[Trip] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    rows_read: int = 0

    def extend(self, other: Imported) -> None:
        self.platforms |= other.platforms
        self.formats.update(other.formats)
        self.trips += other.trips
        self.payments += other.payments
        self.sessions += other.sessions
        self.penalties += other.penalties
        self.rejections += other.rejections
        self.rows_read += other.rows_read
