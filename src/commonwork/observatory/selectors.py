"""Reads for the Fairwork self-assessment page."""

from __future__ import annotations

import json
from typing import Any

from commonwork.commons.budget import spent_this_quarter
from commonwork.core import clock
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import User
from commonwork.observatory import equity
from commonwork.observatory.models import EquityDeclaration, PrivacyRelease
from commonwork.vault.keys import unseal


def my_groups(member: User) -> dict[str, str]:
    declaration = EquityDeclaration.objects.filter(member=member).first()
    if declaration is None:
        return {}
    text = unseal(member.pk, declaration.sealed)
    return json.loads(text) if text else {}


def equity_report() -> dict[str, Any]:
    """The latest release, in rows a page shows, and the budget."""
    release = PrivacyRelease.objects.filter(kind="equity").first()
    budget = float(read_parameter("commons.epsilon_per_quarter"))
    rows = []
    if release is not None:
        for row in release.result["rows"]:
            rows.append(
                {
                    **row,
                    "dimension_label": equity.DIMENSION_LABELS[row["dimension"]],
                    "group_label": equity.DIMENSIONS[row["dimension"]][row["group"]],
                    "earnings_minor": None
                    if row["earnings_per_hour_minor"] is None
                    else round(row["earnings_per_hour_minor"]),
                }
            )
    return {
        "release": release,
        "rows": rows,
        "budget": budget,
        "budget_left": max(0.0, budget - spent_this_quarter(clock.now())),
        "report_epsilon": float(read_parameter("equity_report_epsilon")),
        "min_group": equity.MIN_GROUP,
    }
