"""The background worker: django-tasks-db's task runner in a loop that survives the database.

`manage.py run_worker` (systemd: deploy/systemd/lantern-worker.service) claims queued tasks one
at a time and runs them with django-tasks-db's `Worker.run_task` (which records the task's result
and sends django-tasks' signals). Around it:

- **The database may go away.** A restart, a failover or a dropped connection raises a database
  error wherever the loop is; the loop closes its connections, waits (1 s, doubling to 30 s) and
  tries again, for as long as it takes, saying so in the log once per outage. With
  CONN_HEALTH_CHECKS a kept connection is checked before each poll, so a connection the database
  dropped is replaced at once.
- **A heartbeat** (`WorkerHeartbeat`), written by a thread every WORKER_HEARTBEAT_SECONDS while the
  loop is alive (it has polled recently, or is running a task). /healthz reads it. Each beat also
  runs `recover_jobs()`: any job whose worker died is marked failed and says so (not in the first
  WORKER_STALE_SECONDS after this worker started or the database came back, so the other workers
  have had time to report in).
- **Stopping**: SIGTERM or SIGINT lets the running task finish, marks the heartbeat stopped and
  exits; a second signal stops at once (the task is marked failed, and so is its job).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from datetime import timedelta

from django.db import DatabaseError, InterfaceError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from lantern.operations.jobs import recover_jobs
from lantern.operations.models import WorkerHeartbeat

logger = logging.getLogger("lantern.operations")

DATABASE_ERRORS = (DatabaseError, InterfaceError)
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 30.0


def new_worker_id() -> str:
    host = socket.gethostname().split(".")[0][:32]
    return f"{host}-{os.getpid()}-{get_random_string(8)}"


def _close_connections() -> None:
    with contextlib.suppress(*DATABASE_ERRORS):
        connections.close_all()


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat row while its loop is alive, and recovers lost jobs."""

    def __init__(self, worker: LanternWorker, *, interval: float, stale: float) -> None:
        super().__init__(name="lantern-heartbeat", daemon=True)
        self.worker = worker
        self.interval = interval
        self.stale = stale
        self.stopping = threading.Event()
        # Other workers are judged only after they have had one stale period to report in since
        # this worker started or the database came back (after an outage every heartbeat is old).
        self.judge_from = time.monotonic() + stale

    def run(self) -> None:
        while not self.stopping.is_set():
            self.beat()
            self.stopping.wait(self.interval)
        _close_connections()

    def beat(self) -> bool:
        """One heartbeat (skipped if the loop looks hung); False when the database refused it."""
        if not self.worker.alive(self.stale):
            logger.warning(
                "Worker %s: its loop has not moved for %.0f s; no heartbeat", self.worker.worker_id, self.stale
            )
            return False
        close_old_connections()  # with CONN_HEALTH_CHECKS, a dropped connection is replaced here
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker.worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": self.worker.started_at,
                    "beat_at": timezone.now(),
                    "stopped_at": None,
                    "task_id": self.worker.current_task or "",
                },
            )
            if time.monotonic() >= self.judge_from:
                recover_jobs()
            # Rows of workers long gone (every restart is a new worker) are kept a week.
            WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=7)).delete()
        except DATABASE_ERRORS as e:
            logger.warning(
                "Worker %s: heartbeat not written (%s); will try again", self.worker.worker_id, type(e).__name__
            )
            _close_connections()
            self.judge_from = time.monotonic() + self.stale
            return False
        return True


