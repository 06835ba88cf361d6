"""The books: what each event posts, idempotency, immutability, bad input, the checks."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from commonwork.core import clock
from commonwork.core.errors import Forbidden, NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.ledger import actions as ledger
from commonwork.ledger.books import check_books
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import Account, EntryKind, JournalEntry, Posting
from commonwork.ledger.rules import split_price
from commonwork.members.models import Cooperative
from tests.ledger.conftest import FOUNDED, at, balance_of


def _entry_count() -> tuple[int, int]:
    return JournalEntry.objects.count(), Posting.objects.count()


def test_founding_and_admission_post_each_members_share(alice: Any, bob: Any) -> None:
    price = Cooperative.objects.get(pk=1).share_price_minor
    for member in (alice, bob):
        assert balance_of(f"Equity:Capital:Member{member.pk}") == -price
        # Paid from their account with the co-op: until they earn, they owe it.
        assert balance_of(f"Liabilities:Payable:Member{member.pk}") == price
    assert check_books().ok


def test_a_completed_task_splits_its_price_by_the_governed_rates(
    bob: Any, dan: Any, complete_task: Any
) -> None:
    before = balance_of(f"Liabilities:Payable:Member{bob.pk}")
    task = complete_task(bob, start=at(FOUNDED, 10))
    split = split_price(
        task.price_minor,
        fee_rate=Fraction(read_parameter("fee_rate")),
        solidarity_rate=Fraction(read_parameter("solidarity_rate")),
    )
    entry = JournalEntry.objects.get(task=task, kind=EntryKind.TASK_COMPLETION)
    lines = {p.account.name: p.amount_minor for p in entry.postings.select_related("account")}
    assert lines == {
        f"Assets:Receivable:Client{dan.pk}": task.price_minor,
        f"Liabilities:Payable:Member{bob.pk}": -split.worker_minor,
        "Income:Fees": -split.fee_minor,
        "Equity:Funds:Solidarity": -split.solidarity_minor,
    }
    assert split.fee_minor > 0
    assert split.solidarity_minor > 0
    assert balance_of(f"Liabilities:Payable:Member{bob.pk}") == before - split.worker_minor
    assert check_books().ok


def test_the_fee_in_force_at_completion_is_the_one_applied(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    from commonwork.governance.actions import set_parameter

    set_parameter(actor=alice, name="fee_rate", value="0.05", reason="Costs fell.")
    task = complete_task(bob, start=at(FOUNDED, 10))
    fee = Posting.objects.get(entry__task=task, account__name="Income:Fees").amount_minor
    assert -fee == round(Fraction(task.price_minor) * Fraction(5, 100))


def test_a_tip_goes_wholly_to_the_worker_and_a_retry_posts_it_once(
    bob: Any, dan: Any, complete_task: Any
) -> None:
    task = complete_task(bob, start=at(FOUNDED, 10))
    before = balance_of(f"Liabilities:Payable:Member{bob.pk}")
    first = ledger.tip_task(actor=dan, task_id=task.pk, amount_minor=250, key="tip-1")
    again = ledger.tip_task(actor=dan, task_id=task.pk, amount_minor=250, key="tip-1")
    assert first.pk == again.pk
    assert balance_of(f"Liabilities:Payable:Member{bob.pk}") == before - 250
    assert JournalEntry.objects.filter(kind=EntryKind.TIP).count() == 1
    with pytest.raises(LedgerError) as reused:
        ledger.tip_task(actor=dan, task_id=task.pk, amount_minor=300, key="tip-1")
    assert reused.value.code == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        (-5, None, "amount_minor"),
        (0, None, "amount_minor"),
        (2.5, None, "amount_minor"),
        ("100", None, "amount_minor"),
        (True, None, "amount_minor"),
        (100, "USD", "currency"),
    ],
)
def test_bad_amounts_and_foreign_currencies_are_refused_and_post_nothing(
    bob: Any, dan: Any, complete_task: Any, amount: Any, currency: Any, field: str
) -> None:
    task = complete_task(bob, start=at(FOUNDED, 10))
    before = _entry_count()
    with pytest.raises(LedgerError) as refused:
        ledger.tip_task(actor=dan, task_id=task.pk, amount_minor=amount, key="k", currency=currency)
    assert refused.value.field == field
    assert refused.value.message
    assert _entry_count() == before


def test_only_a_completed_task_of_ones_own_can_be_tipped(
    bob: Any, dan: Any, carol: Any, open_task: Any, complete_task: Any
) -> None:
    with pytest.raises(LedgerError) as not_done:
        ledger.tip_task(actor=dan, task_id=open_task.pk, amount_minor=100, key="a")
    assert not_done.value.code == "illegal_transition"
    task = complete_task(bob, start=at(FOUNDED, 10))
    with pytest.raises(NotFound) as not_theirs:
        ledger.tip_task(actor=carol, task_id=task.pk, amount_minor=100, key="b")
    assert not_theirs.value.code == "not_found"


def test_an_unbalanced_or_empty_entry_is_refused(db: Any) -> None:
    for lines in (
        (ledger.Line("fees", -100), ledger.Line("bank", 99)),
        (ledger.Line("bank", 100),),
        (ledger.Line("fees", 0), ledger.Line("bank", 0)),
    ):
        with pytest.raises(LedgerError) as refused:
            ledger.post_entry(
                ledger.EntryDraft(key="x", kind=EntryKind.EXPENSE, memo="m", lines=lines),
                actor=None,
            )
        assert refused.value.code == "invalid"
    assert JournalEntry.objects.count() == 0


def test_a_member_account_needs_its_owner(alice: Any) -> None:
    with pytest.raises(LedgerError):
        ledger.post_entry(
            ledger.EntryDraft(
                key="y",
                kind=EntryKind.EXPENSE,
                memo="m",
                lines=(ledger.Line("payable", 100), ledger.Line("bank", -100)),
            ),
            actor=None,
        )


def test_stewards_record_payments_expenses_and_stipends(
    alice: Any, sam: Any, bob: Any, dan: Any, complete_task: Any
) -> None:
    task = complete_task(bob, start=at(FOUNDED, 10))
    ledger.record_client_payment(
        actor=alice, client_id=dan.pk, amount_minor=task.price_minor, key="p1"
    )
    ledger.record_expense(actor=alice, amount_minor=4000, memo="Hosting, January", key="e1")
    ledger.record_stipend(actor=alice, member_id=sam.pk, amount_minor=10000, memo="Jan", key="s1")
    assert balance_of(f"Assets:Receivable:Client{dan.pk}") == 0  # paid in full
    assert balance_of("Assets:Bank") == task.price_minor - 4000
    assert balance_of("Expenses:Operating") == 4000
    assert balance_of("Expenses:Stipends") == 10000
    with pytest.raises(Forbidden) as refused:
        ledger.record_expense(actor=bob, amount_minor=1, memo="x", key="e2")
    assert refused.value.code == "forbidden"
    assert check_books().ok


def test_a_correction_is_a_reversing_entry_and_only_one(alice: Any) -> None:
    expense = ledger.record_expense(actor=alice, amount_minor=700, memo="Typo", key="e")
    reversal = ledger.reverse_entry(actor=alice, entry_id=expense.pk, reason="Entered twice")
    assert reversal.reverses_id == expense.pk
    assert balance_of("Expenses:Operating") == 0
    with pytest.raises(LedgerError) as twice:
        ledger.reverse_entry(actor=alice, entry_id=expense.pk, reason="again")
    assert twice.value.code == "conflict"


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_a_posting(alice: Any) -> None:
    ledger.record_expense(actor=alice, amount_minor=700, memo="Hosting", key="e")
    posting = Posting.objects.filter(account__name="Expenses:Operating").get()
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount_minor=1)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        JournalEntry.objects.filter(pk=posting.entry_id).update(memo="rewritten")
    assert Posting.objects.get(pk=posting.pk).amount_minor == 700


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_to_commit_an_unbalanced_entry_and_to_delete(alice: Any) -> None:
    bank = Account.objects.create(
        name="Assets:Bank", type="Assets", purpose="bank", opened_at=clock.now()
    )

    def post_one_sided() -> None:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                key="raw", fingerprint="0", kind="expense", posted_at=clock.now(), memo="raw"
            )
            Posting.objects.create(entry=entry, account=bank, amount_minor=5)
            # The check is deferred to COMMIT, which the end of this block issues.

    with pytest.raises(IntegrityError):
        post_one_sided()
    assert not JournalEntry.objects.filter(key="raw").exists()
    expense = ledger.record_expense(actor=alice, amount_minor=700, memo="Hosting", key="e")
    with pytest.raises(IntegrityError), transaction.atomic():
        Posting.objects.filter(entry=expense).delete()
    assert connection.vendor == "postgresql"


def test_check_books_reports_an_entry_that_does_not_balance(alice: Any) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses such an entry at commit; see the test above")
    bank = Account.objects.create(
        name="Assets:Bank", type="Assets", purpose="bank", opened_at=clock.now()
    )
    entry = JournalEntry.objects.create(
        key="raw", fingerprint="0", kind="expense", posted_at=clock.now(), memo="raw"
    )
    Posting.objects.create(entry=entry, account=bank, amount_minor=5)
    report = check_books()
    assert not report.ok
    assert any(f"entry {entry.pk}" in problem for problem in report.problems)


def test_clock_can_be_set_for_a_block_only() -> None:
    moment = at(FOUNDED, 3)
    with clock.set_to(moment):
        assert clock.now() == moment
    assert clock.now() > moment + dt.timedelta(days=300)
