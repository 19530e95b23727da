"""Administration: what a council administrator changes about people and configuration.

- `StaffAssignment`: a worker's role and team from a date, to a date. A change of role or
  team ends one assignment and starts the next, so the history keeps both with their dates,
  who recorded them and why. The worker's own `role` and `team` are the current assignment's.
- `AdminEvent`: every change made here (staff, teams, settings, set-password links), with who,
  when, why and the effective date. Append-only (database triggers); read by administrators,
  senior leaders and auditors on the administration log.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from lantern.workforce.models import Role, Service, Team


class StaffAssignment(models.Model):
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="The day the next assignment started, or the leaving date."
    )
    reason = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["worker"], condition=Q(end_date__isnull=True), name="one_open_assignment"),
            models.CheckConstraint(
                name="assignment_dates", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.role} {self.team_id} from {self.start_date}"


class AdminEventKind(models.TextChoices):
    STAFF_CREATED = "staff_created", "Member of staff created"
    STAFF_CHANGED = "staff_changed", "Role or team changed"
    STAFF_DEACTIVATED = "staff_deactivated", "Member of staff deactivated"
    STAFF_REACTIVATED = "staff_reactivated", "Member of staff reactivated"
    PASSWORD_LINK = "password_link", "Set-password link issued"
    TEAM_CREATED = "team_created", "Team created"
    TEAM_CHANGED = "team_changed", "Team changed"
    TEAM_RETIRED = "team_retired", "Team retired"
    TEAM_RESPONSIBILITIES = "team_holds", "What a team holds changed"
    SERVICE_CREATED = "service_created", "Service created"
    SERVICE_RENAMED = "service_renamed", "Service renamed"
    SETTING_CHANGED = "setting_changed", "Council setting changed"
    FIRST_ADMIN = "first_admin", "First administrator created"


class AdminEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=30, choices=AdminEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="admin_actions"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="admin_events"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    setting_key = models.CharField(max_length=80, blank=True)
    summary = models.CharField(max_length=500)
    reason = models.TextField()
    effective_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["worker", "at"]), models.Index(fields=["setting_key", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"
