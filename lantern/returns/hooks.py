"""What statutory returns add to shared mechanisms (see lantern/core/hooks.py):

- job recovery: a return job still queued or running whose background task was lost (its worker
  died) is marked failed, with the reason, so it never says "running" for ever.
"""

from __future__ import annotations

from lantern.core import hooks
from lantern.operations.jobs import failed_message
from lantern.returns.models import ReturnJob, ReturnJobKind, ReturnJobStatus

ACTIVE = (ReturnJobStatus.QUEUED, ReturnJobStatus.RUNNING)
WHAT = {ReturnJobKind.CIN_CENSUS: "export", ReturnJobKind.CIN_CENSUS_IMPORT: "import"}


@hooks.register("recover_jobs")
def lost_return_jobs(*, lost, now) -> list[int]:
    active = list(ReturnJob.objects.filter(status__in=ACTIVE).exclude(task_id="").values_list("pk", "kind", "task_id"))
    if not active:
        return []
    reasons = lost(task for _, _, task in active)
    failed = []
    for pk, kind, task_id in active:
        if task_id in reasons:
            # Only if still unfinished: the job may have finished since it was read.
            updated = ReturnJob.objects.filter(pk=pk, status__in=ACTIVE).update(
                status=ReturnJobStatus.FAILED,
                finished_at=now,
                message=failed_message(WHAT.get(kind, "job"), reasons[task_id]),
            )
            if updated:
                failed.append(pk)
    return failed
