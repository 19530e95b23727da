"""Visits to the child and direct work with them (L16): where the child was seen, whether alone,
what they said and what the worker saw and made of it; direct work sessions with their method,
themes and the child's own words (the child's voice).

Rules the database holds (not only the forms):
- a child seen alone was seen; a child not seen has a reason recorded;
- a visit ends after it starts; "other" places and themes say what they were;
- visits and direct work sessions are never deleted (a trigger refuses DELETE, see the migration);
  corrections are edits whose earlier values simple_history keeps.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lantern.casework.models import CINPlanChild
from lantern.core import dates
from lantern.people.models import Child


class VisitType(models.TextChoices):
    CIN_STATUTORY = "cin_statutory", "Statutory child in need visit"
    CP_STATUTORY = "cp_statutory", "Statutory child protection visit"
    OTHER = "other", "Other visit"


STATUTORY_TYPES = (VisitType.CIN_STATUTORY, VisitType.CP_STATUTORY)

#: Short names for titles ("Visit (statutory CIN)").
VISIT_TYPE_SHORT = {
    VisitType.CIN_STATUTORY: "statutory CIN",
    VisitType.CP_STATUTORY: "statutory CP",
    VisitType.OTHER: "other",
}


class VisitLocation(models.TextChoices):
    HOME = "home", "At home"
    SCHOOL = "school", "At school or nursery"
    OTHER = "other", "Somewhere else"


class Visit(models.Model):
    """A visit to the child: when, what kind, where, who was there, and whether the child was seen
    (and seen alone, and their bedroom), with what the child said, what was observed, the
    worker's analysis and the next steps."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField("Date and time of the visit")
    visited_on = models.DateField(help_text="The local date of visited_at, kept for set-based reads.")
    ended_at = models.DateTimeField("When the visit ended", null=True, blank=True)
    visit_type = models.CharField(max_length=20, choices=VisitType.choices)
    location = models.CharField("Where", max_length=20, choices=VisitLocation.choices)
    location_detail = models.CharField("Where, if somewhere else", max_length=200, blank=True)
    present = models.TextField("Who was present")
    child_seen = models.BooleanField("Was the child seen?")
    not_seen_reason = models.TextField("Why the child was not seen", blank=True)
    seen_alone = models.BooleanField("Was the child seen alone?", default=False)
    bedroom_seen = models.BooleanField("Was the child's bedroom seen?", null=True, blank=True)
    child_said = models.TextField("What the child said", blank=True)
    observations = models.TextField("What was observed")
    analysis = models.TextField("Analysis")
    next_steps = models.TextField("Next steps")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits_recorded")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False, help_text="Set on each correction.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "visited_on"], name="visit_child_day"),
            models.Index(fields=["child", "child_seen", "visited_on"], name="visit_child_seen_day"),
            models.Index(fields=["visited_on"], name="visit_day"),
        ]
        constraints = [
            models.CheckConstraint(
                name="visit_seen_alone_needs_seen", condition=Q(seen_alone=False) | Q(child_seen=True)
            ),
            models.CheckConstraint(
                name="visit_not_seen_has_reason", condition=Q(child_seen=True) | ~Q(not_seen_reason="")
            ),
            models.CheckConstraint(
                name="visit_ends_after_start", condition=Q(ended_at__isnull=True) | Q(ended_at__gt=F("visited_at"))
            ),
            models.CheckConstraint(
                name="visit_other_place_named", condition=~Q(location="other") | ~Q(location_detail="")
            ),
            models.CheckConstraint(
                name="visit_type_known", condition=Q(visit_type__in=["cin_statutory", "cp_statutory", "other"])
            ),
            models.CheckConstraint(name="visit_location_known", condition=Q(location__in=["home", "school", "other"])),
            dates.not_before_earliest("visited_on", name="visit_from_1990"),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.visited_on:%d %b %Y}"

    @property
    def is_statutory(self) -> bool:
        return self.visit_type in STATUTORY_TYPES

    @property
    def title(self) -> str:
        """'Visit (statutory CIN): child seen alone' - as the chronology shows it."""
        return f"Visit ({VISIT_TYPE_SHORT.get(self.visit_type, self.visit_type)}): {seen_phrase(self)}"

    @property
    def where(self) -> str:
        if self.location == VisitLocation.OTHER:
            return self.location_detail
        return self.get_location_display()


def seen_phrase(visit) -> str:
    if not visit.child_seen:
        return "child not seen"
    return "child seen alone" if visit.seen_alone else "child seen, not alone"


class DirectWorkTheme(models.TextChoices):
    FAMILY_RELATIONSHIPS = "family_relationships", "Family relationships"
    CONFLICT = "conflict", "Living with conflict"
    SELF_ESTEEM = "self_esteem", "Self-esteem"
    SAFETY = "safety", "Safety"
    WISHES_FEELINGS = "wishes_feelings", "Wishes and feelings"
    IDENTITY = "identity", "Identity"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


THEME_LABELS = dict(DirectWorkTheme.choices)


class DirectWorkSession(models.Model):
    """A piece of direct work with the child: the method or tool, its themes, the child's own words
    kept verbatim (the child's voice) and the worker's reflection."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="direct_work")
    session_date = models.DateField("Date of the session")
    method = models.CharField("Method or tool used", max_length=200)
    themes = models.JSONField("Themes", default=list, help_text="Codes from DirectWorkTheme.")
    theme_other = models.CharField("Other theme", max_length=200, blank=True)
    child_words = models.TextField("The child's own words")
    reflection = models.TextField("Your reflection")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="direct_work_recorded")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False, help_text="Set on each correction.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "direct work session"
        ordering = ["-session_date", "-pk"]
        indexes = [models.Index(fields=["child", "session_date"], name="direct_work_child_day")]
        constraints = [
            models.CheckConstraint(name="direct_work_words_recorded", condition=~Q(child_words="")),
            models.CheckConstraint(name="direct_work_method_recorded", condition=~Q(method="")),
            dates.not_before_earliest("session_date", name="direct_work_from_1990"),
        ]

    def __str__(self) -> str:
        return f"Direct work: {self.method} ({self.session_date:%d %b %Y})"

    @property
    def theme_labels(self) -> list[str]:
        labels = []
        for code in self.themes or []:
            if code == DirectWorkTheme.OTHER and self.theme_other:
                labels.append(f"Other: {self.theme_other}")
            else:
                labels.append(THEME_LABELS.get(code, code))
        return labels


class PlanVisitFrequency(models.Model):
    """How often a child's CIN plan says they are to be visited, where it differs from the
    council's default (setting cin_visit_weeks). A child protection plan always uses the
    council's child protection frequency (cp_visit_working_days)."""

    section = models.OneToOneField(CINPlanChild, on_delete=models.PROTECT, related_name="visit_frequency")
    weeks = models.PositiveSmallIntegerField(
        "Visit at least every (weeks)", null=True, blank=True, help_text="Empty: the council's default."
    )
    reason = models.TextField("Why this frequency")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "visit frequency in a CIN plan"
        constraints = [
            models.CheckConstraint(
                name="plan_visit_weeks_1_to_12", condition=Q(weeks__isnull=True) | Q(weeks__gte=1, weeks__lte=12)
            ),
        ]

    def __str__(self) -> str:
        return f"Visits every {self.weeks} weeks" if self.weeks else "Visits at the council's default frequency"
