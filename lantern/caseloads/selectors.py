"""Reads for caseloads: live counts, thresholds and bands, monthly history, who may allocate,
worker continuity and the transition view (L7, L17, L3).

Every function here issues a fixed number of queries whatever the number of workers, children
or months: counts are correlated subqueries or GROUP BY aggregates, and bands are worked out
from the counts in Python (a team or service has at most a few hundred workers) or in SQL for
the monthly history.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from lantern.access.selectors import visible_children
from lantern.caseloads.models import AllocationDecision, Band, CaseloadSnapshot, NeedLevel, NeedSnapshot
from lantern.casework.models import ChildProtectionPlan
from lantern.casework.selectors import with_lead
from lantern.core.local_settings import get_setting
from lantern.people.models import Child
from lantern.workforce.models import (
    AUTHORITY_WIDE_ROLES,
    CASE_HOLDING_ROLES,
    Allocation,
    AllocationRole,
    Role,
    Service,
    Team,
    TeamType,
    Worker,
)
from lantern.workforce.selectors import teams_visible_to, teams_with_counts, with_worker_count

#: Allocation roles that put a child on a worker's caseload. A supervising social worker (L4)
#: oversees a family support worker's case; the child is on the family support worker's caseload.
LOAD_ROLES = (AllocationRole.LEAD, AllocationRole.CO_WORKER)

#: Months of history on the caseload dashboards and on the transition view.
HISTORY_MONTHS = 12
TRANSITION_MONTHS = 24


# ---------------------------------------------------------------------------------------------
# Thresholds, weighting and bands
# ---------------------------------------------------------------------------------------------


def thresholds_for(role: str) -> tuple[int, int]:
    """(amber, red) for a role. Family support workers have their own; everyone else who holds
    cases (social workers, and team managers holding a few) is measured against social workers'."""
    if role == Role.FAMILY_SUPPORT_WORKER:
        return get_setting("caseload_fsw_amber"), get_setting("caseload_fsw_red")
    return get_setting("caseload_sw_amber"), get_setting("caseload_sw_red")


@dataclass(frozen=True)
class Weighting:
    on: bool
    cp_weight: float

    def load(self, caseload: float, cp_children: float) -> float:
        """The figure thresholds apply to: the caseload, or the weighted caseload when weighting is on."""
        if not self.on:
            return float(caseload)
        return float(caseload) + (self.cp_weight - 1) * float(cp_children)

    def child_weight(self, on_cp_plan: bool) -> float:
        return self.cp_weight if self.on and on_cp_plan else 1.0


def weighting() -> Weighting:
    return Weighting(on=bool(get_setting("caseload_weighting")), cp_weight=float(get_setting("caseload_cp_weight")))


def band(load: float, amber: float, red: float) -> str:
    if load > red:
        return Band.RED
    if load > amber:
        return Band.AMBER
    return Band.WITHIN


@dataclass(frozen=True)
class ThresholdTable:
    """The thresholds of every role, read once per page."""

    sw: tuple[int, int]
    fsw: tuple[int, int]

    def for_role(self, role: str) -> tuple[int, int]:
        return self.fsw if role == Role.FAMILY_SUPPORT_WORKER else self.sw

    @property
    def same_for_all(self) -> bool:
        return self.sw == self.fsw


def threshold_table() -> ThresholdTable:
    return ThresholdTable(sw=thresholds_for(Role.SOCIAL_WORKER), fsw=thresholds_for(Role.FAMILY_SUPPORT_WORKER))


# ---------------------------------------------------------------------------------------------
# Live caseloads
# ---------------------------------------------------------------------------------------------


def _open_load_allocations() -> QuerySet[Allocation]:
    return Allocation.objects.filter(worker=OuterRef("pk"), end_date__isnull=True, role__in=LOAD_ROLES)


