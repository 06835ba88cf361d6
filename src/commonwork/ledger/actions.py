"""Every write to the books: balanced, idempotent, atomic, audited.

`post_entries` is the only function that inserts journal entries. Each entry carries an
idempotency key: posting the same key again with the same lines returns the entry that
exists; the same key with different lines is refused. The rules (how a price splits,
what the floor owes) are the pure functions of `ledger.rules`; this module only turns
their answers into postings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction

from commonwork.core import audit, clock
from commonwork.core.audit import canonical_json
from commonwork.core.errors import NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.ledger import rules
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import (
    Account,
    AccountPurpose,
    AccountType,
    EntryKind,
    JournalEntry,
    Posting,
)
from commonwork.members.models import Cooperative, Membership, Role, User
from commonwork.members.selectors import require_role

MAX_KEY_LENGTH = 200
# A single manual amount above this (10 million major units at two decimals) is a typo.
MAX_MANUAL_AMOUNT_MINOR = 1_000_000_000

# The co-op's own accounts, one per purpose, and the accounts each member or client has.
COOP_ACCOUNTS: dict[str, tuple[AccountType, str]] = {
    AccountPurpose.BANK: (AccountType.ASSETS, "Assets:Bank"),
    AccountPurpose.FEES: (AccountType.INCOME, "Income:Fees"),
    AccountPurpose.OPERATING: (AccountType.EXPENSES, "Expenses:Operating"),
    AccountPurpose.FLOOR: (AccountType.EXPENSES, "Expenses:PayFloor"),
    AccountPurpose.STIPENDS: (AccountType.EXPENSES, "Expenses:Stipends"),
    AccountPurpose.SOLIDARITY: (AccountType.EQUITY, "Equity:Funds:Solidarity"),
    AccountPurpose.RESERVES: (AccountType.EQUITY, "Equity:Reserves"),
    AccountPurpose.COMMUNITY: (AccountType.EQUITY, "Equity:Funds:Community"),
}
OWNED_ACCOUNTS: dict[str, tuple[AccountType, str]] = {
    AccountPurpose.RECEIVABLE: (AccountType.ASSETS, "Assets:Receivable:Client{owner}"),
    AccountPurpose.PAYABLE: (AccountType.LIABILITIES, "Liabilities:Payable:Member{owner}"),
    AccountPurpose.CAPITAL: (AccountType.EQUITY, "Equity:Capital:Member{owner}"),
}


@dataclass(frozen=True)
class Line:
    """One posting to be made: to which account, how much (debit +, credit -)."""

    purpose: str
    amount_minor: int
    owner_id: int | None = None


@dataclass(frozen=True)
class EntryDraft:
    key: str
    kind: str
    memo: str
    lines: tuple[Line, ...]
    task_id: int | None = None
    period_id: int | None = None
    reverses_id: int | None = None


def _fingerprint(draft: EntryDraft) -> str:
    lines = sorted((line.purpose, line.owner_id or 0, line.amount_minor) for line in draft.lines)
    return hashlib.sha256(canonical_json([draft.kind, lines]).encode()).hexdigest()


def _check_draft(draft: EntryDraft) -> None:
    if not draft.key or len(draft.key) > MAX_KEY_LENGTH:
        raise LedgerError("invalid", f"An entry's key is 1 to {MAX_KEY_LENGTH} characters.")
    if draft.kind not in EntryKind.values:
        raise LedgerError("invalid", f"There is no kind of entry called {draft.kind!r}.")
    try:
        rules.check_entry_amounts([line.amount_minor for line in draft.lines])
    except rules.RuleInputError as exc:
        raise LedgerError("invalid", f"This entry cannot be posted: {exc}.") from exc
    for line in draft.lines:
        owned = line.purpose in OWNED_ACCOUNTS
        if line.purpose not in COOP_ACCOUNTS and not owned:
            raise LedgerError("invalid", f"There is no account for {line.purpose!r}.")
        if owned != (line.owner_id is not None):
            raise LedgerError("invalid", f"A {line.purpose} account needs an owner, only it.")


def check_currency(currency: str | None) -> None:
    """Refuse any currency but the co-op's: the books hold one currency."""
    if currency is None:
        return
    cooperative = Cooperative.objects.filter(pk=1).first()
    expected = cooperative.currency if cooperative else None
    if currency != expected:
        raise LedgerError(
            "invalid",
            f"The books are kept in {expected}; an amount in {currency} cannot be posted.",
            field="currency",
        )


def _accounts_for(lines: Iterable[Line]) -> dict[tuple[str, int | None], Account]:
    """The accounts the lines post to, opening the missing ones."""
    wanted = {(line.purpose, line.owner_id) for line in lines}
    found: dict[tuple[str, int | None], Account] = {}
    coop = [purpose for purpose, owner in wanted if owner is None]
    owned = {owner for _purpose, owner in wanted if owner is not None}
    for account in Account.objects.filter(purpose__in=coop, owner__isnull=True):
        found[(account.purpose, None)] = account
    for account in Account.objects.filter(owner_id__in=owned):
        found[(account.purpose, account.owner_id)] = account
    for purpose, owner in sorted(wanted - found.keys(), key=lambda pair: (pair[0], pair[1] or 0)):
        found[(purpose, owner)] = _open_account(purpose, owner)
    return found


def _open_account(purpose: str, owner_id: int | None) -> Account:
    account_type, pattern = COOP_ACCOUNTS[purpose] if owner_id is None else OWNED_ACCOUNTS[purpose]
    name = pattern.format(owner=owner_id)
    try:
        # A savepoint: a concurrent opener's row makes this insert fail without
        # aborting the caller's transaction, and the next read finds that row.
        with transaction.atomic():
            return Account.objects.create(
                name=name,
                type=account_type,
                purpose=purpose,
                owner_id=owner_id,
                opened_at=clock.now(),
            )
    except IntegrityError:
        return Account.objects.get(name=name)


