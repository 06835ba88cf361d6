from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.ledger.actions.periods import close_due_periods, close_period
from commonwork.ledger.errors import LedgerError


class Command(BaseCommand):
    help = "Close the next pay period (or, with --due, every period that has ended)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--starts-on", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--due", action="store_true", help="Close every ended period.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["due"]:
                periods = close_due_periods()
            else:
                periods = [close_period(actor=None, starts_on=options["starts_on"])]
        except LedgerError as exc:
            raise CommandError(exc.message) from exc
        for period in periods:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Closed {period.starts_on}..{period.ends_on}: "
                    f"{period.statements.count()} statements."
                )
            )
        if not periods:
            self.stdout.write("No period has ended since the last close.")
