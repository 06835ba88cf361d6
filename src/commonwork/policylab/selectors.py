"""Reads of lab runs for the pages."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from commonwork.policylab.config import ConfigError, scenario_from
from commonwork.policylab.library import SCENARIOS
from commonwork.policylab.models import LabRun
from commonwork.policylab.report import METRICS, Heading, format_value


def heading_of(run: LabRun) -> Heading:
    """The city, period and currency of the scenario the run simulated."""
    try:
        return Heading.of(scenario_from(SCENARIOS[run.scenario]))
    except (KeyError, ConfigError):
        return Heading(run.scenario, 1, "EUR")


def rule_set_names(run: LabRun) -> list[str]:
    """The run's rule sets in the order they were asked for: PostgreSQL's jsonb keeps no
    key order, so the summaries' own order is not it."""
    return [data["name"] for data in run.rule_sets if data.get("name") in run.summaries]


def in_order(run: LabRun, values: dict[str, Any]) -> dict[str, Any]:
    """A per-rule-set mapping of the run's (summaries, spreads) in rule_set_names order."""
    return {name: values[name] for name in rule_set_names(run) if name in values}


def summary_rows(run: LabRun) -> list[dict[str, Any]]:
    """The report as rows for a page: each metric with each rule set's value, as a reader
    reads it (money in the currency, shares in per cent)."""
    names = rule_set_names(run)
    currency = heading_of(run).currency
    return [
        {
            "key": key,
            "label": gettext(label),  # here: the template tag would double the % in it
            "values": [
                format_value(run.summaries[n].get(key), unit, currency, gettext) for n in names
            ],
        }
        for key, label, unit in METRICS
    ]
