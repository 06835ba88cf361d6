"""`manage.py load_demo`: make the demo co-op (see commonwork/demo.py) and print its log-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.site.demo import (
    COOPERATIVE_NAME,
    DEMO_PASSWORD,
    LOGINS,
    DemoConflictError,
    load_demo,
)


class Command(BaseCommand):
    help = (
        "Load the demo co-op, making only what is missing (running it again changes nothing), "
        "and print the demo log-ins. Refused when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the demo's own words (titles, names, reasons).",
        )
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Leave out the weeks of work before last week (a quicker start, as the "
            "fault tests' cluster uses).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even with DEBUG off (its log-ins share one public password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo log-ins share a "
                "published password. Pass --force to load the demo anyway."
            )
        try:
            result = load_demo(options["language"], history=not options["without_history"])
        except DemoConflictError as exc:
            raise CommandError(str(exc)) from exc
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo co-op {COOPERATIVE_NAME!r}: "
                    f"made {len(result.created)} missing pieces."
                )
            )
            if options["verbosity"] >= 2:
                for piece in result.created:
                    self.stdout.write(f"  made {piece}")
        else:
            self.stdout.write(f"The demo co-op {COOPERATIVE_NAME!r} is already loaded.")
        self.stdout.write(f"\nDemo log-ins, all with the password {DEMO_PASSWORD!r}:")
        for login in LOGINS:
            self.stdout.write(f"  {login.username:<6} {login.role:<10} {login.what}")
