"""The books under load and under a crash: concurrent completions on PostgreSQL, and a
period close killed with SIGKILL in the middle of its transaction."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from commonwork.core import clock
from commonwork.governance.parameters import read_parameter
from commonwork.ledger.actions import post_task_completion
from commonwork.ledger.books import account_balances, check_books
from commonwork.ledger.models import EntryKind, JournalEntry
from commonwork.ledger.rules import split_price
from commonwork.members.models import Cooperative, Role
from commonwork.work import actions as work_actions
from commonwork.work.errors import WorkError
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task

SCRIPT = Path(__file__).with_name("close_in_subprocess.py")
THREADS = 20
COMPLETIONS = 1000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_thousand_completions_by_twenty_concurrent_workers_post_once_each(
    make_member: Any, dan: Any, open_task: Task
) -> None:
    # given: twenty workers, each with fifty delivered tasks waiting for the client
    workers = [make_member(f"rider{n:02d}", Role.WORKER, ["bike"]) for n in range(THREADS)]
    now = clock.now()
    template = {
        field.name: getattr(open_task, field.name)
        for field in Task._meta.concrete_fields
        if field.name not in {"id", "status", "worker", "started_at", "delivered_at"}
    }
    Task.objects.bulk_create(
        Task(
            **{**template, "price_minor": 500 + n},
            status=TaskStatus.DELIVERED,
            worker=workers[n % THREADS],
            started_at=now,
            delivered_at=now,
        )
        for n in range(COMPLETIONS)
    )
    by_worker: dict[int, list[int]] = defaultdict(list)
    for task_id, worker_id in Task.objects.filter(status=TaskStatus.DELIVERED).values_list(
        "id", "worker_id"
    ):
        by_worker[worker_id].append(task_id)
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def complete_all(task_ids: list[int]) -> None:
        try:
            barrier.wait(timeout=60)
            for task_id in task_ids:
                work_actions.complete_task(actor=dan, task_id=task_id)
                # A retried completion is refused by the task, and a retried posting
                # finds the entry it made: neither posts again.
                with contextlib.suppress(WorkError):
                    work_actions.complete_task(actor=dan, task_id=task_id)
                post_task_completion(
                    task=Task.objects.select_related("project").get(pk=task_id), actor=None
                )
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    # when: the twenty complete their tasks at the same time
    threads = [threading.Thread(target=complete_all, args=(ids,)) for ids in by_worker.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert failures == []
    assert JournalEntry.objects.filter(kind=EntryKind.TASK_COMPLETION).count() == COMPLETIONS
    report = check_books()
    assert report.ok, report.problems
    fee_rate = Fraction(read_parameter("fee_rate"))
    solidarity_rate = Fraction(read_parameter("solidarity_rate"))
    owed: dict[int, int] = defaultdict(int)
    for worker_id, price in Task.objects.filter(status=TaskStatus.COMPLETED).values_list(
        "worker_id", "price_minor"
    ):
        owed[worker_id] += split_price(
            price, fee_rate=fee_rate, solidarity_rate=solidarity_rate
        ).worker_minor
    balances = account_balances()
    share = Cooperative.objects.get(pk=1).share_price_minor  # each bought one on admission
    for worker in workers:
        assert balances[f"Liabilities:Payable:Member{worker.pk}"] == share - owed[worker.pk]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def separate_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL of a fresh database of the engine this pass runs on."""
    config = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        return
    name = f"kill_{uuid.uuid4().hex[:12]}"
    params: dict[str, Any] = {
        "host": config["HOST"],
        "port": config["PORT"],
        "user": config["USER"],
        "password": config["PASSWORD"],
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{config['USER']}:{config['PASSWORD']}@{config['HOST']}:{config['PORT']}/{name}"
        )
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_close_killed_midway_leaves_nothing_and_completes_once_when_rerun(
    separate_database: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": separate_database,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
    }
    setup = _run(env, "setup")
    assert setup.returncode == 0, setup.stderr

    # when: a close is killed after posting its top-ups, before its statements
    marker = tmp_path / "paused"
    closing = subprocess.Popen(  # noqa: S603
        [sys.executable, str(SCRIPT), "close", "--pause-at", str(marker)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and closing.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), closing.communicate()
    closing.send_signal(signal.SIGKILL)
    closing.wait()

    # then: nothing of it is in the books
    assert json.loads(_run(env, "count").stdout) == {"periods": 0, "statements": 0, "top_ups": 0}

    # and running it again completes it, once
    assert _run(env, "close").returncode == 0
    done = json.loads(_run(env, "count").stdout)
    assert done == {"periods": 1, "statements": 5, "top_ups": 5}
    again = _run(env, "close")
    assert again.returncode != 0
    assert "already closed" in again.stderr or "next period" in again.stderr or again.stderr
    assert json.loads(_run(env, "count").stdout) == done
