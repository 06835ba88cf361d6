from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class LabRun(models.Model):
    """One comparison: a scenario under several rule sets, run in the background."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    scenario = models.CharField(max_length=40)
    rule_sets = models.JSONField(help_text="Each rule set's data, in report order.")
    proposal = models.ForeignKey(
        "governance.Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lab_runs",
        help_text="A parameter-change proposal this run compares before and after.",
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    summaries = models.JSONField(default=dict)
    spreads = models.JSONField(
        default=dict, help_text="Per rule set, the values the report draws as histograms."
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    seeds = models.PositiveSmallIntegerField(
        default=1, help_text="Runs of each rule set on other draws of the city; the mean is shown."
    )
    sweep_parameter = models.CharField(
        max_length=60,
        blank=True,
        help_text="A sweep from a proposal's page: the rule whose values the rule sets try.",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"lab run {self.pk} ({self.scenario})"
