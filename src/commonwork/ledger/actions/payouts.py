"""Paying members: bank details, payout batches, and the files a treasurer gives a bank.

A batch is prepared for a closed period from what each member is owed at that moment
(the credit balance of their payable account). It posts nothing until a steward marks
it paid, which happens exactly once: the batch row is locked, a paid batch refuses a
second marking, and each payout entry has a unique key.
"""

from __future__ import annotations

import io
from datetime import date

from django.db import transaction
from django.db.models import Sum
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from commonwork.core import audit, clock, csvsafe, money
from commonwork.core.errors import NotFound
from commonwork.ledger.actions.entries import EntryDraft, Line, post_entries
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import (
    AccountPurpose,
    EntryKind,
    PayoutAccount,
    PayoutBatch,
    PayoutLine,
    PayoutStatus,
    PayPeriod,
    Posting,
)
from commonwork.members import actions as members
from commonwork.members.models import Cooperative, Membership, Role, User
from commonwork.members.selectors import require_role


def clean_iban(value: str, *, field: str = "iban") -> str:
    try:
        return str(IBAN(value).compact)
    except SchwiftyException as exc:
        raise LedgerError(
            "invalid", "This is not a valid IBAN: {exc}.", field=field, params={"exc": exc}
        ) from exc


def clean_bic(value: str, *, field: str = "bic") -> str:
    if not value.strip():
        return ""
    try:
        return str(BIC(value.strip()).compact)
    except SchwiftyException as exc:
        raise LedgerError(
            "invalid", "This is not a valid BIC: {exc}.", field=field, params={"exc": exc}
        ) from exc


@transaction.atomic
def set_payout_account(*, actor: User, holder: str, iban: str, bic: str = "") -> PayoutAccount:
    """A member says where their pay goes."""
    require_role(actor)
    return _save_payout_account(actor, actor, holder, iban, bic, "ledger.payout_account_set")


def _save_payout_account(
    actor: User, payee: User, holder: str, iban: str, bic: str, action: str
) -> PayoutAccount:
    holder = holder.strip()
    if not 1 <= len(holder) <= 70:
        raise LedgerError("invalid", "The account holder is 1 to 70 characters.", field="holder")
    account, _created = PayoutAccount.objects.update_or_create(
        member=payee,
        defaults={
            "holder": holder,
            "iban": clean_iban(iban),
            "bic": clean_bic(bic),
            "updated_at": clock.now(),
        },
    )
    # The audit log records that the details changed, never the details themselves.
    audit.record(actor=actor, action=action, obj=account, data={})
    return account


@transaction.atomic
def set_partner_payout_account(
    *, actor: User, account: User, holder: str, iban: str, bic: str = ""
) -> PayoutAccount:
    """A steward records where a linked co-op is paid (its account in our books is never
    a member, so nobody else can): the next payout file pays it what it is owed."""
    require_role(actor, Role.STEWARD)
    if Membership.objects.filter(user=account).exists():
        raise LedgerError("forbidden", "A member gives their own bank details.", field="account")
    return _save_payout_account(
        actor, account, holder, iban, bic, "ledger.partner_payout_account_set"
    )


@transaction.atomic
def set_coop_bank_account(*, actor: User, holder: str, iban: str, bic: str = "") -> Cooperative:
    """A steward records the co-op's own bank account, the debtor of payout files."""
    require_role(actor, Role.STEWARD)
    holder = holder.strip()
    if not 1 <= len(holder) <= 70:
        raise LedgerError("invalid", "The account holder is 1 to 70 characters.", field="holder")
    return members.set_bank_account(
        actor=actor, holder=holder, iban=clean_iban(iban), bic=clean_bic(bic)
    )


def owed_by_member() -> dict[int, int]:
    """What the co-op owes each member now: the credit balance of their payable account."""
    balances = (
        Posting.objects.filter(account__purpose=AccountPurpose.PAYABLE)
        .values_list("account__owner_id")
        .annotate(balance=Sum("amount_minor"))
    )
    return {owner: -balance for owner, balance in balances if balance < 0}


@transaction.atomic
def prepare_payout_batch(*, actor: User, period_id: int) -> PayoutBatch:
    """A batch paying every member what they are owed, for a closed period.

    What is owed and already in a batch not yet paid is not owed again: a member with an
    unpaid line is left out until that batch is paid or cancelled (and the database
    refuses a second unpaid line). Members who have not given bank details are left out
    and stay owed; the page lists them."""
    require_role(actor, Role.STEWARD)
    period = PayPeriod.objects.select_for_update().filter(pk=period_id).first()
    if period is None:
        raise NotFound("Pay period", field="period_id")
    live = PayoutBatch.objects.filter(period=period).exclude(status=PayoutStatus.CANCELLED)
    if live.exists():
        raise LedgerError("conflict", "This period already has a payout batch.")
    accounts = {account.member_id: account for account in PayoutAccount.objects.all()}
    in_unpaid_batch = set(
        PayoutLine.objects.select_for_update()
        .filter(unpaid=True)
        .values_list("member_id", flat=True)
    )
    owed = owed_by_member()
    payable = {
        member: amount
        for member, amount in owed.items()
        if member in accounts and member not in in_unpaid_batch
    }
    if not payable:
        raise LedgerError("invalid", "No member with bank details is owed money.")
    batch = PayoutBatch.objects.create(period=period, prepared_at=clock.now(), prepared_by=actor)
    PayoutLine.objects.bulk_create(
        PayoutLine(
            batch=batch,
            member_id=member,
            amount_minor=amount,
            holder=accounts[member].holder,
            iban=accounts[member].iban,
            bic=accounts[member].bic,
        )
        for member, amount in sorted(payable.items())
    )
    audit.record(
        actor=actor,
        action="ledger.payout_prepared",
        obj=batch,
        data={"lines": len(payable), "total_minor": sum(payable.values())},
    )
    return batch


