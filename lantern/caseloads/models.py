"""Caseloads (L7, L17, L3): monthly snapshots for trends, and managers' decisions to allocate
a child to a worker above a caseload threshold.

Live caseloads are never stored: they are counted from open allocations when a page asks
(`selectors.with_caseloads`). Snapshots keep one figure per worker per month so a trend can
be drawn after allocations have moved on; `NeedSnapshot` keeps, per month, how many children
of each level of need each team held (the transition view, L3).
"""

from django.db import models
from django.db.models import Q

from lantern.approvals.models import Approval
from lantern.people.models import Child
from lantern.workforce.models import Allocation, NeedLevel, Role, Team, TeamType, Worker


class Band(models.TextChoices):
    WITHIN = "within", "Within threshold"
    AMBER = "amber", "Above amber threshold"
    RED = "red", "Above red threshold"


class CaseloadSnapshot(models.Model):
    """One worker's caseload at the end of a month (or on the day it was taken, for the current
    month). Written set-based by `services.snapshot_take`, which replaces the month's rows."""

    month = models.DateField(help_text="The first day of the month.")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="caseload_snapshots")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="caseload_snapshots")
    role = models.CharField(max_length=30, choices=Role.choices)
    caseload = models.PositiveIntegerField(help_text="Children allocated as lead or co-worker.")
    cp_children = models.PositiveIntegerField(help_text="Of those, children on a child protection plan.")
    weighted = models.FloatField(help_text="The caseload with the weighting in force when it was taken.")
    as_of = models.DateField(help_text="The day the figures describe.")

    class Meta:
        indexes = [models.Index(fields=["team", "month"]), models.Index(fields=["month"])]
        constraints = [
            models.UniqueConstraint(fields=["month", "worker"], name="one_caseload_snapshot_per_worker_month"),
            models.CheckConstraint(name="caseload_snapshot_first_of_month", condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.month:%b %Y}: {self.caseload}"


class NeedSnapshot(models.Model):
    """How many children of one level of need a team held as lead team at the end of a month."""

    month = models.DateField(help_text="The first day of the month.")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="need_snapshots")
    team_type = models.CharField(
        max_length=30, choices=TeamType.choices, help_text="The team's type that month (teams can be re-purposed)."
    )
    level = models.CharField(max_length=3, choices=NeedLevel.choices)
    children = models.PositiveIntegerField()
    as_of = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["month", "team"])]
        constraints = [
            models.UniqueConstraint(fields=["month", "team", "level"], name="one_need_snapshot_per_team_level_month"),
            models.CheckConstraint(name="need_snapshot_first_of_month", condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%b %Y} {self.level}: {self.children}"


class AllocationDecision(models.Model):
    """A manager allocated a child to a worker whose caseload goes above a threshold, and said
    why. The manager's reason is the rationale of the linked approval (the one mechanism for
    manager decisions); this row keeps the figures the manager was shown. Neither can be changed:
    the database refuses UPDATE and DELETE on both tables."""

    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="threshold_decision")
    approval = models.OneToOneField(Approval, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocation_decisions")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="allocation_decisions")
    band = models.CharField(max_length=10, choices=Band.choices)
    caseload_before = models.FloatField(help_text="The worker's caseload (weighted when weighting was on) before.")
    caseload_after = models.FloatField()
    amber = models.PositiveIntegerField()
    red = models.PositiveIntegerField()
    weighted = models.BooleanField(help_text="Was weighting by status on?")
    decided_by = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["team", "decided_at"])]
        constraints = [
            models.CheckConstraint(name="allocation_decision_above_threshold", condition=~Q(band="within")),
        ]

    def __str__(self) -> str:
        return f"Allocated above the {self.band} threshold on {self.decided_at:%d %b %Y}"

    @property
    def reason(self) -> str:
        return self.approval.rationale
