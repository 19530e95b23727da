"""The record of every onboarding run: who uploaded which files, what the dry run found, and
what the load did. Rows are kept (the log of who loaded what); the uploaded files are kept in
the run's folder (settings.ONBOARDING_DIR) until an operator removes them."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class RunStatus(models.TextChoices):
    REFUSED = "refused", "Problems found"
    CHECKED = "checked", "Ready to load"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Loading"
    DONE = "done", "Loaded"
    FAILED = "failed", "Not loaded"


ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


class OnboardingRun(models.Model):
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.CHECKED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    folder = models.CharField(max_length=500, help_text="Where the uploaded files are kept.")
    files = models.JSONField(default=dict, help_text="Rows in each file, by file name.")
    problems = models.JSONField(default=list, help_text="[file, line, message] for each problem (up to 1,000).")
    problem_count = models.PositiveIntegerField(default=0)
    new_children = models.PositiveIntegerField(default=0)
    filled_children = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.JSONField(default=dict, blank=True, help_text="Records added, by kind.")

    class Meta:
        constraints = [
            models.CheckConstraint(name="onboarding_progress_0_100", condition=Q(progress__gte=0, progress__lte=100)),
        ]

    def __str__(self) -> str:
        return f"Onboarding {self.pk} ({self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.REFUSED)

    @property
    def rows(self) -> int:
        return sum(self.files.values())