def with_caseloads(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """Annotate `caseload` (different children with an open allocation to the worker as lead or
    co-worker; siblings count separately), `cp_children` (of those, children on an open child
    protection plan) and `weighted_caseload` (the caseload with a child protection case counting
    `caseload_cp_weight` when `caseload_weighting` is on; the caseload itself otherwise).
    Correlated subqueries on the (worker, end_date) index: one query whatever the number of workers."""
    mine = _open_load_allocations().order_by().values("worker")
    on_plan = Exists(ChildProtectionPlan.objects.filter(child=OuterRef("child"), end_date__isnull=True))
    caseload = Coalesce(Subquery(mine.annotate(n=Count("child", distinct=True)).values("n")), 0)
    weights = weighting()
    if not weights.on:
        return workers.annotate(
            caseload=caseload, cp_children=Value(0), weighted_caseload=Cast(F("caseload"), FloatField())
        )
    cp_children = Coalesce(
        Subquery(
            mine.annotate(n=Count("child", distinct=True, filter=on_plan)).values("n"), output_field=IntegerField()
        ),
        0,
    )
    return workers.annotate(
        caseload=caseload,
        cp_children=cp_children,
        weighted_caseload=Cast(F("caseload"), FloatField())
        + Value(weights.cp_weight - 1, output_field=FloatField()) * Cast(F("cp_children"), FloatField()),
    )


def case_holders(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    return workers.filter(is_active=True, role__in=CASE_HOLDING_ROLES)


def attach_bands(workers: list[Worker], table: ThresholdTable) -> list[Worker]:
    """Give each (annotated) worker `load`, `amber`, `red` and `band`."""
    for worker in workers:
        worker.amber, worker.red = table.for_role(worker.role)
        worker.load = float(worker.weighted_caseload)
        worker.band = band(worker.load, worker.amber, worker.red)
    return workers


def banded_workers(workers: QuerySet[Worker], table: ThresholdTable) -> list[Worker]:
    """The workers, heaviest caseload first, each with `caseload`, `cp_children`,
    `weighted_caseload` (the same figures as `with_caseloads`) and `load`, `amber`, `red`, `band`.
    Two queries whatever the number: the workers, and one GROUP BY over their open allocations;
    cheaper than a subquery per worker when the set is a whole service or council."""
    weights = weighting()
    listed = list(workers)
    counts = {row["worker"]: row for row in caseloads_on(None, workers)}
    for w in listed:
        row = counts.get(w.pk)
        w.caseload = row["caseload"] if row else 0
        w.cp_children = row["cp_children"] if row and weights.on else 0
        w.weighted_caseload = weights.load(w.caseload, w.cp_children)
    listed.sort(key=lambda w: (-w.weighted_caseload, w.last_name, w.first_name, w.pk))
    return attach_bands(listed, table)


def team_workers(team: Team, table: ThresholdTable) -> list[Worker]:
    """The team's active case-holding workers with their caseloads and bands, heaviest first."""
    return banded_workers(case_holders(Worker.objects.filter(team=team)), table)


# ---------------------------------------------------------------------------------------------
# Monthly history
# ---------------------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def recent_months(today: date, n: int) -> list[date]:
    """The first days of the last n months, oldest first, ending with the current month."""
    current = month_start(today)
    return [add_months(current, -k) for k in range(n - 1, -1, -1)]


@dataclass
class MonthFigures:
    month: date
    workers: int = 0
    children: int = 0
    total_load: float = 0.0
    highest: float | None = None
    amber: int = 0
    red: int = 0
    live: bool = False
    recorded: bool = False

    @property
    def average(self) -> float | None:
        return self.total_load / self.workers if self.workers else None


def live_figures(month: date, workers: list[Worker]) -> MonthFigures:
    figures = MonthFigures(month=month, live=True, recorded=True)
    for w in workers:
        figures.workers += 1
        figures.children += w.caseload
        figures.total_load += w.load
        figures.highest = w.load if figures.highest is None else max(figures.highest, w.load)
        figures.amber += w.band == Band.AMBER
        figures.red += w.band == Band.RED
    return figures


def _snapshot_load(weights: Weighting):
    if not weights.on:
        return Cast(F("caseload"), FloatField())
    return Cast(F("caseload"), FloatField()) + Value(weights.cp_weight - 1, output_field=FloatField()) * Cast(
        F("cp_children"), FloatField()
    )


def _snapshot_band(table: ThresholdTable) -> Case:
    fsw = Q(role=Role.FAMILY_SUPPORT_WORKER)
    return Case(
        When(fsw & Q(load__gt=table.fsw[1]), then=Value(Band.RED)),
        When(fsw & Q(load__gt=table.fsw[0]), then=Value(Band.AMBER)),
        When(~fsw & Q(load__gt=table.sw[1]), then=Value(Band.RED)),
        When(~fsw & Q(load__gt=table.sw[0]), then=Value(Band.AMBER)),
        default=Value(Band.WITHIN),
    )


def history(
    snapshots: QuerySet[CaseloadSnapshot],
    months: list[date],
    live: MonthFigures,
    table: ThresholdTable,
    weights: Weighting,
) -> list[MonthFigures]:
    """Figures per month from the snapshots (one GROUP BY query), with the current month's live
    figures in place of its snapshot. Bands use today's thresholds and weighting, so months compare
    like with like. A month with no snapshot has `recorded` False (a gap in the chart)."""
    rows = (
        snapshots.filter(month__gte=months[0], month__lt=live.month)
        .alias(load=_snapshot_load(weights))
        .alias(load_band=_snapshot_band(table))
        .order_by()
        .values("month")
        .annotate(
            n=Count("pk"),
            children=Sum("caseload"),
            total=Sum("load"),
            highest=Max("load"),
            amber=Count("pk", filter=Q(load_band=Band.AMBER)),
            red=Count("pk", filter=Q(load_band=Band.RED)),
        )
    )
    by_month = {
        r["month"]: MonthFigures(
            month=r["month"],
            workers=r["n"],
            children=r["children"] or 0,
            total_load=float(r["total"] or 0),
            highest=float(r["highest"]) if r["highest"] is not None else None,
            amber=r["amber"],
            red=r["red"],
            recorded=True,
        )
        for r in rows
    }
    return [live if m == live.month else by_month.get(m, MonthFigures(month=m)) for m in months]


# ---------------------------------------------------------------------------------------------
# Who sees and who allocates
# ---------------------------------------------------------------------------------------------


def may_see_team(user: Worker, team: Team) -> bool:
    return teams_visible_to(user).filter(pk=team.pk).exists()


def services_visible_to(user: Worker) -> QuerySet[Service]:
    """Services whose dashboards a user may open: a service manager's own, or every service for
    leaders, auditors and inspectors. Team managers see their team's dashboard only."""
    if user.role in AUTHORITY_WIDE_ROLES:
        return Service.objects.order_by("name")
    if user.role == Role.SERVICE_MANAGER and user.service_id:
        return Service.objects.filter(pk=user.service_id)
    return Service.objects.none()


def lead_allocation(child: Child) -> Allocation | None:
    return (
        Allocation.objects.filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD)
        .select_related("team", "worker")
        .first()
    )


def may_allocate(user: Worker, lead: Allocation | None) -> bool:
    """Only the manager of the team holding the child, or the manager of that team's service,
    allocates its lead worker. Leaders, auditors, inspectors and workers never do here."""
    if lead is None or not user.is_authenticated:
        return False
    if user.role == Role.TEAM_MANAGER:
        return user.team_id == lead.team_id
    if user.role == Role.SERVICE_MANAGER:
        return user.service_id is not None and user.service_id == lead.team.service_id
    return False


def may_allocate_in_team(user: Worker, team: Team) -> bool:
    if user.role == Role.TEAM_MANAGER:
        return user.team_id == team.pk
    if user.role == Role.SERVICE_MANAGER:
        return user.service_id is not None and user.service_id == team.service_id
    return False


# ---------------------------------------------------------------------------------------------
# Allocation: the figures a manager sees before allocating
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """What allocating one child does to one worker's caseload."""

    before: float
    after: float
    amber: int
    red: int
    weighted: bool

    @property
    def band_before(self) -> str:
        return band(self.before, self.amber, self.red)

    @property
    def band_after(self) -> str:
        return band(self.after, self.amber, self.red)

    @property
    def needs_reason(self) -> bool:
        """The allocation adds to the caseload and leaves it above a threshold."""
        return self.after > self.before and self.band_after != Band.WITHIN

    @property
    def threshold_crossed(self) -> int:
        return self.red if self.band_after == Band.RED else self.amber


def child_on_cp_plan(child: Child) -> bool:
    return ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).exists()


