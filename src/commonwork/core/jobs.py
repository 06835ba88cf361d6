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
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

import rq
from django.db import InterfaceError, OperationalError
from django_rq.queues import DjangoRQ
from django_tasks import task
from django_tasks.base import Task
from rq import Retry, get_current_job

from commonwork.core import clock
from commonwork.core.errors import DomainError

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
