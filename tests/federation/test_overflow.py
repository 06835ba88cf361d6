"""Overflow work with a simulated linked co-op, both ways: a task of ours done there, a
task of theirs done here; each step reported, each co-op's books posting the agreed
price, and nothing personal sent before a co-op has agreed to do the work."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from commonwork.core import clock
from commonwork.federation import actions
from commonwork.federation.actions import overflow
from commonwork.federation.models import Mirror, MirrorState, Overflow, OverflowState
from commonwork.ledger.books import account_balances, check_books
from commonwork.ledger.models import Account
from commonwork.vault.models import AccessLogEntry
from commonwork.work import actions as work
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task
from tests.federation.conftest import FakePeer, post_inbox

pytestmark = pytest.mark.django_db
IBAN = "DE89370400440532013000"


def _remote_task(client: Any) -> Task:
    project = work.create_project(actor=client, title="Translations", purpose="Menus")
    return work.post_task(
        actor=client,
        project_id=project.pk,
        title="Translate a menu",
        kind="remote",
        estimated_minutes=60,
        deadline=clock.now() + dt.timedelta(days=2),
    )


def _balances_of(user: Any) -> dict[str, int]:
    """The co-op's accounts for this user, each with its balance (receivable positive)."""
    balances = account_balances()
    return {
        a.purpose: balances[a.name] for a in Account.objects.filter(owner=user) if balances[a.name]
    }


def _send(peer: FakePeer, activity: dict[str, Any]) -> Any:
    body, headers = peer.signed(activity)
    answer = post_inbox(body, headers)
    assert answer.status_code == 202, answer.content
    return answer.json()


def test_a_task_we_cannot_cover_is_done_by_the_linked_coop_and_both_owe_the_same(
    alice: Any, dan: Any, tariff: Any, peer: FakePeer, linked: Any
) -> None:
    task = _remote_task(dan)
    offered = overflow.offer_to_peers(actor=alice, task_id=task.pk)
    actions.deliver_due()
    create = peer.received[-1]
    proposal = create["object"]
    assert create["type"] == "Create"
    assert proposal["type"] == "Proposal"
    assert proposal["purpose"] == "request"
    price = proposal["reciprocal"]["resourceQuantity"]
    assert price == {"hasNumericalValue": f"{offered.price_minor / 100:.2f}", "hasUnit": "EUR"}
    assert "dan" not in json.dumps(create).lower()  # no one's data before an agreement
    # They offer an agreement; we accept it and hand them the task at the agreed price.
    agreement = {
        "id": f"{peer.origin}/federation/agreements/1",
        "type": "Agreement",
        "stipulates": {"type": "Commitment", "satisfies": proposal["publishes"]["id"]},
        "stipulatesReciprocal": {"type": "Commitment", "satisfies": proposal["reciprocal"]["id"]},
    }
    _send(peer, peer.activity("Offer", agreement))
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    assert task.worker_id == linked.account_id
    assert task.partner_price_minor == offered.price_minor
    actions.deliver_due()
    accept = peer.received[-1]
    assert accept["type"] == "Accept"
    assert accept["result"] == agreement["id"]
    assert accept["commonwork:task"]["title"] == "Translate a menu"
    logged = AccessLogEntry.objects.get(subject_id=dan.pk, actor_kind="peer")
    assert logged.actor_label == "Hillside Riders"
    # Their steps arrive; a repeated report changes nothing.
    for status in ("in_progress", "in_progress", "delivered"):
        _send(
            peer,
            peer.activity(
                "Update", {"id": agreement["id"], "type": "Agreement", "commonwork:status": status}
            ),
        )
    task.refresh_from_db()
    assert task.status == TaskStatus.DELIVERED
    # Our client accepts the delivery: they are told, and our books owe them the price.
    work.complete_task(actor=dan, task_id=task.pk)
    actions.deliver_due()
    assert peer.received[-1]["object"]["commonwork:status"] == "completed"
    assert Overflow.objects.get().state == OverflowState.DONE
    assert _balances_of(linked.account) == {"payable": -offered.price_minor}
    assert check_books().problems == []
    # Once a steward says where they are paid, the next payout file pays them the price.
    from commonwork.ledger.actions import payouts
    from commonwork.ledger.actions.periods import close_due_periods
    from commonwork.ledger.models import PayoutLine

    payouts.set_partner_payout_account(
        actor=alice, account=linked.account, holder="Hillside Riders eG", iban=IBAN
    )
    with clock.set_to(clock.now() + dt.timedelta(days=8)):
        period = close_due_periods()[-1]
        batch = payouts.prepare_payout_batch(actor=alice, period_id=period.pk)
    line = PayoutLine.objects.get(batch=batch, member=linked.account)
    assert line.amount_minor == offered.price_minor