def workers_holding(child: Child) -> set[int]:
    """Workers with an open lead or co-worker allocation for the child (already counting them)."""
    return set(
        Allocation.objects.filter(
            child=child, end_date__isnull=True, role__in=LOAD_ROLES, worker__isnull=False
        ).values_list("worker_id", flat=True)
    )


def projections(
    workers: list[Worker], *, child_weight: float, holding: set[int], weights: Weighting
) -> dict[int, Projection]:
    """For each (annotated, banded) worker, their caseload before and after taking the child."""
    result = {}
    for w in workers:
        after = w.load if w.pk in holding else w.load + child_weight
        result[w.pk] = Projection(before=w.load, after=after, amber=w.amber, red=w.red, weighted=weights.on)
    return result


def projection_for(worker: Worker, child: Child) -> Projection:
    """The projection for one worker, read fresh (the allocation service calls it in its transaction)."""
    table, weights = threshold_table(), weighting()
    annotated = attach_bands(list(with_caseloads(Worker.objects.filter(pk=worker.pk))), table)[0]
    weight = weights.child_weight(child_on_cp_plan(child)) if weights.on else 1.0
    return projections([annotated], child_weight=weight, holding=workers_holding(child), weights=weights)[worker.pk]


# ---------------------------------------------------------------------------------------------
# Team and service dashboards
# ---------------------------------------------------------------------------------------------


