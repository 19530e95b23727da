"""Every write of management oversight and check-ins. Keyword-only functions, one transaction each.

Rules held here (and, where a database can hold them, by constraints and triggers):
- only the child's team manager, service manager or a senior leader (`can_approve_for_child`)
  records, signs and follows up management oversight; workers, auditors and inspectors never do;
- a draft is changed only by its author, and only while it is a draft;
- signing needs a direction and a rationale, and on an open case a next oversight date within
  the council's `oversight_weeks`; once signed nothing changes (the database refuses it), and
  the entry can only be followed by an addendum;
- an action's completion is a new row, written once;
- a check-in is recorded by the child's supervising social worker (L4) and never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.access.selectors import can_approve_for_child, can_change_child_record
from lantern.casework.models import ChildProtectionPlan, CINEpisode
from lantern.core import dates
from lantern.core.local_settings import get_setting
from lantern.core.versions import lock_current
from lantern.oversight.models import (
    CheckIn,
    OversightAction,
    OversightActionCompletion,
    OversightAddendum,
    OversightEntry,
)
from lantern.people.models import Child
from lantern.workforce.models import Allocation, AllocationReason, AllocationRole, Role, Worker

ActionSpec = tuple[str, Worker, date]

MANAGERS_ONLY = "Only the child's team manager, service manager or a senior leader can record management oversight."
SIGNED_MESSAGE = "This oversight entry is signed and cannot be changed. Add an addendum instead."


def has_open_case(child: Child) -> bool:
    """An open child in need episode or child protection plan: oversight is then expected."""
    return (
        CINEpisode.objects.filter(child=child, closure_date__isnull=True).exists()
        or ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).exists()
    )


def _require_manager(user: Worker, child: Child) -> None:
    if not can_approve_for_child(user, child):
        raise PermissionDenied(MANAGERS_ONLY)


def _clean_actions(actions: Iterable[ActionSpec], *, today: date) -> list[ActionSpec]:
    cleaned: list[ActionSpec] = []
    errors: list[str] = []
    for n, (description, owner, due_date) in enumerate(actions, start=1):
        description = (description or "").strip()
        if not description:
            errors.append(f"Action {n}: enter what needs to be done")
        if owner is None or not getattr(owner, "is_active", False):
            errors.append(f"Action {n}: select who will do it")
        if due_date is None:
            errors.append(f"Action {n}: enter the date it is due")
        elif due_date < today:
            errors.append(f"Action {n}: the due date must be today or in the future")
        elif problem := dates.planned_problem(due_date, label="the due date", today=today):
            errors.append(f"Action {n}: {problem}")
        cleaned.append((description, owner, due_date))
    if errors:
        raise ValidationError({"actions": errors})
    return cleaned


def _write_actions(entry: OversightEntry, actions: list[ActionSpec]) -> None:
    """Make the draft's actions match `actions`, in order (the entry is not signed yet)."""
    existing = list(entry.actions.order_by("pk"))
    for i, (description, owner, due_date) in enumerate(actions):
        if i < len(existing):
            action = existing[i]
            if (action.description, action.owner_id, action.due_date) != (description, owner.pk, due_date):
                action.description, action.owner, action.due_date = description, owner, due_date
                action.save()
        else:
            OversightAction.objects.create(entry=entry, description=description, owner=owner, due_date=due_date)
    for action in existing[len(actions) :]:
        action.delete()  # a draft's action the author removed; its history is kept


def _locked(entry: OversightEntry) -> OversightEntry:
    """The entry re-read under a row lock, so two people cannot sign or change it at once."""
    return OversightEntry.objects.select_for_update().get(pk=entry.pk)


@transaction.atomic
def oversight_entry_create(
    *,
    child: Child,
    author: Worker,
    direction: str,
    challenge: str = "",
    rationale: str,
    next_oversight_date: date | None = None,
    actions: Iterable[ActionSpec] = (),
    sign: bool = False,
) -> OversightEntry:
    """A manager's oversight entry: a draft, or signed at once with `sign=True`."""
    _require_manager(author, child)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not (direction or "").strip():
        errors["direction"] = ["Enter the direction: what must happen next"]
    try:
        cleaned = _clean_actions(actions, today=today)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = []
    if errors:
        raise ValidationError(errors)
    entry = OversightEntry.objects.create(
        child=child,
        author=author,
        direction=direction.strip(),
        challenge=(challenge or "").strip(),
        rationale=(rationale or "").strip(),
        next_oversight_date=next_oversight_date,
    )
    _write_actions(entry, cleaned)
    if sign:
        oversight_entry_sign(entry=entry, by=author)
    return entry


