"""What supervision adds to pages owned by other apps (lantern/core/hooks.py): signed case
discussions on the child's record, and links to supervision from the menu and team pages."""

from django.urls import reverse

from lantern.core import hooks
from lantern.supervision.selectors import signed_discussions_for_child
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, Role

PANEL_SIZE = 3


@hooks.register("child_panels")
def case_discussions_panel(*, request, child):
    """The latest signed case discussions (one query)."""
    discussions = list(signed_discussions_for_child(child)[:PANEL_SIZE])
    context = {"discussions": discussions, "child_id": child.pk, "child_name": child.person.full_name}
    return [hooks.Panel(order=78, template="supervision/_child_panel.html", context=context)]


@hooks.register("child_links")
def case_discussions_link(*, request, child):
    return [
        hooks.Link(
            "Supervision case discussions",
            reverse("supervision:child_case_discussions", args=[child.pk]),
            order=78,
        )
    ]


@hooks.register("nav_items")
def supervision_nav(*, request, user):
    if user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        return [hooks.Link("Supervision", reverse("supervision:overview"), order=60)]
    if user.role in (Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER):
        return [hooks.Link("Supervision", reverse("supervision:worker", args=[user.pk]), order=60)]
    return []


@hooks.register("team_links")
def supervision_team_link(*, request, team):
    user = request.user
    if user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER) or user.role in AUTHORITY_WIDE_ROLES:
        return [hooks.Link("Supervision", f"{reverse('supervision:overview')}?team={team.pk}", order=60)]
    return []
