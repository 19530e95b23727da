"""Onboarding in the browser, for a council administrator (or a superuser); every other role 403.

- onboarding:start - upload the set of template files; the dry run runs at once and the run's
  page shows its report. Earlier runs are listed (who, when, what).
- onboarding:run - a run: a GOV.UK error summary and a table of problems by file and line; or,
  with none, what would load and a "Load" button; while loading, a progress bar that refreshes
  itself (as census exports do); when done, what was added.
- onboarding:load - queue the load as a background task (run_worker).
- onboarding:template - a blank template (its header line, from schema.py).
"""

from __future__ import annotations

import logging
import re
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from lantern.identity.policy import can_administer_identity
from lantern.onboarding import schema
from lantern.onboarding.models import OnboardingRun, RunStatus
from lantern.onboarding.services import onboarding_check
from lantern.onboarding.tasks import run_onboarding_load
from lantern.operations.jobs import job_page, recover_jobs

logger = logging.getLogger("lantern.onboarding")

REFRESH_SECONDS = 2
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def can_onboard(user) -> bool:
    """A council administrator or a superuser (the same people who administer sign-in)."""
    return can_administer_identity(user)


def _require(user) -> None:
    if not can_onboard(user):
        raise PermissionDenied("Only a council administrator can onboard records.")


def start(request):
    _require(request.user)
    error = ""
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        if not uploads:
            error = "Choose the template files to check"
        elif any(not _SAFE_NAME.fullmatch(u.name or "") for u in uploads):
            error = "A file name may only have letters, numbers, dots, dashes and underscores, like children.csv"
        else:
            folder = settings.ONBOARDING_DIR / f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
            folder.mkdir(parents=True)
            for upload in uploads:
                with (folder / upload.name).open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
            report = onboarding_check(folder)
            run = OnboardingRun.objects.create(
                created_by=request.user, folder=str(folder), files=report.files,
                status=RunStatus.CHECKED if report.ok else RunStatus.REFUSED,
                problems=[[p.file, p.line, p.message] for p in report.problems.sorted()],
                problem_count=len(report.problems), new_children=report.new_children,
                filled_children=report.filled_children,
            )  # fmt: skip
            logger.info("Onboarding run %s checked by user %s: %s rows, %s problems", run.pk, request.user.pk,
                        report.rows, len(report.problems))  # fmt: skip
            return redirect("onboarding:run", run_id=run.pk)
    runs = OnboardingRun.objects.select_related("created_by", "loaded_by").order_by("-created_at", "-pk")[:25]
    return render(request, "onboarding/start.html", {"error": error, "runs": runs, "templates": schema.TEMPLATES})


def run_detail(request, run_id: int):
    _require(request.user)
    run = get_object_or_404(OnboardingRun.objects.select_related("created_by", "loaded_by"), pk=run_id)
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and recover_jobs():
        run.refresh_from_db()
    loading = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    state = job_page(finished=not loading, created_at=run.started_at or run.created_at,
                     refresh_off=request.GET.get("refresh") == "off")  # fmt: skip
    response = render(request, "onboarding/run.html", {
        "run": run, "loading": loading, "auto_refresh": state.auto_refresh, "refresh_notice": state.notice,
        "refresh_seconds": REFRESH_SECONDS, "more": max(run.problem_count - len(run.problems), 0),
    })  # fmt: skip
    if state.auto_refresh:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@require_POST
def load(request, run_id: int):
    _require(request.user)
    with transaction.atomic():
        run = get_object_or_404(OnboardingRun.objects.select_for_update(), pk=run_id)
        if run.status != RunStatus.CHECKED:
            return redirect("onboarding:run", run_id=run.pk)
        run.status, run.loaded_by, run.message = RunStatus.QUEUED, request.user, "Waiting for the background worker"
        run.save(update_fields=["status", "loaded_by", "message"])
    logger.info("Onboarding run %s load started by user %s", run.pk, request.user.pk)
    try:
        result = run_onboarding_load.enqueue(run.pk)
    except Exception:
        logger.exception("Onboarding run %s could not be queued", run.pk)
        OnboardingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(),
            message="The load could not be started. Tell the system administrator.",
        )  # fmt: skip
    else:
        OnboardingRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id)[:64])
    return redirect("onboarding:run", run_id=run.pk)


def template(request, name: str):
    _require(request.user)
    found = schema.BY_NAME.get(name)
    if found is None:
        raise Http404("No such template.")
    response = HttpResponse(schema.blank_template(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


app_name = "onboarding"
urlpatterns = [
    path("", start, name="start"),
    path("<int:run_id>/", run_detail, name="run"),
    path("<int:run_id>/load/", load, name="load"),
    path("templates/<slug:name>.csv", template, name="template"),
]
