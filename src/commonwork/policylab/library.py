"""The scenarios and rule sets the policy lab ships. Members define variants as TOML
files with the same keys (see docs/policylab.md)."""

from __future__ import annotations

from typing import Any

from commonwork.core.marks import N_

# Demand over the day (tasks per hour, before scaling): a lunch and a dinner peak.
_DAY_SHAPE = (
    0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.4, 1.2, 1.2, 1.8,
    2.6, 2.4, 1.4, 1.2, 1.4, 2.0, 2.8, 3.0, 2.4, 1.6, 0.9, 0.5,
)  # fmt: skip


def _demand(total_per_day: float) -> list[float]:
    scale = total_per_day / sum(_DAY_SHAPE)
    return [round(v * scale, 3) for v in _DAY_SHAPE]


_HOTSPOTS = [
    {"x_km": 5.0, "y_km": 5.0, "weight": 3.0, "spread_km": 1.5},
    {"x_km": 12.0, "y_km": 8.0, "weight": 2.0, "spread_km": 2.0},
    {"x_km": 8.0, "y_km": 14.0, "weight": 1.0, "spread_km": 2.5},
]

SCENARIOS: dict[str, dict[str, Any]] = {
    "small": {
        "name": "small",
        "city": N_("a small town 8 km across"),
        "city_km": 8.0,
        "hotspots": [
            {"x_km": 3.0, "y_km": 3.0, "weight": 2.0, "spread_km": 1.0},
            {"x_km": 5.5, "y_km": 5.0, "weight": 1.0, "spread_km": 1.2},
        ],
        "tasks_per_hour": _demand(1_200),
        "days": 2,
        "trip_km_mean": 2.5,
        "base_price_minor": 350,
        "per_km_minor": 110,
        "workers": 60,
        "cost_per_km_minor": 12,
        "weekly_target_minor": 60_000,
        "shift_hours": 8.0,
    },
    "city-day": {
        "name": "city-day",
        "city": N_("a city 20 km across"),
        "city_km": 20.0,
        "hotspots": _HOTSPOTS,
        "tasks_per_hour": _demand(100_000),
        "days": 1,
        "trip_km_mean": 3.0,
        "base_price_minor": 350,
        "per_km_minor": 110,
        "workers": 5_000,
        "cost_per_km_minor": 12,
        "weekly_target_minor": 60_000,
        "shift_hours": 8.0,
    },
    "city-week": {
        "name": "city-week",
        "city": N_("a city 20 km across"),
        "city_km": 20.0,
        "hotspots": _HOTSPOTS,
        "tasks_per_hour": _demand(100_000),
        "days": 7,
        "trip_km_mean": 3.0,
        "base_price_minor": 350,
        "per_km_minor": 110,
        "workers": 5_000,
        "cost_per_km_minor": 12,
        "weekly_target_minor": 60_000,
        "shift_hours": 8.0,
    },
}

# The scenario members run from the platform's page: the small town for a day, seconds.
SCENARIOS["small-day"] = {**SCENARIOS["small"], "name": "small-day", "days": 1}

# Rule-set names the report translates (a member's own names are shown as written).
RULE_SET_NAMES = (N_("extractive"), N_("cooperative"), N_("current rules"), N_("proposed"))

RULE_SETS: dict[str, dict[str, Any]] = {
    "extractive": {
        "name": "extractive",
        "fee_rate": 0.25,
        "surge_multiplier": 1.2,
        "surge_kept": 0.5,
        "pay_waiting": False,
        "deactivate_below_acceptance": 0.8,
        "dispatch": "nearest",
        "operating_cost_rate": 0.05,
    },
    "cooperative": {
        "name": "cooperative",
        "fee_rate": 0.08,
        "solidarity_rate": 0.02,
        "pay_waiting": True,
        "floor_per_hour_minor": 1500,
        "max_hours_per_day": 10,
        "max_hours_per_week": 48,
        "min_rest_hours": 11,
        "dispatch": "fair_optimal",
        "surplus_returned": True,
        "operating_cost_rate": 0.05,
        "onboarding": "matched",
        "target_utilisation": 0.7,
    },
}
