"""Casework pages: child in need plans (L5, L9, L13, L14, L15, L19).

A family may share one plan; each child has their own section with their own needs, outcomes
(with a measure and a target date), actions (who, which agency, by when), views and a
contingency. A manager approves or returns the plan with a comment and a rationale. Reviews
score progress on every outcome from 0 to 10 and set the next review date.

Every page is under the child's URL: the child comes through the access layer first, then the
plan is looked up among that child's plans (404 otherwise). A section can belong to a sibling
in the same plan; that sibling's record is fetched through the access layer too, so their
section is shown or changed only to people who may see them, and the view is logged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from lantern.access.selectors import (
    can_approve_for_child,
    can_change_child_record,
    get_child_for_user,
    visible_children,
)
from lantern.approvals.models import Decision
from lantern.approvals.services import AlreadyDecided, approvals_for
from lantern.casework import services
from lantern.casework.forms_plans import (
    ActionCompleteForm,
    PlanActionForm,
    PlanDecisionForm,
    PlanNewForm,
    PlanOutcomeForm,
    PlanReviewForm,
    PlanSectionForm,
)
from lantern.casework.models import (
    CINEpisode,
    CINPlan,
    CINPlanChild,
    OutcomeProgress,
    PlanAction,
    PlanOutcome,
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
from lantern.core.versions import StaleVersion
from lantern.people.models import Child
from lantern.people.selectors import family_of

EDITABLE = (WorkStatus.DRAFT, WorkStatus.RETURNED)
NOT_EDITABLE_MESSAGE = "This plan has been submitted or approved and can no longer be changed."


# ---------------------------------------------------------------------------------------------
# Looking things up: always from the child the access layer gave us
# ---------------------------------------------------------------------------------------------


def _data(request):
    """The posted data (a bound form even when every field was left empty), or None on GET."""
    return request.POST if request.method == "POST" else None


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}"


def _plan_for(child: Child, plan_id: int) -> CINPlan:
    """One of this child's plans (the child has a section in it), or 404."""
    return get_object_or_404(CINPlan.objects.filter(children__child=child).select_related("author"), pk=plan_id)


def _section_for(request, child: Child, plan: CINPlan, section_id: int, page: str) -> CINPlanChild:
    """A section of the plan. A sibling's section needs the sibling's record through the access
    layer too (404 or 403, and the view is logged); changing it needs the right to change it."""
    section = get_object_or_404(CINPlanChild.objects.select_related("child__person"), pk=section_id, plan=plan)
    if section.child_id != child.pk:
        sibling = get_child_for_user(request.user, section.child_id, page=page, path=request.path)
        if not can_change_child_record(request.user, sibling):
            raise PermissionDenied("Your role can read this record but not change it.")
    section.plan = plan
    return section


def _sections(plan: CINPlan) -> list[CINPlanChild]:
    outcomes = PlanOutcome.objects.order_by("target_date", "pk")
    actions = PlanAction.objects.select_related("outcome").order_by("due_date", "pk")
    return list(
        plan.children.select_related("child__person")
        .prefetch_related(Prefetch("outcomes", queryset=outcomes), Prefetch("actions", queryset=actions))
        .order_by("child__person__date_of_birth", "pk")
    )


def _sections_user_may_see(request, child: Child, sections: list[CINPlanChild], page: str):
    """The sections whose child the user may see (each sibling's view is logged through the
    access layer), and how many other (unrestricted) children's sections are not shown."""
    shown, hidden = [], 0
    for section in sections:
        if section.child_id == child.pk:
            shown.append(section)
            continue
        try:
            get_child_for_user(request.user, section.child_id, page=page, path=request.path)
        except Http404:
            continue  # a restricted record: the user may not know it exists
        except PermissionDenied:
            hidden += 1
            continue
        shown.append(section)
    return shown, hidden


