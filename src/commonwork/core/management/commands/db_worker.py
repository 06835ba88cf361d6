"""`manage.py db_worker`: django-tasks-db's worker of the database queue, beating every
10 s while it lives, so that a job it leaves behind when killed is put back in the queue
(core.jobs.requeue_abandoned) and runs again, as on RQ."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from commonwork.core.jobs import start_beating


class Command(DatabaseWorkerCommand):
    help = (
        "Run a database background worker; it beats every 10 s, and the jobs of a worker "
        "that stopped beating go back to the queue."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # A batch run ends when the queue is empty; a killed one is simply run again.
        if not options["batch"]:
            start_beating(options["worker_id"])
        super().handle(*args, **options)
