from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from commonwork.ledger.books import export_beancount


class Command(BaseCommand):
    help = "Write the whole books in beancount's format (check them with bean-check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="File to write; standard output when left out.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = export_beancount()
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote the books to {options['out']}."))
        else:
            sys.stdout.write(text)
