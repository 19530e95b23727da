"""Pages about children: My caseload, search and the child record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lantern.access.selectors import (
    can_change_child_record,
    can_see_access_log,
    get_child_for_user,
    visible_children,
)
from lantern.casework import selectors
from lantern.casework.views.common import apply_service_errors
from lantern.core import hooks
from lantern.core import search as searches
from lantern.core.paging import paginate
from lantern.core.versions import StaleVersion
from lantern.people import services as people_services
from lantern.people.forms import ChildIdentityForm
from lantern.people.models import ChildDisability
from lantern.people.selectors import address_history, current_address, family_of
from lantern.workforce.selectors import current_allocations


def caseload(request):
    page, query = paginate(request, selectors.caseload_for(request.user, request.user))
    return render(request, "casework/caseload.html", {"page_obj": page, "query_string": query})


def search(request):
    """Find a child. The terms are posted and kept in the session, never put in the URL
    (lantern/core/search.py): results pages are /search/?s=<key>&page=N."""
    if request.method == "POST":
        terms = searches.terms_from(request.POST, {"q": 100})
        if not terms["q"]:
            return redirect("casework:search")
        return redirect(searches.results_url(request, "children", terms, reverse("casework:search")))
    q = (searches.recall(request, "children") or {}).get("q", "")
    page = query = None
    if q:
        page, query = paginate(request, selectors.search_children(request.user, q))
    context = {"q": q, "page_obj": page, "query_string": query, "expired": searches.expired(request, "children")}
    return render(request, "casework/search.html", context)


def child_record(request, child_id: int):
    child = get_child_for_user(request.user, child_id, page="Child record", path=request.path)
    family = family_of(child)
    sibling_ids = [m.person.pk for m in family if m.is_child_record]
    # A related child's record is theirs: show it only to people who may see it. A restricted
    # one is left out; any other is counted but not named (as on the family view).
    visible_ids = (
        set(visible_children(request.user).filter(pk__in=sibling_ids).values_list("pk", flat=True))
        if sibling_ids
        else set()
    )
    withheld = [m for m in family if m.is_child_record and m.person.pk not in visible_ids]
    family = [m for m in family if not m.is_child_record or m.person.pk in visible_ids]
    statuses = selectors.statuses_of(sorted(visible_ids)) if visible_ids else {}
    allocations = list(current_allocations(child))
    # Sections contributed by later apps (visits, oversight, alerts ...): see lantern/core/hooks.py.
    # Panels ordered below 50 sit at the top of the record, the rest after the pathway.
    panels = hooks.collect_sorted("child_panels", request=request, child=child)
    context = {
        "top_panels": [p for p in panels if p.order < 50],
        "panels": [p for p in panels if p.order >= 50],
        "extra_links": hooks.collect_sorted("child_links", request=request, child=child),
        "child": child,
        "person": child.person,
        "status": selectors.status_of(child),
        "disabilities": ChildDisability.objects.filter(child=child).order_by("code"),
        "address": current_address(child),
        "addresses": address_history(child),
        "family": [(member, statuses.get(member.person.pk)) for member in family],
        "withheld_relatives": sum(1 for m in withheld if not m.person.child.restricted),
        "current_allocations": [a for a in allocations if a.end_date is None],
        "past_allocations": [a for a in allocations if a.end_date is not None],
        "episodes": selectors.episodes_for(child),
        "early_help": selectors.early_help_for(child),
        "cp_plans": selectors.cp_plans_for(child),
        "can_see_access_log": can_see_access_log(request.user),
        "can_change": can_change_child_record(request.user, child),
        **selectors.pathway_for(child),
        "today": timezone.localdate(),
    }
    return render(request, "casework/child_record.html", context)


def child_identity_edit(request, child_id: int):
    child = get_child_for_user(request.user, child_id, page="Change identity details", path=request.path)
    if not can_change_child_record(request.user, child):
        raise PermissionDenied("Your role can read this record but not change it.")
    if request.method == "POST":
        form = ChildIdentityForm(request.POST, child=child)
        if form.is_valid():
            try:
                changed = people_services.child_update_identity(
                    child=child, loaded_version=form.loaded_version, **form.without_version()
                )
            except StaleVersion as error:
                form.keep_after_conflict(error)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if changed:
                    messages.success(
                        request, "Identity details updated. The previous values are kept in the record's history."
                    )
                return redirect("casework:child", child_id=child.pk)
    else:
        form = ChildIdentityForm(initial=ChildIdentityForm.initial_for(child), child=child)
    return render(request, "casework/child_identity_form.html", {"child": child, "form": form})
