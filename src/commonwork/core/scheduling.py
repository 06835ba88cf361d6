"""The elected scheduler: any number of `run_scheduler` processes may run; the one holding
the lease enqueues, the others wait and take over within a tick after it stops renewing
(killed, hung, or its machine gone). Each periodic job is enqueued once per slot of its
interval (`JobSlot`, unique), so a takeover never doubles a close, a round or an expiry.

A lease row works the same on SQLite and PostgreSQL (the row lock orders contenders);
the pure rules are in `core.scheduler`.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from commonwork.core import clock
from commonwork.core.models import JobSlot, SchedulerLease
from commonwork.core.scheduler import PeriodicJob, slot_of

LEASE = dt.timedelta(seconds=5)  # five ticks: a leader that misses them is replaced


def identity() -> str:
    """This process, as the lease names it."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:120]


@transaction.atomic
def lead(me: str, now: dt.datetime | None = None, lease: dt.timedelta = LEASE) -> bool:
    """Take or renew the lease: True if this process leads now."""
    when = now or clock.now()
    row = SchedulerLease.objects.select_for_update().filter(pk=1).first()
    if row is None:
        try:
            with transaction.atomic():
                SchedulerLease.objects.create(
                    pk=1, holder=me, expires_at=when + lease, renewed_at=when
                )
        except IntegrityError:
            return False
        return True
    if row.holder != me and row.expires_at > when:
        return False
    row.holder, row.expires_at, row.renewed_at = me, when + lease, when
    row.save(update_fields=["holder", "expires_at", "renewed_at"])
    return True


def enqueue_due(jobs: Sequence[PeriodicJob], me: str, now: dt.datetime | None = None) -> list[str]:
    """Each job whose current slot has not been enqueued yet, enqueued once (the slot's row
    first, in one transaction with the enqueue where the queue is the database)."""
    when = now or clock.now()
    done = []
    for job in jobs:
        slot = slot_of(when.timestamp(), job.every_seconds())
        try:
            with transaction.atomic():
                JobSlot.objects.create(name=job.name, slot=slot, enqueued_at=when, enqueued_by=me)
                job.enqueue()
        except IntegrityError:
            continue  # already enqueued for this slot, by us or by a leader before us
        done.append(job.name)
    return done


def heartbeat() -> dt.datetime | None:
    """When the leading scheduler last renewed its lease (for /healthz)."""
    row = SchedulerLease.objects.filter(pk=1).first()
    return row.renewed_at if row else None


def forget_slots(before: dt.datetime) -> int:
    deleted, _ = JobSlot.objects.filter(enqueued_at__lt=before).delete()
    return deleted
