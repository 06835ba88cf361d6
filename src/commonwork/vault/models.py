from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentGrant(models.Model):
    """A member's consent for one recipient to read some categories of their data, with
    the fields of a consent record in ISO/IEC TS 27560: record id, subject, controller,
    purpose, categories, recipient, retention, validity, jurisdiction, how to withdraw,
    and timestamps. Revoking sets `revoked_at`; the record itself is kept."""

    record_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents_given"
    )
    # None for a consent to a purpose of the co-op's rather than to one member: the
    # data commons (`purpose_key`), read only by its background job.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents_received",
    )
    purpose_key = models.CharField(
        max_length=40, blank=True, default="", help_text="registry.CONSENT_PURPOSES key."
    )
    controller = models.CharField(max_length=120, help_text="The co-op, as data controller.")
    purpose = models.TextField(_("purpose"))
    categories = models.JSONField(_("categories"), default=list)
    retention_days = models.PositiveIntegerField(
        _("retention (days)"), help_text="How long the recipient may keep what they read."
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(_("valid until"))
    jurisdiction = models.CharField(_("jurisdiction"), max_length=40)
    withdrawal = models.TextField(help_text="How the member withdraws this consent.")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gt=models.F("valid_from")),
                name="consent_validity_not_empty",
            ),
            models.CheckConstraint(
                condition=~models.Q(subject=models.F("recipient")), name="consent_to_another"
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, purpose_key="")
                | models.Q(recipient__isnull=True) & ~models.Q(purpose_key=""),
                name="consent_to_a_member_or_a_purpose",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.record_id}"


class AccessLogEntry(models.Model):
    """One read of a member's personal data by someone else, in that member's own
    hash-chained log: `seq` counts from 1 per member and `entry_hash` covers the row and
    the previous row's hash, so an edited, deleted or reordered row is detected."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_log"
    )
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    actor_kind = models.CharField(max_length=10)
    category = models.CharField(max_length=20)
    purpose = models.CharField(max_length=40)
    basis = models.CharField(max_length=80, help_text='"bylaws:<purpose>" or "consent:<id>".')
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["subject", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "seq"], name="access_log_seq_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.subject_id}#{self.seq} {self.category} by {self.actor_label}"


class AccessLogHead(models.Model):
    """The newest seq and hash of one member's access log; its row lock orders writers."""

    subject = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"access log of {self.subject_id} at #{self.seq}"


class ExportStatus(models.TextChoices):
    PREPARING = "preparing", _("being prepared")
    READY = "ready", _("ready to download")


class DataExport(models.Model):
    """A member's export, prepared in the background (a long history takes a while) and
    kept for them to download; a new request replaces nothing, each is its own file."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PREPARING
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    archive = models.BinaryField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.member_id} ({self.status})"


class MemberKey(models.Model):
    """A member's data key, stored only wrapped by the master key (vault.keys)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    wrapped = models.BinaryField()
    created_at = models.DateTimeField()
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"key of {self.user_id}"


class SealedContact(models.Model):
    """A member's contact details, sealed with their own key."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    email = models.BinaryField(null=True, blank=True)

    def __str__(self) -> str:
        return f"contact of {self.user_id}"
