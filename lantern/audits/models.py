"""Case audits (L1): a quality auditor or manager reads a child's case against a template and
grades it with Ofsted's four grades, a second auditor moderates, and actions follow.

- An `AuditTemplate` has sections (each tied to a theme of the Ofsted letter, so findings can be
  compared with the practice standards) and questions. The default template is created in code
  the first time it is needed (`services.default_template`), not by a data migration.
- An `Audit` of one child is a draft, editable by its auditor, until it is submitted. From then
  on the database refuses any UPDATE or DELETE of the audit, and any INSERT, UPDATE or DELETE of
  its section grades and answers (migration 0002).
- A `Moderation` is a second auditor's independent grading of a submitted audit, per section and
  overall. It is assigned (a draft with no grades) and then submitted in one step; once submitted
  the database refuses changes to it and to its grades.
- An `AuditAction` comes from a submitted audit: what, who, by when. Recording it as done sets
  `completed_at`, after which the database refuses any change to the row (append-only).
- An `AuditSample` is a set of children picked for audit (at random in a team, by theme, or per
  worker); creating it creates a draft audit for each child, assigned to an auditor.

Timestamps default to now rather than `auto_now_add`, so the synthetic council can write history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from lantern.people.models import Child
from lantern.workforce.models import Team


class Grade(models.TextChoices):
    """Ofsted's four grades, best first."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


#: Grades that mean something must change: a finding, and a question for the practice standards.
BELOW_GOOD = (Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Theme(models.TextChoices):
    """The letter's themes; a template's section may carry one (custom sections need not)."""

    ASSESSMENT = "assessment", "Assessment quality"
    PLAN = "plan", "Plan quality"
    VOICE = "voice", "The child's voice"
    OVERSIGHT = "oversight", "Management oversight"
    SUPERVISION = "supervision", "Supervision"
    CHRONOLOGY = "chronology", "Chronology"
    OUTCOMES = "outcomes", "Outcomes for the child"


class AuditStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


def _grade_valid(field: str, *, blank: bool) -> Q:
    allowed = Q(**{f"{field}__in": Grade.values})
    return allowed | Q(**{field: ""}) if blank else allowed


class AuditTemplate(models.Model):
    name = models.CharField(max_length=120)
    version = models.PositiveSmallIntegerField(default=1)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="audits_template_name_version")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class AuditSection(models.Model):
    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="sections")
    theme = models.CharField(max_length=20, choices=Theme.choices, blank=True)
    title = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="audits_section_order")]

    def __str__(self) -> str:
        return self.title


class AuditQuestion(models.Model):
    section = models.ForeignKey(AuditSection, on_delete=models.PROTECT, related_name="questions")
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["section", "order"], name="audits_question_order")]

    def __str__(self) -> str:
        return self.text


class SampleKind(models.TextChoices):
    RANDOM_TEAM = "random_team", "At random from a team"
    THEMED = "themed", "By theme"
    PER_WORKER = "per_worker", "From one worker's caseload"


class AuditSample(models.Model):
    kind = models.CharField(max_length=20, choices=SampleKind.choices)
    parameters = models.JSONField(default=dict, help_text="What was asked for: team, worker, theme, size, seed ...")
    description = models.CharField(max_length=300, help_text="The sample in words, for lists.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_samples")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    children = models.ManyToManyField(Child, through="AuditSampleChild", related_name="audit_samples")

    class Meta:
        indexes = [models.Index(fields=["-created_at"])]

    def __str__(self) -> str:
        return self.description


class AuditSampleChild(models.Model):
    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="sample_children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sample", "child"], name="audits_sample_child_once")]

    def __str__(self) -> str:
        return f"Child {self.child_id} in sample {self.sample_id}"


