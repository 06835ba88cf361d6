"""Reads from a streaming standby where it pays, without a member ever missing their own
write.

Pages that read only public or aggregate data (the transparency report, results, the
rounds list) are marked `@reads_from_standby`. With `DATABASE_REPLICA_URL` set they read
from the standby, unless this browser wrote something the standby has not replayed yet:
after every unsafe request `ReadYourWritesMiddleware` notes the primary's WAL position in
a cookie, and a marked page reads the standby only once its replay position has passed
it (a paused or lagging standby is then simply not used for that reader).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_COOKIE = "cw_wal"
_reading_standby: ContextVar[bool] = ContextVar("reading_standby", default=False)
View = TypeVar("View", bound=Callable[..., HttpResponse])


def has_standby() -> bool:
    return REPLICA in settings.DATABASES


def lsn_value(lsn: str) -> int:
    """A PostgreSQL WAL position ("16/B374D848") as a number; 0 when unreadable."""
    high, _, low = lsn.partition("/")
    try:
        return (int(high, 16) << 32) + int(low, 16)
    except ValueError:
        return 0


def _standby_has_replayed(position: int) -> bool:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            row = cursor.fetchone()
    except DatabaseError:
        return False  # a standby that does not answer is not read
    return bool(row and row[0]) and lsn_value(row[0]) >= position


@contextmanager
def standby_reads() -> Iterator[None]:
    token = _reading_standby.set(True)
    try:
        yield
    finally:
        _reading_standby.reset(token)


def reads_from_standby(view: View) -> View:
    """Mark a view that reads only public or aggregate data: it may read the standby."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        written = lsn_value(request.COOKIES.get(WROTE_COOKIE, "0/0"))
        if not has_standby() or not _standby_has_replayed(written):
            return view(request, *args, **kwargs)
        with standby_reads():
            return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    """Reads of marked views go to the standby; everything else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _reading_standby.get() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA


class ReadYourWritesMiddleware:
    """After a request that may have written, note the primary's WAL position for this
    browser, so that its next marked page waits for the standby or reads the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if has_standby() and request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
                    row = cursor.fetchone()
            except DatabaseError:
                return response
            if row:
                response.set_cookie(
                    WROTE_COOKIE, row[0], max_age=3600, httponly=True, samesite="Lax"
                )
        return response
