"""Reads for the administration pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lantern.administration.models import AdminEvent
from lantern.workforce.models import Team, Worker


def staff(*, status: str = "active", q: str = "") -> QuerySet[Worker]:
    """Staff for the list: active, deactivated or all; with role, team and last sign-in."""
    workers = Worker.objects.select_related("team", "service").order_by("last_name", "first_name", "username")
    if status == "active":
        workers = workers.filter(is_active=True)
    elif status == "inactive":
        workers = workers.filter(is_active=False)
    if q:
        workers = workers.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    return workers


def overview() -> dict:
    return {
        "active_staff": Worker.objects.filter(is_active=True).count(),
        "inactive_staff": Worker.objects.filter(is_active=False).count(),
        "active_teams": Team.objects.filter(active=True).count(),
        "recent": AdminEvent.objects.select_related("actor")[:10],
    }