@transaction.atomic
def oversight_entry_update(
    *,
    entry: OversightEntry,
    by: Worker,
    direction: str,
    challenge: str = "",
    rationale: str = "",
    next_oversight_date: date | None = None,
    actions: Iterable[ActionSpec] = (),
    loaded_version: int | None = None,
) -> OversightEntry:
    """Change a draft. Only its author, only while it is a draft; refused with `StaleVersion` if
    it was saved (in another tab, say) after `loaded_version`, the version the page showed."""
    entry = _locked(entry)
    lock_current(entry, loaded=loaded_version)
    if entry.signed_at is not None:
        raise ValidationError(SIGNED_MESSAGE)
    if entry.author_id != by.pk:
        raise PermissionDenied("Only the manager who wrote this draft can change it.")
    _require_manager(by, entry.child)
    errors: dict[str, list[str]] = {}
    if not (direction or "").strip():
        errors["direction"] = ["Enter the direction: what must happen next"]
    try:
        cleaned = _clean_actions(actions, today=timezone.localdate())
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = []
    if errors:
        raise ValidationError(errors)
    entry.direction = direction.strip()
    entry.challenge = (challenge or "").strip()
    entry.rationale = (rationale or "").strip()
    entry.next_oversight_date = next_oversight_date
    entry.save()
    _write_actions(entry, cleaned)
    return entry


