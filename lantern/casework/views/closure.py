"""Step-down to early help and closure: the worker proposes, a manager approves or returns with a
comment and a rationale (L10, L15). Closure needs a census reason (RC1-RC9)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from lantern.access.selectors import can_approve_for_child
from lantern.approvals.services import AlreadyDecided, approvals_for
from lantern.casework import services
from lantern.casework.forms_closure import ClosureForm, DecisionForm, StepDownForm
from lantern.casework.models import ClosureRequest, StepDown, WorkStatus
from lantern.casework.views.common import (
    after_decision,
    already_decided,
    apply_service_errors,
    child_for_change,
    child_for_decision,
    child_for_reading,
)


def step_down_new(request, child_id: int):
    child = child_for_change(request, child_id, "Propose step-down")
    episode = services.open_episode(child)
    form = StepDownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            step_down = services.step_down_request(child=child, by=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Step-down sent to your manager for approval.")
            return redirect("casework:step_down", child_id=child.pk, step_down_id=step_down.pk)
    return render(request, "casework/closure/step_down_form.html", {"child": child, "form": form, "episode": episode})


def _detail(request, child, item, template: str, form=None):
    """A proposal with its decisions so far, and the decision form for a manager who may decide."""
    can_decide = item.status == WorkStatus.SUBMITTED and can_approve_for_child(request.user, child)
    context = {
        "child": child,
        "item": item,
        "approvals": approvals_for(item),
        "can_decide": can_decide or form is not None,
        "form": form or DecisionForm(),
        "authors": services.work_authors(item) if can_decide or form is not None else [],
    }
    return render(request, template, context)


def _decide(request, child, item, template: str, decide, approved_message: str, returned_message: str):
    """Record a manager's decision on a proposal through `decide(**form data)`; errors by the field.
    Afterwards the manager lands on the child's record, or on My work if the decision took the
    child out of their sight; a second click is told who decided and when."""
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decide(by=request.user, **form.cleaned_data)
        except AlreadyDecided as error:
            return already_decided(request, child, error, "casework:child", child_id=child.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            approved = form.cleaned_data["decision"] == "approved"
            messages.success(request, approved_message if approved else returned_message)
            return after_decision(request, child, "casework:child", child_id=child.pk)
    return _detail(request, child, item, template, form=form)


def step_down(request, child_id: int, step_down_id: int):
    child = child_for_reading(request, child_id, "Step-down")
    item = get_object_or_404(
        StepDown.objects.select_related("early_help_team", "requested_by"), pk=step_down_id, child=child
    )
    return _detail(request, child, item, "casework/closure/step_down.html")


def step_down_decide(request, child_id: int, step_down_id: int):
    child, landing = child_for_decision(
        request, child_id, "Decide step-down", model=StepDown, item_id=step_down_id, what="step-down"
    )
    if landing:
        return landing
    item = get_object_or_404(StepDown, pk=step_down_id, child=child)
    return _decide(
        request, child, item, "casework/closure/step_down.html",
        lambda **kw: services.step_down_decide(step_down=item, **kw),
        "Step-down approved: the child is now with early help.",
        "Step-down returned to the worker.",
    )  # fmt: skip


def closure_new(request, child_id: int):
    child = child_for_change(request, child_id, "Propose closure")
    episode = services.open_episode(child)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.closure_request(child=child, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Closure sent to your manager for approval.")
            return redirect("casework:closure", child_id=child.pk, closure_id=closure.pk)
    return render(request, "casework/closure/closure_form.html", {"child": child, "form": form, "episode": episode})


def closure(request, child_id: int, closure_id: int):
    child = child_for_reading(request, child_id, "Closure")
    item = get_object_or_404(ClosureRequest.objects.select_related("requested_by"), pk=closure_id, child=child)
    return _detail(request, child, item, "casework/closure/closure.html")


def closure_decide(request, child_id: int, closure_id: int):
    child, landing = child_for_decision(
        request, child_id, "Decide closure", model=ClosureRequest, item_id=closure_id, what="closure"
    )
    if landing:
        return landing
    item = get_object_or_404(ClosureRequest, pk=closure_id, child=child)
    return _decide(
        request, child, item, "casework/closure/closure.html",
        lambda **kw: services.closure_decide(request=item, **kw),
        "Closure approved: the episode is closed.",
        "Closure returned to the worker.",
    )  # fmt: skip


urlpatterns = [
    path("children/<int:child_id>/step-down/", step_down_new, name="step_down_new"),
    path("children/<int:child_id>/step-down/<int:step_down_id>/", step_down, name="step_down"),
    path("children/<int:child_id>/step-down/<int:step_down_id>/decide/", step_down_decide, name="step_down_decide"),
    path("children/<int:child_id>/closure/", closure_new, name="closure_new"),
    path("children/<int:child_id>/closure/<int:closure_id>/", closure, name="closure"),
    path("children/<int:child_id>/closure/<int:closure_id>/decide/", closure_decide, name="closure_decide"),
]
