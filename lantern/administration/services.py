"""Writes for administration: staff, teams and services, council settings. Each one checks who
is asking, validates, writes, and records an `AdminEvent` with who, why and from when; nothing is
ever deleted. Errors are `ValidationError`s keyed by form field."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.administration.models import AdminEvent, AdminEventKind, StaffAssignment
from lantern.identity import policy
from lantern.workforce.models import (
    CASE_HOLDING_ROLES,
    Allocation,
    NeedLevel,
    PathwayStep,
    ResponsibilityKind,
    Role,
    Service,
    Team,
    TeamResponsibility,
    Transfer,
    TransferStatus,
    Worker,
)


def _require_admin(by: Worker) -> None:
    if not policy.can_administer_identity(by):
        raise PermissionDenied("Only council administrators can do this.")


def _log(*, kind: str, by: Worker | None, summary: str, reason: str, **extra) -> AdminEvent:
    return AdminEvent.objects.create(kind=kind, actor=by, summary=summary[:500], reason=reason, **extra)


def _describe(role: str, team: Team | None, service: Service | None) -> str:
    where = team.name if team else (service.name if service else "no team")
    return f"{Role(role).label}, {where}"


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------


def staff_placement_errors(*, role: str, team: Team | None, service: Service | None) -> dict[str, str]:
    """What is wrong with placing someone in this role, team and service, by field. Every route
    that places staff asks: the staff forms and onboarding (lantern/onboarding)."""
    errors = {}
    if role not in Role.values:
        errors["role"] = "Select a role"
    elif role in CASE_HOLDING_ROLES and team is None:
        errors["team"] = "Select the team they work in"
    elif role == Role.SERVICE_MANAGER and service is None:
        errors["service"] = "Select the service they manage"
    elif role == Role.COUNCIL_ADMIN and team is not None:
        errors["team"] = "A council administrator belongs to no team: they hold no children"
    if team is not None and not team.active:
        errors["team"] = f"{team.name} is retired: select a current team"
    return errors


def _today() -> date:
    return timezone.localdate()


def _check_date(value: date | None, *, field: str, after: date | None = None) -> dict[str, str]:
    if value is None:
        return {field: "Enter the date"}
    if value > _today():
        return {field: "The date must be today or in the past: enter a change on the day it happens"}
    if after is not None and value < after:
        return {field: f"The date must be on or after {after:%-d %B %Y}, when their current role or team started"}
    return {}


@transaction.atomic
def staff_create(
    *,
    by: Worker,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    job_title: str = "",
    role: str,
    team: Team | None,
    service: Service | None = None,
    start_date: date,
    reason: str = "",
) -> Worker:
    """A new member of staff, with no password yet: an administrator issues them a one-time
    set-password link (or they sign in with their council account)."""
    _require_admin(by)
    username = (username or "").strip()
    errors = staff_placement_errors(role=role, team=team, service=service)
    if role == Role.SERVICE_MANAGER:
        team = None
    if not username:
        errors["username"] = "Enter a username"
    elif Worker.objects.filter(username__iexact=username).exists():
        errors["username"] = "That username is taken: choose another"
    if not (first_name or "").strip():
        errors["first_name"] = "Enter their first name"
    if not (last_name or "").strip():
        errors["last_name"] = "Enter their last name"
    if start_date is None:
        errors["start_date"] = "Enter the date they start"
    if errors:
        raise ValidationError(errors)
    worker = Worker(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=(email or "").strip(),
        job_title=(job_title or "").strip(),
        role=role,
        team=team,
        service=service if role == Role.SERVICE_MANAGER else (team.service if team else None),
    )
    worker.set_unusable_password()
    worker.save()
    reason = (reason or "").strip() or "New member of staff"
    StaffAssignment.objects.create(
        worker=worker,
        role=role,
        team=team,
        service=worker.service,
        start_date=start_date,
        reason=reason,
        recorded_by=by,
    )
    _log(
        kind=AdminEventKind.STAFF_CREATED,
        by=by,
        worker=worker,
        summary=f"{worker.display_name} ({username}) created: {_describe(role, team, worker.service)}",
        reason=reason,
        effective_date=start_date,
    )
    return worker


def _open_assignment(worker: Worker) -> StaffAssignment:
    """The worker's current assignment; one is written from their record for staff created
    before assignments were kept (seeded, imported)."""
    current = StaffAssignment.objects.select_for_update().filter(worker=worker, end_date__isnull=True).first()
    if current is None:
        current = StaffAssignment.objects.create(
            worker=worker,
            role=worker.role,
            team=worker.team,
            service=worker.service,
            start_date=timezone.localdate(worker.date_joined),
            reason="As recorded when the staff record was created",
        )
    return current


@transaction.atomic
def staff_change(
    *,
    by: Worker,
    worker: Worker,
    role: str,
    team: Team | None,
    service: Service | None = None,
    job_title: str | None = None,
    effective_date: date | None,
    reason: str,
) -> StaffAssignment:
    """Change someone's role or team from a date. The old assignment ends that day and the new
    one starts it; children still allocated to them stay so until their manager reallocates."""
    _require_admin(by)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if not worker.is_active:
        raise ValidationError({"role": "Reactivate them before changing their role or team"})
    current = _open_assignment(worker)
    if role == Role.SERVICE_MANAGER:
        team = None
    elif team is not None:
        service = team.service
    else:
        service = None
    errors = staff_placement_errors(role=role, team=team, service=service)
    errors |= _check_date(effective_date, field="effective_date", after=current.start_date)
    if not (reason or "").strip():
        errors["reason"] = "Enter why their role or team is changing"
    if not errors and (role, team, service) == (current.role, current.team, current.service):
        errors["role"] = "Change their role or team: both are the same as now"
    if worker.pk == by.pk and not errors:
        errors["role"] = "You cannot change your own role: ask another administrator"
    if errors:
        raise ValidationError(errors)
    before = _describe(current.role, current.team, current.service)
    current.end_date = effective_date
    current.save(update_fields=["end_date"])
    assignment = StaffAssignment.objects.create(
        worker=worker,
        role=role,
        team=team,
        service=service,
        start_date=effective_date,
        reason=reason.strip(),
        recorded_by=by,
    )
    worker.role, worker.team, worker.service = role, team, service
    fields = ["role", "team", "service"]
    if job_title is not None:
        worker.job_title = job_title.strip()
        fields.append("job_title")
    worker._change_reason = reason.strip()[:100]
    worker.save(update_fields=fields)
    _log(
        kind=AdminEventKind.STAFF_CHANGED,
        by=by,
        worker=worker,
        summary=f"{worker.display_name}: {before} to {_describe(role, team, service)}",
        reason=reason.strip(),
        effective_date=effective_date,
    )
    return assignment


def open_allocations_to_reallocate(worker: Worker):
    """Children still allocated to a leaver, or to someone in a team other than the one that
    holds the child (after a move), for their manager to reallocate."""
    from django.db.models import Q

    allocations = Allocation.objects.filter(worker=worker, end_date__isnull=True)
    if worker.is_active:
        allocations = allocations.filter(~Q(team_id=worker.team_id) if worker.team_id else Q())
    return allocations


@transaction.atomic
def staff_deactivate(*, by: Worker, worker: Worker, leaving_date: date | None, reason: str) -> int:
    """They leave: sign-in stops and every session ends at once (the deactivation hook); the
    record stays, attributed. Returns how many children are still allocated to them."""
    _require_admin(by)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if worker.pk == by.pk:
        raise ValidationError({"reason": "You cannot deactivate yourself: ask another administrator"})
    if not worker.is_active:
        raise ValidationError({"reason": f"{worker.display_name} is already deactivated"})
    current = _open_assignment(worker)
    errors = _check_date(leaving_date, field="leaving_date", after=current.start_date)
    if not (reason or "").strip():
        errors["reason"] = "Enter why they are leaving"
    if errors:
        raise ValidationError(errors)
    current.end_date = leaving_date
    current.save(update_fields=["end_date"])
    worker.is_active = False
    worker._change_reason = reason.strip()[:100]
    worker.save(update_fields=["is_active"])  # ends every session (lantern.identity.signals)
    from lantern.identity.models import PasswordLink

    PasswordLink.objects.filter(worker=worker, used_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    still = open_allocations_to_reallocate(worker).count()
    children = f"{still} child{'' if still == 1 else 'ren'}"
    _log(
        kind=AdminEventKind.STAFF_DEACTIVATED,
        by=by,
        worker=worker,
        summary=f"{worker.display_name} deactivated ({children} still allocated to them)",
        reason=reason.strip(),
        effective_date=leaving_date,
    )
    return still


@transaction.atomic
def staff_reactivate(*, by: Worker, worker: Worker, start_date: date | None, reason: str) -> Worker:
    """They come back, in the role and team they had (change either afterwards if needed)."""
    _require_admin(by)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if worker.is_active:
        raise ValidationError({"reason": f"{worker.display_name} is already active"})
    last = StaffAssignment.objects.filter(worker=worker).order_by("-start_date", "-pk").first()
    errors = _check_date(start_date, field="start_date", after=last.end_date if last else None)
    if not (reason or "").strip():
        errors["reason"] = "Enter why they are coming back"
    team = worker.team if worker.team is None or worker.team.active else None
    if worker.role in CASE_HOLDING_ROLES and team is None:
        errors["reason"] = "Their team has been retired: reactivate them after giving the team a successor"
    if errors:
        raise ValidationError(errors)
    StaffAssignment.objects.create(
        worker=worker,
        role=worker.role,
        team=team,
        service=worker.service,
        start_date=start_date,
        reason=reason.strip(),
        recorded_by=by,
    )
    worker.is_active = True
    worker._change_reason = reason.strip()[:100]
    worker.save(update_fields=["is_active"])
    _log(
        kind=AdminEventKind.STAFF_REACTIVATED,
        by=by,
        worker=worker,
        summary=f"{worker.display_name} reactivated: {_describe(worker.role, team, worker.service)}",
        reason=reason.strip(),
        effective_date=start_date,
    )
    return worker


# ---------------------------------------------------------------------------------------------
# Teams and services
# ---------------------------------------------------------------------------------------------


def _check_team_name(name: str, *, team: Team | None = None) -> dict[str, str]:
    name = (name or "").strip()
    if not name:
        return {"name": "Enter the team's name"}
    if len(name) > 120:
        return {"name": "The team's name must be 120 characters or fewer"}
    clash = Team.objects.filter(name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        return {"name": "A team with that name already exists"}
    return {}


@transaction.atomic
def team_create(*, by: Worker, name: str, type: str, service: Service | None, reason: str = "") -> Team:
    _require_admin(by)
    from lantern.workforce.models import TeamType

    errors = _check_team_name(name)
    if type not in TeamType.values:
        errors["type"] = "Select the type of team"
    if service is None:
        errors["service"] = "Select the service the team belongs to"
    if errors:
        raise ValidationError(errors)
    team = Team.objects.create(name=name.strip(), type=type, service=service)
    _log(
        kind=AdminEventKind.TEAM_CREATED,
        by=by,
        team=team,
        summary=f"{team.name} created ({team.get_type_display()}, {service.name})",
        reason=(reason or "").strip() or "New team",
        effective_date=_today(),
    )
    return team


@transaction.atomic
def team_update(*, by: Worker, team: Team, name: str, type: str, service: Service | None, reason: str) -> Team:
    """Rename a team, or change its type or service (its workers and children stay with it)."""
    _require_admin(by)
    from lantern.workforce.models import TeamType

    team = Team.objects.select_for_update().get(pk=team.pk)
    errors = _check_team_name(name, team=team)
    if type not in TeamType.values:
        errors["type"] = "Select the type of team"
    if service is None:
        errors["service"] = "Select the service the team belongs to"
    if not (reason or "").strip():
        errors["reason"] = "Enter why the team is changing"
    if errors:
        raise ValidationError(errors)
    changes = []
    if team.name != name.strip():
        changes.append(f"renamed from {team.name} to {name.strip()}")
    if team.type != type:
        changes.append(f"type {team.get_type_display()} to {TeamType(type).label}")
    if team.service_id != service.pk:
        changes.append(f"service {team.service.name} to {service.name}")
    if not changes:
        raise ValidationError({"name": "Change the name, type or service: all are the same as now"})
    team.name, team.type, team.service = name.strip(), type, service
    team._change_reason = reason.strip()[:100]
    team.save()
    Worker.objects.filter(team=team).exclude(service=service).update(service=service)
    _log(
        kind=AdminEventKind.TEAM_CHANGED,
        by=by,
        team=team,
        summary=f"{team.name}: {'; '.join(changes)}",
        reason=reason.strip(),
        effective_date=_today(),
    )
    return team


def team_retire_problems(team: Team) -> list[str]:
    """Why a team cannot be retired yet: it must be empty."""
    problems = []
    workers = Worker.objects.filter(team=team, is_active=True).count()
    if workers:
        problems.append(f"{workers} active member(s) of staff are in the team: move them first")
    children = Allocation.objects.filter(team=team, end_date__isnull=True).values("child").distinct().count()
    if children:
        problems.append(f"{children} children are allocated to the team: transfer them first")
    pending = Transfer.objects.filter(
        to_team=team, status__in=[TransferStatus.PENDING, TransferStatus.DISPUTED]
    ).count()
    if pending:
        problems.append(f"{pending} transfer(s) to the team are waiting: settle them first")
    return problems


@transaction.atomic
def team_retire(*, by: Worker, team: Team, reason: str) -> Team:
    _require_admin(by)
    team = Team.objects.select_for_update().get(pk=team.pk)
    if not team.active:
        raise ValidationError({"reason": f"{team.name} is already retired"})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the team is being retired"})
    problems = team_retire_problems(team)
    if problems:
        raise ValidationError({"reason": problems})
    team.active = False
    team._change_reason = reason.strip()[:100]
    team.save(update_fields=["active"])
    _log(
        kind=AdminEventKind.TEAM_RETIRED,
        by=by,
        team=team,
        summary=f"{team.name} retired",
        reason=reason.strip(),
        effective_date=_today(),
    )
    return team


@transaction.atomic
def team_responsibilities_set(
    *, by: Worker, team: Team, levels: list[str], steps: list[str], reason: str
) -> tuple[list[str], list[str]]:
    """Set the levels of need and pathway steps a team holds (L3). Returns (added, removed)."""
    _require_admin(by)
    errors = {}
    if any(level not in NeedLevel.values for level in levels):
        errors["levels"] = "Select levels of need from the list"
    if any(step not in PathwayStep.values for step in steps):
        errors["steps"] = "Select pathway steps from the list"
    if not (reason or "").strip():
        errors["reason"] = "Enter why what the team holds is changing"
    if errors:
        raise ValidationError(errors)
    wanted = {(ResponsibilityKind.LEVEL.value, c) for c in levels} | {(ResponsibilityKind.STEP.value, c) for c in steps}
    existing = {(r.kind, r.code): r for r in TeamResponsibility.objects.select_for_update().filter(team=team)}
    labels = {**dict(NeedLevel.choices), **dict(PathwayStep.choices)}
    added = [labels[code] for kind, code in sorted(wanted - existing.keys())]
    removed = [labels[code] for kind, code in sorted(existing.keys() - wanted)]
    if not added and not removed:
        raise ValidationError({"levels": "Change what the team holds: it is the same as now"})
    for key in existing.keys() - wanted:
        row = existing[key]
        row._change_reason = reason.strip()[:100]
        row.delete()  # configuration, not a case record: the history keeps the row
    for kind, code in wanted - existing.keys():
        row = TeamResponsibility(team=team, kind=kind, code=code)
        row._change_reason = reason.strip()[:100]
        row.save()
    parts = [f"now holds {', '.join(added)}"] if added else []
    parts += [f"no longer {', '.join(removed)}"] if removed else []
    _log(
        kind=AdminEventKind.TEAM_RESPONSIBILITIES,
        by=by,
        team=team,
        summary=f"{team.name}: {'; '.join(parts)}",
        reason=reason.strip(),
        effective_date=_today(),
    )
    return added, removed


@transaction.atomic
def service_create(*, by: Worker, name: str, reason: str = "") -> Service:
    _require_admin(by)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter the service's name"})
    if len(name) > 120:
        raise ValidationError({"name": "The service's name must be 120 characters or fewer"})
    if Service.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A service with that name already exists"})
    service = Service.objects.create(name=name)
    _log(
        kind=AdminEventKind.SERVICE_CREATED,
        by=by,
        summary=f"Service {name} created",
        reason=(reason or "").strip() or "New service",
        effective_date=_today(),
    )
    return service


# ---------------------------------------------------------------------------------------------
# Council settings
# ---------------------------------------------------------------------------------------------


def setting_parse(key: str, raw) -> object:
    """Turn what was typed into the setting's type, or raise a ValidationError on "value"."""
    import re

    from lantern.core.local_settings import DEFINITIONS

    definition = DEFINITIONS[key]
    default = definition.default
    text = str(raw if raw is not None else "").strip()
    if isinstance(default, bool):
        if text not in ("on", "off"):
            raise ValidationError({"value": "Select on or off"})
        return text == "on"
    if isinstance(default, int):
        if not text:
            raise ValidationError({"value": "Enter a whole number"})
        if not re.fullmatch(r"\d{1,6}", text):
            raise ValidationError({"value": "Enter a whole number, 0 or more, like 12"})
        return int(text)
    if isinstance(default, float):
        try:
            value = float(text)
        except ValueError:
            raise ValidationError({"value": "Enter a number, like 1.5"}) from None
        if not (0 < value < 1_000_000):
            raise ValidationError({"value": "Enter a number greater than 0"})
        return value
    if not text:
        raise ValidationError({"value": "Enter a value"})
    if len(text) > 200 or any(ord(ch) < 32 for ch in text):
        raise ValidationError({"value": "Enter a value of 200 characters or fewer, on one line"})
    if definition.pattern and not re.fullmatch(definition.pattern, text):
        raise ValidationError({"value": f"Enter {definition.label[0].lower()}{definition.label[1:]} in the right form"})
    return text


