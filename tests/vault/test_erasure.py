"""Erasure: after a departed member erases their data, a scan of every table finds none
of their personal values readable, and the books still balance."""

from __future__ import annotations

import contextlib
import zlib
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.dispatch.actions import run_round
from commonwork.dispatch.models import DispatchRound
from commonwork.governance import actions as proposals
from commonwork.governance.actions import ProposalContent
from commonwork.ledger.actions.payouts import prepare_payout_batch, set_payout_account
from commonwork.ledger.actions.periods import close_period
from commonwork.ledger.books import check_books
from commonwork.ledger.models import PayoutLine
from commonwork.members import actions as member_actions
from commonwork.members.actions import is_erased
from commonwork.members.models import MembershipStatus
from commonwork.vault import actions as vault_actions
from commonwork.vault import keys
from commonwork.vault.actions import erase_member
from commonwork.vault.actions import keys as key_actions
from commonwork.vault.models import MemberKey
from commonwork.work import actions as work_actions
from commonwork.work.models import Offer
from tests.conftest import log_in, voting_window
from tests.ledger.conftest import FOUNDED, at
from tests.ledger.test_periods import WEEK_LATER

IBAN = "DE02120300000000202051"
LAT, LON = 52.5213579, 13.4052468


def _text_of(value: object) -> str:
    if isinstance(value, memoryview | bytes):
        raw = bytes(value)
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)  # dispatch snapshots are compressed JSON
        return raw.decode("utf-8", errors="replace")
    return str(value)


def _scan(values: list[str]) -> list[str]:
    """Every (table.column, value) where one of `values` is readable."""
    found = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(
                f, models.CharField | models.TextField | models.JSONField | models.BinaryField
            )
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*(f.attname for f in fields)):
            for field, cell in zip(fields, row, strict=True):
                if cell is None:
                    continue
                text = _text_of(cell)
                found += [
                    f"{model._meta.db_table}.{field.column}: {value}"
                    for value in values
                    if value in text
                ]
    return found


@pytest.fixture
def zelda(alice: Any, make_member: Any, complete_task: Any, make_task: Any, bob: Any) -> Any:
    """A worker with a full history: pay, a statement, a payout, a consent, a location in
    a stored dispatch round, words in a discussion, an export."""
    worker = make_member("zelda-quinn", "worker", ["bike"])
    with clock.set_to(at(FOUNDED, 9)):
        work_actions.set_availability(actor=worker, available=True)
    complete_task(worker, start=at(FOUNDED, 10))
    with clock.set_to(at(FOUNDED, 13)):
        work_actions.set_availability(actor=worker, available=False)
    set_payout_account(actor=worker, holder="Zelda Quinn", iban=IBAN)
    with clock.set_to(at(WEEK_LATER, 1)):
        period = close_period(actor=alice)
        prepare_payout_batch(actor=alice, period_id=period.pk)
    assert PayoutLine.objects.filter(member=worker, iban=IBAN).exists()
    work_actions.set_availability(actor=worker, available=True)
    work_actions.report_location(actor=worker, lat=LAT, lon=LON)
    make_task(pickup=(LAT + 0.003, LON + 0.004))
    run_round()
    offer = Offer.objects.get(worker=worker, status="pending")
    work_actions.decline_offer(actor=worker, offer_id=offer.pk)
    work_actions.set_availability(actor=worker, available=False)
    vault_actions.grant_consent(
        actor=worker,
        recipient_id=bob.pk,
        categories=["earnings"],
        purpose="Compare our pay.",
        valid_days=10,
        retention_days=10,
        jurisdiction="EU",
    )
    election = proposals.propose(
        actor=alice,
        kind="election",
        title="Steward",
        reason="A seat.",
        content=ProposalContent(candidate_ids=[worker.pk, bob.pk]),
        **voting_window("election"),
    )
    proposals.comment_on(actor=worker, proposal_id=election.pk, body="Zelda Quinn stands for it.")
    vault_actions.request_export(actor=worker)
    member_actions.change_membership_status(
        actor=alice,
        membership_id=worker.membership.pk,
        status=MembershipStatus.LEFT,
        reason="Moved.",
    )
    return worker


def test_an_erased_member_leaves_nothing_readable_and_the_books_balance(zelda: Any) -> None:
    snapshot = DispatchRound.objects.get()
    from commonwork.dispatch.solver import decode_round

    position = next(
        w for w in decode_round(bytes(snapshot.input_snapshot)).workers if w.id == zelda.pk
    )
    assert position.x_km is not None
    assert abs(position.x_km) > 0.1  # a distinctive number, not the origin
    values = [
        "zelda-quinn",
        "Zelda-Quinn",
        "Zelda Quinn",
        "zelda-quinn@example.org",
        IBAN,
        repr(LAT),
        repr(LON),
        repr(position.x_km),
    ]
    before = _scan(values)
    assert any("payout" in hit for hit in before)  # the scan does find them while kept
    assert check_books().problems == []

    erase_member(actor=zelda)
    zelda.refresh_from_db()

    assert _scan(values) == []
    assert is_erased(zelda)
    assert MemberKey.objects.get(user=zelda).destroyed_at is not None
    assert check_books().problems == []
    assert DispatchRound.objects.get().redacted
    assert not log_in(Client(), "zelda-quinn")


def test_a_sealed_value_cannot_be_read_once_the_key_is_destroyed(bob: Any) -> None:
    sealed = key_actions.seal(bob.pk, "bob@example.org")
    assert keys.unseal(bob.pk, sealed) == "bob@example.org"
    key_actions.destroy(bob.pk)
    assert keys.unseal(bob.pk, sealed) is None
    with pytest.raises(keys.KeyDestroyedError):
        key_actions.seal(bob.pk, "again")


def test_a_member_cannot_erase_while_still_a_member_or_twice(alice: Any, bob: Any) -> None:
    with pytest.raises(DomainError) as member:
        erase_member(actor=bob)
    assert member.value.code == "illegal_transition"
    member_actions.change_membership_status(
        actor=alice, membership_id=bob.membership.pk, status=MembershipStatus.LEFT, reason="Left."
    )
    erase_member(actor=bob)
    with pytest.raises(DomainError) as twice:
        erase_member(actor=bob)
    assert twice.value.code == "conflict"


def test_erasure_from_the_page_needs_the_user_name_typed(alice: Any, bob: Any) -> None:
    member_actions.change_membership_status(
        actor=alice, membership_id=bob.membership.pk, status=MembershipStatus.LEFT, reason="Left."
    )
    client = Client()
    client.force_login(bob)
    assert b'data-testid="erase"' in client.get("/my-data/").content
    client.post("/my-data/erase/", {"confirm": "not-bob"})
    bob.refresh_from_db()
    assert not is_erased(bob)
    page = client.post("/my-data/erase/", {"confirm": "bob"})
    assert b'data-testid="erased"' in page.content
    bob.refresh_from_db()
    assert is_erased(bob)
