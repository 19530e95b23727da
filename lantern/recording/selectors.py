"""Reads of visits and direct work: when each child was last seen, when the next visit is due,
and the child's voice. Every function is set-based (a fixed number of queries whatever the
number of children); the child-scoped ones expect a child already fetched through the access
layer (`lantern.access.selectors`).

The visit due rule (council settings `cp_visit_working_days` and `cin_visit_weeks`):

- only a visit where the child was seen counts (any type of visit);
- a child with an open child protection plan is due `cp_visit_working_days` working days after
  the later of their last visit and the plan's start;
- otherwise a child with an open child in need episode (not a referral closed with no further
  action) is due every `cin_visit_weeks` weeks - or every so many weeks as their current CIN plan
  sets (`PlanVisitFrequency`) - after the later of their last visit and the referral;
- so with no visit yet the clock runs from the referral (or the plan's start); a visit in an
  earlier episode does not count for a new one;
- an unborn child, and a child with no open episode, has no visit due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.utils import timezone

from lantern.casework.models import Assessment, ChildProtectionPlan, CINEpisode
from lantern.core.calendar import add_working_days
from lantern.core.local_settings import get_setting
from lantern.people.models import Child
from lantern.recording.models import STATUTORY_TYPES, DirectWorkSession, PlanVisitFrequency, Visit

DUE_SOON_DAYS = 7  # My work shows visits overdue or due within this many days


@dataclass(frozen=True)
class SeenSummary:
    last_seen: date | None
    last_seen_alone: date | None
    last_statutory_visit: date | None
    next_visit_due: date | None
    basis: str = ""  # "cp", "cin" or "" (no visit due)
    frequency: str = ""  # "every 10 working days", "every 4 weeks"
    not_due_because: str = ""  # with no visit due: "unborn" or "no open episode"

    def overdue(self, today: date) -> bool:
        return self.next_visit_due is not None and self.next_visit_due < today

    def days_since_seen(self, today: date) -> int | None:
        return None if self.last_seen is None else (today - self.last_seen).days

    def days_since_seen_alone(self, today: date) -> int | None:
        return None if self.last_seen_alone is None else (today - self.last_seen_alone).days


@dataclass(frozen=True)
class VisitRule:
    """The council's frequencies, read once per call."""

    cin_weeks: int
    cp_working_days: int

    @classmethod
    def current(cls) -> VisitRule:
        return cls(cin_weeks=get_setting("cin_visit_weeks"), cp_working_days=get_setting("cp_visit_working_days"))

    def next_due(
        self,
        *,
        last_seen: date | None,
        cin_referral: date | None,
        cp_start: date | None,
        plan_weeks: int | None = None,
        unborn: bool = False,
    ) -> tuple[date | None, str]:
        """The date the next visit is due and its basis ("cp", "cin"; "" when none is due)."""
        if unborn:
            return None, ""
        if cp_start is not None:
            start = max(d for d in (cp_start, cin_referral) if d is not None)
            base = max(last_seen, start) if last_seen else start
            return add_working_days(base, self.cp_working_days), "cp"
        if cin_referral is not None:
            base = max(last_seen, cin_referral) if last_seen else cin_referral
            return base + timedelta(weeks=plan_weeks or self.cin_weeks), "cin"
        return None, ""

    def frequency(self, basis: str, plan_weeks: int | None = None) -> str:
        if basis == "cp":
            return f"every {self.cp_working_days} working days (child protection plan)"
        if basis == "cin":
            if plan_weeks:
                return f"every {plan_weeks} week{'s' if plan_weeks != 1 else ''} (set in the CIN plan)"
            return f"every {self.cin_weeks} weeks"
        return ""


# ---------------------------------------------------------------------------------------------
# Last seen, set-based
# ---------------------------------------------------------------------------------------------


def _seen_visits(as_of: date | None) -> QuerySet[Visit]:
    visits = Visit.objects.filter(child=OuterRef("pk"), child_seen=True)
    if as_of is not None:
        visits = visits.filter(visited_on__lte=as_of)
    return visits.order_by("-visited_on", "-visited_at", "-pk")


def annotate_seen(children_qs: QuerySet[Child], *, as_of: date | None = None) -> QuerySet[Child]:
    """Add `last_seen`, `last_seen_alone`, `last_statutory_visit` (dates) and
    `last_statutory_seen_alone` (bool, None without a statutory visit) to a queryset of children,
    one correlated subquery each (only visits on or before `as_of` when given)."""
    seen = _seen_visits(as_of)
    statutory = seen.filter(visit_type__in=STATUTORY_TYPES)
    return children_qs.annotate(
        last_seen=Subquery(seen.values("visited_on")[:1], output_field=DateField()),
        last_seen_alone=Subquery(seen.filter(seen_alone=True).values("visited_on")[:1], output_field=DateField()),
        last_statutory_visit=Subquery(statutory.values("visited_on")[:1], output_field=DateField()),
        last_statutory_seen_alone=Subquery(statutory.values("seen_alone")[:1], output_field=BooleanField()),
    )