def decisions_for(user: Worker, decisions: QuerySet[AllocationDecision]) -> QuerySet[AllocationDecision]:
    """Allocations above a threshold, newest first, for children the user may see. The decisions
    are few and already narrowed to a team, so the visible children are a semi-join here."""
    return (
        decisions.filter(child__in=visible_children(user).values("pk"))
        .select_related("child__person", "worker", "decided_by", "approval", "team")
        .order_by("-decided_at", "-pk")
    )


@dataclass
class TeamSummary:
    team: Team
    workers: int = 0
    children_held: int = 0
    unallocated: int = 0
    total_load: float = 0.0
    highest: float | None = None
    amber: int = 0
    red: int = 0
    decisions: int = 0

    @property
    def average(self) -> float | None:
        return self.total_load / self.workers if self.workers else None


def team_summaries(teams: QuerySet[Team], workers: list[Worker], *, since: date) -> list[TeamSummary]:
    """Per team: workers and their bands (from the already banded workers), children held and
    unallocated (one query), allocations above a threshold since `since` (one query)."""
    summaries = {
        t.pk: TeamSummary(team=t, children_held=t.children_held, unallocated=t.unallocated_count)
        for t in teams_with_counts(teams)
    }
    for w in workers:
        s = summaries.get(w.team_id)
        if s is None:
            continue
        s.workers += 1
        s.total_load += w.load
        s.highest = w.load if s.highest is None else max(s.highest, w.load)
        s.amber += w.band == Band.AMBER
        s.red += w.band == Band.RED
    decided = (
        AllocationDecision.objects.filter(team__in=teams, decided_at__date__gte=since)
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
    )
    for row in decided:
        if row["team"] in summaries:
            summaries[row["team"]].decisions = row["n"]
    return list(summaries.values())


@dataclass
class ServiceSummary:
    service: Service
    workers: int = 0
    children_held: int = 0
    unallocated: int = 0
    total_load: float = 0.0
    highest: float | None = None
    amber: int = 0
    red: int = 0

    @property
    def average(self) -> float | None:
        return self.total_load / self.workers if self.workers else None


