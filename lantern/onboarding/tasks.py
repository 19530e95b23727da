"""The onboarding load as a background task (run by `manage.py run_worker`): it writes its
progress to the OnboardingRun, which the run's page shows as a progress bar."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.utils import timezone
from django_tasks import task

from lantern.onboarding.models import OnboardingRun, RunStatus
from lantern.onboarding.services import OnboardingRefused, onboarding_load

logger = logging.getLogger("lantern.onboarding")


@task()
def run_onboarding_load(run_id: int) -> int:
    run = OnboardingRun.objects.select_related("loaded_by").get(pk=run_id)
    if run.status != RunStatus.QUEUED:
        return 0
    OnboardingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=1, message="Checking the files again"
    )
    last = {"at": 0.0, "percent": -1}

    def progress(done: int, total: int, what: str) -> None:
        percent = min(99, 1 + 98 * done // total) if total else 99
        now = time.monotonic()
        if percent != last["percent"] and now - last["at"] >= 0.5:
            OnboardingRun.objects.filter(pk=run.pk).update(progress=percent, message=f"Loading {what.lower()}")
            last.update(at=now, percent=percent)

    try:
        result = onboarding_load(Path(run.folder), by=run.loaded_by, progress=progress)
    except OnboardingRefused as e:
        OnboardingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), problem_count=len(e.problems),
            problems=[[p.file, p.line, p.message] for p in e.problems.sorted()],
            message="Nothing was loaded: the files no longer pass the checks.",
        )  # fmt: skip
        return 0
    except Exception as e:
        logger.exception("Onboarding run %s failed", run.pk)
        OnboardingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(),
            message=f"Nothing was loaded: the load stopped with {type(e).__name__}. Tell the system administrator.",
        )  # fmt: skip
        raise
    OnboardingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, finished_at=timezone.now(), created=result.created,
        message=result.summary(),
    )  # fmt: skip
    return sum(result.created.values())
