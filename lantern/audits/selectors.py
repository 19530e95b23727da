"""Reads of case audits: who may do what, one audit for a user, lists, the practice standards'
earlier alerts for an audit's findings, and the two reports (agreement and themes).

Who sees what:
- every audit list is filtered to the children the user may see (`for_visible_children`), and a
  page about one audit fetches its child through `get_child_for_user` (404 or 403, and logged);
- a draft audit is seen only by its auditor; a submitted one by anyone who may see the child;
- a moderator does not see the first auditor's grades and findings until they have submitted
  their own;
- quality auditors, team and service managers and senior leaders run audits (`AUDIT_ROLES`);
  inspectors read audits and reports; social workers read audits of the children they may see
  and their own actions.

Every list and report is a fixed number of queries whatever the number of audits.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from lantern.access.selectors import for_visible_children, get_child_for_user
from lantern.audits.models import (
    BELOW_GOOD,
    Answer,
    Audit,
    AuditAction,
    AuditSectionGrade,
    AuditStatus,
    Grade,
    Moderation,
    ModerationGrade,
    Theme,
)
from lantern.audits.themes import THEME_STANDARDS, WORKER_THEMES, standard_name
from lantern.core.local_settings import get_setting
from lantern.insight.models import Alert
from lantern.insight.standards import add_months, day_start
from lantern.people.models import Child
from lantern.workforce.models import Allocation, AllocationRole, Role, Worker

#: Roles that run audits: start, grade, moderate, sample and set actions.
AUDIT_ROLES = frozenset({Role.QUALITY_AUDITOR, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER})
#: Roles that read the audit pages and reports (inspectors read only).
REPORT_ROLES = AUDIT_ROLES | {Role.INSPECTOR}

GRADE_ORDER = {g: i for i, g in enumerate(Grade.values)}  # 0 best
GRADE_LABELS = dict(Grade.choices)
ANSWER_LABELS = dict(Answer.choices)


def can_run_audits(user: Worker) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in AUDIT_ROLES)


def can_read_reports(user: Worker) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in REPORT_ROLES)


# ---------------------------------------------------------------------------------------------
# One audit
# ---------------------------------------------------------------------------------------------


def audit_for_user(user: Worker, audit_id: int, *, page: str, path: str = "") -> Audit:
    """The audit, if the user may see its child (checked and logged by the access layer) and, for
    a draft, is its auditor."""
    audit = (
        Audit.objects.select_related("child__person", "auditor", "template", "worker", "team", "sample")
        .filter(pk=audit_id)
        .first()
    )
    if audit is None:
        raise Http404("No audit found")
    audit.child = get_child_for_user(user, audit.child_id, page=page, path=path)
    if not audit.is_submitted and audit.auditor_id != user.pk:
        raise PermissionDenied("This audit is a draft: only its auditor can see it until it is submitted.")
    return audit


def moderation_of(audit: Audit) -> Moderation | None:
    return Moderation.objects.select_related("moderator", "assigned_by").filter(audit=audit).first()


def grades_hidden_for(user: Worker, moderation: Moderation | None) -> bool:
    """A moderator works blind: the first auditor's grades stay hidden until they submit theirs."""
    return moderation is not None and moderation.moderator_id == user.pk and not moderation.is_submitted


@dataclass
class SectionView:
    """One section of an audit as a page shows it: questions with answers, the grade, findings,
    the moderator's grade, and the practice standards' earlier alerts."""

    section: object
    grade: str = ""
    findings: str = ""
    questions: list[tuple[object, str, str, str]] = field(default_factory=list)  # question, answer, comment, label
    moderator_grade: str = ""
    moderator_comment: str = ""
    flags: list[Flag] = field(default_factory=list)

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS.get(self.grade, "")

    @property
    def moderator_grade_label(self) -> str:
        return GRADE_LABELS.get(self.moderator_grade, "")

    @property
    def below_good(self) -> bool:
        return self.grade in BELOW_GOOD

    @property
    def agrees(self) -> bool:
        return bool(self.grade) and self.grade == self.moderator_grade


