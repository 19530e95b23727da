"""Child and family assessments (L12, L19): start, write in sections beside a history drawn from
the record, submit to a manager, and the manager's graded decision (L15)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateformat import format as date_format

from lantern.access.selectors import can_approve_for_child, can_change_child_record
from lantern.approvals.services import AlreadyDecided, approvals_for
from lantern.casework import services
from lantern.casework.forms_assessments import (
    FACTOR_GROUPS,
    NO_FACTORS,
    SAFETY_SCALE_HINT,
    AssessmentDecisionForm,
    AssessmentForm,
    AssessmentStartForm,
)
from lantern.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    EarlyHelpEpisode,
    WorkStatus,
)
from lantern.casework.views.common import (
    after_decision,
    already_decided,
    apply_service_errors,
    child_for_change,
    child_for_decision,
    child_for_reading,
)
from lantern.core import codes
from lantern.core.calendar import working_days_between
from lantern.core.local_settings import get_setting
from lantern.core.versions import StaleVersion
from lantern.people.models import Child, ChildDisability
from lantern.workforce.models import Allocation

EDITABLE = (WorkStatus.DRAFT, WorkStatus.RETURNED)


# ---------------------------------------------------------------------------------------------
# Reads for these pages (each filtered by a child already fetched through the access layer)
# ---------------------------------------------------------------------------------------------


def _assessment_for(child: Child, assessment_id: int) -> Assessment:
    return get_object_or_404(Assessment.objects.select_related("episode", "author"), pk=assessment_id, child=child)


def _timescale(assessment: Assessment, today: date) -> dict:
    """Where the assessment stands against its due date, in working days."""
    due = assessment.due_date
    if assessment.authorised_date:
        late = working_days_between(due, assessment.authorised_date)
        return {"done": True, "late_by": max(late, 0)}
    if today > due:
        return {"done": False, "overdue_by": working_days_between(due, today)}
    return {"done": False, "days_left": working_days_between(today, due)}


def history_extract(child: Child, assessment: Assessment) -> dict:
    """The child's history as the record holds it: earlier CIN episodes, earlier assessments, CP
    plans, early help and how many workers the child has had. Read only; a fixed number of queries."""
    as_at = assessment.authorised_date or timezone.localdate()
    year_before = as_at - timedelta(days=365)
    episodes = (
        CINEpisode.objects.filter(child=child, referral_date__lte=assessment.episode.referral_date)
        .exclude(pk=assessment.episode_id)
        .order_by("-referral_date", "-pk")
    )
    assessments = (
        Assessment.objects.filter(child=child, start_date__lte=assessment.start_date)
        .exclude(pk=assessment.pk)
        .order_by("-start_date", "-pk")
    )
    cp_plans = ChildProtectionPlan.objects.filter(child=child, start_date__lte=as_at).order_by("-start_date")
    early_help = (
        EarlyHelpEpisode.objects.filter(child=child, start_date__lte=as_at)
        .select_related("team")
        .order_by("-start_date")
    )
    workers = Allocation.objects.filter(child=child, worker__isnull=False, start_date__lte=as_at).aggregate(
        total=Count("worker", distinct=True),
        last_year=Count("worker", distinct=True, filter=Q(end_date__isnull=True) | Q(end_date__gte=year_before)),
    )
    return {
        "episodes": list(episodes),
        "assessments": list(assessments),
        "cp_plans": list(cp_plans),
        "early_help": list(early_help),
        "workers_total": workers["total"],
        "workers_last_year": workers["last_year"],
        "workers_flag": workers["last_year"] >= get_setting("worker_changes_flag"),
        "as_at": as_at,
    }


def _factor_groups(selected: set[str]) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    return [
        (heading, [(code, codes.label(codes.AssessmentFactor, code), code in selected) for code in group])
        for heading, group in FACTOR_GROUPS
    ]


def _page(request, child: Child, assessment: Assessment, *, form=None, saved_notice: bool = False):
    """Render the assessment: the form while it is a draft (for those who may change it), else read only."""
    today = timezone.localdate()
    factor_codes = sorted(assessment.factors.values_list("code", flat=True))
    editable = assessment.status in EDITABLE and can_change_child_record(request.user, child)
    if editable and form is None:
        form = AssessmentForm(initial=AssessmentForm.initial_for(assessment, factor_codes), record=assessment)
    selected = set(form["factors"].value() or []) if editable else set(factor_codes)
    context = {
        "child": child,
        "person": child.person,
        "assessment": assessment,
        "form": form,
        "editable": editable,
        "saved_notice": saved_notice,
        "timescale": _timescale(assessment, today),
        "history": history_extract(child, assessment),
        "disabilities": list(ChildDisability.objects.filter(child=child).order_by("code")),
        "factor_groups": _factor_groups(selected),
        "no_factors": (NO_FACTORS, codes.label(codes.AssessmentFactor, NO_FACTORS), NO_FACTORS in selected),
        "factor_labels": [(code, codes.label(codes.AssessmentFactor, code)) for code in factor_codes],
        "safety_scale_hint": SAFETY_SCALE_HINT,
        "assessment_days": get_setting("assessment_working_days"),
        "approvals": list(approvals_for(assessment)),
        "can_decide": assessment.status == WorkStatus.SUBMITTED and can_approve_for_child(request.user, child),
    }
    return render(request, "casework/assessments/assessment.html", context)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def assessment_list(request, child_id: int):
    child = child_for_reading(request, child_id, "Assessments")
    assessments = list(
        Assessment.objects.filter(child=child).select_related("episode", "author").order_by("-start_date", "-pk")
    )
    episode = services.open_episode(child)
    episode_id = episode.pk if episode is not None else None
    in_progress = any(a.status != WorkStatus.APPROVED and a.episode_id == episode_id for a in assessments)
    can_start = (
        episode is not None
        and not episode.referral_nfa
        and not in_progress
        and can_change_child_record(request.user, child)
    )
    today = timezone.localdate()
    rows = [(a, _timescale(a, today)) for a in assessments]
    return render(
        request,
        "casework/assessments/list.html",
        {"child": child, "rows": rows, "episode": episode, "can_start": can_start},
    )


def assessment_start(request, child_id: int):
    child = child_for_change(request, child_id, "Start an assessment")
    episode = services.open_episode(child)
    due_date = services.assessment_due_date(episode) if episode is not None else None
    form = AssessmentStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(
                child=child, start_date=form.cleaned_data["start_date"], author=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            days = get_setting("assessment_working_days")
            due = date_format(assessment.due_date, "j F Y")
            messages.success(request, f"Assessment started. It is due by {due}, {days} working days from the referral.")
            return redirect("casework:assessment", child_id=child.pk, assessment_id=assessment.pk)
    return render(
        request,
        "casework/assessments/start.html",
        {
            "child": child,
            "form": form,
            "episode": episode,
            "due_date": due_date,
            "assessment_days": get_setting("assessment_working_days"),
        },
    )


def assessment_detail(request, child_id: int, assessment_id: int):
    if request.method == "POST":
        child = child_for_change(request, child_id, "Assessment")
    else:
        child = child_for_reading(request, child_id, "Assessment")
    assessment = _assessment_for(child, assessment_id)
    if request.method != "POST":
        return _page(request, child, assessment)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_update(
                assessment=assessment, loaded_version=form.loaded_version, **form.service_arguments()
            )
        except StaleVersion as error:
            form.keep_after_conflict(error)
            assessment.refresh_from_db()
        except ValidationError as error:
            apply_service_errors(form, error)
            assessment.refresh_from_db()
        else:
            messages.success(request, "Your changes have been saved. You can come back to the assessment later.")
            return redirect("casework:assessment", child_id=child.pk, assessment_id=assessment.pk)
    return _page(request, child, assessment, form=form)


def _saved_data(assessment: Assessment) -> dict:
    """The saved sections as form data, for a submit that did not post the form."""
    factor_codes = list(assessment.factors.values_list("code", flat=True))
    return AssessmentForm.initial_for(assessment, factor_codes)


def assessment_submit(request, child_id: int, assessment_id: int):
    """Save what is on the form, then submit it to the manager. Missing sections come back by the
    field, and what was typed is kept as a draft."""
    child = child_for_change(request, child_id, "Submit an assessment")
    assessment = _assessment_for(child, assessment_id)
    if request.method != "POST":
        return redirect("casework:assessment", child_id=child.pk, assessment_id=assessment.pk)
    form = AssessmentForm(request.POST if "lived_experience" in request.POST else _saved_data(assessment))
    if not form.is_valid():
        return _page(request, child, assessment, form=form)
    saved = False
    try:
        services.assessment_update(
            assessment=assessment, loaded_version=form.loaded_version, **form.service_arguments()
        )
        saved = True
        services.assessment_submit(assessment=assessment, by=request.user)
    except StaleVersion as error:
        form.keep_after_conflict(error)
        assessment.refresh_from_db()
        return _page(request, child, assessment, form=form)
    except ValidationError as error:
        apply_service_errors(form, error)
        assessment.refresh_from_db()
        return _page(request, child, assessment, form=form, saved_notice=saved)
    messages.success(request, "Assessment submitted to your manager for approval.")
    return redirect("casework:assessment", child_id=child.pk, assessment_id=assessment.pk)


def assessment_decide(request, child_id: int, assessment_id: int):
    child, landing = child_for_decision(
        request, child_id, "Decide on an assessment", model=Assessment, item_id=assessment_id, what="assessment"
    )
    if landing:
        return landing
    assessment = _assessment_for(child, assessment_id)
    form = AssessmentDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_decide(assessment=assessment, by=request.user, **form.service_arguments())
        except AlreadyDecided as error:
            return already_decided(
                request, child, error, "casework:assessment", child_id=child.pk, assessment_id=assessment.pk
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            assessment.refresh_from_db()
        else:
            if assessment.status == WorkStatus.APPROVED:
                messages.success(request, "Assessment approved. Your decision is on the child's file.")
            else:
                messages.success(request, "Assessment returned for more work. Your comments are on the child's file.")
            return after_decision(request, child, "casework:assessment", child_id=child.pk, assessment_id=assessment.pk)
    factor_codes = sorted(assessment.factors.values_list("code", flat=True))
    context = {
        "child": child,
        "person": child.person,
        "assessment": assessment,
        "form": form,
        "waiting": assessment.status == WorkStatus.SUBMITTED,
        "timescale": _timescale(assessment, timezone.localdate()),
        "history": history_extract(child, assessment),
        "disabilities": list(ChildDisability.objects.filter(child=child).order_by("code")),
        "factor_labels": [(code, codes.label(codes.AssessmentFactor, code)) for code in factor_codes],
        "safety_scale_hint": SAFETY_SCALE_HINT,
        "assessment_days": get_setting("assessment_working_days"),
        "approvals": list(approvals_for(assessment)),
        "authors": services.work_authors(assessment),
    }
    return render(request, "casework/assessments/decide.html", context)


urlpatterns = [
    path("children/<int:child_id>/assessments/", assessment_list, name="assessments"),
    path("children/<int:child_id>/assessments/start/", assessment_start, name="assessment_start"),
    path("children/<int:child_id>/assessments/<int:assessment_id>/", assessment_detail, name="assessment"),
    path(
        "children/<int:child_id>/assessments/<int:assessment_id>/submit/", assessment_submit, name="assessment_submit"
    ),
    path(
        "children/<int:child_id>/assessments/<int:assessment_id>/decide/", assessment_decide, name="assessment_decide"
    ),
]
