"""Reads of workforce data: teams a manager may see, caseload counts, unallocated children."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from lantern.core.calendar import add_months
from lantern.people.models import Child
from lantern.workforce.models import (
    AUTHORITY_WIDE_ROLES,
    CASE_HOLDING_ROLES,
    Allocation,
    AllocationRole,
    Role,
    Team,
    Worker,
)


def teams_visible_to(user: Worker) -> QuerySet[Team]:
    """Teams whose pages a user may open: their own team, their service's, or every team."""
    if user.role in AUTHORITY_WIDE_ROLES:
        teams = Team.objects.all()
    elif user.role == Role.SERVICE_MANAGER:
        teams = Team.objects.filter(service_id=user.service_id)
    elif user.role == Role.TEAM_MANAGER:
        teams = Team.objects.filter(pk=user.team_id)
    else:
        teams = Team.objects.none()
    return teams.select_related("service").order_by("service__name", "name")


def _count_per_team(queryset) -> Coalesce:
    """A correlated COUNT(*) per team: an index lookup per team row, not a join over every row."""
    counted = queryset.filter(team=OuterRef("pk")).order_by().values("team").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def teams_with_counts(teams: QuerySet[Team]) -> QuerySet[Team]:
    """Annotate workers, children held and unallocated children per team (one query)."""
    open_leads = Allocation.objects.filter(end_date__isnull=True, role=AllocationRole.LEAD)
    return teams.annotate(
        worker_count=_count_per_team(Worker.objects.filter(is_active=True, role__in=CASE_HOLDING_ROLES)),
        children_held=_count_per_team(open_leads),
        unallocated_count=_count_per_team(open_leads.filter(worker__isnull=True)),
    )


def team_workers_with_caseloads(team: Team) -> QuerySet[Worker]:
    """The team's case-holding workers, each with the number of children open to them.

    Siblings count separately; a child counts once per worker whatever their allocation role.
    """
    return (
        Worker.objects.filter(team=team, is_active=True, role__in=CASE_HOLDING_ROLES)
        .annotate(caseload=Count("allocations__child", filter=Q(allocations__end_date__isnull=True), distinct=True))
        .order_by("-caseload", "last_name", "first_name")
    )


def unallocated_children(children: QuerySet[Child], team: Team) -> QuerySet[Child]:
    """Of the given (already access-filtered) children, those held by the team with no worker."""
    held = Allocation.objects.filter(
        child=OuterRef("pk"), team=team, end_date__isnull=True, role=AllocationRole.LEAD, worker__isnull=True
    )
    since = held.values("start_date")[:1]

    return children.filter(Exists(held)).annotate(unallocated_since=Subquery(since)).order_by("unallocated_since", "pk")


def current_allocations(child: Child) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(child=child)
        .select_related("worker", "team", "created_by")
        .order_by("end_date", "-start_date", "-pk")
    )


def continuity_window(as_of: date, months: int = 12) -> date:
    """The first day of the `months` months up to `as_of` (worker continuity is counted over it)."""
    return add_months(as_of, -months)


def with_worker_count(children: QuerySet[Child], *, as_of: date, months: int = 12) -> QuerySet[Child]:
    """Annotate `workers_in_period`: how many different workers held the child as lead worker
    at any time in the `months` months up to `as_of` (one subquery, whatever the number of children).
    The council flags children at or over the `worker_changes_flag` setting."""
    since = continuity_window(as_of, months)
    count = (
        Allocation.objects.filter(
            child=OuterRef("pk"),
            role=AllocationRole.LEAD,
            worker__isnull=False,
            start_date__lte=as_of,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .order_by()
        .values("child")
        .annotate(n=Count("worker", distinct=True))
        .values("n")
    )
    return children.annotate(workers_in_period=Coalesce(Subquery(count, output_field=IntegerField()), 0))


def teams_holding(*, level: str | None = None, step: str | None = None) -> QuerySet[Team]:
    """Active teams configured to hold a level of need or a pathway step (L3), by name."""
    from lantern.workforce.models import ResponsibilityKind

    teams = Team.objects.filter(active=True)
    if level is not None:
        teams = teams.filter(responsibilities__kind=ResponsibilityKind.LEVEL, responsibilities__code=level)
    if step is not None:
        teams = teams.filter(responsibilities__kind=ResponsibilityKind.STEP, responsibilities__code=step)
    return teams.distinct().order_by("name")
