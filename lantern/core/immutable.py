"""Database-enforced immutability for signed and approved records.

`make_immutable("app_table")` is a migration operation that installs triggers refusing every
UPDATE and DELETE on the table, on SQLite and on PostgreSQL. Corrections are new rows (an
addendum), never edits. Use it in a migration:

    operations = [make_immutable("approvals_approval")]

`make_immutable_after_signing("table", "signed_at")` refuses UPDATE and DELETE only on rows
whose signing column is set, so drafts stay editable until they are signed.
"""

from django.db import migrations


def _sqlite_sql(table: str, condition: str | None) -> tuple[list[str], list[str]]:
    when = f" WHEN OLD.{condition} IS NOT NULL" if condition else ""
    create = [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}{when} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows cannot be changed once written'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}{when} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows cannot be deleted'); END",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return create, drop


def _postgres_sql(table: str, condition: str | None) -> tuple[list[str], list[str]]:
    # Unsigned rows (condition column still NULL) pass through untouched.
    guard = (
        f"IF OLD.{condition} IS NULL THEN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; "
        if condition
        else ""
    )
    message = f"{table} rows cannot be changed or deleted once written"
    create = [
        f"CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$ BEGIN {guard}"
        f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_immutable()",
    ]
    drop = [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}", f"DROP FUNCTION IF EXISTS {table}_immutable()"]
    return create, drop


def _operation(table: str, condition: str | None) -> migrations.RunPython:
    def sql_for(connection):
        if connection.vendor == "sqlite":
            return _sqlite_sql(table, condition)
        if connection.vendor == "postgresql":
            return _postgres_sql(table, condition)
        raise NotImplementedError(f"No immutability triggers for {connection.vendor}")

    def forwards(apps, schema_editor):
        for statement in sql_for(schema_editor.connection)[0]:
            schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        for statement in sql_for(schema_editor.connection)[1]:
            schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards, elidable=False)


def make_immutable(table: str) -> migrations.RunPython:
    return _operation(table, None)


def make_immutable_after_signing(table: str, signed_column: str) -> migrations.RunPython:
    return _operation(table, signed_column)
