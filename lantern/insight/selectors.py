"""Reads of alerts: who sees which, the child's alerts, a team's list and the service dashboard.

Who sees an alert:
- an alert about a child: people who may see the child (the access layer's
  `for_visible_children`), and whose role is in the standard's audience;
- an alert about a worker (supervision, caseload): managers, auditors, leaders and inspectors
  whose team list includes the worker's team (`teams_visible_to`), in the standard's audience;
- a standard switched off stops raising alerts and its open ones clear at the next check.

Every list and the dashboard are a fixed number of queries whatever the number of alerts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from lantern.access.selectors import for_visible_children, visibility_condition
from lantern.insight import standards as registry
from lantern.insight.models import Alert, AlertResponse, EvaluationRun
from lantern.people.models import Child
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, Role, Team, Worker
from lantern.workforce.selectors import teams_visible_to

#: Days of history on the dashboard's trend.
TREND_DAYS = 84


def severity_rank() -> Case:
    """Order alerts most severe first (the severity lives with the standard, not the row)."""
    return Case(
        *[When(standard=s.key, then=Value(registry.SEVERITY_ORDER[s.severity])) for s in registry.all_standards()],
        default=Value(9),
        output_field=IntegerField(),
    )


def visible_alerts(user: Worker) -> QuerySet[Alert]:
    """Every alert (open or cleared) the user may see."""
    keys = registry.keys_shown_to(user.role)
    if not keys or not user.is_authenticated or not user.is_active:
        return Alert.objects.none()
    if user.role in AUTHORITY_WIDE_ROLES:
        # Every child but the restricted records whose access list does not name the user: the
        # access layer's own condition, read as the (few) children it hides, so a dashboard over
        # the whole council does not join every alert to the child table. Alerts about workers
        # (no child) are kept: every team is on these roles' list.
        hidden = Child.objects.exclude(visibility_condition(user)).values("pk")
        return Alert.objects.filter(standard__in=keys).exclude(child_id__in=hidden)
    about_children = for_visible_children(Alert.objects.filter(child__isnull=False, standard__in=keys), user)
    teams = teams_visible_to(user)
    if not teams.exists():
        return about_children
    about_workers = Q(child__isnull=True, standard__in=keys, team__in=teams.values("pk"))
    return about_children | Alert.objects.filter(about_workers)


def open_alerts_for(child_ids) -> QuerySet[Alert]:
    """Open alerts for the given children (already access-checked by the caller), most severe and
    oldest first."""
    return (
        Alert.objects.filter(child_id__in=list(child_ids), cleared_at__isnull=True)
        .annotate(rank=severity_rank())
        .order_by("rank", "since", "pk")
    )


@dataclass(frozen=True)
class AlertRow:
    """An alert with what a page shows about it."""

    alert: Alert
    standard: registry.Standard | None
    link: str
    link_text: str

    @property
    def name(self) -> str:
        return self.standard.name if self.standard else self.alert.standard

    @property
    def severity(self) -> str:
        return self.standard.severity if self.standard else registry.LOW

    @property
    def severity_label(self) -> str:
        return registry.SEVERITY_LABELS[self.severity]

    @property
    def responses(self) -> list[AlertResponse]:
        return list(getattr(self.alert, "response_list", []))


_LINKS = {
    "contact": ("casework:contact_decide", True, "Decide on the contact"),
    "assessment": ("casework:assessment", True, "Open the assessment"),
    "plan": ("casework:plan", True, "Open the CIN plan"),
    "episode": ("casework:child", False, "Open the episode"),
    "allocations": ("casework:child", False, "See workers and teams"),
    "visits": ("recording:visits", False, "See visits"),
    "oversight": ("oversight:entries", False, "See management oversight"),
    "check_ins": ("oversight:check_ins", False, "See check-ins"),
    "chronology": ("chronology:chronology", False, "See the chronology"),
    "child": ("casework:child", False, "Open the child's record"),
}
_ANCHORS = {"episode": "#episodes", "allocations": "#allocations"}


def link_for(alert: Alert) -> tuple[str, str]:
    """The page of the record an alert is about, and the link's words."""
    if alert.child_id is None:
        if alert.standard == "supervision_overdue":
            return _reverse("supervision:worker", [alert.worker_id]), "See supervision"
        if alert.team_id:
            return _reverse("caseloads:team", [alert.team_id]) or _reverse(
                "workforce:team", [alert.team_id]
            ), "See the team's caseloads"
        return "", ""
    name, with_id, text = _LINKS.get(alert.subject_kind, _LINKS["child"])
    args = [alert.child_id, alert.subject_id] if with_id and alert.subject_id else [alert.child_id]
    if with_id and not alert.subject_id:
        name, text = _LINKS["child"][0], _LINKS["child"][2]
    url = _reverse(name, args) or _reverse("casework:child", [alert.child_id])
    return url + _ANCHORS.get(alert.subject_kind, ""), text


