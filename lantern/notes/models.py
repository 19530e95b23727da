"""Case notes: what happened, on which day, written by whom.

A note starts as a draft (saved as the worker types, visible only to its author), becomes a
final note (a case record, read by everyone who may read the child and by the chronology), and
is then never deleted: a correction changes the text and keeps every earlier version in the
history, with who corrected it, when and why. A draft the author no longer wants is marked
discarded, not deleted.

Rules the database holds (not only the forms):
- a final note has a title, a body, the date of the event and the time it was finalised;
- a final note marked significant has a category; a note that is not significant has none;
- a discarded note was never final;
- no row is ever deleted (a trigger refuses DELETE, see the migration).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lantern.core import dates
from lantern.people.models import Child


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"
    DISCARDED = "discarded", "Discarded draft"


class NoteType(models.TextChoices):
    PHONE_CALL = "phone_call", "Phone call"
    MEETING = "meeting", "Meeting"
    MESSAGE = "message", "Email, letter or text message"
    OBSERVATION = "observation", "Observation"
    OTHER = "other", "Other"


class SignificantCategory(models.TextChoices):
    SAFEGUARDING = "safeguarding_concern", "Safeguarding concern"
    POLICE = "police_involvement", "Police involvement"
    HOSPITAL = "hospital_attendance", "Hospital attendance"
    MISSING = "missing_episode", "Missing episode"
    HOUSEHOLD = "change_of_household", "Change of household"
    EXCLUSION = "school_exclusion", "School exclusion"
    COURT = "court", "Court"
    OTHER = "other", "Other significant event"


class CaseNote(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="case_notes")
    title = models.CharField("Title", max_length=120, blank=True)
    body = models.TextField("What happened", blank=True)
    occurred_on = models.DateField("Date of the event", null=True, blank=True)
    note_type = models.CharField(max_length=20, choices=NoteType.choices, blank=True)
    status = models.CharField(max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    significant = models.BooleanField("Significant event", default=False)
    significant_category = models.CharField(max_length=30, choices=SignificantCategory.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    discarded_at = models.DateTimeField(null=True, blank=True)
    # The latest correction (every correction, with the text before it, is in the history).
    corrected_at = models.DateTimeField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    correction_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["child", "status", "occurred_on"]),
            models.Index(fields=["author", "status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="notes_final_is_complete",
                condition=~Q(status=NoteStatus.FINAL)
                | (
                    ~Q(title="")
                    & ~Q(body="")
                    & Q(occurred_on__isnull=False)
                    & ~Q(note_type="")
                    & Q(finalised_at__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="notes_significant_has_category",
                condition=~Q(status=NoteStatus.FINAL) | Q(significant=False) | ~Q(significant_category=""),
            ),
            models.CheckConstraint(
                name="notes_category_only_if_significant",
                condition=Q(significant=True) | Q(significant_category=""),
            ),
            dates.not_before_earliest("occurred_on", name="notes_occurred_from_1990"),
            models.CheckConstraint(
                name="notes_discarded_never_final",
                condition=~Q(status=NoteStatus.DISCARDED) | Q(finalised_at__isnull=True, discarded_at__isnull=False),
            ),
            models.CheckConstraint(
                name="notes_status_valid",
                condition=Q(status__in=NoteStatus.values),
            ),
        ]

    def __str__(self) -> str:
        return self.title or "Untitled draft"

    @property
    def is_draft(self) -> bool:
        return self.status == NoteStatus.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status == NoteStatus.FINAL
