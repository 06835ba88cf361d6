"""The books' speed: posting journal entries against a bare batched INSERT of the same
rows, and a whole period close at co-op scale.

Posting: task-completion-shaped entries (four postings each: client receivable, worker
payable, fee, solidarity fund) go through `post_entries` (checks, fingerprints, the
idempotency lookup, account resolution, audit record) in batches of 500, one
transaction per batch. The named baseline inserts the very same rows with one raw
multi-row INSERT per table per batch, in one transaction per batch, and nothing else.
A second row posts one entry per transaction, as a task completion does.

Close: 5,000 members with a six-hour availability each and 100,000 completed tasks in
the period (500 and 10,000 with --quick); the close computes every member's engaged
time, top-up and statement and posts the top-ups. Its baseline is reading the rows the
close must read (availability, tasks, postings), so the ratio is the close's own cost.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from bench.run import Measurement, compare
from commonwork.core import clock
from commonwork.ledger.actions import EntryDraft, Line, post_entries, post_entry
from commonwork.ledger.actions.periods import close_period, local_midnight
from commonwork.ledger.models import AccountPurpose, EntryKind, Posting
from commonwork.members.models import Cooperative, Membership, Role, User
from commonwork.work.models import AvailabilityPeriod, Project, Tariff, Task

FOUNDED = dt.date(2026, 1, 1)
BATCH = 500
_keys = itertools.count()


def _members(count: int, prefix: str, role: Role) -> list[int]:
    users = User.objects.bulk_create(
        User(username=f"{prefix}{n}", password="!", display_name=f"{prefix} {n}")  # noqa: S106
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, role=role, joined_at=clock.now()) for user in users
    )
    return [user.pk for user in users]


def _cooperative() -> tuple[int, list[int]]:
    if not Cooperative.objects.exists():
        founder = User.objects.create(username="founder", password="!")  # noqa: S106
        Cooperative.objects.create(
            name="Bench Co-op",
            currency="EUR",
            languages=["en"],
            bylaws="bench",
            founded_on=FOUNDED,
            share_price_minor=0,
        )
        Membership.objects.create(user=founder, role=Role.STEWARD, joined_at=clock.now())
    client = _members(1, f"client{next(_keys)}-", Role.CLIENT)[0]
    return client, _members(200, f"poster{next(_keys)}-", Role.WORKER)


def _draft(rng: random.Random, client: int, workers: list[int], task_id: int | None) -> EntryDraft:
    price = rng.randint(500, 3000)
    fee, solidarity = price * 8 // 100, price * 2 // 100
    return EntryDraft(
        key=f"bench:{next(_keys)}",
        kind=EntryKind.TASK_COMPLETION,
        memo="bench task",
        lines=(
            Line(AccountPurpose.RECEIVABLE, price, client),
            Line(AccountPurpose.PAYABLE, -(price - fee - solidarity), rng.choice(workers)),
            Line(AccountPurpose.FEES, -fee),
            Line(AccountPurpose.SOLIDARITY, -solidarity),
        ),
        task_id=task_id,
    )


def _bare_insert(
    drafts: list[EntryDraft],
    account_ids: dict[tuple[str, int | None], int],
    batch_size: int = BATCH,
) -> None:
    """The same rows, by hand: one multi-row INSERT per table per batch."""
    now = clock.now()
    for start in range(0, len(drafts), batch_size):
        batch = drafts[start : start + batch_size]
        # Only placeholders are joined into the SQL; every value travels as a parameter.
        with transaction.atomic(), connection.cursor() as cursor:
            rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            params: list[Any] = []
            for draft in batch:
                params += [draft.key, "0" * 64, draft.kind, now, draft.memo]
            cursor.execute(
                "INSERT INTO ledger_journalentry (key, fingerprint, kind, posted_at, memo) "  # noqa: S608
                f"VALUES {rows} RETURNING id",
                params,
            )
            entry_ids = [row[0] for row in cursor.fetchall()]
            postings: list[Any] = []
            for entry_id, draft in zip(entry_ids, batch, strict=True):
                for line in draft.lines:
                    postings += [
                        entry_id,
                        account_ids[(line.purpose, line.owner_id)],
                        line.amount_minor,
                    ]
            placeholders = ", ".join(["(%s, %s, %s)"] * (len(postings) // 3))
            cursor.execute(
                "INSERT INTO ledger_posting (entry_id, account_id, amount_minor) VALUES "  # noqa: S608
                + placeholders,
                postings,
            )


def _post_batches(count: int, draft: Callable[[], EntryDraft]) -> None:
    for _ in range(count // BATCH):
        post_entries([draft() for _ in range(BATCH)], actor=None)


def _post_one_by_one(count: int, draft: Callable[[], EntryDraft]) -> None:
    for _ in range(count):
        post_entry(draft(), actor=None)


def _posting(quick: bool) -> list[Measurement]:
    rng = random.Random(2026)
    client, workers = _cooperative()
    # Open every account once, so neither side pays for opening them.
    post_entries([_draft(rng, client, [w], None) for w in workers], actor=None)
    from commonwork.ledger.models import Account

    account_ids = {(a.purpose, a.owner_id): a.pk for a in Account.objects.all()}
    operations = 2_000 if quick else 10_000
    batched = compare(
        name=f"post_entries, {BATCH} entries (4 postings each) per transaction",
        baseline="bare batched INSERT of the same rows",
        measured=lambda n: _post_batches(n, lambda: _draft(rng, client, workers, None)),
        baseline_run=lambda n: _bare_insert(
            [_draft(rng, client, workers, None) for _ in range(n)], account_ids
        ),
        operations=operations,
        rounds=3,
    )
    single = compare(
        name="post_entry, one entry per transaction (a task completion)",
        baseline="bare INSERT of the same rows, one entry per transaction",
        measured=lambda n: _post_one_by_one(n, lambda: _draft(rng, client, workers, None)),
        baseline_run=lambda n: _bare_insert(
            [_draft(rng, client, workers, None) for _ in range(n)], account_ids, batch_size=1
        ),
        operations=operations // 10,
        rounds=3,
    )
    return [batched, single]


def _close(quick: bool) -> list[Measurement]:
    members_count, tasks_count = (500, 10_000) if quick else (5_000, 100_000)
    rng = random.Random(7)
    client, _posters = _cooperative()
    members = _members(members_count, f"member{next(_keys)}-", Role.WORKER)
    start = local_midnight(FOUNDED)
    shifts = [start + dt.timedelta(days=rng.randint(0, 6), hours=8) for _ in members]
    AvailabilityPeriod.objects.bulk_create(
        AvailabilityPeriod(
            worker_id=member, started_at=shift, ended_at=shift + dt.timedelta(hours=6)
        )
        for member, shift in zip(members, shifts, strict=True)
    )
    founder = Membership.objects.filter(role=Role.STEWARD).first()
    assert founder is not None
    tariff = Tariff.objects.create(
        name="bench",
        base_minor=300,
        per_km_minor=100,
        per_minute_minor=20,
        published_at=clock.now(),
        published_by_id=founder.user_id,
    )
    project = Project.objects.create(
        client_id=client, title="bench", purpose="bench", created_at=clock.now()
    )
    tasks: list[Task] = []
    for n in range(tasks_count):
        began = start + dt.timedelta(minutes=rng.randint(0, 6 * 24 * 60))
        tasks.append(
            Task(
                project=project,
                title=f"task {n}",
                kind="remote",
                estimated_minutes=20,
                deadline=began + dt.timedelta(hours=2),
                tariff=tariff,
                price_minor=rng.randint(500, 3000),
                status="completed",
                worker_id=members[n % members_count],
                created_at=began,
                updated_at=began,
                started_at=began,
                delivered_at=began + dt.timedelta(minutes=20),
                completed_at=began + dt.timedelta(minutes=30),
            )
        )
    Task.objects.bulk_create(tasks, batch_size=5_000)
    for offset in range(0, tasks_count, 2_000):
        chunk = tasks[offset : offset + 2_000]
        post_entries(
            [_draft(rng, client, [task.worker_id], task.pk) for task in chunk],  # type: ignore[list-item]
            actor=None,
            posted_at=start + dt.timedelta(days=3),
        )

    def read_what_the_close_reads(_n: int) -> None:
        list(AvailabilityPeriod.objects.values_list("worker_id", "started_at", "ended_at"))
        list(Task.objects.values_list("worker_id", "started_at", "delivered_at"))
        list(
            Posting.objects.values_list(
                "entry_id", "entry__kind", "account__purpose", "account__owner_id", "amount_minor"
            )
        )

    started = time.perf_counter()
    read_what_the_close_reads(1)
    baseline = time.perf_counter() - started
    with clock.set_to(local_midnight(FOUNDED + dt.timedelta(days=8))):
        started = time.perf_counter()
        close_period(actor=None, starts_on=FOUNDED)
        seconds = time.perf_counter() - started
    return [
        Measurement(
            name=f"period close, {members_count:,} members and {tasks_count:,} tasks",
            baseline="reading the rows the close reads",
            operations=1,
            seconds=seconds,
            baseline_seconds=baseline,
        )
    ]


def run(*, quick: bool) -> list[Measurement]:
    return [*_posting(quick), *_close(quick)]
