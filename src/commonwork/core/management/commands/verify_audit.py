from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonwork.core.audit import verify_all


class Command(BaseCommand):
    help = (
        "Check every audit chain against its head and the signed checkpoints, and report "
        "every edited, missing or relinked row."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count, problems = verify_all()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"The audit chain is broken in {len(problems)} place(s).")
        self.stdout.write(self.style.SUCCESS(f"The audit chain of {count} entries is intact."))
