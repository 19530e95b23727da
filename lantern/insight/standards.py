"""The practice standards: named rules checked over the whole authority (L2, L4, L5, L6, L7, L9,
L10, L13, L14, L16, L17, L18).

Each `Standard` has a key, a name, a description, a severity, the roles it is shown to
(`audience`), the council settings it reads (`parameters`, changed on /standards/) and a
`find(as_of)` function. `find` asks the database one or two set-based questions about every
child (or worker) in the authority and returns `Finding`s: who, which record, since when. It
reads only records dated on or before `as_of`, so the same function answers "which alerts
were there on 1 October last year?" (`manage.py practice_alerts --as-of`).

Python only touches the rows the database returns (to turn a date into "since" where working
days or months are involved); the choice of rows is always made in SQL.

Standards that read records of other apps (visits, oversight, supervision, check-ins, notes,
the chronology) declare them in `requires` and are skipped when those are not installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone

from lantern.casework.models import (
    Assessment,
    AssessmentFactorRecord,
    AssessmentOutcome,
    ChildProtectionPlan,
    CINEpisode,
    CINPlanChild,
    Contact,
    ContactDecision,
    OutcomeProgress,
    PlanOutcome,
    PlanReview,
    Section47,
    StrategyDiscussion,
)
from lantern.core import codes
from lantern.core.calendar import add_months, add_working_days
from lantern.core.local_settings import SettingDefinition, define, get_setting
from lantern.workforce.models import Allocation, AllocationRole, Role, Worker

# ---------------------------------------------------------------------------------------------
# What a standard is
# ---------------------------------------------------------------------------------------------

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_LABELS = {HIGH: "High", MEDIUM: "Medium", LOW: "Low"}
SEVERITY_ORDER = {HIGH: 0, MEDIUM: 1, LOW: 2}

EVERYONE = frozenset(
    {
        Role.SOCIAL_WORKER,
        Role.FAMILY_SUPPORT_WORKER,
        Role.TEAM_MANAGER,
        Role.SERVICE_MANAGER,
        Role.QUALITY_AUDITOR,
        Role.SENIOR_LEADER,
        Role.INSPECTOR,
    }
)
MANAGERS_AND_ASSURANCE = frozenset(
    {Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QUALITY_AUDITOR, Role.SENIOR_LEADER, Role.INSPECTOR}
)


@dataclass(frozen=True)
class Finding:
    """One child (or worker) for whom a standard's condition holds on the day asked about."""

    since: date
    child_id: int | None = None
    worker_id: int | None = None
    subject_kind: str = "child"
    subject_id: int | None = None
    owner_id: int | None = None  # None: the child's lead worker on the day

    def key(self, standard: str) -> str:
        who = f"c{self.child_id}" if self.child_id is not None else f"w{self.worker_id}"
        return f"{standard}:{who}:{self.subject_kind}:{self.subject_id or ''}"


@dataclass(frozen=True)
class Standard:
    key: str
    name: str
    description: str
    severity: str
    audience: frozenset[str]
    parameters: tuple[str, ...]
    find: Callable[[date], list[Finding]]
    about: str = "child"  # "child" or "worker"
    requires: tuple[str, ...] = ()  # "module:Name" that must exist for the standard to run
    response_option: str = ""  # a checkbox on the response form that the standard reads back

    @property
    def setting_key(self) -> str:
        return f"standard_on_{self.key}"

    @property
    def available(self) -> bool:
        return all(_importable(spec) for spec in self.requires)

    @property
    def enabled(self) -> bool:
        return self.available and switched_on().get(self.key, True)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def audience_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.audience]

    @property
    def audience_summary(self) -> str:
        if self.audience == EVERYONE:
            return "Everyone who can see the child"
        if self.audience == MANAGERS_AND_ASSURANCE:
            return "Managers, auditors, senior leaders and inspectors"
        return ", ".join(self.audience_labels)

    def shown_to(self, role: str) -> bool:
        return role in self.audience


@cache
def _importable(spec: str) -> bool:
    module, _, name = spec.partition(":")
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return False
    return not name or hasattr(loaded, name)


STANDARDS: dict[str, Standard] = {}


def standard(
    key: str,
    *,
    name: str,
    description: str,
    severity: str,
    audience: frozenset[str] = EVERYONE,
    parameters: tuple[str, ...] = (),
    about: str = "child",
    requires: tuple[str, ...] = (),
    response_option: str = "",
) -> Callable[[Callable[[date], list[Finding]]], Callable[[date], list[Finding]]]:
    """Register a standard; the decorated function is its `find(as_of)`."""

    def register(find: Callable[[date], list[Finding]]) -> Callable[[date], list[Finding]]:
        if key in STANDARDS:
            raise ValueError(f"Standard {key!r} defined twice")
        item = Standard(key, name, description, severity, audience, parameters, find, about, requires, response_option)
        STANDARDS[key] = item
        define(SettingDefinition(item.setting_key, True, f"Check the standard: {name}", ""))
        return find

    return register


def get(key: str) -> Standard | None:
    return STANDARDS.get(key)


def all_standards() -> list[Standard]:
    return list(STANDARDS.values())


def switched_on() -> dict[str, bool]:
    """Each standard's on/off setting, read in one go: a page that filters by the standards a role
    sees asks once, not once per standard (the settings cache is the database in production).
    Same cache entries as `lantern.core.local_settings.get_setting`, so a change made with
    `set_setting` is seen here at once."""
    from django.core.cache import cache

    from lantern.core.models import LocalSetting

    names = {f"local-setting:{s.setting_key}": s for s in STANDARDS.values()}
    values = cache.get_many(list(names))
    missing = [name for name in names if name not in values]
    if missing:
        stored = dict(
            LocalSetting.objects.filter(key__in=[names[n].setting_key for n in missing]).values_list("key", "value")
        )
        fresh = {n: stored.get(names[n].setting_key, True) for n in missing}
        cache.set_many(fresh, 30)
        values.update(fresh)
    return {s.key: bool(values[name]) for name, s in names.items()}


