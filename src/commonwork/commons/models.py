"""The data commons: each published release, and the privacy budget's ledger of charges."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Release(models.Model):
    """One statistic over one period, as published: its figures are noisy (differential
    privacy), each with its 95 % interval, and nothing else about the members is kept."""

    statistic = models.CharField(max_length=40)
    version = models.PositiveSmallIntegerField(help_text="The statistic's definition's version.")
    number = models.PositiveIntegerField(help_text="The nth release of this statistic.")
    period_start = models.DateField()
    period_end = models.DateField(help_text="The day after the period's last day.")
    epsilon = models.FloatField(help_text="What it spent: OpenDP's privacy map, summed.")
    delta = models.FloatField(default=0.0)
    bounds = models.JSONField()
    zones = models.JSONField(default=list)
    figures = models.JSONField()
    scales = models.JSONField(help_text="Each query's noise scale.")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled = models.BooleanField(default=False, help_text="Published by the weekly job.")

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["statistic", "number"], name="release_number"),
            # The weekly job publishes each statistic's week once, whatever retries it.
            models.UniqueConstraint(
                fields=["statistic", "period_start", "period_end"],
                condition=models.Q(scheduled=True),
                name="one_scheduled_release_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statistic} #{self.number} ({self.period_start} to {self.period_end})"


class BudgetCharge(models.Model):
    """One charge to the privacy budget: append-only, each row's hash covers the row and
    the previous row's hash (`commons.ledger.verify`)."""

    seq = models.PositiveBigIntegerField(unique=True)
    charged_at = models.DateTimeField()
    release = models.OneToOneField(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="charge"
    )
    label = models.CharField(max_length=80, help_text="What was published.")
    unit = models.CharField(max_length=80, help_text="The privacy unit.")
    mechanism = models.CharField(max_length=120)
    epsilon = models.FloatField()
    delta = models.FloatField(default=0.0)
    bounds = models.JSONField()
    query = models.TextField(help_text="What each query computed, in words a reader checks.")
    code_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"charge #{self.seq}: {self.label} (ε {self.epsilon:g})"


class BudgetHead(models.Model):
    """The ledger's newest seq and hash. Its row lock orders charges, so two releases can
    never both pass the cap on the same remaining budget."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="budget_head_single")]

    def __str__(self) -> str:
        return f"privacy budget ledger at #{self.seq}"
