from django.db import migrations, models


def seal_old_words(apps, schema_editor):
    """Entries written before free text was sealed: give each text its salted digest and
    re-chain the log so that the hashes cover the digests (erasure can then remove the
    text). Only an intact chain is re-chained; the old head's hash is kept in a last entry,
    so the log still says what it was before."""
    from django.utils import timezone

    from commonwork.core.audit import GENESIS_HASH, compute_hash, hashed_view, seal_words

    def chained(entry, data, prev):
        return compute_hash(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            data=data,
            prev_hash=prev,
        )

    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditHead = apps.get_model("core", "AuditHead")
    entries = list(AuditEntry.objects.order_by("seq"))
    if not entries:
        return
    prev = GENESIS_HASH
    for entry in entries:  # the chain as it was: it must verify before it is re-chained
        recomputed = chained(entry, entry.data, prev)
        if entry.prev_hash != prev or recomputed != entry.entry_hash:
            raise RuntimeError(
                f"The audit log is broken at row {entry.seq}; run verify_audit and repair it "
                "before this migration re-chains it."
            )
        prev = entry.entry_hash
    old_head = prev
    prev = GENESIS_HASH
    for entry in entries:
        entry.words = seal_words(entry.data) if isinstance(entry.data, dict) else {}
        entry.prev_hash = prev
        entry.entry_hash = chained(entry, hashed_view(entry.data, entry.words), prev)
        prev = entry.entry_hash
    AuditEntry.objects.bulk_update(entries, ["words", "prev_hash", "entry_hash"])
    seq = entries[-1].seq + 1
    at = timezone.now()
    data = {"previous_head": old_head, "entries": len(entries)}
    digest = compute_hash(
        seq=seq,
        at=at,
        actor_id=None,
        actor_label="system",
        action="audit.words_sealed",
        object_type="",
        object_id="",
        data=data,
        prev_hash=prev,
    )
    AuditEntry.objects.create(
        seq=seq,
        at=at,
        actor_id=None,
        actor_label="system",
        action="audit.words_sealed",
        object_type="",
        object_id="",
        data=data,
        words={},
        prev_hash=prev,
        entry_hash=digest,
    )
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": seq, "entry_hash": digest})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_head_row"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="words",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(seal_old_words, migrations.RunPython.noop),
    ]
