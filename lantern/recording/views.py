"""Pages for visits, direct work, the child's voice and a CIN plan's visit frequency. Every page
fetches the child through the one door (`casework.views.common`); recording and correcting need
a role that may change the record, and a correction is the author's or a manager's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from lantern.access.selectors import can_change_child_record
from lantern.casework.models import CINPlanChild
from lantern.casework.views.common import child_for_change, child_for_reading
from lantern.core.paging import paginate
from lantern.core.versions import StaleVersion
from lantern.recording import selectors, services
from lantern.recording.forms import DirectWorkForm, VisitForm, VisitFrequencyForm
from lantern.recording.models import DirectWorkSession, PlanVisitFrequency, Visit


def _seen(child):
    return selectors.seen_summary([child.pk]).get(child.pk)


# ---------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------


def visit_list(request, child_id: int):
    child = child_for_reading(request, child_id, "Visits")
    page, query = paginate(request, selectors.visits_for(child))
    return render(
        request,
        "recording/visit_list.html",
        {
            "child": child,
            "page_obj": page,
            "query_string": query,
            "seen": _seen(child),
            "can_record": can_change_child_record(request.user, child),
            "today": timezone.localdate(),
        },
    )


def visit_new(request, child_id: int):
    child = child_for_change(request, child_id, "Record a visit")
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_record(child=child, by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Visit recorded.")
            return redirect("recording:visit", child_id=child.pk, visit_id=visit.pk)
    return render(request, "recording/visit_form.html", {"child": child, "form": form, "visit": None})


def visit_detail(request, child_id: int, visit_id: int):
    child = child_for_reading(request, child_id, "Visit")
    visit = get_object_or_404(Visit.objects.select_related("author", "updated_by"), pk=visit_id, child=child)
    can_correct = can_change_child_record(request.user, child) and services.can_correct(request.user, visit)
    return render(
        request,
        "recording/visit_detail.html",
        {"child": child, "visit": visit, "can_correct": can_correct, "changes": selectors.changes_of(visit)},
    )


def visit_edit(request, child_id: int, visit_id: int):
    child = child_for_change(request, child_id, "Correct a visit")
    visit = get_object_or_404(Visit, pk=visit_id, child=child)
    if not services.can_correct(request.user, visit):
        raise PermissionDenied("Only the worker who recorded this visit, or a manager, can correct it.")
    form = VisitForm(request.POST or None, initial=VisitForm.initial_for(visit), record=visit)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.visit_update(
                visit=visit, by=request.user, loaded_version=form.loaded_version, **form.service_arguments()
            )
        except StaleVersion as error:
            form.keep_after_conflict(error)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if changed:
                messages.success(request, "Visit corrected. The earlier version is kept in the record's history.")
            return redirect("recording:visit", child_id=child.pk, visit_id=visit.pk)
    return render(request, "recording/visit_form.html", {"child": child, "form": form, "visit": visit})


# ---------------------------------------------------------------------------------------------
# Direct work
# ---------------------------------------------------------------------------------------------


def direct_work_list(request, child_id: int):
    child = child_for_reading(request, child_id, "Direct work")
    page, query = paginate(request, selectors.direct_work_for(child))
    return render(
        request,
        "recording/direct_work_list.html",
        {
            "child": child,
            "page_obj": page,
            "query_string": query,
            "can_record": can_change_child_record(request.user, child),
        },
    )


def direct_work_new(request, child_id: int):
    child = child_for_change(request, child_id, "Record direct work")
    form = DirectWorkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.direct_work_record(child=child, by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Direct work recorded. The child's words are in their voice.")
            return redirect("recording:direct_work", child_id=child.pk, session_id=session.pk)
    return render(request, "recording/direct_work_form.html", {"child": child, "form": form, "session": None})


def direct_work_detail(request, child_id: int, session_id: int):
    child = child_for_reading(request, child_id, "Direct work session")
    session = get_object_or_404(
        DirectWorkSession.objects.select_related("author", "updated_by"), pk=session_id, child=child
    )
    can_correct = can_change_child_record(request.user, child) and services.can_correct(request.user, session)
    return render(
        request,
        "recording/direct_work_detail.html",
        {"child": child, "session": session, "can_correct": can_correct, "changes": selectors.changes_of(session)},
    )


def direct_work_edit(request, child_id: int, session_id: int):
    child = child_for_change(request, child_id, "Correct direct work")
    session = get_object_or_404(DirectWorkSession, pk=session_id, child=child)
    if not services.can_correct(request.user, session):
        raise PermissionDenied("Only the worker who recorded this session, or a manager, can correct it.")
    form = DirectWorkForm(request.POST or None, initial=DirectWorkForm.initial_for(session), record=session)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.direct_work_update(
                session=session, by=request.user, loaded_version=form.loaded_version, **form.service_arguments()
            )
        except StaleVersion as error:
            form.keep_after_conflict(error)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if changed:
                messages.success(request, "Direct work corrected. The earlier version is kept in the record's history.")
            return redirect("recording:direct_work", child_id=child.pk, session_id=session.pk)
    return render(request, "recording/direct_work_form.html", {"child": child, "form": form, "session": session})


# ---------------------------------------------------------------------------------------------
# The child's voice and the plan's visit frequency
# ---------------------------------------------------------------------------------------------


def child_voice(request, child_id: int):
    child = child_for_reading(request, child_id, "Child's voice")
    page, query = paginate(request, selectors.child_voice(child))
    return render(
        request,
        "recording/voice.html",
        {
            "child": child,
            "page_obj": page,
            "query_string": query,
            "entries": selectors.voice_entries(page.object_list),
            "can_record": can_change_child_record(request.user, child),
        },
    )


def _current_section(child) -> CINPlanChild | None:
    return (
        CINPlanChild.objects.filter(child=child, start_date__isnull=False, end_date__isnull=True)
        .select_related("plan")
        .first()
    )


def visit_frequency(request, child_id: int):
    child = child_for_change(request, child_id, "Visit frequency")
    section = _current_section(child)
    current = PlanVisitFrequency.objects.filter(section=section).first() if section else None
    initial = {"weeks": current.weeks, "reason": current.reason} if current else {}
    form = VisitFrequencyForm(request.POST or None, initial=initial)
    if section is not None and request.method == "POST" and form.is_valid():
        try:
            services.plan_visit_frequency_set(
                section=section, weeks=form.cleaned_data["weeks"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Visit frequency saved.")
            return redirect("casework:child", child_id=child.pk)
    return render(
        request,
        "recording/visit_frequency.html",
        {"child": child, "form": form, "section": section, "seen": _seen(child)},
    )


urlpatterns = [
    path("children/<int:child_id>/visits/", visit_list, name="visits"),
    path("children/<int:child_id>/visits/new/", visit_new, name="visit_new"),
    path("children/<int:child_id>/visits/<int:visit_id>/", visit_detail, name="visit"),
    path("children/<int:child_id>/visits/<int:visit_id>/edit/", visit_edit, name="visit_edit"),
    path("children/<int:child_id>/visits/frequency/", visit_frequency, name="visit_frequency"),
    path("children/<int:child_id>/direct-work/", direct_work_list, name="direct_work_list"),
    path("children/<int:child_id>/direct-work/new/", direct_work_new, name="direct_work_new"),
    path("children/<int:child_id>/direct-work/<int:session_id>/", direct_work_detail, name="direct_work"),
    path("children/<int:child_id>/direct-work/<int:session_id>/edit/", direct_work_edit, name="direct_work_edit"),
    path("children/<int:child_id>/voice/", child_voice, name="voice"),
]
