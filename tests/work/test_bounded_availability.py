"""Issue 20: availability has an end the worker sets (default and maximum governed), lapses
after the governed time without a sign of the worker, and nobody is offered work or paid
the floor for a switch left on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.dispatch.actions import run_round
from commonwork.governance.parameters import read_parameter
from commonwork.work import actions as work_actions
from commonwork.work.models import AvailabilityPeriod, Offer
from tests.concurrency import held_by_another_transaction


def _confirm_after() -> dt.timedelta:
    return dt.timedelta(minutes=int(read_parameter("availability_confirm_minutes")))


def test_availability_ends_after_the_governed_time_without_a_sign(bob: Any) -> None:
    start = clock.now()
    with clock.set_to(start):
        work_actions.set_availability(actor=bob, available=True, hours=12)
    silent_until = start + _confirm_after()
    with clock.set_to(silent_until + dt.timedelta(minutes=5)):
        assert work_actions.end_lapsed_availability(clock.now()) == 1
    period = AvailabilityPeriod.objects.get(worker=bob)
    assert period.ended_at == silent_until  # ended where it lapsed, not when noticed


def test_a_location_or_still_here_keeps_it_going_until_its_end(bob: Any) -> None:
    start = clock.now()
    with clock.set_to(start):
        work_actions.set_availability(actor=bob, available=True, hours=12)
    with clock.set_to(start + dt.timedelta(hours=5)):
        work_actions.confirm_availability(actor=bob)
    with clock.set_to(start + dt.timedelta(hours=9)):
        work_actions.report_location(actor=bob, lat=52.52, lon=13.40)
    with clock.set_to(start + dt.timedelta(hours=11)):
        assert work_actions.end_lapsed_availability(clock.now()) == 0
    with clock.set_to(start + dt.timedelta(hours=12, minutes=1)):
        assert work_actions.end_lapsed_availability(clock.now()) == 1
    assert AvailabilityPeriod.objects.get(worker=bob).ended_at == start + dt.timedelta(hours=12)


def test_a_shift_longer_than_the_governed_maximum_is_refused(bob: Any) -> None:
    longest = int(read_parameter("shift_max_hours"))
    with pytest.raises(DomainError) as refused:
        work_actions.set_availability(actor=bob, available=True, hours=longest + 1)
    assert refused.value.field == "hours"
    assert not AvailabilityPeriod.objects.exists()


def test_dispatch_offers_nothing_to_a_switch_left_on(bob: Any, open_task: Any) -> None:
    start = clock.now()
    work_actions.set_availability(actor=bob, available=True)
    work_actions.report_location(actor=bob, lat=52.5210, lon=13.4060)
    with clock.set_to(start + dt.timedelta(hours=int(read_parameter("shift_default_hours")) + 1)):
        done = run_round()
    assert done.worker_count == 0
    assert not Offer.objects.exists()


def test_the_page_and_the_api_set_hours_and_say_still_here(bob: Any, as_member: Any) -> None:
    client = Client()
    client.force_login(bob)
    client.post("/work/availability/", {"available": "on", "hours": "3"})
    period = AvailabilityPeriod.objects.get(worker=bob)
    assert period.planned_end is not None
    assert period.planned_end - period.started_at == dt.timedelta(hours=3)
    page = client.get("/work/").content.decode()
    assert 'data-testid="availability-still"' in page
    client.post("/work/availability/", {"available": "still"})
    api = as_member(bob)
    status, body = api.post("/availability/confirm")
    assert (status, body["available"]) == (200, True)
    status, body = api.post("/availability", {"available": False})
    assert (status, body["available"]) == (200, False)
    status, body = api.post("/availability", {"available": True, "hours": 99})
    assert (status, body["field"]) == (422, "hours")


def test_a_task_step_is_a_sign_of_the_worker(bob: Any, open_task: Any) -> None:
    start = clock.now()
    with clock.set_to(start):
        work_actions.set_availability(actor=bob, available=True, hours=12)
    with clock.set_to(start + dt.timedelta(hours=9)):
        work_actions.take_task(actor=bob, task_id=open_task.pk)
    with clock.set_to(start + _confirm_after() + dt.timedelta(minutes=5)):
        assert work_actions.end_lapsed_availability(clock.now()) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ending_lapsed_availability_neither_waits_for_nor_holds_an_active_worker(
    bob: Any, carol: Any
) -> None:
    """Found by the load test: the check before each round locked every open period for
    the round's whole length, so a worker's take waited for the round and, when the
    round then wanted the task the take held, deadlocked (an answer of 503)."""
    start = clock.now()
    with clock.set_to(start):
        work_actions.set_availability(actor=bob, available=True, hours=12)
        work_actions.set_availability(actor=carol, available=True, hours=12)
    later = start + _confirm_after() + dt.timedelta(minutes=5)  # both silent since start
    # a take in flight: it has written bob's sign and not committed yet
    with (
        held_by_another_transaction(
            lambda: AvailabilityPeriod.objects.filter(worker=bob).update(last_active_at=later)
        ),
        transaction.atomic(),  # as within a round
        clock.set_to(later),
    ):
        assert work_actions.end_lapsed_availability(clock.now()) == 1  # carol's
    assert AvailabilityPeriod.objects.get(worker=carol).ended_at is not None
    assert AvailabilityPeriod.objects.get(worker=bob).ended_at is None  # he acted
