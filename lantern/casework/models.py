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

from lantern.core import codes
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
