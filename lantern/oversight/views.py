"""Management oversight pages on a child's record, check-ins, and the team's oversight list.

Every child page fetches the child through the access layer first (404 or 403, and the view is
logged); entries are then looked up among that child's entries. Managers who may decide for the
child (`can_approve_for_child`) record and sign oversight; the child's supervising social worker
records check-ins; everyone else who can see the child reads.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lantern.access.selectors import can_approve_for_child, can_change_child_record
from lantern.casework.views.common import apply_service_errors, child_for_approval, child_for_change, child_for_reading
from lantern.core.local_settings import get_setting
from lantern.core.paging import page_number, paginate
from lantern.core.versions import StaleVersion
from lantern.oversight import selectors, services
from lantern.oversight.forms import (
    ACTION_ROWS,
    ActionCompleteForm,
    AddendumForm,
    CheckInForm,
    OversightEntryForm,
    SupervisorForm,
)
from lantern.workforce.models import Team
from lantern.workforce.selectors import teams_visible_to


def _status_context(child, today) -> dict:
    status = selectors.oversight_status([child.pk]).get(child.pk)
    return {
        "status": status,
        "days_since": status.days_since(today),
        "state": status.state(today),
        "oversight_weeks": get_setting("oversight_weeks"),
    }


# ---------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------


def entries(request, child_id: int):
    child = child_for_reading(request, child_id, "Management oversight")
    today = timezone.localdate()
    page, query = paginate(request, selectors.entries_for(request.user, child))
    context = {
        "child": child,
        "page_obj": page,
        "query_string": query,
        "can_record": can_approve_for_child(request.user, child),
        "today": today,
        **_status_context(child, today),
    }
    return render(request, "oversight/entries.html", context)


def _form_page(request, child, form, *, entry=None):
    return render(
        request,
        "oversight/entry_form.html",
        {
            "child": child,
            "form": form,
            "entry": entry,
        },
    )


def entry_new(request, child_id: int):
    child = child_for_approval(request, child_id, "Record management oversight")
    owners = selectors.action_owner_choices(child, request.user)
    form = OversightEntryForm(request.POST or None, owners=owners, weeks=get_setting("oversight_weeks"))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.oversight_entry_create(child=child, author=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Draft saved. Check it and sign it: only you can see it until then.")
            return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)
    return _form_page(request, child, form)


def _detail_page(request, child, entry, *, addendum_form=None, sign_errors=None, status=200):
    user = request.user
    may_manage = can_approve_for_child(user, child)
    actions = list(entry.actions.select_related("owner", "completion__recorded_by").order_by("due_date", "pk"))
    for action in actions:
        action.can_complete = (
            entry.is_signed
            and not hasattr(action, "completion")
            and (may_manage or (action.owner_id == user.pk and can_change_child_record(user, child)))
        )
    own_draft = not entry.is_signed and entry.author_id == user.pk and may_manage
    context = {
        "child": child,
        "entry": entry,
        "actions": actions,
        "addenda": list(entry.addenda.select_related("author").order_by("created_at", "pk")),
        "can_edit": own_draft,
        "can_sign": own_draft,
        "signing_problems": list(services.signing_problems(entry).values()) if own_draft else [],
        "sign_errors": sign_errors or [],
        "can_add_addendum": entry.is_signed and may_manage,
        "addendum_form": addendum_form or AddendumForm(),
        "today": timezone.localdate(),
    }
    return render(request, "oversight/entry.html", context, status=status)


def entry_detail(request, child_id: int, entry_id: int):
    child = child_for_reading(request, child_id, "Management oversight entry")
    entry = selectors.entry_for(request.user, child, entry_id)
    return _detail_page(request, child, entry)


def entry_edit(request, child_id: int, entry_id: int):
    child = child_for_approval(request, child_id, "Change management oversight")
    entry = selectors.entry_for(request.user, child, entry_id)
    if entry.is_signed:
        raise PermissionDenied(services.SIGNED_MESSAGE)
    if entry.author_id != request.user.pk:
        raise PermissionDenied("Only the manager who wrote this draft can change it.")
    owners = selectors.action_owner_choices(child, request.user)
    rows = max(ACTION_ROWS, entry.actions.count() + 1)
    weeks = get_setting("oversight_weeks")
    if request.method != "POST":
        form = OversightEntryForm(
            initial=OversightEntryForm.initial_for(entry), owners=owners, rows=rows, weeks=weeks, record=entry
        )
        return _form_page(request, child, form, entry=entry)
    form = OversightEntryForm(request.POST, owners=owners, rows=rows, weeks=weeks)
    if not form.is_valid():
        return _form_page(request, child, form, entry=entry)
    try:
        services.oversight_entry_update(
            entry=entry, by=request.user, loaded_version=form.loaded_version, **form.service_arguments()
        )
    except StaleVersion as error:
        form.keep_after_conflict(error)
        return _form_page(request, child, form, entry=entry)
    except ValidationError as error:
        apply_service_errors(form, error)
        return _form_page(request, child, form, entry=entry)
    messages.success(request, "Draft saved. Check it and sign it: only you can see it until then.")
    return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)


def entry_sign(request, child_id: int, entry_id: int):
    child = child_for_approval(request, child_id, "Sign management oversight")
    entry = selectors.entry_for(request.user, child, entry_id)
    if request.method != "POST":
        return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)
    try:
        services.oversight_entry_sign(entry=entry, by=request.user)
    except ValidationError as error:
        return _detail_page(request, child, entry, sign_errors=error.messages, status=200)
    messages.success(request, "Oversight signed. It is on the child's file and can no longer be changed.")
    return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)


def addendum_add(request, child_id: int, entry_id: int):
    child = child_for_approval(request, child_id, "Add an addendum to management oversight")
    entry = selectors.entry_for(request.user, child, entry_id)
    if request.method != "POST":
        return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.oversight_addendum_add(entry=entry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)
    return _detail_page(request, child, entry, addendum_form=form)


def action_complete(request, child_id: int, entry_id: int, action_id: int):
    child = child_for_change(request, child_id, "Record an oversight action as done")
    entry = selectors.entry_for(request.user, child, entry_id)
    action = get_object_or_404(entry.actions.select_related("owner"), pk=action_id)
    may_manage = can_approve_for_child(request.user, child)
    if not (may_manage or action.owner_id == request.user.pk):
        raise PermissionDenied("Only the action's owner or a manager for the child can record it as done.")
    if not entry.is_signed or hasattr(action, "completion"):
        return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)
    form = ActionCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.oversight_action_complete(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Action recorded as done.")
            return redirect("oversight:entry", child_id=child.pk, entry_id=entry.pk)
    return render(
        request, "oversight/action_complete.html", {"child": child, "entry": entry, "action": action, "form": form}
    )


# ---------------------------------------------------------------------------------------------
# Check-ins
# ---------------------------------------------------------------------------------------------


def check_ins(request, child_id: int):
    child = child_for_reading(request, child_id, "Check-ins by the supervising social worker")
    today = timezone.localdate()
    page, query = paginate(request, selectors.check_ins_for(child))
    status = selectors.check_in_status([child.pk]).get(child.pk)
    context = {
        "child": child,
        "page_obj": page,
        "query_string": query,
        "check_in": status,
        "check_in_overdue": status.overdue(today) if status else False,
        "can_record": status is not None
        and status.supervisor_id == request.user.pk
        and can_change_child_record(request.user, child),
        "supervisor": services.supervising_social_worker(child) if status is None else None,
        "can_name_supervisor": status is not None and can_approve_for_child(request.user, child),
        "weeks": get_setting("fsw_checkin_weeks"),
    }
    return render(request, "oversight/check_ins.html", context)


def check_in_new(request, child_id: int):
    child = child_for_change(request, child_id, "Record a check-in")
    if not services.is_supervising_social_worker(request.user, child):
        raise PermissionDenied("Only the child's supervising social worker can record a check-in.")
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in_record(child=child, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Check-in recorded.")
            return redirect("oversight:check_ins", child_id=child.pk)
    return render(request, "oversight/check_in_form.html", {"child": child, "form": form})


def supervisor(request, child_id: int):
    """A manager names (or changes) the supervising social worker of a family support worker's case."""
    child = child_for_approval(request, child_id, "Name the supervising social worker")
    status = selectors.check_in_status([child.pk]).get(child.pk)
    form = None
    if status is not None:
        form = SupervisorForm(
            request.POST or None,
            social_workers=selectors.supervisor_candidates(child),
            reasons=services.SUPERVISOR_REASONS,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.supervising_social_worker_assign(child=child, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                name = form.cleaned_data["worker"].display_name
                messages.success(request, f"{name} is now the supervising social worker.")
                return redirect("oversight:check_ins", child_id=child.pk)
    return render(request, "oversight/supervisor_form.html", {"child": child, "status": status, "form": form})


# ---------------------------------------------------------------------------------------------
# The team's list
# ---------------------------------------------------------------------------------------------


def team(request, team_id: int):
    team = get_object_or_404(Team.objects.select_related("service"), pk=team_id)
    if not teams_visible_to(request.user).filter(pk=team.pk).exists():
        raise PermissionDenied("You can only see the teams you manage.")
    sort = request.GET.get("sort", "overdue")
    if sort not in selectors.SORTS:
        sort = "overdue"
    today = timezone.localdate()
    rows = selectors.team_oversight(request.user, team, today=today, sort=sort)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    context = {
        "team": team,
        "page_obj": page,
        "query_string": f"sort={sort}",
        "sort": sort,
        "sorts": selectors.SORTS,
        "overdue_count": sum(1 for r in rows if r.overdue),
        "total": len(rows),
        "today": today,
        "oversight_weeks": get_setting("oversight_weeks"),
    }
    return render(request, "oversight/team.html", context)
