"""Visits and direct work are case records: the database refuses to delete them (corrections are
edits, whose earlier values simple_history keeps). Updates stay allowed.

On SQLite the triggers are named `<table>_no_delete`, the name the browser tests' flush fixture
looks for; on PostgreSQL tables are emptied between browser tests with TRUNCATE, which row
triggers do not see."""

from django.db import migrations

TABLES = ("recording_visit", "recording_directworksession")


def _sql(vendor: str, table: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        return (
            [
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows cannot be deleted'); END"
            ],
            [f"DROP TRIGGER IF EXISTS {table}_no_delete"],
        )
    if vendor == "postgresql":
        return (
            [
                f"CREATE OR REPLACE FUNCTION {table}_no_delete() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} rows cannot be deleted' USING ERRCODE = 'integrity_constraint_violation'; "
                "END; $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_no_delete()",
            ],
            [f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}", f"DROP FUNCTION IF EXISTS {table}_no_delete()"],
        )
    raise NotImplementedError(f"No delete triggers for {vendor}")


def forwards(apps, schema_editor):
    for table in TABLES:
        for statement in _sql(schema_editor.connection.vendor, table)[0]:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for table in TABLES:
        for statement in _sql(schema_editor.connection.vendor, table)[1]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("recording", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
