"""The database's own guards on the journal, where the engine can hold them.

Both engines refuse UPDATE on entries and postings: a correction is a reversing entry.
PostgreSQL also refuses DELETE (row triggers; TRUNCATE, which only an operator or the
test runner issues, is not a row operation) and checks at COMMIT, with a deferred
constraint trigger, that every entry's postings add up to zero. SQLite cannot defer a
check to the commit, so there `post_entries` and `manage.py check_books` hold balance.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the books are immutable: % on % refused; post a reversing entry',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_journalentry_immutable BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_posting_immutable BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_entry_balanced() RETURNS trigger AS $$
DECLARE total bigint;
BEGIN
    SELECT COALESCE(SUM(amount_minor), 0) INTO total
        FROM ledger_posting WHERE entry_id = NEW.entry_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (off by %)', NEW.entry_id, total
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER ledger_posting_balanced ON ledger_posting;
DROP FUNCTION ledger_entry_balanced();
DROP TRIGGER ledger_posting_immutable ON ledger_posting;
DROP TRIGGER ledger_journalentry_immutable ON ledger_journalentry;
DROP FUNCTION ledger_refuse_change();
"""

SQLITE_FORWARD = [
    f"""CREATE TRIGGER ledger_{table}_immutable BEFORE UPDATE ON ledger_{table}
    BEGIN SELECT RAISE(ABORT, 'the books are immutable: post a reversing entry'); END"""
    for table in ("journalentry", "posting")
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER ledger_{table}_immutable" for table in ("journalentry", "posting")
]


def forward(apps, schema_editor):
    statements = (
        [POSTGRES_FORWARD] if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = (
        [POSTGRES_BACKWARD] if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    )
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