def enabled_standards() -> list[Standard]:
    on = switched_on()
    return [s for s in STANDARDS.values() if s.available and on.get(s.key, True)]


def keys_shown_to(role: str) -> list[str]:
    """Standards whose alerts a role sees. Not filtered by whether a standard is switched on: a
    standard switched off has its open alerts cleared at the next check (so pages need no extra
    read of the settings)."""
    return [s.key for s in STANDARDS.values() if s.shown_to(role)]


# ---------------------------------------------------------------------------------------------
# Date helpers: the database chooses the rows; these turn a day and a rule into a boundary
# ---------------------------------------------------------------------------------------------


@cache
def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, local time (for comparing date-times with days)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def on_or_before(day: date) -> datetime:
    """The first moment after `day` (`datetime_field__lt=on_or_before(day)`)."""
    return day_start(day + timedelta(days=1))


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


@cache
def _working_deadline(start: date, n: int) -> date:
    return add_working_days(start, n)


def overdue_from(start: date, n: int) -> date:
    """The first day on which something due `n` working days after `start` is overdue."""
    return _working_deadline(start, n) + timedelta(days=1)


def latest_overdue_start(as_of: date, n: int) -> date:
    """The latest start date for which a deadline `n` working days later has passed by `as_of`
    (deadline < as_of). Working-day deadlines never go backwards as the start moves on, so
    `start <= latest_overdue_start(...)` selects exactly the overdue rows in SQL."""
    day = as_of - timedelta(days=1)
    while _working_deadline(day, n) >= as_of:
        day -= timedelta(days=1)
    return day


def open_on(day: date, start: str, end: str) -> Q:
    """Started on or before `day` and not ended by it (ended on `day` counts as ended)."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


class AddDays(Func):
    """`date + n days` as a date, on SQLite and PostgreSQL (n may be a column)."""

    arity = 2
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '+' || ", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ", **extra)


def _days(expression) -> Cast:
    return Cast(expression, IntegerField())


def open_cin(as_of: date):
    """CIN episodes open on `as_of` (a referral closed with no further action never is)."""
    return CINEpisode.objects.filter(open_on(as_of, "referral_date", "closure_date"), referral_nfa=False)


def open_cp(as_of: date, child_ref: str = "child_id"):
    return ChildProtectionPlan.objects.filter(open_on(as_of, "start_date", "end_date"), child=OuterRef(child_ref))


def current_sections(as_of: date):
    """Each child's section of a CIN plan in force on `as_of` (approved, not yet ended)."""
    return CINPlanChild.objects.filter(open_on(as_of, "start_date", "end_date"))


# ---------------------------------------------------------------------------------------------
# The front door and assessment
# ---------------------------------------------------------------------------------------------


@standard(
    "referral_decision",
    name="Referral decision overdue",
    description=(
        "A contact has had no threshold decision within the council's timescale (national: 1 working day from receipt)."
    ),
    severity=HIGH,
    parameters=("referral_decision_working_days",),
)
def referral_decision(as_of: date) -> list[Finding]:
    n = int(get_setting("referral_decision_working_days"))
    last_start = latest_overdue_start(as_of, n)
    decided = ContactDecision.objects.filter(contact=OuterRef("pk"), decided_at__lt=on_or_before(as_of))
    rows = (
        Contact.objects.filter(received_at__lt=on_or_before(last_start))
        .filter(~Exists(decided))
        .values_list("pk", "child_id", "received_at")
    )
    return [
        Finding(overdue_from(local_day(received), n), child_id, subject_kind="contact", subject_id=pk)
        for pk, child_id, received in rows
    ]


@standard(
    "assessment_timescale",
    name="Assessment over timescale",
    description=(
        "The child and family assessment has not been authorised within the council's timescale from the "
        "referral (national: 45 working days)."
    ),
    severity=HIGH,
    parameters=("assessment_working_days",),
)
def assessment_timescale(as_of: date) -> list[Finding]:
    n = int(get_setting("assessment_working_days"))
    last_start = latest_overdue_start(as_of, n)
    authorised = Assessment.objects.filter(episode=OuterRef("pk"), authorised_date__lte=as_of)
    latest = Assessment.objects.filter(episode=OuterRef("pk"), start_date__lte=as_of).order_by("-start_date", "-pk")
    rows = (
        open_cin(as_of)
        .filter(referral_date__lte=last_start)
        .filter(~Exists(authorised))
        .annotate(assessment_id=Subquery(latest.values("pk")[:1]))
        .values_list("pk", "child_id", "referral_date", "assessment_id")
    )
    return [
        Finding(
            overdue_from(referral, n),
            child_id,
            subject_kind="assessment" if assessment_id else "episode",
            subject_id=assessment_id or pk,
        )
        for pk, child_id, referral, assessment_id in rows
    ]


