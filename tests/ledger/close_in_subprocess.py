"""Run by test_reliability.py in a separate process, on the database DATABASE_URL names.

    python tests/ledger/close_in_subprocess.py setup
    python tests/ledger/close_in_subprocess.py close [--pause-at MARKER]
    python tests/ledger/close_in_subprocess.py count

`--pause-at` makes the close stop in the middle of its transaction — after the top-up
entries are posted, before the statements are written — and create MARKER, so the test
can kill the process there with SIGKILL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[2] / "src"),
    str(Path(__file__).resolve().parents[2]),
]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from commonwork.core import clock  # noqa: E402
from commonwork.ledger.actions.periods import close_period, local_midnight  # noqa: E402
from commonwork.ledger.models import EntryKind, JournalEntry, PayPeriod, Statement  # noqa: E402
from commonwork.members import actions as members  # noqa: E402
from commonwork.members.models import Role  # noqa: E402
from commonwork.work import actions as work  # noqa: E402

FOUNDED = dt.date(2026, 1, 1)
WORKERS = 5


def setup() -> None:
    call_command("migrate", verbosity=0)
    alice = members.register_user(username="alice", password="correct-horse-battery-staple")
    members.found_cooperative(
        name="Kill Test Co-op",
        currency="EUR",
        languages=["en"],
        bylaws="One member, one vote.",
        founded_on=FOUNDED,
        share_price_minor=0,
        founder=alice,
    )
    for number in range(WORKERS):
        worker = members.register_user(
            username=f"worker{number}", password="correct-horse-battery-staple"
        )
        application = members.submit_application(
            actor=worker, role=Role.WORKER, motivation="To work.", skills=[]
        )
        members.admit_application(actor=alice, application_id=application.pk)
        with clock.set_to(local_midnight(FOUNDED) + dt.timedelta(hours=9)):
            work.set_availability(actor=worker, available=True)
        with clock.set_to(local_midnight(FOUNDED) + dt.timedelta(hours=10 + number)):
            work.set_availability(actor=worker, available=False)


def close(pause_marker: str | None) -> None:
    if pause_marker:
        original = Statement.objects.bulk_create

        def pausing_bulk_create(*args: object, **kwargs: object) -> object:
            Path(pause_marker).write_text("top-ups posted, statements next")
            time.sleep(600)  # the test kills us here
            return original(*args, **kwargs)  # type: ignore[arg-type]

        Statement.objects.bulk_create = pausing_bulk_create  # type: ignore[method-assign,assignment]
    with clock.set_to(local_midnight(FOUNDED + dt.timedelta(days=8))):
        close_period(actor=None)


def count() -> None:
    print(
        json.dumps(
            {
                "periods": PayPeriod.objects.count(),
                "statements": Statement.objects.count(),
                "top_ups": JournalEntry.objects.filter(kind=EntryKind.FLOOR_TOP_UP).count(),
            }
        )
    )


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        setup()
    elif command == "close":
        close(sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--pause-at" else None)
    else:
        count()
