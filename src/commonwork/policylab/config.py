"""Scenarios and rule sets are data: plain dataclasses read from dicts (or TOML files),
checked field by field before any simulation starts. A bad file gets one clear error
naming the field: an unknown key, a negative rate, a fee above 100 %, no workers."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
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
    seed: int = 2026


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
    # The platform deactivates a worker whose acceptance rate falls below this, once they
    # have had `deactivation_after_offers` offers; None: declining costs nothing.
    deactivate_below_acceptance: float | None = None
    deactivation_after_offers: int = 20
    dispatch: str = "nearest"  # "nearest" or "fair_optimal"
    surplus_returned: bool = False  # the operating surplus goes back to the workers
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
    return rules


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)
