"""Database-enforced immutability for signed and approved records.

`make_immutable("app_table")` is a migration operation that installs triggers refusing every
UPDATE and DELETE on the table, on SQLite and on PostgreSQL. Corrections are new rows (an
addendum), never edits. Use it in a migration:

    operations = [make_immutable("approvals_approval")]

`make_immutable_after_signing("table", "signed_at")` refuses UPDATE and DELETE only on rows
whose signing column is set, so drafts stay editable until they are signed.

`keep_state("table", "status", "approved")` refuses moving a row out of that state (an approved
assessment stays approved) and deleting a row in it; the row's other columns stay writable.

Every django-simple-history table is insert-only: `install_history_triggers`, run after every
`migrate` (CoreConfig connects it to post_migrate), puts the same UPDATE and DELETE refusal on
each historical model's table, so a history table added later is covered the day it is made.

On SQLite the triggers are named `<name>_no_update` and `<name>_no_delete`, which the browser
tests' fixture lifts for its flush between tests (tests/browser/conftest.py).
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


def _kept_sql(vendor: str, table: str, column: str, value: str) -> tuple[list[str], list[str]]:
    name = f"{table}_{value}"
    message = f"{table}: a row that is {value} stays {value} and cannot be deleted"
    if vendor == "sqlite":
        return (
            [
                f"CREATE TRIGGER {name}_no_update BEFORE UPDATE OF {column} ON {table} "
                f"WHEN OLD.{column} = '{value}' AND NEW.{column} IS NOT '{value}' "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
                f"CREATE TRIGGER {name}_no_delete BEFORE DELETE ON {table} WHEN OLD.{column} = '{value}' "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            ],
            [f"DROP TRIGGER IF EXISTS {name}_no_update", f"DROP TRIGGER IF EXISTS {name}_no_delete"],
        )
    if vendor == "postgresql":
        return (
            [
                f"CREATE OR REPLACE FUNCTION {name}_kept() RETURNS trigger AS $$ BEGIN "
                f"IF OLD.{column} = '{value}' AND (TG_OP = 'DELETE' OR NEW.{column} IS DISTINCT FROM '{value}') THEN "
                f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation'; END IF; "
                "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {name}_kept BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}_kept()",
            ],
            [f"DROP TRIGGER IF EXISTS {name}_kept ON {table}", f"DROP FUNCTION IF EXISTS {name}_kept()"],
        )
    raise NotImplementedError(f"No state triggers for {vendor}")


def keep_state(table: str, column: str, value: str) -> migrations.RunPython:
    """Refuse moving a row out of `column = value` and deleting it while it is there."""

    def forwards(apps, schema_editor):
        for statement in _kept_sql(schema_editor.connection.vendor, table, column, value)[0]:
            schema_editor.execute(statement)

    def backwards(apps, schema_editor):
        for statement in _kept_sql(schema_editor.connection.vendor, table, column, value)[1]:
            schema_editor.execute(statement)

    return migrations.RunPython(forwards, backwards, elidable=False)


def history_tables() -> list[str]:
    """The table of every django-simple-history model (they are insert-only)."""
    from django.apps import apps
    from simple_history.models import HistoricalChanges

    return sorted({m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges) and m._meta.managed})


def install_history_triggers(*, using: str = "default", **kwargs) -> None:
    """Make every history table insert-only (idempotent: run after each migrate)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        present = {row[0] for row in cursor.fetchall()}
        for table in history_tables():
            if table not in existing:
                continue
            wanted = f"{table}_no_update" if connection.vendor == "sqlite" else f"{table}_immutable"
            if wanted in present:
                continue
            for statement in (_sqlite_sql if connection.vendor == "sqlite" else _postgres_sql)(table, None)[0]:
                cursor.execute(statement)


def make_immutable_after_signing(table: str, signed_column: str) -> migrations.RunPython:
    return _operation(table, signed_column)
