"""The access log (who viewed which child, when, which page) and restricted-record access lists."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from lantern.people.models import Child


class Outcome(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    REFUSED = "refused", "Refused"


class ChildView(models.Model):
    """One attempt to open a child's record, or a page showing a child's case content: viewed, or
    refused (the person may not see the child, or their role may not do what the page does).
    Written by the access layer (lantern/access/log.py); the database refuses UPDATE and DELETE."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="child_views")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    page = models.CharField(max_length=80, help_text="Which page of the record, e.g. 'Child record'.")
    path = models.CharField(max_length=300)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.VIEWED)

    class Meta:
        indexes = [models.Index(fields=["child", "-viewed_at"]), models.Index(fields=["user", "-viewed_at"])]
        constraints = [
            models.CheckConstraint(name="child_view_outcome_known", condition=models.Q(outcome__in=Outcome.values))
        ]

    def __str__(self) -> str:
        verb = "viewed" if self.outcome == Outcome.VIEWED else "was refused"
        return f"{self.user} {verb} {self.child_id} ({self.page}) at {self.viewed_at:%Y-%m-%d %H:%M}"


class AccessListEntry(models.Model):
    """A person allowed to see a restricted child's record. Removing access ends the entry."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="access_list")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants")
    reason = models.CharField(max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "access list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["child", "worker"], condition=models.Q(revoked_at__isnull=True), name="one_open_access_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} may see {self.child_id}"
