"""Reads of casework data. Every child-scoped read starts from the access layer's queryset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from lantern.access.selectors import visible_children
from lantern.casework.models import ChildProtectionPlan, ChildStatus, CINEpisode, EarlyHelpEpisode
from lantern.core import hooks
from lantern.core.forms import date_from_parts
from lantern.core.identifiers import normalise_nhs_number, normalise_upn
from lantern.people.models import Child
from lantern.workforce.models import Allocation, AllocationRole, Role, Worker


def with_status(children: QuerySet[Child]) -> QuerySet[Child]:
    """Annotate `status` (cp, cin, eh, closed) with three EXISTS subqueries - one query in all."""
    open_cp = ChildProtectionPlan.objects.filter(child=OuterRef("pk"), end_date__isnull=True)
    open_cin = CINEpisode.objects.filter(child=OuterRef("pk"), closure_date__isnull=True)
    open_eh = EarlyHelpEpisode.objects.filter(child=OuterRef("pk"), end_date__isnull=True)
    return children.annotate(
        status=Case(
            When(Exists(open_cp), then=Value(ChildStatus.CHILD_PROTECTION)),
            When(Exists(open_cin), then=Value(ChildStatus.CHILD_IN_NEED)),
            When(Exists(open_eh), then=Value(ChildStatus.EARLY_HELP)),
            default=Value(ChildStatus.CLOSED),
            output_field=CharField(),
        )
    )


def with_lead(children: QuerySet[Child]) -> QuerySet[Child]:
    """Annotate the current lead allocation's team name, worker name and start date."""
    lead = Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=True, role=AllocationRole.LEAD)
    return children.annotate(
        lead_team_name=Subquery(lead.values("team__name")[:1]),
        lead_worker_first=Subquery(lead.values("worker__first_name")[:1]),
        lead_worker_last=Subquery(lead.values("worker__last_name")[:1]),
    )


def caseload_for(user: Worker, worker: Worker) -> QuerySet[Child]:
    """Children with an open allocation to `worker`, as seen by `user`, oldest allocation first."""
    mine = Allocation.objects.filter(child=OuterRef("pk"), worker=worker, end_date__isnull=True)
    children = visible_children(user).filter(Exists(mine))
    return (
        with_lead(with_status(children))
        .annotate(
            my_role=Subquery(mine.values("role")[:1]),
            allocated_since=Subquery(mine.values("start_date")[:1]),
        )
        .order_by("person__last_name", "person__first_name", "pk")
    )


def search_children(user: Worker, query: str) -> QuerySet[Child]:
    """Children the user may see matching a name, LA child ID, UPN, NHS number or date of birth.

    The kind of search is read from the query, so each one is a single indexed lookup:
    a date (31/01/2015 or 2015-01-31) matches the date of birth or expected date of birth;
    one word containing a digit matches the LA child ID, UPN, former UPN or NHS number (spaces in
    an NHS number are fine); anything else matches every word against the start of the first,
    preferred or last name.
    """
    query = " ".join(query.split())
    children = visible_children(user)
    if not query:
        return children.none()
    day = parse_search_date(query)
    digits = normalise_nhs_number(query)
    if day is not None:
        condition = Q(person__date_of_birth=day) | Q(person__expected_date_of_birth=day)
    elif any(ch.isdigit() for ch in query) and (" " not in query or digits.isdigit()):
        upn = normalise_upn(query)
        condition = Q(la_child_id=query) | Q(la_child_id=query.upper()) | Q(upn=upn) | Q(former_upn=upn)
        if digits.isdigit() and len(digits) == 10:
            condition |= Q(nhs_number=digits)
    else:
        words = [w for w in query.split(" ") if w][:4]
        condition = Q()
        for word in words:
            condition &= (
                Q(person__last_name__istartswith=word)
                | Q(person__first_name__istartswith=word)
                | Q(person__preferred_name__istartswith=word)
            )
    return with_lead(with_status(children.filter(condition))).order_by(
        Upper("person__last_name"), Upper("person__first_name"), "pk"
    )


