"""Reads for supervision: who supervises whom, who may see what, and when supervision is due.

Who may do what (docs/guide/supervision.md):

- A worker's managers record, change (while a draft) and sign their supervision and set how often
  it happens: the team manager of the worker's team (for social workers and family support
  workers) and the service manager of the worker's service (for everyone in the service's teams,
  team managers included). Nobody supervises themselves.
- The personal sections (wellbeing, caseload, learning and development, other actions and
  addenda) are seen only by the worker, their managers and the manager who held the session.
- Quality auditors, senior leaders and inspectors see when supervision happened and the signed
  case discussions about children they may see, never the personal sections. Senior leaders are
  not line managers of case-holding workers, so they are treated like auditors here.
- A case discussion's text is shown to anyone who may see the child (through the access layer),
  on the child's file; on a session page, discussions about children the viewer cannot see are
  counted but not shown.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    DateField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from lantern.access.selectors import for_visible_children, visible_children
from lantern.core.local_settings import get_setting
from lantern.people.models import Child
from lantern.supervision.models import CaseDiscussion, SupervisionFrequency, SupervisionSession
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, CASE_HOLDING_ROLES, Allocation, Role, Worker

#: Roles a team manager supervises in their own team.
TEAM_SUPERVISEES = frozenset({Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER})


# -- who supervises whom ---------------------------------------------------------------------------


def _supervisee_condition(user: Worker) -> Q | None:
    """The condition on Worker for the workers `user` supervises, or None for nobody."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.TEAM_MANAGER and user.team_id is not None:
        return Q(team_id=user.team_id, role__in=TEAM_SUPERVISEES)
    if user.role == Role.SERVICE_MANAGER and user.service_id is not None:
        return Q(team__service_id=user.service_id, role__in=CASE_HOLDING_ROLES)
    return None


def workers_supervised_by(user: Worker) -> QuerySet[Worker]:
    """The active workers `user` may record supervision for (set-based)."""
    condition = _supervisee_condition(user)
    if condition is None:
        return Worker.objects.none()
    return Worker.objects.filter(condition, is_active=True).exclude(pk=user.pk)


def can_supervise(user: Worker, worker: Worker) -> bool:
    """Is `user` one of `worker`'s managers (team manager of their team, service manager of their service)?"""
    if user.pk == worker.pk or not worker.is_active:
        return False
    if user.role == Role.TEAM_MANAGER:
        return user.team_id is not None and worker.team_id == user.team_id and worker.role in TEAM_SUPERVISEES
    if user.role == Role.SERVICE_MANAGER:
        if user.service_id is None or worker.team_id is None or worker.role not in CASE_HOLDING_ROLES:
            return False
        return worker.team.service_id == user.service_id
    return False


def is_oversight_role(user: Worker) -> bool:
    """Auditors, senior leaders and inspectors: see supervision happened, not its personal sections."""
    return user.is_authenticated and user.role in AUTHORITY_WIDE_ROLES


def workers_overview_for(user: Worker) -> QuerySet[Worker]:
    """Workers whose supervision dates `user` may list: those they supervise, or every
    case-holding worker for auditors, senior leaders and inspectors."""
    if is_oversight_role(user):
        return Worker.objects.filter(is_active=True, role__in=CASE_HOLDING_ROLES)
    return workers_supervised_by(user)


def can_see_worker_record(user: Worker, worker: Worker) -> bool:
    """May `user` open the list of `worker`'s supervision sessions?"""
    return user.pk == worker.pk or can_supervise(user, worker) or is_oversight_role(user)


def can_see_personal(user: Worker, session: SupervisionSession) -> bool:
    """The personal sections: the worker, the manager who held the session, the worker's managers."""
    return user.pk in (session.worker_id, session.supervisor_id) or can_supervise(user, session.worker)


def can_see_session(user: Worker, session: SupervisionSession) -> bool:
    """The session page: whoever sees its personal sections, and oversight roles once it is signed."""
    return can_see_personal(user, session) or (session.is_signed and is_oversight_role(user))


# -- when supervision is due -----------------------------------------------------------------------


class AddDays(Func):
    """`date + days` as a date, in SQLite and PostgreSQL."""

    arity = 2
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '+' || ", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ", **extra)


