"""One region's failing round stops no other (issue: speed): it rolls back, the audit
log says so, and the next tick runs it again."""

from __future__ import annotations

from typing import Any

import pytest

from commonwork.core.models import AuditEntry
from commonwork.dispatch import tasks as dispatch_tasks
from commonwork.dispatch.actions import run_round as run_round_for_real
from commonwork.work import actions

pytestmark = pytest.mark.django_db


def test_a_failing_region_does_not_stop_the_others(
    make_task: Any, bob: Any, carol: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for worker in (bob, carol):
        actions.set_availability(actor=worker, available=True)
        actions.report_location(actor=worker, lat=52.5200, lon=13.4050)
    broken = make_task(region="alpha")
    fine = make_task(region="beta")
    real = run_round_for_real

    def run_round(*, region: str = "", reuse_unchanged: bool = False) -> Any:
        if region == "alpha":
            raise RuntimeError("a corrupt input")
        return real(region=region, reuse_unchanged=reuse_unchanged)

    monkeypatch.setattr(dispatch_tasks, "run_round", run_round)
    offered = dispatch_tasks.dispatch_regions.call()
    assert offered >= 1
    fine.refresh_from_db()
    broken.refresh_from_db()
    assert fine.status == "offered"
    failure = AuditEntry.objects.get(action="dispatch.round_failed")
    assert failure.data["region"] == "alpha"
    assert "corrupt input" in failure.data["error"]
    # The next tick, with the fault gone, offers the broken region's task too.
    monkeypatch.setattr(dispatch_tasks, "run_round", real)
    dispatch_tasks.dispatch_regions.call()
    broken.refresh_from_db()
    assert broken.status == "offered"
