"""The access log: who has viewed (or been refused) a child's record, for managers and quality
auditors who may see the child; and a search of the log by person and by child."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from lantern.access import log as access_log
from lantern.access.models import Outcome
from lantern.access.selectors import access_log_for, can_see_access_log, child_views, get_child_for_user
from lantern.core import search as searches
from lantern.core.paging import paginate

SEARCH_FIELDS = {"who": 150, "child": 30, "outcome": 10}


def child_access_log(request, child_id: int):
    child = get_child_for_user(request.user, child_id, page="Record views", path=request.path)
    if not can_see_access_log(request.user):
        raise PermissionDenied("Only managers and quality auditors can see who has viewed a record.")
    access_log.write_now()  # this visit is in the list shown
    page, query = paginate(request, child_views(child), per_page=50)
    return render(request, "access/child_views.html", {"child": child, "page_obj": page, "query_string": query})


def access_log_search(request):
    """Search the log by the person (username) and by the child (LA child ID), viewed or refused.
    The terms are posted and kept in the session (lantern/core/search.py), never in the URL."""
    if not can_see_access_log(request.user):
        raise PermissionDenied("Only managers and quality auditors can search the access log.")
    if request.method == "POST":
        terms = searches.terms_from(request.POST, SEARCH_FIELDS)
        return redirect(searches.results_url(request, "access_log", terms, reverse("access:log")))
    terms = searches.recall(request, "access_log") or {}
    who, child, outcome = terms.get("who", ""), terms.get("child", ""), terms.get("outcome", "")
    rows = access_log_for(request.user)
    if who:
        rows = rows.filter(user__username__iexact=who)
    if child:
        rows = rows.filter(child__la_child_id__iexact=child)
    if outcome in Outcome.values:
        rows = rows.filter(outcome=outcome)
    else:
        outcome = ""
    page, query = paginate(request, rows, per_page=50)
    context = {
        "who": who,
        "child": child,
        "outcome": outcome,
        "outcomes": Outcome.choices,
        "searched": bool(terms),
        "page_obj": page,
        "query_string": query,
        "expired": searches.expired(request, "access_log"),
    }
    return render(request, "access/search.html", context)