@standard(
    "assessment_out_of_date",
    name="Assessment out of date",
    description=(
        "On an open case, the latest authorised assessment is older than the council's limit (default 12 "
        "months), or a significant event has been recorded since it (a final case note marked significant)."
    ),
    severity=MEDIUM,
    parameters=("assessment_out_of_date_months",),
)
def assessment_out_of_date(as_of: date) -> list[Finding]:
    months = int(get_setting("assessment_out_of_date_months"))
    limit = add_months(as_of, -months)
    authorised = Assessment.objects.filter(child_id=OuterRef("child_id"), authorised_date__lte=as_of)
    # The latest authorised assessment is older than the limit: none authorised since the limit.
    stale = ~Exists(authorised.filter(authorised_date__gte=limit))
    latest = authorised.order_by("-authorised_date", "-pk")
    episodes = open_cin(as_of).annotate(
        last_authorised=Subquery(latest.values("authorised_date")[:1], output_field=DateField()),
        assessment_id=Subquery(latest.values("pk")[:1]),
    )
    notes = _significant_notes()
    if notes is not None:
        # A significant event recorded after the latest authorised assessment (no assessment
        # authorised on or after the event's date).
        notes = notes.filter(occurred_on__lte=as_of, finalised_at__lt=on_or_before(as_of))
        reassessed = Assessment.objects.filter(
            child_id=OuterRef("child_id"), authorised_date__gte=OuterRef("occurred_on"), authorised_date__lte=as_of
        )
        since_assessed = notes.filter(child_id=OuterRef("child_id")).filter(~Exists(reassessed))
        stale |= Exists(since_assessed)
        first_after = notes.filter(child_id=OuterRef("child_id"), occurred_on__gt=OuterRef("last_authorised"))
        episodes = episodes.annotate(
            changed_on=Subquery(first_after.order_by("occurred_on").values("occurred_on")[:1], output_field=DateField())
        )
    else:
        episodes = episodes.annotate(changed_on=Value(None, output_field=DateField()))
    rows = episodes.filter(Exists(authorised), stale).values_list(
        "child_id", "last_authorised", "assessment_id", "changed_on"
    )
    out = []
    for child_id, authorised_on, assessment_id, changed_on in rows:
        too_old = add_months(authorised_on, months) + timedelta(days=1)
        since = min(d for d in (too_old, changed_on) if d is not None)
        out.append(Finding(min(since, as_of), child_id, subject_kind="assessment", subject_id=assessment_id))
    return out


def _significant_notes():
    if not _importable("lantern.notes.models:CaseNote"):
        return None
    from lantern.notes.models import CaseNote

    return CaseNote.objects.filter(status="final", significant=True)


@standard(
    "no_cin_plan",
    name="No CIN plan after assessment",
    description=(
        "The latest authorised assessment concluded that the child needs a CIN plan, and no CIN plan is in force "
        "within the council's timescale (and the child is not on a child protection plan)."
    ),
    severity=HIGH,
    parameters=("cin_plan_after_assessment_working_days",),
)
def no_cin_plan(as_of: date) -> list[Finding]:
    n = int(get_setting("cin_plan_after_assessment_working_days"))
    last_start = latest_overdue_start(as_of, n)
    later = Assessment.objects.filter(
        episode_id=OuterRef("episode_id"), authorised_date__gt=OuterRef("authorised_date"), authorised_date__lte=as_of
    )
    # The episode's latest authorised assessment concluded a CIN plan, long enough ago.
    concluded = Assessment.objects.filter(
        episode_id=OuterRef("pk"), outcome=AssessmentOutcome.CIN_PLAN, authorised_date__lte=last_start
    ).filter(~Exists(later))
    in_force = current_sections(as_of).filter(child_id=OuterRef("child_id"))
    latest = concluded.order_by("-authorised_date", "-pk")
    rows = (
        open_cin(as_of)
        .filter(Exists(concluded), ~Exists(in_force), ~Exists(open_cp(as_of)))
        .annotate(
            authorised=Subquery(latest.values("authorised_date")[:1], output_field=DateField()),
            assessment_id=Subquery(latest.values("pk")[:1]),
        )
        .values_list("child_id", "authorised", "assessment_id")
    )
    return [
        Finding(overdue_from(authorised, n), child_id, subject_kind="assessment", subject_id=assessment_id)
        for child_id, authorised, assessment_id in rows
    ]


# ---------------------------------------------------------------------------------------------
# CIN plans and reviews
# ---------------------------------------------------------------------------------------------


@standard(
    "plan_incomplete",
    name="CIN plan without outcomes or contingency",
    description=(
        "A CIN plan in force has no outcomes at all, an outcome with no measure of success, or no contingency "
        "(what happens if things do not improve, and when it is reviewed). Every outcome has a target date by "
        "design."
    ),
    severity=MEDIUM,
)
def plan_incomplete(as_of: date) -> list[Finding]:
    plan_outcomes = PlanOutcome.objects.filter(section__plan=OuterRef("plan_id"))
    unmeasured = PlanOutcome.objects.filter(section=OuterRef("pk"), measure="")
    rows = (
        current_sections(as_of)
        .filter(~Exists(plan_outcomes) | Exists(unmeasured) | Q(contingency="") | Q(contingency_by__isnull=True))
        .values_list("child_id", "plan_id", "start_date")
    )
    return [Finding(start, child_id, subject_kind="plan", subject_id=plan_id) for child_id, plan_id, start in rows]


@standard(
    "sibling_outcomes",
    name="Child on a family plan without outcomes of their own",
    description=(
        "A CIN plan shared by brothers and sisters has outcomes for some of the children but none for this "
        "child: each child needs their own (L14)."
    ),
    severity=MEDIUM,
)
def sibling_outcomes(as_of: date) -> list[Finding]:
    others = CINPlanChild.objects.filter(plan_id=OuterRef("plan_id")).exclude(child_id=OuterRef("child_id"))
    own = PlanOutcome.objects.filter(section=OuterRef("pk"))
    plan_outcomes = PlanOutcome.objects.filter(section__plan=OuterRef("plan_id"))
    rows = (
        current_sections(as_of)
        .filter(Exists(others), ~Exists(own), Exists(plan_outcomes))
        .values_list("child_id", "plan_id", "start_date")
    )
    return [Finding(start, child_id, subject_kind="plan", subject_id=plan_id) for child_id, plan_id, start in rows]


