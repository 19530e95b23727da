"""A migration operation that refuses DELETE on a table (UPDATE stays allowed): case notes are
corrected, never deleted, and a draft that is not wanted is marked discarded.

The SQLite trigger is named `<table>_no_delete`, like those of `lantern.core.immutable`, so the
browser tests' fixture that lifts those triggers for its flush between tests covers it too;
PostgreSQL empties tables with TRUNCATE, which row triggers do not see."""

from django.db import migrations


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
    raise NotImplementedError(f"No delete trigger for {vendor}")


def refuse_delete(table: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        for statement in _sql(schema_editor.connection.vendor, table)[0]:
            schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        for statement in _sql(schema_editor.connection.vendor, table)[1]:
            schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards, elidable=False)
