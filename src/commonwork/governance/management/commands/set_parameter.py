from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.core.errors import DomainError
from commonwork.governance.actions import set_parameter
from commonwork.members.selectors import user_by_username


class Command(BaseCommand):
    help = "A steward changes a governed parameter, with a reason (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("value")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--steward", required=True, help="The acting steward's username.")

    def handle(self, *args: Any, **options: Any) -> None:
        steward = user_by_username(options["steward"])
        if steward is None:
            raise CommandError(f"No user named {options['steward']!r}.")
        try:
            row = set_parameter(
                actor=steward,
                name=options["name"],
                value=options["value"],
                reason=options["reason"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{row.name} = {row.value} (version {row.pk})")
