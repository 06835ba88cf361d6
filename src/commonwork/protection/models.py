"""Cover claims, incidents on the road and SOS calls. Every free text and every document
a member gives is sealed with their own key (vault), so erasure makes it unreadable; the
medical part of a claim is sealed apart and read only by the deciders the bylaws name."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    FILED = "filed", _("waiting for a decision")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")
    UNDER_APPEAL = "appeal", _("before the members on appeal")


class CoverKind(models.TextChoices):
    INJURY = "injury", _("injury at work")
    SICKNESS = "sickness", _("sickness")
    VEHICLE = "vehicle", _("loss of a vehicle")
    PARENTAL = "parental", _("parental leave")


class EmergencyContact(models.Model):
    """Whom an SOS tells besides the stewards: a person the worker chose."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emergency_contact"
    )
    sealed_name = models.BinaryField()
    sealed_email = models.BinaryField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"emergency contact of member {self.member_id}"


class Incident(models.Model):
    """An incident on the road, reported by the worker it happened to."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incidents"
    )
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(_("when"))
    sealed_place = models.BinaryField()
    sealed_account = models.BinaryField(help_text="What happened, in the worker's words.")
    handed_back = models.BooleanField(default=False)
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"incident {self.pk} ({self.occurred_at:%Y-%m-%d})"


class SosCall(models.Model):
    """An SOS: the stewards and the worker's contact were told where they are, once."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sos_calls"
    )
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    sealed_position = models.BinaryField(null=True, blank=True)
    stewards_told = models.PositiveIntegerField(default=0)
    contact_told = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"SOS {self.pk} ({self.sent_at:%Y-%m-%d %H:%M})"


class Claim(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    cover = models.CharField(_("cover"), max_length=10, choices=CoverKind.choices)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.FILED)
    filed_at = models.DateTimeField()
    decide_by = models.DateTimeField(help_text="filed_at + claim_decision_days")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    costs_minor = models.PositiveBigIntegerField(default=0)
    sealed_account = models.BinaryField(help_text="The member's account of the claim.")
    sealed_medical = models.BinaryField(
        null=True, blank=True, help_text="Medical details: the deciders only."
    )
    # What the cover's terms gave when it was filed (the terms a vote may change later).
    terms = models.JSONField(default=dict)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)
    amount_minor = models.PositiveBigIntegerField(default=0)
    paid_minor = models.PositiveBigIntegerField(default=0)
    appeal = models.OneToOneField(
        "governance.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claim_appealed",
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.cover} claim {self.pk}"

    @property
    def owed_minor(self) -> int:
        return max(0, self.amount_minor - self.paid_minor)


class ClaimDocument(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sealed = models.BinaryField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
