"""The one place the platform reads the time, so tests and the demo can move it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_override: ContextVar[datetime | None] = ContextVar("commonwork_clock_override", default=None)


def now() -> datetime:
    moment = _override.get()
    return moment if moment is not None else timezone.now()


@contextmanager
def set_to(moment: datetime) -> Iterator[None]:
    """Within the block, the platform's time is `moment` (aware). The demo uses it to
    build last week's history through the real actions; tests use it to move time."""
    if timezone.is_naive(moment):
        raise ValueError("the clock is set to an aware datetime")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
