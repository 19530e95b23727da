"""Returns pages: the DfE children in need census, produced as a background job (L20).

- returns:census - senior leaders choose the collection year and the council's LA code and start
  the export; earlier exports are listed (every export is a ReturnJob row, never deleted).
- returns:job - one job: its parameters, who started it, a progress bar that refreshes itself
  every 2 seconds while the job runs (without JavaScript), and the download link when it is done.
  A job whose worker died is marked failed first (lantern/operations/jobs.py); the page stops
  refreshing once the job is finished or failed, while no worker is running, and after the
  session's idle time.
- returns:job_download - the job's file. Every download is recorded (ReturnJobDownload).

Only people whose role may run the return see these pages (the census: senior leaders); a job
is seen by its creator and by other senior leaders.
"""

from __future__ import annotations

import io
import logging
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from lantern.access.selectors import can_run_return
from lantern.core.local_settings import get_setting
from lantern.operations.jobs import job_page, recover_jobs
from lantern.returns.census.export import census_period
from lantern.returns.models import JOB_RETURN, ReturnJob, ReturnJobDownload, ReturnJobKind, ReturnJobStatus
from lantern.returns.tasks import run_census_export
from lantern.workforce.models import Role

logger = logging.getLogger("lantern.returns")

FIRST_YEAR = 2010
REFRESH_SECONDS = 2


class CensusForm(forms.Form):
    year = forms.CharField(
        label="Collection year",
        help_text="The year the collection ends on 31 March. For example, 2026 for 1 April 2025 to 31 March 2026",
        max_length=4,
        error_messages={
            "required": "Enter the collection year",
            "max_length": "Enter the collection year as 4 digits, like 2026",
        },
    )
    la_code = forms.CharField(
        label="Local authority code",
        help_text="The council's 3-digit DfE local authority number. For example, 888",
        max_length=3,
        error_messages={
            "required": "Enter the local authority code",
            "max_length": "Enter the local authority code as 3 digits, like 888",
        },
    )

    def clean_year(self) -> int:
        value = self.cleaned_data["year"].strip()
        latest = timezone.localdate().year + 1
        if not re.fullmatch(r"\d{4}", value):
            raise forms.ValidationError("Enter the collection year as 4 digits, like 2026")
        if not FIRST_YEAR <= int(value) <= latest:
            raise forms.ValidationError(f"The collection year must be between {FIRST_YEAR} and {latest}")
        return int(value)

    def clean_la_code(self) -> str:
        value = self.cleaned_data["la_code"].strip()
        if not re.fullmatch(r"\d{3}", value):
            raise forms.ValidationError("Enter the local authority code as 3 digits, like 888")
        return value


def _require(user, kind: str = "cin_census") -> None:
    if not can_run_return(user, kind):
        raise PermissionDenied("Your role cannot produce this return.")


def can_see_job(user, job: ReturnJob) -> bool:
    """The job's creator or another senior leader - and only while their role may run the return."""
    kind = JOB_RETURN.get(job.kind)
    if kind is None or not can_run_return(user, kind):
        return False
    return job.created_by_id == user.pk or user.role == Role.SENIOR_LEADER


def _job_for(request, job_id: int, *, with_result: bool = False) -> ReturnJob:
    # Refuse people who may run no census before looking anything up.
    _require(request.user)
    jobs = ReturnJob.objects.select_related("created_by")
    if not with_result:
        jobs = jobs.defer("result")
    job = get_object_or_404(jobs, pk=job_id)
    if not can_see_job(request.user, job):
        raise PermissionDenied("Only the person who started this job, or a senior leader, can see it.")
    return job


def census(request):
    _require(request.user)
    if request.method == "POST":
        form = CensusForm(request.POST)
        if form.is_valid():
            year, la_code = form.cleaned_data["year"], form.cleaned_data["la_code"]
            job = ReturnJob.objects.create(
                kind=ReturnJobKind.CIN_CENSUS,
                parameters={"year": year, "la_code": la_code},
                created_by=request.user,
                message="Waiting for the task worker to start the export",
            )
            logger.info("Census export %s started by user %s for %s, LA %s", job.pk, request.user.pk, year, la_code)
            try:
                result = run_census_export.enqueue(job.pk)
            except Exception:
                logger.exception("Census export %s could not be queued", job.pk)
                ReturnJob.objects.filter(pk=job.pk).update(
                    status=ReturnJobStatus.FAILED,
                    finished_at=timezone.now(),
                    message="The export could not be started. Tell the system administrator.",
                )
            else:
                ReturnJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
                messages.success(request, f"The census export for {year - 1} to {year} has started.")
            return redirect("returns:job", job_id=job.pk)
    else:
        last = ReturnJob.objects.filter(kind=ReturnJobKind.CIN_CENSUS).order_by("-created_at").first()
        form = CensusForm(
            initial={
                "year": timezone.localdate().year,
                "la_code": last.parameters.get("la_code", "") if last else get_setting("la_code"),
            }
        )
    jobs = (
        ReturnJob.objects.filter(kind=ReturnJobKind.CIN_CENSUS)
        .defer("result")
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:25]
    )
    return render(request, "returns/census/census.html", {"form": form, "jobs": jobs})


def job_detail(request, job_id: int):
    job = _job_for(request, job_id)
    if not job.finished and recover_jobs():
        job = _job_for(request, job_id)
    state = job_page(finished=job.finished, created_at=job.created_at, refresh_off=request.GET.get("refresh") == "off")
    auto = state.auto_refresh
    year = job.parameters.get("year")
    period = census_period(int(year)) if job.kind == ReturnJobKind.CIN_CENSUS and year else None
    downloads = job.downloads.select_related("downloaded_by").order_by("-downloaded_at", "-pk")[:20]
    response = render(
        request,
        "returns/census/job.html",
        {"job": job, "auto_refresh": auto, "refresh_notice": state.notice, "refresh_seconds": REFRESH_SECONDS,
         "period": period, "downloads": downloads},
    )  # fmt: skip
    if auto:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def job_download(request, job_id: int):
    job = _job_for(request, job_id, with_result=True)
    if not job.has_result:
        raise Http404("This job has no file to download.")
    ReturnJobDownload.objects.create(job=job, downloaded_by=request.user)
    logger.info("Return job %s (%s) downloaded by user %s", job.pk, job.kind, request.user.pk)
    response = FileResponse(
        io.BytesIO(bytes(job.result)),
        as_attachment=True,
        filename=job.result_name,
        content_type=job.result_content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list = [
    path("census/", census, name="census"),
    path("jobs/<int:job_id>/", job_detail, name="job"),
    path("jobs/<int:job_id>/download/", job_download, name="job_download"),
]
