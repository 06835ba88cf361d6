"""Issue 20, the fund: the floor draws on the solidarity fund under the rule the members
chose; it never goes silently broke, and what was not paid is said everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from commonwork.core import clock
from commonwork.core.models import AuditEntry
from commonwork.governance.actions import set_parameter
from commonwork.ledger import rules
from commonwork.ledger.actions.periods import close_period, solidarity_fund_minor
from commonwork.ledger.models import Statement
from commonwork.work import actions as work_actions
from tests.ledger.conftest import FOUNDED, at


@given(
    due=st.dictionaries(st.integers(1, 50), st.integers(0, 100_000), max_size=8),
    fund=st.integers(-50_000, 50_000),
    limit=st.integers(0, 100_000),
)
def test_the_fund_pays_in_full_or_shares_exactly_and_never_past_its_limit(
    due: dict[int, int], fund: int, limit: int
) -> None:
    paid = rules.pay_floor(due, fund_minor=fund, deficit_limit_minor=limit)
    for member, amount in due.items():
        assert paid.paid[member] + paid.unpaid[member] == amount
        assert 0 <= paid.paid[member] <= amount
    assert fund - paid.paid_minor >= min(fund, -limit)  # never below the limit it allows
    if fund + limit >= sum(due.values()):
        assert paid.unpaid_minor == 0


def _wait_a_week(worker: Any) -> None:
    with clock.set_to(at(FOUNDED, 9)):
        work_actions.set_availability(actor=worker, available=True)
    with clock.set_to(at(FOUNDED, 17)):
        work_actions.set_availability(actor=worker, available=False)


def test_with_no_room_the_floor_is_owed_and_everyone_is_told(
    alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    set_parameter(actor=alice, name="pay_floor_deficit_limit", value="0", reason="No debt")
    _wait_a_week(bob)  # 8 hours waited, no task: the whole floor is due
    with (
        clock.set_to(at(FOUNDED + dt.timedelta(days=7), 1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        period = close_period(actor=alice)
    figures = Statement.objects.get(period=period, member=bob).figures
    assert figures["floor_due_minor"] > 0
    assert figures["top_up_minor"] == 0  # the fund held nothing, and may not go below zero
    assert figures["floor_unpaid_minor"] == figures["floor_due_minor"]
    assert solidarity_fund_minor() >= 0
    assert AuditEntry.objects.filter(action="ledger.solidarity_fund_low").exists()
    assert any("solidarity fund" in message.subject for message in mail.outbox)

    client = Client()
    client.force_login(bob)
    statement = client.get(f"/money/statements/{Statement.objects.get(member=bob).pk}/")
    assert b'data-testid="floor-unpaid"' in statement.content
    public = Client().get("/transparency/").content.decode()
    assert 'data-testid="floor-account"' in public
    client.force_login(alice)
    assert b'data-testid="fund-alert"' in client.get("/steward/").content


def test_within_the_limit_the_floor_is_paid_in_full(alice: Any, bob: Any) -> None:
    _wait_a_week(bob)
    with clock.set_to(at(FOUNDED + dt.timedelta(days=7), 1)):
        period = close_period(actor=alice)
    figures = Statement.objects.get(period=period, member=bob).figures
    assert figures["top_up_minor"] == figures["floor_due_minor"] > 0
    assert figures["floor_unpaid_minor"] == 0
    assert solidarity_fund_minor() < 0  # in deficit, within what the members allow
