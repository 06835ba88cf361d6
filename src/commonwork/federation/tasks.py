"""Federation's background work, run by the task backend (settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.federation.actions import deliver_due, forget_old_signatures
from commonwork.federation.actions.overflow import offer_uncovered


@task()
def deliver_to_peers() -> dict[str, int]:
    counts = deliver_due()
    forget_old_signatures()
    return counts


@task()
def offer_uncovered_tasks() -> int:
    return offer_uncovered()
