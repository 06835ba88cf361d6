"""When a fault test fails, the cluster's own logs say why: their last lines are printed
with the failure (a CI run keeps nothing else of the cluster)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    report = yield
    if report.when == "call" and report.failed:
        cluster = getattr(item, "funcargs", {}).get("cluster")
        if cluster is not None:
            report.sections.append(("cluster logs", cluster.log_tails()))
    return report
