"""The books through the JSON API: tips with Idempotency-Key, balances, statements, the
stewards' close and payouts, and the public transparency numbers."""

from __future__ import annotations

from typing import Any

from commonwork.core import clock
from commonwork.ledger.actions.payouts import set_payout_account
from commonwork.ledger.models import EntryKind, JournalEntry
from tests.ledger.conftest import FOUNDED, at
from tests.ledger.test_periods import IBAN_BOB, WEEK_LATER, _available


def test_a_tip_with_an_idempotency_key_is_posted_once(
    as_member: Any, bob: Any, dan: Any, complete_task: Any
) -> None:
    task = complete_task(bob, start=at(FOUNDED, 10))
    api = as_member(dan)
    first = api.post(f"/tasks/{task.pk}/tips", {"amount_minor": 150}, key="tip-a")
    again = api.post(f"/tasks/{task.pk}/tips", {"amount_minor": 150}, key="tip-a")
    assert first[0] == 201
    assert again == first
    assert JournalEntry.objects.filter(kind=EntryKind.TIP).count() == 1
    status, body = as_member(bob).get("/money/balance")
    assert status == 200
    assert body["currency"] == "EUR"


def test_bad_tips_get_a_clear_error_and_post_nothing(
    as_member: Any, bob: Any, dan: Any, complete_task: Any
) -> None:
    task = complete_task(bob, start=at(FOUNDED, 10))
    api = as_member(dan)
    for body in ({"amount_minor": -1}, {"amount_minor": 1.5}, {"amount_minor": "ten"}):
        status, answer = api.post(f"/tasks/{task.pk}/tips", body)
        assert status in {400, 422}, body
        assert answer["code"]
    status, answer = api.post(f"/tasks/{task.pk}/tips", {"amount_minor": 100, "currency": "USD"})
    assert status == 400
    assert answer["field"] == "currency"
    assert not JournalEntry.objects.filter(kind=EntryKind.TIP).exists()


def test_stewards_close_and_pay_through_the_api(as_member: Any, alice: Any, bob: Any) -> None:
    _available(bob, at(FOUNDED, 9), hours=6)
    set_payout_account(actor=bob, holder="Bob", iban=IBAN_BOB)
    assert as_member(bob).post("/books/periods")[0] == 403
    with clock.set_to(at(WEEK_LATER, 1)):
        status, period = as_member(alice).post("/books/periods", key="close-1")
        assert status == 201
        assert as_member(alice).post("/books/periods", key="close-1") == (status, period)
    assert period["statements"] == 1
    status, batch = as_member(alice).post(f"/books/periods/{period['id']}/payout")
    assert status == 201
    status, paid = as_member(alice).post(f"/books/payouts/{batch['id']}/paid")
    assert (status, paid["status"]) == (200, "paid")
    status, again = as_member(alice).post(f"/books/payouts/{batch['id']}/paid")
    assert (status, again["code"]) == (409, "conflict")
    status, statements = as_member(bob).get("/money/statements")
    assert status == 200
    assert statements[0]["figures"]["engaged_seconds"] == 6 * 3600


def test_the_transparency_numbers_are_public(as_member: Any, alice: Any) -> None:
    status, body = as_member(None).get("/transparency")
    assert status == 200
    parts = {part["part"]: float(part["per_hundred"]) for part in body["split_of_100_by_rule"]}
    assert parts["fee"] == float(body["fee_rate"]) * 100
    assert sum(parts.values()) == 100
