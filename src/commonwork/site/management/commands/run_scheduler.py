import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from commonwork.core.scheduler import due_jobs
from commonwork.site.jobs import periodic_jobs


class Command(BaseCommand):
    help = "Enqueue the platform's periodic jobs (offer expiry, dispatch rounds...) when due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due and stop.")
        parser.add_argument(
            "--seconds", type=float, default=0, help="Stop after this long (0: run until killed)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = periodic_jobs()
        last_enqueued: dict[str, float] = {}
        started = time.monotonic()
        while True:
            now = time.monotonic()
            for job in due_jobs(jobs, last_enqueued, now):
                job.enqueue()
                last_enqueued[job.name] = now
                self.stdout.write(f"enqueued {job.name}")
            if options["once"]:
                return
            if options["seconds"] and now - started >= options["seconds"]:
                return
            time.sleep(1)