@transaction.atomic
def post_entries(
    drafts: Sequence[EntryDraft],
    *,
    actor: User | None,
    posted_at: Any = None,
    audit_action: str = "ledger.posted",
) -> list[JournalEntry]:
    """Post the drafts, all or none, in one transaction; return their entries in order.

    A draft whose key was posted before with the same lines returns the existing entry
    and posts nothing; with different lines it is refused.
    """
    for draft in drafts:
        _check_draft(draft)
    keys = [draft.key for draft in drafts]
    if len(set(keys)) != len(keys):
        raise LedgerError("invalid", "Two entries in one posting share a key.")
    existing = {entry.key: entry for entry in JournalEntry.objects.filter(key__in=keys)}
    fresh: list[EntryDraft] = []
    for draft in drafts:
        previous = existing.get(draft.key)
        if previous is None:
            fresh.append(draft)
        elif previous.fingerprint != _fingerprint(draft):
            raise LedgerError(
                "idempotency_key_reused",
                f"The key {draft.key!r} was already used for a different entry.",
            )
    if fresh:
        try:
            with transaction.atomic():
                created = _insert(fresh, actor=actor, posted_at=posted_at or clock.now())
        except IntegrityError:
            # A concurrent poster used one of these keys first; its entries now exist,
            # and a second pass either finds them identical or refuses.
            if not JournalEntry.objects.filter(key__in=[d.key for d in fresh]).exists():
                raise
            return post_entries(drafts, actor=actor, posted_at=posted_at)
        existing.update({entry.key: entry for entry in created})
        audit.record(
            actor=actor,
            action=audit_action,
            object_type="ledger.journalentry",
            object_id=str(created[0].pk) if len(created) == 1 else "",
            data=_audit_summary(fresh),
        )
    return [existing[key] for key in keys]


def post_entry(draft: EntryDraft, *, actor: User | None, posted_at: Any = None) -> JournalEntry:
    return post_entries([draft], actor=actor, posted_at=posted_at)[0]


def _insert(
    drafts: Sequence[EntryDraft], *, actor: User | None, posted_at: Any
) -> list[JournalEntry]:
    accounts = _accounts_for(line for draft in drafts for line in draft.lines)
    entries = JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                key=draft.key,
                fingerprint=_fingerprint(draft),
                kind=draft.kind,
                posted_at=posted_at,
                memo=draft.memo[:200],
                task_id=draft.task_id,
                period_id=draft.period_id,
                reverses_id=draft.reverses_id,
                created_by=actor,
            )
            for draft in drafts
        ]
    )
    Posting.objects.bulk_create(
        [
            Posting(
                entry=entry,
                account=accounts[(line.purpose, line.owner_id)],
                amount_minor=line.amount_minor,
            )
            for entry, draft in zip(entries, drafts, strict=True)
            for line in draft.lines
        ]
    )
    return entries


def _audit_summary(drafts: Sequence[EntryDraft]) -> dict[str, Any]:
    if len(drafts) == 1:
        draft = drafts[0]
        return {
            "key": draft.key,
            "kind": draft.kind,
            "lines": [[line.purpose, line.owner_id, line.amount_minor] for line in draft.lines],
        }
    return {
        "entries": len(drafts),
        "kinds": sorted({draft.kind for draft in drafts}),
        "debits": sum(
            line.amount_minor for d in drafts for line in d.lines if line.amount_minor > 0
        ),
    }


def _nonzero(*lines: Line) -> tuple[Line, ...]:
    return tuple(line for line in lines if line.amount_minor != 0)


def check_manual_amount(amount_minor: object, *, field: str = "amount_minor") -> int:
    """A positive whole number of minor units, or a clear refusal."""
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise LedgerError("invalid", "An amount is a whole number of minor units.", field=field)
    if amount_minor <= 0:
        raise LedgerError("invalid", "An amount must be more than zero.", field=field)
    if amount_minor > MAX_MANUAL_AMOUNT_MINOR:
        raise LedgerError("invalid", "This amount is too large to be right.", field=field)
    return amount_minor


def rates() -> tuple[Fraction, Fraction]:
    """The governed fee and solidarity rates in force now."""
    return Fraction(read_parameter("fee_rate")), Fraction(read_parameter("solidarity_rate"))


# --- what the platform posts by itself ------------------------------------------------


def post_task_completion(*, task: Any, actor: User | None) -> JournalEntry | None:
    """A completed task: the client owes its price; the worker, the fee and the
    solidarity fund each get their part (ledger.rules.split_price). Called inside the
    transaction that completes the task."""
    if task.price_minor == 0:
        return None
    fee_rate, solidarity_rate = rates()
    split = rules.split_price(task.price_minor, fee_rate=fee_rate, solidarity_rate=solidarity_rate)
    lines = _nonzero(
        Line(AccountPurpose.RECEIVABLE, split.price_minor, task.project.client_id),
        Line(AccountPurpose.PAYABLE, -split.worker_minor, task.worker_id),
        Line(AccountPurpose.FEES, -split.fee_minor),
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


# --- what people post -------------------------------------------------------------------


@transaction.atomic
def tip_task(
    *, actor: User, task_id: int, amount_minor: object, key: str, currency: str | None = None
) -> JournalEntry:
    """A client tips the worker of a completed task; 100 % of it goes to the worker."""
    from commonwork.work.lifecycle import TaskStatus
    from commonwork.work.models import Task

    require_role(actor)
    check_currency(currency)
    amount = check_manual_amount(amount_minor)
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