@dataclass(frozen=True)
class Flag:
    """A practice standard's alert that was open in the weeks before the audit."""

    standard: str
    name: str
    since: date
    raised_at: datetime
    cleared_at: datetime | None


def audit_sections(audit: Audit, *, moderation: Moderation | None = None) -> list[SectionView]:
    """The template's sections with this audit's grades, answers and the earlier alerts (four
    queries: sections with questions, grades, answers, moderation grades; one more for alerts)."""
    sections = list(audit.template.sections.prefetch_related("questions").order_by("order", "pk"))
    grades = {g.section_id: g for g in AuditSectionGrade.objects.filter(audit=audit)}
    answers = {a.question_id: a for a in audit.answers.all()}
    moderated: dict[int, ModerationGrade] = {}
    if moderation is not None and moderation.is_submitted:
        moderated = {g.section_id: g for g in moderation.grades.all()}
    flags = flags_for(audit)
    out = []
    for section in sections:
        grade = grades.get(section.pk)
        view = SectionView(
            section=section,
            grade=grade.grade if grade else "",
            findings=grade.findings if grade else "",
            flags=flags.get(section.theme, []),
        )
        for question in section.questions.all():
            answer = answers.get(question.pk)
            value = answer.answer if answer else ""
            view.questions.append((question, value, answer.comment if answer else "", ANSWER_LABELS.get(value, "")))
        if section.pk in moderated:
            view.moderator_grade = moderated[section.pk].grade
            view.moderator_comment = moderated[section.pk].comment
        out.append(view)
    return out


def _lookback() -> timedelta:
    return timedelta(weeks=int(get_setting("audit_flag_lookback_weeks")))


def flags_for(audit: Audit) -> dict[str, list[Flag]]:
    """Per theme, the related standards' alerts whose condition began before the day of the
    audit (its submission, or today for a draft) and that were still open, or cleared within the
    lookback weeks, when it was done (one query).

    The standards are checked every night, so an alert's `since` (the first day its condition
    held) is when routine oversight could first have seen it; `raised_at` only says when this
    installation's engine first ran over it."""
    moment = audit.submitted_at or timezone.now()
    day = timezone.localtime(moment).date()
    child_keys = [k for t, keys in THEME_STANDARDS.items() if t not in WORKER_THEMES for k in keys]
    worker_keys = [k for t, keys in THEME_STANDARDS.items() if t in WORKER_THEMES for k in keys]
    about = Q(child_id=audit.child_id, standard__in=child_keys)
    if audit.worker_id:
        about |= Q(worker_id=audit.worker_id, child__isnull=True, standard__in=worker_keys)
    alerts = (
        Alert.objects.filter(about, since__lt=day)
        .filter(Q(cleared_at__isnull=True) | Q(cleared_at__gte=moment - _lookback()))
        .order_by("since", "pk")
        .values_list("standard", "since", "raised_at", "cleared_at")
    )
    theme_of = {key: theme for theme, keys in THEME_STANDARDS.items() for key in keys}
    out: dict[str, list[Flag]] = defaultdict(list)
    for standard, since, raised_at, cleared_at in alerts:
        out[theme_of[standard]].append(Flag(standard, standard_name(standard), since, raised_at, cleared_at))
    return dict(out)


def actions_of(audit: Audit) -> list[AuditAction]:
    return list(audit.actions.select_related("owner", "completed_by").order_by("due_date", "pk"))


def action_for_user(user: Worker, action_id: int, *, page: str, path: str = "") -> AuditAction:
    action = AuditAction.objects.select_related("audit", "owner").filter(pk=action_id).first()
    if action is None:
        raise Http404("No action found")
    action.audit = audit_for_user(user, action.audit_id, page=page, path=path)
    return action


