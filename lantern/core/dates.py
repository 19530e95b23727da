"""What a date may be, for each kind of entry: the one place every form and service asks.

Two kinds of date are typed into Lantern:

* **What happened** (a contact received, a referral, a visit, a session of direct work, a note,
  a check-in, a conference, a review, a closure): never after today, and never before the child
  could have been part of it. Work *with* the child (visits, direct work) is not before the
  child's birth. Work *about* the child (contacts, referrals, assessments, notes, check-ins,
  oversight) may start before birth, because councils work with unborn babies (pre-birth
  referrals and assessments), but not more than a pregnancy (`PRE_BIRTH_WEEKS`) before it.
  Work on an episode is not before its referral, and nothing is before `EARLIEST`.
* **What is planned** (an action's due date, an outcome's target, the next review or
  supervision): not after `PLANNED_HORIZON_YEARS` from today.

The services raise `ValidationError({field: message})` with these messages, so a form shows
them next to its field and an import or seeder is refused the same way. Each message says the
limit and why: "The date of the visit must be on or after 3 July 2016, Kai's date of birth".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils import timezone

from lantern.core.calendar import MIN_YEAR, add_months

#: Nothing recorded in Lantern happened before this day. The working-day calendar (which every
#: statutory timescale is counted with) knows bank holidays from 1990, and no child open to a
#: children's service today was born before it; an earlier date is a typing slip (1989 for 2019).
EARLIEST = date(MIN_YEAR, 1, 1)


def not_before_earliest(field: str, *, name: str, moment: bool = False) -> CheckConstraint:
    """A database constraint that `field` (a date, or a moment when `moment`) is not before
    EARLIEST, so no route (a seeder's bulk insert, an import, a shell) can store one."""
    floor = datetime(EARLIEST.year, EARLIEST.month, EARLIEST.day, tzinfo=UTC) if moment else EARLIEST
    return CheckConstraint(name=name, condition=Q(**{f"{field}__gte": floor}))


#: How long before birth work about an unborn child may start: a full-term pregnancy.
PRE_BIRTH_WEEKS = 40

#: How far ahead a planned date may be. A CIN plan is reviewed at least every 12 weeks and a
#: child protection plan at least every 6 months, so a target, action or review more than two
#: years away is a slip (2099 for 2029), not a plan.
PLANNED_HORIZON_YEARS = 2

#: The kinds of entry that happen *with* the child (the child must have been born).
WITH_CHILD = "with_child"
#: The kinds of entry *about* the child (may be up to PRE_BIRTH_WEEKS before birth).
ABOUT_CHILD = "about_child"


def long_date(day: date) -> str:
    """'3 July 2016', as GOV.UK writes dates."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Floor:
    day: date
    why: str  # ", Kai's date of birth" - read after the date


def _later(a: Floor | None, b: Floor | None) -> Floor | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.day > a.day else a


def birth_floor(child, *, kind: str = ABOUT_CHILD) -> Floor | None:
    """The earliest date an entry of `kind` about `child` may have, from their (expected) birth."""
    person = child.person
    name = person.first_name or "the child"
    before = timedelta(weeks=PRE_BIRTH_WEEKS)
    if person.date_of_birth:
        if kind == WITH_CHILD:
            return Floor(person.date_of_birth, f"{name}'s date of birth")
        return Floor(person.date_of_birth - before, f"{PRE_BIRTH_WEEKS} weeks before {name}'s date of birth")
    if person.expected_date_of_birth:
        return Floor(
            person.expected_date_of_birth - before, f"{PRE_BIRTH_WEEKS} weeks before {name}'s expected date of birth"
        )
    return None


def as_local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def happened_problem(
    value: date | datetime | None,
    *,
    label: str,
    child=None,
    kind: str = ABOUT_CHILD,
    after: Floor | None = None,
    today: date | None = None,
) -> str | None:
    """What is wrong with `value` as the date something happened, or None.

    `label` starts the message ("The date of the visit"); `after` is a further floor (the
    referral, the start of the plan) with its reason."""
    if value is None:
        return None
    day = as_local_date(value)
    today = today or timezone.localdate()
    if day > today:
        return f"{label} must be today or in the past"
    floor = Floor(EARLIEST, ", the earliest date Lantern records")
    if child is not None:
        floor = _later(floor, birth_floor(child, kind=kind))
    floor = _later(floor, after)
    if day < floor.day:
        why = floor.why if floor.why.startswith(",") else f", {floor.why}"
        return f"{label} must be on or after {long_date(floor.day)}{why}"
    return None


def planned_problem(
    value: date | None, *, label: str, not_before: Floor | None = None, today: date | None = None
) -> str | None:
    """What is wrong with `value` as a planned date, or None: not after the horizon, and not
    before `not_before` (today, the plan's start) when given."""
    if value is None:
        return None
    today = today or timezone.localdate()
    latest = add_months(today, 12 * PLANNED_HORIZON_YEARS)
    if value > latest:
        return f"{label} must be no later than {long_date(latest)}, {PLANNED_HORIZON_YEARS} years from today"
    if not_before is not None and value < not_before.day:
        if not_before.why == "today":
            return f"{label} must be today or in the future"
        why = not_before.why if not_before.why.startswith(",") else f", {not_before.why}"
        return f"{label} must be on or after {long_date(not_before.day)}{why}"
    if value < EARLIEST:
        return f"{label} must be on or after {long_date(EARLIEST)}, the earliest date Lantern records"
    return None


def today_floor(today: date | None = None) -> Floor:
    return Floor(today or timezone.localdate(), "today")


def referral_floor(episode) -> Floor:
    return Floor(episode.referral_date, "the date of the referral")


def check(errors: dict, field: str, problem: str | None) -> None:
    """Add `problem` to `errors` under `field` unless that field already has one."""
    if problem and field not in errors:
        errors[field] = problem


def require(field: str, problem: str | None) -> None:
    """Raise the problem as a field error (services with a single date)."""
    if problem:
        raise ValidationError({field: problem})


#: Recorded work on a child's case, by chronology kind (lantern/core/chronology.py), with how a
#: message names it. A closure or step-down is not dated before the latest of these on the episode.
WORK_KINDS = {
    "contact": "a contact",
    "assessment_start": "the start of an assessment",
    "assessment_authorised": "an assessment's authorisation",
    "strategy_discussion": "a strategy discussion",
    "s47_start": "a section 47 enquiry",
    "icpc": "a child protection conference",
    "cp_plan_start": "the start of a child protection plan",
    "cp_review": "a child protection review",
    "cin_plan_start": "the start of a CIN plan",
    "cin_plan_review": "a CIN plan review",
    "plan_action_done": "a plan action done",
    "visit": "a visit",
    "direct_work": "direct work",
    "note": "a case note",
    "check_in": "a check-in",
    "oversight": "management oversight",
    "supervision_discussion": "a supervision discussion",
    "allocation_start": "an allocation",
}


def latest_work(child, *, since: date) -> Floor | None:
    """The latest work recorded for `child` on or after `since` (one query over the chronology)."""
    from lantern.core.chronology import sources

    parts = [
        s.rows().order_by().filter(ev_child=child.pk, ev_on__gte=since).values("ev_on", "ev_kind")
        for s in sources()
        if s.kind in WORK_KINDS
    ]
    if not parts:
        return None
    row = parts[0].union(*parts[1:], all=True).order_by("-ev_on")[:1]
    found = next(iter(row), None)
    if found is None:
        return None
    day = found["ev_on"]
    day = date.fromisoformat(day[:10]) if isinstance(day, str) else as_local_date(day)
    return Floor(day, f"the date of the latest work recorded on the episode ({WORK_KINDS[found['ev_kind']]})")


def closing_problem(episode, value: date | None, *, label: str) -> str | None:
    """What is wrong with `value` as the day `episode` closes (a closure or a step-down): what
    happened (not in the future), not before the referral, and not before work already recorded
    on the episode, so closing never cuts visits, notes or an allocation short."""
    problem = happened_problem(value, label=label, child=episode.child, after=referral_floor(episode))
    if problem or value is None:
        return problem
    latest = latest_work(episode.child, since=episode.referral_date)
    if latest is not None and value < latest.day:
        return f"{label} must be on or after {long_date(latest.day)}, {latest.why}"
    return None


def _first_work(child, kinds) -> tuple[date, str] | None:
    from lantern.core.chronology import sources

    parts = [
        s.rows().order_by().filter(ev_child=child.pk).values("ev_on", "ev_kind") for s in sources() if s.kind in kinds
    ]
    if not parts:
        return None
    found = next(iter(parts[0].union(*parts[1:], all=True).order_by("ev_on")[:1]), None)
    if found is None:
        return None
    day = found["ev_on"]
    day = date.fromisoformat(day[:10]) if isinstance(day, str) else as_local_date(day)
    return day, WORK_KINDS[found["ev_kind"]]


#: Work that happens with the child present, so not before they were born.
WITH_CHILD_KINDS = frozenset({"visit", "direct_work"})


def birth_problems(
    *, child=None, name: str, date_of_birth: date | None, expected_date_of_birth: date | None
) -> dict[str, str]:
    """What is wrong with a child's (expected) date of birth, by field: a date of birth not in
    the future nor before EARLIEST, an expected one within a pregnancy from today, and, for a
    child already known, neither after the work recorded for them (a visit before birth, or a
    contact more than a pregnancy before it)."""
    today = timezone.localdate()
    problems: dict[str, str] = {}
    if date_of_birth is not None:
        check(problems, "date_of_birth", happened_problem(date_of_birth, label="Date of birth", today=today))
    if expected_date_of_birth is not None:
        latest = today + timedelta(weeks=PRE_BIRTH_WEEKS)
        if expected_date_of_birth > latest:
            problems["expected_date_of_birth"] = (
                f"Expected date of birth must be no later than {long_date(latest)}, {PRE_BIRTH_WEEKS} weeks from today"
            )
        elif expected_date_of_birth < EARLIEST:
            problems["expected_date_of_birth"] = (
                f"Expected date of birth must be on or after {long_date(EARLIEST)}, the earliest date Lantern records"
            )
    born = date_of_birth or expected_date_of_birth
    field = "date_of_birth" if date_of_birth else "expected_date_of_birth"
    if child is None or child.pk is None or born is None or field in problems:
        return problems
    label = "Date of birth" if date_of_birth else "Expected date of birth"
    with_child = None if not date_of_birth else _first_work(child, WITH_CHILD_KINDS)
    if with_child is not None and born > with_child[0]:
        day, what = with_child
        problems[field] = f"{label} must be on or before {long_date(day)}, the date of {what} recorded for {name}"
        return problems
    about = _first_work(child, set(WORK_KINDS) - {"allocation_start"})
    before = timedelta(weeks=PRE_BIRTH_WEEKS)
    if about is not None and born - before > about[0]:
        day, what = about
        problems[field] = (
            f"{label} must be on or before {long_date(day + before)}, {PRE_BIRTH_WEEKS} weeks after the date of "
            f"{what} recorded for {name}"
        )
    return problems