def test_a_linked_coops_task_is_done_here_by_our_rules_and_paid_to_us(
    alice: Any, bob: Any, tariff: Any, peer: FakePeer, linked: Any
) -> None:
    proposal: dict[str, Any] = {
        "id": f"{peer.origin}/federation/proposals/p1",
        "type": "Proposal",
        "attributedTo": peer.actor,
        "name": "Proofread a leaflet",
        "purpose": "request",
        "publishes": {
            "id": f"{peer.origin}/federation/proposals/p1#primary",
            "type": "Intent",
            "action": "deliverService",
            "commonwork:kind": "remote",
            "hasEnd": (clock.now() + dt.timedelta(days=1)).isoformat(),
        },
        "reciprocal": {
            "id": f"{peer.origin}/federation/proposals/p1#reciprocal",
            "type": "Intent",
            "action": "transfer",
            "resourceQuantity": {"hasNumericalValue": "18.40", "hasUnit": "EUR"},
        },
    }
    _send(peer, peer.activity("Create", proposal))
    mirror = Mirror.objects.get()
    assert mirror.state == MirrorState.PROPOSED
    overflow.take_on(actor=alice, mirror_id=mirror.pk)
    actions.deliver_due()
    offer = peer.received[-1]
    assert offer["type"] == "Offer"
    assert offer["object"]["stipulates"]["satisfies"] == proposal["publishes"]["id"]
    details = {
        "title": "Proofread a leaflet",
        "kind": "remote",
        "estimatedMinutes": 45,
        "deadline": proposal["publishes"]["hasEnd"],
    }
    accept = peer.activity("Accept", {"id": offer["id"], "type": "Offer"})
    accept["commonwork:task"] = details
    accept["result"] = offer["object"]["id"]
    _send(peer, accept)
    mirror.refresh_from_db()
    task = mirror.task
    assert task is not None
    assert task.status == TaskStatus.OPEN
    assert task.price_minor == 1840  # the agreed price, not our tariff's
    assert task.project.client_id == linked.account_id
    # Our worker does it, by our rules; each step goes back to them.
    work.take_task(actor=bob, task_id=task.pk)
    work.start_task(actor=bob, task_id=task.pk)
    work.deliver_task(actor=bob, task_id=task.pk)
    actions.deliver_due()
    reported = [
        a["object"].get("commonwork:status") for a in peer.received if a["type"] == "Update"
    ]
    assert reported == ["in_progress", "delivered"]
    _send(
        peer,
        peer.activity(
            "Update",
            {"id": mirror.agreement_id, "type": "Agreement", "commonwork:status": "completed"},
        ),
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert Mirror.objects.get().state == MirrorState.DONE
    assert check_books().problems == []
    assert _balances_of(linked.account) == {"receivable": 1840}


def test_a_second_offer_for_a_task_already_taken_is_refused(
    alice: Any, dan: Any, tariff: Any, peer: FakePeer, linked: Any
) -> None:
    task = _remote_task(dan)
    overflow.offer_to_peers(actor=alice, task_id=task.pk)
    actions.deliver_due()
    proposal = peer.received[-1]["object"]
    for n in (1, 2):
        agreement = {
            "id": f"{peer.origin}/federation/agreements/{n}",
            "type": "Agreement",
            "stipulates": {"satisfies": proposal["publishes"]["id"]},
        }
        _send(peer, peer.activity("Offer", agreement))
    actions.deliver_due()
    assert [a["type"] for a in peer.received[-2:]] == ["Accept", "Reject"]


def test_the_stewards_page_offers_open_tasks_and_takes_on_requests(
    alice: Any, dan: Any, tariff: Any, peer: FakePeer, linked: Any
) -> None:
    from django.test import Client

    task = _remote_task(dan)
    steward = Client()
    steward.force_login(alice)
    page = steward.get("/federation/").content.decode()
    assert f'data-testid="offer-task-{task.pk}"' in page
    steward.post(f"/federation/tasks/{task.pk}/offer/")
    assert Overflow.objects.get().task_id == task.pk
    page = steward.get("/federation/").content.decode()
    assert 'data-testid="overflows"' in page
    assert f'data-testid="offer-task-{task.pk}"' not in page
    chinese = steward.get("/zh-hans/federation/").content.decode()
    assert "链接的合作社" in chinese
    assert "提供给链接的合作社" in chinese


def test_a_task_our_own_worker_takes_after_all_is_withdrawn_from_the_linked_coops(
    alice: Any, bob: Any, dan: Any, tariff: Any, peer: FakePeer, linked: Any
) -> None:
    task = _remote_task(dan)
    overflow.offer_to_peers(actor=alice, task_id=task.pk)
    work.take_task(actor=bob, task_id=task.pk)
    actions.deliver_due()
    assert peer.received[-1]["type"] == "Delete"
    assert Overflow.objects.get().state == OverflowState.WITHDRAWN


def test_a_stewards_records_where_a_linked_coop_is_paid_and_only_for_a_coop(
    alice: Any, bob: Any, peer: FakePeer, linked: Any
) -> None:
    from django.test import Client

    from commonwork.ledger.actions import payouts
    from commonwork.ledger.errors import LedgerError
    from commonwork.ledger.models import PayoutAccount

    steward = Client()
    steward.force_login(alice)
    steward.post(
        f"/federation/peers/{linked.pk}/bank/",
        {"holder": "Hillside Riders eG", "iban": "DE89 3704 0044 0532 0130 00"},
    )
    assert PayoutAccount.objects.get(member=linked.account).iban == "DE89370400440532013000"
    member = Client()
    member.force_login(bob)
    assert (
        member.post(
            f"/federation/peers/{linked.pk}/bank/", {"holder": "x", "iban": "x"}
        ).status_code
        == 403
    )
    with pytest.raises(LedgerError):
        payouts.set_partner_payout_account(
            actor=alice, account=bob, holder="Bob", iban="DE89370400440532013000"
        )
