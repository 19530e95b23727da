"""Shared steps for casework views: fetch the child through the one door, check the user may
change the record or decide as a manager, and turn a service's ValidationError into form errors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form

from lantern.access.selectors import can_approve_for_child, can_change_child_record, get_child_for_user
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
