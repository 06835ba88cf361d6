"""The hash-chained audit log: every state change writes one row through `record`.

There is one chain per audited object (its stream, "app.model:pk"). Writers of one
object are serialised by a row lock on that stream's head, so two concurrent actions
never extend a chain from the same previous row, while actions on different objects
never wait for each other. The head anchors its chain's end; a signed checkpoint
(`write_checkpoint`, every minute) binds the heads that moved, so removing a chain's tail
together with its head, or a whole chain, is found as well.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models, transaction

from commonwork.core import clock
from commonwork.core.metrics import AUDIT_WRITE_SECONDS
from commonwork.core.models import AuditCheckpoint, AuditEntry, AuditStreamHead

GENESIS_HASH = "0" * 64
# The one chain every entry was in before chains were per object.
LEGACY_STREAM = "global"
# Records about no object in particular (rare: a setting of the platform itself).
PLATFORM_STREAM = "platform"

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


def content_digest(
    *,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
) -> str:
    """What an entry says, hashed: everything but its place in its chain."""
    payload = canonical_json(
        [at.isoformat(), actor_id, actor_label, action, object_type, object_id, data]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def link_hash(seq: int, prev_hash: str, content: str) -> str:
    """An entry's hash in a per-object chain: its place, the previous entry's hash and
    its content digest. Simple enough for the database to compute in the same statement
    that appends the entry (`_statements`), so an append is one round trip."""
    return hashlib.sha256(f"{seq}:{prev_hash}:{content}".encode()).hexdigest()


def expected_hash(entry: AuditEntry) -> str:
    """What the entry's hash must be, given its columns (free text by its digest)."""
    if entry.stream == LEGACY_STREAM:  # the single chain of before, hashed as it was
        return compute_hash(
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
    content = content_digest(
        at=entry.at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        data=hashed_view(entry.data, entry.words),
    )
    return link_hash(entry.seq, entry.prev_hash, content)


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def stream_of(object_type: str, object_id: str) -> str:
    """The chain an entry about this object belongs to."""
    return f"{object_type}:{object_id}" if object_type or object_id else PLATFORM_STREAM


# The columns the caller gives; the chain's place (seq, prev_hash, entry_hash) is the
# head's to give.
_GIVEN_COLUMNS = (
    "stream",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "data",
    "words",
)


def _field(column: str) -> models.Field[Any, Any]:
    field = AuditEntry._meta.get_field(column)
    if not isinstance(field, models.Field):  # pragma: no cover - the columns are fields
        raise TypeError(column)
    return field


@dataclass(frozen=True)
class _Statements:
    lock: str  # the stream's head, locked
    create: str  # a stream's head, made on its first entry
    insert: str
    move: str
    append: str  # lock, insert and move in one statement, where the engine can


@functools.cache
def _statements(vendor: str) -> _Statements:
    """An append in plain SQL: each audited write is on every action's path, and the
    ORM's overhead and round trips were most of its cost."""
    quote = connection.ops.quote_name
    heads, entries = quote(AuditStreamHead._meta.db_table), quote(AuditEntry._meta.db_table)
    given = ", ".join(quote(column) for column in _GIVEN_COLUMNS)
    marks = ", ".join(["%s"] * len(_GIVEN_COLUMNS))
    place = "seq, prev_hash, entry_hash"
    # On PostgreSQL the head is locked, the entry hashed (link_hash) and written and the
    # head moved in one statement; it returns nothing when the stream has no head yet.
    append = (
        f"WITH head AS (SELECT id, seq + 1 AS seq, entry_hash AS prev FROM {heads} "  # noqa: S608
        "WHERE stream = %s FOR UPDATE), "
        f"entry AS (INSERT INTO {entries} ({given}, {place}) "
        f"SELECT {marks}, head.seq, head.prev, encode(sha256(convert_to("
        "head.seq::text || ':' || head.prev || ':' || %s, 'UTF8')), 'hex') FROM head "
        "RETURNING id, seq, prev_hash, entry_hash) "
        f"UPDATE {heads} SET seq = entry.seq, entry_hash = entry.entry_hash, "
        f"checkpointed = false FROM entry, head WHERE {heads}.id = head.id "
        "RETURNING entry.id, entry.seq, entry.prev_hash, entry.entry_hash"
    )
    return _Statements(
        lock=f"SELECT id, seq, entry_hash FROM {heads} WHERE stream = %s",  # noqa: S608
        # A concurrent first writer's insert waits for this one to commit and then does
        # nothing (no savepoint needed).
        create=f"INSERT INTO {heads} (stream, seq, entry_hash, checkpointed) "  # noqa: S608
        "VALUES (%s, 0, %s, false) ON CONFLICT (stream) DO NOTHING",
        insert=f"INSERT INTO {entries} ({given}, {place}) "  # noqa: S608
        f"VALUES ({marks}, %s, %s, %s) RETURNING id",
        move=f"UPDATE {heads} SET seq = %s, entry_hash = %s, checkpointed = false "  # noqa: S608
        "WHERE id = %s",
        append=append if vendor == "postgresql" else "",
    )


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
    stream = stream_of(object_type, object_id)
    at = clock.now()
    content = content_digest(
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        data=hashed_view(clean_data, words),
    )
    given: dict[str, Any] = {
        "stream": stream,
        "at": at,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": clean_data,
        "words": words,
    }
    params = [
        _field(column).get_db_prep_save(given[column], connection)
        if column in ("at", "data", "words")  # what the driver cannot take as is
        else given[column]
        for column in _GIVEN_COLUMNS
    ]
    sql = _statements(connection.vendor)
    began = time.perf_counter()
    # No savepoint: the entry belongs to the action's transaction, and fails with it.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if sql.append:
            placed = _append_in_one(cursor, sql, stream, params, content)
        else:
            placed = _append_in_steps(cursor, sql, stream, params, content)
    AUDIT_WRITE_SECONDS.observe(time.perf_counter() - began)
    entry_id, seq, prev_hash, entry_hash = placed
    return AuditEntry(id=entry_id, seq=seq, prev_hash=prev_hash, entry_hash=entry_hash, **given)


def _append_in_one(
    cursor: Any, sql: _Statements, stream: str, params: list[Any], content: str
) -> tuple[int, int, str, str]:
    cursor.execute(sql.append, [stream, *params, content])
    placed = cursor.fetchone()
    if placed is None:  # the stream's first entry: make its head, then append
        cursor.execute(sql.create, [stream, GENESIS_HASH])
        cursor.execute(sql.append, [stream, *params, content])
        placed = cursor.fetchone()
    entry_id, seq, prev_hash, entry_hash = placed
    return entry_id, seq, prev_hash, entry_hash


def _append_in_steps(
    cursor: Any, sql: _Statements, stream: str, params: list[Any], content: str
) -> tuple[int, int, str, str]:
    cursor.execute(sql.lock, [stream])
    head = cursor.fetchone()
    if head is None:
        cursor.execute(sql.create, [stream, GENESIS_HASH])
        cursor.execute(sql.lock, [stream])
        head = cursor.fetchone()
    head_id, head_seq, prev_hash = head
    seq = head_seq + 1
    entry_hash = link_hash(seq, prev_hash, content)
    cursor.execute(sql.insert, [*params, seq, prev_hash, entry_hash])
    (entry_id,) = cursor.fetchone()
    cursor.execute(sql.move, [seq, entry_hash, head_id])
    return entry_id, seq, prev_hash, entry_hash


@dataclass(frozen=True)
class ChainProblem:
    stream: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.stream} row {self.seq}: {self.problem}"


