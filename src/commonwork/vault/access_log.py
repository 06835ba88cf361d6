"""Each member's access log: who read which of their data, when, and why. Hash-chained
per member like the audit log (core.audit), so tampering is detected by `verify`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from commonwork.core.audit import GENESIS_HASH, canonical_json
from commonwork.vault.models import AccessLogEntry, AccessLogHead


@dataclass(frozen=True)
class Read:
    """One read to log: the reader (None for a job), and what and why."""

    actor_id: int | None
    actor_label: str
    actor_kind: str
    category: str
    purpose: str
    basis: str


def entry_hash(*, subject_id: int, seq: int, at: datetime, read: Read, prev_hash: str) -> str:
    payload = canonical_json(
        [
            subject_id,
            seq,
            at.isoformat(),
            read.actor_id,
            read.actor_label,
            read.actor_kind,
            read.category,
            read.purpose,
            read.basis,
            prev_hash,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def verify(subject_id: int) -> list[str]:
    """Every break in one member's log: a changed, missing or reordered row, or a head
    that does not match the last row. Empty when the log is intact."""
    problems = []
    previous = GENESIS_HASH
    expected_seq = 1
    for row in AccessLogEntry.objects.filter(subject_id=subject_id).order_by("seq"):
        if row.seq != expected_seq:
            problems.append(f"entry {expected_seq} is missing (found {row.seq})")
        read = Read(
            row.actor_id if row.actor_id is not None else None,
            row.actor_label,
            row.actor_kind,
            row.category,
            row.purpose,
            row.basis,
        )
        recomputed = entry_hash(
            subject_id=subject_id, seq=row.seq, at=row.at, read=read, prev_hash=previous
        )
        if row.prev_hash != previous or row.entry_hash != recomputed:
            problems.append(f"entry {row.seq} was altered")
        previous = row.entry_hash
        expected_seq = row.seq + 1
    head = AccessLogHead.objects.filter(subject_id=subject_id).first()
    if head is not None and (head.seq != expected_seq - 1 or head.entry_hash != previous):
        problems.append("the log's newest entries were removed")
    return problems
