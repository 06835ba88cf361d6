from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonwork.core.audit import GENESIS_HASH, verify_chain
from commonwork.core.models import AuditEntry, AuditHead


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report every edited, missing or relinked row."

    def handle(self, *args: Any, **options: Any) -> None:
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
        head = AuditHead.objects.filter(pk=1).first()
        problems = list(
            verify_chain(
                entries,
                head_seq=head.seq if head else 0,
                head_hash=head.entry_hash if head else GENESIS_HASH,
            )
        )
        count = AuditEntry.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"row {problem.seq}: {problem.problem}")
            raise CommandError(f"The audit chain is broken in {len(problems)} place(s).")
        self.stdout.write(self.style.SUCCESS(f"The audit chain of {count} entries is intact."))
