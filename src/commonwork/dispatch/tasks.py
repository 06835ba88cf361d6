"""Dispatch rounds as background tasks (see core.scheduler for when they run)."""

from __future__ import annotations

from django_tasks import task

from commonwork.dispatch.actions import run_round


@task()
def dispatch_round(region: str = "") -> int:
    """Run one round for the region (unless nothing changed); the number of offers made."""
    return run_round(region=region, reuse_unchanged=True).offered_count