def with_supervision_due(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """Annotate each worker with
    `last_supervision` (date of their last SIGNED session, or None),
    `own_supervision_weeks` (the worker's own frequency, or None),
    `supervision_weeks` (their own frequency, or the council's `supervision_weeks`),
    `supervision_due` (last supervision + that many weeks; None if never supervised: due now) and
    `supervision_drafts` (sessions recorded but not yet signed). Subqueries: one query in all."""
    default_weeks = int(get_setting("supervision_weeks"))
    last = (
        SupervisionSession.objects.filter(worker=OuterRef("pk"), signed_at__isnull=False)
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    own_weeks = SupervisionFrequency.objects.filter(worker=OuterRef("pk"), weeks__isnull=False).values("weeks")[:1]
    drafts = (
        SupervisionSession.objects.filter(worker=OuterRef("pk"), signed_at__isnull=True)
        .order_by()
        .values("worker")
        .annotate(n=Count("*"))
        .values("n")
    )
    return workers.annotate(
        last_supervision=Subquery(last, output_field=DateField()),
        own_supervision_weeks=Subquery(own_weeks, output_field=IntegerField()),
        supervision_weeks=Coalesce("own_supervision_weeks", Value(default_weeks), output_field=IntegerField()),
        supervision_due=AddDays("last_supervision", Cast(Value(7) * F("supervision_weeks"), IntegerField())),
        supervision_drafts=Coalesce(Subquery(drafts, output_field=IntegerField()), 0),
    )


def supervision_overview(user: Worker, *, team_id: int | None = None) -> QuerySet[Worker]:
    """The manager's list: workers with their supervision dates, never-supervised and most overdue first."""
    workers = workers_overview_for(user)
    if team_id is not None:
        workers = workers.filter(team_id=team_id)
    return with_supervision_due(workers.select_related("team")).order_by(
        F("supervision_due").asc(nulls_first=True), "last_name", "first_name", "pk"
    )


def frequency_for(worker: Worker) -> SupervisionFrequency | None:
    return SupervisionFrequency.objects.filter(worker=worker).select_related("set_by").first()


def frequency_history(frequency: SupervisionFrequency | None) -> list:
    if frequency is None:
        return []
    return list(frequency.history.select_related("set_by").order_by("-history_date", "-history_id"))


# -- sessions and discussions ----------------------------------------------------------------------


def sessions_for_worker(user: Worker, worker: Worker) -> QuerySet[SupervisionSession]:
    """A worker's sessions, newest first, each with its number of case discussions. Oversight roles
    (who do not see personal sections) see only signed sessions."""
    sessions = SupervisionSession.objects.filter(worker=worker)
    if not (user.pk == worker.pk or can_supervise(user, worker)):
        sessions = sessions.filter(signed_at__isnull=False)
    return (
        sessions.select_related("supervisor", "signed_by")
        .annotate(discussion_count=Count("case_discussions"))
        .order_by("-held_on", "-pk")
    )


def session_discussions(user: Worker, session: SupervisionSession) -> tuple[list[CaseDiscussion], int]:
    """The session's case discussions about children `user` may see, and how many others there are."""
    everything = session.case_discussions.all()
    shown = list(
        for_visible_children(everything, user)
        .select_related("child__person")
        .order_by("child__person__last_name", "child__person__first_name", "pk")
    )
    hidden = everything.count() - len(shown)
    return shown, hidden


def caseload_children(user: Worker, worker: Worker) -> QuerySet[Child]:
    """Children allocated to `worker` (lead or otherwise, open allocations) that `user` may see:
    the children a case discussion can be about."""
    allocated = Allocation.objects.filter(worker=worker, end_date__isnull=True).values("child_id")
    return visible_children(user).filter(pk__in=allocated).order_by("person__last_name", "person__first_name", "pk")


def signed_discussions_for_child(child: Child) -> QuerySet[CaseDiscussion]:
    """Signed case discussions about a child the caller has already fetched through the access layer."""
    return (
        CaseDiscussion.objects.filter(child=child, signed_at__isnull=False)
        .select_related("session__worker", "session__supervisor")
        .order_by("-session__held_on", "-pk")
    )
