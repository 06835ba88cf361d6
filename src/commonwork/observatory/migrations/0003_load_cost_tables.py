"""The cost tables' files (observatory/data/*.csv), validated and loaded."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from commonwork.observatory import costs

    wage_rate = apps.get_model("observatory", "WageRate")
    vehicle_cost = apps.get_model("observatory", "VehicleCost")
    for row in costs.wages():
        wage_rate.objects.get_or_create(country=row["country"], year=row["year"], defaults=row)
    for row in costs.vehicle_costs():
        vehicle_cost.objects.get_or_create(
            country=row["country"], year=row["year"], vehicle=row["vehicle"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("observatory", "0002_cost_tables_and_assessments")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