def _open_on(day: date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def annotate_visit_basis(children_qs: QuerySet[Child], *, as_of: date | None = None) -> QuerySet[Child]:
    """Add what the due rule needs on a day: `open_cp_start`, `open_cin_referral` and
    `plan_visit_weeks` (the current CIN plan's own frequency, if it sets one)."""
    day = as_of or timezone.localdate()
    cp = ChildProtectionPlan.objects.filter(_open_on(day, "start_date", "end_date"), child=OuterRef("pk"))
    cin = CINEpisode.objects.filter(
        _open_on(day, "referral_date", "closure_date"), child=OuterRef("pk"), referral_nfa=False
    )
    weeks = PlanVisitFrequency.objects.filter(
        _open_on(day, "section__start_date", "section__end_date"), section__child=OuterRef("pk")
    )
    return children_qs.annotate(
        open_cp_start=Subquery(cp.order_by("-start_date").values("start_date")[:1], output_field=DateField()),
        open_cin_referral=Subquery(
            cin.order_by("-referral_date").values("referral_date")[:1], output_field=DateField()
        ),
        plan_visit_weeks=Subquery(weeks.order_by("-section__start_date").values("weeks")[:1]),
    )


_ROW_FIELDS = (
    "pk",
    "last_seen",
    "last_seen_alone",
    "last_statutory_visit",
    "open_cp_start",
    "open_cin_referral",
    "plan_visit_weeks",
    "person__date_of_birth",
    "person__expected_date_of_birth",
)


def _unborn(row: dict) -> bool:
    return row["person__date_of_birth"] is None and row["person__expected_date_of_birth"] is not None


def _summary(row: dict, rule: VisitRule) -> SeenSummary:
    unborn = _unborn(row)
    due, basis = rule.next_due(
        last_seen=row["last_seen"],
        cin_referral=row["open_cin_referral"],
        cp_start=row["open_cp_start"],
        plan_weeks=row["plan_visit_weeks"],
        unborn=unborn,
    )
    return SeenSummary(
        last_seen=row["last_seen"],
        last_seen_alone=row["last_seen_alone"],
        last_statutory_visit=row["last_statutory_visit"],
        next_visit_due=due,
        basis=basis,
        frequency=rule.frequency(basis, row["plan_visit_weeks"]),
        not_due_because="" if due else ("unborn" if unborn else "no open episode"),
    )


def seen_summary(child_ids) -> dict[int, SeenSummary]:
    """Last seen, last seen alone, last statutory visit and next visit due for each child: one
    query (plus the two council settings, cached)."""
    ids = list(child_ids)
    if not ids:
        return {}
    rule = VisitRule.current()
    rows = annotate_visit_basis(annotate_seen(Child.objects.filter(pk__in=ids))).values(*_ROW_FIELDS)
    return {row["pk"]: _summary(row, rule) for row in rows}


@dataclass(frozen=True)
class VisitDue:
    child_id: int
    child_name: str
    due: date
    last_seen: date | None
    basis: str


def visits_due(child_ids, *, today: date | None = None, within_days: int = DUE_SOON_DAYS) -> list[VisitDue]:
    """Children (of those given) whose next visit is overdue or due within `within_days`, soonest
    first: one query."""
    ids = list(child_ids)
    if not ids:
        return []
    today = today or timezone.localdate()
    rule = VisitRule.current()
    open_cin = CINEpisode.objects.filter(child=OuterRef("pk"), closure_date__isnull=True, referral_nfa=False)
    open_cp = ChildProtectionPlan.objects.filter(child=OuterRef("pk"), end_date__isnull=True)
    children = Child.objects.filter(Exists(open_cin) | Exists(open_cp), pk__in=ids)
    rows = (
        annotate_visit_basis(annotate_seen(children), as_of=today)
        .values(*_ROW_FIELDS, "person__first_name", "person__last_name")
        .order_by()
    )
    limit = today + timedelta(days=within_days)
    out = []
    for row in rows:
        summary = _summary(row, rule)
        if summary.next_visit_due is not None and summary.next_visit_due <= limit:
            name = f"{row['person__first_name']} {row['person__last_name']}".strip()
            out.append(VisitDue(row["pk"], name, summary.next_visit_due, summary.last_seen, summary.basis))
    out.sort(key=lambda v: (v.due, v.child_name, v.child_id))
    return out


# ---------------------------------------------------------------------------------------------
# One child's records (the child came through the access layer)
# ---------------------------------------------------------------------------------------------


def visits_for(child: Child) -> QuerySet[Visit]:
    return Visit.objects.filter(child=child).select_related("author").order_by("-visited_at", "-pk")


def direct_work_for(child: Child) -> QuerySet[DirectWorkSession]:
    return DirectWorkSession.objects.filter(child=child).select_related("author").order_by("-session_date", "-pk")


def latest_records(child: Child, n: int = 5) -> tuple[list[Visit], list[DirectWorkSession]]:
    """The latest visits and direct work sessions, for the child record: two queries."""
    return list(visits_for(child)[:n]), list(direct_work_for(child)[:n])


@dataclass(frozen=True)
class VoiceEntry:
    kind: str  # "visit", "direct_work" or "assessment"
    object_id: int
    on: date
    words: str
    context: str
    author: str

    @property
    def source(self) -> str:
        return {"visit": "Visit", "direct_work": "Direct work", "assessment": "Assessment"}.get(self.kind, self.kind)


def _author_name():
    from django.db.models.functions import Concat

    return Concat(F("author__first_name"), Value(" "), F("author__last_name"), output_field=CharField())


def child_voice(child: Child) -> QuerySet:
    """Everything the child has said, newest first, as one UNION query (so it can be paginated):
    what the child said on visits, their own words in direct work, and their words recorded in
    assessments. Rows are dicts with kind, object_id, on, words, context, author; turn them into
    `VoiceEntry` with `voice_entries(rows)`."""
    visits = (
        Visit.objects.filter(child=child)
        .exclude(child_said="")
        .annotate(
            v_kind=Value("visit", CharField()),
            v_on=F("visited_on"),
            v_words=F("child_said"),
            v_context=F("visit_type"),
            v_author=_author_name(),
        )
        .values("v_kind", "pk", "v_on", "v_words", "v_context", "v_author")
        .order_by()
    )
    sessions = (
        DirectWorkSession.objects.filter(child=child)
        .exclude(child_words="")
        .annotate(
            v_kind=Value("direct_work", CharField()),
            v_on=F("session_date"),
            v_words=F("child_words"),
            v_context=F("method"),
            v_author=_author_name(),
        )
        .values("v_kind", "pk", "v_on", "v_words", "v_context", "v_author")
        .order_by()
    )
    assessments = (
        Assessment.objects.filter(child=child)
        .exclude(child_words="")
        .annotate(
            v_kind=Value("assessment", CharField()),
            v_on=F("start_date"),
            v_words=F("child_words"),
            v_context=Value("Child and family assessment", TextField()),
            v_author=_author_name(),
        )
        .values("v_kind", "pk", "v_on", "v_words", "v_context", "v_author")
        .order_by()
    )
    return visits.union(sessions, assessments, all=True).order_by("-v_on", "v_kind", "-pk")


def voice_entries(rows) -> list[VoiceEntry]:
    from lantern.recording.models import VISIT_TYPE_SHORT

    out = []
    for row in rows:
        context = row["v_context"]
        if row["v_kind"] == "visit":
            context = f"Visit ({VISIT_TYPE_SHORT.get(context, context)})"
        elif row["v_kind"] == "direct_work":
            context = f"Direct work: {context}"
        out.append(
            VoiceEntry(
                kind=row["v_kind"],
                object_id=row["pk"],
                on=row["v_on"],
                words=row["v_words"],
                context=context,
                author=(row["v_author"] or "").strip(),
            )
        )
    return out


@dataclass(frozen=True)
class Change:
    when: object  # datetime
    who: str
    fields: list[str]


def changes_of(record, *, labels: dict[str, str] | None = None) -> list[Change]:
    """The corrections made to a visit or direct work session, newest first, with the fields each
    changed (from its simple_history records: one query)."""
    versions = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = labels or {}
    ignore = {"updated_at", "updated_by", "visited_on"}
    out = []
    for older, newer in zip(versions, versions[1:], strict=False):
        changed = [c.field for c in newer.diff_against(older).changes if c.field not in ignore]
        who = newer.history_user.display_name if newer.history_user_id else ""
        names = [labels.get(f, record._meta.get_field(f).verbose_name) for f in changed]
        out.append(Change(when=newer.history_date, who=who, fields=[str(n) for n in names]))
    out.reverse()
    return out
