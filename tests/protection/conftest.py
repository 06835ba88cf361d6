from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from commonwork.core import clock
from commonwork.governance.actions.parameters import set_parameter
from commonwork.work import actions as work_actions


@pytest.fixture
def injury_cover(alice: Any) -> None:
    """The bylaws' injury cover: 60 % of average weekly pay after 3 waiting days, for
    members with 20 engaged hours in the last 4 weeks (set before the first meeting)."""
    for name, value in {
        "cover.injury.basis": "1",
        "cover.injury.share": "0.6",
        "cover.injury.qualifying_hours": "20",
        "cover.injury.qualifying_weeks": "4",
        "cover.injury.waiting_days": "3",
        "cover.sickness.basis": "2",
        "cover.sickness.sum": "20000",
        "cover.sickness.waiting_days": "0",
    }.items():
        set_parameter(actor=alice, name=name, value=value, reason="The founding bylaws.")


def work_hours(worker: Any, hours: float, *, days_ago: int = 3) -> None:
    """`hours` of availability, a few days ago, in days of at most eight hours (shorter
    than the governed time availability lasts without a sign of the worker)."""
    today = min(hours, 8)
    start = clock.now() - dt.timedelta(days=days_ago)
    with clock.set_to(start):
        work_actions.set_availability(actor=worker, available=True, hours=today)
    with clock.set_to(start + dt.timedelta(hours=today)):
        work_actions.set_availability(actor=worker, available=False)
    if hours > today:
        work_hours(worker, hours - today, days_ago=days_ago + 1)
