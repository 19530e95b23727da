"""Background tasks for statutory returns, through Django's task interface (django-tasks).

The web process queues a task; the worker (`python manage.py run_worker`, django-tasks-db) runs
it and writes its progress and result to the ReturnJob, which the job page reads.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.utils import timezone
from django_tasks import task

from lantern.access.selectors import children_for_return
from lantern.returns.census.export import CONTENT_TYPE, build_census, census_filename
from lantern.returns.models import ReturnJob, ReturnJobStatus

logger = logging.getLogger(__name__)

#: Reading the record is the first part of the job; writing the children takes it from here to 100.
LOADED = 10


class _JobProgress:
    """Writes the job's progress at most every half second (and only when it moves)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = -1
        self.at = 0.0

    def __call__(self, done: int, total: int) -> None:
        percent = LOADED + (99 - LOADED) * done // total if total else 99
        now = time.monotonic()
        if done == 0:
            self._write(percent, now, message=f"Writing {total:,} child{'ren' if total != 1 else ''} to the file")
        elif done == total:
            self._write(percent, now, message="Saving the file")
        elif percent != self.last and now - self.at >= 0.5:
            self._write(percent, now)

    def _write(self, percent: int, now: float, **fields) -> None:
        ReturnJob.objects.filter(pk=self.job_id).update(progress=percent, **fields)
        self.last, self.at = percent, now


@task()
def run_census_export(job_id: int) -> int:
    """Produce the census for a queued job; returns the number of children in it."""
    job = ReturnJob.objects.defer("result").select_related("created_by").get(pk=job_id)
    if job.status != ReturnJobStatus.QUEUED:
        return 0
    ReturnJob.objects.filter(pk=job.pk).update(
        status=ReturnJobStatus.RUNNING, started_at=timezone.now(), progress=1, message="Reading the record"
    )
    year, la_code = int(job.parameters["year"]), str(job.parameters["la_code"])
    try:
        # The door is checked again when the job runs: a role may have changed since it was queued.
        children = children_for_return(job.created_by, "cin_census")
        tracker = _JobProgress(job.pk)
        counter = {"children": 0}

        def progress(done: int, total: int) -> None:
            counter["children"] = total
            tracker(done, total)

        data = build_census(year=year, la_code=la_code, children=children, progress=progress, serial_no=job.pk)
    except Exception as e:
        logger.exception("Census export job %s failed", job.pk)
        ReturnJob.objects.filter(pk=job.pk).update(
            status=ReturnJobStatus.FAILED,
            finished_at=timezone.now(),
            message=f"The export failed ({type(e).__name__}). Try again, or tell the system administrator.",
        )
        raise
    n = counter["children"]
    ReturnJob.objects.filter(pk=job.pk).update(
        status=ReturnJobStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        message=f"{n:,} child{'ren' if n != 1 else ''} in the return.",
        result=data,
        result_name=census_filename(year, la_code),
        result_content_type=CONTENT_TYPE,
        result_size=len(data),
        result_sha256=hashlib.sha256(data).hexdigest(),
    )
    return n
