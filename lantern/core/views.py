"""The landing page. (Sign-in lives in lantern.identity.)"""

from django.shortcuts import redirect
from django.urls import reverse

from lantern.workforce.models import AUTHORITY_WIDE_ROLES, CASE_HOLDING_ROLES, Role


def home(request):
    """Land each person where their work is."""
    user = request.user
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return redirect("workforce:team", team_id=user.team_id)
    if user.role in CASE_HOLDING_ROLES:
        return redirect("casework:caseload")
    if user.role == Role.SERVICE_MANAGER or user.role in AUTHORITY_WIDE_ROLES:
        return redirect("workforce:teams")
    if user.role == Role.COUNCIL_ADMIN:
        return redirect("administration:index")
    return redirect(reverse("casework:search"))
