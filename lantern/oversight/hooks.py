"""What oversight adds to pages owned by earlier apps (see lantern/core/hooks.py).

- the child record: a panel at the top (last signed oversight, next due, the supervising social
  worker's last check-in) and one lower down with the latest three entries; a section link;
- My work: oversight due for managers, check-ins due for supervising social workers (and for
  managers looking at their team), and open oversight actions;
- the team page: a link to the team's oversight list.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lantern.casework.selectors import WORK_LIMIT, WorkItem
from lantern.core import hooks
from lantern.oversight import selectors
from lantern.workforce.models import MANAGER_ROLES, Role

#: How far ahead My work shows oversight and check-ins that are not yet overdue.
DUE_SOON_DAYS = 7


@hooks.register("child_panels")
def oversight_panels(*, request, child):
    today = timezone.localdate()
    summary = selectors.oversight_and_check_ins([child.pk]).get(child.pk)
    status, check_in = summary.oversight, summary.check_in
    top = hooks.Panel(
        order=15,
        template="oversight/_panel_summary.html",
        context={
            "status": status,
            "days_since": status.days_since(today) if status else None,
            "state": status.state(today) if status else "not_expected",
            "check_in": check_in,
            "check_in_overdue": check_in.overdue(today) if check_in else False,
            "check_in_days": check_in.days_since(today) if check_in else None,
            # The record page fetched the child through the access layer, so a manager who got
            # here may decide for the child (`can_approve_for_child`) without asking again.
            "can_record": request.user.role in MANAGER_ROLES,
            "is_supervisor": check_in is not None and check_in.supervisor_id == request.user.pk,
        },
    )
    lower = hooks.Panel(
        order=75,
        template="oversight/_panel_latest.html",
        context={"entries": selectors.latest_signed(child, limit=3)},
    )
    return [top, lower]


@hooks.register("child_links")
def oversight_links(*, request, child):
    return [hooks.Link("Management oversight", reverse("oversight:entries", args=[child.pk]), order=40)]


@hooks.register("team_links")
def oversight_team_links(*, request, team):
    if team is None:
        return []
    return [hooks.Link("Management oversight", reverse("oversight:team", args=[team.pk]), order=40)]


@hooks.register("work_items")
def oversight_work(*, user, child_ids, team, today):
    """Two set-based queries: the children's oversight and check-in status, then open actions."""
    items: list[WorkItem] = []
    if not child_ids:
        return items
    soon = today + timedelta(days=DUE_SOON_DAYS)
    manager = team or user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER)

    children = selectors.oversight_and_check_ins(child_ids)
    if manager:
        due = [
            (c.oversight.next_due, c.name, child_id)
            for child_id, c in children.items()
            if c.oversight.next_due is not None and c.oversight.next_due <= soon
        ]
        for when, name, child_id in sorted(due)[:WORK_LIMIT]:
            url = reverse("oversight:entry_new", args=[child_id])
            items.append(WorkItem("oversight", child_id, name, "Management oversight due", when, url))

    due_check_ins = sorted(
        (
            c.check_in
            for c in children.values()
            if c.check_in is not None and c.check_in.next_due <= soon and (team or c.check_in.supervisor_id == user.pk)
        ),
        key=lambda s: (s.next_due, s.child_id),
    )[:WORK_LIMIT]
    for s in due_check_ins:
        if s.supervisor_id is None:
            what = "Name a supervising social worker for the family support worker's case"
            url = reverse("oversight:supervisor", args=[s.child_id])
        elif s.supervisor_id == user.pk:
            what, url = (
                "Check-in with the family support worker due",
                reverse("oversight:check_in_new", args=[s.child_id]),
            )
        else:
            what = f"Check-in due ({s.supervisor_name}, supervising social worker)"
            url = reverse("oversight:check_ins", args=[s.child_id])
        items.append(WorkItem("check_in", s.child_id, s.child_name, what, s.next_due, url))

    actions = selectors.open_actions(child_ids, owner=None if team else user)[:WORK_LIMIT]
    for action in actions:
        mine = action.owner_id == user.pk
        what = f"Oversight action: {action.description[:80]}"
        if not mine:
            what += f" ({action.owner.display_name})"
        items.append(
            WorkItem(
                "oversight_action",
                action.entry.child_id,
                action.entry.child.person.full_name,
                what,
                action.due_date,
                reverse("oversight:entry", args=[action.entry.child_id, action.entry_id]) + f"#action-{action.pk}",
            )
        )
    return items