@standard(
    "plan_review_overdue",
    name="CIN plan review overdue",
    description=(
        "A CIN plan in force has not been reviewed by its next review date (the plan's own review frequency, "
        "set from the council's setting when the plan was made: default every 12 weeks)."
    ),
    severity=MEDIUM,
    parameters=("cin_review_weeks",),
)
def plan_review_overdue(as_of: date) -> list[Finding]:
    last_review = PlanReview.objects.filter(plan_id=OuterRef("plan_id"), date__lte=as_of).order_by("-date", "-pk")
    started = Coalesce("plan__start_date", "start_date")
    rows = (
        current_sections(as_of)
        .annotate(
            review_due=Coalesce(
                Subquery(last_review.values("next_review_date")[:1], output_field=DateField()),
                AddDays(started, _days(F("plan__review_weeks") * 7)),
                output_field=DateField(),
            )
        )
        .filter(review_due__lt=as_of)
        .values_list("child_id", "plan_id", "review_due")
    )
    return [
        Finding(due + timedelta(days=1), child_id, subject_kind="plan", subject_id=plan_id)
        for child_id, plan_id, due in rows
    ]


# ---------------------------------------------------------------------------------------------
# Drift: long CIN episodes without progress, unescalated neglect, re-referrals
# ---------------------------------------------------------------------------------------------


@standard(
    "long_cin_no_progress",
    name="Long CIN episode without improvement",
    description=(
        "A CIN episode has been open longer than the council's limit (default 9 months) and no outcome's "
        "latest progress score is above where it started (its baseline, or its first score). It needs a "
        "recorded management decision (L9)."
    ),
    severity=MEDIUM,
    parameters=("long_cin_months",),
)
def long_cin_no_progress(as_of: date) -> list[Finding]:
    months = int(get_setting("long_cin_months"))
    long_open = open_cin(as_of).filter(referral_date__lt=add_months(as_of, -months))
    scores = OutcomeProgress.objects.filter(outcome=OuterRef("pk"), review__date__lte=as_of)
    improved = (
        PlanOutcome.objects.filter(section__episode__in=long_open.values("pk"), section__start_date__lte=as_of)
        .annotate(
            latest=Subquery(scores.order_by("-review__date", "-pk").values("score")[:1]),
            first=Subquery(scores.order_by("review__date", "pk").values("score")[:1]),
        )
        .filter(latest__gt=Coalesce("baseline_score", "first"))
        .values("section__episode_id")
    )
    rows = (
        long_open.exclude(pk__in=improved)
        .filter(~Exists(open_cp(as_of)))
        .values_list("pk", "child_id", "referral_date")
    )
    return [
        Finding(add_months(referral, months) + timedelta(days=1), child_id, subject_kind="episode", subject_id=pk)
        for pk, child_id, referral in rows
    ]


@standard(
    "neglect_unescalated",
    name="Neglect without escalation",
    description=(
        "Neglect is the primary need (N1) or an assessment factor (16A), the CIN episode has been open longer "
        "than the council's limit (default 6 months), and there has been no strategy discussion, no child "
        "protection plan and no recorded child protection consideration by a manager (L9)."
    ),
    severity=HIGH,
    parameters=("neglect_escalation_months",),
    response_option="This decision records a child protection consideration for the child",
)
def neglect_unescalated(as_of: date) -> list[Finding]:
    from lantern.insight.models import AlertResponse

    months = int(get_setting("neglect_escalation_months"))
    factor = AssessmentFactorRecord.objects.filter(
        assessment__episode=OuterRef("pk"), assessment__start_date__lte=as_of, code=codes.AssessmentFactor.F16A
    )
    strategy = StrategyDiscussion.objects.filter(episode=OuterRef("pk"), date__lte=as_of)
    section47 = Section47.objects.filter(episode=OuterRef("pk"), start_date__lte=as_of)
    cp_plan = ChildProtectionPlan.objects.filter(episode=OuterRef("pk"), start_date__lte=as_of)
    considered = AlertResponse.objects.filter(
        alert__child_id=OuterRef("child_id"),
        alert__standard="neglect_unescalated",
        child_protection_considered=True,
        responded_at__date__gte=OuterRef("referral_date"),
        responded_at__lt=on_or_before(as_of),
    )
    rows = (
        open_cin(as_of)
        .filter(referral_date__lt=add_months(as_of, -months))
        .filter(Q(primary_need=codes.PrimaryNeed.N1) | Exists(factor))
        .filter(~Exists(strategy), ~Exists(section47), ~Exists(cp_plan), ~Exists(considered))
        .values_list("pk", "child_id", "referral_date")
    )
    return [
        Finding(add_months(referral, months) + timedelta(days=1), child_id, subject_kind="episode", subject_id=pk)
        for pk, child_id, referral in rows
    ]


