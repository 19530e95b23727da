"""Jobs that recover: a job whose background task will never finish is marked failed and says why.

A job a user starts (a census export, a practice standards check) is a row of its app's model
(`ReturnJob`, `EvaluationRun`) and a django-tasks-db task run by the worker (`run_worker`). If
the worker dies mid-job (killed, out of memory, its machine restarted), nothing else would ever
finish the job: it would say "running" for ever and its page would refresh for ever.

- `lost_tasks(task_ids)`: of the given tasks, those that will never finish, with the reason: the
  worker running it stopped or has not been heard from for `WORKER_STALE_SECONDS`, the task
  ended without the job recording its end, or the task is gone from the queue.
- `recover_jobs()` first fails every running task whose worker is gone (so the tasks table is
  true too), then asks each app (extension point "recover_jobs", lantern/core/hooks.py) to fail
  its queued or running jobs whose task is lost. Every worker runs it with each heartbeat; a
  job's page runs it before showing an unfinished job, so a job is never left "running" even
  when no worker is left.
- `job_page(...)`: whether an unfinished job's page refreshes itself, and what it says when it
  does not: never once the job is finished or failed, nor while no worker is alive, nor after
  the session's idle time (a page that refreshes itself would otherwise keep the session alive).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lantern.core import hooks
from lantern.operations.models import WorkerHeartbeat

logger = logging.getLogger("lantern.operations")

#: Written as a lost task's exception class, so the reason can be told apart from a task's own failure.
WORKER_LOST = "lantern.operations.jobs.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished."""


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.WORKER_STALE_SECONDS)


def live_workers(*, now: datetime | None = None):
    """Workers heard from within WORKER_STALE_SECONDS and not stopped."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(stopped_at__isnull=True, beat_at__gte=_cutoff(now))


def worker_alive(*, now: datetime | None = None) -> bool:
    return live_workers(now=now).exists()


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_format(local, 'H:i:s')} on {date_format(local, 'j F Y')}"


def _fail_tasks_of_lost_workers(now: datetime) -> int:
    """Mark failed every running task whose worker stopped or has gone quiet (few rows: one
    running task per worker)."""
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values("id", "worker_ids", "started_at")
    )
    if not running:
        return 0
    worker_ids = {t["worker_ids"][-1] for t in running if t["worker_ids"]}
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=worker_ids)}
    cutoff = _cutoff(now)
    failed = 0
    for task in running:
        worker = task["worker_ids"][-1] if task["worker_ids"] else None
        beat = beats.get(worker)
        if beat is not None and beat.stopped_at is None and beat.beat_at >= cutoff:
            continue  # its worker is alive: the task is still running
        if beat is None:
            if task["started_at"] and task["started_at"] >= cutoff:
                continue  # claimed moments ago by a worker not yet heard from
            reason = "the background worker that started it is not running (it never reported in)"
        elif beat.stopped_at is not None:
            reason = f"the background worker running it stopped at {_when(beat.stopped_at)}"
        else:
            reason = f"the background worker running it stopped (last heard from at {_when(beat.beat_at)})"
        updated = DBTaskResult.objects.filter(id=task["id"], status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_LOST,
            traceback=reason,
            return_value=None,
        )
        if updated:
            failed += 1
            logger.warning("Task %s failed: %s", task["id"], reason)
    return failed


def lost_tasks(task_ids: Iterable[str]) -> dict[str, str]:
    """Of these tasks (those of jobs still queued or running), the ones that will never finish,
    each with the reason, as the end of a sentence ("...: the background worker running it stopped")."""
    wanted: dict[uuid.UUID, str] = {}
    for task_id in task_ids:
        try:
            wanted[uuid.UUID(str(task_id))] = str(task_id)
        except ValueError:
            continue
    if not wanted:
        return {}
    found = {
        row["id"]: row
        for row in DBTaskResult.objects.filter(id__in=list(wanted)).values(
            "id", "status", "exception_class_path", "traceback"
        )
    }
    lost: dict[str, str] = {}
    for key, task_id in wanted.items():
        row = found.get(key)
        if row is None:
            lost[task_id] = "its background task is no longer in the queue"
        elif row["status"] == TaskResultStatus.FAILED:
            if row["exception_class_path"] == WORKER_LOST:
                lost[task_id] = row["traceback"] or "the background worker running it stopped"
            else:
                name = row["exception_class_path"].rsplit(".", 1)[-1] or "an error"
                lost[task_id] = f"the background task stopped with {name}"
        elif row["status"] == TaskResultStatus.SUCCESSFUL:
            lost[task_id] = "the background task ended without recording the result"
    return lost


def recover_jobs(*, now: datetime | None = None) -> int:
    """Fail the tasks of lost workers, then every app's unfinished jobs whose task is lost.
    Returns the number of jobs marked failed."""
    now = now or timezone.now()
    _fail_tasks_of_lost_workers(now)
    failed = hooks.collect("recover_jobs", lost=lost_tasks, now=now)
    if failed:
        logger.warning("Marked %s unfinished job(s) failed: their background tasks were lost", len(failed))
    return len(failed)


def failed_message(what: str, reason: str) -> str:
    """The message a job shows once recovered."""
    return (
        f"The {what} did not finish: {reason}. Nothing was produced. Start it again; if this keeps "
        "happening, tell the system administrator."
    )


@dataclass(frozen=True)
class JobPage:
    auto_refresh: bool
    notice: str = ""


def job_page(*, finished: bool, created_at: datetime, refresh_off: bool, now: datetime | None = None) -> JobPage:
    """Does an unfinished job's page refresh itself, and if not, why (for the page to say)?"""
    if finished or refresh_off:
        return JobPage(auto_refresh=False)
    now = now or timezone.now()
    if not worker_alive(now=now):
        return JobPage(
            auto_refresh=False,
            notice="The background worker is not running, so this job cannot go on. It will carry on "
            "when the worker is running again: tell the system administrator.",
        )
    idle = settings.SESSION_IDLE_MINUTES
    if now - created_at > timedelta(minutes=idle):
        return JobPage(
            auto_refresh=False,
            notice=f"This job started more than {idle} minutes ago, so this page no longer updates itself.",
        )
    return JobPage(auto_refresh=True)
