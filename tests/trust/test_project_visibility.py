"""Issue 14, point 16: who may see a project."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_a_project_is_seen_by_its_client_stewards_and_the_workers_who_may_take_its_work(
    alice: Any, bob: Any, dan: Any, erin: Any, make_member: Any, as_member: Any, open_task: Any
) -> None:
    path = f"/projects/{open_task.project_id}"
    other_client = make_member("olga", "client")
    for who in (dan, alice, bob):
        assert as_member(who).get(path)[0] == 200, who.username
    status, error = as_member(other_client).get(path)
    assert (status, error["code"]) == (404, "not_found")
    applicant = Client()  # an applicant has no token, only their log-in
    applicant.force_login(erin)
    assert applicant.get(f"/api/v1{path}").status_code == 404
