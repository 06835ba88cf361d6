"""Reads of the data commons: releases as pages, files and records show them."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from commonwork.commons import budget, statistics
from commonwork.commons.models import BudgetCharge, Release
from commonwork.core import clock
from commonwork.core.errors import NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import User
from commonwork.vault.actions.consent import live_purpose_consent

# The CSV's columns, and the Data Package's schema for them.
FIELDS = [
    ("statistic", "string", "The statistic's key."),
    ("version", "integer", "The statistic's definition's version."),
    ("period_start", "date", "The period's first day."),
    ("period_end", "date", "The day after the period's last day."),
    ("measure", "string", "What the number measures."),
    ("group", "string", "The zone, or empty for the whole co-op."),
    ("value", "number", "The published (noisy) value."),
    ("lower_95", "number", "Lower end of its 95 % interval."),
    ("upper_95", "number", "Upper end of its 95 % interval."),
    ("unit", "string", "money_per_hour (minor units), share (0 to 1), hours or count."),
]


def releases() -> QuerySet[Release]:
    return Release.objects.all()


def release(release_id: int) -> Release:
    found = Release.objects.filter(pk=release_id).first()
    if found is None:
        raise NotFound("Release")
    return found


def spec(release: Release) -> statistics.Statistic:
    return statistics.STATISTICS[release.statistic]


def rows(release: Release) -> list[dict[str, Any]]:
    return [
        {
            "statistic": release.statistic,
            "version": release.version,
            "period_start": release.period_start.isoformat(),
            "period_end": release.period_end.isoformat(),
            "measure": f["measure"],
            "group": f["group"],
            "value": f["value"],
            "lower_95": f["low"],
            "upper_95": f["high"],
            "unit": f["unit"],
        }
        for f in release.figures
    ]


def csv_text(release: Release) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[name for name, _, _ in FIELDS], lineterminator="\n")
    writer.writeheader()
    for row in rows(release):
        writer.writerow({k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()})
    return out.getvalue()


def data_package(release: Release, *, csv_path: str = "data.csv") -> dict[str, Any]:
    """The release as a Frictionless Data Package descriptor: one CSV resource with its
    schema, the licence, and how it was made private."""
    statistic = spec(release)
    return {
        "profile": "data-package",
        "name": f"commonwork-{release.statistic.replace('_', '-')}-{release.number}",
        "title": f"{statistic.title} ({release.period_start} to {release.period_end})",
        "description": str(statistic.description),
        "version": f"{release.version}.{release.number}",
        "created": release.published_at.isoformat(),
        "licenses": [
            {
                "name": "ODC-PDDL-1.0",
                "path": "https://opendatacommons.org/licenses/pddl/",
                "title": "Open Data Commons Public Domain Dedication and License",
            }
        ],
        "differential_privacy": registry_record(release)["deployment"]["privacy_loss"],
        "resources": [
            {
                "name": "figures",
                "path": csv_path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": name, "type": kind, "description": text}
                        for name, kind, text in FIELDS
                    ]
                },
            }
        ],
    }


def registry_record(release: Release) -> dict[str, Any]:
    """The release in the shape of the OpenDP DP Deployments Registry's entries."""
    statistic = spec(release)
    charge = BudgetCharge.objects.filter(release=release).first()
    return {
        "url_slug": f"commonwork-{release.statistic}-{release.number}",
        "deployment": {
            "basic": {
                "name": f"{statistic.title} #{release.number}",
                "data_curators": [
                    {"data_curator_name": "a Commonwork co-op", "data_curator_type": "Nonprofit"}
                ],
                "description": str(statistic.description),
                "intended_use": "Open statistics on platform work, for workers, cities and "
                "researchers",
                "data_product_type": "Summary statistics",
                "data_product_sector": "Labour",
                "publication_date": release.published_at.date().isoformat(),
            },
            "dp_variant": {
                "variant_name": "Pure DP",
                "data_domain": "one row per worker who consented and period, aggregated "
                "from the co-op's records; each value clamped to the bounds",
                "unprotected_quantities": "the period, the zone names (the co-op's "
                "dispatch regions, public on its task board), the bounds",
            },
            "privacy_loss": {
                "privacy_unit": "worker × period",
                "privacy_unit_details": f"all of one worker's records from "
                f"{release.period_start} to {release.period_end}",
                "privacy_parameters": {"epsilon": release.epsilon, "delta": release.delta},
                "privacy_parameters_details": "charged to the co-op's privacy-budget ledger; "
                "a governed cap per worker per quarter",
            },
            "deployment_model": {
                "model_name": "Central",
                "trust_assumptions": "the co-op's server, which its members own, sees the "
                "records; only the noisy release leaves it",
                "release_type": "Many releases",
                "data_source_type": "Dynamic",
                "access_type": "Non-interactive",
            },
            "implementation": {
                "mechanisms": f"discrete Laplace (OpenDP {statistics.OPENDP_VERSION})",
                "composition": "sequential: the queries' privacy maps summed",
                "post_processing": "means and shares from noisy sums and counts; "
                "95 % intervals from the noise scales (Bonferroni over the answers used)",
                "preprocessing_and_hyperparameter_tuning": json.dumps(release.bounds),
                "justification": charge.query if charge is not None else "",
                "additional_information": f"code sha256 {charge.code_hash}"
                if charge is not None
                else "",
            },
            "administrative": {"status": "Published", "tier": 3},
        },
    }


def budget_status() -> dict[str, float]:
    cap = float(read_parameter("commons.epsilon_per_quarter"))
    spent = budget.spent_this_quarter(clock.now())
    return {"cap": cap, "spent": spent, "left": max(0.0, cap - spent)}


def charges() -> QuerySet[BudgetCharge]:
    return BudgetCharge.objects.select_related("release").order_by("-seq")


def shares_with_commons(member: User) -> bool:
    return live_purpose_consent(member.pk, "commons") is not None


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    low: float
    high: float
    unit: str
    x: float  # the bar's length, of 100
    low_x: float
    high_x: float


def chart(release: Release) -> list[tuple[str, list[Bar]]]:
    """Each measure's figures as bars of a common scale, with their intervals."""
    measures: dict[str, list[dict[str, Any]]] = {}
    for figure in release.figures:
        measures.setdefault(figure["measure"], []).append(figure)
    labels = spec(release).measures
    out = []
    for measure, figures in measures.items():
        top = max((f["high"] for f in figures), default=0.0) or 1.0
        out.append(
            (
                labels.get(measure, measure),
                [
                    Bar(
                        f["group"],
                        f["value"],
                        f["low"],
                        f["high"],
                        f["unit"],
                        100 * f["value"] / top,
                        100 * f["low"] / top,
                        100 * f["high"] / top,
                    )
                    for f in figures
                ],
            )
        )
    return out
