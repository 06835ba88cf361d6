"""The hash-chained audit log: every state change writes one row through `record`.

Writers are serialised by a row lock on the single AuditHead row (SQLite's single
writer does the same there), so two concurrent actions can never both extend the chain
from the same previous row; the head also anchors the chain's end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction

from commonwork.core import clock
from commonwork.core.models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
    prev_hash: str,
) -> str:
    payload = canonical_json(
        [
            seq,
            at.isoformat(),
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            data,
            prev_hash,
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Only the very first entry of a fresh database gets here; the unique pk makes a
        # concurrent first writer fail and retry rather than fork the chain.
        head = AuditHead.objects.create(pk=1)
    return head


# Who acted: a log-in, or None for the platform itself (a job, a closing vote).
Actor = AbstractBaseUser | None


def record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the action's transaction, after the change."""
    if obj is not None:
        object_type, object_id = object_type_of(obj), str(obj.pk)
    actor_id = actor.pk if actor is not None else None
    # A pseudonym, not the username: the log is kept forever and hash-chained, so it must
    # hold nothing a member's erasure would have to remove. Pages name the actor through
    # the `actor` row, which erasure pseudonymises.
    actor_label = f"member:{actor_id}" if actor_id is not None else "system"
    # Round-trip through JSON so the hash covers exactly what the database returns.
    clean_data = json.loads(canonical_json(data or {}))
    with transaction.atomic():
        head = _locked_head()
        seq = head.seq + 1
        prev_hash = head.entry_hash
        at = clock.now()
        entry_hash = compute_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=clean_data,
            prev_hash=prev_hash,
        )
        entry = AuditEntry.objects.create(
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
        return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(
    entries: Iterable[AuditEntry], *, head_seq: int, head_hash: str
) -> Iterator[ChainProblem]:
    """Yield every break in the chain: an edited row, a missing row, a broken link."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for entry in entries:
        if entry.seq != expected_seq:
            yield ChainProblem(expected_seq, f"rows {expected_seq}..{entry.seq - 1} are missing")
        if entry.prev_hash != prev_hash:
            yield ChainProblem(entry.seq, "does not link to the previous row's hash")
        recomputed = compute_hash(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            data=entry.data,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.entry_hash:
            yield ChainProblem(entry.seq, "its content was changed after it was written")
        expected_seq = entry.seq + 1
        prev_hash = entry.entry_hash
    if expected_seq - 1 != head_seq or prev_hash != head_hash:
        yield ChainProblem(head_seq, f"the chain ends at row {expected_seq - 1}, not at the head")


def history_of(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor").filter(
        object_type=object_type_of(obj), object_id=str(obj.pk)
    )
