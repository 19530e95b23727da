"""On SQLite, migration 0003 rebuilt the check-in table (a new constraint), which drops its
triggers: put 0002's refusal of UPDATE and DELETE back (PostgreSQL kept them)."""

from django.db import migrations

from lantern.core.immutable import _sqlite_sql

TABLE = "oversight_checkin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _sqlite_sql(TABLE, None)[0]:
        schema_editor.execute(statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0003_checkin_check_in_from_1990")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
