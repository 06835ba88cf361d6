"""The hash-chained audit log: one chain per audited object, every change linking to the
one before, signed checkpoints binding the heads; `verify_audit` finds an edited, deleted,
reordered or moved row wherever it is, and a chain removed with its head. Tampering uses
raw SQL, as an intruder with database access would, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from commonwork.core import audit
from commonwork.core.models import AuditCheckpoint, AuditEntry, AuditStreamHead
from tests.concurrency import held_by_another_transaction

pytestmark = pytest.mark.django_db

TABLE = connection.ops.quote_name(AuditEntry._meta.db_table)
HEADS = connection.ops.quote_name(AuditStreamHead._meta.db_table)
CHECKPOINTS = connection.ops.quote_name(AuditCheckpoint._meta.db_table)


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
    """A task's chain of several real steps (posted, taken, started, delivered), beside
    the registrations' and admissions' own chains."""
    from commonwork.work import actions as work_actions

    work_actions.take_task(actor=bob, task_id=open_task.pk)
    work_actions.start_task(actor=bob, task_id=open_task.pk)
    work_actions.deliver_task(actor=bob, task_id=open_task.pk)
    entries = list(audit.history_of(open_task).order_by("seq"))
    assert len(entries) >= 4
    assert len({entry.stream for entry in AuditEntry.objects.all()}) > 1
    return entries


def _broken() -> str:
    with pytest.raises(CommandError, match="broken") as broken:
        _verify()
    return str(broken.value)


def test_each_object_has_its_own_chain_linked_entry_to_entry(chain, open_task):
    stream = f"work.task:{open_task.pk}"
    assert {entry.stream for entry in chain} == {stream}
    assert chain[0].seq == 1
    assert chain[0].prev_hash == audit.GENESIS_HASH
    for previous, entry in itertools.pairwise(chain):
        assert entry.seq == previous.seq + 1
        assert entry.prev_hash == previous.entry_hash
    head = AuditStreamHead.objects.get(stream=stream)
    assert (head.seq, head.entry_hash) == (chain[-1].seq, chain[-1].entry_hash)


def test_verify_audit_passes_on_an_untouched_log(chain):
    audit.write_checkpoint()
    assert f"The audit chain of {AuditEntry.objects.count()} entries is intact." in _verify()


def test_verify_audit_passes_on_an_empty_log(db):
    assert "The audit chain of 0 entries is intact." in _verify()


def test_it_detects_an_edited_row(chain):
    middle = chain[1]
    _execute(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["task.completed", middle.pk])  # noqa: S608

    assert f"{middle.stream} row {middle.seq}: its content was changed" in _broken()


def test_the_database_and_python_hash_an_entry_alike(chain):
    """On PostgreSQL the append statement computes the hash in SQL; it must be the very
    hash `verify_audit` recomputes in Python (on SQLite Python computes both)."""
    for entry in AuditEntry.objects.exclude(stream=audit.LEGACY_STREAM):
        assert entry.entry_hash == audit.expected_hash(entry)
    assert [entry.entry_hash for entry in chain] == [audit.expected_hash(e) for e in chain]


def test_it_detects_an_edited_row_whose_hash_was_recomputed(chain):
    # given: an intruder edits a row and recomputes its own hash to match
    middle = chain[1]
    middle.actor_label = "mallory"
    forged = audit.expected_hash(middle)
    _execute(
        f"UPDATE {TABLE} SET actor_label = %s, entry_hash = %s WHERE id = %s",  # noqa: S608
        ["mallory", forged, middle.pk],
    )

    # then: the next row no longer links to it
    expected = f"{middle.stream} row {middle.seq + 1}: does not link to the previous row's hash"
    assert expected in _broken()


def test_it_detects_a_deleted_row_in_the_middle(chain):
    middle = chain[1]
    _execute(f"DELETE FROM {TABLE} WHERE id = %s", [middle.pk])  # noqa: S608

    assert f"{middle.stream} row {middle.seq}: rows {middle.seq}..{middle.seq} are missing" in (
        _broken()
    )


def test_it_detects_a_deleted_last_row(chain):
    last = chain[-1]
    _execute(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])  # noqa: S608

    assert f"the chain ends at row {last.seq - 1}, not at the head" in _broken()


def test_it_detects_two_rows_swapped(chain):
    first, second = chain[1], chain[2]
    _execute(f"UPDATE {TABLE} SET seq = 0 WHERE id = %s", [first.pk])  # noqa: S608
    _execute(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [first.seq, second.pk])  # noqa: S608
    _execute(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [second.seq, first.pk])  # noqa: S608

    assert f"{first.stream} row {first.seq}: does not link to the previous row's hash" in (
        _broken()
    )


def test_it_detects_a_row_moved_to_another_objects_chain(chain, bob):
    # given: the task's last entry is relabelled as the last of bob's chain
    last = chain[-1]
    bobs = AuditStreamHead.objects.get(stream=f"members.user:{bob.pk}")
    _execute(
        f"UPDATE {TABLE} SET stream = %s, seq = %s WHERE id = %s",  # noqa: S608
        [bobs.stream, bobs.seq + 1, last.pk],
    )

    problems = _broken()

    assert f"{last.stream} row {last.seq}: the chain ends at row {last.seq - 1}" in problems
    assert f"{bobs.stream} row {bobs.seq + 1}: does not link" in problems
    assert f"{bobs.stream} row {bobs.seq + 1}: it is about another object" not in problems


def test_it_detects_a_row_relabelled_into_a_chain_it_links_to(chain, bob):
    """An entry rewritten whole, hash and all, into another object's chain still names
    its own object, so it is found even where the links hold."""
    bobs = AuditStreamHead.objects.get(stream=f"members.user:{bob.pk}")
    task_entry = chain[0]
    task_entry.stream, task_entry.seq = bobs.stream, bobs.seq + 1
    task_entry.prev_hash = bobs.entry_hash
    forged = audit.expected_hash(task_entry)
    _execute(
        f"UPDATE {TABLE} SET stream = %s, seq = %s, prev_hash = %s, entry_hash = %s "  # noqa: S608
        "WHERE id = %s",
        [bobs.stream, bobs.seq + 1, bobs.entry_hash, forged, task_entry.pk],
    )
    _execute(
        f"UPDATE {HEADS} SET seq = %s, entry_hash = %s WHERE stream = %s",  # noqa: S608
        [bobs.seq + 1, forged, bobs.stream],
    )

    assert f"{bobs.stream} row {bobs.seq + 1}: it is about another object" in _broken()


def test_a_chain_removed_with_its_head_is_found_by_the_checkpoint(chain):
    # given: the task's chain is signed by a checkpoint, then removed whole, head and all
    audit.write_checkpoint()
    stream = chain[0].stream
    _execute(f"DELETE FROM {TABLE} WHERE stream = %s", [stream])  # noqa: S608
    _execute(f"DELETE FROM {HEADS} WHERE stream = %s", [stream])  # noqa: S608

    assert f"{stream} row {chain[-1].seq}: a checkpoint signed it, and it is gone" in _broken()


def test_a_tail_removed_with_its_head_rewound_is_found_by_the_checkpoint(chain):
    audit.write_checkpoint()
    last, before = chain[-1], chain[-2]
    _execute(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])  # noqa: S608
    _execute(
        f"UPDATE {HEADS} SET seq = %s, entry_hash = %s WHERE stream = %s",  # noqa: S608
        [before.seq, before.entry_hash, last.stream],
    )

    assert f"{last.stream} row {last.seq}: a checkpoint signed it, and it is gone" in _broken()


def test_a_checkpoint_names_only_the_heads_that_moved_since_the_last(chain, bob, open_task):
    from commonwork.work import actions as work_actions

    first = audit.write_checkpoint()
    assert first is not None
    assert f"work.task:{open_task.pk}" in first.heads
    assert audit.write_checkpoint() is None  # nothing moved

    work_actions.complete_task(actor=open_task.project.client, task_id=open_task.pk)
    second = audit.write_checkpoint()

    assert second is not None
    assert f"work.task:{open_task.pk}" in second.heads
    assert f"members.user:{bob.pk}" not in second.heads
    assert second.prev_hash == first.checkpoint_hash
    assert "intact" in _verify()


def test_it_detects_an_edited_checkpoint(chain):
    checkpoint = audit.write_checkpoint()
    assert checkpoint is not None
    stream = chain[0].stream
    heads = {**checkpoint.heads, stream: [1, chain[0].entry_hash]}
    _execute(
        f"UPDATE {CHECKPOINTS} SET heads = %s WHERE id = %s",  # noqa: S608
        [audit.canonical_json(heads), checkpoint.pk],
    )

    assert "checkpoint 1: its content was changed after it was signed" in _broken()


def test_it_detects_a_removed_checkpoint(chain, open_task):
    from commonwork.work import actions as work_actions

    audit.write_checkpoint()
    work_actions.complete_task(actor=open_task.project.client, task_id=open_task.pk)
    audit.write_checkpoint()
    _execute(f"DELETE FROM {CHECKPOINTS} WHERE seq = 1", [])  # noqa: S608

    assert "checkpoints 1..1 are missing" in _broken()


def test_it_detects_a_checkpoint_signed_with_another_key(chain):
    with override_settings(SECRET_KEY="an intruder's own secret"):
        audit.write_checkpoint()

    assert "checkpoint 1: its signature is not the site's" in _broken()


def test_checkpoints_signed_before_the_secret_was_rotated_still_verify(chain, settings):
    old = settings.SECRET_KEY
    audit.write_checkpoint()
    settings.SECRET_KEY = "the new secret"
    settings.SECRET_KEY_FALLBACKS = [old]

    assert "intact" in _verify()


def test_history_of_lists_an_objects_entries_in_order(open_task, bob):
    from commonwork.work import actions as work_actions

    work_actions.take_task(actor=bob, task_id=open_task.pk)

    actions = list(audit.history_of(open_task).order_by("seq").values_list("action", flat=True))

    assert actions == ["task.posted", "task.take"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writes_to_different_objects_do_not_wait_for_each_other(alice, bob, carol):
    """The point of the chains: while one transaction holds its object's chain, another
    object's change commits (with a single head it waited for the first to end)."""
    with held_by_another_transaction(
        lambda: audit.record(actor=alice, action="test.held", obj=bob)
    ):
        audit.record(actor=alice, action="test.free", obj=carol)
        # and the checkpoint signs what is committed, leaving bob's held head for later
        first = audit.write_checkpoint()
        assert first is not None
        assert f"members.user:{carol.pk}" in first.heads
        assert f"members.user:{bob.pk}" not in first.heads
    later = audit.write_checkpoint()
    assert later is not None
    assert f"members.user:{bob.pk}" in later.heads
    assert "intact" in _verify()
