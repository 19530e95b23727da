"""`manage.py run_worker`: the background worker that runs queued jobs (census exports, practice
standards checks), with a heartbeat for /healthz, recovery of jobs whose worker died, and
reconnection after a database restart (lantern/operations/worker.py). Run one or more; each
runs one task at a time. Use it rather than django-tasks-db's `db_worker`, which writes no heartbeat.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME

from lantern.operations.worker import LanternWorker, new_worker_id


class Command(BaseCommand):
    help = "Run the background worker (queued jobs), with a heartbeat and recovery after database restarts."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--queue-name", default=DEFAULT_TASK_QUEUE_NAME, help="Queues to run, comma-separated; '*' for all."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle (default 1).")
        parser.add_argument("--batch", action="store_true", help="Run every queued task, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many tasks.")
        parser.add_argument("--worker-id", default=None, help="A unique id for this worker (default: host-pid-random).")

    def handle(self, *, queue_name: str, interval: float, batch: bool, max_tasks: int | None, worker_id, **options):
        if interval < 0:
            raise CommandError("--interval must be zero or more")
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks must be at least 1")
        worker_id = worker_id or new_worker_id()
        if len(worker_id) > 64:
            raise CommandError("--worker-id must be at most 64 characters")
        verbosity = options.get("verbosity", 1)
        for name in ("lantern.operations", "django_tasks", "django_tasks_db"):
            log = logging.getLogger(name)
            log.setLevel(logging.WARNING if verbosity == 0 else logging.INFO)
            if not log.hasHandlers():
                log.addHandler(logging.StreamHandler(self.stderr))
        queues = [q for q in queue_name.split(",") if q]
        worker = LanternWorker(
            queue_names=queues,
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
            heartbeat_seconds=settings.WORKER_HEARTBEAT_SECONDS,
            stale_seconds=settings.WORKER_STALE_SECONDS,
        )
        worker.configure_signals()
        worker.run()
