from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a log-in. Membership in the co-op is a separate row."""

    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # The user name's skeleton (members.usernames): two names that look alike share it.
    # NULL, not "", for a name that holds none (an erased one): unique lets NULLs repeat.
    username_key = models.CharField(  # noqa: DJ001
        max_length=150, unique=True, null=True, editable=False
    )

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def __str__(self) -> str:
        # Pages name people as they chose to be called; the log-in name is theirs alone.
        return self.public_name


class Cooperative(models.Model):
    """The co-op this instance serves. One instance runs one co-op; peers federate."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    name = models.CharField(_("name"), max_length=120)
    currency = models.CharField(_("currency"), max_length=3, help_text="ISO 4217 code.")
    languages = models.JSONField(_("languages"), default=list)
    bylaws = models.TextField(_("bylaws"))
    founded_on = models.DateField(_("founding date"))
    share_price_minor = models.PositiveIntegerField(
        _("share price"), help_text="Price of one member share, in minor units."
    )
    # The co-op's own bank account, the debtor of payout files (ISO 20022 pain.001).
    bank_account_holder = models.CharField(_("bank account holder"), max_length=70, blank=True)
    bank_iban = models.CharField(_("bank IBAN"), max_length=34, blank=True)
    bank_bic = models.CharField(_("bank BIC"), max_length=11, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="cooperative_singleton"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="cooperative_currency_iso4217"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    WORKER = "worker", _("worker")
    CLIENT = "client", _("client")
    STEWARD = "steward", _("steward")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    LEFT = "left", _("left")
    REMOVED = "removed", _("removed by a vote of the members")


class Membership(models.Model):
    """A person's place in the co-op: their role, their status and the shares they hold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    shares = models.PositiveIntegerField(_("shares held"), default=1)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    joined_at = models.DateTimeField(_("joined"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    # Members elected stewards (governance) hold the steward's powers until this time,
    # whatever their role; a member whose role is steward holds them without an end.
    steward_until = models.DateTimeField(_("elected steward until"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MembershipStatus.ACTIVE) | Q(shares__gte=1),
                name="membership_active_holds_a_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ADMITTED = "admitted", _("admitted")
    REJECTED = "rejected", _("rejected")


class Application(models.Model):
    """A request to join. A steward decides it for now; governance adds admission votes."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    role = models.CharField(_("role applied for"), max_length=10, choices=Role.choices)
    motivation = models.TextField(_("motivation"))
    skills = models.JSONField(_("skills"), default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status="pending"),
                name="application_one_pending_per_applicant",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("motivation"), 2000),
                name="application_motivation_at_most_2000",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.role} ({self.status})"


class ApiToken(models.Model):
    """A member's API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
