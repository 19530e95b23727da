"""Signed oversight cannot be changed, only followed by an addendum: the database refuses it.

- an entry: UPDATE and DELETE refused once `signed_at` is set (core's `make_immutable_after_signing`);
- an action: INSERT, UPDATE and DELETE refused once its entry is signed (triggers below, which
  look up the entry, because the action has no signing column of its own);
- addenda, action completions and check-ins: never changed or deleted (core's `make_immutable`).
"""

from django.db import migrations

from lantern.core.immutable import make_immutable, make_immutable_after_signing

ACTION = "oversight_oversightaction"
ENTRY = "oversight_oversightentry"


def _signed(row: str) -> str:
    return f"(SELECT signed_at FROM {ENTRY} WHERE id = {row}.entry_id) IS NOT NULL"


def _sqlite(create: bool) -> list[str]:
    if not create:
        return [f"DROP TRIGGER IF EXISTS {ACTION}_{op}" for op in ("no_insert", "no_update", "no_delete")]
    message = "actions of a signed oversight entry cannot be changed"
    # Names end in _no_update / _no_delete like core's triggers (the browser tests' flush relies on it).
    return [
        f"CREATE TRIGGER {ACTION}_no_insert BEFORE INSERT ON {ACTION} WHEN {_signed('NEW')} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {ACTION}_no_update BEFORE UPDATE ON {ACTION} WHEN {_signed('OLD')} OR {_signed('NEW')} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {ACTION}_no_delete BEFORE DELETE ON {ACTION} WHEN {_signed('OLD')} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def _postgres(create: bool) -> list[str]:
    if not create:
        return [f"DROP TRIGGER IF EXISTS {ACTION}_immutable ON {ACTION}", f"DROP FUNCTION IF EXISTS {ACTION}_immutable()"]
    body = (
        "BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') AND {_signed('OLD')} THEN "
        "RAISE EXCEPTION 'actions of a signed oversight entry cannot be changed' "
        "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') AND {_signed('NEW')} THEN "
        "RAISE EXCEPTION 'actions of a signed oversight entry cannot be changed' "
        "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END;"
    )
    return [
        f"CREATE OR REPLACE FUNCTION {ACTION}_immutable() RETURNS trigger AS $$ {body} $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {ACTION}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {ACTION} "
        f"FOR EACH ROW EXECUTE FUNCTION {ACTION}_immutable()",
    ]


def _statements(connection, create: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _sqlite(create)
    if connection.vendor == "postgresql":
        return _postgres(create)
    raise NotImplementedError(f"No immutability triggers for {connection.vendor}")


def actions_forwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection, create=True):
        schema_editor.execute(statement)


def actions_backwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection, create=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [
        make_immutable_after_signing(ENTRY, "signed_at"),
        migrations.RunPython(actions_forwards, actions_backwards, elidable=False),
        make_immutable("oversight_oversightaddendum"),
        make_immutable("oversight_oversightactioncompletion"),
        make_immutable("oversight_checkin"),
    ]
