"""The money pages, through Django's test client: who sees what, and what the buttons do."""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from typing import Any

from django.test import Client

from commonwork.core import clock
from commonwork.governance.parameters import read_parameter
from commonwork.ledger.actions.payouts import set_payout_account
from commonwork.ledger.models import EntryKind, JournalEntry, PayoutBatch, PayoutStatus, Statement
from commonwork.members.models import Cooperative
from tests.ledger.conftest import FOUNDED, at
from tests.ledger.test_periods import IBAN_BOB, WEEK_LATER, _available, _close_first_week


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_worker_sees_their_statement_with_the_floor_top_up_in_both_languages(
    alice: Any, bob: Any, carol: Any, complete_task: Any
) -> None:
    _available(bob, at(FOUNDED, 9), hours=4)
    complete_task(bob, start=at(FOUNDED, 10))
    _close_first_week(alice)
    statement = Statement.objects.get(member=bob)
    page = _client(bob).get("/money/")
    assert page.status_code == 200
    assert page.content.count(b'data-testid="statement-row"') == 1
    assert b'data-testid="pay-bar"' in page.content
    detail = _client(bob).get(f"/money/statements/{statement.pk}/")
    assert b"4:00" in detail.content
    text = detail.content.decode()
    top_up = statement.figures["top_up_minor"]
    assert f"{top_up // 100}.{top_up % 100:02d} EUR" in text
    assert "% to you" in text
    chinese = _client(bob).get(f"/zh-hans/money/statements/{statement.pk}/")
    assert "保底补足" in chinese.content.decode()
    # Nobody else reads it, but a steward.
    assert _client(carol).get(f"/money/statements/{statement.pk}/").status_code == 404
    assert _client(alice).get(f"/money/statements/{statement.pk}/").status_code == 200


def test_a_statement_downloads_as_csv(alice: Any, bob: Any) -> None:
    _available(bob, at(FOUNDED, 9), hours=2)
    _close_first_week(alice)
    statement = Statement.objects.get(member=bob)
    response = _client(bob).get(f"/money/statements/{statement.pk}.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = {row["item"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["engaged_seconds"]["value"] == "7200"
    floor = int(read_parameter("pay_floor_per_hour"))
    assert Fraction(rows["top_up"]["value"]) == Fraction(2 * floor, 100)
    assert rows["top_up"]["unit"] == "EUR"


def test_a_client_tips_from_the_task_page_once_however_often_the_form_is_sent(
    bob: Any, dan: Any, complete_task: Any
) -> None:
    task = complete_task(bob, start=at(FOUNDED, 10))
    page = _client(dan).get(f"/tasks/{task.pk}/")
    assert b'data-testid="task-tip"' in page.content
    assert b'data-testid="task-tip"' not in _client(bob).get(f"/tasks/{task.pk}/").content
    for _attempt in range(2):
        response = _client(dan).post(f"/tasks/{task.pk}/tip/", {"amount": "2.50", "key": "form-1"})
        assert response.status_code == 302
    tips = JournalEntry.objects.filter(kind=EntryKind.TIP)
    assert tips.count() == 1
    refused = _client(dan).post(f"/tasks/{task.pk}/tip/", {"amount": "-1", "key": "form-2"})
    assert refused.status_code == 302
    assert tips.count() == 1


def test_stewards_close_prepare_and_pay_from_the_books_page(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    _available(bob, at(FOUNDED, 9), hours=6)  # the floor pays more than his share cost
    set_payout_account(actor=bob, holder="Bob", iban=IBAN_BOB)
    steward = _client(alice)
    assert _client(bob).get("/books/").status_code == 403
    with clock.set_to(at(WEEK_LATER, 2)):
        assert steward.post("/books/close/").status_code == 302
        again = steward.post("/books/close/")  # the next period has not ended yet
    assert again.status_code == 400
    period = Statement.objects.get(member=bob).period
    assert steward.post(f"/books/periods/{period.pk}/payout/").status_code == 302
    batch = PayoutBatch.objects.get(period=period)
    csv_file = steward.get(f"/books/payouts/{batch.pk}.csv")
    assert IBAN_BOB in csv_file.content.decode()
    no_bank = steward.get(f"/books/payouts/{batch.pk}.xml")
    assert no_bank.status_code == 400  # the co-op's own IBAN is missing
    bad = steward.post("/books/bank/", {"holder": "Riverside", "iban": "DE00 0000", "bic": ""})
    assert bad.status_code == 400
    saved = steward.post(
        "/books/bank/", {"holder": "Riverside", "iban": "DE02 1203 0000 0000 2020 51", "bic": ""}
    )
    assert saved.status_code == 302
    assert Cooperative.objects.get(pk=1).bank_iban == "DE02120300000000202051"
    xml = steward.get(f"/books/payouts/{batch.pk}.xml")
    assert xml.status_code == 200
    assert b"CstmrCdtTrfInitn" in xml.content
    assert steward.post(f"/books/payouts/{batch.pk}/paid/").status_code == 302
    assert steward.post(f"/books/payouts/{batch.pk}/paid/").status_code == 409
    batch.refresh_from_db()
    assert batch.status == PayoutStatus.PAID
    assert _client(bob).get(f"/books/payouts/{batch.pk}.csv").status_code == 404
    page = steward.get("/books/")
    assert b'data-testid="trial-balance"' in page.content


def test_the_transparency_page_is_public_and_shows_the_governed_fee(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    from commonwork.governance.actions import set_parameter

    set_parameter(actor=alice, name="fee_rate", value="0.07", reason="Costs fell.")
    complete_task(bob, start=at(FOUNDED, 10))
    page = Client().get("/transparency/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="fee-rate">7.0 %' in text
    assert "90.00" not in text  # the split follows the new fee, not the default
    assert "91.00" in text


def test_a_large_tip_asks_for_confirmation_first(dan: Any, complete_task: Any, bob: Any) -> None:
    import datetime as dt

    from commonwork.core import clock
    from commonwork.ledger.models import EntryKind, JournalEntry

    task = complete_task(bob, start=clock.now() - dt.timedelta(hours=2))
    client = _client(dan)
    asked = client.post(f"/tasks/{task.pk}/tip/", {"amount": "1000000", "key": "big-1"})
    assert asked.status_code == 200
    assert 'data-testid="tip-confirm"' in asked.content.decode()
    assert not JournalEntry.objects.filter(kind=EntryKind.TIP).exists()
    done = client.post(
        f"/tasks/{task.pk}/tip/", {"amount": "1000000", "key": "big-1", "confirm": "on"}
    )
    assert done.status_code == 302
    assert JournalEntry.objects.filter(kind=EntryKind.TIP).count() == 1
