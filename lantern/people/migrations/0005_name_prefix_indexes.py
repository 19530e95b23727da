"""Name search uses case-insensitive prefix matching (UPPER(name) LIKE 'X%'). On PostgreSQL
that needs expression indexes with text_pattern_ops; SQLite needs none at this scale."""

from django.db import migrations

NAMES = ("last_name", "first_name", "preferred_name")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_person_{name}_upper_prefix "
            f"ON people_person (UPPER({name}::text) text_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_person_{name}_upper_prefix")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