def parse_search_date(text: str) -> date | None:
    for sep in ("/", "-", "."):
        parts = text.split(sep)
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            continue
        if len(parts[0]) == 4:
            return date_from_parts(parts[2], parts[1], parts[0])
        return date_from_parts(*parts)
    return None


def episodes_for(child: Child) -> QuerySet[CINEpisode]:
    """A fetched child's CIN episodes, newest first (the child came through the access layer)."""
    return CINEpisode.objects.filter(child=child).select_related("team", "closed_by").order_by("-referral_date")


def early_help_for(child: Child) -> QuerySet[EarlyHelpEpisode]:
    return EarlyHelpEpisode.objects.filter(child=child).select_related("team").order_by("-start_date")


def cp_plans_for(child: Child) -> QuerySet[ChildProtectionPlan]:
    return ChildProtectionPlan.objects.filter(child=child).order_by("-start_date")


def pathway_for(child: Child) -> dict:
    """The pathway records shown on the child record (child already fetched through the door)."""
    from lantern.casework.models import (
        Assessment,
        CINPlanChild,
        ClosureRequest,
        Section47,
        StepDown,
        WorkStatus,
    )
    from lantern.workforce.models import Transfer, TransferStatus

    open_episode = CINEpisode.objects.filter(child=child, closure_date__isnull=True).first()
    return {
        "open_episode": open_episode,
        "assessments": list(Assessment.objects.filter(child=child).order_by("-start_date", "-pk")),
        "plan_sections": list(
            CINPlanChild.objects.filter(child=child).select_related("plan").order_by("-plan__created_at", "-pk")
        ),
        "section47s": list(Section47.objects.filter(child=child).order_by("-start_date", "-pk")),
        "pending_step_downs": list(StepDown.objects.filter(child=child, status=WorkStatus.SUBMITTED)),
        "pending_closures": list(ClosureRequest.objects.filter(child=child, status=WorkStatus.SUBMITTED)),
        "open_transfers": list(
            Transfer.objects.filter(
                child=child, status__in=[TransferStatus.PENDING, TransferStatus.DISPUTED]
            ).select_related("to_team")
        ),
    }


def status_of(child: Child) -> str:
    return with_status(Child.objects.filter(pk=child.pk)).values_list("status", flat=True).get()


def statuses_of(child_ids: list[int]) -> dict[int, str]:
    """Status for many children in one query (used for siblings on the child record)."""
    rows = with_status(Child.objects.filter(pk__in=child_ids)).values_list("pk", "status")
    return dict(rows)


# ---------------------------------------------------------------------------------------------
# My work: what is due and overdue, for a worker's own children or a manager's team
# ---------------------------------------------------------------------------------------------

WORK_LIMIT = 300  # per kind of item; a list longer than this is a caseload problem, not a page problem


@dataclass(frozen=True)
class WorkItem:
    kind: str
    child_id: int
    child_name: str
    what: str
    due: date | None
    url: str
    awaiting_approval: bool = False

    def state(self, today: date) -> str:
        if self.due is None:
            return "waiting"
        if self.due < today:
            return "overdue"
        if self.due == today:
            return "today"
        return "upcoming"


def children_for_work(user: Worker, *, team: bool) -> QuerySet[Child]:
    """The children whose work a user sees on My work: their own, or their team's (managers)."""
    visible = visible_children(user)
    if team and user.role == Role.TEAM_MANAGER and user.team_id:
        held = Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=True, team_id=user.team_id)
    elif team and user.role == Role.SERVICE_MANAGER and user.service_id:
        held = Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=True, team__service_id=user.service_id)
    else:
        held = Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=True, worker=user)
    return visible.filter(Exists(held))


