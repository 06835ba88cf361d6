"""What the platform posts by itself: a completed task's split and a new member's share
(connected to the work and members apps' hooks in LedgerConfig.ready)."""

from __future__ import annotations

from typing import Any

from commonwork.ledger import rules
from commonwork.ledger.actions.entries import EntryDraft, Line, _nonzero, post_entry, rates
from commonwork.ledger.models import (
    AccountPurpose,
    EntryKind,
    JournalEntry,
)
from commonwork.members.hooks import SharesBought
from commonwork.members.models import Cooperative, Membership, User
from commonwork.work.hooks import TaskCompleted

# --- what the platform posts by itself ------------------------------------------------


def post_task_completion(*, task: Any, actor: User | None) -> JournalEntry | None:
    """A completed task: the client owes its price; the worker, the fee and the
    solidarity fund each get their part (ledger.rules.split_price). Called inside the
    transaction that completes the task."""
    if task.price_minor == 0:
        return None
    fee_rate, solidarity_rate = rates()
    split = rules.split_price(task.price_minor, fee_rate=fee_rate, solidarity_rate=solidarity_rate)
    worker_minor, fee_minor = split.worker_minor, split.fee_minor
    if task.partner_price_minor is not None:
        # A linked co-op did it: it is owed the price agreed with it; what the rates in force
        # now would have paid a worker of ours more or less is the fee's.
        worker_minor = task.partner_price_minor
        fee_minor = split.price_minor - split.solidarity_minor - worker_minor
    lines = _nonzero(
        Line(AccountPurpose.RECEIVABLE, split.price_minor, task.project.client_id),
        Line(AccountPurpose.PAYABLE, -worker_minor, task.worker_id),
        Line(AccountPurpose.FEES, -fee_minor),
        Line(AccountPurpose.SOLIDARITY, -split.solidarity_minor),
    )
    draft = EntryDraft(
        key=f"task:{task.pk}",
        kind=EntryKind.TASK_COMPLETION,
        memo=f"Task {task.pk}: {task.title}",
        lines=lines,
        task_id=task.pk,
    )
    return post_entry(draft, actor=actor)


def post_share_purchase(*, membership: Membership, actor: User | None) -> JournalEntry | None:
    """A new member's share: paid from their account with the co-op (their first
    earnings, or a transfer), credited to their capital account."""
    cooperative = Cooperative.objects.get(pk=1)
    price = cooperative.share_price_minor * membership.shares
    if price == 0:
        return None
    draft = EntryDraft(
        key=f"share:{membership.user_id}:admission",
        kind=EntryKind.SHARE_PURCHASE,
        memo=f"{membership.shares} share(s) bought on admission",
        lines=(
            Line(AccountPurpose.PAYABLE, price, membership.user_id),
            Line(AccountPurpose.CAPITAL, -price, membership.user_id),
        ),
    )
    return post_entry(draft, actor=actor)


def on_task_completed(event: TaskCompleted) -> None:
    post_task_completion(task=event.task, actor=event.actor)


def on_shares_bought(event: SharesBought) -> None:
    post_share_purchase(membership=event.membership, actor=event.actor)
