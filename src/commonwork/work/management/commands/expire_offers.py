from typing import Any

from django.core.management.base import BaseCommand

from commonwork.work.actions import expire_offers


class Command(BaseCommand):
    help = "Return tasks whose offers were not answered in time to the open board."

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_offers()
        self.stdout.write(f"{count} offer(s) expired.")
