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


class WageRate(models.Model):
    """A country's minimum and living wage for a year, with where each figure comes from
    (loaded from observatory/data/wages.csv; stewards keep it up to date, audited)."""

    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    year = models.PositiveSmallIntegerField()
    currency = models.CharField(max_length=3)
    minimum_per_hour_minor = models.PositiveIntegerField(null=True, blank=True)
    living_per_hour_minor = models.PositiveIntegerField(null=True, blank=True)
    source = models.TextField()
    as_of = models.DateField()

    class Meta:
        ordering = ["country", "-year"]
        constraints = [models.UniqueConstraint(fields=["country", "year"], name="one_wage_row")]

    def __str__(self) -> str:
        return f"wages {self.country} {self.year}"


class VehicleCost(models.Model):
    """What a kind of vehicle costs its worker per km in a country and year, with its
    source (observatory/data/vehicle_costs.csv; stewards keep it up to date, audited)."""

    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    vehicle = models.CharField(max_length=20)
    currency = models.CharField(max_length=3)
    per_km_minor = models.PositiveIntegerField()
    source = models.TextField()
    as_of = models.DateField()

    class Meta:
        ordering = ["country", "-year", "vehicle"]
        constraints = [
            models.UniqueConstraint(fields=["country", "year", "vehicle"], name="one_cost_row")
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.country} {self.year}"


class FairworkAssessment(models.Model):
    """One nightly self-assessment: every threshold's verdict, kept as history."""

    computed_at = models.DateTimeField()
    gig_score = models.PositiveSmallIntegerField()
    cloud_score = models.PositiveSmallIntegerField()
    verdicts = models.JSONField()

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"Fairwork self-assessment of {self.computed_at:%Y-%m-%d}"
