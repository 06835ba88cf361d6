import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from commonwork.core import clock, scheduling
from commonwork.site.jobs import periodic_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the platform's periodic jobs (offer expiry, dispatch rounds...) when due. "
        "Run as many as you like: one leads (a lease), the others take over if it stops."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due and stop.")
        parser.add_argument(
            "--seconds", type=float, default=0, help="Stop after this long (0: run until killed)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = periodic_jobs()
        me = scheduling.identity()
        started = time.monotonic()
        leading = False
        forgotten = 0.0
        while True:
            if scheduling.lead(me):
                if not leading:
                    self.stdout.write(f"{me} leads")
                leading = True
                for name in scheduling.enqueue_due(jobs, me):
                    self.stdout.write(f"enqueued {name}")
                if time.monotonic() - forgotten > 3600:  # old slots go hourly
                    scheduling.forget_slots(clock.now() - dt.timedelta(days=1))
                    forgotten = time.monotonic()
            elif leading:
                leading = False
                self.stdout.write(f"{me} no longer leads")
            if options["once"]:
                return
            if options["seconds"] and time.monotonic() - started >= options["seconds"]:
                return
            time.sleep(1)
