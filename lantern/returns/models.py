"""Statutory returns: the record of every return produced or loaded, and what an import keeps.

A `ReturnJob` is one run of a return (an export from the record, or an import of a council's
earlier returns). Rows are never deleted (the database refuses), so the table is the record of
who produced which return, when, with which parameters; each download of a job's file is a
`ReturnJobDownload` row, which can be neither changed nor deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.casework.models import ChildProtectionPlan


class ReturnJobKind(models.TextChoices):
    CIN_CENSUS = "cin_census", "DfE children in need census"
    CIN_CENSUS_IMPORT = "cin_census_import", "Children in need census import"


#: The return (in `lantern.access.selectors.RETURN_ROLES`) whose roles may see a job of each kind.
JOB_RETURN = {
    ReturnJobKind.CIN_CENSUS: "cin_census",
    ReturnJobKind.CIN_CENSUS_IMPORT: "cin_census",
}


class ReturnJobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class ReturnJob(models.Model):
    kind = models.CharField(max_length=30, choices=ReturnJobKind.choices)
    parameters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ReturnJobStatus.choices, default=ReturnJobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100.")
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for a run from the command line.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="The background task's id, if any.")
    result = models.BinaryField(null=True, blank=True, editable=False)
    result_name = models.CharField(max_length=120, blank=True)
    result_content_type = models.CharField(max_length=80, blank=True)
    result_size = models.PositiveBigIntegerField(null=True, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "-created_at"])]
        constraints = [
            models.CheckConstraint(name="return_job_progress_0_100", condition=Q(progress__gte=0, progress__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in (ReturnJobStatus.DONE, ReturnJobStatus.FAILED)

    @property
    def has_result(self) -> bool:
        return self.status == ReturnJobStatus.DONE and bool(self.result_name) and self.result_size is not None


class ReturnJobDownload(models.Model):
    """One download of a job's file (the table is immutable in the database)."""

    job = models.ForeignKey(ReturnJob, on_delete=models.PROTECT, related_name="downloads")
    downloaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Download of job {self.job_id} by {self.downloaded_by_id}"


class ImportedPreviousPlans(models.Model):
    """How many child protection plans a child had before this plan, as an imported census said.

    A council's census file counts plans the child had before the years it covers (and plans in
    other councils); Lantern holds only the plans in the file. The number is kept for each
    imported plan and the census export counts on from it: a plan's NumberOfPreviousCPP is the
    larger of the plans Lantern holds before it and the imported figure carried forward.
    """

    plan = models.OneToOneField(ChildProtectionPlan, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    job = models.ForeignKey(ReturnJob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.number} previous plans before plan {self.plan_id}"
