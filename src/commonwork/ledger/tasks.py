"""Background work for the books, run by the task backend (see settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.ledger.actions.periods import close_due_periods


@task()
def close_due_pay_periods() -> int:
    """Close every pay period that has ended; each close is one transaction."""
    return len(close_due_periods())
