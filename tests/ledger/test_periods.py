"""Closing pay periods and years; statements, invoices, payouts and their files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from fractions import Fraction
from typing import Any

import pytest

from commonwork.core import clock
from commonwork.governance.actions import set_parameter
from commonwork.governance.parameters import read_parameter
from commonwork.ledger.actions import payouts
from commonwork.ledger.actions.periods import close_period, close_year, next_period_start
from commonwork.ledger.books import check_books
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import (
    EntryKind,
    Invoice,
    JournalEntry,
    PayoutStatus,
    PayPeriod,
    Statement,
)
from commonwork.ledger.rules import split_price
from commonwork.members.models import Cooperative
from commonwork.work import actions as work_actions
from tests.ledger.conftest import FOUNDED, at, balance_of

WEEK_LATER = FOUNDED + dt.timedelta(days=7)
IBAN_BOB = "DE89370400440532013000"
IBAN_CAROL = "FR1420041010050500013M02606"


def _available(worker: Any, start: dt.datetime, hours: float) -> None:
    with clock.set_to(start):
        work_actions.set_availability(actor=worker, available=True)
    with clock.set_to(start + dt.timedelta(hours=hours)):
        work_actions.set_availability(actor=worker, available=False)


def _close_first_week(alice: Any) -> PayPeriod:
    with clock.set_to(at(WEEK_LATER, 1)):
        return close_period(actor=alice)


def _worker_share(price: int) -> int:
    return split_price(
        price,
        fee_rate=Fraction(read_parameter("fee_rate")),
        solidarity_rate=Fraction(read_parameter("solidarity_rate")),
    ).worker_minor


def test_waiting_time_is_paid_up_to_the_floor_at_close(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    # given: Bob is available four hours on the co-op's first day and does one task
    _available(bob, at(FOUNDED, 9), hours=4)
    task = complete_task(bob, start=at(FOUNDED, 10), minutes=30)
    earnings = _worker_share(task.price_minor)
    floor = int(read_parameter("pay_floor_per_hour"))
    payable_before = balance_of(f"Liabilities:Payable:Member{bob.pk}")

    # when
    period = _close_first_week(alice)

    # then: four engaged hours at the floor, less what the task paid him
    statement = Statement.objects.get(period=period, member=bob)
    figures = statement.figures
    assert figures["engaged_seconds"] == 4 * 3600
    assert figures["earnings_minor"] == earnings
    assert figures["top_up_minor"] == 4 * floor - earnings > 0
    assert figures["tasks"] == 1
    assert figures["price_minor"] == task.price_minor
    assert figures["price_minor"] == (
        figures["earnings_minor"] + figures["fee_minor"] + figures["solidarity_minor"]
    )
    assert figures["effective_hourly_minor"] == floor
    top_up = JournalEntry.objects.get(kind=EntryKind.FLOOR_TOP_UP, period=period)
    assert {p.account.name for p in top_up.postings.select_related("account")} == {
        f"Liabilities:Payable:Member{bob.pk}",
        "Equity:Funds:Solidarity",  # the default bylaw: the solidarity fund pays the floor
    }
    assert (
        balance_of(f"Liabilities:Payable:Member{bob.pk}")
        == payable_before - figures["top_up_minor"]
    )
    assert check_books().ok


def test_on_task_time_counts_even_when_not_marked_available(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    complete_task(bob, start=at(FOUNDED, 10), minutes=90)
    period = _close_first_week(alice)
    assert Statement.objects.get(period=period, member=bob).figures["engaged_seconds"] == 5400


def test_a_member_who_earned_above_the_floor_gets_no_top_up(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    set_parameter(actor=alice, name="pay_floor_per_hour", value="10", reason="test")
    _available(bob, at(FOUNDED, 9), hours=1)
    complete_task(
        bob,
        start=at(
            FOUNDED,
            9,
        ),
        minutes=30,
    )
    period = _close_first_week(alice)
    assert Statement.objects.get(period=period, member=bob).figures["top_up_minor"] == 0
    assert not JournalEntry.objects.filter(kind=EntryKind.FLOOR_TOP_UP).exists()


def test_the_floor_can_be_funded_from_the_operating_budget(alice: Any, bob: Any) -> None:
    set_parameter(actor=alice, name="pay_floor_funded_by", value="1", reason="bylaw 7")
    _available(bob, at(FOUNDED, 9), hours=2)
    _close_first_week(alice)
    assert balance_of("Expenses:PayFloor") == 2 * int(read_parameter("pay_floor_per_hour"))


def test_tips_are_in_the_statement_but_never_pay_for_the_floor(
    alice: Any, bob: Any, dan: Any, complete_task: Any
) -> None:
    from commonwork.ledger.actions import tip_task

    _available(bob, at(FOUNDED, 9), hours=3)
    task = complete_task(bob, start=at(FOUNDED, 10))
    with clock.set_to(at(FOUNDED, 12)):
        tip_task(actor=dan, task_id=task.pk, amount_minor=500, key="t")
    figures = Statement.objects.get(period=_close_first_week(alice), member=bob).figures
    floor = int(read_parameter("pay_floor_per_hour"))
    assert figures["tips_minor"] == 500
    assert figures["top_up_minor"] == 3 * floor - figures["earnings_minor"]
    assert figures["total_minor"] == 3 * floor + 500


def test_each_client_gets_an_invoice_of_their_tasks(
    alice: Any, bob: Any, dan: Any, complete_task: Any
) -> None:
    tasks = [complete_task(bob, start=at(FOUNDED, hour)) for hour in (9, 11)]
    invoice = Invoice.objects.get(period=_close_first_week(alice), client=dan)
    assert [line["task"] for line in invoice.figures["lines"]] == [t.pk for t in tasks]
    assert invoice.figures["total_minor"] == sum(t.price_minor for t in tasks)


def test_a_period_closes_once_in_order_and_only_after_it_ends(alice: Any, bob: Any) -> None:
    with clock.set_to(at(WEEK_LATER, -1)), pytest.raises(LedgerError) as early:
        close_period(actor=alice)
    assert "can be closed after" in early.value.message
    period = _close_first_week(alice)
    with clock.set_to(at(WEEK_LATER, 2)), pytest.raises(LedgerError) as twice:
        close_period(actor=alice, starts_on=FOUNDED)
    assert twice.value.code == "conflict"
    with pytest.raises(LedgerError) as skipping:
        close_period(actor=alice, starts_on=WEEK_LATER + dt.timedelta(days=7))
    assert skipping.value.field == "starts_on"
    assert next_period_start() == period.ends_on == WEEK_LATER
    assert PayPeriod.objects.count() == 1
    with pytest.raises(Exception, match="steward"):
        close_period(actor=bob)


def test_a_pay_ratio_above_the_cap_is_reported(
    alice: Any, bob: Any, carol: Any, complete_task: Any
) -> None:
    from commonwork.core.models import AuditEntry

    set_parameter(actor=alice, name="pay_floor_per_hour", value="0", reason="test")
    set_parameter(actor=alice, name="pay_ratio_cap", value="1.5", reason="test")
    _available(bob, at(FOUNDED, 8), hours=10)  # one task in ten hours
    complete_task(bob, start=at(FOUNDED, 9))
    _available(carol, at(FOUNDED, 8), hours=1)  # one task in one hour
    complete_task(
        carol,
        start=at(
            FOUNDED,
            8,
        ),
        minutes=30,
    )
    period = _close_first_week(alice)
    assert period.pay_ratio["exceeded"] is True
    assert period.pay_ratio["highest_member"] == carol.pk
    assert period.pay_ratio["lowest_member"] == bob.pk
    assert AuditEntry.objects.filter(action="ledger.pay_ratio_exceeded").count() == 1


def test_a_payout_batch_pays_what_members_are_owed_once(
    alice: Any, bob: Any, carol: Any, complete_task: Any
) -> None:
    _available(bob, at(FOUNDED, 9), hours=6)
    _available(carol, at(FOUNDED, 9), hours=6)
    payouts.set_payout_account(actor=bob, holder="Bob Builder", iban=IBAN_BOB)
    period = _close_first_week(alice)
    owed = -balance_of(f"Liabilities:Payable:Member{bob.pk}")
    assert owed > 0

    batch = payouts.prepare_payout_batch(actor=alice, period_id=period.pk)
    assert [(line.member_id, line.amount_minor) for line in batch.lines.all()] == [(bob.pk, owed)]

    rows = list(csv.DictReader(io.StringIO(payouts.batch_csv(batch))))
    assert rows[0]["iban"] == IBAN_BOB
    assert rows[0]["amount"] == f"{owed / 100:.2f}"

    payouts.mark_batch_paid(actor=alice, batch_id=batch.pk)
    assert balance_of(f"Liabilities:Payable:Member{bob.pk}") == 0
    bank = balance_of("Assets:Bank")
    with pytest.raises(LedgerError) as again:
        payouts.mark_batch_paid(actor=alice, batch_id=batch.pk)
    assert again.value.code == "conflict"
    assert balance_of("Assets:Bank") == bank
    batch.refresh_from_db()
    assert batch.status == PayoutStatus.PAID
    with pytest.raises(LedgerError):
        payouts.prepare_payout_batch(actor=alice, period_id=period.pk)
    assert check_books().ok


def test_the_bank_file_is_valid_pain_001(alice: Any, bob: Any, carol: Any) -> None:
    _available(bob, at(FOUNDED, 9), hours=6)
    _available(carol, at(FOUNDED, 9), hours=5)
    payouts.set_payout_account(actor=bob, holder="Bob Builder", iban=IBAN_BOB)
    payouts.set_payout_account(actor=carol, holder="Carol Lin", iban=IBAN_CAROL, bic="")
    batch = payouts.prepare_payout_batch(actor=alice, period_id=_close_first_week(alice).pk)
    with pytest.raises(LedgerError) as no_iban:
        payouts.batch_pain001(batch)
    assert no_iban.value.field == "bank_iban"
    Cooperative.objects.filter(pk=1).update(bank_iban="DE02120300000000202051")

    document = payouts.batch_pain001(batch, execution_date=dt.date(2026, 1, 9))

    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    root = ET.fromstring(document)  # noqa: S314 - our own output
    amounts = [int(a.text.replace(".", "")) for a in root.iterfind(".//p:InstdAmt", ns)]  # type: ignore[union-attr]
    assert sorted(amounts) == sorted(line.amount_minor for line in batch.lines.all())
    ibans = {node.text for node in root.iterfind(".//p:CdtrAcct/p:Id/p:IBAN", ns)}
    assert ibans == {IBAN_BOB, IBAN_CAROL}


def test_a_bad_iban_is_refused(bob: Any) -> None:
    with pytest.raises(LedgerError) as refused:
        payouts.set_payout_account(actor=bob, holder="Bob", iban="DE00 1234")
    assert refused.value.field == "iban"


def test_the_year_close_shares_the_surplus_as_governed(
    alice: Any, bob: Any, carol: Any, complete_task: Any
) -> None:
    from commonwork.ledger.actions import record_expense

    _available(bob, at(FOUNDED, 9), hours=3)
    _available(carol, at(FOUNDED, 9), hours=1)
    for hour in (9, 10, 11):
        complete_task(bob, start=at(FOUNDED, hour), minutes=20)
    complete_task(carol, start=at(FOUNDED, 9), minutes=20)
    with clock.set_to(at(FOUNDED, 15)):
        record_expense(actor=alice, amount_minor=100, memo="Paper", key="e")
    _close_first_week(alice)
    fees = -balance_of("Income:Fees")
    surplus = fees - 100 - balance_of("Expenses:PayFloor")

    with clock.set_to(at(dt.date(2027, 1, 1), 1)):
        closed = close_year(actor=alice, year=2026)

    assert closed.figures["surplus_minor"] == surplus > 0
    parts = closed.figures
    assert parts["reserves_minor"] + parts["patronage_minor"] + parts["community_minor"] == surplus
    by_member = {int(k): v for k, v in parts["patronage_by_member"].items()}
    assert by_member[bob.pk] > by_member[carol.pk]  # more engaged hours, a larger return
    assert balance_of("Income:Fees") == 0  # income closed into equity
    assert balance_of("Equity:Funds:Community") == -parts["community_minor"]
    assert check_books().ok
    with clock.set_to(at(dt.date(2027, 1, 1), 2)), pytest.raises(LedgerError) as twice:
        close_year(actor=alice, year=2026)
    assert twice.value.code == "conflict"


def test_a_year_cannot_close_before_it_ends_or_with_shares_not_adding_up(alice: Any) -> None:
    with clock.set_to(at(dt.date(2026, 12, 31), 23)), pytest.raises(LedgerError):
        close_year(actor=alice, year=2026)
    set_parameter(actor=alice, name="surplus.community_share", value="0.2", reason="test")
    with clock.set_to(at(dt.date(2027, 1, 2), 0)), pytest.raises(LedgerError) as bad:
        close_year(actor=alice, year=2026)
    assert "add up to 1" in bad.value.message


def test_the_scheduled_close_closes_every_ended_period_and_no_other(alice: Any) -> None:
    from commonwork.ledger.tasks import close_due_pay_periods
    from commonwork.site.jobs import periodic_jobs

    assert "close_pay_periods" in {job.name for job in periodic_jobs()}
    with clock.set_to(at(FOUNDED + dt.timedelta(days=20), 0)):
        closed = close_due_pay_periods.enqueue().return_value
        assert close_due_pay_periods.enqueue().return_value == 0  # nothing more has ended
    assert closed == 2
    assert [p.starts_on for p in PayPeriod.objects.order_by("starts_on")] == [
        FOUNDED,
        WEEK_LATER,
    ]


def test_a_payout_csv_writes_a_formula_as_text(
    alice: Any, bob: Any, carol: Any, complete_task: Any
) -> None:
    _available(bob, at(FOUNDED, 9), hours=6)
    payouts.set_payout_account(actor=bob, holder='=HYPERLINK("http://x.test","pay")', iban=IBAN_BOB)
    batch = payouts.prepare_payout_batch(actor=alice, period_id=_close_first_week(alice).pk)
    rows = list(csv.DictReader(io.StringIO(payouts.batch_csv(batch))))
    assert rows[0]["holder"] == '\'=HYPERLINK("http://x.test","pay")'
    assert not rows[0]["amount"].startswith("'")
