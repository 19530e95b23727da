"""What case audits add to pages owned by earlier apps (see lantern/core/hooks.py):

- the child record: a panel with the latest submitted audit's grade (hidden from someone who is
  still moderating it) and a "Case audits" section link;
- My work: open audit actions the user owns (due on their due date, so overdue ones show as
  overdue), draft audits assigned to them, and audits waiting for their moderation; on a
  manager's team view, also the open audit actions on the team's children;
- the navigation: "Audits" for the roles that run or read audits.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from lantern.access.selectors import visible_children
from lantern.audits import selectors
from lantern.audits.models import Audit, AuditAction, AuditStatus, Moderation
from lantern.casework.selectors import WORK_LIMIT, WorkItem
from lantern.core import hooks


@hooks.register("child_panels")
def latest_audit_panel(*, request, child):
    """The latest submitted audit (one query)."""
    latest = (
        Audit.objects.filter(child=child, status=AuditStatus.SUBMITTED)
        .select_related("auditor", "moderation")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    hidden = latest is not None and selectors.grades_hidden_for(request.user, getattr(latest, "moderation", None))
    context = {"latest": latest, "hidden": hidden, "can_run": selectors.can_run_audits(request.user)}
    return [hooks.Panel(order=85, template="audits/_child_panel.html", context=context)]


@hooks.register("child_links")
def audits_link(*, request, child):
    return [hooks.Link("Case audits", reverse("audits:child_audits", args=[child.pk]), order=85)]


@hooks.register("work_items")
def audit_work(*, user, child_ids, team, today):
    """Three queries: open actions, draft audits, moderations waiting (each only for children the
    user may see, as one subquery)."""
    visible = visible_children(user).values("pk")
    items: list[WorkItem] = []
    mine = Q(owner=user)
    if team and child_ids:
        mine |= Q(audit__child_id__in=child_ids)
    actions = (
        AuditAction.objects.filter(mine, completed_at__isnull=True, audit__child__in=visible)
        .select_related("audit__child__person", "owner")
        .order_by("due_date", "pk")[:WORK_LIMIT]
    )
    for action in actions:
        what = f"Audit action: {action.description[:80]}"
        if action.owner_id != user.pk:
            what += f" ({action.owner.display_name})"
        items.append(
            WorkItem(
                "audit_action",
                action.audit.child_id,
                action.audit.child.person.full_name,
                what,
                action.due_date,
                reverse("audits:audit", args=[action.audit_id]) + f"#action-{action.pk}",
            )
        )
    if not selectors.can_run_audits(user):
        return items
    drafts = (
        Audit.objects.filter(auditor=user, status=AuditStatus.DRAFT, child__in=visible)
        .select_related("child__person")
        .order_by("created_at", "pk")[:WORK_LIMIT]
    )
    for audit in drafts:
        items.append(
            WorkItem(
                "audit",
                audit.child_id,
                audit.child.person.full_name,
                "Complete the case audit",
                None,
                reverse("audits:audit", args=[audit.pk]),
            )
        )
    moderations = (
        Moderation.objects.filter(
            moderator=user, submitted_at__isnull=True, audit__status=AuditStatus.SUBMITTED, audit__child__in=visible
        )
        .select_related("audit__child__person")
        .order_by("audit__submitted_at", "pk")[:WORK_LIMIT]
    )
    for moderation in moderations:
        items.append(
            WorkItem(
                "audit",
                moderation.audit.child_id,
                moderation.audit.child.person.full_name,
                "Moderate the case audit",
                None,
                reverse("audits:moderate", args=[moderation.audit_id]),
            )
        )
    return items


@hooks.register("nav_items")
def audits_nav(*, request, user):
    if not selectors.can_read_reports(user):
        return []
    return [hooks.Link("Audits", reverse("audits:index"), order=70)]
