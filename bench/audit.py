"""The audit log's cost: appending through `audit.record` (hash, lock the stream's head,
insert, move the head) against a plain insert of the same row, and checking the chains
against merely reading them."""

from __future__ import annotations

import itertools

from django.db import transaction

from bench.run import Measurement, compare
from commonwork.core import audit, clock
from commonwork.core.models import AuditEntry

# Baseline rows take seq numbers far above the chain's, so they never collide with it.
_baseline_seq = itertools.count(10**12)


def _plain_inserts(count: int) -> None:
    for _ in range(count):
        seq = next(_baseline_seq)
        with transaction.atomic():
            AuditEntry.objects.create(
                stream=f"bench.plain:{seq}",
                seq=seq,
                at=clock.now(),
                actor_id=None,
                actor_label="bench",
                action="bench.plain_insert",
                object_type="bench.thing",
                object_id=str(seq),
                data={"n": seq},
                prev_hash=audit.GENESIS_HASH,
                entry_hash=f"{seq:064x}",
            )


def _recorded(count: int) -> None:
    for number in range(count):
        audit.record(
            actor=None,
            action="bench.record",
            object_type="bench.thing",
            object_id=str(number),
            data={"n": number},
        )


def _chain() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__lt=10**12).order_by("stream", "seq"))


def _read_only(count: int) -> None:
    for _ in range(count):
        assert _chain()


def _verified(count: int) -> None:
    for _ in range(count):
        entries, problems = audit.verify_all()
        assert entries
        assert not problems, problems


def run(*, quick: bool) -> list[Measurement]:
    operations, rounds = (100, 3) if quick else (500, 7)
    _recorded(20)  # warm up: the head row exists, caches are filled
    _plain_inserts(20)
    append = compare(
        name="append one entry with `audit.record`",
        baseline="`AuditEntry.objects.create` of the same row, in its own transaction",
        measured=_recorded,
        baseline_run=_plain_inserts,
        operations=operations,
        rounds=rounds,
    )
    AuditEntry.objects.filter(seq__gte=10**12).delete()  # the baseline's rows are no chain
    chain_length = AuditEntry.objects.count()
    verify = compare(
        name=f"verify {chain_length} entries in their chains (`verify_all`)",
        baseline="load the same rows without checking them",
        measured=_verified,
        baseline_run=_read_only,
        operations=3 if quick else 10,
        rounds=rounds,
    )
    return [append, verify]
