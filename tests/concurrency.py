"""Two transactions at once, for the PostgreSQL tests of who waits for whom."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def held_by_another_transaction(hold: Callable[[], object]) -> Iterator[None]:
    """Within the block, another thread's transaction has run `hold` and stays open,
    keeping the row locks it took; it commits when the block ends. The block's own
    statements fail after 2 s instead of waiting for those locks (lock_timeout)."""
    held, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold_open() -> None:
        try:
            with transaction.atomic():
                hold()
                held.set()
                release.wait(timeout=30)
        except BaseException as exc:  # re-raised below
            failures.append(exc)
            held.set()
        finally:
            connection.close()

    holder = threading.Thread(target=hold_open)
    holder.start()
    if not held.wait(timeout=30):
        release.set()
        holder.join()
        raise AssertionError("the other transaction never took its locks")
    try:
        if failures:
            raise failures[0]
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
        release.set()
        holder.join()
    if failures:
        raise failures[0]
