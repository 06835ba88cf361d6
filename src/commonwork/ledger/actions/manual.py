"""What people post: tips, client payments, expenses, stipends and reversals."""

from __future__ import annotations

from django.db import transaction

from commonwork.core.errors import NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.ledger.actions.entries import (
    EntryDraft,
    Line,
    check_currency,
    check_manual_amount,
    post_entry,
)
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import (
    AccountPurpose,
    EntryKind,
    JournalEntry,
)
from commonwork.members.models import Membership, Role, User
from commonwork.members.selectors import require_role
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task

# --- what people post -------------------------------------------------------------------


@transaction.atomic
def tip_task(
    *,
    actor: User,
    task_id: int,
    amount_minor: object,
    key: str,
    currency: str | None = None,
    confirmed: bool = False,
) -> JournalEntry:
    """A client tips the worker of a completed task; 100 % of it goes to the worker. A tip
    above the governed tip_confirm_above asks to be confirmed (a slip of the finger
    should not put 1,000,000.00 on the books)."""
    require_role(actor)
    check_currency(currency)
    amount = check_manual_amount(amount_minor)
    threshold = int(read_parameter("tip_confirm_above"))
    if amount > threshold and not confirmed:
        raise LedgerError(
            "confirm",
            "A tip above {threshold} minor units must be confirmed: send it again with "
            "the confirmation.",
            field="amount_minor",
            params={"threshold": threshold},
        )
    task = Task.objects.select_related("project").filter(pk=task_id).first()
    if task is None or task.project.client_id != actor.pk:
        raise NotFound("Task", field="task_id")
    if task.status != TaskStatus.COMPLETED or task.worker_id is None:
        raise LedgerError("illegal_transition", "Only a completed task can be tipped.")
    draft = EntryDraft(
        key=f"tip:{actor.pk}:{key}",
        kind=EntryKind.TIP,
        memo=f"Tip for task {task.pk}",
        lines=(
            Line(AccountPurpose.RECEIVABLE, amount, actor.pk),
            Line(AccountPurpose.PAYABLE, -amount, task.worker_id),
        ),
        task_id=task.pk,
    )
    return post_entry(draft, actor=actor)


def _require_member(user_id: int, *, field: str) -> Membership:
    membership = Membership.objects.filter(user_id=user_id).first()
    if membership is None:
        raise NotFound("Member", field=field)
    return membership


@transaction.atomic
def record_client_payment(
    *, actor: User, client_id: int, amount_minor: object, key: str, currency: str | None = None
) -> JournalEntry:
    """Money from a client arrived in the bank: their receivable goes down."""
    require_role(actor, Role.STEWARD)
    check_currency(currency)
    amount = check_manual_amount(amount_minor)
    _require_member(client_id, field="client_id")
    draft = EntryDraft(
        key=f"client-payment:{key}",
        kind=EntryKind.CLIENT_PAYMENT,
        memo=f"Payment received from client {client_id}",
        lines=(
            Line(AccountPurpose.BANK, amount),
            Line(AccountPurpose.RECEIVABLE, -amount, client_id),
        ),
    )
    return post_entry(draft, actor=actor)


@transaction.atomic
def record_expense(
    *, actor: User, amount_minor: object, memo: str, key: str, currency: str | None = None
) -> JournalEntry:
    """An operating cost paid from the bank (hosting, insurance, accounting)."""
    require_role(actor, Role.STEWARD)
    check_currency(currency)
    amount = check_manual_amount(amount_minor)
    if not memo.strip():
        raise LedgerError("invalid", "Say what the expense was for.", field="memo")
    draft = EntryDraft(
        key=f"expense:{key}",
        kind=EntryKind.EXPENSE,
        memo=memo.strip(),
        lines=(Line(AccountPurpose.OPERATING, amount), Line(AccountPurpose.BANK, -amount)),
    )
    return post_entry(draft, actor=actor)


@transaction.atomic
def record_stipend(
    *, actor: User, member_id: int, amount_minor: object, memo: str, key: str
) -> JournalEntry:
    """A stipend for a member's stewarding work, owed to them like earnings."""
    require_role(actor, Role.STEWARD)
    amount = check_manual_amount(amount_minor)
    _require_member(member_id, field="member_id")
    if not memo.strip():
        raise LedgerError("invalid", "Say what the stipend is for.", field="memo")
    draft = EntryDraft(
        key=f"stipend:{key}",
        kind=EntryKind.STIPEND,
        memo=memo.strip(),
        lines=(
            Line(AccountPurpose.STIPENDS, amount),
            Line(AccountPurpose.PAYABLE, -amount, member_id),
        ),
    )
    return post_entry(draft, actor=actor)


@transaction.atomic
def reverse_entry(*, actor: User, entry_id: int, reason: str) -> JournalEntry:
    """Correct an entry by posting its mirror image; the original stays as it was."""
    require_role(actor, Role.STEWARD)
    if not reason.strip():
        raise LedgerError("invalid", "Say why the entry is reversed.", field="reason")
    entry = JournalEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("Journal entry", field="entry_id")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise LedgerError("conflict", "This entry was already reversed.")
    lines = tuple(
        Line(posting.account.purpose, -posting.amount_minor, posting.account.owner_id)
        for posting in entry.postings.select_related("account")
    )
    draft = EntryDraft(
        key=f"reversal:{entry.pk}",
        kind=EntryKind.REVERSAL,
        memo=f"Reverses entry {entry.pk}: {reason.strip()}"[:200],
        lines=lines,
        reverses_id=entry.pk,
    )
    return post_entry(draft, actor=actor)
