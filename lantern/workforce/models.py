"""Workforce: services, teams, workers (the people who log in) and allocations of children.

An allocation puts a child with a team, and usually with a worker in that team, in a role.
Allocations are never overwritten: a change of worker ends one allocation (with a reason) and
starts another (with a reason). A child whose lead allocation has a team but no worker is
unallocated within that team and shows on the team's unallocated list.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from lantern.people.models import Child


class Service(models.Model):
    name = models.CharField(max_length=120, unique=True)

    def __str__(self) -> str:
        return self.name


class TeamType(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door"
    ASSESSMENT_HUB = "assessment_hub", "Assessment hub"
    CIN_HUB = "cin_hub", "CIN hub"
    LOCALITY = "locality", "Locality"
    CHILD_PROTECTION = "child_protection", "Child protection"
    EARLY_HELP = "early_help", "Early help"
    QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=30, choices=TeamType.choices)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="teams")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class NeedLevel(models.TextChoices):
    """The level of need a team holds a child at: the child's status on the day."""

    CHILD_PROTECTION = "cp", "Child protection"
    CHILD_IN_NEED = "cin", "Child in need"
    EARLY_HELP = "eh", "Early help"


class PathwayStep(models.TextChoices):
    """The steps of the pathway a team can be responsible for."""

    FRONT_DOOR = "front_door", "Front door: contacts and referral decisions"
    ASSESSMENT = "assessment", "Child and family assessments"
    SECTION_47 = "section_47", "Section 47 enquiries"
    CHILD_PROTECTION_PLAN = "cp_plan", "Child protection plans"
    CIN_PLAN = "cin_plan", "Child in need plans and reviews"
    EARLY_HELP = "early_help", "Early help support"


class ResponsibilityKind(models.TextChoices):
    LEVEL = "level", "Level of need"
    STEP = "step", "Pathway step"


class TeamResponsibility(models.Model):
    """What a team holds (L3): a level of need or a step of the pathway. The council's
    configuration of where work sits, edited by a council administrator; one row per team and
    level or step. The practice rules read it through `selectors.teams_holding`."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="responsibilities")
    kind = models.CharField(max_length=10, choices=ResponsibilityKind.choices)
    code = models.CharField(max_length=30)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "kind", "code"], name="one_responsibility_per_team_kind_code"),
            models.CheckConstraint(
                name="responsibility_code_known",
                condition=(Q(kind="level") & Q(code__in=NeedLevel.values))
                | (Q(kind="step") & Q(code__in=PathwayStep.values)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} holds {self.kind} {self.code}"

    @property
    def label(self) -> str:
        choices = NeedLevel if self.kind == ResponsibilityKind.LEVEL else PathwayStep
        return dict(choices.choices).get(self.code, self.code)


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    QUALITY_AUDITOR = "quality_auditor", "Quality auditor"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    INSPECTOR = "inspector", "Inspector (read only)"
    COUNCIL_ADMIN = "council_admin", "Council administrator"


#: Roles that see every (unrestricted) child in the authority.
AUTHORITY_WIDE_ROLES = frozenset({Role.QUALITY_AUDITOR, Role.SENIOR_LEADER, Role.INSPECTOR})
#: Roles that may hold children on a caseload.
CASE_HOLDING_ROLES = frozenset({Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER, Role.TEAM_MANAGER})
#: Roles that see no child by virtue of their role (they manage people and configuration).
NO_CHILDREN_ROLES = frozenset({Role.COUNCIL_ADMIN})
#: Roles that manage other workers.
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER})


class Worker(AbstractUser):
    """A member of staff (or an inspector) who logs in to Lantern."""

    role = models.CharField(max_length=30, choices=Role.choices, default=Role.SOCIAL_WORKER)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workers",
        help_text="The team the worker belongs to (or manages, for a team manager).",
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workers",
        help_text="For a service manager: the service they manage.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        indexes = [models.Index(fields=["team", "role"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.INSPECTOR

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES


class AllocationRole(models.TextChoices):
    LEAD = "lead", "Lead worker"
    CO_WORKER = "co_worker", "Co-worker"
    SUPERVISING_SOCIAL_WORKER = "supervising_sw", "Supervising social worker"


class AllocationReason(models.TextChoices):
    NEW_CASE = "new_case", "New case"
    WORKER_LEFT = "worker_left", "Worker left"
    TEAM_TRANSFER = "team_transfer", "Team transfer"
    CASE_PROGRESSION = "case_progression", "Case progression"
    CASELOAD_BALANCING = "caseload_balancing", "Caseload balancing"
    WORKER_ABSENCE = "worker_absence", "Worker absence"
    CASE_CLOSED = "case_closed", "Case closed"
    OTHER = "other", "Other"


class Allocation(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        Worker,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        help_text="Empty while the child is held by the team but not allocated to a worker.",
    )
    role = models.CharField(max_length=20, choices=AllocationRole.choices, default=AllocationRole.LEAD)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    start_reason = models.CharField(max_length=30, choices=AllocationReason.choices)
    end_reason = models.CharField(max_length=30, choices=AllocationReason.choices, blank=True)
    reason_detail = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["worker", "end_date"]),
            models.Index(fields=["team", "end_date"]),
            models.Index(fields=["child", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="allocation_dates", condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))
            ),
            models.CheckConstraint(
                name="allocation_end_has_reason",
                condition=Q(end_date__isnull=True, end_reason="") | (Q(end_date__isnull=False) & ~Q(end_reason="")),
            ),
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True, role="lead"), name="one_open_lead_allocation"
            ),
        ]

    def __str__(self) -> str:
        who = self.worker.display_name if self.worker_id else "unallocated"
        return f"{self.child_id} -> {who} ({self.team})"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


# Transfers live with allocations: a hand-over moves a child's lead allocation between teams,
# and the receiving team's managers may read the record while the transfer waits for them.
class TransferKind(models.TextChoices):
    STEP_UP = "step_up", "Step up from early help to children's social care"
    STEP_DOWN = "step_down", "Step down from children's social care to early help"
    TEAM = "team", "Transfer between teams"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the receiving team"
    ACCEPTED = "accepted", "Accepted"
    DISPUTED = "disputed", "Disputed"
    RESOLVED_ACCEPTED = "resolved_accepted", "Dispute resolved: transfer goes ahead"
    RESOLVED_DECLINED = "resolved_declined", "Dispute resolved: transfer does not go ahead"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Transfer(models.Model):
    """A hand-over between services or teams (L3, L11). The child stays with the sending team
    until the receiving team accepts, so they are never unallocated out of sight in between."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(max_length=20, choices=TransferKind.choices)
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="transfers_out")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="transfers_in")
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_rationale = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_rationale = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["to_team", "status"]), models.Index(fields=["child", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(status__in=["pending", "disputed"]), name="one_open_transfer_per_child"
            ),
            models.CheckConstraint(name="transfer_between_different_teams", condition=~Q(from_team=F("to_team"))),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.from_team} to {self.to_team}"