@standard(
    "rereferral",
    name="Re-referral within 12 months",
    description=(
        "The child was referred again within the council's re-referral window (DfE: 12 months) of a previous "
        "episode closing (including a step-down or a referral closed with no further action), and no manager has "
        "signed management oversight on the child's file since the new referral (L10)."
    ),
    severity=MEDIUM,
    parameters=("rereferral_months",),
)
def rereferral(as_of: date) -> list[Finding]:
    months = int(get_setting("rereferral_months"))
    previous = (
        CINEpisode.objects.filter(
            child_id=OuterRef("child_id"), closure_date__isnull=False, closure_date__lte=OuterRef("referral_date")
        )
        .exclude(pk=OuterRef("pk"))
        .order_by("-closure_date")
    )
    episodes = open_cin(as_of).annotate(
        previous_closed=Subquery(previous.values("closure_date")[:1], output_field=DateField())
    )
    if _importable("lantern.oversight.models:OversightEntry"):
        from lantern.oversight.models import OversightEntry

        reviewed = OversightEntry.objects.filter(
            child_id=OuterRef("child_id"),
            signed_at__isnull=False,
            signed_at__lt=on_or_before(as_of),
        ).filter(signed_at__date__gte=OuterRef("referral_date"))
        episodes = episodes.filter(~Exists(reviewed))
    rows = episodes.filter(previous_closed__isnull=False).values_list(
        "pk", "child_id", "referral_date", "previous_closed"
    )
    return [
        Finding(referral, child_id, subject_kind="episode", subject_id=pk)
        for pk, child_id, referral, closed in rows
        if closed >= add_months(referral, -months)
    ]


# ---------------------------------------------------------------------------------------------
# Workers: continuity and caseloads
# ---------------------------------------------------------------------------------------------


@standard(
    "worker_changes",
    name="Three or more workers in 12 months",
    description=(
        "On an open case, the child has had at least the council's number of different lead workers (default 3) "
        "in the last 12 months (L17)."
    ),
    severity=LOW,
    audience=MANAGERS_AND_ASSURANCE,
    parameters=("worker_changes_flag",),
)
def worker_changes(as_of: date) -> list[Finding]:
    """Counted as `lantern.workforce.selectors.with_worker_count` counts (different lead workers
    holding the child at any time in the 12 months to `as_of`), grouped in one pass."""
    from lantern.workforce.selectors import continuity_window

    flag = int(get_setting("worker_changes_flag"))
    window = continuity_window(as_of, 12)
    rows = (
        Allocation.objects.filter(role=AllocationRole.LEAD, worker__isnull=False, start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window))
        .filter(child_id__in=open_cin(as_of).values("child_id"))
        .order_by()
        .values("child_id")
        .annotate(workers=Count("worker", distinct=True), latest_start=Max("start_date"))
        .filter(workers__gte=flag)
        .values_list("child_id", "latest_start")
    )
    return [Finding(start, child_id, subject_kind="allocations") for child_id, start in rows]


#: The red threshold each case-holding role is measured against (as the caseloads app does: a
#: team manager holding a few children is measured against social workers' threshold).
CASELOAD_ROLES = {
    Role.SOCIAL_WORKER: "caseload_sw_red",
    Role.FAMILY_SUPPORT_WORKER: "caseload_fsw_red",
    Role.TEAM_MANAGER: "caseload_sw_red",
}


@standard(
    "caseload_over_threshold",
    name="Caseload over threshold",
    description=(
        "A worker holds more children (as lead or co-worker; weighted when the council weights caseloads) than "
        "the council's red threshold for their role (L7): family support workers have their own threshold, "
        "everyone else is measured against social workers'."
    ),
    severity=MEDIUM,
    audience=MANAGERS_AND_ASSURANCE,
    parameters=("caseload_sw_red", "caseload_fsw_red", "caseload_weighting", "caseload_cp_weight"),
    about="worker",
    requires=("lantern.caseloads.local_settings",),
)
def caseload_over_threshold(as_of: date) -> list[Finding]:
    held = Allocation.objects.filter(
        open_on(as_of, "start_date", "end_date"),
        worker=OuterRef("pk"),
        role__in=[AllocationRole.LEAD, AllocationRole.CO_WORKER],
    )
    count = held.order_by().values("worker").annotate(n=Count("child", distinct=True)).values("n")
    on_cp = (
        held.filter(Exists(open_cp(as_of)))
        .order_by()
        .values("worker")
        .annotate(n=Count("child", distinct=True))
        .values("n")
    )
    latest = held.order_by("-start_date", "-pk").values("start_date")[:1]
    workers = Worker.objects.filter(is_active=True, role__in=list(CASELOAD_ROLES)).annotate(
        caseload=Coalesce(Subquery(count, output_field=IntegerField()), 0),
        latest_start=Subquery(latest, output_field=DateField()),
    )
    if get_setting("caseload_weighting"):
        extra = float(get_setting("caseload_cp_weight")) - 1
        workers = workers.annotate(cp=Coalesce(Subquery(on_cp, output_field=IntegerField()), 0))
        over = Q()
        for role, key in CASELOAD_ROLES.items():
            over |= Q(role=role, weighted__gt=float(get_setting(key)))
        workers = workers.annotate(
            weighted=ExpressionWrapper(F("caseload") + F("cp") * Value(extra), output_field=FloatField())
        )
    else:
        over = Q()
        for role, key in CASELOAD_ROLES.items():
            over |= Q(role=role, caseload__gt=int(get_setting(key)))
    rows = workers.filter(over).values_list("pk", "latest_start")
    return [
        Finding(start or as_of, worker_id=worker_id, subject_kind="worker", subject_id=worker_id, owner_id=worker_id)
        for worker_id, start in rows
    ]


# ---------------------------------------------------------------------------------------------
# Visits and seeing the child (recording)
# ---------------------------------------------------------------------------------------------


