from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("worker_id", models.CharField(max_length=64, unique=True)),
                ("hostname", models.CharField(max_length=255)),
                ("pid", models.PositiveIntegerField()),
                ("started_at", models.DateTimeField()),
                ("beat_at", models.DateTimeField(help_text="The last time the worker said it was alive.")),
                (
                    "stopped_at",
                    models.DateTimeField(blank=True, help_text="Set when the worker shut down cleanly.", null=True),
                ),
                ("task_id", models.CharField(blank=True, help_text="The task it is running, if any.", max_length=64)),
            ],
            options={"indexes": [models.Index(fields=["-beat_at"], name="operations__beat_at_401d8b_idx")]},
        ),
    ]
