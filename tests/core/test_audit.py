"""The hash-chained audit log: every change links to the one before, and `verify_audit`
finds an edited or deleted row wherever it is. Tampering uses raw SQL, as an intruder
with database access would, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from commonwork.core import audit
from commonwork.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

TABLE = connection.ops.quote_name(AuditEntry._meta.db_table)


def _verify() -> str:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        raise CommandError(f"{exc}\n{err.getvalue()}") from exc
    return out.getvalue()


def _execute(sql: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def chain(bob, dan, open_task) -> list[AuditEntry]:
    """A few real actions' worth of entries: registrations, admissions, a posted task."""
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) >= 5
    return entries


def test_each_entry_links_to_the_previous_one(chain):
    assert chain[0].prev_hash == audit.GENESIS_HASH
    for previous, entry in itertools.pairwise(chain):
        assert entry.seq == previous.seq + 1
        assert entry.prev_hash == previous.entry_hash
    head = AuditHead.objects.get()
    assert (head.seq, head.entry_hash) == (chain[-1].seq, chain[-1].entry_hash)


def test_verify_audit_passes_on_an_untouched_chain(chain):
    assert f"The audit chain of {len(chain)} entries is intact." in _verify()


def test_verify_audit_passes_on_an_empty_log(db):
    assert "The audit chain of 0 entries is intact." in _verify()


def test_it_detects_an_edited_row(chain):
    middle = chain[len(chain) // 2]
    _execute(f"UPDATE {TABLE} SET action = %s WHERE seq = %s", ["task.completed", middle.seq])  # noqa: S608

    with pytest.raises(CommandError, match="broken") as broken:
        _verify()

    assert f"row {middle.seq}: its content was changed" in str(broken.value)


def test_it_detects_an_edited_row_whose_hash_was_recomputed(chain):
    # given: an intruder edits a row and recomputes its own hash to match
    middle = chain[len(chain) // 2]
    forged = audit.compute_hash(
        seq=middle.seq,
        at=middle.at,
        actor_id=middle.actor_id,
        actor_label="mallory",
        action=middle.action,
        object_type=middle.object_type,
        object_id=middle.object_id,
        data=middle.data,
        prev_hash=middle.prev_hash,
    )
    _execute(
        f"UPDATE {TABLE} SET actor_label = %s, entry_hash = %s WHERE seq = %s",  # noqa: S608
        ["mallory", forged, middle.seq],
    )

    # then: the next row no longer links to it
    with pytest.raises(CommandError) as broken:
        _verify()

    assert f"row {middle.seq + 1}: does not link to the previous row's hash" in str(broken.value)


def test_it_detects_a_deleted_row_in_the_middle(chain):
    middle = chain[len(chain) // 2]
    _execute(f"DELETE FROM {TABLE} WHERE seq = %s", [middle.seq])  # noqa: S608

    with pytest.raises(CommandError) as broken:
        _verify()

    assert f"rows {middle.seq}..{middle.seq} are missing" in str(broken.value)


def test_it_detects_a_deleted_last_row(chain):
    last = chain[-1]
    _execute(f"DELETE FROM {TABLE} WHERE seq = %s", [last.seq])  # noqa: S608

    with pytest.raises(CommandError) as broken:
        _verify()

    assert f"the chain ends at row {last.seq - 1}, not at the head" in str(broken.value)


def test_history_of_lists_an_objects_entries_in_order(open_task, bob):
    from commonwork.work import actions as work_actions

    work_actions.take_task(actor=bob, task_id=open_task.pk)

    actions = list(audit.history_of(open_task).order_by("seq").values_list("action", flat=True))

    assert actions == ["task.posted", "task.take"]