class Audit(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="audits")
    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="audits")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_done")
    sample = models.ForeignKey(AuditSample, null=True, blank=True, on_delete=models.PROTECT, related_name="audits")
    # The case as it stood when the audit began: who held it (for per-worker learning and the
    # supervision standard, which is about the worker) and in which team.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audits_of_caseload",
        help_text="The child's lead worker when the audit began.",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="audits")
    status = models.CharField(max_length=10, choices=AuditStatus.choices, default=AuditStatus.DRAFT)
    overall_grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["child", "submitted_at"]),
            models.Index(fields=["auditor", "status"]),
            models.Index(fields=["submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="audits_submitted_with_date",
                condition=Q(status=AuditStatus.DRAFT, submitted_at__isnull=True)
                | Q(status=AuditStatus.SUBMITTED, submitted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="audits_submitted_has_grade_and_summary",
                condition=Q(status=AuditStatus.DRAFT) | (~Q(overall_grade="") & ~Q(summary="")),
            ),
            models.CheckConstraint(
                name="audits_overall_grade_valid", condition=_grade_valid("overall_grade", blank=True)
            ),
        ]

    def __str__(self) -> str:
        if self.is_submitted:
            return f"Case audit of {self.submitted_at:%d %b %Y}: {self.get_overall_grade_display()}"
        return "Case audit (draft)"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AuditSectionGrade(models.Model):
    """An auditor's grade and findings for one section (blank while the audit is a draft)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="section_grades")
    section = models.ForeignKey(AuditSection, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)
    findings = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "section"], name="audits_one_grade_per_section"),
            models.CheckConstraint(name="audits_section_grade_valid", condition=_grade_valid("grade", blank=True)),
        ]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.get_grade_display() or 'not graded'}"


class AuditAnswer(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(AuditQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=20, choices=Answer.choices, blank=True)
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "question"], name="audits_one_answer_per_question"),
            models.CheckConstraint(name="audits_answer_valid", condition=Q(answer__in=Answer.values) | Q(answer="")),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.get_answer_display() or 'not answered'}"


class Moderation(models.Model):
    """A second auditor's independent grades. The row exists (ungraded) from the moment the
    moderator is asked (even while the audit is still a draft); it is graded and submitted in one
    step and then never changes. The moderator is never the audit's auditor (services)."""

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="moderation")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderations")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    overall_grade = models.CharField(max_length=20, choices=Grade.choices, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["moderator", "submitted_at"]), models.Index(fields=["submitted_at"])]
        constraints = [
            models.CheckConstraint(
                name="audits_moderation_submitted_graded",
                condition=Q(submitted_at__isnull=True) | ~Q(overall_grade=""),
            ),
            models.CheckConstraint(
                name="audits_moderation_grade_valid", condition=_grade_valid("overall_grade", blank=True)
            ),
        ]

    def __str__(self) -> str:
        return f"Moderation of audit {self.audit_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ModerationGrade(models.Model):
    moderation = models.ForeignKey(Moderation, on_delete=models.PROTECT, related_name="grades")
    section = models.ForeignKey(AuditSection, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=20, choices=Grade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["moderation", "section"], name="audits_one_moderation_grade_per_section"),
            models.CheckConstraint(
                name="audits_moderation_section_grade_valid", condition=_grade_valid("grade", blank=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.get_grade_display()}"


class AuditAction(models.Model):
    """Something to do because of an audit. Recording it as done is final: once `completed_at`
    is set the database refuses any change to the row."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_actions")
    due_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_on = models.DateField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["owner", "completed_at", "due_date"]), models.Index(fields=["audit"])]
        constraints = [
            models.CheckConstraint(name="audits_action_described", condition=~Q(description="")),
            models.CheckConstraint(
                name="audits_action_completed_together",
                condition=Q(completed_at__isnull=True, completed_on__isnull=True, completed_by__isnull=True)
                | Q(completed_at__isnull=False, completed_on__isnull=False, completed_by__isnull=False),
            ),
            models.CheckConstraint(
                name="audits_action_completion_noted", condition=Q(completed_at__isnull=True) | ~Q(completion_note="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description[:60]} (due {self.due_date:%d %b %Y})"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    def overdue(self, today) -> bool:
        return not self.is_done and self.due_date < today
