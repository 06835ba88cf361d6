"""The check behind "writes only in actions" notices a write from anywhere else."""

from __future__ import annotations

from typing import Any

from django.db import connection

from commonwork.members.models import Cooperative
from commonwork.members.selectors import get_cooperative
from tests.write_ownership import WriteOwnershipCheck, may_write


def test_only_the_owning_apps_actions_may_write_its_tables() -> None:
    assert may_write("commonwork.work.actions", "work")
    assert may_write("commonwork.work.actions.offers", "work")
    assert not may_write("commonwork.work.views", "work")
    assert not may_write("commonwork.ledger.actions.payouts", "members")
    assert not may_write("commonwork.work.actionsx", "work")
    assert may_write("commonwork.core.audit", "core")
    assert not may_write("commonwork.core.pages", "core")


def test_a_write_from_a_selector_is_caught(alice: Any, writes_only_in_actions: Any) -> None:
    check = WriteOwnershipCheck()

    def rename() -> None:  # stands in for a selector that writes
        Cooperative.objects.filter(pk=1).update(name="Renamed")

    with connection.execute_wrapper(check):
        get_cooperative()  # a read: not noted
        _run_as("commonwork.members.selectors", rename)
    assert check.violations == ["commonwork.members.selectors writes members_cooperative (members)"]
    writes_only_in_actions.violations.clear()  # the suite-wide check saw it too


def _run_as(module: str, function: Any) -> None:
    """Call `function` from a frame whose module is `module`."""
    code = compile("function()", f"<{module}>", "exec")
    exec(code, {"__name__": module, "function": function})  # noqa: S102 - a fixed snippet
