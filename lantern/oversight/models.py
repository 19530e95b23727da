"""Management oversight on a child's file (L6), and check-ins on cases held by family support
workers (L4).

- An `OversightEntry` records a manager's direction (what must happen), challenge (what they
  questioned), rationale (why), actions with owners and dates, and the next oversight date. It
  is a draft, editable by its author, until the manager signs it. From then on the database
  refuses any UPDATE or DELETE of the entry (migration 0002), and of its actions; it can only be
  followed by an `OversightAddendum` (itself unchangeable).
- An `OversightAction` is fixed with its entry once signed; its completion is a separate,
  append-only `OversightActionCompletion` row.
- A `CheckIn` is a short oversight record by the supervising social worker of a case held by a
  family support worker; it cannot be changed once saved.

Drafts keep their change history (simple_history); rows that can never change need none.
Timestamps default to now rather than `auto_now_add`, so the synthetic council can write history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lantern.core import dates
from lantern.people.models import Child


class OversightEntry(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="oversight_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oversight_written")
    direction = models.TextField(help_text="What must happen next, and by whom.")
    challenge = models.TextField(blank=True, help_text="What the manager questioned or challenged.")
    rationale = models.TextField(blank=True, help_text="Why this is the right decision for the child.")
    next_oversight_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="oversight_signed"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "oversight entries"
        indexes = [
            models.Index(fields=["child", "signed_at"]),
            models.Index(fields=["author", "signed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="oversight_signed_with_signer",
                condition=Q(signed_at__isnull=True, signed_by__isnull=True)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
            ),
            models.CheckConstraint(name="oversight_direction_required", condition=~Q(direction="")),
            models.CheckConstraint(
                name="oversight_signed_has_rationale", condition=Q(signed_at__isnull=True) | ~Q(rationale="")
            ),
        ]

    def __str__(self) -> str:
        state = f"signed {self.signed_at:%d %b %Y}" if self.signed_at else "draft"
        return f"Management oversight ({state})"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class OversightAction(models.Model):
    entry = models.ForeignKey(OversightEntry, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oversight_actions")
    due_date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["owner", "due_date"])]
        constraints = [models.CheckConstraint(name="oversight_action_described", condition=~Q(description=""))]

    def __str__(self) -> str:
        return f"{self.description[:60]} (due {self.due_date:%d %b %Y})"


class OversightActionCompletion(models.Model):
    """An action was done: written once, never changed (the database refuses UPDATE and DELETE)."""

    action = models.OneToOneField(OversightAction, on_delete=models.PROTECT, related_name="completion")
    completed_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Done {self.completed_on:%d %b %Y}"


class OversightAddendum(models.Model):
    """Added after an entry was signed: the only way to follow it up. Never changed."""

    entry = models.ForeignKey(OversightEntry, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "oversight addenda"
        constraints = [models.CheckConstraint(name="oversight_addendum_text", condition=~Q(text=""))]

    def __str__(self) -> str:
        return f"Addendum of {self.created_at:%d %b %Y}"


class CheckIn(models.Model):
    """A supervising social worker's check-in on a case held by a family support worker (L4)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="check_ins_made")
    family_support_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="check_ins_received",
        help_text="The family support worker holding the case when the check-in was held.",
    )
    held_on = models.DateField()
    summary = models.TextField(help_text="How the work is going and what the worker has seen.")
    worries = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [models.Index(fields=["child", "held_on"])]
        constraints = [
            models.CheckConstraint(name="check_in_summary", condition=~Q(summary="")),
            dates.not_before_earliest("held_on", name="check_in_from_1990"),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.held_on:%d %b %Y}"