def action_owner_choices(child: Child, user: Worker) -> QuerySet[Worker]:
    """Who can own an audit action: the child's current workers and the managers of the team
    holding the child (they can all see the child), and the user."""
    teams = Allocation.objects.filter(child=child, end_date__isnull=True).values("team_id")
    workers = Allocation.objects.filter(child=child, end_date__isnull=True, worker__isnull=False).values("worker_id")
    return (
        Worker.objects.filter(is_active=True)
        .filter(Q(pk__in=workers) | Q(role=Role.TEAM_MANAGER, team_id__in=teams) | Q(pk=user.pk))
        .order_by("first_name", "last_name", "pk")
    )


def moderator_choices(audit: Audit) -> QuerySet[Worker]:
    """Who may moderate: anyone in an auditing role other than the auditor who can see the child:
    quality auditors and senior leaders, and the managers of the team and service holding the
    child; for a restricted record, only people on its access list (one query)."""
    from lantern.access.models import AccessListEntry

    teams = Allocation.objects.filter(child_id=audit.child_id, end_date__isnull=True).values("team_id")
    services = Allocation.objects.filter(child_id=audit.child_id, end_date__isnull=True).values("team__service_id")
    people = Worker.objects.filter(is_active=True, role__in=AUDIT_ROLES).exclude(pk=audit.auditor_id)
    people = people.filter(
        Q(role__in=[Role.QUALITY_AUDITOR, Role.SENIOR_LEADER])
        | Q(role=Role.TEAM_MANAGER, team_id__in=teams)
        | Q(role=Role.SERVICE_MANAGER, service_id__in=services)
    )
    if audit.child.restricted:
        listed = AccessListEntry.objects.filter(child_id=audit.child_id, revoked_at__isnull=True).values("worker_id")
        people = people.filter(pk__in=listed)
    return people.order_by("first_name", "last_name", "pk")


def lead_allocation(child_ids) -> dict[int, tuple[int | None, int]]:
    """Each child's open lead allocation: (worker id or None, team id) (one query)."""
    rows = Allocation.objects.filter(
        child_id__in=list(child_ids), end_date__isnull=True, role=AllocationRole.LEAD
    ).values_list("child_id", "worker_id", "team_id")
    return {child_id: (worker_id, team_id) for child_id, worker_id, team_id in rows}


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def _with_people(queryset: QuerySet[Audit]) -> QuerySet[Audit]:
    return queryset.select_related("child__person", "auditor", "moderation__moderator")


def audits_to_do(user: Worker) -> list[Audit]:
    """Draft audits assigned to the user (oldest first)."""
    drafts = Audit.objects.filter(auditor=user, status=AuditStatus.DRAFT)
    return list(_with_people(for_visible_children(drafts, user)).order_by("created_at", "pk"))


def moderations_to_do(user: Worker) -> list[Moderation]:
    """Submitted audits the user has been asked to moderate and has not yet."""
    pending = Moderation.objects.filter(moderator=user, submitted_at__isnull=True, audit__status=AuditStatus.SUBMITTED)
    return list(
        for_visible_children(pending, user, field="audit__child")
        .select_related("audit__child__person", "audit__auditor")
        .order_by("audit__submitted_at", "pk")
    )


def submitted_audits(user: Worker) -> QuerySet[Audit]:
    """Every submitted audit of a child the user may see, newest first."""
    audits = Audit.objects.filter(status=AuditStatus.SUBMITTED)
    return _with_people(for_visible_children(audits, user)).order_by("-submitted_at", "-pk")


def audits_for_child(user: Worker, child: Child) -> list[Audit]:
    """The child's submitted audits and the user's own drafts (the caller fetched the child)."""
    audits = Audit.objects.filter(child=child).filter(Q(status=AuditStatus.SUBMITTED) | Q(auditor=user))
    return list(_with_people(audits).order_by(F("submitted_at").desc(nulls_first=True), "-created_at", "-pk"))


