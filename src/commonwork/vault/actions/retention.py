"""Retention: every app deletes what it holds past its governed retention period."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from commonwork.vault import providers
from commonwork.vault.actions.export import expire_exports


def expire_all(now: datetime) -> int:
    """Each provider's expiry in its own transaction; how many records went in all."""
    gone = 0
    for provider in providers.providers():
        with transaction.atomic():
            gone += provider.expire(now)
    with transaction.atomic():
        gone += expire_exports(now)
    return gone
