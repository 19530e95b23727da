"""Reads of management oversight and check-ins. Lists of children start from the access layer
(`visible_children`) or from child ids a page already fetched through it.

When is oversight due? On a child with an open child in need episode or child protection plan:
- after a signed entry: on the entry's next oversight date, and never later than the council's
  `oversight_weeks` after it was signed;
- with no signed entry yet: `oversight_weeks` after the later of the current lead allocation's
  start and the open episode's referral (or the plan's start).

A check-in by the supervising social worker is due on a case held by a family support worker
`fsw_checkin_weeks` after the later of the last check-in and the start of the family support
worker's allocation.

Every function here costs a fixed number of queries whatever the number of children.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from lantern.access.selectors import visible_children
from lantern.casework.models import ChildProtectionPlan, CINEpisode
from lantern.core.local_settings import get_setting
from lantern.oversight.models import CheckIn, OversightAction, OversightEntry
from lantern.people.models import Child
from lantern.workforce.models import CASE_HOLDING_ROLES, Allocation, AllocationRole, Role, Team, Worker

# ---------------------------------------------------------------------------------------------
# Management oversight
# ---------------------------------------------------------------------------------------------


def _signed_entries():
    return OversightEntry.objects.filter(child=OuterRef("pk"), signed_at__isnull=False).order_by("-signed_at", "-pk")


def annotate_last_oversight(children: QuerySet[Child]) -> QuerySet[Child]:
    """Add `last_oversight`: the (local) date the child's latest signed oversight entry was signed."""
    return children.annotate(
        last_oversight=Subquery(_signed_entries().annotate(on=TruncDate("signed_at")).values("on")[:1])
    )


def _annotate_for_status(children: QuerySet[Child]) -> QuerySet[Child]:
    """Everything `OversightStatus` needs, as subqueries on the children (one query in all)."""
    signed = _signed_entries()
    lead = Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=True, role=AllocationRole.LEAD)
    return children.annotate(
        ov_signed_at=Subquery(signed.values("signed_at")[:1]),
        ov_next=Subquery(signed.values("next_oversight_date")[:1]),
        ov_first=Subquery(signed.values("signed_by__first_name")[:1]),
        ov_last=Subquery(signed.values("signed_by__last_name")[:1]),
        ov_referral=Subquery(
            CINEpisode.objects.filter(child=OuterRef("pk"), closure_date__isnull=True).values("referral_date")[:1]
        ),
        ov_cp_start=Subquery(
            ChildProtectionPlan.objects.filter(child=OuterRef("pk"), end_date__isnull=True).values("start_date")[:1]
        ),
        ov_lead_start=Subquery(lead.values("start_date")[:1]),
    )


STATUS_FIELDS = ("ov_signed_at", "ov_next", "ov_first", "ov_last", "ov_referral", "ov_cp_start", "ov_lead_start")


@dataclass(frozen=True)
class OversightStatus:
    open_case: bool
    last_signed: date | None  # local date of the latest signed entry
    last_signed_by: str
    next_due: date | None  # None when the child has no open case

    def days_since(self, today: date) -> int | None:
        return None if self.last_signed is None else (today - self.last_signed).days

    def overdue(self, today: date) -> bool:
        return self.next_due is not None and self.next_due < today

    def state(self, today: date) -> str:
        if self.next_due is None:
            return "not_expected"
        if self.next_due < today:
            return "overdue"
        if self.next_due == today:
            return "today"
        return "upcoming"


def _local_date(value: datetime | None) -> date | None:
    return None if value is None else timezone.localtime(value).date()


def status_from_row(row: dict, *, weeks: int) -> OversightStatus:
    last = _local_date(row["ov_signed_at"])
    episode_start = row["ov_referral"] or row["ov_cp_start"]
    open_case = row["ov_referral"] is not None or row["ov_cp_start"] is not None
    due = None
    if open_case:
        if last is not None:
            due = last + timedelta(weeks=weeks)
            if row["ov_next"] is not None:
                due = min(due, row["ov_next"])
        else:
            base = max(d for d in (episode_start, row["ov_lead_start"]) if d is not None)
            due = base + timedelta(weeks=weeks)
    name = " ".join(p for p in (row["ov_first"], row["ov_last"]) if p)
    return OversightStatus(open_case=open_case, last_signed=last, last_signed_by=name, next_due=due)


def oversight_status(child_ids) -> dict[int, OversightStatus]:
    """Oversight status for the given children (ids a page already has through the access layer). One query."""
    weeks = get_setting("oversight_weeks")
    rows = _annotate_for_status(Child.objects.filter(pk__in=child_ids)).values("pk", *STATUS_FIELDS)
    return {row["pk"]: status_from_row(row, weeks=weeks) for row in rows}


