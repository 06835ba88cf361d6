"""The hash-chained audit log: every state change writes one row through `record`.

Writers are serialised by a row lock on the single AuditHead row (SQLite's single
writer does the same there), so two concurrent actions can never both extend the chain
from the same previous row; the head also anchors the chain's end.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction

from commonwork.core import clock
from commonwork.core.models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64

# Free text people write (a reason, a note) is kept redactable: the chain covers a salted
# digest of it, not the text, so erasure can remove the text (and the salt that would let
# anyone test a guess against the digest) and the chain still verifies.
WORD_FIELDS = ("reason", "note", "body", "motivation")
ERASED_WORDS = "[erased]"


def _digest(nonce: str, text: str) -> str:
    return hashlib.sha256(f"{nonce}:{text}".encode()).hexdigest()


def seal_words(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A fresh salted digest of each free-text field of the data (stored beside it)."""
    return {
        field: {"nonce": (nonce := secrets.token_hex(16)), "digest": _digest(nonce, value)}
        for field, value in data.items()
        if field in WORD_FIELDS and isinstance(value, str) and value
    }


def hashed_view(data: Any, words: dict[str, dict[str, str]]) -> Any:
    """What the chain's hash covers: the data with each sealed free text replaced by its
    digest. (Entries written before words were sealed have none, and are covered as is.)"""
    if not words or not isinstance(data, dict):
        return data
    return {**data, **{field: f"sha256:{seal['digest']}" for field, seal in words.items()}}


def words_intact(data: Any, words: dict[str, dict[str, str]]) -> bool:
    """Whether every free text still present matches its digest (erased ones are gone)."""
    return all(
        "nonce" not in seal or _digest(seal["nonce"], str(data.get(field))) == seal["digest"]
        for field, seal in words.items()
    )


def redact_words(entries: models.QuerySet[AuditEntry]) -> int:
    """Erase the free text of these entries (a member's erasure): the text and its salt
    go, the digest stays, so the chain still verifies. How many entries changed."""
    changed = []
    for entry in entries.select_for_update().exclude(words={}):
        entry.data = {**entry.data, **dict.fromkeys(entry.words, ERASED_WORDS)}
        entry.words = {field: {"digest": seal["digest"]} for field, seal in entry.words.items()}
        changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["data", "words"])
    return len(changed)


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
    words = seal_words(clean_data)
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
            data=hashed_view(clean_data, words),
            prev_hash=prev_hash,
        )
        entry = AuditEntry.objects.create(
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
            data=hashed_view(entry.data, entry.words),
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.entry_hash or not words_intact(entry.data, entry.words):
            yield ChainProblem(entry.seq, "its content was changed after it was written")
        expected_seq = entry.seq + 1
        prev_hash = entry.entry_hash
    if expected_seq - 1 != head_seq or prev_hash != head_hash:
        yield ChainProblem(head_seq, f"the chain ends at row {expected_seq - 1}, not at the head")


def history_of(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor").filter(
        object_type=object_type_of(obj), object_id=str(obj.pk)
    )
