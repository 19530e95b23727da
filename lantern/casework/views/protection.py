"""Strategy discussions, section 47 enquiries, initial child protection conferences and child
protection plans, each against its statutory timescale (Working Together 2023)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.dateformat import format as date_format

from lantern.access.selectors import can_change_child_record
from lantern.casework import services
from lantern.casework.forms_assessments import CPPlanEndForm, CPReviewForm, ICPCForm, StrategyDiscussionForm
from lantern.casework.models import ChildProtectionPlan, Section47, StrategyDiscussion
from lantern.casework.views.common import apply_service_errors, child_for_change, child_for_reading
from lantern.core.calendar import add_months, working_days_between
from lantern.core.local_settings import get_setting

#: National timescales for child protection review conferences (Working Together 2023): the
#: first within 3 months of the initial conference, then at least every 6 months.
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6


def next_review_due(plan: ChildProtectionPlan, review_dates: list[date]) -> date | None:
    """When the next review conference is due: 3 months after the ICPC (the plan's start), then 6
    months after the last review. None once the plan has ended."""
    if plan.end_date:
        return None
    if not review_dates:
        return add_months(plan.start_date, FIRST_REVIEW_MONTHS)
    return add_months(max(review_dates), LATER_REVIEW_MONTHS)


def _icpc_status(s47: Section47, today: date) -> dict:
    target = s47.icpc_target_date
    if s47.icpc_date:
        late = working_days_between(target, s47.icpc_date)
        return {"held": True, "late_by": max(late, 0)}
    if s47.icpc_not_required:
        return {"not_required": True}
    if today > target:
        return {"overdue_by": working_days_between(target, today)}
    return {"days_left": working_days_between(today, target)}


def protection_overview(request, child_id: int):
    child = child_for_reading(request, child_id, "Child protection")
    discussions = list(
        StrategyDiscussion.objects.filter(child=child).select_related("recorded_by").order_by("-date", "-pk")
    )
    enquiries = list(
        Section47.objects.filter(child=child).select_related("strategy_discussion").order_by("-start_date", "-pk")
    )
    plans = list(ChildProtectionPlan.objects.filter(child=child).order_by("-start_date", "-pk"))
    today = timezone.localdate()
    episode = services.open_episode(child)
    can_record = episode is not None and not episode.referral_nfa and can_change_child_record(request.user, child)
    return render(
        request,
        "casework/protection/overview.html",
        {
            "child": child,
            "discussions": discussions,
            "enquiries": [(s47, _icpc_status(s47, today)) for s47 in enquiries],
            "plans": plans,
            "can_record": can_record,
        },
    )


def strategy_new(request, child_id: int):
    child = child_for_change(request, child_id, "Record a strategy discussion")
    episode = services.open_episode(child)
    form = StrategyDiscussionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = services.strategy_discussion_record(child=child, by=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            s47 = Section47.objects.filter(child=child, strategy_discussion=discussion).first()
            if s47 is not None:
                due = date_format(s47.icpc_target_date, "j F Y")
                messages.success(
                    request,
                    "Strategy discussion recorded. The section 47 enquiry is open and the initial child protection "
                    f"conference is due by {due}.",
                )
                return redirect("casework:section47", child_id=child.pk, s47_id=s47.pk)
            messages.success(request, "Strategy discussion recorded.")
            return redirect("casework:protection", child_id=child.pk)
    return render(
        request,
        "casework/protection/strategy_form.html",
        {"child": child, "form": form, "episode": episode, "icpc_days": get_setting("icpc_working_days")},
    )


def section47_detail(request, child_id: int, s47_id: int):
    if request.method == "POST":
        child = child_for_change(request, child_id, "Section 47 enquiry")
    else:
        child = child_for_reading(request, child_id, "Section 47 enquiry")
    s47 = get_object_or_404(
        Section47.objects.select_related("strategy_discussion__recorded_by", "episode"), pk=s47_id, child=child
    )
    form = None
    if request.method == "POST":
        form = ICPCForm(request.POST)
        if form.is_valid():
            try:
                plan = services.icpc_record(section47=s47, by=request.user, **form.service_arguments())
            except ValidationError as error:
                apply_service_errors(form, error)
                s47.refresh_from_db()
            else:
                if plan is not None:
                    messages.success(request, "Conference outcome recorded. The child protection plan has started.")
                    return redirect("casework:cp_plan", child_id=child.pk, plan_id=plan.pk)
                messages.success(request, "Conference outcome recorded.")
                return redirect("casework:section47", child_id=child.pk, s47_id=s47.pk)
    recorded = bool(s47.icpc_date or s47.icpc_not_required)
    can_record = not recorded and can_change_child_record(request.user, child)
    if can_record and form is None:
        form = ICPCForm()
    plan = None
    if s47.icpc_date:
        plan = ChildProtectionPlan.objects.filter(child=child, episode=s47.episode, start_date=s47.icpc_date).first()
    discussions = list(
        StrategyDiscussion.objects.filter(child=child, episode=s47.episode, date__gte=s47.start_date)
        .select_related("recorded_by")
        .order_by("date", "pk")
    )
    return render(
        request,
        "casework/protection/section47.html",
        {
            "child": child,
            "s47": s47,
            "status": _icpc_status(s47, timezone.localdate()),
            "form": form,
            "can_record": can_record,
            "plan": plan,
            "discussions": discussions,
            "icpc_days": get_setting("icpc_working_days"),
        },
    )


def cp_plan_detail(request, child_id: int, plan_id: int):
    if request.method == "POST":
        child = child_for_change(request, child_id, "Child protection plan")
    else:
        child = child_for_reading(request, child_id, "Child protection plan")
    plan = get_object_or_404(ChildProtectionPlan.objects.select_related("episode"), pk=plan_id, child=child)
    review_form = CPReviewForm(prefix="review", initial={"latest_category": plan.latest_category})
    end_form = CPPlanEndForm(prefix="end")
    failed = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "review":
            review_form = failed = CPReviewForm(request.POST, prefix="review")
            if review_form.is_valid():
                try:
                    services.cp_review_record(plan=plan, **review_form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(review_form, error)
                else:
                    messages.success(request, "Review conference recorded.")
                    return redirect("casework:cp_plan", child_id=child.pk, plan_id=plan.pk)
        elif action == "end":
            end_form = failed = CPPlanEndForm(request.POST, prefix="end")
            if end_form.is_valid():
                try:
                    services.cp_plan_end(plan=plan, **end_form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(end_form, error)
                else:
                    messages.success(request, "The child protection plan has ended.")
                    return redirect("casework:cp_plan", child_id=child.pk, plan_id=plan.pk)
        else:
            return redirect("casework:cp_plan", child_id=child.pk, plan_id=plan.pk)
        plan.refresh_from_db()
    reviews = list(plan.reviews.order_by("date", "pk"))
    due = next_review_due(plan, [r.date for r in reviews])
    today = timezone.localdate()
    return render(
        request,
        "casework/protection/cp_plan.html",
        {
            "child": child,
            "plan": plan,
            "reviews": reviews,
            "next_review": due,
            "review_overdue": due is not None and today > due,
            "can_change": plan.end_date is None and can_change_child_record(request.user, child),
            "form": failed,
            "review_form": review_form,
            "end_form": end_form,
            "first_review": not reviews,
        },
    )


urlpatterns = [
    path("children/<int:child_id>/protection/", protection_overview, name="protection"),
    path("children/<int:child_id>/strategy/new/", strategy_new, name="strategy_new"),
    path("children/<int:child_id>/section47/<int:s47_id>/", section47_detail, name="section47"),
    path("children/<int:child_id>/cp-plans/<int:plan_id>/", cp_plan_detail, name="cp_plan"),
]
