"""A manager's response to an alert is part of the child's file: the database refuses any
UPDATE or DELETE of it (core's `make_immutable`)."""

from django.db import migrations

from lantern.core.immutable import make_immutable


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_initial")]

    operations = [make_immutable("insight_alertresponse")]
