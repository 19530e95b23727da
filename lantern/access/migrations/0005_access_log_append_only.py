"""The access log is append-only: the database refuses UPDATE and DELETE on it (core's `make_immutable`)."""

from django.db import migrations

from lantern.core.immutable import make_immutable


class Migration(migrations.Migration):
    dependencies = [("access", "0004_child_view_outcome")]

    operations = [make_immutable("access_childview")]
