"""Decisions and approved states, held by the database:

- a front door threshold decision is never changed or deleted (core's `make_immutable`);
- an approved assessment, CIN plan, step-down or closure stays approved and is never deleted
  (core's `keep_state`: its other columns, such as a plan's end date, stay writable).
"""

from django.db import migrations

from lantern.core.immutable import keep_state, make_immutable


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_plan_action_agency_required")]

    operations = [
        make_immutable("casework_contactdecision"),
        keep_state("casework_assessment", "status", "approved"),
        keep_state("casework_cinplan", "status", "approved"),
        keep_state("casework_stepdown", "status", "approved"),
        keep_state("casework_closurerequest", "status", "approved"),
    ]
