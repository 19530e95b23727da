"""The security log (what administrators did, single sign-on refusals) cannot be changed or
deleted, on SQLite and PostgreSQL."""

from django.db import migrations

from lantern.core.immutable import make_immutable


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]

    operations = [make_immutable("identity_securityevent")]
