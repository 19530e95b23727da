"""Writes for visits, direct work and a CIN plan's visit frequency. Each function validates its
input (raising ValidationError keyed by field, so the form shows each message next to its field),
writes in one transaction and leaves history to simple_history.

Visits and direct work are never deleted: a correction is an edit by the author (or a manager),
and the record keeps who changed it and when; the earlier values stay in its history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.casework.models import CINPlanChild
from lantern.core import dates
from lantern.core.dates import WITH_CHILD as WITH
from lantern.core.versions import lock_current
from lantern.people.models import Child
from lantern.recording.models import (
    THEME_LABELS,
    DirectWorkSession,
    DirectWorkTheme,
    PlanVisitFrequency,
    Visit,
    VisitLocation,
    VisitType,
)
from lantern.workforce.models import MANAGER_ROLES, Worker

VISIT_TEXT_FIELDS = ("present", "observations", "analysis", "next_steps")
_REQUIRED_TEXT = {
    "present": "Enter who was present",
    "observations": "Enter what you observed",
    "analysis": "Enter your analysis",
    "next_steps": "Enter the next steps",
}


def can_correct(user: Worker, record: Visit | DirectWorkSession) -> bool:
    """The author corrects their own record; a manager (team, service, senior leader) may
    correct any record of a child they may change. The caller has already checked the child."""
    return record.author_id == user.pk or user.role in MANAGER_ROLES


def visit_problems(
    *,
    visited_at: datetime | None,
    ended_at: datetime | None,
    visit_type: str,
    location: str,
    location_detail: str,
    child_seen: bool | None,
    seen_alone: bool | None,
    not_seen_reason: str,
    texts: dict[str, str],
    child: Child | None = None,
) -> dict[str, str]:
    """What is wrong with a visit, by argument name (empty when nothing is). Without `child`
    only the limits every child shares are checked (the service passes the child)."""
    errors: dict[str, str] = {}
    now = timezone.now()
    if visited_at is None:
        errors["visited_at"] = "Enter the date and time of the visit"
    elif visited_at > now:
        errors["visited_at"] = "The date and time of the visit must be in the past"
    else:
        label = "The date of the visit"
        dates.check(errors, "visited_on", dates.happened_problem(visited_at, label=label, child=child, kind=WITH))
    if ended_at is not None and visited_at is not None:
        if ended_at <= visited_at:
            errors["ended_at"] = "The time the visit ended must be after the time it started"
        elif ended_at > now:
            errors["ended_at"] = "The time the visit ended must be in the past"
    if visit_type not in VisitType.values:
        errors["visit_type"] = "Select the type of visit"
    if location not in VisitLocation.values:
        errors["location"] = "Select where the visit took place"
    elif location == VisitLocation.OTHER and not location_detail.strip():
        errors["location_detail"] = "Enter where the visit took place"
    if child_seen is None:
        errors["child_seen"] = "Select whether the child was seen"
    elif child_seen:
        if seen_alone is None:
            errors["seen_alone"] = "Select whether the child was seen alone"
    else:
        if seen_alone:
            errors["seen_alone"] = "A child who was not seen cannot have been seen alone"
        if not not_seen_reason.strip():
            errors["not_seen_reason"] = "Enter why the child was not seen"
    for name, message in _REQUIRED_TEXT.items():
        if not (texts.get(name) or "").strip():
            errors[name] = message
    return errors


def _visit_values(
    *,
    child: Child,
    visited_at: datetime,
    ended_at: datetime | None,
    visit_type: str,
    location: str,
    location_detail: str,
    present: str,
    child_seen: bool | None,
    seen_alone: bool | None,
    bedroom_seen: bool | None,
    not_seen_reason: str,
    child_said: str,
    observations: str,
    analysis: str,
    next_steps: str,
) -> dict:
    texts = {"present": present, "observations": observations, "analysis": analysis, "next_steps": next_steps}
    errors = visit_problems(
        visited_at=visited_at,
        ended_at=ended_at,
        visit_type=visit_type,
        location=location,
        location_detail=location_detail,
        child_seen=child_seen,
        seen_alone=seen_alone,
        not_seen_reason=not_seen_reason,
        texts=texts,
        child=child,
    )
    if errors:
        raise ValidationError(errors)
    return {
        "visited_at": visited_at,
        "visited_on": timezone.localtime(visited_at).date(),
        "ended_at": ended_at,
        "visit_type": visit_type,
        "location": location,
        "location_detail": location_detail.strip() if location == VisitLocation.OTHER else "",
        "present": present.strip(),
        "child_seen": bool(child_seen),
        "seen_alone": bool(child_seen and seen_alone),
        "bedroom_seen": bedroom_seen,
        "not_seen_reason": "" if child_seen else not_seen_reason.strip(),
        "child_said": child_said.strip(),
        "observations": observations.strip(),
        "analysis": analysis.strip(),
        "next_steps": next_steps.strip(),
    }


@transaction.atomic
def visit_record(
    *,
    child: Child,
    by: Worker,
    visited_at: datetime,
    ended_at: datetime | None = None,
    visit_type: str,
    location: str,
    location_detail: str = "",
    present: str,
    child_seen: bool | None,
    seen_alone: bool | None = False,
    bedroom_seen: bool | None = None,
    not_seen_reason: str = "",
    child_said: str = "",
    observations: str,
    analysis: str,
    next_steps: str,
) -> Visit:
    values = _visit_values(
        child=child,
        visited_at=visited_at,
        ended_at=ended_at,
        visit_type=visit_type,
        location=location,
        location_detail=location_detail,
        present=present,
        child_seen=child_seen,
        seen_alone=seen_alone,
        bedroom_seen=bedroom_seen,
        not_seen_reason=not_seen_reason,
        child_said=child_said,
        observations=observations,
        analysis=analysis,
        next_steps=next_steps,
    )
    visit = Visit(child=child, author=by, **values)
    visit._history_user = by
    visit.save()
    return visit


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    by: Worker,
    visited_at: datetime,
    ended_at: datetime | None = None,
    visit_type: str,
    location: str,
    location_detail: str = "",
    present: str,
    child_seen: bool | None,
    seen_alone: bool | None = False,
    bedroom_seen: bool | None = None,
    not_seen_reason: str = "",
    child_said: str = "",
    observations: str,
    analysis: str,
    next_steps: str,
    loaded_version: int | None = None,
) -> bool:
    """Correct a visit; returns whether anything changed (the earlier values stay in its history).
    Refused with `StaleVersion` if someone saved it after `loaded_version` (the page's version)."""
    if not can_correct(by, visit):
        raise PermissionDenied("Only the worker who recorded this visit, or a manager, can correct it.")
    lock_current(visit, loaded=loaded_version)
    values = _visit_values(
        child=visit.child,
        visited_at=visited_at,
        ended_at=ended_at,
        visit_type=visit_type,
        location=location,
        location_detail=location_detail,
        present=present,
        child_seen=child_seen,
        seen_alone=seen_alone,
        bedroom_seen=bedroom_seen,
        not_seen_reason=not_seen_reason,
        child_said=child_said,
        observations=observations,
        analysis=analysis,
        next_steps=next_steps,
    )
    changed = {k: v for k, v in values.items() if getattr(visit, k) != v}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(visit, name, value)
    visit.updated_by, visit.updated_at = by, timezone.now()
    visit._history_user = by
    visit.save()
    return True


def direct_work_problems(
    *,
    session_date: date | None,
    method: str,
    themes: Iterable[str],
    theme_other: str,
    child_words: str,
    reflection: str,
    child: Child | None = None,
) -> dict[str, str]:
    """What is wrong with a direct work session, by argument name (empty when nothing is)."""
    themes = set(themes)
    errors: dict[str, str] = {}
    if session_date is None:
        errors["session_date"] = "Enter the date of the session"
    label = "The date of the session"
    dates.check(errors, "session_date", dates.happened_problem(session_date, label=label, child=child, kind=WITH))
    if not method.strip():
        errors["method"] = "Enter the method or tool you used"
    if themes - set(THEME_LABELS):
        errors["themes"] = "Select only themes from the list"
    elif not themes:
        errors["themes"] = "Select at least one theme"
    elif DirectWorkTheme.OTHER in themes and not theme_other.strip():
        errors["theme_other"] = "Enter the other theme"
    if not child_words.strip():
        errors["child_words"] = "Enter what the child said, in their own words"
    if not reflection.strip():
        errors["reflection"] = "Enter your reflection"
    return errors


def _direct_work_values(
    *,
    child: Child,
    session_date: date,
    method: str,
    themes: Iterable[str],
    theme_other: str,
    child_words: str,
    reflection: str,
) -> dict:
    themes = list(themes)
    errors = direct_work_problems(
        session_date=session_date,
        method=method,
        themes=themes,
        theme_other=theme_other,
        child_words=child_words,
        reflection=reflection,
        child=child,
    )
    chosen = [code for code in DirectWorkTheme.values if code in themes]
    if errors:
        raise ValidationError(errors)
    return {
        "session_date": session_date,
        "method": method.strip(),
        "themes": chosen,
        "theme_other": theme_other.strip() if DirectWorkTheme.OTHER in chosen else "",
        # The child's words are kept exactly as typed (only surrounding blank lines go).
        "child_words": child_words.strip("\n\r"),
        "reflection": reflection.strip(),
    }


@transaction.atomic
def direct_work_record(
    *,
    child: Child,
    by: Worker,
    session_date: date,
    method: str,
    themes: Iterable[str],
    theme_other: str = "",
    child_words: str,
    reflection: str,
) -> DirectWorkSession:
    values = _direct_work_values(
        child=child,
        session_date=session_date,
        method=method,
        themes=list(themes),
        theme_other=theme_other,
        child_words=child_words,
        reflection=reflection,
    )
    session = DirectWorkSession(child=child, author=by, **values)
    session._history_user = by
    session.save()
    return session


@transaction.atomic
def direct_work_update(
    *,
    session: DirectWorkSession,
    by: Worker,
    session_date: date,
    method: str,
    themes: Iterable[str],
    theme_other: str = "",
    child_words: str,
    reflection: str,
    loaded_version: int | None = None,
) -> bool:
    """Correct a session; refused with `StaleVersion` if someone saved it after `loaded_version`."""
    if not can_correct(by, session):
        raise PermissionDenied("Only the worker who recorded this session, or a manager, can correct it.")
    lock_current(session, loaded=loaded_version)
    values = _direct_work_values(
        child=session.child,
        session_date=session_date,
        method=method,
        themes=list(themes),
        theme_other=theme_other,
        child_words=child_words,
        reflection=reflection,
    )
    changed = {k: v for k, v in values.items() if getattr(session, k) != v}
    if not changed:
        return False
    for name, value in changed.items():
        setattr(session, name, value)
    session.updated_by, session.updated_at = by, timezone.now()
    session._history_user = by
    session.save()
    return True


@transaction.atomic
def plan_visit_frequency_set(
    *, section: CINPlanChild, weeks: int | None, reason: str, by: Worker
) -> PlanVisitFrequency:
    """Set how often the child's CIN plan says they are to be visited (1 to 12 weeks), with the
    reason. `weeks=None` goes back to the council's default (the row stays, with its history and
    the reason for going back)."""
    errors = {}
    if weeks is not None and not 1 <= weeks <= 12:
        errors["weeks"] = "Enter a number of weeks from 1 to 12"
    if not reason.strip():
        errors["reason"] = "Enter why the child is to be visited at this frequency"
    if section.end_date is not None:
        errors["__all__"] = "This plan has ended: set the frequency in the child's current plan"
    if errors:
        raise ValidationError(errors)
    existing = PlanVisitFrequency.objects.filter(section=section).first()
    if existing is None:
        existing = PlanVisitFrequency(section=section)
    existing.weeks, existing.reason, existing.set_by = weeks, reason.strip(), by
    existing.updated_at = timezone.now()
    existing._history_user = by
    existing.save()
    return existing
