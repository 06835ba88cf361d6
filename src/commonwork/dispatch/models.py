"""Dispatch rounds as records: what went in, with which rules and code, and what came out.

A round stores its whole input (compressed) with the parameter values and the solver
version, so anyone can recompute it (`manage.py dispatch_replay`) and compare digests.
Each decision — an assignment, a task left unassigned, an available worker left idle —
is a row with its reason, so the task page and a worker's "why" page can explain it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DispatchRound(models.Model):
    region = models.CharField(_("region"), max_length=40, blank=True, default="")
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    solver_version = models.CharField(max_length=40)
    parameter_version = models.PositiveBigIntegerField(
        help_text="The newest ParameterValue id when the round ran (0: all defaults)."
    )
    parameters = models.JSONField(help_text="The governed values the round used, as strings.")
    input_snapshot = models.BinaryField(help_text="The solver input, canonical JSON, zlib.")
    result_digest = models.CharField(max_length=64)
    task_count = models.PositiveIntegerField(default=0)
    worker_count = models.PositiveIntegerField(default=0)
    assigned_count = models.PositiveIntegerField(default=0)
    offered_count = models.PositiveIntegerField(default=0)
    total_cost = models.FloatField(default=0)
    solve_ms = models.PositiveIntegerField(default=0)
    # An erasure removed a worker's position from the snapshot: it no longer replays.
    redacted = models.BooleanField(default=False)
    # When every worker's position left the snapshot, past location_retention_days.
    positions_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"dispatch round {self.pk}"


class DecisionKind(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    UNASSIGNED = "unassigned", _("task left unassigned")
    IDLE = "idle", _("worker left idle")


class DispatchDecision(models.Model):
    round = models.ForeignKey(DispatchRound, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dispatch_decisions",
    )
    offer = models.ForeignKey(
        "work.Offer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=40, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["round_id", "id"]
        indexes = [
            models.Index(fields=["task", "-round"]),
            models.Index(fields=["worker", "-round"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in round {self.round_id}"


class RegionLock(models.Model):
    """One row per region, locked while a round runs there, so two rounds never overlap."""

    region = models.CharField(max_length=40, primary_key=True)

    def __str__(self) -> str:
        return f"dispatch lock {self.region or '(all)'}"


class WeatherAlert(models.Model):
    """A weather or air-quality warning read from the co-op's CAP feed (dispatch.weather):
    while in force and at or above the governed level, it binds dispatch for outdoor tasks
    in its areas. Kept after it expires: a round's explanation names it."""

    identifier = models.CharField(max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10)
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    starts = models.DateTimeField(_("from"))
    expires = models.DateTimeField(_("until"))
    areas = models.JSONField(
        help_text='[{"circle": [lat, lon, km]} | {"polygon": [[lat, lon], ...]}]'
    )
    source = models.CharField(max_length=300, blank=True, help_text="The feed it came from.")
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts", "identifier"]

    def __str__(self) -> str:
        return f"{self.event} ({self.severity}) until {self.expires:%Y-%m-%d %H:%M}"
