"""Concurrent audited writes: eight processes appending to the audit log at once, each
write in its own transaction.

The baseline is the old design, measured in the same run: `_old_record` below is the
former `audit.record` line for line (the ORM, a savepoint, and the lock of the one head
row that every audited write in the co-op took), writing to tables made as the old
migrations made them (`OldAuditEntry`, `OldAuditHead`, with their indexes). The measured
case is `audit.record` as the platform writes now, each write about its own object (each
writer keeps to 50 objects, as members act on their own tasks and offers). PostgreSQL
only: SQLite has one writer whatever the design.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from collections.abc import Callable
from multiprocessing.pool import Pool
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

from bench.run import Measurement, compare
from commonwork.core import audit, clock

WRITERS = 8
OBJECTS_PER_WRITER = 50


class OldAuditEntry(models.Model):
    """core.AuditEntry as migrations 0001-0005 made it: one chain, `seq` and
    `entry_hash` unique, an index by object."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    words = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        app_label = "core"
        db_table = "bench_old_auditentry"
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="bench_old_obj")]

    def __str__(self) -> str:
        return f"#{self.seq}"


class OldAuditHead(models.Model):
    """core.AuditHead as it was: the single row every audited write locked."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        app_label = "core"
        db_table = "bench_old_audithead"

    def __str__(self) -> str:
        return f"head at #{self.seq}"


def _old_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The former `audit.record` (commit 3b51a8e), against the old tables."""
    if obj is not None:
        object_type, object_id = audit.object_type_of(obj), str(obj.pk)
    actor_id = actor.pk if actor is not None else None
    actor_label = f"member:{actor_id}" if actor_id is not None else "system"
    clean_data = json.loads(audit.canonical_json(data or {}))
    words = audit.seal_words(clean_data)
    with transaction.atomic():
        head = OldAuditHead._default_manager.select_for_update().filter(pk=1).first()
        if head is None:
            head = OldAuditHead._default_manager.create(pk=1)
        seq = head.seq + 1
        prev_hash = head.entry_hash
        at = clock.now()
        entry_hash = audit.compute_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=audit.hashed_view(clean_data, words),
            prev_hash=prev_hash,
        )
        OldAuditEntry._default_manager.create(
            words=words,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=clean_data,
            prev_hash=prev_hash,
            entry_hash=entry_hash,
        )
        head.seq, head.entry_hash = seq, entry_hash
        head.save(update_fields=["seq", "entry_hash"])


def _old_tables() -> None:
    with connection.schema_editor() as editor:
        editor.create_model(OldAuditEntry)
        editor.create_model(OldAuditHead)
    OldAuditHead._default_manager.create(pk=1)  # a migration made the row


def _append(job: tuple[int, int, bool]) -> None:
    writer, count, one_chain = job
    write = _old_record if one_chain else audit.record
    for number in range(count):
        with transaction.atomic():
            write(
                actor=None,
                action="bench.concurrent",
                object_type="bench.thing",
                object_id=f"{writer}-{number % OBJECTS_PER_WRITER}",
                data={"writer": writer, "n": number},
            )


def _take_and_release(job: tuple[int, list[int], int, bool]) -> None:
    """A worker takes each of their tasks from the board and gives it back: real
    actions (membership check, task lock, move, audit, hooks), each its own transaction."""
    worker_id, task_ids, rounds, one_chain = job
    from commonwork.members.models import User
    from commonwork.work import actions as work_actions

    if one_chain:
        audit.record = _old_record  # type: ignore[assignment]
    try:
        worker = User.objects.get(pk=worker_id)
        for _ in range(rounds):
            for task_id in task_ids:
                work_actions.take_task(actor=worker, task_id=task_id)
                work_actions.release_task(actor=worker, task_id=task_id)
    finally:
        audit.record = _RECORD


_RECORD = audit.record


