"""`/healthz`: the database answers; the queue, the scheduler's heartbeat and the last
rounds are reported, without personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from commonwork.core import scheduling

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_queue_scheduler_and_rounds(alice: Any) -> None:
    answer = Client().get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True
    assert body["database"] == "ok"
    assert body["scheduler"] == {"heartbeat": None, "ok": False}  # no scheduler has run
    assert body["queue"]["backend"] in ("database", "other")
    scheduling.lead("test:1")
    assert Client().get("/healthz").json()["scheduler"]["ok"] is True
    assert "alice" not in answer.content.decode().lower()
