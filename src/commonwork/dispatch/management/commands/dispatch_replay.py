from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.dispatch.actions import replay
from commonwork.dispatch.models import DispatchRound
from commonwork.dispatch.solver import SOLVER_VERSION


class Command(BaseCommand):
    help = "Recompute a stored dispatch round from its snapshot and compare the results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", type=int, help="The round's number.")

    def handle(self, *args: Any, **options: Any) -> None:
        dispatch_round = DispatchRound.objects.filter(pk=options["round"]).first()
        if dispatch_round is None:
            raise CommandError(f"There is no dispatch round {options['round']}.")
        if dispatch_round.redacted:
            why = (
                "it is older than location_retention_days, and the workers' positions were "
                "removed from its snapshot"
                if dispatch_round.positions_removed_at is not None
                else "a worker in it erased their data, and their position was removed from "
                "its snapshot"
            )
            raise CommandError(f"Round {dispatch_round.pk} cannot be replayed: {why}.")
        identical, digest = replay(dispatch_round)
        if dispatch_round.solver_version != SOLVER_VERSION:
            self.stdout.write(
                f"Note: round {dispatch_round.pk} ran on {dispatch_round.solver_version}."
            )
        if not identical:
            raise CommandError(
                f"Round {dispatch_round.pk} differs: stored {dispatch_round.result_digest}, "
                f"recomputed {digest}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Round {dispatch_round.pk} replays identically ({digest}).")
        )