def _board(writers: int, tasks_each: int) -> list[tuple[int, list[int]]]:
    """A co-op with a client's open tasks and `writers` workers, each with tasks of
    their own to take (so no two writers touch one task)."""
    from commonwork.members.models import Cooperative, Membership, Role, User
    from commonwork.work.lifecycle import TaskStatus
    from commonwork.work.models import Project, Tariff, Task

    now = clock.now()
    if not Cooperative.objects.exists():
        Cooperative.objects.create(
            name="Bench Co-op",
            currency="EUR",
            languages=["en"],
            bylaws="bench",
            founded_on=now.date(),
            share_price_minor=0,
        )
    users = User.objects.bulk_create(
        User(username=f"writer-{now.timestamp()}-{n}", password="!")  # noqa: S106
        for n in range(writers + 1)
    )
    client, workers = users[0], users[1:]
    Membership.objects.bulk_create(
        Membership(user=user, role=Role.CLIENT if user is client else Role.WORKER, joined_at=now)
        for user in users
    )
    tariff = Tariff.objects.create(
        name="bench",
        base_minor=300,
        per_km_minor=100,
        per_minute_minor=20,
        published_at=now,
        published_by=client,
    )
    project = Project.objects.create(client=client, title="bench", purpose="bench", created_at=now)
    board = []
    for worker in workers:
        tasks = Task.objects.bulk_create(
            Task(
                project=project,
                title=f"task {n}",
                kind="remote",
                estimated_minutes=20,
                deadline=now + dt.timedelta(days=30),
                tariff=tariff,
                price_minor=800,
                status=TaskStatus.OPEN,
                created_at=now,
                updated_at=now,
            )
            for n in range(tasks_each)
        )
        board.append((worker.pk, [task.pk for task in tasks]))
    return board


def _actions(
    pool: Pool, board: list[tuple[int, list[int]]], *, one_chain: bool
) -> Callable[[int], None]:
    def run(operations: int) -> None:
        # two audited actions per task per round
        rounds = max(1, operations // (2 * sum(len(tasks) for _, tasks in board)))
        pool.map(
            _take_and_release,
            [(worker, tasks, rounds, one_chain) for worker, tasks in board],
        )

    return run


def _writers(pool: Pool, *, one_chain: bool) -> Callable[[int], None]:
    def run(operations: int) -> None:
        per_writer = operations // WRITERS
        pool.map(_append, [(writer, per_writer, one_chain) for writer in range(WRITERS)])

    return run


def _close_connection(_: object = None) -> None:
    connection.close()


def run(*, quick: bool) -> list[Measurement]:
    if connection.vendor != "postgresql":
        print("bench.audit_concurrency: PostgreSQL only (SQLite has one writer); skipped.")
        return []
    operations, rounds = (400, 3) if quick else (1600, 5)
    _old_tables()
    connection.close()  # each forked writer opens its own connection
    with multiprocessing.get_context("fork").Pool(WRITERS, initializer=_close_connection) as pool:
        per_object, one_chain = _writers(pool, one_chain=False), _writers(pool, one_chain=True)
        per_object(WRITERS * 20)  # warm up: connections open, heads exist
        one_chain(WRITERS * 20)
        bare = compare(
            name=f"{operations} audited writes by {WRITERS} processes, each about its own objects",
            baseline=f"the same {WRITERS} processes with the former `audit.record` and tables",
            measured=per_object,
            baseline_run=one_chain,
            operations=operations,
            rounds=rounds,
        )
        connection.close()
        board = _board(WRITERS, tasks_each=5)
        connection.close()
        actions, old_actions = (
            _actions(pool, board, one_chain=False),
            _actions(pool, board, one_chain=True),
        )
        actions(2 * WRITERS * 5)  # warm up
        old_actions(2 * WRITERS * 5)
        taken = compare(
            name=f"{operations} task takes and releases by {WRITERS} workers at once",
            baseline="the same actions with the former `audit.record` and tables",
            measured=actions,
            baseline_run=old_actions,
            operations=operations,
            rounds=rounds,
        )
    return [bare, taken]
