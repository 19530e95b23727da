"""The episode spine: contacts, CIN episodes (each starting with a referral), early help
episodes and child protection plans. The full pathway (decisions, assessments, plans, reviews)
builds on these.

Rules the database holds (not only the forms):
- a child has at most one open CIN episode, one open early help episode and one open CP plan;
- a CIN episode's closure date and reason come together, and closure is not before referral.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from lantern.core import codes, dates
from lantern.people.models import Child
from lantern.workforce.models import Team


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    PORTAL = "portal", "Online form"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"


class Contact(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField()
    source = models.CharField(max_length=2, choices=codes.ReferralSource.choices)
    method = models.CharField(max_length=20, choices=ContactMethod.choices, default=ContactMethod.PHONE)
    contact_name = models.CharField("Who made contact", max_length=120, blank=True)
    concern = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["child", "received_at"]), models.Index(fields=["received_at"])]
        constraints = [dates.not_before_earliest("received_at", name="contact_received_from_1990", moment=True)]

    def __str__(self) -> str:
        return f"Contact on {self.received_at:%d %b %Y}"


class CINEpisode(models.Model):
    """A child in need episode, from referral to closure (one census CINdetails block)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_episodes")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=2, choices=codes.ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=codes.PrimaryNeed.choices, blank=True)
    referral_nfa = models.BooleanField("Referral: no further action", default=False)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, choices=codes.ReasonForClosure.choices, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "CIN episode"
        indexes = [
            models.Index(fields=["child", "referral_date"]),
            models.Index(fields=["referral_date"]),
            models.Index(fields=["closure_date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(closure_date__isnull=True), name="one_open_cin_episode_per_child"
            ),
            models.CheckConstraint(
                name="cin_closure_date_and_reason_together",
                condition=Q(closure_date__isnull=True, closure_reason="")
                | (Q(closure_date__isnull=False) & ~Q(closure_reason="")),
            ),
            models.CheckConstraint(
                name="cin_closure_not_before_referral",
                condition=Q(closure_date__isnull=True) | Q(closure_date__gte=F("referral_date")),
            ),
            models.CheckConstraint(
                name="cin_primary_need_unless_nfa", condition=Q(referral_nfa=True) | ~Q(primary_need="")
            ),
            dates.not_before_earliest("referral_date", name="cin_referral_from_1990"),
        ]

    def __str__(self) -> str:
        return f"CIN episode from {self.referral_date:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None


class EarlyHelpEpisode(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="early_help_episodes")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["child", "end_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True), name="one_open_early_help_episode_per_child"
            ),
            models.CheckConstraint(
                name="early_help_dates", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"Early help from {self.start_date:%d %b %Y}"


class ChildProtectionPlan(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cp_plans")
    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="cp_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=codes.CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=3, choices=codes.CategoryOfAbuse.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "child protection plan"
        indexes = [models.Index(fields=["child", "end_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True), name="one_open_cp_plan_per_child"
            ),
            models.CheckConstraint(
                name="cp_plan_dates", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection plan from {self.start_date:%d %b %Y}"


class ChildStatus(models.TextChoices):
    CHILD_PROTECTION = "cp", "Child protection"
    CHILD_IN_NEED = "cin", "Child in need"
    EARLY_HELP = "eh", "Early help"
    CLOSED = "closed", "No open episode"


# ---------------------------------------------------------------------------------------------
# The pathway: front door decisions, assessments, S47 and child protection, CIN plans, reviews,
# step-down, closure and transfers.
# ---------------------------------------------------------------------------------------------


class ThresholdLevel(models.Model):
    """A level of need on the council's continuum (a council setting, edited by the council)."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=80)
    descriptor = models.TextField(help_text="What this level of need looks like, shown at every decision.")
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class DecisionRoute(models.TextChoices):
    NFA = "nfa", "No further action"
    EARLY_HELP = "early_help", "Early help"
    REFERRAL = "referral", "Referral to children's social care"
    STRATEGY = "strategy", "Strategy discussion"


class ContactDecision(models.Model):
    """The front door's threshold decision on a contact: level of need, reason, route."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="decision")
    level = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=20, choices=DecisionRoute.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    previous_episode = models.ForeignKey(
        CINEpisode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The episode this is a re-referral after, if any (shown at the decision).",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [models.CheckConstraint(name="contact_decision_reason_required", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"{self.get_route_display()} ({self.level})"


class WorkStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "Awaiting approval"
    RETURNED = "returned", "Returned for more work"
    APPROVED = "approved", "Approved"


class AssessmentOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY = "strategy", "Strategy discussion / section 47"
    STEP_DOWN = "step_down", "Step down to early help"


class Assessment(models.Model):
    """A child and family assessment, structured around the child's lived experience (L12, L19)."""

    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="assessments")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    start_date = models.DateField()
    due_date = models.DateField(help_text="45 working days from the referral.")
    lived_experience = models.TextField("The child's lived experience", blank=True)
    child_words = models.TextField("In the child's own words", blank=True)
    identity_diversity = models.TextField("Identity and diversity", blank=True)
    family_involvement = models.TextField("How the family took part", blank=True)
    family_views = models.TextField("The family's views", blank=True)
    worries = models.TextField("What we are worried about", blank=True)
    strengths = models.TextField("What is working well: strengths and protective factors", blank=True)
    danger_statements = models.TextField("Danger statements", blank=True)
    safety_goals = models.TextField("Safety goals", blank=True)
    safety_scale = models.PositiveSmallIntegerField(
        "Safety scale (0 to 10)",
        null=True,
        blank=True,
        help_text="0: the child is not safe; 10: everyone agrees the child is safe enough to close.",
    )
    analysis = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=AssessmentOutcome.choices, blank=True)
    status = models.CharField(max_length=20, choices=WorkStatus.choices, default=WorkStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    authorised_date = models.DateField(null=True, blank=True, help_text="Census AssessmentAuthorisationDate.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["child", "start_date"])]
        constraints = [
            models.CheckConstraint(
                name="assessment_safety_scale_0_10",
                condition=Q(safety_scale__isnull=True) | Q(safety_scale__gte=0, safety_scale__lte=10),
            ),
            models.CheckConstraint(
                name="assessment_authorised_after_start",
                condition=Q(authorised_date__isnull=True) | Q(authorised_date__gte=F("start_date")),
            ),
            models.CheckConstraint(
                name="assessment_approved_has_date",
                condition=~Q(status="approved") | Q(authorised_date__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment started {self.start_date:%d %b %Y}"


class AssessmentFactorRecord(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="factors")
    code = models.CharField(max_length=3, choices=codes.AssessmentFactor.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="assessment_factor_unique")]

    def __str__(self) -> str:
        return self.code


class StrategyDiscussion(models.Model):
    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="strategy_discussions")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="strategy_discussions")
    date = models.DateField()
    attendees = models.TextField(help_text="Who took part and which agency they represent.")
    concerns = models.TextField()
    decision_s47 = models.BooleanField("Start a section 47 enquiry", default=True)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Strategy discussion on {self.date:%d %b %Y}"


class Section47(models.Model):
    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="section47s")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="section47s")
    strategy_discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.PROTECT, related_name="section47s")
    start_date = models.DateField()
    icpc_target_date = models.DateField(help_text="15 working days from the strategy discussion.")
    icpc_date = models.DateField("Initial child protection conference", null=True, blank=True)
    icpc_not_required = models.BooleanField(default=False)
    outcome_summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "section 47 enquiry"
        constraints = [
            models.CheckConstraint(
                name="s47_icpc_or_not_required", condition=~Q(icpc_not_required=True, icpc_date__isnull=False)
            ),
            models.CheckConstraint(
                name="s47_icpc_after_start", condition=Q(icpc_date__isnull=True) | Q(icpc_date__gte=F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry from {self.start_date:%d %b %Y}"


class CPPlanReview(models.Model):
    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="reviews")
    date = models.DateField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"CP review on {self.date:%d %b %Y}"


class CINPlan(models.Model):
    """A child in need plan. A family may share one plan; each child has their own section."""

    title = models.CharField(max_length=120, help_text="e.g. 'Haddad family plan'")
    shared_context = models.TextField("What affects all the children", blank=True)
    status = models.CharField(max_length=20, choices=WorkStatus.choices, default=WorkStatus.DRAFT)
    start_date = models.DateField(null=True, blank=True, help_text="Set when the plan is approved.")
    end_date = models.DateField(null=True, blank=True)
    review_weeks = models.PositiveSmallIntegerField(default=12)
    next_review_date = models.DateField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "CIN plan"
        indexes = [models.Index(fields=["status", "next_review_date"])]

    def __str__(self) -> str:
        return self.title


class CINPlanChild(models.Model):
    """One child's own section of a CIN plan, and their census CINPlanDates."""

    plan = models.ForeignKey(CINPlan, on_delete=models.PROTECT, related_name="children")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_plan_sections")
    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="plan_sections")
    needs = models.TextField("This child's needs", blank=True)
    child_views = models.TextField("The child's views", blank=True)
    family_views = models.TextField("The family's views", blank=True)
    contingency = models.TextField("Contingency: what happens if things do not improve", blank=True)
    contingency_by = models.DateField("Contingency review date", null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "child"], name="cin_plan_child_once"),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(start_date__isnull=False, end_date__isnull=True),
                name="one_current_cin_plan_per_child",
            ),
            models.CheckConstraint(
                name="cin_plan_child_dates", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} in {self.plan}"


class PlanOutcome(models.Model):
    section = models.ForeignKey(CINPlanChild, on_delete=models.PROTECT, related_name="outcomes")
    description = models.TextField("Outcome for the child")
    measure = models.CharField("How we will know", max_length=300)
    target_date = models.DateField()
    baseline_score = models.PositiveSmallIntegerField("Where things are now (0 to 10)", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="plan_outcome_baseline_0_10",
                condition=Q(baseline_score__isnull=True) | Q(baseline_score__gte=0, baseline_score__lte=10),
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]


class Agency(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care"
    FAMILY = "family", "Family"
    SCHOOL = "school", "School"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    EARLY_HELP = "early_help", "Early help"
    OTHER = "other", "Other"


class PlanAction(models.Model):
    section = models.ForeignKey(CINPlanChild, on_delete=models.PROTECT, related_name="actions")
    outcome = models.ForeignKey(PlanOutcome, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    what = models.TextField("What will happen")
    who = models.CharField("Who will do it", max_length=120)
    agency = models.CharField(max_length=20, choices=Agency.choices, help_text="Chosen by the worker: no default.")
    due_date = models.DateField("By when")
    completed_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.CheckConstraint(name="plan_action_agency_chosen", condition=Q(agency__in=Agency.values))]

    def __str__(self) -> str:
        return self.what[:60]


class PlanReview(models.Model):
    plan = models.ForeignKey(CINPlan, on_delete=models.PROTECT, related_name="reviews")
    date = models.DateField()
    attendees = models.TextField("Who attended")
    decisions = models.TextField()
    next_review_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["plan", "date"])]

    def __str__(self) -> str:
        return f"Review on {self.date:%d %b %Y}"


class OutcomeProgress(models.Model):
    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="progress")
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.PROTECT, related_name="progress")
    score = models.PositiveSmallIntegerField("Progress (0 to 10)")
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="outcome_progress_once_per_review"),
            models.CheckConstraint(name="outcome_progress_0_10", condition=Q(score__gte=0, score__lte=10)),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10"