def service_summaries(table: ThresholdTable) -> list[ServiceSummary]:
    """Every service holding children or with case-holding workers: the workers' caseloads and
    bands (one query for the workers, one for the services), children held and children waiting
    for a worker (one GROUP BY query)."""
    rows = {s.pk: ServiceSummary(service=s) for s in Service.objects.order_by("name")}
    workers = banded_workers(
        case_holders(Worker.objects.filter(team__isnull=False)).annotate(service_pk=F("team__service_id")), table
    )
    for w in workers:
        row = rows[w.service_pk]
        row.workers += 1
        row.total_load += w.load
        row.highest = w.load if row.highest is None else max(row.highest, w.load)
        row.amber += w.band == Band.AMBER
        row.red += w.band == Band.RED
    held = (
        Allocation.objects.filter(end_date__isnull=True, role=AllocationRole.LEAD)
        .order_by()
        .values("team__service")
        .annotate(n=Count("pk"), waiting=Count("pk", filter=Q(worker__isnull=True)))
    )
    for row in held:
        rows[row["team__service"]].children_held = row["n"]
        rows[row["team__service"]].unallocated = row["waiting"]
    return [r for r in rows.values() if r.workers or r.children_held]


# ---------------------------------------------------------------------------------------------
# Worker continuity (L17)
# ---------------------------------------------------------------------------------------------


def held_by_team(children: QuerySet[Child], team: Team) -> QuerySet[Child]:
    held = Allocation.objects.filter(child=OuterRef("pk"), team=team, end_date__isnull=True, role=AllocationRole.LEAD)
    return children.filter(Exists(held))


def continuity_report(user: Worker, team: Team, *, as_of: date) -> tuple[QuerySet[Child], int]:
    """Children the team holds (that the user may see) who had at least `worker_changes_flag`
    different lead workers in the 12 months up to `as_of`, most changes first, and the flag."""
    flag = get_setting("worker_changes_flag")
    children = with_worker_count(held_by_team(visible_children(user), team), as_of=as_of)
    flagged = with_lead(children.filter(workers_in_period__gte=flag)).order_by(
        "-workers_in_period", "person__last_name", "person__first_name", "pk"
    )
    return flagged, flag


# ---------------------------------------------------------------------------------------------
# Snapshots: the figures on a given day, set-based (the snapshot service writes them)
# ---------------------------------------------------------------------------------------------


def _on(day: date | None, start: str, end: str, prefix: str = "") -> Q:
    """Open at the end of `day`: started on or before it, not ended on or before it. With no day:
    open now (no end date), which the partial and (…, end_date) indexes answer directly."""
    p = f"{prefix}__" if prefix else ""
    if day is None:
        return Q(**{f"{p}{end}__isnull": True})
    return Q(**{f"{p}{start}__lte": day}) & (Q(**{f"{p}{end}__isnull": True}) | Q(**{f"{p}{end}__gt": day}))


def _with_status_joins(allocations: QuerySet[Allocation], day: date | None) -> QuerySet[Allocation]:
    """Join each allocation's child to their child protection plan, CIN episode and early help
    episode open on `day` (LEFT JOINs filtered to the day, hashed once: no per-row subqueries,
    so the planner's estimate stays small and PostgreSQL does not JIT-compile the query)."""
    return allocations.annotate(
        cp_on=FilteredRelation("child__cp_plans", condition=_on(day, "start_date", "end_date", "child__cp_plans")),
        cin_on=FilteredRelation(
            "child__cin_episodes", condition=_on(day, "referral_date", "closure_date", "child__cin_episodes")
        ),
        eh_on=FilteredRelation(
            "child__early_help_episodes",
            condition=_on(day, "start_date", "end_date", "child__early_help_episodes"),
        ),
    )


def caseloads_on(day: date | None, workers: QuerySet[Worker] | None = None) -> list[dict]:
    """Per worker (of `workers`, or everyone), the children allocated to them (lead or co-worker)
    at the end of `day` (or now), with those on a child protection plan that day and the team(s)
    holding them: one GROUP BY query."""
    held = Allocation.objects.filter(_on(day, "start_date", "end_date"), role__in=LOAD_ROLES, worker__isnull=False)
    if workers is not None:
        held = held.filter(worker__in=workers.values("pk"))
    held = held.annotate(
        cp_on=FilteredRelation("child__cp_plans", condition=_on(day, "start_date", "end_date", "child__cp_plans"))
    )
    return list(
        held.order_by()
        .values("worker")
        .annotate(
            caseload=Count("child", distinct=True),
            cp_children=Count("child", distinct=True, filter=Q(cp_on__id__isnull=False)),
            first_team=Min("team"),
            last_team=Max("team"),
        )
    )