def _visible_problems(problems: list[str], sections: list[CINPlanChild]) -> list[str]:
    """plan_problems() names each child; keep those for children shown, and say once that a
    section the user cannot see is incomplete (without naming the child)."""
    names = {section.child.person.first_name for section in sections}
    result, other = [], False
    for problem in problems:
        if problem.split(":", 1)[0] in names:
            result.append(problem)
        else:
            other = True
    if other:
        result.append("The section for a child whose record you cannot see is not complete yet")
    return result


def _decisions(plan: CINPlan, shown_child_ids: set[int]) -> list[dict]:
    """The manager's decisions on the plan. One approval row is written per child; rows written
    together (same manager, decision, comment and rationale, within a minute) show as one."""
    groups: list[dict] = []
    for approval in approvals_for(plan).select_related("child__person"):
        if approval.child_id not in shown_child_ids:
            continue
        last = groups[-1] if groups else None
        if (
            last is not None
            and last["approval"].decided_by_id == approval.decided_by_id
            and last["approval"].decision == approval.decision
            and last["approval"].comment == approval.comment
            and last["approval"].rationale == approval.rationale
            and approval.decided_at - last["approval"].decided_at < timedelta(minutes=1)
        ):
            last["children"].append(approval.child)
        else:
            groups.append({"approval": approval, "children": [approval.child]})
    return groups


def _plan_context(request, child: Child, plan: CINPlan, page: str) -> dict:
    """Everything the plan page shows, in a fixed number of queries however many children,
    outcomes, actions and reviews the plan has."""
    today = timezone.localdate()
    shown, hidden = _sections_user_may_see(request, child, _sections(plan), page)
    reviews = list(
        plan.reviews.select_related("recorded_by")
        .prefetch_related(Prefetch("progress", queryset=OutcomeProgress.objects.order_by("pk")))
        .order_by("date", "pk")
    )
    progress_by_outcome: dict[int, list[OutcomeProgress]] = defaultdict(list)
    for review in reviews:
        for item in review.progress.all():
            progress_by_outcome[item.outcome_id].append(item)
    for section in shown:
        for outcome in section.outcomes.all():
            outcome.scores = progress_by_outcome.get(outcome.pk, [])
            outcome.latest = outcome.scores[-1] if outcome.scores else None
    for review in reviews:
        by_outcome = {item.outcome_id: item for item in review.progress.all()}
        review.groups = []
        for section in shown:
            rows = [(o, by_outcome[o.pk]) for o in section.outcomes.all() if o.pk in by_outcome]
            if rows:
                review.groups.append((section, rows))
    current = plan.status == WorkStatus.APPROVED and plan.end_date is None
    can_change = can_change_child_record(request.user, child)
    editable = plan.status in EDITABLE
    return {
        "child": child,
        "plan": plan,
        "sections": shown,
        "hidden_sections": hidden,
        "reviews": reviews,
        "decisions": _decisions(plan, {s.child_id for s in shown}),
        "problems": _visible_problems(services.plan_problems(plan), shown) if editable else [],
        "editable": editable,
        "current": current,
        "overdue": current and plan.next_review_date is not None and plan.next_review_date < today,
        "can_edit": editable and can_change,
        "can_review": current and can_change,
        "can_complete": current and can_change,
        "can_decide": plan.status == WorkStatus.SUBMITTED and can_approve_for_child(request.user, child),
        "today": today,
    }


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def plan_list(request, child_id: int):
    child = child_for_reading(request, child_id, "CIN plans")
    sections = CINPlanChild.objects.filter(child=child).select_related("plan").order_by("-plan__created_at", "-pk")
    return render(
        request,
        "casework/plans/plan_list.html",
        {
            "child": child,
            "sections": sections,
            "can_change": can_change_child_record(request.user, child),
            "today": timezone.localdate(),
        },
    )


