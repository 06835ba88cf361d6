"""Periodic jobs become due by their interval and are enqueued on the task backend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from commonwork.core.scheduler import slot_of
from commonwork.work import actions
from commonwork.work.models import OfferStatus


def test_a_job_is_due_once_per_slot_of_its_interval():
    assert slot_of(100.0, 10) == slot_of(109.9, 10) == 10
    assert slot_of(110.0, 10) == 11
    assert slot_of(100.5, 0) == 100  # an interval below a second is one second


def test_the_scheduler_expires_due_offers_through_the_task_backend(alice, bob, open_task, capsys):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(
        actor=alice, task_id=open_task.pk, worker_id=bob.pk, ttl=dt.timedelta(seconds=-1)
    )
    call_command("run_scheduler", "--once")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert "enqueued expire_offers" in capsys.readouterr().out


# --- the elected scheduler (issue 15) ---------------------------------------------------


def _counting_jobs(counts):
    from commonwork.core.scheduler import PeriodicJob

    def job(name, seconds):
        return PeriodicJob(name, lambda: seconds, lambda: counts.update([name]))

    return [job("every_5s", 5.0), job("hourly", 3600.0)]


@pytest.mark.django_db
def test_one_scheduler_leads_the_others_wait_and_one_takes_over_when_it_stops():
    import datetime as dt
    from collections import Counter

    from commonwork.core import scheduling

    counts: Counter[str] = Counter()
    jobs = _counting_jobs(counts)
    start = dt.datetime(2026, 12, 2, 10, 0, 0, tzinfo=dt.UTC)
    first, second = "a:1", "b:2"
    for tick in range(10):  # ten seconds, both running: only the leader enqueues
        now = start + dt.timedelta(seconds=tick)
        for me in (first, second):
            if scheduling.lead(me, now):
                scheduling.enqueue_due(jobs, me, now)
                assert me == first
    assert counts == {"every_5s": 2, "hourly": 1}
    # The leader is killed: the other takes over once its lease runs out, and enqueues
    # nothing its predecessor already did for the same slot.
    killed_at = start + dt.timedelta(seconds=10)
    took_over = None
    for tick in range(10):
        now = killed_at + dt.timedelta(seconds=tick)
        if scheduling.lead(second, now):
            scheduling.enqueue_due(jobs, second, now)
            took_over = tick if took_over is None else took_over
    assert took_over is not None
    assert took_over <= scheduling.LEASE.total_seconds()
    assert counts == {"every_5s": 4, "hourly": 1}


@pytest.mark.slow
@pytest.mark.own_database
def test_two_scheduler_processes_enqueue_each_slot_once(tmp_path):
    """Two real `run_scheduler` processes on one database: each job's slot is enqueued by
    one of them, never both."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DEBUG": "1",
        "COMMONWORK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "commonwork.settings",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)  # noqa: S603
    runs = [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            [*manage, "run_scheduler", "--seconds", "12"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=120)[0] for r in runs]
    leaders = [o for o in outputs if "leads" in o]
    assert len(leaders) == 1, outputs
    enqueued = [line for o in outputs for line in o.splitlines() if line.startswith("enqueued")]
    assert enqueued.count("enqueued expire_offers") >= 2  # every 5 s for 12 s
    assert enqueued.count("enqueued retention") == 1  # hourly: once
