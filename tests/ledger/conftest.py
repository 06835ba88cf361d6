"""Helpers for the books' tests: times in the co-op's first week, balances by name."""

from __future__ import annotations

import datetime as dt

from commonwork.ledger.actions.periods import local_midnight
from commonwork.ledger.books import account_balances

# The conftest co-op is founded on this day, so its first pay period starts here.
FOUNDED = dt.date(2026, 1, 1)


def at(day: dt.date, hours: float) -> dt.datetime:
    """`hours` after the co-op's midnight of `day`."""
    return local_midnight(day) + dt.timedelta(hours=hours)


def balance_of(name: str) -> int:
    return account_balances().get(name, 0)
