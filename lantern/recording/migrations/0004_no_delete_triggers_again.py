"""On SQLite, migration 0003 rebuilt the visit and direct work tables (new constraints), which
drops their triggers: put 0002's refusal of DELETE back (PostgreSQL kept them)."""

import importlib

from django.db import migrations

no_deletes = importlib.import_module("lantern.recording.migrations.0002_no_deletes")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in no_deletes.TABLES:
        for statement in no_deletes._sql("sqlite", table)[0]:
            schema_editor.execute(statement.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))


class Migration(migrations.Migration):
    dependencies = [("recording", "0003_directworksession_direct_work_from_1990_and_more")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
