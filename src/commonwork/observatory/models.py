"""A member's self-declared groups for the equity report, and every differentially
private release with the privacy budget it spent."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EquityDeclaration(models.Model):
    """Given only by a member who chooses to, withdrawn by deleting it; sealed with their
    key. Declaring is the consent: it is used in the equity report's noisy aggregates and
    nowhere else."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="equity_declaration"
    )
    sealed = models.BinaryField(help_text='JSON {"gender": ..., "origin": ...}, sealed.')
    declared_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"equity declaration of member {self.member_id}"


class PrivacyRelease(models.Model):
    """A published statistic and the epsilon it cost: the budget's ledger."""

    kind = models.CharField(max_length=20)
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    epsilon = models.FloatField()
    window_days = models.PositiveIntegerField()
    result = models.JSONField()

    class Meta:
        ordering = ["-released_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} release {self.pk} (epsilon {self.epsilon})"