def verify_chain(
    entries: Iterable[AuditEntry], *, stream: str, head_seq: int, head_hash: str
) -> Iterator[ChainProblem]:
    """Yield every break in one stream's chain (its entries in seq order): an edited row,
    a missing row, a broken link, an end short of its head."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for entry in entries:
        if entry.seq != expected_seq:
            yield ChainProblem(
                stream, expected_seq, f"rows {expected_seq}..{entry.seq - 1} are missing"
            )
        if entry.prev_hash != prev_hash:
            yield ChainProblem(stream, entry.seq, "does not link to the previous row's hash")
        recomputed = expected_hash(entry)
        if recomputed != entry.entry_hash or not words_intact(entry.data, entry.words):
            yield ChainProblem(stream, entry.seq, "its content was changed after it was written")
        elif stream not in (LEGACY_STREAM, stream_of(entry.object_type, entry.object_id)):
            yield ChainProblem(stream, entry.seq, "it is about another object than its chain")
        expected_seq = entry.seq + 1
        prev_hash = entry.entry_hash
    if expected_seq - 1 != head_seq or prev_hash != head_hash:
        yield ChainProblem(
            stream, head_seq, f"the chain ends at row {expected_seq - 1}, not at the head"
        )


# --- checkpoints -------------------------------------------------------------------------

Heads = dict[str, list[Any]]  # stream -> [seq, entry_hash]


def _signing_key(secret: str) -> Ed25519PrivateKey:
    """The checkpoint key, derived from a site secret (so it needs no storage of its own
    and a database copy alone cannot sign)."""
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"commonwork audit checkpoints"
    ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def _key_id(key: Ed25519PrivateKey) -> str:
    return hashlib.sha256(key.public_key().public_bytes_raw()).hexdigest()[:16]


def _verifying_keys() -> dict[str, Ed25519PrivateKey]:
    """The current key and those of Django's SECRET_KEY_FALLBACKS (a rotated secret)."""
    secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [_signing_key(secret) for secret in secrets_]
    return {_key_id(key): key for key in keys}


