"""One-off jobs: a transient failure is tried again later with backoff, a domain refusal
and a defect are not (core.jobs)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import rq
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import override_settings
from django_tasks import TaskResultStatus, task, task_backends
from django_tasks.backends.dummy import DummyBackend
from django_tasks_db.models import DBTaskResult
from redis import Redis
from rq.job import Job

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.core.jobs import (
    MAX_ATTEMPTS,
    RQ_RETRY_INTERVALS,
    WORKER_GONE_AFTER,
    WORKER_UPKEEP_SECONDS,
    RetryingQueue,
    Worker,
    beat,
    one_off_task,
    requeue_abandoned,
    retry_delay,
    should_retry,
    start_beating,
)
from commonwork.core.models import JobWorkerBeat

calls: list[str] = []


@one_off_task
def flaky(name: str, failure: str) -> str:
    calls.append(name)
    if failure == "database away":
        raise OperationalError("the server closed the connection unexpectedly")
    if failure == "network":
        raise ConnectionResetError("reset by peer")
    if failure == "refused":
        raise DomainError("not_yours", "This export is not yours.")
    if failure == "defect":
        raise KeyError("oops")
    return name


@pytest.fixture
def queued() -> Iterator[DummyBackend]:
    calls.clear()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        backend = task_backends["default"]
        assert isinstance(backend, DummyBackend)
        backend.clear()
        yield backend


def test_the_backoff_doubles_from_ten_seconds() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, MAX_ATTEMPTS)] == [10, 20, 40, 80, 160]


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (OperationalError("gone"), True),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (DomainError("invalid", "No."), False),
        (ValueError("bug"), False),
        (KeyError("bug"), False),
    ],
)
def test_only_transient_errors_are_tried_again(error: Exception, retried: bool) -> None:
    assert should_retry(error, 1) is retried
    assert should_retry(error, MAX_ATTEMPTS) is False


@pytest.mark.parametrize("failure", ["database away", "network"])
def test_a_transient_failure_is_put_back_for_later_with_the_same_arguments(
    queued: DummyBackend, failure: str
) -> None:
    before = clock.now()

    assert flaky.call("export 7", failure) is None

    (again,) = queued.results
    assert again.task.func is flaky.func
    assert list(again.args) == ["export 7", failure]
    assert again.kwargs == {"retry_attempt": 2}
    assert again.task.run_after is not None
    assert again.task.run_after - before >= dt.timedelta(seconds=10)
    assert again.task.run_after - before < dt.timedelta(seconds=15)


def test_later_attempts_wait_longer_and_the_last_one_fails_for_good(queued: DummyBackend) -> None:
    before = clock.now()
    flaky.call("x", "database away", retry_attempt=3)
    (again,) = queued.results
    assert again.kwargs == {"retry_attempt": 4}
    assert again.task.run_after is not None
    assert again.task.run_after - before >= dt.timedelta(seconds=40)

    queued.clear()
    with pytest.raises(OperationalError):
        flaky.call("x", "database away", retry_attempt=MAX_ATTEMPTS)
    assert queued.results == []


def test_a_domain_refusal_ends_the_job_without_a_retry(
    queued: DummyBackend, caplog: pytest.LogCaptureFixture
) -> None:
    assert flaky.call("export 8", "refused") is None
    assert queued.results == []
    assert "not_yours" in caplog.text


def test_a_defect_fails_the_job_without_a_retry(queued: DummyBackend) -> None:
    with pytest.raises(KeyError):
        flaky.call("export 9", "defect")
    assert queued.results == []


def test_a_job_that_works_returns_its_result(queued: DummyBackend) -> None:
    assert flaky.call("export 10", "none") == "export 10"
    assert calls == ["export 10"]
    assert queued.results == []


def test_on_rq_every_job_has_retries_for_a_dead_worker() -> None:
    """RQ spends these only when the work horse dies: a raising job gives them up first
    (tested on the cluster, tests/cluster)."""
    # Making a job talks to no Redis yet: the client only connects on its first command.
    queue = RetryingQueue("default", connection=Redis(port=1))
    job: Job = queue.create_job("tests.core.test_jobs.flaky", args=("a", "none"))
    assert job.retries_left == len(RQ_RETRY_INTERVALS)
    assert job.retry_intervals == RQ_RETRY_INTERVALS


def test_rq_workers_look_after_abandoned_jobs_every_half_minute() -> None:
    with mock.patch.object(rq.Worker, "__init__", return_value=None) as rq_init:
        Worker(["default"])
    assert rq_init.call_args.kwargs["maintenance_interval"] == WORKER_UPKEEP_SECONDS == 30


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _claimed_by(worker_id: str) -> DBTaskResult[Any, Any]:
    """An export job on the database queue, claimed by `worker_id` as db_worker does."""
    with override_settings(TASKS=DATABASE_QUEUE):
        flaky.enqueue("export 11", "none")
    result = DBTaskResult.objects.get()
    result.claim(worker_id)
    return result


@pytest.mark.django_db
def test_a_job_of_a_worker_silent_for_a_minute_goes_back_in_the_queue() -> None:
    result = _claimed_by("killed")
    with clock.set_to(clock.now() - WORKER_GONE_AFTER - dt.timedelta(seconds=5)):
        beat("killed")  # its last beat, then nothing

    assert requeue_abandoned(clock.now()) == 1

    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY  # a worker will claim it again
    assert result.started_at is None
    assert result.worker_ids == ["killed"]  # who had it stays on record


@pytest.mark.django_db
def test_a_job_of_a_worker_that_still_beats_stays_with_it() -> None:
    result = _claimed_by("alive")
    with clock.set_to(clock.now() - WORKER_GONE_AFTER - dt.timedelta(minutes=5)):
        beat("alive")
    beat("alive")  # and again just now: an update, not a second row

    assert requeue_abandoned(clock.now()) == 0
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING
    assert JobWorkerBeat.objects.count() == 1


@pytest.mark.django_db
def test_a_job_of_a_worker_that_never_beat_is_left_alone() -> None:
    """A worker without beats (another build of db_worker): nothing says it is gone."""
    result = _claimed_by("silent-from-the-start")
    with clock.set_to(clock.now() - dt.timedelta(hours=1)):
        beat("another, long gone")

    assert requeue_abandoned(clock.now()) == 0
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_workers_gone_for_a_day_are_forgotten() -> None:
    with clock.set_to(clock.now() - dt.timedelta(days=2)):
        beat("old")
    beat("new")
    requeue_abandoned(clock.now())
    assert list(JobWorkerBeat.objects.values_list("worker_id", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_db_worker_beats_from_its_own_thread_while_it_runs() -> None:
    stop_beating = start_beating("worker-under-test")
    try:
        deadline = time.monotonic() + 30
        while not JobWorkerBeat.objects.filter(worker_id="worker-under-test").exists():
            assert time.monotonic() < deadline, "no beat within 30 s"
            time.sleep(0.05)
    finally:
        stop_beating()


@task()
def hang_once(marker: str) -> str:
    """A job that hangs the first time it runs (to be killed there) and ends the next."""
    started = Path(marker)
    if not started.exists():
        started.write_text("started")
        time.sleep(300)
    return "done"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_left_by_a_killed_db_worker_goes_back_and_runs_again(
    tmp_path: Path, settings: Any
) -> None:
    """A real `manage.py db_worker` on this test's database, SIGKILLed mid-job."""
    settings.TASKS = DATABASE_QUEUE
    marker = tmp_path / "started"
    enqueued = hang_once.enqueue(str(marker))
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "commonwork.settings",
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
    }
    env.pop("REDIS_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and JobWorkerBeat.objects.exists()):
            assert worker.poll() is None, "the worker stopped by itself"
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.1)
    finally:
        worker.kill()  # SIGKILL, mid-job
        worker.wait()
    left = DBTaskResult.objects.get(pk=enqueued.id)
    assert left.status == TaskResultStatus.RUNNING

    assert requeue_abandoned(clock.now()) == 0  # its last beat is fresh: not yet
    assert requeue_abandoned(clock.now() + WORKER_GONE_AFTER + dt.timedelta(seconds=15)) == 1
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    left.refresh_from_db()
    assert left.status == TaskResultStatus.SUCCESSFUL
    assert left.return_value == "done"
