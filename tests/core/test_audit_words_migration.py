"""The migration that seals the audit log's free text re-chains an intact older log, keeps
the old head's hash, and leaves a chain `verify_audit` finds intact; a broken log is
refused rather than re-chained over."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commonwork.core.audit import GENESIS_HASH, compute_hash

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
BEFORE = [("core", "0003_audit_head_row")]
AFTER = [("core", "0004_audit_words")]


def _old_log(apps: Any, *, break_row: int | None = None) -> None:
    """Three entries hashed the old way (over the text itself)."""
    entry_model = apps.get_model("core", "AuditEntry")
    head_model = apps.get_model("core", "AuditHead")
    prev = GENESIS_HASH
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for seq, data in enumerate(
        [{"reason": "Zelda asked to leave"}, {"note": "Rides too fast"}, {"tasks": 3}], start=1
    ):
        fields: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor_id": None,
            "actor_label": "system",
            "action": "test.old",
            "object_type": "",
            "object_id": "",
        }
        digest = compute_hash(**fields, data=data, prev_hash=prev)
        stored = {"changed": True} if seq == break_row else data
        entry_model.objects.create(**fields, data=stored, prev_hash=prev, entry_hash=digest)
        prev = digest
    head_model.objects.update_or_create(pk=1, defaults={"seq": 3, "entry_hash": prev})


@pytest.fixture(autouse=True)
def _schema_as_the_suite_expects() -> Any:
    """After each test, the core app migrated to its newest migration again: later
    migrations than AFTER add tables the rest of the suite uses."""
    yield
    _migrate_to_newest()


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _migrate_to_newest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("core"))


def test_an_intact_old_log_is_re_chained_and_verifies() -> None:
    _old_log(_migrate(BEFORE))
    apps = _migrate(AFTER)
    entries = list(apps.get_model("core", "AuditEntry").objects.order_by("seq"))
    assert entries[-1].action == "audit.words_sealed"
    assert entries[0].words["reason"]["digest"]
    # and the single chain becomes the "global" stream of the per-object chains, intact
    _migrate_to_newest()
    from commonwork.core import audit
    from commonwork.core.models import AuditEntry, AuditStreamHead

    assert set(AuditEntry.objects.values_list("stream", flat=True)) == {audit.LEGACY_STREAM}
    assert AuditStreamHead.objects.get(stream=audit.LEGACY_STREAM).seq == len(entries)
    audit.record(actor=None, action="test.new", object_type="test.thing", object_id="1")
    assert AuditEntry.objects.get(action="test.new").stream == "test.thing:1"
    call_command("verify_audit")


def test_a_broken_old_log_is_refused() -> None:
    apps = _migrate(BEFORE)
    _old_log(apps, break_row=2)
    with pytest.raises(RuntimeError, match="broken at row 2"):
        _migrate(AFTER)
    # Leave the schema as the rest of the suite expects it.
    apps.get_model("core", "AuditEntry").objects.all().delete()
    _migrate(AFTER)