@standard(
    "visit_overdue",
    name="Visit overdue",
    description=(
        "The child has not been seen on a visit within the expected frequency: every 10 working days on a child "
        "protection plan, every 4 weeks on a CIN case (or as the child's CIN plan sets), counted from the later "
        "of the last visit where the child was seen and the start of the plan or referral (L16)."
    ),
    severity=HIGH,
    parameters=("cin_visit_weeks", "cp_visit_working_days"),
    requires=("lantern.recording.models:PlanVisitFrequency", "lantern.recording.selectors:VisitRule"),
)
def visit_overdue(as_of: date) -> list[Finding]:
    """The recording app's due rule (lantern.recording.selectors), asked the other way round so
    the database can answer for every child at once: a visit is overdue when the clock started
    before the window (plan start or referral) and no visit where the child was seen falls in it."""
    from lantern.recording.models import PlanVisitFrequency, Visit
    from lantern.recording.selectors import VisitRule

    rule = VisitRule(
        cin_weeks=int(get_setting("cin_visit_weeks")), cp_working_days=int(get_setting("cp_visit_working_days"))
    )
    seen = Visit.objects.filter(child_id=OuterRef("child_id"), child_seen=True, visited_on__lte=as_of)
    last_seen = Subquery(seen.order_by("-visited_on").values("visited_on")[:1], output_field=DateField())
    referral = Subquery(
        open_cin(as_of).filter(child_id=OuterRef("child_id")).order_by("-referral_date").values("referral_date")[:1],
        output_field=DateField(),
    )

    # On a child protection plan: due `cp_working_days` working days after the later of the plan's
    # start and the last visit; overdue when that later day is on or before `last_start`.
    last_start = latest_overdue_start(as_of, rule.cp_working_days)
    cp_rows = (
        ChildProtectionPlan.objects.filter(open_on(as_of, "start_date", "end_date"), start_date__lte=last_start)
        .filter(born_by(as_of, "child__person"))
        .filter(~Exists(seen.filter(visited_on__gt=last_start)))
        .annotate(last_seen=last_seen, referral=referral)
        .values_list("child_id", "last_seen", "referral", "start_date")
    )

    # On a CIN case: due every N weeks (the plan's own N, or the council's) after the later of the
    # referral and the last visit.
    frequency = PlanVisitFrequency.objects.filter(
        open_on(as_of, "section__start_date", "section__end_date"),
        section__child_id=OuterRef("child_id"),
        weeks__isnull=False,
    )
    own_weeks = sorted(set(PlanVisitFrequency.objects.filter(weeks__isnull=False).values_list("weeks", flat=True)))

    def late(weeks: int) -> Q:
        window = as_of - timedelta(weeks=weeks)
        return Q(referral_date__lt=window) & ~Exists(seen.filter(visited_on__gte=window))

    condition = ~Exists(frequency) & late(rule.cin_weeks)
    for weeks in own_weeks:
        condition |= Exists(frequency.filter(weeks=weeks)) & late(weeks)
    cin_rows = (
        open_cin(as_of)
        .filter(~Exists(open_cp(as_of)))
        .filter(born_by(as_of, "child__person"))
        .filter(condition)
        .annotate(
            last_seen=last_seen,
            plan_weeks=Subquery(frequency.values("weeks")[:1], output_field=IntegerField()),
        )
        .values_list("child_id", "last_seen", "referral_date", "plan_weeks")
    )

    out = []
    for child_id, seen_on, referral_on, cp_start in cp_rows:
        due, _ = rule.next_due(last_seen=seen_on, cin_referral=referral_on, cp_start=cp_start)
        out.append(Finding(due + timedelta(days=1), child_id, subject_kind="visits"))
    for child_id, seen_on, referral_on, weeks in cin_rows:
        due, _ = rule.next_due(last_seen=seen_on, cin_referral=referral_on, cp_start=None, plan_weeks=weeks)
        out.append(Finding(due + timedelta(days=1), child_id, subject_kind="visits"))
    return out


def born_by(as_of: date, person: str) -> Q:
    """Born on or before `as_of` (or date of birth not known): an unborn child is not visited."""
    return Q(**{f"{person}__date_of_birth__lte": as_of}) | Q(
        **{f"{person}__date_of_birth__isnull": True, f"{person}__expected_date_of_birth__isnull": True}
    )


@standard(
    "not_seen_alone",
    name="Child not seen alone",
    description=(
        "On an open case, the child has not been seen alone on a visit for longer than the council's limit "
        "(default 3 months), counted from the later of the last time they were seen alone and the referral."
    ),
    severity=HIGH,
    parameters=("seen_alone_months", "seen_alone_from_age"),
    requires=("lantern.recording.models:Visit",),
)
def not_seen_alone(as_of: date) -> list[Finding]:
    from lantern.recording.models import Visit

    months = int(get_setting("seen_alone_months"))
    from_age = int(get_setting("seen_alone_from_age"))
    window = add_months(as_of, -months)
    alone = Visit.objects.filter(child_id=OuterRef("child_id"), seen_alone=True, visited_on__lte=as_of)
    rows = (
        open_cin(as_of)
        .filter(referral_date__lt=window)
        .filter(born_by(add_months(as_of, -12 * from_age), "child__person"))
        .filter(~Exists(alone.filter(visited_on__gte=window)))
        .annotate(last_alone=Subquery(alone.order_by("-visited_on").values("visited_on")[:1], output_field=DateField()))
        .values_list("child_id", "referral_date", "last_alone")
    )
    return [
        Finding(add_months(max(referral, last or referral), months) + timedelta(days=1), c, subject_kind="visits")
        for c, referral, last in rows
    ]


# ---------------------------------------------------------------------------------------------
# Oversight, check-ins and supervision
# ---------------------------------------------------------------------------------------------


