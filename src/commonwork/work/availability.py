"""When an availability period really ends, as a pure rule: at the worker's own end, at
the end they set (or the governed default), or after the governed time without any sign
of them — whichever comes first. Nobody is floor-paid for a switch left on."""

from __future__ import annotations

from datetime import datetime, timedelta


def lapses_at(
    *,
    planned_end: datetime | None,
    last_active_at: datetime | None,
    confirm_after: timedelta,
) -> datetime | None:
    """When an open period ends by itself (None: it has no bound, an older record)."""
    ends = [moment for moment in (planned_end,) if moment is not None]
    if last_active_at is not None:
        ends.append(last_active_at + confirm_after)
    return min(ends) if ends else None
