from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonwork.governance.actions import verify_results
from commonwork.governance.models import Proposal


class Command(BaseCommand):
    help = "Recount every closed proposal from its stored ballots and report any difference."

    def handle(self, *args: Any, **options: Any) -> None:
        differences = verify_results()
        for difference in differences:
            self.stderr.write(difference)
        if differences:
            raise CommandError(f"{len(differences)} result(s) differ from their recount.")
        closed = Proposal.objects.filter(closed_at__isnull=False).count()
        self.stdout.write(self.style.SUCCESS(f"All {closed} closed proposals recount the same."))