@standard(
    "oversight_overdue",
    name="No management oversight",
    description=(
        "On an open case, no signed management oversight entry for longer than the council's standard (default "
        "4 weeks), counted from the later of the last signed entry and the referral (L6)."
    ),
    severity=MEDIUM,
    audience=MANAGERS_AND_ASSURANCE,
    parameters=("oversight_weeks",),
    requires=("lantern.oversight.models:OversightEntry",),
)
def oversight_overdue(as_of: date) -> list[Finding]:
    from lantern.oversight.models import OversightEntry

    weeks = int(get_setting("oversight_weeks"))
    window = as_of - timedelta(weeks=weeks)
    signed = OversightEntry.objects.filter(
        child_id=OuterRef("child_id"), signed_at__isnull=False, signed_at__lt=on_or_before(as_of)
    )
    last = signed.order_by("-signed_at").annotate(day=TruncDate("signed_at")).values("day")[:1]
    rows = (
        open_cin(as_of)
        .filter(referral_date__lt=window)
        .filter(~Exists(signed.filter(signed_at__gte=day_start(window))))
        .annotate(last_oversight=Subquery(last, output_field=DateField()))
        .values_list("child_id", "referral_date", "last_oversight")
    )
    return [
        Finding(max(referral, last or referral) + timedelta(weeks=weeks, days=1), child_id, subject_kind="oversight")
        for child_id, referral, last in rows
    ]


@standard(
    "fsw_checkin",
    name="Family support worker case without a social worker check-in",
    description=(
        "A child whose lead worker is a family support worker has had no check-in by a supervising social "
        "worker for longer than the council's standard, counted from the later of the last check-in and the "
        "start of the family support worker's allocation (L4)."
    ),
    severity=MEDIUM,
    parameters=("fsw_checkin_weeks",),
    requires=("lantern.oversight.models:CheckIn", "lantern.oversight.local_settings"),
)
def fsw_checkin(as_of: date) -> list[Finding]:
    from lantern.oversight.models import CheckIn

    weeks = int(get_setting("fsw_checkin_weeks"))
    window = as_of - timedelta(weeks=weeks)
    check_ins = CheckIn.objects.filter(child_id=OuterRef("child_id"), held_on__lte=as_of)
    supervising = Allocation.objects.filter(
        open_on(as_of, "start_date", "end_date"),
        child_id=OuterRef("child_id"),
        role=AllocationRole.SUPERVISING_SOCIAL_WORKER,
        worker__isnull=False,
    ).order_by("start_date", "pk")
    open_case = open_cin(as_of).filter(child_id=OuterRef("child_id"))
    rows = (
        Allocation.objects.filter(
            open_on(as_of, "start_date", "end_date"),
            role=AllocationRole.LEAD,
            worker__role=Role.FAMILY_SUPPORT_WORKER,
            start_date__lt=window,
        )
        .filter(Exists(open_case), ~Exists(check_ins.filter(held_on__gte=window)))
        .annotate(
            last_check_in=Subquery(check_ins.order_by("-held_on").values("held_on")[:1], output_field=DateField()),
            supervisor=Subquery(supervising.values("worker_id")[:1]),
        )
        .values_list("child_id", "start_date", "last_check_in", "supervisor", "worker_id")
    )
    return [
        Finding(
            max(start, last or start) + timedelta(weeks=weeks, days=1),
            child_id,
            subject_kind="check_ins",
            owner_id=supervisor or fsw,
        )
        for child_id, start, last, supervisor, fsw in rows
    ]


SUPERVISED_ROLES = (Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER, Role.TEAM_MANAGER)


@standard(
    "supervision_overdue",
    name="Supervision overdue",
    description=(
        "A social worker, family support worker or team manager has had no signed supervision for longer than "
        "their frequency (their own, or the council's default of 4 weeks), counted from the later of the last "
        "signed session and the day they joined (L18)."
    ),
    severity=MEDIUM,
    audience=MANAGERS_AND_ASSURANCE,
    parameters=("supervision_weeks",),
    about="worker",
    requires=("lantern.supervision.models:SupervisionSession", "lantern.supervision.models:SupervisionFrequency"),
)
def supervision_overdue(as_of: date) -> list[Finding]:
    from lantern.supervision.models import SupervisionFrequency, SupervisionSession

    default_weeks = int(get_setting("supervision_weeks"))
    last = SupervisionSession.objects.filter(
        worker=OuterRef("pk"), held_on__lte=as_of, signed_at__isnull=False, signed_at__lt=on_or_before(as_of)
    ).order_by("-held_on")
    own = SupervisionFrequency.objects.filter(worker=OuterRef("pk"), weeks__isnull=False).values("weeks")[:1]
    joined = TruncDate("date_joined")
    rows = (
        Worker.objects.filter(
            is_active=True, role__in=SUPERVISED_ROLES, team__isnull=False, date_joined__lt=on_or_before(as_of)
        )
        .annotate(
            last_supervision=Subquery(last.values("held_on")[:1], output_field=DateField()),
            every=Coalesce(
                Subquery(own, output_field=IntegerField()), Value(default_weeks), output_field=IntegerField()
            ),
        )
        .annotate(base=Greatest(Coalesce("last_supervision", joined), joined, output_field=DateField()))
        .annotate(due=AddDays("base", _days(F("every") * 7)))
        .filter(due__lt=as_of)
        .values_list("pk", "due")
    )
    return [
        Finding(due + timedelta(days=1), worker_id=w, subject_kind="worker", subject_id=w, owner_id=w)
        for w, due in rows
    ]


# ---------------------------------------------------------------------------------------------
# The chronology
# ---------------------------------------------------------------------------------------------


