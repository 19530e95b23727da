from django.db import migrations

from lantern.core.immutable import make_immutable


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [make_immutable("approvals_approval")]
