"""Posting entries: the one insert into the journal, with its checks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction

from commonwork.core import audit, clock
from commonwork.core.audit import canonical_json
from commonwork.governance.parameters import read_parameter
from commonwork.ledger import rules
from commonwork.ledger.actions._shared import (
    COOP_ACCOUNTS,
    MAX_KEY_LENGTH,
    MAX_MANUAL_AMOUNT_MINOR,
    OWNED_ACCOUNTS,
)
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import (
    Account,
    EntryKind,
    JournalEntry,
    Posting,
)
from commonwork.members.models import Cooperative, User


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


def lock_coop_account(purpose: str) -> Account:
    """Hold the row lock of one of the co-op's own accounts until the transaction ends:
    what draws on a fund waits for the other draws on that fund, and nothing else."""
    account = Account.objects.select_for_update().filter(purpose=purpose, owner=None).first()
    if account is None:
        _open_account(purpose, None)
        account = Account.objects.select_for_update().get(purpose=purpose, owner=None)
    return account


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
