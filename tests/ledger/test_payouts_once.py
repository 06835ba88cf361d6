"""Issue 20, payouts: nobody is paid twice for one debt, whatever the order in which
periods close and batches are prepared, cancelled and paid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonwork.core import clock
from commonwork.ledger.actions import payouts
from commonwork.ledger.actions.periods import close_period
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import EntryKind, PayoutLine, PayPeriod, Posting
from commonwork.work import actions as work_actions
from tests.ledger.conftest import FOUNDED, at

IBAN_BOB = "DE89370400440532013000"


def _work_week(worker: Any, week: int) -> None:
    """Four hours available in the given week, so the floor owes the worker something."""
    day = FOUNDED + dt.timedelta(days=7 * week)
    with clock.set_to(at(day, 9)):
        work_actions.set_availability(actor=worker, available=True)
    with clock.set_to(at(day, 13)):
        work_actions.set_availability(actor=worker, available=False)


def _close(alice: Any, week: int) -> PayPeriod:
    with clock.set_to(at(FOUNDED + dt.timedelta(days=7 * (week + 1)), 1)):
        return close_period(actor=alice)


def _paid_out(member: Any) -> int:
    return sum(
        line.amount_minor for line in PayoutLine.objects.filter(member=member, batch__status="paid")
    )


def _owed_in_total(member: Any) -> int:
    """All the co-op ever owed the member, payouts aside: their earnings and top-ups less
    what they owed it (their share)."""
    postings = Posting.objects.filter(
        account__name=f"Liabilities:Payable:Member{member.pk}"
    ).exclude(entry__kind=EntryKind.PAYOUT)
    return -sum(p.amount_minor for p in postings)


def test_two_batches_before_the_first_is_paid_do_not_pay_twice(alice: Any, bob: Any) -> None:
    payouts.set_payout_account(actor=bob, holder="Bob Builder", iban=IBAN_BOB)
    _work_week(bob, 0)
    first_period = _close(alice, 0)
    first = payouts.prepare_payout_batch(actor=alice, period_id=first_period.pk)
    _work_week(bob, 1)
    second_period = _close(alice, 1)
    with pytest.raises(LedgerError):  # bob's only debt is in the unpaid first batch
        payouts.prepare_payout_batch(actor=alice, period_id=second_period.pk)
    payouts.mark_batch_paid(actor=alice, batch_id=first.pk)
    second = payouts.prepare_payout_batch(actor=alice, period_id=second_period.pk)
    payouts.mark_batch_paid(actor=alice, batch_id=second.pk)
    assert _paid_out(bob) == _owed_in_total(bob) > 0


def test_a_cancelled_batch_is_owed_again(alice: Any, bob: Any) -> None:
    payouts.set_payout_account(actor=bob, holder="Bob Builder", iban=IBAN_BOB)
    _work_week(bob, 0)
    period = _close(alice, 0)
    batch = payouts.prepare_payout_batch(actor=alice, period_id=period.pk)
    payouts.cancel_payout_batch(actor=alice, batch_id=batch.pk)
    with pytest.raises(LedgerError):
        payouts.mark_batch_paid(actor=alice, batch_id=batch.pk)
    again = payouts.prepare_payout_batch(actor=alice, period_id=period.pk)
    payouts.mark_batch_paid(actor=alice, batch_id=again.pk)
    assert _paid_out(bob) == _owed_in_total(bob)
    with pytest.raises(LedgerError):
        payouts.cancel_payout_batch(actor=alice, batch_id=again.pk)


STEPS = st.lists(
    st.sampled_from(["work", "close", "prepare", "cancel", "pay"]), min_size=3, max_size=14
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_no_sequence_pays_a_member_more_than_they_were_owed(
    alice: Any, bob: Any, steps: list[str]
) -> None:
    with transaction.atomic():
        payouts.set_payout_account(actor=bob, holder="Bob Builder", iban=IBAN_BOB)
        week = 0
        periods: list[PayPeriod] = []
        batches: list[Any] = []
        for step in steps:
            try:
                with transaction.atomic():
                    if step == "work":
                        _work_week(bob, week)
                    elif step == "close":
                        periods.append(_close(alice, week))
                        week += 1
                    elif step == "prepare" and periods:
                        batches.append(
                            payouts.prepare_payout_batch(actor=alice, period_id=periods[-1].pk)
                        )
                    elif step == "cancel" and batches:
                        payouts.cancel_payout_batch(actor=alice, batch_id=batches[-1].pk)
                    elif step == "pay" and batches:
                        payouts.mark_batch_paid(actor=alice, batch_id=batches[0].pk)
            except LedgerError:
                pass  # refused, and nothing changed
            assert _paid_out(bob) <= max(0, _owed_in_total(bob))
        transaction.set_rollback(True)
