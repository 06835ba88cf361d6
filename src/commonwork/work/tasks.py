"""Background work for the work app, run by the task backend (see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.core import clock
from commonwork.core.jobs import one_off_task
from commonwork.work.actions import end_lapsed_availability, expire_offers


@task()
def end_lapsed() -> int:
    """End availability left on past its end or without a sign of its worker."""
    return end_lapsed_availability(clock.now())


@task()
def expire_due_offers() -> int:
    """Return tasks whose offers were not answered in time to the open board."""
    return expire_offers()


@one_off_task
def push_offer(offer_id: int) -> int:
    """Ring the worker's phone about a new offer (Web Push, where configured)."""
    from commonwork.work import push

    return push.send_offer(offer_id)