def actions_for_child(child: Child) -> list[AuditAction]:
    return list(
        AuditAction.objects.filter(audit__child=child, audit__status=AuditStatus.SUBMITTED)
        .select_related("owner", "completed_by", "audit")
        .order_by(F("completed_at").asc(nulls_first=True), "due_date", "pk")
    )


def open_actions_owned_by(user: Worker) -> list[AuditAction]:
    actions = AuditAction.objects.filter(owner=user, completed_at__isnull=True)
    return list(
        for_visible_children(actions, user, field="audit__child")
        .select_related("audit__child__person")
        .order_by("due_date", "pk")
    )


def samples_for(user: Worker) -> QuerySet:
    """Samples: quality auditors, senior leaders and inspectors see all; managers their own."""
    from lantern.audits.models import AuditSample

    samples = AuditSample.objects.select_related("created_by").annotate(
        audit_count=Count("audits", distinct=True),
        submitted_count=Count("audits", filter=Q(audits__status=AuditStatus.SUBMITTED), distinct=True),
    )
    if user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER):
        samples = samples.filter(created_by=user)
    elif user.role not in REPORT_ROLES:
        samples = samples.none()
    return samples.order_by("-created_at", "-pk")


def sample_audits(user: Worker, sample) -> list[Audit]:
    audits = Audit.objects.filter(sample=sample)
    return list(_with_people(for_visible_children(audits, user)).order_by("child__person__last_name", "pk"))