def _event_sources():
    from lantern.core.chronology import sources

    return sources()


#: Chronology groups that record work with or about the child. Contacts, closures, early help,
#: other decisions, workers and addresses are events on the case, not work with the child, and do
#: not break a silence (a new group an app adds counts only once it is listed here).
WORK_GROUPS = frozenset(
    {"assessment", "protection", "plan", "visit", "direct_work", "note", "oversight", "supervision"}
)
#: The groups read first, over the whole authority: what practitioners record most often. Only
#: the children with none of these in the window are then looked up in every work group.
FIRST_GROUPS = frozenset({"visit", "direct_work", "note", "oversight", "supervision"})

#: How far back the standard looks for the last thing recorded (so it reads a year of history,
#: not all of it); a longer silence is reported as starting then.
LOOKBACK_DAYS = 366


def _events_sql(groups: frozenset[str], after: date, until: date, *, among=None) -> tuple[str, list]:
    """The chronology events of the given groups dated in (after, until], as one UNION ALL of
    (ev_child, ev_on) rows; `among` (a list of child ids, or SQL naming a set of them) limits them
    to those children. Each part is compiled by Django from the app's own queryset."""
    from django.db.models.expressions import RawSQL

    parts, params = [], []
    for source in _event_sources():
        if source.group not in groups:
            continue
        rows = source.rows().filter(ev_on__gt=after, ev_on__lte=until)
        if isinstance(among, str):
            rows = rows.filter(ev_child__in=RawSQL(among, []))  # noqa: S611 - a fixed name, no input
        elif among is not None:
            rows = _for_children(rows, among)
        sql, p = rows.values_list("ev_child", "ev_on").query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS ev{len(parts)}")  # noqa: S608 - compiled querysets
        params.extend(p)
    if not parts:
        return "SELECT NULL AS ev_child, NULL AS ev_on", []
    return " UNION ALL ".join(parts), params


def _for_children(rows, ids: list[int]):
    """Limit an event source to some children by the column its `ev_child` is cast from, so the
    database can use that column's index (a cast of a bigint column to integer hides it)."""
    from django.db.models.expressions import Col
    from django.db.models.lookups import In

    expr = rows.query.annotations.get("ev_child")
    inner = expr.get_source_expressions()[0] if isinstance(expr, Cast) else expr
    if isinstance(inner, Col):
        return rows.filter(In(inner, ids))
    return rows.filter(ev_child__in=ids)


#: Up to this many quiet children are looked up by their ids (index lookups in every table);
#: more are joined in the database instead.
BY_ID_LIMIT = 2000


@standard(
    "chronology_silent",
    name="Nothing recorded on an open case",
    description=(
        "On a CIN episode open longer than the council's limit, nothing about work with the child has been "
        "recorded in the chronology (visits, direct work, case notes, management oversight and check-ins, "
        "supervision discussions, assessments, child protection work, plans and reviews) for that long (default "
        "6 weeks). Contacts, changes of worker or address and other events on the case do not count."
    ),
    severity=LOW,
    parameters=("chronology_silent_weeks",),
    requires=("lantern.core.chronology:sources",),
)
def chronology_silent(as_of: date) -> list[Finding]:
    """Two questions: which open episodes have no visit, direct work, note, oversight or
    supervision discussion in the window (over the whole authority); then, for those children
    only, when anything in any work group was last recorded in the past year. Silent when that
    is before the window."""
    from django.db import connection

    weeks = int(get_setting("chronology_silent_weeks"))
    window = as_of - timedelta(weeks=weeks)
    lookback = as_of - timedelta(days=LOOKBACK_DAYS)
    episodes = open_cin(as_of).filter(referral_date__lt=window).values_list("child_id", "referral_date")
    episodes_sql, episodes_params = episodes.query.sql_with_params()
    first_sql, first_params = _events_sql(FIRST_GROUPS, window - timedelta(days=1), as_of)
    quiet_sql = (
        f"SELECT e.child_id, e.referral_date FROM ({episodes_sql}) AS e "  # noqa: S608 - compiled querysets
        f"WHERE NOT EXISTS (SELECT 1 FROM ({first_sql}) AS recent WHERE recent.ev_child = e.child_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(quiet_sql, [*episodes_params, *first_params])
        quiet = {child_id: _as_date(referral) for child_id, referral in cursor.fetchall()}
        if not quiet:
            return []
        if len(quiet) <= BY_ID_LIMIT:
            all_sql, all_params = _events_sql(WORK_GROUPS, lookback, as_of, among=sorted(quiet))
        else:
            all_sql, all_params = _events_sql(WORK_GROUPS, lookback, as_of, among="SELECT child_id FROM quiet")
            all_sql = f"WITH quiet AS ({quiet_sql}) SELECT * FROM ({all_sql}) AS limited"  # noqa: S608
            all_params = [*episodes_params, *first_params, *all_params]
        grouped = f"SELECT ev_child, MAX(ev_on) FROM ({all_sql}) AS u GROUP BY ev_child"  # noqa: S608
        cursor.execute(grouped, all_params)
        last = {child_id: _as_date(day) for child_id, day in cursor.fetchall()}
    out = []
    for child_id, referral in quiet.items():
        latest = last.get(child_id)
        if latest is not None and latest >= window:
            continue
        base = max(referral, latest or lookback)
        out.append(Finding(base + timedelta(weeks=weeks, days=1), child_id, subject_kind="chronology"))
    return out


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


__all__ = [
    "STANDARDS",
    "Finding",
    "Standard",
    "add_months",
    "all_standards",
    "enabled_standards",
    "get",
    "keys_shown_to",
    "latest_overdue_start",
]