def _setting_pair_problem(key: str, value) -> str:
    """Amber thresholds cannot be above their red partner (and red not below amber)."""
    from lantern.core.local_settings import DEFINITIONS, get_setting

    for low, high in (("_amber", "_red"),):
        if key.endswith(low) and key[: -len(low)] + high in DEFINITIONS:
            partner = get_setting(key[: -len(low)] + high)
            if value > partner:
                return f"The amber threshold must not be above the red threshold ({partner})"
        if key.endswith(high) and key[: -len(high)] + low in DEFINITIONS:
            partner = get_setting(key[: -len(high)] + low)
            if value < partner:
                return f"The red threshold must not be below the amber threshold ({partner})"
    return ""


@transaction.atomic
def setting_change(*, by: Worker, key: str, value, effective_date: date | None, reason: str) -> object:
    """Change a council setting from a date, with the reason; the change is in the setting's
    history and the administration log (through the "setting_changed" hook)."""
    _require_admin(by)
    from lantern.core.local_settings import DEFINITIONS, get_setting, set_setting

    if key not in DEFINITIONS:
        raise ValidationError({"value": "There is no such setting"})
    errors = {}
    try:
        typed = setting_parse(key, value)
    except ValidationError as error:
        errors |= error.message_dict
        typed = None
    errors |= _check_date(effective_date, field="effective_date")
    if not (reason or "").strip():
        errors["reason"] = "Enter why the setting is changing"
    if typed is not None and "value" not in errors:
        if typed == get_setting(key) and type(typed) is type(get_setting(key)):
            errors["value"] = "Enter a different value: this is the value now"
        elif not isinstance(typed, (bool, str)) and (problem := _setting_pair_problem(key, typed)):
            errors["value"] = problem
    if errors:
        raise ValidationError(errors)
    set_setting(key, typed, user=by, reason=reason.strip(), effective_from=effective_date)
    return typed
