"""The cost tables' files: read and checked with Frictionless against their schemas, so
a wrong figure or a missing source is refused before it reaches the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frictionless import Resource, Schema

DATA = Path(__file__).resolve().parent / "data"

WAGES_SCHEMA = {
    "fields": [
        {
            "name": "country",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]{2}"},
        },
        {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 2000}},
        {
            "name": "currency",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]{3}"},
        },
        {"name": "minimum_per_hour_minor", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "living_per_hour_minor", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "source", "type": "string", "constraints": {"required": True, "minLength": 10}},
        {"name": "as_of", "type": "date", "constraints": {"required": True}},
    ],
    "primaryKey": ["country", "year"],
}
COSTS_SCHEMA = {
    "fields": [
        {
            "name": "country",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]{2}"},
        },
        {"name": "year", "type": "integer", "constraints": {"required": True, "minimum": 2000}},
        {"name": "vehicle", "type": "string", "constraints": {"required": True}},
        {
            "name": "currency",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]{3}"},
        },
        {
            "name": "per_km_minor",
            "type": "integer",
            "constraints": {"required": True, "minimum": 0},
        },
        {"name": "source", "type": "string", "constraints": {"required": True, "minLength": 10}},
        {"name": "as_of", "type": "date", "constraints": {"required": True}},
    ],
    "primaryKey": ["country", "year", "vehicle"],
}


class CostTableError(ValueError):
    pass


def read_table(path: Path, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The file's rows, typed; CostTableError naming every problem when it is not valid."""

    def resource() -> Resource:
        return Resource(
            path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema)
        )

    report = resource().validate()
    if not report.valid:
        problems = "; ".join(f"{kind}: {note}" for kind, note in report.flatten(["type", "note"]))
        raise CostTableError(f"{path.name}: {problems}")
    with resource() as typed:
        return [dict(row) for row in typed.read_rows()]


def wages() -> list[dict[str, Any]]:
    return read_table(DATA / "wages.csv", WAGES_SCHEMA)


def vehicle_costs() -> list[dict[str, Any]]:
    return read_table(DATA / "vehicle_costs.csv", COSTS_SCHEMA)
