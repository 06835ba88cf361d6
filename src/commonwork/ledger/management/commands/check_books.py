from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonwork.ledger.books import check_books


class Command(BaseCommand):
    help = "Check that every journal entry balances and debits equal credits overall."

    def handle(self, *args: Any, **options: Any) -> None:
        report = check_books()
        for note in report.unusual_balances:
            self.stdout.write(f"Note: {note} (the opposite of its usual side).")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"The books have {len(report.problems)} problem(s).")
        self.stdout.write(
            self.style.SUCCESS(
                f"The books balance: {report.entries} entries, {report.postings} postings, "
                f"{report.debits_minor} minor units debited and credited."
            )
        )
