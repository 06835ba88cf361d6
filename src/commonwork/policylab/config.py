"""Scenarios and rule sets are data: plain dataclasses read from dicts (or TOML files),
checked field by field before any simulation starts. A bad file gets one clear error
naming the field: an unknown key, a negative rate, a fee above 100 %, no workers."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar


class ConfigError(ValueError):
    """A scenario or rule set that cannot be simulated; `field` names the culprit."""

    def __init__(self, field_name: str, problem: str) -> None:
        self.field = field_name
        super().__init__(f"{field_name}: {problem}")


@dataclass(frozen=True)
class Hotspot:
    x_km: float
    y_km: float
    weight: float
    spread_km: float


@dataclass(frozen=True)
class Scenario:
    name: str
    city_km: float
    hotspots: tuple[Hotspot, ...]
    tasks_per_hour: tuple[float, ...]  # 24 values: demand over the day
    days: int
    trip_km_mean: float
    base_price_minor: int
    per_km_minor: int
    workers: int
    cost_per_km_minor: int  # the worker's own vehicle cost
    weekly_target_minor: int  # the income a worker aims at (the shared behaviour model)
    shift_hours: float  # a worker's usual day when pay allows it
    # Each worker's days off in every week: this many weekdays, drawn once per worker.
    days_off_per_week: int = 1
    seed: int = 2026
    city: str = "a model city"  # what the report's title calls the place
    currency: str = "EUR"  # ISO 4217: the prices' and the report's money


@dataclass(frozen=True)
class RuleSet:
    name: str
    fee_rate: float  # share of each price the platform or co-op keeps
    solidarity_rate: float = 0.0
    surge_multiplier: float = 1.0  # price × this when demand outruns idle workers
    surge_kept: float = 0.0  # share of the surge premium the platform keeps
    pay_waiting: bool = False  # a floor for every engaged hour, waiting included
    floor_per_hour_minor: int = 0
    max_hours_per_day: float | None = None
    max_hours_per_week: float | None = None
    min_rest_hours: float | None = None  # between two stretches of work
    # No task past this many minutes engaged without a pause of break_minutes (the
    # governed break_after_minutes); None: no break rule.
    break_after_minutes: int | None = None
    break_minutes: int = 20
    # The platform deactivates a worker whose acceptance rate falls below this, once they
    # have had `deactivation_after_offers` offers; None: declining costs nothing.
    deactivate_below_acceptance: float | None = None
    deactivation_after_offers: int = 20
    dispatch: str = "nearest"  # "nearest" or "fair_optimal" (the platform's own solver)
    # The solver's weights, as the governed dispatch.* parameters of the same names.
    weight_distance: float = 1.0
    weight_fairness: float = 1.0
    unassigned_penalty: float = 10.0
    # The operating surplus is shared as the governed surplus.* shares say: the patronage
    # share goes back to the workers by the labour they did (ledger.rules.split_surplus).
    # The floor's funding, as the governed pay_floor_funded_by and pay_floor_deficit_limit:
    # from the solidarity fund (down to minus the limit, then shared, the rest owed), or
    # from the operating budget.
    floor_from_fund: bool = True
    floor_deficit_limit_minor: int = 50_000
    surplus_returned: bool = False
    surplus_reserves_share: float = 0.3
    surplus_patronage_share: float = 0.6
    surplus_community_share: float = 0.1
    operating_cost_rate: float = 0.05  # of client spending: what running the platform costs
    radius_km: float = 3.0
    # "unlimited": everyone who wants to work is let on (idle workers pile up);
    # "matched": the co-op admits as many workers as demand keeps busy `target_utilisation`
    # of a `shift_hours` day, the members' admission votes in the model.
    onboarding: str = "unlimited"
    target_utilisation: float = 0.7


T = TypeVar("T")
RATES = {
    "fee_rate",
    "solidarity_rate",
    "surge_kept",
    "operating_cost_rate",
    "target_utilisation",
    "deactivate_below_acceptance",
    "surplus_reserves_share",
    "surplus_patronage_share",
    "surplus_community_share",
}


def _build(cls: type[T], data: Mapping[str, Any], prefix: str = "") -> T:
    known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    for key in data:
        if key not in known:
            raise ConfigError(f"{prefix}{key}", "unknown key")
    values: dict[str, Any] = {}
    for name, spec in known.items():
        where = f"{prefix}{name}"
        if name not in data:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                raise ConfigError(where, "missing")
            continue
        value = data[name]
        if name == "hotspots":
            if not value:
                raise ConfigError(where, "at least one hotspot")
            value = tuple(_build(Hotspot, h, f"{where}[{i}].") for i, h in enumerate(value))
        elif name == "tasks_per_hour":
            value = tuple(float(v) for v in value)
            if len(value) != 24:
                raise ConfigError(where, "24 values, one per hour of the day")
            if any(v < 0 for v in value):
                raise ConfigError(where, "a rate cannot be negative")
        elif isinstance(value, bool | str):
            pass
        elif isinstance(value, int | float):
            if value < 0:
                raise ConfigError(where, "cannot be negative")
            if name in RATES and value > 1:
                raise ConfigError(where, "a share above 100 %")
        values[name] = value
    return cls(**values)


def scenario_from(data: Mapping[str, Any]) -> Scenario:
    scenario = _build(Scenario, data)
    if scenario.workers < 1:
        raise ConfigError("workers", "at least one worker")
    if scenario.days < 1:
        raise ConfigError("days", "at least one day")
    if not (len(scenario.currency) == 3 and scenario.currency.isalpha()):
        raise ConfigError("currency", "an ISO 4217 code of three letters, such as EUR")
    if scenario.days_off_per_week > 6:
        raise ConfigError("days_off_per_week", "at most 6: a worker works one day a week")
    if scenario.city_km <= 0 or scenario.trip_km_mean <= 0 or scenario.shift_hours <= 0:
        raise ConfigError("city_km", "sizes, trips and shifts must be above zero")
    return scenario


def rules_from(data: Mapping[str, Any]) -> RuleSet:
    rules = _build(RuleSet, data)
    if rules.dispatch not in ("nearest", "fair_optimal"):
        raise ConfigError("dispatch", 'either "nearest" or "fair_optimal"')
    if rules.onboarding not in ("unlimited", "matched"):
        raise ConfigError("onboarding", 'either "unlimited" or "matched"')
    if rules.onboarding == "matched" and rules.target_utilisation <= 0:
        raise ConfigError("target_utilisation", "above zero")
    if rules.surge_multiplier < 1:
        raise ConfigError("surge_multiplier", "at least 1")
    if rules.fee_rate + rules.solidarity_rate > 1:
        raise ConfigError("fee_rate", "fee and solidarity above 100 % of the price")
    shares = (
        exact(rules.surplus_reserves_share)
        + exact(rules.surplus_patronage_share)
        + exact(rules.surplus_community_share)
    )
    if shares != 1:
        raise ConfigError("surplus_patronage_share", "the three surplus shares must add up to 1")
    capped = (
        rules.max_hours_per_day,
        rules.max_hours_per_week,
        rules.min_rest_hours,
        rules.break_after_minutes,
    )
    if rules.dispatch == "nearest" and any(cap is not None for cap in capped):
        raise ConfigError(
            "dispatch", "hour caps and rest are enforced by the platform's solver: fair_optimal"
        )
    return rules


def exact(value: float) -> Fraction:
    """A rule set's decimal as the exact fraction it was written as (0.08 is 2/25, not the
    binary float nearest to it), as the governed parameters hold it."""
    return Fraction(repr(value))


# A cap left out of a rule set means none: the longest a day or week can be, no rest.
NO_CAP = {"max_hours_per_day": 24, "max_hours_per_week": 24 * 7, "min_rest_hours": 0}


def governed_values(rules: RuleSet) -> dict[str, int | Fraction]:
    """The rule set as the governed parameters a live round reads, by their registry
    names: `dispatch.solver.params_from_values` builds the solver's parameters from
    these in the lab exactly as it builds them from the governed values on the platform."""
    caps = {
        "max_hours_per_day": rules.max_hours_per_day,
        "max_hours_per_week": rules.max_hours_per_week,
        "min_rest_hours": rules.min_rest_hours,
    }
    return {
        "dispatch.radius_km": exact(rules.radius_km),
        "dispatch.weight_distance": exact(rules.weight_distance),
        "dispatch.weight_fairness": exact(rules.weight_fairness),
        "dispatch.unassigned_penalty": exact(rules.unassigned_penalty),
        **{name: NO_CAP[name] if cap is None else exact(cap) for name, cap in caps.items()},
        "break_after_minutes": 24 * 60
        if rules.break_after_minutes is None
        else rules.break_after_minutes,
    }


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)
