from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonwork.observatory.actions import load_cost_tables
from commonwork.observatory.costs import CostTableError


class Command(BaseCommand):
    help = "Add the cost tables' rows (observatory/data/*.csv) the database lacks."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            added = load_cost_tables()
        except CostTableError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{added} rows added")
