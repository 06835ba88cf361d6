"""Appending to members' access logs (the chain's rule and its check: vault.access_log)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction

from commonwork.core import clock
from commonwork.vault.access_log import Read, entry_hash
from commonwork.vault.models import AccessLogEntry, AccessLogHead


@transaction.atomic
def append(subject_id: int, reads: Iterable[Read]) -> list[AccessLogEntry]:
    """Append reads to one member's log (see `append_batch`)."""
    return append_batch({subject_id: list(reads)})


@transaction.atomic
def append_batch(reads_by_subject: Mapping[int, Sequence[Read]]) -> list[AccessLogEntry]:
    """Append reads to several members' logs at once: inside the reading transaction
    when there is one (a page's read is its own). The members' head rows are made where
    missing and locked in one query, in id order so that writers queue without
    deadlocking; the entries are inserted and the heads moved in one statement each."""
    subjects = sorted(s for s, reads in reads_by_subject.items() if reads)
    if not subjects:
        return []
    AccessLogHead.objects.bulk_create(
        [AccessLogHead(subject_id=s) for s in subjects], ignore_conflicts=True
    )
    heads = {
        head.subject_id: head
        for head in AccessLogHead.objects.select_for_update()
        .filter(subject_id__in=subjects)
        .order_by("subject_id")
    }
    now = clock.now()
    rows = []
    for subject_id in subjects:
        head = heads[subject_id]
        for read in reads_by_subject[subject_id]:
            seq = head.seq + 1
            digest = entry_hash(
                subject_id=subject_id, seq=seq, at=now, read=read, prev_hash=head.entry_hash
            )
            rows.append(
                AccessLogEntry(
                    subject_id=subject_id,
                    seq=seq,
                    at=now,
                    actor_id=read.actor_id,
                    actor_label=read.actor_label,
                    actor_kind=read.actor_kind,
                    category=read.category,
                    purpose=read.purpose,
                    basis=read.basis,
                    prev_hash=head.entry_hash,
                    entry_hash=digest,
                )
            )
            head.seq, head.entry_hash = seq, digest
    AccessLogEntry.objects.bulk_create(rows)
    AccessLogHead.objects.bulk_update(list(heads.values()), ["seq", "entry_hash"])
    return rows
