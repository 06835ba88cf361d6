"""Issue 14, point 5: every API route and page that shows one member's personal data to
someone else leaves an entry in that member's access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonwork.members import actions as member_actions
from commonwork.members.models import Role
from commonwork.vault.models import AccessLogEntry
from commonwork.work import actions as work_actions


@pytest.fixture
def world(alice: Any, bob: Any, dan: Any, erin: Any, make_task: Any) -> dict[str, Any]:
    """An application, a task in hand and a disputed one: every kind of read has a row."""
    application = member_actions.submit_application(
        actor=erin, role=Role.WORKER, motivation="I ride.", skills=["bike"]
    )
    in_hand = make_task(title="In hand")
    work_actions.take_task(actor=bob, task_id=in_hand.pk)
    disputed = make_task(title="Disputed")
    work_actions.take_task(actor=bob, task_id=disputed.pk)
    work_actions.start_task(actor=bob, task_id=disputed.pk)
    work_actions.deliver_task(actor=bob, task_id=disputed.pk)
    work_actions.dispute_task(actor=dan, task_id=disputed.pk, reason="Half the basket.")
    return {"application": application, "in_hand": in_hand, "disputed": disputed}


def _reads(subject: Any) -> int:
    return AccessLogEntry.objects.filter(subject=subject).count()


def _api(user: Any) -> Callable[[str], int]:
    _token, plain = member_actions.create_api_token(actor=user, name="walk")
    client = Client()

    def get(path: str) -> int:
        return client.get(
            f"/api/v1{path}", headers={"Authorization": f"Bearer {plain}"}
        ).status_code

    return get


def _page(user: Any) -> Callable[[str], int]:
    client = Client()
    client.force_login(user)
    return lambda path: client.get(path).status_code


# (who reads, route, whose data) for every route that shows another member's data.
ROUTES = [
    ("alice", "api", "/applications", "erin"),
    ("alice", "api", "/applications/{application}", "erin"),
    ("alice", "api", "/members", "bob"),
    ("alice", "api", "/disputes", "bob"),
    ("alice", "api", "/tasks/{in_hand}", "bob"),
    ("dan", "api", "/tasks/{in_hand}", "bob"),
    ("dan", "api", "/tasks/{in_hand}/history", "bob"),
    ("alice", "page", "/steward/", "erin"),
    ("alice", "page", "/steward/", "bob"),
    ("dan", "page", "/tasks/{in_hand}/", "bob"),
    ("alice", "page", "/tasks/{disputed}/", "bob"),
]


@pytest.mark.parametrize(
    ("reader", "kind", "route", "subject"), ROUTES, ids=[f"{r[1]} {r[2]} as {r[0]}" for r in ROUTES]
)
def test_a_read_of_someone_elses_data_is_in_their_access_log(
    reader: str,
    kind: str,
    route: str,
    subject: str,
    world: dict[str, Any],
    alice: Any,
    bob: Any,
    dan: Any,
    erin: Any,
) -> None:
    people = {"alice": alice, "bob": bob, "dan": dan, "erin": erin}
    path = route.format(
        application=world["application"].pk,
        in_hand=world["in_hand"].pk,
        disputed=world["disputed"].pk,
    )
    get = (_api if kind == "api" else _page)(people[reader])
    before = _reads(people[subject])
    assert get(path) == 200
    assert _reads(people[subject]) > before, f"{path} read {subject}'s data unlogged"
