"""A signed supervision session takes no new case discussion, whatever the row carries.

Migration 0002 let a discussion in when it carried the session's signing time (how the seeder
wrote a signed session in one go); that let anyone add to a signed record. Now an INSERT into a
signed session is refused outright: discussions are written while the session is a draft and
the session is signed after them (the service and the seeder both do). Moving a discussion onto
a signed session is still refused as before."""

from django.db import migrations

DISCUSSION = "supervision_casediscussion"
SESSION = "supervision_supervisionsession"
TRIGGER = "supervision_casediscussion_signed_session"
MESSAGE = "a signed supervision session cannot receive or lose case discussions"
SIGNED = f"(SELECT signed_at FROM {SESSION} WHERE id = NEW.session_id)"


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        return (
            [
                f"DROP TRIGGER IF EXISTS {TRIGGER}_insert",
                f"CREATE TRIGGER {TRIGGER}_insert BEFORE INSERT ON {DISCUSSION} WHEN {SIGNED} IS NOT NULL "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            ],
            [
                f"DROP TRIGGER IF EXISTS {TRIGGER}_insert",
                f"CREATE TRIGGER {TRIGGER}_insert BEFORE INSERT ON {DISCUSSION} "
                f"WHEN {SIGNED} IS NOT NULL AND NEW.signed_at IS NOT {SIGNED} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            ],
        )
    if vendor == "postgresql":

        def function(insert_condition: str) -> str:
            return (
                f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger AS $$ "
                "DECLARE session_signed timestamptz; BEGIN "
                f"SELECT signed_at INTO session_signed FROM {SESSION} WHERE id = NEW.session_id; "
                f"IF session_signed IS NOT NULL AND ({insert_condition} "
                "OR NEW.signed_at IS DISTINCT FROM session_signed) THEN "
                f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF; "
                "RETURN NEW; END; $$ LANGUAGE plpgsql"
            )

        return [function("TG_OP = 'INSERT'")], [function("FALSE")]
    raise NotImplementedError(f"No supervision triggers for {vendor}")


def forwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_immutable")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
