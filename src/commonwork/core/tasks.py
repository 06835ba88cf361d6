"""Background work of the kernel, run by the task backend (see site.jobs for when)."""

from __future__ import annotations

from django_tasks import task

from commonwork.core import audit, clock, jobs


@task()
def sign_audit_checkpoint() -> int:
    """Sign where the audit chains' heads that moved now stand: how many heads."""
    checkpoint = audit.write_checkpoint()
    return len(checkpoint.heads) if checkpoint is not None else 0


@task()
def requeue_abandoned_jobs() -> int:
    """Put back in the database queue the jobs of workers that stopped beating."""
    return jobs.requeue_abandoned(clock.now())
