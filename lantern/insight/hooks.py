"""What the practice standards add to pages owned by earlier apps (see lantern/core/hooks.py):

- the child record: a panel at the top with the child's open alerts, each with its severity, a
  link to the record concerned and, for the child's managers, "Respond"; a section link;
- My work: each open alert about the children on the list (due: since when it has held);
- the team page: a link to the team's alerts;
- the navigation: "Practice alerts" for managers, auditors and leaders;
- job recovery: a practice standards check whose background task was lost (its worker died) is
  marked failed, with the reason, so it never says "running" for ever.
"""

from __future__ import annotations

from django.urls import reverse

from lantern.access.selectors import can_approve_for_child
from lantern.casework.selectors import WORK_LIMIT, WorkItem
from lantern.core import hooks
from lantern.insight import selectors
from lantern.insight import standards as registry
from lantern.insight.models import Alert, EvaluationRun, RunStatus
from lantern.operations.jobs import failed_message
from lantern.workforce.models import Role

#: Alerts shown in the child record's panel; the rest are one link away.
PANEL_ALERTS = 10
MANAGING_ROLES = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER)


@hooks.register("child_panels")
def alerts_panel(*, request, child):
    """The child's open alerts (two queries: the alerts and their responses)."""
    keys = registry.keys_shown_to(request.user.role)
    if not keys:
        return []
    alerts = list(
        selectors._with_responses(
            Alert.objects.filter(child=child, cleared_at__isnull=True, standard__in=keys)
            .annotate(rank=selectors.severity_rank())
            .order_by("rank", "since", "pk")
        )[: PANEL_ALERTS + 1]
    )
    if not alerts:
        return []
    can_respond = request.user.role in MANAGING_ROLES and can_approve_for_child(request.user, child)
    context = {
        "child": child,
        "rows": selectors.rows_for(alerts[:PANEL_ALERTS]),
        "more": len(alerts) > PANEL_ALERTS,
        "can_respond": can_respond,
    }
    return [hooks.Panel(template="insight/_child_panel.html", order=5, context=context)]


@hooks.register("child_links")
def alerts_link(*, request, child):
    return [hooks.Link("Practice alerts", reverse("insight:child_alerts", args=[child.pk]), order=5)]


@hooks.register("work_items")
def alert_work_items(*, user, child_ids, team, today):
    """Open alerts for the children on the list that the user's role is shown (one query)."""
    keys = registry.keys_shown_to(user.role)
    if not child_ids or not keys:
        return []
    alerts = (
        Alert.objects.filter(child_id__in=child_ids, cleared_at__isnull=True, standard__in=keys)
        .select_related("child__person")
        .order_by("since", "pk")[:WORK_LIMIT]
    )
    items = []
    for row in selectors.rows_for(alerts):
        alert = row.alert
        items.append(
            WorkItem(
                "alert",
                alert.child_id,
                alert.child.person.full_name,
                f"Practice alert: {row.name}",
                alert.since,
                row.link or reverse("insight:child_alerts", args=[alert.child_id]),
            )
        )
    return items


@hooks.register("team_links")
def team_alerts_link(*, request, team):
    if team is None:
        return []
    return [hooks.Link("Practice alerts", reverse("insight:team_alerts", args=[team.pk]), order=20)]


@hooks.register("nav_items")
def alerts_nav(*, request, user):
    if not selectors.can_see_dashboard(user) or user.role == Role.INSPECTOR:
        return []
    return [hooks.Link("Practice alerts", reverse("insight:dashboard"), order=50)]


@hooks.register("recover_jobs")
def lost_evaluation_runs(*, lost, now) -> list[int]:
    active = (RunStatus.QUEUED, RunStatus.RUNNING)
    runs = list(EvaluationRun.objects.filter(status__in=active).exclude(task_id="").values_list("pk", "task_id"))
    if not runs:
        return []
    reasons = lost(task for _, task in runs)
    failed = []
    for pk, task_id in runs:
        if task_id in reasons:
            updated = EvaluationRun.objects.filter(pk=pk, status__in=active).update(
                status=RunStatus.FAILED, finished_at=now, message=failed_message("check", reasons[task_id])
            )
            if updated:
                failed.append(pk)
    return failed
