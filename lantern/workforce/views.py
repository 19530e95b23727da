"""Team pages for managers: workers with caseload counts, and children waiting for a worker."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from lantern.access.selectors import visible_children
from lantern.core import hooks
from lantern.core.paging import paginate
from lantern.workforce import selectors
from lantern.workforce.models import Team


def teams(request):
    visible = selectors.teams_visible_to(request.user)
    if not visible.exists():
        raise PermissionDenied("Only managers, auditors and leaders see team lists.")
    return render(request, "workforce/teams.html", {"teams": selectors.teams_with_counts(visible)})


def team(request, team_id: int):
    team = get_object_or_404(Team.objects.select_related("service"), pk=team_id)
    if not selectors.teams_visible_to(request.user).filter(pk=team.pk).exists():
        raise PermissionDenied("You can only see the teams you manage.")
    workers = list(selectors.team_workers_with_caseloads(team))
    unallocated, query = paginate(request, selectors.unallocated_children(visible_children(request.user), team))
    return render(
        request,
        "workforce/team.html",
        {
            "team": team,
            "workers": workers,
            "page_obj": unallocated,
            "query_string": query,
            # Dashboards and reports from later apps (caseloads, oversight ...): lantern/core/hooks.py
            "team_links": hooks.collect_sorted("team_links", request=request, team=team),
        },
    )
