from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.ledger.actions.periods import close_year
from commonwork.ledger.errors import LedgerError


class Command(BaseCommand):
    help = "Close a year: share its surplus into reserves, patronage and the community fund."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            closed = close_year(actor=None, year=options["year"])
        except LedgerError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Closed {closed.year}: surplus {closed.figures['surplus_minor']} minor units."
            )
        )
