"""Issue 14, point 2: a stored dispatch round keeps workers' positions no longer than
location_retention_days; then the round is redacted, its pages still explain it, and
replay says why it cannot run."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from commonwork.core import clock
from commonwork.dispatch import solver
from commonwork.dispatch.actions import run_round
from commonwork.dispatch.models import DecisionKind, DispatchDecision, DispatchRound
from commonwork.governance.parameters import read_parameter
from commonwork.vault.actions.retention import expire_all
from commonwork.work import actions as work_actions


def test_old_rounds_lose_every_workers_position(
    bob: Any, carol: Any, dan: Any, open_task: Any
) -> None:
    for worker, (lat, lon) in ((bob, (52.5210, 13.4060)), (carol, (52.5300, 13.4300))):
        work_actions.set_availability(actor=worker, available=True)
        work_actions.report_location(actor=worker, lat=lat, lon=lon)
    dispatch_round = run_round()
    positions = solver.decode_round(bytes(dispatch_round.input_snapshot)).workers
    assert all(w.x_km is not None for w in positions)
    days = int(read_parameter("location_retention_days"))

    expire_all(clock.now() + dt.timedelta(days=days - 1))  # not yet
    assert not DispatchRound.objects.get(pk=dispatch_round.pk).redacted

    expire_all(clock.now() + dt.timedelta(days=days, minutes=1))
    stored = DispatchRound.objects.get(pk=dispatch_round.pk)
    assert stored.redacted
    assert all(
        (w.x_km, w.y_km, w.areas) == (None, None, None)
        for w in solver.decode_round(bytes(stored.input_snapshot)).workers
    )
    assert b'x_km":null' in zlib.decompress(bytes(stored.input_snapshot)).replace(b" ", b"")
    assigned = DispatchDecision.objects.get(round=stored, kind=DecisionKind.ASSIGNED)
    assert "distance_km" not in assigned.data
    with pytest.raises(CommandError, match="location_retention_days"):
        call_command("dispatch_replay", str(stored.pk))
    client = Client()
    client.force_login(dan)
    page = client.get(f"/tasks/{open_task.pk}/").content.decode()
    assert "have since been deleted" in page