def signing_problems(entry: OversightEntry, *, today: date | None = None) -> dict[str, str]:
    """What stops a draft being signed, by field (empty when it can be signed)."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if not entry.direction.strip():
        problems["direction"] = "Enter the direction: what must happen next"
    if not entry.rationale.strip():
        problems["rationale"] = "Enter the rationale: why this is the right decision for the child"
    weeks = get_setting("oversight_weeks")
    latest = today + timedelta(weeks=weeks)
    if entry.next_oversight_date is None:
        if has_open_case(entry.child):
            problems["next_oversight_date"] = "Enter the date of the next oversight (the case is open)"
    elif entry.next_oversight_date <= today:
        problems["next_oversight_date"] = "The next oversight date must be in the future"
    elif entry.next_oversight_date > latest:
        problems["next_oversight_date"] = (
            f"The next oversight must be within {weeks} weeks, by {latest.day} {latest:%B %Y} (the council's standard)"
        )
    return problems


@transaction.atomic
def oversight_entry_sign(*, entry: OversightEntry, by: Worker) -> OversightEntry:
    """The author signs their draft. From now on the database refuses any change to it."""
    locked = _locked(entry)
    if locked.signed_at is not None:
        raise ValidationError("This oversight entry has already been signed.")
    _require_manager(by, locked.child)
    if locked.author_id != by.pk:
        raise PermissionDenied("Only the manager who wrote this oversight can sign it.")
    problems = signing_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.signed_at = timezone.now()
    locked.signed_by = by
    locked.save(update_fields=["signed_at", "signed_by"])
    entry.signed_at, entry.signed_by = locked.signed_at, by
    return locked


@transaction.atomic
def oversight_addendum_add(*, entry: OversightEntry, text: str, by: Worker) -> OversightAddendum:
    """Follow up a signed entry (the only way to add to it)."""
    if entry.signed_at is None:
        raise ValidationError("A draft can be changed; an addendum is for a signed entry.")
    _require_manager(by, entry.child)
    if not (text or "").strip():
        raise ValidationError({"text": "Enter the addendum"})
    return OversightAddendum.objects.create(entry=entry, text=text.strip(), author=by)


@transaction.atomic
def oversight_action_complete(
    *, action: OversightAction, by: Worker, completed_on: date, note: str = ""
) -> OversightActionCompletion:
    """Record that an action of a signed entry was done: its owner or a manager for the child."""
    entry = action.entry
    if entry.signed_at is None:
        raise ValidationError("Actions of a draft are not live until the entry is signed.")
    is_owner = action.owner_id == by.pk and can_change_child_record(by, entry.child)
    if not (is_owner or can_approve_for_child(by, entry.child)):
        raise PermissionDenied("Only the action's owner or a manager for the child can record it as done.")
    errors = {}
    today = timezone.localdate()
    signed_on = timezone.localtime(entry.signed_at).date()
    if completed_on is None:
        errors["completed_on"] = "Enter the date it was done"
    elif completed_on > today:
        errors["completed_on"] = "The date it was done must be today or in the past"
    elif completed_on < signed_on:
        errors["completed_on"] = "The date it was done cannot be before the oversight was signed"
    if errors:
        raise ValidationError(errors)
    if OversightActionCompletion.objects.filter(action=action).exists():
        raise ValidationError("This action has already been recorded as done.")
    return OversightActionCompletion.objects.create(
        action=action, completed_on=completed_on, note=(note or "").strip(), recorded_by=by
    )


# ---------------------------------------------------------------------------------------------
# Check-ins on cases held by family support workers (L4)
# ---------------------------------------------------------------------------------------------


def supervising_social_worker(child: Child) -> Worker | None:
    allocation = (
        Allocation.objects.filter(
            child=child, end_date__isnull=True, role=AllocationRole.SUPERVISING_SOCIAL_WORKER, worker__isnull=False
        )
        .select_related("worker")
        .order_by("start_date", "pk")
        .first()
    )
    return allocation.worker if allocation else None


def is_supervising_social_worker(user: Worker, child: Child) -> bool:
    return Allocation.objects.filter(
        child=child, worker=user, end_date__isnull=True, role=AllocationRole.SUPERVISING_SOCIAL_WORKER
    ).exists()


SUPERVISOR_REASONS = (
    AllocationReason.NEW_CASE,
    AllocationReason.WORKER_LEFT,
    AllocationReason.WORKER_ABSENCE,
    AllocationReason.CASELOAD_BALANCING,
    AllocationReason.OTHER,
)


@transaction.atomic
def supervising_social_worker_assign(*, child: Child, worker: Worker, reason: str, detail: str = "", by: Worker):
    """A manager names the social worker who supervises a case held by a family support worker
    (L4). A supervisor already named is replaced: their allocation ends today with the reason."""
    if not can_approve_for_child(by, child):
        raise PermissionDenied("Only the child's managers can name the supervising social worker.")
    lead = (
        Allocation.objects.select_for_update(of=("self",))
        .filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD)
        .select_related("team", "worker")
        .first()
    )
    if lead is None or lead.worker is None or lead.worker.role != Role.FAMILY_SUPPORT_WORKER:
        raise ValidationError("The case is not held by a family support worker, so it needs no supervisor.")
    detail = (detail or "").strip()
    current = list(
        Allocation.objects.select_for_update(of=("self",)).filter(
            child=child, end_date__isnull=True, role=AllocationRole.SUPERVISING_SOCIAL_WORKER
        )
    )
    errors = {}
    if worker is None or worker.role != Role.SOCIAL_WORKER or not worker.is_active or worker.team_id != lead.team_id:
        errors["worker"] = f"Choose a social worker in {lead.team.name}"
    elif any(a.worker_id == worker.pk for a in current):
        errors["worker"] = f"{worker.display_name} is already the supervising social worker"
    if reason not in SUPERVISOR_REASONS:
        errors["reason"] = "Select the reason"
    elif reason == AllocationReason.OTHER and not detail:
        errors["detail"] = "Enter the reason"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    for allocation in current:
        allocation.end_date = max(today, allocation.start_date)
        allocation.end_reason = reason
        allocation.save()
    return Allocation.objects.create(
        child=child,
        team=lead.team,
        worker=worker,
        role=AllocationRole.SUPERVISING_SOCIAL_WORKER,
        start_date=today,
        start_reason=reason,
        reason_detail=detail or "Supervising social worker for a case held by a family support worker",
        created_by=by,
    )


@transaction.atomic
def check_in_record(
    *,
    child: Child,
    author: Worker,
    held_on: date,
    summary: str,
    worries: str = "",
    next_steps: str = "",
) -> CheckIn:
    """The supervising social worker's check-in; it cannot be changed once saved."""
    if not (is_supervising_social_worker(author, child) and can_change_child_record(author, child)):
        raise PermissionDenied("Only the child's supervising social worker can record a check-in.")
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the check-in"
    else:
        dates.check(errors, "held_on", dates.happened_problem(held_on, label="The date of the check-in", child=child))
    if not (summary or "").strip():
        errors["summary"] = "Enter a summary of the check-in"
    if errors:
        raise ValidationError(errors)
    lead = (
        Allocation.objects.filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD)
        .select_related("worker")
        .first()
    )
    fsw = lead.worker if lead and lead.worker and lead.worker.role == Role.FAMILY_SUPPORT_WORKER else None
    return CheckIn.objects.create(
        child=child,
        author=author,
        family_support_worker=fsw,
        held_on=held_on,
        summary=summary.strip(),
        worries=(worries or "").strip(),
        next_steps=(next_steps or "").strip(),
    )
