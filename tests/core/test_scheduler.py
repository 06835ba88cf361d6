"""Periodic jobs become due by their interval and are enqueued on the task backend."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from commonwork.core.scheduler import PeriodicJob, due_jobs
from commonwork.work import actions
from commonwork.work.models import OfferStatus


def _job(name: str, every: float) -> PeriodicJob:
    return PeriodicJob(name, lambda: every, lambda: None)


def test_a_job_never_run_is_due_and_then_waits_its_interval():
    jobs = [_job("a", 10), _job("b", 30)]
    assert [j.name for j in due_jobs(jobs, {}, now=100)] == ["a", "b"]
    assert [j.name for j in due_jobs(jobs, {"a": 100, "b": 100}, now=109)] == []
    assert [j.name for j in due_jobs(jobs, {"a": 100, "b": 100}, now=110)] == ["a"]


def test_an_interval_below_a_second_is_treated_as_one_second():
    assert due_jobs([_job("fast", 0)], {"fast": 100}, now=100.5) == []


def test_the_scheduler_expires_due_offers_through_the_task_backend(alice, bob, open_task, capsys):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(
        actor=alice, task_id=open_task.pk, worker_id=bob.pk, ttl=dt.timedelta(seconds=-1)
    )
    call_command("run_scheduler", "--once")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert "enqueued expire_offers" in capsys.readouterr().out
