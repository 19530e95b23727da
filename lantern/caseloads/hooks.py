"""What caseloads adds to pages owned by earlier apps (lantern/core/hooks.py)."""

from __future__ import annotations

from django.urls import reverse

from lantern.caseloads import selectors
from lantern.core import hooks
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, Role


@hooks.register("team_links")
def team_links(*, request, team):
    if team is None:
        return []
    return [
        hooks.Link("Caseloads dashboard", reverse("caseloads:team", args=[team.pk]), order=10),
        hooks.Link("Worker continuity", reverse("caseloads:continuity", args=[team.pk]), order=11),
    ]


@hooks.register("child_links")
def child_links(*, request, child):
    """'Allocate a worker' for the managers who may allocate (one query, and only for managers)."""
    user = getattr(request, "user", None)
    if user is None or user.role not in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        return []
    if not selectors.may_allocate(user, selectors.lead_allocation(child)):
        return []
    return [hooks.Link("Allocate a worker", reverse("caseloads:allocate", args=[child.pk]), order=20)]


@hooks.register("nav_items")
def nav_items(*, request, user):
    """No query: the user's team and service are on the user row."""
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return [hooks.Link("Caseloads", reverse("caseloads:team", args=[user.team_id]), order=30)]
    if user.role == Role.SERVICE_MANAGER and user.service_id:
        return [hooks.Link("Caseloads", reverse("caseloads:service", args=[user.service_id]), order=30)]
    if user.role in AUTHORITY_WIDE_ROLES:
        return [hooks.Link("Caseloads", reverse("caseloads:overview"), order=30)]
    return []
