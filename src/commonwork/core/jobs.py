"""One-off background jobs (an export, an offer's push, a lab run, an import) that a
passing fault does not lose.

`one_off_task` makes a django-tasks task whose *transient* failures — the database away
(restarting, failing over), the disk or the network failing — are tried again later, with
the same arguments and an exponential backoff, on either queue. A *domain refusal* ends the
job at once and is logged: asking again would be refused again. Anything else is a defect:
the job fails, visibly, and is not tried again.

On RQ a job whose worker dies under it (SIGKILL, out of memory) runs again too: every job
is enqueued with RQ's own retries (`RetryingQueue`), and a job that ends by raising gives
those retries up first, so RQ spends them only on a dead work horse or an abandoned job.
On the database queue each `db_worker` beats every 10 s (`JobWorkerBeat`), and a job
claimed by a worker silent for a minute goes back to the queue (`requeue_abandoned`).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

import rq
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django_rq.queues import DjangoRQ
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult
from rq import Retry, get_current_job

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.core.models import JobWorkerBeat

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Errors that say "not now" rather than "never": the database away, a socket or a disk.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)
# Tries in all, the first included: 10 s, 20 s, 40 s, 80 s, 160 s apart (about 5 min).
MAX_ATTEMPTS = 6
FIRST_DELAY = dt.timedelta(seconds=10)
# What RQ gives a job whose work horse died: run again after 10 s, then 1 and 5 min.
RQ_RETRY_INTERVALS = [10, 60, 300]
WORKER_UPKEEP_SECONDS = 30
# A database-queue worker beats this often, and is taken for gone after this silence.
WORKER_BEAT_SECONDS = 10
WORKER_GONE_AFTER = dt.timedelta(seconds=60)


def retry_delay(attempt: int) -> dt.timedelta:
    """How long to wait after failed attempt number `attempt` (1 for the first)."""
    return FIRST_DELAY * (1 << (attempt - 1))


def should_retry(error: BaseException, attempt: int) -> bool:
    """Whether a job that raised `error` on attempt number `attempt` is tried again."""
    if isinstance(error, DomainError):
        return False
    return isinstance(error, TRANSIENT_ERRORS) and attempt < MAX_ATTEMPTS


def one_off_task(func: Callable[P, R]) -> Task[..., R | None]:
    """`@task()` for a job enqueued once, retried as the module says. The job's result is
    None when it was refused or handed to a later attempt."""

    @functools.wraps(func)
    def run(*args: Any, retry_attempt: int = 1, **kwargs: Any) -> R | None:
        try:
            return func(*args, **kwargs)
        except DomainError as refusal:
            log.warning("job %s refused: %s", func.__qualname__, refusal.code)
            return None
        except Exception as error:
            if not should_retry(error, retry_attempt):
                _give_up_rq_retries()
                raise
            delay = retry_delay(retry_attempt)
            try:
                job.using(run_after=clock.now() + delay).enqueue(
                    *args, retry_attempt=retry_attempt + 1, **kwargs
                )
            except Exception:
                # The queue is away too (the database queue, with the database): RQ's
                # own retries or the operator take it from here.
                log.exception("job %s could not be put back", func.__qualname__)
                raise error from None
            log.warning(
                "job %s failed on attempt %d (%s); tried again in %d s",
                func.__qualname__,
                retry_attempt,
                type(error).__name__,
                delay.total_seconds(),
            )
            return None

    job: Task[..., R | None] = task()(cast(Callable[..., R | None], run))
    return job


def beat(worker_id: str) -> None:
    """A database-queue worker says it is alive."""
    JobWorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": clock.now()})


def start_beating(worker_id: str) -> Callable[[], None]:
    """Beat every WORKER_BEAT_SECONDS from a thread of its own (its own connection), for
    as long as the worker's process lives: a killed worker stops beating at once. What it
    returns stops the beating (a worker simply exits)."""
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                beat(worker_id)
            except DatabaseError:
                log.warning("worker %s could not beat; trying again", worker_id)
                connection.close()
            stop.wait(WORKER_BEAT_SECONDS)
        connection.close()

    thread = threading.Thread(target=run, name="job-worker-beat", daemon=True)
    thread.start()

    def stop_beating() -> None:
        stop.set()
        thread.join()

    return stop_beating


def requeue_abandoned(now: dt.datetime) -> int:
    """Put back in the database queue every job whose worker claimed it and has not beaten
    for WORKER_GONE_AFTER (at-least-once, as RQ does for a dead work horse); how many. A
    worker that never beat is left alone: nothing says it is gone."""
    gone = set(
        JobWorkerBeat.objects.filter(seen_at__lt=now - WORKER_GONE_AFTER).values_list(
            "worker_id", flat=True
        )
    )
    requeued = 0
    if gone:
        with transaction.atomic():
            running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
                status=TaskResultStatus.RUNNING
            )
            for result in running:
                if result.worker_ids and result.worker_ids[-1] in gone:
                    log.warning("job %s of a silent worker goes back in the queue", result.pk)
                    result.status = TaskResultStatus.READY
                    result.started_at = None
                    result.save(update_fields=["status", "started_at"])
                    requeued += 1
    # Workers long gone are forgotten (their jobs went back a day ago).
    JobWorkerBeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return requeued


def _give_up_rq_retries() -> None:
    """A job failing by raising is not run again by RQ (its retries are for dead workers)."""
    current = get_current_job()
    if current is not None:
        current.retries_left = None


class Worker(rq.Worker):
    """RQ's worker, doing its upkeep every 30 s instead of every 10 min: a job abandoned by
    a worker that died runs again, and the dead worker's part of putting retries back in
    the queue (`--with-scheduler`) passes to a living one, that much sooner."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", WORKER_UPKEEP_SECONDS)
        super().__init__(*args, **kwargs)


class RetryingQueue(DjangoRQ):
    """RQ's queue, giving every job retries: a job whose worker was killed runs again."""

    def create_job(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("retry") is None:
            kwargs["retry"] = Retry(max=len(RQ_RETRY_INTERVALS), interval=RQ_RETRY_INTERVALS)
        return super().create_job(*args, **kwargs)
