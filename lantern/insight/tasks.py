"""The practice standards as a background task (django-tasks; the database worker runs it:
`python manage.py run_worker`). The web page queues an `EvaluationRun`; the task evaluates every
standard and writes its progress to the run, which the run's page reads."""

from __future__ import annotations

import logging
import time

from django.utils import timezone
from django_tasks import task

from lantern.insight.models import EvaluationRun, RunStatus
from lantern.insight.services import EvaluationResult, Progress, standards_evaluate

logger = logging.getLogger(__name__)


class RunProgress:
    """Writes a run's progress at most every half second (and whenever the step changes)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last_message = ""
        self.at = 0.0

    def __call__(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if message == self.last_message and now - self.at < 0.5:
            return
        percent = min(99, 1 + 98 * done // total) if total else 99
        EvaluationRun.objects.filter(pk=self.run_id).update(progress=percent, message=message)
        self.last_message, self.at = message, now


def run_evaluation(run: EvaluationRun, *, also: Progress | None = None) -> EvaluationResult:
    """Evaluate for a run, recording its start, progress, end and counts (and telling `also`,
    such as a progress bar, how it goes)."""
    recorder = RunProgress(run.pk)

    def progress(done: int, total: int, message: str) -> None:
        recorder(done, total, message)
        if also is not None:
            also(done, total, message)

    EvaluationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=1, message="Starting"
    )
    try:
        result = standards_evaluate(as_of=run.as_of, progress=progress)
    except Exception as e:
        logger.exception("Practice standards evaluation %s failed", run.pk)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            message=f"The evaluation failed ({type(e).__name__}). Try again, or tell the system administrator.",
        )
        raise
    EvaluationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        raised=result.raised,
        cleared=result.cleared,
        open_alerts=result.open,
        message=f"{result.open:,} open alerts: {result.raised:,} raised and {result.cleared:,} cleared.",
    )
    return result


@task()
def evaluate_standards(run_id: int) -> int:
    """Evaluate every standard for a queued run; returns the number of open alerts."""
    run = EvaluationRun.objects.get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return 0
    return run_evaluation(run).open