def work_items(user: Worker, *, team: bool = False) -> list[WorkItem]:
    """Everything due on the pathway for the chosen children, soonest first. A fixed number of
    queries (one per kind of item) whatever the caseload."""
    from lantern.casework.models import (
        Assessment,
        CINPlanChild,
        ClosureRequest,
        Contact,
        StepDown,
        WorkStatus,
    )
    from lantern.casework.services import decision_due

    # The children are fetched once (hundreds at most); each table is then read by its child index.
    children = list(children_for_work(user, team=team).values_list("pk", flat=True))
    items: list[WorkItem] = []

    contacts = (
        Contact.objects.filter(child__in=children, decision__isnull=True)
        .select_related("child__person")
        .order_by("received_at")[:WORK_LIMIT]
    )
    for c in contacts:
        items.append(
            WorkItem(
                "decision",
                c.child_id,
                c.child.person.full_name,
                "Threshold decision on a contact",
                decision_due(c),
                reverse("casework:contact_decide", args=[c.child_id, c.pk]),
            )
        )

    for a in (
        Assessment.objects.filter(
            child__in=children, status__in=[WorkStatus.DRAFT, WorkStatus.RETURNED, WorkStatus.SUBMITTED]
        )
        .select_related("child__person")
        .order_by("due_date")[:WORK_LIMIT]
    ):
        what = {
            WorkStatus.DRAFT: "Complete the assessment",
            WorkStatus.RETURNED: "Assessment returned: revise and resubmit",
            WorkStatus.SUBMITTED: "Assessment awaiting approval",
        }[a.status]
        items.append(
            WorkItem(
                "assessment",
                a.child_id,
                a.child.person.full_name,
                what,
                a.due_date,
                reverse("casework:assessment", args=[a.child_id, a.pk]),
                a.status == WorkStatus.SUBMITTED,
            )
        )

    sections = (
        CINPlanChild.objects.filter(child__in=children, end_date__isnull=True)
        .exclude(plan__status=WorkStatus.APPROVED, start_date__isnull=True)
        .select_related("child__person", "plan")
        .order_by("plan__next_review_date", "pk")[:WORK_LIMIT]
    )
    for s in sections:
        plan = s.plan
        url = reverse("casework:plan", args=[s.child_id, plan.pk])
        if plan.status == WorkStatus.APPROVED:
            what, due, waiting = "CIN plan review", plan.next_review_date, False
        elif plan.status == WorkStatus.SUBMITTED:
            what, due, waiting = "CIN plan awaiting approval", None, True
        else:
            what, due, waiting = (
                "CIN plan returned: revise and resubmit"
                if plan.status == WorkStatus.RETURNED
                else "Finish the CIN plan",
                None,
                False,
            )
        items.append(WorkItem("plan", s.child_id, s.child.person.full_name, what, due, url, waiting))

    for sd in StepDown.objects.filter(child__in=children, status=WorkStatus.SUBMITTED).select_related("child__person")[
        :WORK_LIMIT
    ]:
        items.append(
            WorkItem(
                "step_down",
                sd.child_id,
                sd.child.person.full_name,
                "Step-down awaiting approval",
                None,
                reverse("casework:step_down", args=[sd.child_id, sd.pk]),
                True,
            )
        )
    for cr in ClosureRequest.objects.filter(child__in=children, status=WorkStatus.SUBMITTED).select_related(
        "child__person"
    )[:WORK_LIMIT]:
        items.append(
            WorkItem(
                "closure",
                cr.child_id,
                cr.child.person.full_name,
                "Closure awaiting approval",
                None,
                reverse("casework:closure", args=[cr.child_id, cr.pk]),
                True,
            )
        )
    # Work from later apps (visits due, oversight due, alerts ...): see lantern/core/hooks.py.
    items.extend(hooks.collect("work_items", user=user, child_ids=children, team=team, today=timezone.localdate()))
    items.sort(key=lambda i: (i.due is None, i.due or date.max, i.child_name))
    return items
