"""Reading governed parameters: the one way code learns a rule's current value."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from commonwork.governance.models import ParameterValue
from commonwork.governance.registry import PARAMETERS, Value, spec_of


def read_parameter(name: str) -> Value:
    """The current value of `name`: its newest stored row, or the registry's default."""
    spec = spec_of(name)
    row = ParameterValue.objects.filter(name=name).order_by("-id").values_list("value", flat=True)
    stored = row.first()
    return spec.parse(stored) if stored is not None else spec.default_value


@dataclass(frozen=True)
class ParameterSnapshot:
    """Every parameter's value at one moment, and the version that identifies it."""

    version: int  # the id of the newest ParameterValue row, 0 while all are defaults
    values: dict[str, Value]


def snapshot() -> ParameterSnapshot:
    newest = dict(
        ParameterValue.objects.values("name")
        .annotate(newest=Max("id"))
        .values_list("name", "newest")
    )
    stored = dict(
        ParameterValue.objects.filter(id__in=newest.values()).values_list("name", "value")
    )
    values = {
        name: spec.parse(stored[name]) if name in stored else spec.default_value
        for name, spec in PARAMETERS.items()
    }
    return ParameterSnapshot(version=max(newest.values(), default=0), values=values)