def latest_submitted(child_id: int) -> Audit | None:
    return (
        Audit.objects.filter(child_id=child_id, status=AuditStatus.SUBMITTED)
        .select_related("auditor")
        .order_by("-submitted_at", "-pk")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------

PERIODS = {3: "Last 3 months", 6: "Last 6 months", 12: "Last 12 months", 24: "Last 24 months"}


def period_start(months: int, today: date) -> datetime:
    return day_start(add_months(today, -months))


@dataclass
class Agreement:
    label: str
    compared: int = 0
    agreed: int = 0
    moderator_lower: int = 0
    moderator_higher: int = 0

    def add(self, first: str, second: str) -> None:
        if not first or not second:
            return
        self.compared += 1
        if first == second:
            self.agreed += 1
        elif GRADE_ORDER[second] > GRADE_ORDER[first]:
            self.moderator_lower += 1
        else:
            self.moderator_higher += 1

    @staticmethod
    def _pct(n: int, d: int) -> int | None:
        return round(100 * n / d) if d else None

    @property
    def rate(self) -> int | None:
        return self._pct(self.agreed, self.compared)

    @property
    def lower_rate(self) -> int | None:
        return self._pct(self.moderator_lower, self.compared)

    @property
    def higher_rate(self) -> int | None:
        return self._pct(self.moderator_higher, self.compared)


@dataclass
class AgreementReport:
    by_auditor: list[tuple[Agreement, Agreement]]  # (sections, overall grade) per auditor
    by_theme: list[Agreement]
    sections: Agreement
    overall: Agreement
    moderations: int


def agreement_report(user: Worker, *, since: datetime) -> AgreementReport:
    """How often the moderator gave the same grade as the first auditor, per auditor and per
    theme, over moderations submitted since `since` (two queries)."""
    first = AuditSectionGrade.objects.filter(
        audit_id=OuterRef("moderation__audit_id"), section_id=OuterRef("section_id")
    )
    grades = for_visible_children(
        ModerationGrade.objects.filter(moderation__submitted_at__gte=since), user, field="moderation__audit__child"
    ).annotate(first_grade=Subquery(first.values("grade")[:1]))
    sections_total = Agreement("All sections")
    auditors: dict[int, tuple[Agreement, Agreement]] = {}
    themes: dict[str, Agreement] = {}
    names = {}
    for auditor_id, first_name, last_name, username, theme, title, second, first_grade in grades.values_list(
        "moderation__audit__auditor_id",
        "moderation__audit__auditor__first_name",
        "moderation__audit__auditor__last_name",
        "moderation__audit__auditor__username",
        "section__theme",
        "section__title",
        "grade",
        "first_grade",
    ):
        names[auditor_id] = f"{first_name} {last_name}".strip() or username
        pair = auditors.setdefault(auditor_id, (Agreement(names[auditor_id]), Agreement(names[auditor_id])))
        pair[0].add(first_grade, second)
        label = Theme(theme).label if theme else title
        themes.setdefault(theme or title, Agreement(label)).add(first_grade, second)
        sections_total.add(first_grade, second)

    overall_total = Agreement("Overall grade")
    moderations = for_visible_children(
        Moderation.objects.filter(submitted_at__gte=since), user, field="audit__child"
    ).values_list(
        "audit__auditor_id",
        "audit__auditor__first_name",
        "audit__auditor__last_name",
        "audit__auditor__username",
        "audit__overall_grade",
        "overall_grade",
    )
    count = 0
    for auditor_id, first_name, last_name, username, first_grade, second in moderations:
        count += 1
        name = names.setdefault(auditor_id, f"{first_name} {last_name}".strip() or username)
        pair = auditors.setdefault(auditor_id, (Agreement(name), Agreement(name)))
        pair[1].add(first_grade, second)
        overall_total.add(first_grade, second)
    order = {t: i for i, t in enumerate(Theme.values)}
    return AgreementReport(
        by_auditor=sorted(auditors.values(), key=lambda pair: pair[0].label),
        by_theme=[themes[k] for k in sorted(themes, key=lambda k: (order.get(k, 99), k))],
        sections=sections_total,
        overall=overall_total,
        moderations=count,
    )


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_between(start: date, end: date) -> list[tuple[int, int]]:
    out = []
    year, q = quarter_of(start)
    last = quarter_of(end)
    while (year, q) <= last:
        out.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def quarter_label(quarter: tuple[int, int]) -> str:
    year, q = quarter
    first_month = {1: "Jan", 2: "Apr", 3: "Jul", 4: "Oct"}[q]
    last_month = {1: "Mar", 2: "Jun", 3: "Sep", 4: "Dec"}[q]
    return f"{first_month} to {last_month} {year}"


@dataclass
class ThemeSummary:
    key: str
    label: str
    counts: Counter = field(default_factory=Counter)  # grade -> sections
    below_good: int = 0
    flagged: int = 0
    phrases: list[tuple[str, int]] = field(default_factory=list)
    latest: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def good_or_better(self) -> int | None:
        good = self.counts[Grade.OUTSTANDING] + self.counts[Grade.GOOD]
        return round(100 * good / self.total) if self.total else None

    @property
    def flagged_rate(self) -> int | None:
        return round(100 * self.flagged / self.below_good) if self.below_good else None

    def grade_counts(self) -> list[int]:
        return [self.counts[g] for g in Grade.values]


@dataclass
class ThemesReport:
    quarters: list[tuple[int, int]]
    by_quarter: dict[str, dict[tuple[int, int], Counter]]  # theme key or "overall" -> quarter -> grades
    themes: list[ThemeSummary]
    audits: int


def flagged_expression() -> Case:
    """For a section grade: had a practice standard related to its theme found the condition
    before the day of the audit, with the alert open then or cleared within the lookback weeks
    before it (as `flags_for`)? A subquery per theme; needs the `audit_day` and `flag_window`
    annotations."""
    whens = []
    for theme, keys in THEME_STANDARDS.items():
        alerts = Alert.objects.filter(standard__in=keys, since__lt=OuterRef("audit_day")).filter(
            Q(cleared_at__isnull=True) | Q(cleared_at__gte=OuterRef("flag_window"))
        )
        if theme in WORKER_THEMES:
            alerts = alerts.filter(child__isnull=True, worker_id=OuterRef("audit__worker_id"))
        else:
            alerts = alerts.filter(child_id=OuterRef("audit__child_id"))
        whens.append(When(section__theme=theme, then=Exists(alerts)))
    return Case(*whens, default=Value(False), output_field=BooleanField())


STOP_WORDS = frozenset(
    {
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "done",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "more",
        "most",
        "much",
        "my",
        "of",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "child",
        "child's",
        "children",
        "case",
    }
)


def _phrases(texts: list[str]) -> list[tuple[str, int]]:
    """The two-word phrases found in most findings (each finding counts a phrase once), or the
    words when no phrase repeats."""
    bigrams: Counter = Counter()
    words: Counter = Counter()
    for text in texts:
        seen_bigrams: set[str] = set()
        seen_words: set[str] = set()
        # A phrase never runs across punctuation ("incomplete: significant" is not one).
        for clause in re.split(r"[.;:,!?()\n]+", text.lower()):
            tokens = re.findall(r"[a-z][a-z'-]+", clause)
            seen_bigrams.update(
                f"{a} {b}"
                for a, b in zip(tokens, tokens[1:], strict=False)
                if a not in STOP_WORDS and b not in STOP_WORDS
            )
            seen_words.update(t for t in tokens if t not in STOP_WORDS and len(t) > 3)
        bigrams.update(seen_bigrams)
        words.update(seen_words)
    common = [(p, n) for p, n in bigrams.most_common(6) if n >= 2]
    return common or [(w, n) for w, n in words.most_common(6) if n >= 2]


def themes_report(user: Worker, *, since: datetime, today: date, latest: int = 5) -> ThemesReport:
    """Grades by theme and quarter, the share of weak sections the standards had flagged, and
    the common findings, over audits submitted since `since` (three queries)."""
    quarters = quarters_between(timezone.localtime(since).date(), today)
    by_quarter: dict[str, dict[tuple[int, int], Counter]] = defaultdict(lambda: defaultdict(Counter))
    themes = {t.value: ThemeSummary(t.value, t.label) for t in Theme}

    # An audit the user is still moderating is left out, so the report does not show its grades.
    moderating = Q(moderation__moderator=user, moderation__submitted_at__isnull=True)
    audits = for_visible_children(
        Audit.objects.filter(status=AuditStatus.SUBMITTED, submitted_at__gte=since).exclude(moderating), user
    )
    audit_count = 0
    for submitted_at, grade in audits.values_list("submitted_at", "overall_grade"):
        audit_count += 1
        by_quarter["overall"][quarter_of(timezone.localtime(submitted_at).date())][grade] += 1

    sections = for_visible_children(
        AuditSectionGrade.objects.filter(
            audit__status=AuditStatus.SUBMITTED, audit__submitted_at__gte=since, section__theme__in=Theme.values
        )
        .exclude(grade="")
        .exclude(audit__moderation__moderator=user, audit__moderation__submitted_at__isnull=True),
        user,
        field="audit__child",
    )
    for theme, submitted_at, grade in sections.values_list("section__theme", "audit__submitted_at", "grade"):
        by_quarter[theme][quarter_of(timezone.localtime(submitted_at).date())][grade] += 1
        themes[theme].counts[grade] += 1

    weak = (
        sections.filter(grade__in=BELOW_GOOD)
        .annotate(
            audit_day=TruncDate("audit__submitted_at"),
            flag_window=ExpressionWrapper(F("audit__submitted_at") - Value(_lookback()), DateTimeField()),
        )
        .annotate(flagged=flagged_expression())
        .order_by("-audit__submitted_at", "-pk")
        .values("section__theme", "findings", "flagged", "audit_id", "audit__submitted_at", "grade")
    )
    texts: dict[str, list[str]] = defaultdict(list)
    for row in weak:
        summary = themes[row["section__theme"]]
        summary.below_good += 1
        summary.flagged += bool(row["flagged"])
        if row["findings"]:
            texts[row["section__theme"]].append(row["findings"])
            if len(summary.latest) < latest:
                summary.latest.append(row)
    for key, found in texts.items():
        themes[key].phrases = _phrases(found)
    return ThemesReport(quarters=quarters, by_quarter=by_quarter, themes=list(themes.values()), audits=audit_count)
