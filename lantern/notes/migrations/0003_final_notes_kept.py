"""A final case note changes only by a recorded correction, in the database.

An UPDATE of a final note is refused unless it stays final, keeps its child, author, creation and
finalising times, and carries a new correction (a later `corrected_at` and a reason). The text
before each correction is in the history, which is insert-only (lantern/core/immutable.py).
DELETE was already refused (migration 0001)."""

from django.db import migrations

TABLE = "notes_casenote"
MESSAGE = "a final case note changes only by a correction with a reason"
ALLOWED = (
    "NEW.status = 'final' AND NEW.child_id = OLD.child_id AND NEW.author_id = OLD.author_id "
    "AND NEW.created_at = OLD.created_at AND NEW.finalised_at = OLD.finalised_at "
    "AND NEW.corrected_at IS NOT NULL AND (OLD.corrected_at IS NULL OR NEW.corrected_at > OLD.corrected_at) "
    "AND NEW.correction_reason <> ''"
)


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        return (
            [
                # Migration 0002 rebuilt the table on SQLite (a new constraint), which drops its
                # triggers: put 0001's refusal of DELETE back.
                f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows cannot be deleted'); END",
                f"CREATE TRIGGER {TABLE}_final_no_update BEFORE UPDATE ON {TABLE} "
                f"WHEN OLD.status = 'final' AND NOT ({ALLOWED}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            ],
            [f"DROP TRIGGER IF EXISTS {TABLE}_final_no_update"],
        )
    if vendor == "postgresql":
        return (
            [
                f"CREATE OR REPLACE FUNCTION {TABLE}_final_kept() RETURNS trigger AS $$ BEGIN "
                f"IF OLD.status = 'final' AND NOT ({ALLOWED}) THEN "
                f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF; "
                "RETURN NEW; END; $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {TABLE}_final_kept BEFORE UPDATE ON {TABLE} "
                f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_final_kept()",
            ],
            [f"DROP TRIGGER IF EXISTS {TABLE}_final_kept ON {TABLE}", f"DROP FUNCTION IF EXISTS {TABLE}_final_kept()"],
        )
    raise NotImplementedError(f"No case note triggers for {vendor}")


def forwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("notes", "0002_casenote_notes_occurred_from_1990")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
