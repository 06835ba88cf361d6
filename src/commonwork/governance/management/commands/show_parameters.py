from typing import Any

from django.core.management.base import BaseCommand

from commonwork.governance.parameters import snapshot
from commonwork.governance.registry import PARAMETERS, format_value


class Command(BaseCommand):
    help = "List every governed parameter with its current value, unit and bounds."

    def handle(self, *args: Any, **options: Any) -> None:
        current = snapshot()
        self.stdout.write(f"parameter version {current.version}")
        for name, spec in PARAMETERS.items():
            value = format_value(current.values[name])
            self.stdout.write(
                f"{name:34} {value:>8} {spec.unit} [{spec.minimum}..{spec.maximum}]"
                f" read by {spec.reader}: {spec.description}"
            )