class StepDown(models.Model):
    """A request to step a child down from CIN to early help (L10): checklist, then approval."""

    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="step_downs")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="step_downs")
    outcomes_met = models.BooleanField()
    outcomes_reason = models.TextField("If outcomes are not all met, why step down now", blank=True)
    family_agrees = models.BooleanField()
    early_help_accepts = models.BooleanField()
    early_help_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    proposed_date = models.DateField()
    status = models.CharField(max_length=20, choices=WorkStatus.choices, default=WorkStatus.SUBMITTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="step_down_reason_when_outcomes_not_met", condition=Q(outcomes_met=True) | ~Q(outcomes_reason="")
            )
        ]

    def __str__(self) -> str:
        return f"Step-down proposed for {self.proposed_date:%d %b %Y}"


class ClosureRequest(models.Model):
    episode = models.ForeignKey(CINEpisode, on_delete=models.PROTECT, related_name="closure_requests")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="closure_requests")
    reason = models.CharField(max_length=3, choices=codes.ReasonForClosure.choices)
    closure_date = models.DateField()
    summary = models.TextField("Closing summary")
    status = models.CharField(max_length=20, choices=WorkStatus.choices, default=WorkStatus.SUBMITTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Closure ({self.reason}) proposed for {self.closure_date:%d %b %Y}"
