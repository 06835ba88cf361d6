"""The API a phone app uses: posting by address, places, location, limits, road steps
and delivery with the recipient's code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonwork.core import clock
from commonwork.work.models import LocationPing, Task


def _by_address(project_id: int, **overrides: Any) -> dict[str, Any]:
    body = {
        "project_id": project_id,
        "title": "Bread to the park",
        "kind": "located",
        "pickup_address": "Markthalle Neun",
        "dropoff_address": "Görlitzer Park",
        "estimated_minutes": 20,
        "deadline": (clock.now() + dt.timedelta(hours=4)).isoformat(),
    }
    body.update(overrides)
    return body


def test_a_task_is_posted_by_address(dan: Any, project: Any, as_member: Any) -> None:
    status, task = as_member(dan).post("/tasks", _by_address(project.pk))
    assert status == 201
    assert task["pickup_address"].startswith("Markthalle Neun")
    assert task["pickup"] == {"lat": 52.502, "lon": 13.4318}
    assert task["recipient_code"].isdigit()
    status, error = as_member(dan).post(
        "/tasks", _by_address(project.pk, pickup_address="Atlantis")
    )
    assert (status, error["code"], error["field"]) == (400, "unknown_address", "pickup_address")
    assert Task.objects.count() == 1


def test_places_are_searched(bob: Any, as_member: Any) -> None:
    status, found = as_member(bob).get("/places?q=ostkreuz")
    assert status == 200
    assert found[0]["label"].startswith("Ostkreuz")
    status, error = as_member(bob).get("/places?q=" + "x" * 201)
    assert status == 422
    assert error["field"] == "q"


def test_the_phone_reports_location_only_while_available(bob: Any, as_member: Any) -> None:
    api = as_member(bob)
    status, error = api.post("/me/location", {"lat": 52.5, "lon": 13.4})
    assert (status, error["code"]) == (400, "not_available")
    api.post("/availability", {"available": True})
    status, taken = api.post("/me/location", {"lat": 52.5, "lon": 13.4})
    assert status == 201
    assert taken["every_seconds"] == 30
    assert LocationPing.objects.count() == 1
    status, _error = api.post("/me/location", {"lat": 91, "lon": 13.4})
    assert status == 422


def test_limits_are_read_and_written(bob: Any, as_member: Any) -> None:
    api = as_member(bob)
    assert api.get("/me/preferences") == (200, {"max_distance_km": None, "kinds": [], "areas": []})
    limits = {"max_distance_km": 3.5, "kinds": ["located"], "areas": [[52.5, 13.3, 52.6, 13.5]]}
    assert api.call("PUT", "/me/preferences", limits) == (200, limits)
    assert api.get("/me/preferences") == (200, limits)
    status, error = api.call("PUT", "/me/preferences", {"areas": [[1, 2, 3]]})
    assert (status, error["field"]) == (400, "areas")


def test_the_road_steps_and_a_coded_delivery(
    bob: Any, dan: Any, open_task: Task, as_member: Any
) -> None:
    worker = as_member(bob)
    worker.post("/availability", {"available": True})
    worker.post(f"/tasks/{open_task.pk}/take")
    worker.post(f"/tasks/{open_task.pk}/start")
    status, task = worker.post(f"/tasks/{open_task.pk}/steps/picked_up")
    assert status == 200
    assert task["arrived_at"] is not None
    assert task["picked_up_at"] is not None
    assert task["recipient_code"] is None  # the worker asks for it at the door
    assert worker.post(f"/tasks/{open_task.pk}/steps/flew")[0] == 422
    status, error = worker.post(f"/tasks/{open_task.pk}/deliver", {"code": "abcdef"})
    assert (status, error["field"]) == (400, "code")
    code = as_member(dan).get(f"/tasks/{open_task.pk}")[1]["recipient_code"]
    status, task = worker.post(f"/tasks/{open_task.pk}/deliver", {"code": code})
    assert (status, task["status"]) == (200, "delivered")


def test_delivery_without_a_body_still_works(bob: Any, make_task: Any, as_member: Any) -> None:
    remote = make_task(kind="remote", pickup=None, dropoff=None)
    worker = as_member(bob)
    worker.post(f"/tasks/{remote.pk}/take")
    worker.post(f"/tasks/{remote.pk}/start")
    status, task = worker.call("POST", f"/tasks/{remote.pk}/deliver")
    assert (status, task.get("status")) == (200, "delivered"), task
