"""Navigation for the page chrome: which sections the signed-in user has."""

from django.urls import reverse

from lantern.access.selectors import RETURN_ROLES, can_run_return
from lantern.core import hooks
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, CASE_HOLDING_ROLES, Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.role in CASE_HOLDING_ROLES:
        items.append(("My caseload", reverse("casework:caseload")))
    if user.role in CASE_HOLDING_ROLES or user.role == Role.SERVICE_MANAGER:
        items.append(("My work", reverse("casework:my_work")))
    if user.role == Role.TEAM_MANAGER and user.team_id:
        items.append(("My team", reverse("workforce:team", args=[user.team_id])))
    if user.role == Role.SERVICE_MANAGER or user.role in AUTHORITY_WIDE_ROLES:
        items.append(("Teams", reverse("workforce:teams")))
    if user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER):
        items.append(("Transfers", reverse("casework:transfers")))
    if user.role in CASE_HOLDING_ROLES or user.role in (Role.SERVICE_MANAGER, Role.SENIOR_LEADER):
        items.append(("Front door", reverse("casework:front_door")))
    items.extend((link.text, link.href) for link in hooks.collect_sorted("nav_items", request=request, user=user))
    if user.role != Role.COUNCIL_ADMIN:
        items.append(("Find a child", reverse("casework:search")))
    if any(can_run_return(user, kind) for kind in RETURN_ROLES):
        items.append(("Returns", reverse("returns:index")))
    path = request.path
    # One item is current: the one whose address is the longest prefix of this page's
    # ("Caseloads" at /teams/3/caseloads/, not also "My team" at /teams/3/).
    matches = [href for _, href in items if path == href or (href != "/" and path.startswith(href))]
    current = max(matches, key=len) if matches else None
    return {"nav_items": [{"text": text, "href": href, "active": href == current} for text, href in items]}
