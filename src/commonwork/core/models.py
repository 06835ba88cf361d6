from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One append-only, hash-chained row per state change.

    Entries form one chain per audited object (`stream`, "app.model:pk"): `seq` counts
    from 1 without gaps within its stream and `entry_hash` covers every other column plus
    the previous row's hash, so editing, deleting or reordering rows breaks the chain and
    `manage.py verify_audit` reports where. Writes to different objects never wait for
    each other; signed checkpoints (AuditCheckpoint) bind every chain's head. Entries
    written before chains were per object are the stream "global".
    """

    stream = models.CharField(max_length=160, default="global")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, help_text="Who acted, e.g. a username or 'system'."
    )
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    # Salted digests of the free text in `data` (core.audit.WORD_FIELDS): the chain
    # covers these, so erasure can remove a text without breaking it.
    words = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        # As few indexes as serve: each is written on every audited write. An object's
        # entries are found by its stream; the single chain of before by its own index.
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="audit_seq_per_stream")
        ]
        indexes = [
            models.Index(
                fields=["object_type", "object_id"],
                condition=models.Q(stream="global"),
                name="audit_legacy_object",
            )
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.action}"


class AuditStreamHead(models.Model):
    """A chain's newest seq and hash, one row per stream.

    It anchors the end of its chain (deleting the newest rows leaves the head pointing
    past them), and its row lock serialises the writers of that one object only, so two
    actions never extend a chain from the same previous row and actions on different
    objects never wait for each other. `checkpointed` is false while the head has moved
    since the last checkpoint.
    """

    stream = models.CharField(max_length=160, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)
    checkpointed = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["stream"],
                condition=models.Q(checkpointed=False),
                name="audit_head_moved",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stream} at #{self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement of where the chains' heads stood: the heads that moved since
    the previous checkpoint, chained to it by hash and signed (Ed25519, a key derived from
    the site's secret). Deleting a chain's tail and its head together, or a whole chain,
    is then still found: the checkpoint names an entry that is no longer there."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    heads = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    checkpoint_hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq} ({len(self.heads)} heads)"


class IdempotencyRecord(models.Model):
    """The stored answer to a request made with an Idempotency-Key header.

    A retried request with the same key and the same body gets the stored answer back
    instead of running the operation again; the same key with a different body is refused.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class JobWorkerBeat(models.Model):
    """The last sign of life of a database-queue worker (`manage.py db_worker`). A job it
    claimed goes back to the queue once it stops beating (killed, its machine gone):
    core.jobs.requeue_abandoned."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class SchedulerLease(models.Model):
    """Which scheduler process leads: the one holding an unexpired lease. Any number may
    run; the others wait, and take over within a tick of the lease running out."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    holder = models.CharField(max_length=120)
    expires_at = models.DateTimeField()
    renewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="scheduler_lease_single")
        ]

    def __str__(self) -> str:
        return f"{self.holder} until {self.expires_at}"


class JobSlot(models.Model):
    """A periodic job enqueued for one slot of its interval: each (job, slot) once, so a
    scheduler that takes over never enqueues what its predecessor already did."""

    name = models.CharField(max_length=80)
    slot = models.BigIntegerField()
    enqueued_at = models.DateTimeField()
    enqueued_by = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="job_slot_once")]

    def __str__(self) -> str:
        return f"{self.name}@{self.slot}"
