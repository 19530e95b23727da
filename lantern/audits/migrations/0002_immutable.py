"""Submitted audits and moderations cannot be changed: the database refuses it.

- an audit: UPDATE and DELETE refused once `submitted_at` is set (core's `make_immutable_after_signing`);
- its section grades and answers: INSERT, UPDATE and DELETE refused once the audit is submitted
  (triggers below, which look up the audit, because these rows have no column of their own);
- a moderation: the same once `submitted_at` is set, and its grades once the moderation is;
- an action: UPDATE and DELETE refused once it is recorded as done (`completed_at`).
"""

from django.db import migrations

from lantern.core.immutable import make_immutable_after_signing

# (child table, parent table, foreign key column, parent's signing column, message)
CHILD_TABLES = (
    ("audits_auditsectiongrade", "audits_audit", "audit_id", "submitted_at", "grades of a submitted audit"),
    ("audits_auditanswer", "audits_audit", "audit_id", "submitted_at", "answers of a submitted audit"),
    ("audits_moderationgrade", "audits_moderation", "moderation_id", "submitted_at", "grades of a submitted moderation"),
)


def _signed(parent: str, fk: str, column: str, row: str) -> str:
    return f"(SELECT {column} FROM {parent} WHERE id = {row}.{fk}) IS NOT NULL"


def _sqlite(table: str, parent: str, fk: str, column: str, what: str, create: bool) -> list[str]:
    if not create:
        return [f"DROP TRIGGER IF EXISTS {table}_{op}" for op in ("no_insert", "no_update", "no_delete")]
    message = f"{what} cannot be changed"
    # Names end in _no_update / _no_delete like core's triggers (the browser tests' flush relies on it).
    return [
        f"CREATE TRIGGER {table}_no_insert BEFORE INSERT ON {table} WHEN {_signed(parent, fk, column, 'NEW')} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"WHEN {_signed(parent, fk, column, 'OLD')} OR {_signed(parent, fk, column, 'NEW')} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN {_signed(parent, fk, column, 'OLD')} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def _postgres(table: str, parent: str, fk: str, column: str, what: str, create: bool) -> list[str]:
    if not create:
        return [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}", f"DROP FUNCTION IF EXISTS {table}_immutable()"]
    raise_it = f"RAISE EXCEPTION '{what} cannot be changed' USING ERRCODE = 'integrity_constraint_violation'; "
    body = (
        "BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') AND {_signed(parent, fk, column, 'OLD')} THEN {raise_it}END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') AND {_signed(parent, fk, column, 'NEW')} THEN {raise_it}END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END;"
    )
    return [
        f"CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$ {body} $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_immutable()",
    ]


def _statements(connection, create: bool) -> list[str]:
    build = {"sqlite": _sqlite, "postgresql": _postgres}.get(connection.vendor)
    if build is None:
        raise NotImplementedError(f"No immutability triggers for {connection.vendor}")
    return [statement for spec in CHILD_TABLES for statement in build(*spec, create)]


def forwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection, create=True):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection, create=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]

    operations = [
        make_immutable_after_signing("audits_audit", "submitted_at"),
        make_immutable_after_signing("audits_moderation", "submitted_at"),
        make_immutable_after_signing("audits_auditaction", "completed_at"),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