def _plan_candidates(user, child: Child) -> list[tuple[Child, str]]:
    """The child, then their family members with a child record whom the user may see and who
    have an open child in need episode."""
    relationships = {m.person.pk: m.relationship for m in family_of(child) if m.is_child_record}
    open_episode = CINEpisode.objects.filter(child=OuterRef("pk"), closure_date__isnull=True, referral_nfa=False)
    siblings = {
        c.pk: c
        for c in visible_children(user).filter(pk__in=relationships).filter(Exists(open_episode)).exclude(pk=child.pk)
    }
    others = [(siblings[pk], relationship.lower()) for pk, relationship in relationships.items() if pk in siblings]
    return [(child, "this child"), *others]


def plan_new(request, child_id: int):
    child = child_for_change(request, child_id, "Start a CIN plan")
    candidates = _plan_candidates(request.user, child)
    form = PlanNewForm(
        _data(request),
        child=child,
        candidates=candidates,
        initial={"title": f"{child.person.last_name} family plan", "children": [str(child.pk)]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.cin_plan_create(
                children=form.cleaned_data["children"], title=form.cleaned_data["title"], author=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Plan started. Complete each child's section, then submit it for approval.")
            return redirect("casework:plan", child_id=child.pk, plan_id=plan.pk)
    return render(request, "casework/plans/plan_new.html", {"child": child, "form": form})


def plan(request, child_id: int, plan_id: int):
    child = child_for_reading(request, child_id, "CIN plan")
    item = _plan_for(child, plan_id)
    context = _plan_context(request, child, item, "CIN plan")
    context["form"] = forms.Form()
    return render(request, "casework/plans/plan.html", context)


def plan_submit(request, child_id: int, plan_id: int):
    child = child_for_change(request, child_id, "Submit a CIN plan")
    item = _plan_for(child, plan_id)
    if request.method != "POST":
        return redirect("casework:plan", child_id=child.pk, plan_id=item.pk)
    form = forms.Form(request.POST)
    try:
        services.cin_plan_submit(plan=item, by=request.user)
    except ValidationError as error:
        item.refresh_from_db()
        context = _plan_context(request, child, item, "Submit a CIN plan")
        if hasattr(error, "error_dict"):
            apply_service_errors(form, error)
        else:
            for message in _visible_problems(error.messages, context["sections"]):
                form.add_error(None, message)
        context["form"] = form
        return render(request, "casework/plans/plan.html", context)
    messages.success(request, "Plan sent to a manager for approval.")
    return redirect("casework:plan", child_id=child.pk, plan_id=item.pk)


def plan_section_edit(request, child_id: int, plan_id: int, section_id: int):
    page = "Change a child's section of a CIN plan"
    child = child_for_change(request, child_id, page)
    item = _plan_for(child, plan_id)
    section = _section_for(request, child, item, section_id, page)
    if request.method != "POST" and item.status not in EDITABLE:
        messages.info(request, NOT_EDITABLE_MESSAGE)
        return redirect("casework:plan", child_id=child.pk, plan_id=item.pk)
    form = PlanSectionForm(_data(request), initial=PlanSectionForm.initial_for(section), record=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_section_update(section=section, loaded_version=form.loaded_version, **form.without_version())
        except StaleVersion as error:
            form.keep_after_conflict(error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{section.child.person.first_name}'s section saved.")
            return redirect(_section_url(child, item, section))
    return render(
        request, "casework/plans/section_form.html", {"child": child, "plan": item, "section": section, "form": form}
    )


def _section_url(child: Child, item: CINPlan, section: CINPlanChild) -> str:
    return reverse("casework:plan", kwargs={"child_id": child.pk, "plan_id": item.pk}) + f"#section-{section.pk}"


def plan_outcome_new(request, child_id: int, plan_id: int, section_id: int):
    page = "Add an outcome to a CIN plan"
    child = child_for_change(request, child_id, page)
    item = _plan_for(child, plan_id)
    section = _section_for(request, child, item, section_id, page)
    if request.method != "POST" and item.status not in EDITABLE:
        messages.info(request, NOT_EDITABLE_MESSAGE)
        return redirect("casework:plan", child_id=child.pk, plan_id=item.pk)
    form = PlanOutcomeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_outcome_add(section=section, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Outcome added for {section.child.person.first_name}.")
            return redirect(_section_url(child, item, section))
    return render(
        request, "casework/plans/outcome_form.html", {"child": child, "plan": item, "section": section, "form": form}
    )


def plan_action_new(request, child_id: int, plan_id: int, section_id: int):
    page = "Add an action to a CIN plan"
    child = child_for_change(request, child_id, page)
    item = _plan_for(child, plan_id)
    section = _section_for(request, child, item, section_id, page)
    if request.method != "POST" and item.status not in EDITABLE:
        messages.info(request, NOT_EDITABLE_MESSAGE)
        return redirect("casework:plan", child_id=child.pk, plan_id=item.pk)
    form = PlanActionForm(_data(request), section=section)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_add(section=section, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Action added for {section.child.person.first_name}.")
            return redirect(_section_url(child, item, section))
    return render(
        request, "casework/plans/action_form.html", {"child": child, "plan": item, "section": section, "form": form}
    )


def _remove(request, child_id, plan_id, section_id, *, model, object_id, page, kind, text_of, remove):
    """Confirm, then remove a draft outcome or action from one child's section of a plan."""
    child = child_for_change(request, child_id, page)
    item = _plan_for(child, plan_id)
    section = _section_for(request, child, item, section_id, page)
    obj = get_object_or_404(model, pk=object_id, section=section)
    if request.method != "POST" and item.status not in EDITABLE:
        messages.info(request, NOT_EDITABLE_MESSAGE)
        return redirect(_section_url(child, item, section))
    form = forms.Form(_data(request))
    if request.method == "POST":
        try:
            remove(obj)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{kind.capitalize()} removed from {section.child.person.first_name}'s section.")
            return redirect(_section_url(child, item, section))
    return render(
        request,
        "casework/plans/remove_confirm.html",
        {"child": child, "plan": item, "section": section, "form": form, "kind": kind, "text": text_of(obj)},
    )


def plan_outcome_remove(request, child_id: int, plan_id: int, section_id: int, outcome_id: int):
    return _remove(
        request, child_id, plan_id, section_id,
        model=PlanOutcome, object_id=outcome_id, page="Remove an outcome from a CIN plan", kind="outcome",
        text_of=lambda o: o.description, remove=lambda o: services.plan_outcome_remove(outcome=o),
    )  # fmt: skip


def plan_action_remove(request, child_id: int, plan_id: int, section_id: int, action_id: int):
    return _remove(
        request, child_id, plan_id, section_id,
        model=PlanAction, object_id=action_id, page="Remove an action from a CIN plan", kind="action",
        text_of=lambda a: a.what, remove=lambda a: services.plan_action_remove(action=a),
    )  # fmt: skip


def plan_action_complete(request, child_id: int, plan_id: int, section_id: int, action_id: int):
    page = "Mark a CIN plan action as done"
    child = child_for_change(request, child_id, page)
    item = _plan_for(child, plan_id)
    section = _section_for(request, child, item, section_id, page)
    action = get_object_or_404(PlanAction, pk=action_id, section=section)
    current = item.status == WorkStatus.APPROVED and item.end_date is None and section.end_date is None
    if request.method != "POST" and (not current or action.completed_date):
        messages.info(request, "Actions can only be marked as done once, on a current, approved plan.")
        return redirect(_section_url(child, item, section))
    form = ActionCompleteForm(_data(request), initial={"completed_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_action_complete(action=action, completed_date=form.cleaned_data["completed_date"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Action marked as done.")
            return redirect(_section_url(child, item, section))
    return render(
        request,
        "casework/plans/action_complete.html",
        {"child": child, "plan": item, "section": section, "action": action, "form": form},
    )


def plan_decide(request, child_id: int, plan_id: int):
    page = "Decide on a CIN plan"
    child, landing = child_for_decision(request, child_id, page, model=CINPlan, item_id=plan_id, what="plan")
    if landing:
        return landing
    item = _plan_for(child, plan_id)
    context = _plan_context(request, child, item, page)
    if context["hidden_sections"] or len(context["sections"]) != item.children.count():
        raise PermissionDenied("This plan includes a child whose record you cannot see, so you cannot decide on it.")
    for section in context["sections"]:
        if section.child_id != child.pk and not can_approve_for_child(request.user, section.child):
            raise PermissionDenied(
                f"You cannot decide for {section.child.person.full_name}. Ask their team manager or service manager."
            )
    form = PlanDecisionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cin_plan_decide(plan=item, by=request.user, **form.cleaned_data)
        except AlreadyDecided as error:
            return already_decided(request, child, error, "casework:plan", child_id=child.pk, plan_id=item.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            item.refresh_from_db()
        else:
            if form.cleaned_data["decision"] == Decision.APPROVED:
                messages.success(request, f"Plan approved. The first review is due by {_day(item.next_review_date)}.")
            else:
                messages.success(request, "Plan returned to the worker with your comment and rationale.")
            return after_decision(request, child, "casework:plan", child_id=child.pk, plan_id=item.pk)
    context.update({"form": form, "plan": item, "waiting": item.status == WorkStatus.SUBMITTED})
    context["authors"] = services.work_authors(item)
    return render(request, "casework/plans/decide.html", context)


def plan_review_new(request, child_id: int, plan_id: int):
    page = "Record a CIN plan review"
    child = child_for_change(request, child_id, page)
    item = _plan_for(child, plan_id)
    current = item.status == WorkStatus.APPROVED and item.end_date is None
    if request.method != "POST" and not current:
        messages.info(request, "Only a current, approved plan can be reviewed.")
        return redirect("casework:plan", child_id=child.pk, plan_id=item.pk)
    context = _plan_context(request, child, item, page)
    sections = [s for s in context["sections"] if s.start_date and s.end_date is None]
    outcomes = [o for s in sections for o in s.outcomes.all()]
    form = PlanReviewForm(_data(request), outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.plan_review_record(
                plan=item,
                date=form.cleaned_data["date"],
                attendees=form.cleaned_data["attendees"],
                decisions=form.cleaned_data["decisions"],
                scores=form.scores(),
                comments=form.comments(),
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Review recorded. The next review is due by {_day(review.next_review_date)}.")
            return redirect("casework:plan", child_id=child.pk, plan_id=item.pk)
    groups = [
        (section, [(o, *form.outcome_fields(o)) for o in section.outcomes.all()])
        for section in sections
        if section.outcomes.all()
    ]
    today = context["today"]
    return render(
        request,
        "casework/plans/review_form.html",
        {
            "child": child,
            "plan": item,
            "form": form,
            "groups": groups,
            "due": item.next_review_date,
            "overdue": item.next_review_date is not None and item.next_review_date < today,
            "today": today,
        },
    )


PLAN = "children/<int:child_id>/plans/<int:plan_id>/"
SECTION = PLAN + "sections/<int:section_id>/"

urlpatterns = [
    path("children/<int:child_id>/plans/", plan_list, name="plan_list"),
    path("children/<int:child_id>/plans/new/", plan_new, name="plan_new"),
    path(PLAN, plan, name="plan"),
    path(PLAN + "submit/", plan_submit, name="plan_submit"),
    path(PLAN + "decide/", plan_decide, name="plan_decide"),
    path(PLAN + "reviews/new/", plan_review_new, name="plan_review_new"),
    path(SECTION, plan_section_edit, name="plan_section_edit"),
    path(SECTION + "outcomes/new/", plan_outcome_new, name="plan_outcome_new"),
    path(SECTION + "outcomes/<int:outcome_id>/remove/", plan_outcome_remove, name="plan_outcome_remove"),
    path(SECTION + "actions/new/", plan_action_new, name="plan_action_new"),
    path(SECTION + "actions/<int:action_id>/remove/", plan_action_remove, name="plan_action_remove"),
    path(SECTION + "actions/<int:action_id>/done/", plan_action_complete, name="plan_action_complete"),
]
