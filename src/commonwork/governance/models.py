from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ParameterSource(models.TextChoices):
    FOUNDING = "founding", _("set when the co-op was founded")
    STEWARD = "steward", _("set by a steward under the bylaws")
    PROPOSAL = "proposal", _("set by a passed proposal")


class ParameterValue(models.Model):
    """One value a governed parameter took, from `set_at` on. Rows are never changed;
    the newest row per name is the current value and the id is the version."""

    name = models.CharField(max_length=80)
    value = models.CharField(max_length=80, help_text="Exact text: an integer or a decimal.")
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=ParameterSource.choices)
    reason = models.TextField()
    proposal_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name", "-id"]
        indexes = [models.Index(fields=["name", "-id"])]

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"