@transaction.atomic
def mark_batch_paid(*, actor: User, batch_id: int) -> PayoutBatch:
    """The bank has paid the batch: each member's payable goes down by their line."""
    require_role(actor, Role.STEWARD)
    batch = PayoutBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("Payout batch", field="batch_id")
    if batch.status == PayoutStatus.PAID:
        raise LedgerError("conflict", "This batch is already marked paid; nothing was posted.")
    if batch.status == PayoutStatus.CANCELLED:
        raise LedgerError("conflict", "This batch was cancelled; nothing was posted.")
    lines = list(batch.lines.all())
    # Reconcile: each line may pay at most what its member is owed now.
    owed = owed_by_member()
    short = [line.member_id for line in lines if owed.get(line.member_id, 0) < line.amount_minor]
    if short:
        raise LedgerError(
            "conflict",
            "The batch pays more than is owed now to member {members}; cancel it and prepare "
            "a new one.",
            params={"members": ", ".join(str(m) for m in short)},
        )
    post_entries(
        [
            EntryDraft(
                key=f"payout:{batch.pk}:{line.member_id}",
                kind=EntryKind.PAYOUT,
                memo=f"Payout for {batch.period}",
                lines=(
                    Line(AccountPurpose.PAYABLE, line.amount_minor, line.member_id),
                    Line(AccountPurpose.BANK, -line.amount_minor),
                ),
                period_id=batch.period_id,
            )
            for line in lines
        ],
        actor=actor,
    )
    batch.status = PayoutStatus.PAID
    batch.paid_at = clock.now()
    batch.paid_by = actor
    batch.save(update_fields=["status", "paid_at", "paid_by"])
    batch.lines.update(unpaid=False)
    audit.record(
        actor=actor,
        action="ledger.payout_paid",
        obj=batch,
        data={"lines": len(lines), "total_minor": sum(line.amount_minor for line in lines)},
    )
    return batch


@transaction.atomic
def cancel_payout_batch(*, actor: User, batch_id: int) -> PayoutBatch:
    """A prepared batch the bank will not pay (a mistake, changed details): its lines are
    owed again, for the next batch. Preparing posted nothing, so nothing is reversed; a
    paid batch cannot be cancelled (its payments are in the books)."""
    require_role(actor, Role.STEWARD)
    batch = PayoutBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("Payout batch", field="batch_id")
    if batch.status != PayoutStatus.PREPARED:
        raise LedgerError("conflict", "Only a prepared batch, not yet paid, can be cancelled.")
    batch.status = PayoutStatus.CANCELLED
    batch.save(update_fields=["status"])
    batch.lines.update(unpaid=False)
    audit.record(actor=actor, action="ledger.payout_cancelled", obj=batch, data={})
    return batch


def _reference(batch: PayoutBatch, line: PayoutLine) -> str:
    return f"Commonwork pay {batch.period.starts_on}..{batch.period.ends_on} M{line.member_id}"


def batch_csv(batch: PayoutBatch) -> str:
    """The batch as CSV: one row per payment, amounts in major units with a dot."""
    currency = Cooperative.objects.get(pk=1).currency
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(["member", "holder", "iban", "bic", "amount", "currency", "reference"])
    for line in batch.lines.all():
        amount = money.major_units(line.amount_minor, currency)
        writer.writerow(
            [
                line.member_id,
                line.holder,
                line.iban,
                line.bic,
                amount,
                currency,
                _reference(batch, line),
            ]
        )
    return out.getvalue()


def batch_pain001(batch: PayoutBatch, *, execution_date: date | None = None) -> bytes:
    """The batch as an ISO 20022 credit transfer (pain.001.001.03), built and checked
    against the schema by sepaxml."""
    cooperative = Cooperative.objects.get(pk=1)
    if not cooperative.bank_iban:
        raise LedgerError(
            "invalid", "Enter the co-op's own IBAN before exporting a bank file.", field="bank_iban"
        )
    if cooperative.currency != "EUR":
        raise LedgerError("invalid", "SEPA transfers are in euros; use the CSV file instead.")
    config: dict[str, object] = {
        "name": cooperative.bank_account_holder or cooperative.name,
        "IBAN": cooperative.bank_iban,
        "batch": True,
        "currency": "EUR",
    }
    if cooperative.bank_bic:
        config["BIC"] = cooperative.bank_bic
    transfer = SepaTransfer(config, clean=True)
    when = execution_date or clock.now().date()
    for line in batch.lines.all():
        payment: dict[str, object] = {
            "name": line.holder,
            "IBAN": line.iban,
            "amount": line.amount_minor,
            "execution_date": when,
            "description": _reference(batch, line),
            "endtoend_id": f"CW{batch.pk}M{line.member_id}",
        }
        if line.bic:
            payment["BIC"] = line.bic
        transfer.add_payment(payment)
    document: bytes = transfer.export(validate=True)
    return document
