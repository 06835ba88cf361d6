"""Issue 14, points 13-15: odd text, huge numbers, booleans as money, huge bodies,
suspended members' tokens and anonymous writes, each answered in the API's error shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from commonwork.core import clock
from commonwork.members import actions as member_actions
from commonwork.members.models import MembershipStatus
from commonwork.work import selectors as work_selectors


def _raw(api: Any, method: str, path: str, body: str) -> tuple[int, Any]:
    response = getattr(api.client, method)(
        f"/api/v1{path}", data=body, content_type="application/json", headers=api.headers
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("text", "why"),
    [('"\\ud800"', "surrogate"), ('"a\\u0000b"', "NUL")],
    ids=["lone surrogate", "NUL"],
)
def test_text_no_database_can_store_is_refused_with_422(
    dan: Any, as_member: Any, tariff: Any, text: str, why: str
) -> None:
    api = as_member(dan)
    body = '{"title": ' + text + ', "purpose": "Groceries for neighbours."}'
    status, error = _raw(api, "post", "/projects", body)
    assert status == 422
    assert error["code"] == "invalid"
    assert error["field"] == "title"
    assert why in error["message"]
    assert api.client.get("/api/v1/projects?x=%00", headers=api.headers).status_code == 422


def test_ids_beyond_64_bits_are_refused_not_overflowed(
    alice: Any, dan: Any, as_member: Any, open_task: Any
) -> None:
    status, error = as_member(dan).get(f"/tasks/{2**63}")
    assert (status, error["code"]) == (422, "invalid")
    status, error = as_member(alice).post(f"/tasks/{open_task.pk}/offer", {"worker_id": 2**64})
    assert (status, error["field"]) == (422, "worker_id")


def test_a_boolean_is_not_an_amount(bob: Any, dan: Any, as_member: Any, complete_task: Any) -> None:
    task = complete_task(bob, start=clock.now() - dt.timedelta(hours=1))
    status, error = as_member(dan).post(f"/tasks/{task.pk}/tips", {"amount_minor": True})
    assert (status, error["code"], error["field"]) == (422, "invalid", "amount_minor")


def test_a_huge_body_is_answered_413(dan: Any, as_member: Any) -> None:
    body = '{"title": "' + "a" * 3_000_000 + '", "purpose": "x"}'
    status, error = _raw(as_member(dan), "post", "/projects", body)
    assert (status, error["code"]) == (413, "too_large")


def test_an_unexpected_error_is_json_not_an_html_page(
    bob: Any, as_member: Any, monkeypatch: Any
) -> None:
    def broken(actor: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(work_selectors, "open_board", broken)
    status, error = as_member(bob).get("/board")
    assert (status, error["code"]) == (500, "server_error")
    assert "a bug" not in error["message"]
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_suspended_members_token_stops_working(alice: Any, bob: Any, as_member: Any) -> None:
    api = as_member(bob)
    assert api.get("/me")[0] == 200
    member_actions.change_membership_status(
        actor=alice,
        membership_id=bob.membership.pk,
        status=MembershipStatus.SUSPENDED,
        reason="Investigating a complaint.",
    )
    status, error = api.get("/me")
    assert (status, error["code"]) == (401, "not_authenticated")
    session = Client()
    session.force_login(bob)
    assert session.get("/api/v1/me").status_code == 401


def test_an_anonymous_write_is_401_as_the_docs_say(db: Any) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/projects", data="{}", content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