def _reverse(name: str, args: list) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def rows_for(alerts) -> list[AlertRow]:
    rows = []
    for alert in alerts:
        link, text = link_for(alert)
        rows.append(AlertRow(alert, registry.get(alert.standard), link, text))
    return rows


def _with_responses(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    return alerts.prefetch_related(
        Prefetch(
            "responses",
            queryset=AlertResponse.objects.select_related("responded_by", "oversight_entry").order_by("responded_at"),
            to_attr="response_list",
        )
    )


def child_alerts(user: Worker, child: Child) -> tuple[list[AlertRow], list[AlertRow]]:
    """One child's open alerts (most severe first) and cleared ones (latest first, up to 100),
    with the managers' responses. The child was fetched through the one door."""
    keys = registry.keys_shown_to(user.role)
    alerts = _with_responses(
        Alert.objects.filter(child=child, standard__in=keys).select_related("owner").annotate(rank=severity_rank())
    )
    open_rows = rows_for(alerts.filter(cleared_at__isnull=True).order_by("rank", "since", "pk"))
    cleared_rows = rows_for(alerts.filter(cleared_at__isnull=False).order_by("-cleared_at", "-pk")[:100])
    return open_rows, cleared_rows


def alert_for(user: Worker, child: Child, alert_id: int) -> Alert:
    """One of the child's alerts the user may see, or 404."""
    keys = registry.keys_shown_to(user.role)
    alert = Alert.objects.filter(pk=alert_id, child=child, standard__in=keys).select_related("owner").first()
    if alert is None:
        raise Http404("No such alert on this child's record")
    return alert


def team_alerts(user: Worker, team: Team, *, standard: str = "", visible: QuerySet[Alert] | None = None):
    """A team's open alerts the user may see, most severe and oldest first."""
    alerts = (visible_alerts(user) if visible is None else visible).filter(team=team, cleared_at__isnull=True)
    if standard:
        alerts = alerts.filter(standard=standard)
    return (
        alerts.select_related("child__person", "owner", "worker")
        .annotate(rank=severity_rank())
        .order_by("rank", "since", "pk")
    )


def team_standard_counts(user: Worker, team: Team, *, visible: QuerySet[Alert] | None = None) -> dict[str, int]:
    rows = (
        (visible_alerts(user) if visible is None else visible)
        .filter(team=team, cleared_at__isnull=True)
        .order_by()
        .values("standard")
        .annotate(n=Count("pk"))
    )
    return {row["standard"]: row["n"] for row in rows}


# ---------------------------------------------------------------------------------------------
# The dashboard
# ---------------------------------------------------------------------------------------------


@dataclass
class TeamRow:
    team_id: int | None
    name: str
    counts: list[int]
    total: int
    linked: bool = False  # the user may open the team's list

    @property
    def cells(self) -> SafeString:
        """The row's counts as table cells (a hundred teams by eighteen standards is too many
        template nodes to render one by one); every value is an integer."""
        return mark_safe(  # noqa: S308 - integers only
            "".join(f'<td class="govuk-table__cell govuk-table__cell--numeric">{int(n)}</td>' for n in self.counts)
        )


@dataclass
class Dashboard:
    standards: list[registry.Standard]
    teams: list[TeamRow]
    totals: list[int]
    total: int
    trend: list[tuple[date, int]] = field(default_factory=list)
    last_run: EvaluationRun | None = None

    @property
    def columns(self) -> list[tuple[registry.Standard, int]]:
        return list(zip(self.standards, self.totals, strict=True))


def dashboard(user: Worker, *, today: date) -> Dashboard:
    """Open alerts by team and standard, and open alerts each day over the last 12 weeks: three
    aggregate queries (plus the teams' names and the last evaluation)."""
    shown = [s for s in registry.all_standards() if s.shown_to(user.role)]
    alerts = visible_alerts(user)
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    for row in alerts.filter(cleared_at__isnull=True).order_by().values("team_id", "standard").annotate(n=Count("pk")):
        counts[row["team_id"]][row["standard"]] = row["n"]
    # Only standards with open alerts get a column (eighteen mostly empty columns hide the rest).
    present = {key for by_standard in counts.values() for key in by_standard}
    shown = [s for s in shown if s.key in present]
    names = dict(Team.objects.filter(pk__in=[t for t in counts if t is not None]).values_list("pk", "name"))
    listed = set(teams_visible_to(user).filter(pk__in=list(names)).values_list("pk", flat=True))
    teams = []
    for team_id, by_standard in counts.items():
        row = [by_standard.get(s.key, 0) for s in shown]
        teams.append(TeamRow(team_id, names.get(team_id, "No team"), row, sum(row), team_id in listed))
    teams.sort(key=lambda t: (-t.total, t.name))
    totals = [sum(t.counts[i] for t in teams) for i in range(len(shown))]
    return Dashboard(
        standards=shown,
        teams=teams,
        totals=totals,
        total=sum(totals),
        trend=trend(alerts, today=today),
        last_run=EvaluationRun.objects.filter(status="done").order_by("-finished_at", "-pk").first(),
    )


def trend(alerts: QuerySet[Alert], *, today: date, days: int = TREND_DAYS) -> list[tuple[date, int]]:
    """Open alerts at the end of each of the last `days` days, from when each condition began
    (`since`) and when its alert cleared: two grouped queries, whatever the number of alerts.

    open(d) = alerts with since <= d, less those cleared on or before d (an alert clears after
    its condition began, so those are among the first)."""
    first = today - timedelta(days=days - 1)
    relevant = alerts.filter(since__lte=today).filter(
        Q(cleared_at__isnull=True) | Q(cleared_at__gte=registry.day_start(first))
    )
    began = defaultdict(int)
    for row in relevant.order_by().values("since").annotate(n=Count("pk")):
        began[row["since"]] += row["n"]
    ended = defaultdict(int)
    for row in (
        relevant.filter(cleared_at__isnull=False)
        .annotate(day=TruncDate("cleared_at"))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    ):
        ended[row["day"]] += row["n"]
    running = sum(n for day, n in began.items() if day < first)
    gone = 0
    series = []
    for i in range(days):
        day = first + timedelta(days=i)
        running += began.get(day, 0)
        gone += ended.get(day, 0)
        series.append((day, running - gone))
    return series


def can_evaluate_now(user: Worker) -> bool:
    """Authority-wide roles that act (senior leaders, quality auditors; not inspectors) and
    administrators may start an evaluation from the browser."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.role in (Role.SENIOR_LEADER, Role.QUALITY_AUDITOR))
    )


def can_see_dashboard(user: Worker) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role
        in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER, Role.QUALITY_AUDITOR, Role.INSPECTOR)
    )
