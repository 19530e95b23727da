from django.db import migrations

from lantern.core.immutable import make_immutable


class Migration(migrations.Migration):
    dependencies = [("caseloads", "0001_initial")]

    operations = [make_immutable("caseloads_allocationdecision")]
