"""The JSON API: every operation, its errors, tokens, idempotency and the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from commonwork.core import clock
from commonwork.core.models import AuditEntry, IdempotencyRecord
from commonwork.members.models import ApiToken, Membership
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Dispute, Task


def _deadline() -> str:
    return (clock.now() + dt.timedelta(hours=4)).isoformat()


def _task_body(project_id: int, **overrides):
    body = {
        "project_id": project_id,
        "title": "Deliver bread",
        "kind": "located",
        "pickup": {"lat": 52.52, "lon": 13.40},
        "dropoff": {"lat": 52.53, "lon": 13.42},
        "skills": ["bike"],
        "estimated_minutes": 20,
        "deadline": _deadline(),
    }
    body.update(overrides)
    return body


def _changes():
    return (Task.objects.count(), AuditEntry.objects.count(), Dispute.objects.count())


# --- authentication --------------------------------------------------------------


def test_it_answers_401_without_a_token(db):
    status, body = Client().get("/api/v1/me").status_code, Client().get("/api/v1/me").json()
    assert status == 401
    assert body["code"] == "not_authenticated"
    assert set(body) == {"code", "message", "field"}


def test_a_revoked_token_no_longer_works(bob, as_member):
    api = as_member(bob)
    assert api.get("/me")[0] == 200
    token = ApiToken.objects.get(user=bob)
    api.call("DELETE", f"/tokens/{token.pk}")
    status, body = api.get("/me")
    assert (status, body["code"]) == (401, "not_authenticated")


def test_tokens_are_stored_only_as_hashes(bob, as_member):
    status, created = as_member(bob).post("/tokens", {"name": "laptop"})
    assert status == 201
    plain = created["token"]
    stored = ApiToken.objects.get(pk=created["id"])
    assert plain not in {stored.token_hash, stored.prefix, stored.name}
    assert as_member(None).call("GET", "/me")[0] == 401
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    assert response.json()["username"] == "bob"


def test_the_session_works_and_needs_csrf_for_writes(erin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(erin)
    assert client.get("/api/v1/me").json()["membership"] is None
    response = client.post(
        "/api/v1/applications",
        data={"role": "worker", "motivation": "Hi"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not erin.applications.exists()


def test_someone_without_membership_applies_through_the_session(alice, erin, as_member):
    client = Client()
    client.force_login(erin)
    response = client.post(
        "/api/v1/applications",
        data={"role": "worker", "motivation": "I cycle", "skills": ["bike"]},
        content_type="application/json",
    )
    assert response.status_code == 201
    application_id = response.json()["id"]
    steward = as_member(alice)
    status, pending = steward.get("/applications")
    assert [a["id"] for a in pending] == [application_id]
    status, membership = steward.post(f"/applications/{application_id}/admit", {"note": "Welcome"})
    assert status == 200
    assert membership["role"] == "worker"
    assert Membership.objects.get(user=erin).shares == 1


# --- the lifecycle ---------------------------------------------------------------


def test_a_task_goes_through_its_lifecycle_over_the_api(bob, dan, project, as_member):
    client, worker = as_member(dan), as_member(bob)
    status, task = client.post("/tasks", _task_body(project.pk))
    assert status == 201
    assert task["status"] == TaskStatus.OPEN
    assert task["currency"] == "EUR"
    assert "cancel" in task["allowed_actions"]
    status, board = worker.get("/board")
    assert [t["id"] for t in board] == [task["id"]]
    assert board[0]["allowed_actions"] == ["take"]
    for step in ("take", "start", "deliver"):
        status, task = worker.post(f"/tasks/{task['id']}/{step}")
        assert status == 200, task
    assert client.get(f"/tasks/{task['id']}")[1]["allowed_actions"] == ["complete", "dispute"]
    status, task = client.post(f"/tasks/{task['id']}/complete")
    assert (status, task["status"]) == (200, TaskStatus.COMPLETED)
    status, history = worker.get(f"/tasks/{task['id']}/history")
    assert [h["action"] for h in history] == [
        "task.posted",
        "task.take",
        "task.start",
        "task.deliver",
        "task.complete",
    ]
    assert [t["id"] for t in worker.get("/tasks/mine")[1]] == [task["id"]]
    assert [t["id"] for t in client.get("/tasks/posted")[1]] == [task["id"]]


def test_disputes_are_opened_by_the_client_and_resolved_by_a_steward(
    alice, bob, dan, open_task, as_member
):
    worker, client, steward = as_member(bob), as_member(dan), as_member(alice)
    for step in ("take", "start", "deliver"):
        worker.post(f"/tasks/{open_task.pk}/{step}")
    status, dispute = client.post(f"/tasks/{open_task.pk}/dispute", {"reason": "Bread was stale"})
    assert status == 201
    assert [d["id"] for d in steward.get("/disputes")[1]] == [dispute["id"]]
    status, resolved = steward.post(
        f"/disputes/{dispute['id']}/resolve", {"outcome": "redo", "note": "Bring fresh bread"}
    )
    assert (status, resolved["outcome"]) == (200, "redo")
    assert Task.objects.get(pk=open_task.pk).status == TaskStatus.IN_PROGRESS


def test_offers_flow_through_availability(alice, bob, open_task, as_member):
    worker, steward = as_member(bob), as_member(alice)
    status, offer = steward.post(f"/tasks/{open_task.pk}/offer", {"worker_id": bob.pk})
    assert (status, offer["code"]) == (400, "not_available")
    assert worker.post("/availability", {"available": True})[1]["available"] is True
    status, offer = steward.post(f"/tasks/{open_task.pk}/offer", {"worker_id": bob.pk})
    assert status == 201
    assert [o["id"] for o in worker.get("/offers")[1]] == [offer["id"]]
    status, declined = worker.post(f"/offers/{offer['id']}/decline")
    assert declined["status"] == "declined"
    status, offer = steward.post(f"/tasks/{open_task.pk}/offer", {"worker_id": bob.pk})
    status, task = worker.post(f"/offers/{offer['id']}/accept")
    assert (status, task["status"], task["worker_id"]) == (200, TaskStatus.ACCEPTED, bob.pk)
    assert worker.get("/availability")[1]["available"] is True


def test_cooperative_and_tariff_are_public(tariff):
    client = Client()
    coop = client.get("/api/v1/cooperative").json()
    assert coop["currency"] == "EUR"
    published = client.get("/api/v1/tariff").json()
    assert published["base_minor"] == tariff.base_minor


# --- bad input changes nothing ----------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pickup": {"lat": 91, "lon": 13}}, "pickup.lat"),
        ({"dropoff": {"lat": 52, "lon": -181}}, "dropoff.lon"),
        ({"estimated_minutes": 0}, "estimated_minutes"),
        ({"kind": "teleport"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_task_bodies_answer_422_with_the_field(dan, project, as_member, overrides, field):
    api = as_member(dan)
    before = _changes()
    status, body = api.post("/tasks", _task_body(project.pk, **overrides))
    assert (status, body["code"], body["field"]) == (422, "invalid", field)
    assert _changes() == before


def test_a_past_deadline_is_refused_by_the_action(dan, project, as_member):
    api = as_member(dan)
    before = _changes()
    past = (clock.now() - dt.timedelta(hours=1)).isoformat()
    status, body = api.post("/tasks", _task_body(project.pk, deadline=past))
    assert (status, body["field"]) == (400, "deadline")
    assert _changes() == before


def test_a_negative_price_is_refused(alice, as_member):
    status, body = as_member(alice).post(
        "/tariffs", {"name": "x", "base_minor": -5, "per_km_minor": 1, "per_minute_minor": 1}
    )
    assert (status, body["code"], body["field"]) == (422, "invalid", "base_minor")


def test_unknown_ids_answer_404(bob, as_member):
    api = as_member(bob)
    for path in ("/tasks/999999/take", "/offers/999999/accept"):
        status, body = api.post(path)
        assert (status, body["code"]) == (404, "not_found"), path
    assert api.get("/tasks/999999")[1]["code"] == "not_found"


def test_completing_an_open_task_is_409(dan, open_task, as_member):
    api = as_member(dan)
    before = _changes()
    status, body = api.post(f"/tasks/{open_task.pk}/complete")
    assert (status, body["code"]) == (409, "illegal_transition")
    assert _changes() == before


def test_a_taken_task_answers_already_taken(bob, carol, open_task, as_member):
    as_member(bob).post(f"/tasks/{open_task.pk}/take")
    status, body = as_member(carol).post(f"/tasks/{open_task.pk}/take")
    assert (status, body["code"]) == (409, "already_taken")


def test_nobody_accepts_someone_elses_offer(alice, bob, carol, open_task, as_member):
    as_member(bob).post("/availability", {"available": True})
    _, offer = as_member(alice).post(f"/tasks/{open_task.pk}/offer", {"worker_id": bob.pk})
    api = as_member(carol)
    before = _changes()
    status, body = api.post(f"/offers/{offer['id']}/accept")
    assert (status, body["code"]) == (404, "not_found")
    assert _changes() == before


def test_another_clients_project_and_draft_are_invisible(alice, dan, make_task, as_member):
    other = as_member(alice)
    draft = make_task(publish=False)
    assert other.get(f"/projects/{draft.project_id}")[0] == 200  # stewards see every project
    from tests.conftest import _admit, _user

    eve = _admit(alice, _user("eve"), "client")
    api = as_member(eve)
    assert api.get(f"/projects/{draft.project_id}")[1]["code"] == "not_found"
    assert api.get(f"/tasks/{draft.pk}")[1]["code"] == "not_found"
    status, body = api.post("/tasks", _task_body(draft.project_id))
    assert (status, body["code"]) == (404, "not_found")


def test_workers_cannot_use_steward_endpoints(bob, as_member):
    api = as_member(bob)
    for path in ("/applications", "/members", "/disputes"):
        status, body = api.get(path)
        assert (status, body["code"]) == (403, "forbidden"), path


# --- idempotency ---------------------------------------------------------------------


def test_a_retried_post_with_the_same_key_happens_once(dan, project, as_member):
    api = as_member(dan)
    body = _task_body(project.pk)
    first = api.post("/tasks", body, key="post-bread-1")
    before = _changes()
    second = api.post("/tasks", body, key="post-bread-1")
    assert second == first
    assert _changes() == before
    assert Task.objects.filter(title="Deliver bread").count() == 1


def test_the_same_key_with_another_body_is_refused(dan, project, as_member):
    api = as_member(dan)
    api.post("/tasks", _task_body(project.pk), key="k1")
    before = _changes()
    status, body = api.post("/tasks", _task_body(project.pk, title="Other"), key="k1")
    assert (status, body["code"]) == (422, "idempotency_key_reused")
    assert _changes() == before


def test_a_failed_request_stores_no_answer_and_can_be_retried(bob, carol, open_task, as_member):
    api = as_member(carol)
    status, _ = api.post(f"/tasks/{open_task.pk}/take", key="take-1")
    assert status == 200
    assert IdempotencyRecord.objects.count() == 1
    status, body = as_member(bob).post(f"/tasks/{open_task.pk}/take", key="take-1")
    assert (status, body["code"]) == (409, "already_taken")
    assert IdempotencyRecord.objects.count() == 1


# --- the schema ----------------------------------------------------------------------


def test_the_openapi_schema_lists_the_operations(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Commonwork API"
    for path in (
        "/api/v1/tasks",
        "/api/v1/tasks/{task_id}/take",
        "/api/v1/offers/{offer_id}/accept",
        "/api/v1/availability",
        "/api/v1/applications/{application_id}/admit",
    ):
        assert path in schema["paths"], path
    assert schema["paths"]["/api/v1/tasks/{task_id}/take"]["post"]["operationId"] == "task_take"
