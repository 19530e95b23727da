"""What onboarding adds to shared mechanisms (lantern/core/hooks.py): a load whose background
task was lost (its worker died) is marked failed, with the reason (nothing was loaded: the load
is one transaction)."""

from __future__ import annotations

from lantern.core import hooks
from lantern.onboarding.models import ACTIVE, OnboardingRun, RunStatus
from lantern.operations.jobs import failed_message


@hooks.register("recover_jobs")
def lost_onboarding_runs(*, lost, now) -> list[int]:
    active = list(OnboardingRun.objects.filter(status__in=ACTIVE).exclude(task_id="").values_list("pk", "task_id"))
    if not active:
        return []
    reasons = lost(task for _, task in active)
    failed = []
    for pk, task_id in active:
        if task_id in reasons and OnboardingRun.objects.filter(pk=pk, status__in=ACTIVE).update(
            status=RunStatus.FAILED, finished_at=now, message=failed_message("load", reasons[task_id])
        ):
            failed.append(pk)
    return failed
