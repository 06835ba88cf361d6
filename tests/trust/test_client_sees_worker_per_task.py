"""Issue 14, point 1: a client knows who does a task only while that very task is in
hand: not once it is done, and not because the same worker holds another of their tasks."""

from __future__ import annotations

from typing import Any

from django.test import Client

from commonwork.work import actions as work_actions


def _task_json(client: Client, task_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/tasks/{task_id}")
    assert response.status_code == 200
    return dict(response.json())


def test_a_finished_task_hides_its_worker_even_while_another_is_in_hand(
    bob: Any, dan: Any, make_task: Any
) -> None:
    done = make_task(title="Done yesterday")
    work_actions.take_task(actor=bob, task_id=done.pk)
    work_actions.start_task(actor=bob, task_id=done.pk)
    work_actions.deliver_task(actor=bob, task_id=done.pk)
    work_actions.complete_task(actor=dan, task_id=done.pk)
    current = make_task(title="In hand now")
    work_actions.take_task(actor=bob, task_id=current.pk)

    client = Client()
    client.force_login(dan)
    assert _task_json(client, current.pk)["worker_id"] == bob.pk
    assert _task_json(client, done.pk)["worker_id"] is None
    page = client.get(f"/tasks/{done.pk}/").content.decode()
    assert "Bob" not in page
    assert "Bob" in client.get(f"/tasks/{current.pk}/").content.decode()