def needs_on(day: date | None, teams: QuerySet[Team] | None = None) -> list[dict]:
    """Per team and level of need, the children the team held as lead team at the end of `day`
    (or now). The level is the child's status that day: child protection (on a plan), otherwise
    child in need (an open episode), otherwise early help; children with none of these are not
    counted. One GROUP BY query."""
    held = Allocation.objects.filter(_on(day, "start_date", "end_date"), role=AllocationRole.LEAD)
    if teams is not None:
        held = held.filter(team__in=teams)
    level = Case(
        When(cp_on__id__isnull=False, then=Value(NeedLevel.CHILD_PROTECTION)),
        When(cin_on__id__isnull=False, then=Value(NeedLevel.CHILD_IN_NEED)),
        When(eh_on__id__isnull=False, then=Value(NeedLevel.EARLY_HELP)),
        default=Value(""),
        output_field=CharField(),
    )
    return [
        row
        for row in _with_status_joins(held, day)
        .annotate(level=level)
        .order_by()
        .values("team", "team__type", "level")
        .annotate(children=Count("child", distinct=True))
        if row["level"]
    ]


# ---------------------------------------------------------------------------------------------
# Transition view (L3)
# ---------------------------------------------------------------------------------------------

TYPE_ORDER = [
    TeamType.FRONT_DOOR,
    TeamType.ASSESSMENT_HUB,
    TeamType.CIN_HUB,
    TeamType.LOCALITY,
    TeamType.CHILD_PROTECTION,
    TeamType.EARLY_HELP,
    TeamType.QUALITY_ASSURANCE,
]
LEVEL_ORDER = [NeedLevel.CHILD_IN_NEED, NeedLevel.CHILD_PROTECTION, NeedLevel.EARLY_HELP]


@dataclass
class TeamNeeds:
    team: Team
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(level, 0) for level in LEVEL_ORDER]


@dataclass
class Transition:
    months: list[date]
    team_types: list[str]
    #: level -> team type -> children per month (None: no snapshot that month)
    series: dict[str, dict[str, list[int | None]]]
    teams: list[TeamNeeds]
    #: per month: was there a snapshot (always true for the current month, counted live)?
    recorded: list[bool]

    def totals(self, level: str) -> list[int | None]:
        return [
            sum(self.series[level][t][i] or 0 for t in self.team_types) if self.recorded[i] else None
            for i in range(len(self.months))
        ]


def transition(teams: QuerySet[Team], *, today: date, n_months: int = TRANSITION_MONTHS) -> Transition:
    """Children held by each team type at each level of need, month by month (snapshots, one
    query) with the current month counted live (one query), and each team's current counts."""
    months = recent_months(today, n_months)
    current = months[-1]
    team_list = list(teams.order_by("name"))
    live = needs_on(None, teams)
    history_rows = (
        NeedSnapshot.objects.filter(team__in=teams, month__gte=months[0], month__lt=current)
        .order_by()
        .values("month", "team_type", "level")
        .annotate(children=Sum("children"))
    )
    counts: dict[tuple[date, str, str], int] = defaultdict(int)
    recorded = {current}
    for row in history_rows:
        counts[(row["month"], row["team_type"], row["level"])] += row["children"]
        recorded.add(row["month"])
    by_team: dict[int, TeamNeeds] = {t.pk: TeamNeeds(team=t) for t in team_list}
    for row in live:
        counts[(current, row["team__type"], row["level"])] += row["children"]
        if row["team"] in by_team:
            by_team[row["team"]].counts[row["level"]] = row["children"]
    # Team types that held any child in the period (a front door holding nobody is left out).
    present = {t for (_m, t, _l), n in counts.items() if n}
    team_types = [t for t in TYPE_ORDER if t in present]
    series = {
        level: {
            ttype: [counts.get((m, ttype, level), 0) if m in recorded else None for m in months] for ttype in team_types
        }
        for level in LEVEL_ORDER
    }
    return Transition(
        months=months,
        team_types=team_types,
        series=series,
        teams=list(by_team.values()),
        recorded=[m in recorded for m in months],
    )


def today() -> date:
    return timezone.localdate()
