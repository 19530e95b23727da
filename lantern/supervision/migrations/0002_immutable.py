"""Signed supervision cannot be changed, in the database.

- A signed session (signed_at set) refuses UPDATE and DELETE.
- A case discussion carries its session's signing time (copied when the session is signed, in the
  same transaction) and then refuses UPDATE and DELETE.
- No discussion can be added to, or moved onto, a signed session unless it carries that session's
  signing time (which is how a whole signed session is written in one go, e.g. by the seeder).
  Signing therefore stamps the discussions first and the session second.
- Addenda are never changed or deleted.
"""

from django.db import migrations

from lantern.core.immutable import make_immutable, make_immutable_after_signing

DISCUSSION = "supervision_casediscussion"
SESSION = "supervision_supervisionsession"
TRIGGER = "supervision_casediscussion_signed_session"
MESSAGE = "a signed supervision session cannot receive or lose case discussions"


def _sqlite():
    session_signed = f"(SELECT signed_at FROM {SESSION} WHERE id = NEW.session_id)"
    when = f"WHEN {session_signed} IS NOT NULL AND NEW.signed_at IS NOT {session_signed}"
    create = [
        f"CREATE TRIGGER {TRIGGER}_insert BEFORE INSERT ON {DISCUSSION} {when} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER {TRIGGER}_update BEFORE UPDATE ON {DISCUSSION} {when} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {TRIGGER}_insert", f"DROP TRIGGER IF EXISTS {TRIGGER}_update"]
    return create, drop


def _postgres():
    create = [
        f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger AS $$ DECLARE session_signed timestamptz; BEGIN "
        f"SELECT signed_at INTO session_signed FROM {SESSION} WHERE id = NEW.session_id; "
        "IF session_signed IS NOT NULL AND NEW.signed_at IS DISTINCT FROM session_signed THEN "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE ON {DISCUSSION} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {DISCUSSION}", f"DROP FUNCTION IF EXISTS {TRIGGER}()"]
    return create, drop


def _statements(connection, which: int) -> list[str]:
    if connection.vendor == "sqlite":
        return _sqlite()[which]
    if connection.vendor == "postgresql":
        return _postgres()[which]
    raise NotImplementedError(f"No supervision triggers for {connection.vendor}")


def forwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection, 0):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection, 1):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [
        make_immutable_after_signing(SESSION, "signed_at"),
        make_immutable_after_signing(DISCUSSION, "signed_at"),
        make_immutable("supervision_supervisionaddendum"),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
