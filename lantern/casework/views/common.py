"""Shared steps for casework views: fetch the child through the one door, check the user may
change the record or decide as a manager, and turn a service's ValidationError into form errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect

from lantern.access.selectors import can_approve_for_child, can_change_child_record, can_see_child, get_child_for_user
from lantern.approvals.services import AlreadyDecided, decided_text, own_decision
from lantern.people.models import Child


def child_for_reading(request, child_id: int, page: str) -> Child:
    return get_child_for_user(request.user, child_id, page=page, path=request.path)


def child_for_change(request, child_id: int, page: str) -> Child:
    """The child, if the user may add to the record (not inspectors or auditors)."""
    child = get_child_for_user(request.user, child_id, page=page, path=request.path)
    if not can_change_child_record(request.user, child):
        raise PermissionDenied("Your role can read this record but not change it.")
    return child


def child_for_approval(request, child_id: int, page: str) -> Child:
    """The child, if the user is a manager who may decide for them."""
    child = get_child_for_user(request.user, child_id, page=page, path=request.path)
    if not can_approve_for_child(request.user, child):
        raise PermissionDenied("Only the child's team manager, service manager or a senior leader can decide this.")
    return child


def child_for_decision(
    request, child_id: int, page: str, *, model: type[models.Model], item_id: int, what: str
) -> tuple[Child | None, HttpResponse | None]:
    """`child_for_approval`, except that a manager who already decided this very thing and can no
    longer see the child (a step-down or closure moves the child on) is told what they decided,
    on a page they may see, instead of being refused: (child, None) or (None, the redirect)."""
    try:
        return child_for_approval(request, child_id, page), None
    except PermissionDenied:
        own = own_decision(model, item_id, child_id=child_id, user=request.user)
        if own is None:
            raise
        verb = "approved" if own.decision == "approved" else "returned"
        messages.info(request, decided_text(what=what, verb=verb, by=request.user, at=own.decided_at))
        return None, redirect("casework:my_work")


def after_decision(request, child: Child, to: str, **kwargs) -> HttpResponse:
    """Where a manager lands after a decision: `to` while they may still see the child, otherwise
    My work (the decision may have moved the child to another team, or closed the case)."""
    if can_see_child(request.user, child, fresh=True):
        return redirect(to, **kwargs)
    return redirect("casework:my_work")


def already_decided(request, child: Child, error: AlreadyDecided, to: str, **kwargs) -> HttpResponse:
    """A second click, or a second manager: say who decided and when, as information."""
    messages.info(request, error.messages[0])
    return after_decision(request, child, to, **kwargs)


def apply_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors by the field (when the form has
    that field), everything else in the error summary."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
