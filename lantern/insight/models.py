"""Practice standards: the alerts they raise and the runs that evaluate them.

An `Alert` is one instance of a standard's condition: a child (or, for the standards about a
worker, the worker) and the record concerned, since when the condition has held, who owns it
and the team it sits with. The engine (`services.standards_evaluate`) raises and clears alerts
by comparing what the standards find with the open alerts: an alert is never deleted or hidden,
it clears (`cleared_at`) when the condition no longer holds. `key` names the condition
(standard, child or worker, record), so a condition that still holds keeps its alert and its
`since` date from one evaluation to the next.

A manager's response to an alert (`AlertResponse`) is a signed management oversight entry on the
child's file; the table refuses UPDATE and DELETE in the database. Responding does not clear
the alert: only fixing the condition does.

An `EvaluationRun` is one evaluation (from the browser, the command line or the schedule), with
its progress while it runs.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.people.models import Child
from lantern.workforce.models import Team


class ClearedReason(models.TextChoices):
    FIXED = "fixed", "The condition no longer holds"
    SWITCHED_OFF = "switched_off", "The standard was switched off"


class Alert(models.Model):
    standard = models.CharField(max_length=60)
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts_about",
        help_text="For a standard about a worker (supervision, caseload): the worker concerned.",
    )
    subject_kind = models.CharField(
        max_length=30, blank=True, help_text="The kind of record the alert is about (contact, assessment, plan ...)."
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    key = models.CharField(max_length=160, help_text="The condition: standard, child or worker, and record.")
    since = models.DateField(help_text="The first day the condition held.")
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_reason = models.CharField(max_length=20, choices=ClearedReason.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts_owned"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")

    class Meta:
        indexes = [
            models.Index(fields=["child", "cleared_at"]),
            models.Index(fields=["team", "cleared_at", "standard"]),
            models.Index(fields=["owner", "cleared_at"]),
            models.Index(fields=["cleared_at"]),
            models.Index(fields=["since"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(cleared_at__isnull=True), name="insight_one_open_alert_per_condition"
            ),
            models.CheckConstraint(
                name="insight_alert_about_child_or_worker",
                condition=Q(child__isnull=False) | Q(worker__isnull=False),
            ),
            models.CheckConstraint(
                name="insight_alert_cleared_with_reason",
                condition=Q(cleared_at__isnull=True, cleared_reason="")
                | (Q(cleared_at__isnull=False) & ~Q(cleared_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} since {self.since:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class AlertResponse(models.Model):
    """A manager's recorded decision on an alert: a signed management oversight entry on the
    child's file, linked here. Rows can be neither changed nor deleted (migration 0002)."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="responses")
    oversight_entry = models.ForeignKey(
        "oversight.OversightEntry", on_delete=models.PROTECT, related_name="alert_responses"
    )
    decision = models.TextField()
    rationale = models.TextField()
    child_protection_considered = models.BooleanField(
        default=False,
        help_text="The manager recorded a child protection consideration (resolves the neglect standard).",
    )
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["alert", "responded_at"])]
        constraints = [
            models.CheckConstraint(name="insight_response_decision_required", condition=~Q(decision="")),
            models.CheckConstraint(name="insight_response_rationale_required", condition=~Q(rationale="")),
            # One response per alert (a double click or two managers at once record one). Written
            # as a partial index (the condition always holds) so SQLite adds an index instead of
            # rebuilding the table, which would drop its immutability triggers.
            models.UniqueConstraint(
                fields=["alert"], condition=Q(alert__isnull=False), name="insight_one_response_per_alert"
            ),
        ]

    def __str__(self) -> str:
        return f"Response to alert {self.alert_id} by {self.responded_by_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class EvaluationRun(models.Model):
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100.")
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for a run from the command line or the schedule.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    raised = models.PositiveIntegerField(default=0)
    cleared = models.PositiveIntegerField(default=0)
    open_alerts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["-created_at"])]
        constraints = [
            models.CheckConstraint(name="insight_run_progress_0_100", condition=Q(progress__gte=0, progress__lte=100)),
        ]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} as of {self.as_of} ({self.get_status_display().lower()})"

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
