"""Helpers for the books' tests: walking a task to completion at a chosen time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from commonwork.core import clock
from commonwork.ledger.books import account_balances
from commonwork.ledger.periods import local_midnight
from commonwork.work import actions as work_actions
from commonwork.work.models import Task

# The conftest co-op is founded on this day, so its first pay period starts here.
FOUNDED = dt.date(2026, 1, 1)


def at(day: dt.date, hours: float) -> dt.datetime:
    """`hours` after the co-op's midnight of `day`."""
    return local_midnight(day) + dt.timedelta(hours=hours)


@pytest.fixture
def complete_task(make_task: Callable[..., Task], dan: Any) -> Callable[..., Task]:
    """complete_task(worker, start=datetime, minutes=30): post, take, start, deliver and
    complete a task, each step at its own time, and return it completed."""

    def run(worker: Any, *, start: dt.datetime, minutes: int = 30, **overrides: Any) -> Task:
        with clock.set_to(start - dt.timedelta(minutes=5)):
            task = make_task(**overrides)
            work_actions.take_task(actor=worker, task_id=task.pk)
        with clock.set_to(start):
            work_actions.start_task(actor=worker, task_id=task.pk)
        with clock.set_to(start + dt.timedelta(minutes=minutes)):
            work_actions.deliver_task(actor=worker, task_id=task.pk)
        with clock.set_to(start + dt.timedelta(minutes=minutes + 5)):
            work_actions.complete_task(actor=dan, task_id=task.pk)
        return Task.objects.get(pk=task.pk)

    return run


def balance_of(name: str) -> int:
    return account_balances().get(name, 0)
