"""The background worker's heartbeat: one row per worker process (`manage.py run_worker`).

A worker writes its row every `WORKER_HEARTBEAT_SECONDS` while its loop is alive, and marks it
stopped when it shuts down. A row older than `WORKER_STALE_SECONDS` means the worker is gone
(killed, hung, or its machine lost): /healthz reports it and the jobs it was running are marked
failed (lantern/operations/jobs.py). Rows hold no personal data.
"""

from django.db import models


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(help_text="The last time the worker said it was alive.")
    stopped_at = models.DateTimeField(null=True, blank=True, help_text="Set when the worker shut down cleanly.")
    task_id = models.CharField(max_length=64, blank=True, help_text="The task it is running, if any.")

    class Meta:
        indexes = [models.Index(fields=["-beat_at"])]

    def __str__(self) -> str:
        return f"Worker {self.worker_id} (last beat {self.beat_at:%Y-%m-%d %H:%M:%S})"
