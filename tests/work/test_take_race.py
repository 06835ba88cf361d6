"""Twenty workers take the same open task at the same moment, on PostgreSQL's real
row locks: exactly one gets it, the other nineteen are told it is already taken."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from commonwork.members.models import Role
from commonwork.work import actions as work_actions
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Project, Task
from tests.concurrency import held_by_another_transaction

WORKERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_workers_taking_one_task_at_once_leave_it_with_exactly_one(make_member, open_task):
    # given: twenty workers who all have the skill the task needs
    workers = [
        make_member(f"rider{number:02d}", Role.WORKER, ["bike"]) for number in range(WORKERS)
    ]
    barrier = threading.Barrier(WORKERS)
    results: dict[str, object] = {}
    results_lock = threading.Lock()

    def take(worker) -> None:
        try:
            barrier.wait(timeout=60)
            try:
                outcome: object = work_actions.take_task(actor=worker, task_id=open_task.pk)
            except WorkError as exc:
                outcome = exc
            except Exception as exc:  # reported by the assertions below
                outcome = exc
            with results_lock:
                results[worker.username] = outcome
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(worker,)) for worker in workers]

    # when: all of them are released together
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert len(results) == WORKERS
    winners = [name for name, outcome in results.items() if isinstance(outcome, Task)]
    refusals = [outcome for outcome in results.values() if not isinstance(outcome, Task)]
    assert len(winners) == 1, results
    assert all(isinstance(refusal, WorkError) for refusal in refusals), refusals
    assert {refusal.code for refusal in refusals} == {"already_taken"}  # type: ignore[attr-defined]
    assert len(refusals) == WORKERS - 1

    task = Task.objects.select_related("worker").get(pk=open_task.pk)
    assert task.status == TaskStatus.ACCEPTED
    assert task.worker is not None
    assert task.worker.username == winners[0]
    assert "intact" in _verify_audit()


def _verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_take_locks_the_task_not_its_project(bob, open_task):
    """Found by the load test: a take locked the task's project row too, so two takes of
    one client's tasks could deadlock (each plan locking the two rows in its own order).
    With the project's row held elsewhere, a take of its task still goes through."""
    with held_by_another_transaction(
        lambda: Project.objects.select_for_update().get(pk=open_task.project_id)
    ):
        taken = work_actions.take_task(actor=bob, task_id=open_task.pk)
    assert taken.status == TaskStatus.ACCEPTED
    assert Task.objects.get(pk=open_task.pk).worker_id == bob.pk
