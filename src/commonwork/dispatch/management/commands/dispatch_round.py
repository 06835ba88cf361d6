from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from commonwork.dispatch.actions import run_round


class Command(BaseCommand):
    help = "Run one dispatch round now (the scheduler runs them every round interval)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default="", help="Only tasks of this region.")

    def handle(self, *args: Any, **options: Any) -> None:
        done = run_round(region=options["region"])
        self.stdout.write(
            f"Round {done.pk}: {done.task_count} tasks, {done.worker_count} workers, "
            f"{done.offered_count} offers."
        )
