"""`manage.py rotate_master_key`: a new master key now, the old one destroyed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonwork.vault.actions.keys import RotationError, rotate_master_key


class Command(BaseCommand):
    help = (
        "Wrap every member key with a new master key and destroy the old one, so that "
        "database backups taken before now open nothing erased since (docs/vault.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = rotate_master_key()
        except RotationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Re-wrapped {count} member keys; old key destroyed."))
