"""Supervision of workers (L18): a session between a worker and their manager, with the
worker's wellbeing, caseload and learning (personal sections), and a structured, reflective
discussion of each child talked about (case discussions).

A session is a draft until a manager signs it. Once signed the database refuses UPDATE and
DELETE on the session and on each of its case discussions (migration 0002: `signed_at` is
copied onto every discussion in the signing transaction), and refuses a new discussion on a
signed session. Anything said later is an addendum, which is itself unchangeable.

A signed case discussion lands on the child's file and chronology; the personal sections never do.
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from lantern.people.models import Child
from lantern.workforce.models import Worker


class SupervisionSession(models.Model):
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="supervision_sessions", help_text="The worker supervised."
    )
    supervisor = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="supervision_given", help_text="The manager who supervised."
    )
    held_on = models.DateField()
    # Personal sections: seen only by the worker and their managers.
    wellbeing = models.TextField(blank=True)
    caseload = models.TextField("Caseload and workload", blank=True)
    learning = models.TextField("Learning and development", blank=True)
    other_actions = models.TextField("Other agreed actions", blank=True)
    next_supervision_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["worker", "held_on"]),
            models.Index(fields=["supervisor", "held_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="supervision_signed_with_who",
                condition=Q(signed_at__isnull=True, signed_by__isnull=True)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
            ),
            models.CheckConstraint(name="supervision_not_self", condition=~Q(supervisor=F("worker"))),
            models.CheckConstraint(
                name="supervision_next_after_held",
                condition=Q(next_supervision_date__isnull=True) | Q(next_supervision_date__gt=F("held_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"Supervision of {self.worker} by {self.supervisor} on {self.held_on:%d %b %Y}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class CaseDiscussion(models.Model):
    """One child discussed in a supervision session: what is working, worries, reflection
    (hypotheses, what else could explain it), decisions with their rationale, and actions."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.PROTECT, related_name="case_discussions")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="case_discussions")
    working_well = models.TextField("What is working well", blank=True)
    worries = models.TextField("What are we worried about", blank=True)
    reflection = models.TextField("Reflective discussion")
    decisions = models.TextField()
    rationale = models.TextField()
    actions = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    #: The session's signing time, copied in the signing transaction: the row is then unchangeable.
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["child", "signed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["session", "child"], name="one_discussion_per_child_per_session"),
            models.CheckConstraint(name="case_discussion_reflection_required", condition=~Q(reflection="")),
            models.CheckConstraint(name="case_discussion_decisions_required", condition=~Q(decisions="")),
            models.CheckConstraint(name="case_discussion_rationale_required", condition=~Q(rationale="")),
        ]

    def __str__(self) -> str:
        return f"Case discussion about {self.child_id} in session {self.session_id}"


class SupervisionAddendum(models.Model):
    """Something added to a signed session afterwards. Never changed or deleted (migration 0002)."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(name="supervision_addendum_text_required", condition=~Q(text=""))]

    def __str__(self) -> str:
        return f"Addendum to session {self.session_id} by {self.author}"


class SupervisionFrequency(models.Model):
    """How often a worker is supervised, when it differs from the council's `supervision_weeks`
    (for example fortnightly for a newly qualified worker). Changes are kept in its history."""

    worker = models.OneToOneField(Worker, on_delete=models.PROTECT, related_name="supervision_frequency")
    weeks = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: the council's default applies.")
    reason = models.TextField()
    set_by = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "supervision frequencies"
        constraints = [
            models.CheckConstraint(
                name="supervision_frequency_weeks_range",
                condition=Q(weeks__isnull=True) | Q(weeks__gte=1, weeks__lte=52),
            ),
            models.CheckConstraint(name="supervision_frequency_reason_required", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.worker}: every {self.weeks or 'default'} weeks"
