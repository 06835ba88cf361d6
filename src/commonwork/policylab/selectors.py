"""Reads of lab runs for the pages."""

from __future__ import annotations

from typing import Any

from commonwork.policylab.models import LabRun
from commonwork.policylab.report import METRICS


def summary_rows(run: LabRun) -> list[dict[str, Any]]:
    """The report as rows for a page: each metric with each rule set's value."""
    names = list(run.summaries)
    return [
        {
            "key": key,
            "label": label,
            "unit": unit,
            "values": [run.summaries[n].get(key) for n in names],
        }
        for key, label, unit in METRICS
    ]
