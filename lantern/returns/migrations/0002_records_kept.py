"""Return jobs are the record of every return produced: the database refuses to delete them, and
refuses to change or delete a download once written."""

from django.db import migrations

from lantern.core.immutable import make_immutable

TABLE = "returns_returnjob"


def _no_delete(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows cannot be deleted'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_no_delete() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{TABLE} rows cannot be deleted' USING ERRCODE = 'integrity_constraint_violation'; "
            "END; $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_no_delete()"
        )
    else:
        raise NotImplementedError(f"No delete trigger for {vendor}")


def _allow_delete(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_no_delete()")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [
        migrations.RunPython(_no_delete, _allow_delete, elidable=False),
        make_immutable("returns_returnjobdownload"),
    ]