def checkpoint_hash(*, seq: int, at: datetime, heads: Heads, prev_hash: str) -> str:
    payload = canonical_json([seq, at.isoformat(), heads, prev_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def write_checkpoint() -> AuditCheckpoint | None:
    """Sign where the heads that moved since the last checkpoint now stand; None when
    none moved. Heads a transaction still holds are left for the next checkpoint."""
    with transaction.atomic():
        last = AuditCheckpoint.objects.select_for_update().order_by("-seq").first()
        moved = AuditStreamHead.objects.filter(checkpointed=False).order_by("stream")
        if connection.features.has_select_for_update_skip_locked:
            moved = moved.select_for_update(skip_locked=True)
        rows = list(moved)
        if not rows:
            return None
        heads = {row.stream: [row.seq, row.entry_hash] for row in rows}
        seq = (last.seq if last else 0) + 1
        prev_hash = last.checkpoint_hash if last else GENESIS_HASH
        at = clock.now()
        digest = checkpoint_hash(seq=seq, at=at, heads=heads, prev_hash=prev_hash)
        key = _signing_key(settings.SECRET_KEY)
        checkpoint = AuditCheckpoint.objects.create(
            seq=seq,
            at=at,
            heads=heads,
            prev_hash=prev_hash,
            checkpoint_hash=digest,
            key_id=_key_id(key),
            signature=key.sign(bytes.fromhex(digest)).hex(),
        )
        AuditStreamHead.objects.filter(pk__in=[row.pk for row in rows]).update(checkpointed=True)
        return checkpoint


def verify_checkpoints(checkpoints: Iterable[AuditCheckpoint]) -> tuple[Heads, list[str]]:
    """Where the checkpoints say every stream's head stood at least (the newest position
    each names), and every break in them: an edited, removed or forged checkpoint."""
    keys = _verifying_keys()
    problems: list[str] = []
    bound: Heads = {}
    expected_seq, prev_hash = 1, GENESIS_HASH
    for checkpoint in checkpoints:
        name = f"checkpoint {checkpoint.seq}"
        if checkpoint.seq != expected_seq:
            problems.append(f"checkpoints {expected_seq}..{checkpoint.seq - 1} are missing")
        recomputed = checkpoint_hash(
            seq=checkpoint.seq, at=checkpoint.at, heads=checkpoint.heads, prev_hash=prev_hash
        )
        if checkpoint.prev_hash != prev_hash:
            problems.append(f"{name}: does not link to the previous checkpoint")
        elif recomputed != checkpoint.checkpoint_hash:
            problems.append(f"{name}: its content was changed after it was signed")
        key = keys.get(checkpoint.key_id)
        try:
            if key is None:
                raise InvalidSignature
            key.public_key().verify(
                bytes.fromhex(checkpoint.signature), bytes.fromhex(checkpoint.checkpoint_hash)
            )
        except (InvalidSignature, ValueError):
            problems.append(f"{name}: its signature is not the site's")
        bound.update(checkpoint.heads)
        expected_seq, prev_hash = checkpoint.seq + 1, checkpoint.checkpoint_hash
    return bound, problems


def verify_all() -> tuple[int, list[str]]:
    """Check every chain against its head and every checkpoint against the chains: how
    many entries there are, and each problem found (none when the log is intact)."""
    bound, problems = verify_checkpoints(AuditCheckpoint.objects.order_by("seq").iterator())
    heads = {head.stream: (head.seq, head.entry_hash) for head in AuditStreamHead.objects.all()}
    signed_found: dict[str, str] = {}
    count = 0

    def watched(entries: Iterable[AuditEntry]) -> Iterator[AuditEntry]:
        nonlocal count
        for entry in entries:
            count += 1
            if bound.get(entry.stream, [None])[0] == entry.seq:
                signed_found[entry.stream] = entry.entry_hash
            yield entry

    everything = AuditEntry.objects.order_by("stream", "seq").iterator(chunk_size=2000)
    seen: set[str] = set()
    for stream, entries in groupby(watched(everything), key=lambda entry: entry.stream):
        seen.add(stream)
        head_seq, head_hash = heads.get(stream, (0, GENESIS_HASH))
        problems.extend(
            str(p)
            for p in verify_chain(entries, stream=stream, head_seq=head_seq, head_hash=head_hash)
        )
    for stream, (head_seq, _) in sorted(heads.items()):
        if stream not in seen and head_seq:
            problems.append(f"{stream}: its head is at row {head_seq} and its rows are gone")
    for stream, (seq, digest) in sorted(bound.items()):
        if signed_found.get(stream) != digest:
            problems.append(f"{stream} row {seq}: a checkpoint signed it, and it is gone")
    return count, problems


def about(object_type: str, object_ids: Iterable[object]) -> models.Q:
    """Entries about these objects of one type: their own chains, and what the single
    chain before per-object chains held about them (found by its own index)."""
    ids = [str(object_id) for object_id in object_ids]
    return models.Q(stream__in=[stream_of(object_type, object_id) for object_id in ids]) | (
        models.Q(stream=LEGACY_STREAM, object_type=object_type, object_id__in=ids)
    )


def history_of(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Every entry about this object (order it by `id` for the order they were written)."""
    return AuditEntry.objects.select_related("actor").filter(about(object_type_of(obj), [obj.pk]))