class LanternWorker(Worker):
    """django-tasks-db's Worker with our own loop (database errors are waited out) and a heartbeat."""

    def __init__(self, *, heartbeat_seconds: float, stale_seconds: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.started_at = timezone.now()
        self.current_task: str | None = None
        self.ticked = time.monotonic()
        # heartbeat_seconds <= 0: no heartbeat thread (tests drive `heartbeat.beat()` themselves).
        self.heartbeat = Heartbeat(self, interval=heartbeat_seconds, stale=stale_seconds)
        self.beating = heartbeat_seconds > 0
        self._outage_since: float | None = None

    # -- liveness ------------------------------------------------------------------------------

    def alive(self, stale: float) -> bool:
        return self.current_task is not None or time.monotonic() - self.ticked < stale

    # -- signals -------------------------------------------------------------------------------

    def shutdown(self, signum, frame) -> None:
        if not self.running:
            logger.warning("Worker %s: second %s, stopping now", self.worker_id, signal.strsignal(signum))
            self.reset_signals()
            sys.exit(1)
        logger.warning(
            "Worker %s: %s, stopping after the current task (send it again to stop now)",
            self.worker_id,
            signal.strsignal(signum),
        )
        self.running = False

    def _sleep(self, seconds: float) -> None:
        """Sleep in short slices so a stop request is seen promptly."""
        end = time.monotonic() + seconds
        while self.running and time.monotonic() < end:
            time.sleep(min(0.2, max(0.0, end - time.monotonic())))

    # -- the loop ------------------------------------------------------------------------------

    def _claim(self) -> DBTaskResult | None:
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task = tasks.get_locked()
            if task is not None:
                task.claim(self.worker_id)
        return task

    def _database_down(self, error: Exception, delay: float) -> float:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            logger.warning(
                "Worker %s: the database is unavailable (%s: %s); retrying until it is back",
                self.worker_id,
                type(error).__name__,
                str(error).strip().splitlines()[0] if str(error).strip() else "",
            )
        _close_connections()
        self._sleep(delay)
        return min(delay * 2, BACKOFF_MAX)

    def _database_back(self) -> None:
        if self._outage_since is not None:
            logger.warning(
                "Worker %s: the database is back after %.0f s", self.worker_id, time.monotonic() - self._outage_since
            )
            self._outage_since = None

    def run(self) -> None:
        logger.info("Worker %s started (queues %s)", self.worker_id, ",".join(self.queue_names))
        if self.beating:
            self.heartbeat.start()
        delay = BACKOFF_FIRST
        try:
            while self.running:
                self.ticked = time.monotonic()
                try:
                    task = self._claim()
                except DATABASE_ERRORS as e:
                    if is_locked_database_exception(e):  # SQLite: another writer; try again shortly
                        self._sleep(self.interval)
                        continue
                    delay = self._database_down(e, delay)
                    continue
                self._database_back()
                delay = BACKOFF_FIRST
                if task is None:
                    if self.batch:
                        return
                    self._sleep(self.interval)
                    continue
                self.current_task = str(task.id)
                try:
                    self.run_task(task)
                except DATABASE_ERRORS as e:
                    # The task's result could not be written: the database went away during it. The
                    # task stays "running" under this worker; recovery fails it (and its job).
                    logger.warning(
                        "Worker %s: task %s ended while the database was unavailable", self.worker_id, task.id
                    )
                    delay = self._database_down(e, delay)
                finally:
                    self.current_task = None
                    self._release_own_lost_task(task)
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
        finally:
            self.heartbeat.stopping.set()
            if self.beating:
                self.heartbeat.join(timeout=5)
            self._mark_stopped()
            logger.info("Worker %s stopped", self.worker_id)

    def _release_own_lost_task(self, task: DBTaskResult) -> None:
        """A task this worker claimed but could not record the end of (the database was away)
        is not running any more: fail it now, so its job is recovered without waiting."""
        from django_tasks_db.compat import TaskResultStatus

        from lantern.operations.jobs import WORKER_LOST

        for _ in range(3):
            try:
                close_old_connections()
                DBTaskResult.objects.filter(id=task.id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path=WORKER_LOST,
                    traceback="the database was unavailable when the task ended",
                )
                return
            except DATABASE_ERRORS:
                _close_connections()
                self._sleep(1)
            if not self.running:
                return

    def _mark_stopped(self) -> None:
        try:
            close_old_connections()
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(stopped_at=timezone.now(), task_id="")
        except DATABASE_ERRORS:
            pass
        _close_connections()