def entries_for(user: Worker, child: Child) -> QuerySet[OversightEntry]:
    """A fetched child's entries, newest first: every signed entry, and the user's own drafts."""
    return (
        OversightEntry.objects.filter(child=child)
        .filter(Q(signed_at__isnull=False) | Q(author=user))
        .select_related("author", "signed_by")
        .order_by(F("signed_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def entry_for(user: Worker, child: Child, entry_id: int) -> OversightEntry:
    """One entry of a fetched child: signed, or the user's own draft (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(entries_for(user, child), pk=entry_id)


def action_owner_choices(child: Child, author: Worker) -> QuerySet[Worker]:
    """Who may own an action: active case-holding workers of the teams holding the child, the
    child's allocated workers, and the manager writing the entry."""
    open_allocations = Allocation.objects.filter(child=child, end_date__isnull=True)
    in_teams = Q(team_id__in=open_allocations.values("team_id"), role__in=CASE_HOLDING_ROLES)
    allocated = Q(pk__in=open_allocations.filter(worker__isnull=False).values("worker_id"))
    return Worker.objects.filter(in_teams | allocated | Q(pk=author.pk), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def latest_signed(child: Child, *, limit: int = 3) -> list[OversightEntry]:
    return list(
        OversightEntry.objects.filter(child=child, signed_at__isnull=False)
        .select_related("signed_by")
        .order_by("-signed_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------------------------------------
# The team's list
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    child_id: int
    name: str
    la_child_id: str
    worker: str
    status: OversightStatus
    days_since: int | None
    overdue: bool


def open_children_held_by(user: Worker, team: Team) -> QuerySet[Child]:
    """Children the user may see whose lead allocation is with the team and whose case is open."""
    held = Allocation.objects.filter(child=OuterRef("pk"), team=team, end_date__isnull=True, role=AllocationRole.LEAD)
    open_cin = CINEpisode.objects.filter(child=OuterRef("pk"), closure_date__isnull=True)
    open_cp = ChildProtectionPlan.objects.filter(child=OuterRef("pk"), end_date__isnull=True)
    return visible_children(user).filter(Exists(held)).filter(Exists(open_cin) | Exists(open_cp))


SORTS = {"overdue": "Most overdue first", "name": "Name"}


def team_oversight(user: Worker, team: Team, *, today: date, sort: str = "overdue") -> list[TeamRow]:
    """Every open child held by the team, with their oversight status (one query).

    A team holds hundreds of children at most, so the rows are sorted in Python: most overdue
    first (the earliest due date), or by name."""
    weeks = get_setting("oversight_weeks")
    lead = Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=True, role=AllocationRole.LEAD)
    rows = (
        _annotate_for_status(open_children_held_by(user, team))
        .annotate(
            worker_first=Subquery(lead.values("worker__first_name")[:1]),
            worker_last=Subquery(lead.values("worker__last_name")[:1]),
        )
        .values(
            "pk",
            "la_child_id",
            "person__first_name",
            "person__last_name",
            "worker_first",
            "worker_last",
            *STATUS_FIELDS,
        )
    )
    result = []
    for row in rows:
        status = status_from_row(row, weeks=weeks)
        result.append(
            TeamRow(
                child_id=row["pk"],
                name=f"{row['person__first_name']} {row['person__last_name']}",
                la_child_id=row["la_child_id"],
                worker=" ".join(p for p in (row["worker_first"], row["worker_last"]) if p),
                status=status,
                days_since=status.days_since(today),
                overdue=status.overdue(today),
            )
        )
    if sort == "name":
        result.sort(key=lambda r: (r.name.split(" ")[-1].lower(), r.name.lower(), r.child_id))
    else:
        result.sort(key=lambda r: (r.status.next_due or date.max, r.name.lower(), r.child_id))
    return result


# ---------------------------------------------------------------------------------------------
# Check-ins on cases held by family support workers (L4)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInStatus:
    child_id: int
    child_name: str
    supervisor_id: int | None  # None: nobody is named as supervising social worker
    supervisor_name: str
    fsw_name: str
    last_check_in: date | None
    next_due: date

    def overdue(self, today: date) -> bool:
        return self.next_due < today

    def days_since(self, today: date) -> int | None:
        return None if self.last_check_in is None else (today - self.last_check_in).days


CHECK_IN_FIELDS = ("ci_fsw_start", "ci_fsw_first", "ci_fsw_last", "ci_sup_id", "ci_sup_first", "ci_sup_last", "ci_last")


def _annotate_check_in(children: QuerySet[Child]) -> QuerySet[Child]:
    """The family support worker's lead allocation (if the lead worker is one), the supervising
    social worker and the last check-in, as subqueries on the children."""
    fsw_lead = Allocation.objects.filter(
        child=OuterRef("pk"), end_date__isnull=True, role=AllocationRole.LEAD, worker__role=Role.FAMILY_SUPPORT_WORKER
    )
    supervising = Allocation.objects.filter(
        child=OuterRef("pk"), end_date__isnull=True, role=AllocationRole.SUPERVISING_SOCIAL_WORKER, worker__isnull=False
    ).order_by("start_date", "pk")  # two named: the longest-standing one
    last = CheckIn.objects.filter(child=OuterRef("pk")).order_by("-held_on", "-pk")
    return children.annotate(
        ci_fsw_start=Subquery(fsw_lead.values("start_date")[:1]),
        ci_fsw_first=Subquery(fsw_lead.values("worker__first_name")[:1]),
        ci_fsw_last=Subquery(fsw_lead.values("worker__last_name")[:1]),
        ci_sup_id=Subquery(supervising.values("worker_id")[:1]),
        ci_sup_first=Subquery(supervising.values("worker__first_name")[:1]),
        ci_sup_last=Subquery(supervising.values("worker__last_name")[:1]),
        ci_last=Subquery(last.values("held_on")[:1]),
    )


def check_in_from_row(row: dict, *, weeks: int) -> CheckInStatus | None:
    """None unless the child's lead worker is a family support worker. The next check-in is due
    `weeks` after the later of the last check-in and the start of the family support worker's
    allocation (the same rule as the practice standard)."""
    start = row["ci_fsw_start"]
    if start is None:
        return None
    last_on = row["ci_last"]
    base = max(start, last_on) if last_on is not None else start
    return CheckInStatus(
        child_id=row["pk"],
        child_name=f"{row['person__first_name']} {row['person__last_name']}",
        supervisor_id=row["ci_sup_id"],
        supervisor_name=f"{row['ci_sup_first'] or ''} {row['ci_sup_last'] or ''}".strip(),
        fsw_name=f"{row['ci_fsw_first'] or ''} {row['ci_fsw_last'] or ''}".strip(),
        last_check_in=last_on,
        next_due=base + timedelta(weeks=weeks),
    )


def check_in_status(child_ids) -> dict[int, CheckInStatus]:
    """For the given children whose lead worker is a family support worker: the supervising social
    worker (None if nobody is named), the last check-in, and when the next is due. One query."""
    weeks = get_setting("fsw_checkin_weeks")
    rows = _annotate_check_in(Child.objects.filter(pk__in=child_ids)).values(
        "pk", "person__first_name", "person__last_name", *CHECK_IN_FIELDS
    )
    return {row["pk"]: status for row in rows if (status := check_in_from_row(row, weeks=weeks)) is not None}


@dataclass(frozen=True)
class ChildOversight:
    name: str
    oversight: OversightStatus
    check_in: CheckInStatus | None


def oversight_and_check_ins(child_ids) -> dict[int, ChildOversight]:
    """Oversight and check-in status together, for the child record and My work. One query."""
    weeks = get_setting("oversight_weeks")
    check_in_weeks = get_setting("fsw_checkin_weeks")
    rows = _annotate_check_in(_annotate_for_status(Child.objects.filter(pk__in=child_ids))).values(
        "pk", "person__first_name", "person__last_name", *STATUS_FIELDS, *CHECK_IN_FIELDS
    )
    return {
        row["pk"]: ChildOversight(
            name=f"{row['person__first_name']} {row['person__last_name']}",
            oversight=status_from_row(row, weeks=weeks),
            check_in=check_in_from_row(row, weeks=check_in_weeks),
        )
        for row in rows
    }


def supervisor_candidates(child: Child) -> QuerySet[Worker]:
    """Active social workers in the team holding the child (who may supervise a family support worker's case)."""
    teams = Allocation.objects.filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD).values("team_id")
    return Worker.objects.filter(team_id__in=teams, role=Role.SOCIAL_WORKER, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def check_ins_for(child: Child) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(child=child)
        .select_related("author", "family_support_worker")
        .order_by("-held_on", "-pk")
    )


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


def open_actions(child_ids, *, owner: Worker | None = None) -> QuerySet[OversightAction]:
    """Actions of signed entries not yet done, for the given children (and owner, if given)."""
    actions = OversightAction.objects.filter(
        entry__child_id__in=child_ids, entry__signed_at__isnull=False, completion__isnull=True
    )
    if owner is not None:
        actions = actions.filter(owner=owner)
    return actions.select_related("entry__child__person", "owner").order_by("due_date", "pk")
