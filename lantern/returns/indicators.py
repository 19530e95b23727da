"""Performance indicators for leaders, inspectors, auditors and service managers (L7, L9, L10, L20).

Computed from the same records as Annex A, for the 12 months up to the as-of date (month by
month, the last month up to the as-of date), each with the national figure where DfE publishes
one in the reference CSVs (read at run time; "not available" otherwise - never typed in here).

- Re-referrals: referrals within 12 months of a previous referral for the same child (DfE), as
  a share of referrals, by month of referral.
- Referrals with no further action, as a share of referrals, by month of referral.
- Assessments completed within 45 working days of the assessment's start (as DfE's census
  measures), by month of authorisation.
- ICPCs within 15 working days of the (last) strategy discussion, by month of the ICPC.
- CIN plan durations: for the plans open at each month end, the median days open and the share
  open more than 12 months (drift, L9).
- Repeat child protection plans: plans that are the child's second or later, by month of start.
- Children seen within timescale: of the children in need at each month end, those whose visit
  was not overdue by the due rule the child record and My work use (lantern.recording.selectors).
- Caseloads: social workers by the number of children allocated to them on the as-of date, with
  the council's amber and red thresholds (settings caseload_sw_amber and caseload_sw_red) drawn.

Set-based: each indicator is one query (children seen: four narrow ones), either aggregated in
the database (TruncMonth + Count) or fetching narrow date columns once and counting in Python
(working days, medians and the 12-month look-back cannot be done portably in SQL). About a dozen
queries whatever the size.
"""

from __future__ import annotations

import bisect
import csv
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from lantern.caseloads.selectors import thresholds_for
from lantern.casework.models import Assessment, ChildProtectionPlan, CINEpisode, CINPlanChild, Section47
from lantern.core.calendar import working_days_between
from lantern.core.local_settings import get_setting
from lantern.people.models import Child
from lantern.recording.models import PlanVisitFrequency, Visit
from lantern.recording.selectors import VisitRule
from lantern.returns import charts
from lantern.returns.annex_a import months_before, reference_dir, scoped
from lantern.workforce.models import Role, Worker

REFERRALS_CSV = "c1_referrals_2013_to_2025.csv"


def caseload_thresholds() -> tuple[tuple[int, str], ...]:
    """Caseload lines drawn on the histogram: social workers' amber and red thresholds, council
    settings (lantern.caseloads; the letter flags social workers holding more than 30, L7)."""
    amber, red = thresholds_for(Role.SOCIAL_WORKER)
    return ((amber, charts.ORANGE), (red, charts.RED))


CASELOAD_BIN_WIDTH = 5
CASELOAD_BINS = 8  # 0-5, 6-10, ..., 31-35, 36 or more


# ---------------------------------------------------------------------------------------------
# Months and national figures
# ---------------------------------------------------------------------------------------------


def month_starts(as_of: date, n: int = 12) -> list[date]:
    """The first days of the n months ending with as_of's month, oldest first."""
    first = as_of.replace(day=1)
    return [months_before(first, n - 1 - i) for i in range(n)]


def month_end(start: date, as_of: date) -> date:
    """The month's last day, or as_of if the month is as_of's (the month so far)."""
    nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return min(nxt - timedelta(days=1), as_of)


@dataclass(frozen=True)
class NationalFigure:
    value: float
    label: str  # e.g. "England 2025"


@lru_cache(maxsize=8)
def _read_national(path: str, mtime: float, column: str) -> NationalFigure | None:
    best: tuple[int, float] | None = None
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row.get("geographic_level") != "National":
                continue
            try:
                year, value = int(row["time_period"]), float(row[column])
            except (KeyError, TypeError, ValueError):
                continue
            if best is None or year > best[0]:
                best = (year, value)
    if best is None:
        return None
    return NationalFigure(best[1], f"England {best[0]}")


def national_figure(csv_name: str, column: str, folder: Path | None = None) -> NationalFigure | None:
    """The latest national (England) value of a column in one of DfE's CSVs, or None."""
    path = (folder or reference_dir()) / csv_name
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _read_national(str(path), mtime, column)


# ---------------------------------------------------------------------------------------------
# The indicator shape the page renders
# ---------------------------------------------------------------------------------------------


@dataclass
class Indicator:
    key: str
    title: str
    measure: str  # how it is counted, in one sentence
    headline: str = ""
    national: NationalFigure | None = None
    has_national: bool = True  # False: DfE publishes no figure we hold, so none is shown
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    chart: str = ""
    not_recorded: bool = False
    note: str = ""


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _pct_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _month_of(value) -> date:
    if isinstance(value, datetime):
        value = value.date()
    return value.replace(day=1)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _labels(months: list[date]) -> list[str]:
    return [m.strftime("%b %y") for m in months]


def _share_indicator(
    *,
    key: str,
    title: str,
    measure: str,
    months: list[date],
    totals: dict[date, int],
    parts: dict[date, int],
    whole_name: str,
    part_name: str,
    national: NationalFigure | None = None,
    has_national: bool = True,
) -> Indicator:
    """A percentage by month: the table, the headline over the 12 months and the line chart."""
    rows, values = [], []
    for m in months:
        total, part = totals.get(m, 0), parts.get(m, 0)
        value = _pct(part, total)
        values.append(value)
        rows.append([m.strftime("%B %Y"), str(total), str(part), _pct_text(value)])
    total, part = sum(totals.get(m, 0) for m in months), sum(parts.get(m, 0) for m in months)
    headline = f"{_pct_text(_pct(part, total))} ({part} of {total} {whole_name})" if total else f"No {whole_name} yet"
    reference = charts.Reference(national.value, f"{national.label}: {national.value:.1f}%") if national else None
    known = [(m, v) for m, v in zip(months, values, strict=True) if v is not None]
    desc = f"{title} by month, {months[0]:%B %Y} to {months[-1]:%B %Y}. "
    if known:
        desc += "; ".join(f"{m:%b %Y} {v:.1f}%" for m, v in known) + "."
    else:
        desc += "No data in these months."
    if national:
        desc += f" {national.label}: {national.value:.1f}%."
    return Indicator(
        key=key,
        title=title,
        measure=measure,
        headline=headline,
        national=national,
        has_national=has_national,
        columns=["Month", whole_name.capitalize(), part_name.capitalize(), "Percentage"],
        rows=rows,
        chart=charts.line_chart(
            chart_id=key,
            title=title,
            desc=desc,
            labels=_labels(months),
            values=values,
            unit="%",
            reference=reference,
            cap=100,
        ),
    )


# ---------------------------------------------------------------------------------------------
# The indicators, one query each
# ---------------------------------------------------------------------------------------------


def rereferrals(months: list[date], as_of: date, children=None) -> Indicator:
    window_months = get_setting("rereferral_months")
    look_back = months_before(months[0], window_months)
    referrals = scoped(CINEpisode.objects.filter(referral_date__gte=look_back, referral_date__lte=as_of), children)
    by_child: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for child_id, day, pk in referrals.values_list("child_id", "referral_date", "pk").order_by("referral_date", "pk"):
        by_child[child_id].append((day, pk))
    totals: Counter[date] = Counter()
    repeats: Counter[date] = Counter()
    for dated in by_child.values():
        for i, (day, _pk) in enumerate(dated):
            if day < months[0]:
                continue
            month = day.replace(day=1)
            totals[month] += 1
            earliest = months_before(day, window_months)
            # An earlier referral (by date, then the order recorded) within the window is a re-referral.
            if i and dated[i - 1][0] >= earliest:
                repeats[month] += 1
    return _share_indicator(
        key="rereferrals",
        title="Re-referrals within 12 months",
        measure=(
            "Referrals made within 12 months of a previous referral for the same child, as a share of all "
            "referrals in the month (DfE's definition)."
        ),
        months=months,
        totals=totals,
        parts=repeats,
        whole_name="referrals",
        part_name="re-referrals",
        national=national_figure(REFERRALS_CSV, "rereferral_percent"),
    )


def referrals_nfa(months: list[date], as_of: date, children=None) -> Indicator:
    rows = (
        scoped(CINEpisode.objects.filter(referral_date__gte=months[0], referral_date__lte=as_of), children)
        .annotate(month=TruncMonth("referral_date"))
        .values("month")
        .annotate(total=Count("pk"), nfa=Count("pk", filter=Q(referral_nfa=True)))
        .order_by("month")
    )
    totals, nfa = {}, {}
    for row in rows:
        totals[_month_of(row["month"])] = row["total"]
        nfa[_month_of(row["month"])] = row["nfa"]
    return _share_indicator(
        key="referrals-nfa",
        title="Referrals with no further action",
        measure="Referrals closed with no further action, as a share of all referrals in the month.",
        months=months,
        totals=totals,
        parts=nfa,
        whole_name="referrals",
        part_name="no further action",
        national=national_figure(REFERRALS_CSV, "no_further_action_percent"),
    )


def assessments_in_time(months: list[date], as_of: date, children=None) -> Indicator:
    limit = get_setting("assessment_working_days")
    rows = scoped(
        Assessment.objects.filter(authorised_date__gte=months[0], authorised_date__lte=as_of), children
    ).values_list("start_date", "authorised_date")
    totals: Counter[date] = Counter()
    in_time: Counter[date] = Counter()
    for start, authorised in rows:
        month = authorised.replace(day=1)
        totals[month] += 1
        if working_days_between(start, authorised) <= limit:
            in_time[month] += 1
    return _share_indicator(
        key="assessments-in-time",
        title=f"Assessments completed within {limit} working days",
        measure=(
            f"Child and family assessments authorised in the month, and how many within {limit} working days "
            "of the assessment's start (as DfE's census measures; bank holidays are not working days)."
        ),
        months=months,
        totals=totals,
        parts=in_time,
        whole_name="assessments completed",
        part_name=f"within {limit} working days",
        has_national=False,
    )


def icpcs_in_time(months: list[date], as_of: date, children=None) -> Indicator:
    limit = get_setting("icpc_working_days")
    rows = scoped(Section47.objects.filter(icpc_date__gte=months[0], icpc_date__lte=as_of), children).values_list(
        "strategy_discussion__date", "icpc_date"
    )
    totals: Counter[date] = Counter()
    in_time: Counter[date] = Counter()
    for discussed, icpc in rows:
        month = icpc.replace(day=1)
        totals[month] += 1
        if working_days_between(discussed, icpc) <= limit:
            in_time[month] += 1
    return _share_indicator(
        key="icpcs-in-time",
        title=f"Initial child protection conferences within {limit} working days",
        measure=(
            f"Initial child protection conferences held in the month, and how many within {limit} working days "
            "of the strategy discussion (the last one, where there were several)."
        ),
        months=months,
        totals=totals,
        parts=in_time,
        whole_name="conferences",
        part_name=f"within {limit} working days",
        has_national=False,
    )


def cin_plan_durations(months: list[date], as_of: date, children=None) -> Indicator:
    sections = list(
        scoped(CINPlanChild.objects.filter(start_date__isnull=False, start_date__lte=as_of), children)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=months[0]))
        .values_list("start_date", "end_date")
    )
    table, medians = [], []
    last_share = last_open = last_over = None
    for m in months:
        day = month_end(m, as_of)
        year_ago = months_before(day, 12)
        durations, over = [], 0
        for start, end in sections:
            if start <= day and (end is None or end > day):
                durations.append((day - start).days)
                over += start < year_ago
        median = statistics.median(durations) if durations else None
        medians.append(median)
        share = _pct(over, len(durations))
        table.append(
            [
                _day(day),
                str(len(durations)),
                "-" if median is None else f"{median:.0f}",
                str(over),
                _pct_text(share),
            ]
        )
        last_share, last_open, last_over = share, len(durations), over
    if last_open:
        headline = (
            f"Median {medians[-1]:.0f} days; {_pct_text(last_share)} open more than 12 months "
            f"({last_over} of {last_open} plans open on {_day(month_end(months[-1], as_of))})"
        )
    else:
        headline = "No CIN plans open"
    known = [(m, v) for m, v in zip(months, medians, strict=True) if v is not None]
    desc = "Median days open of the CIN plans open at each month end. " + (
        "; ".join(f"{m:%b %Y} {v:.0f} days" for m, v in known) + "." if known else "No plans open in these months."
    )
    return Indicator(
        key="cin-plan-durations",
        title="How long CIN plans have been open",
        measure=(
            "For the child in need plans open at the end of each month (each child's own plan), the median "
            "number of days since the plan started, and how many had been open more than 12 months."
        ),
        headline=headline,
        has_national=False,
        columns=["Month end", "Plans open", "Median days open", "Open more than 12 months", "Percentage"],
        rows=table,
        chart=charts.line_chart(
            chart_id="cin-plan-durations",
            title="Median days open of CIN plans",
            desc=desc,
            labels=_labels(months),
            values=medians,
        ),
    )


def repeat_cp_plans(months: list[date], as_of: date, children=None) -> Indicator:
    previous = ChildProtectionPlan.objects.filter(child=OuterRef("child"), start_date__lt=OuterRef("start_date"))
    rows = (
        scoped(ChildProtectionPlan.objects.filter(start_date__gte=months[0], start_date__lte=as_of), children)
        .annotate(month=TruncMonth("start_date"), repeat=Exists(previous))
        .values("month")
        .annotate(total=Count("pk"), repeats=Count("pk", filter=Q(repeat=True)))
        .order_by("month")
    )
    totals, repeats = {}, {}
    for row in rows:
        totals[_month_of(row["month"])] = row["total"]
        repeats[_month_of(row["month"])] = row["repeats"]
    return _share_indicator(
        key="repeat-cp-plans",
        title="Repeat child protection plans",
        measure=(
            "Child protection plans started in the month that are the child's second or later plan (at any time), "
            "as a share of all plans started."
        ),
        months=months,
        totals=totals,
        parts=repeats,
        whole_name="plans started",
        part_name="second or later plans",
        has_national=False,
    )


def children_seen(months: list[date], as_of: date, children=None) -> Indicator:
    """At each month end, the children in need (an open CIN episode, not a referral closed with no
    further action) whose visit was not overdue, by the visit due rule in lantern.recording.selectors.
    Four narrow queries (episodes, child protection plans, plans' own frequencies, the days each
    child was seen), counted in Python with the same rule the child record and My work use."""
    rule = VisitRule.current()
    ends = [month_end(m, as_of) for m in months]
    first_end = ends[0]
    episodes = list(
        scoped(CINEpisode.objects.filter(referral_nfa=False, referral_date__lte=as_of), children)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gt=first_end))
        .values_list(
            "child_id",
            "referral_date",
            "closure_date",
            "child__person__date_of_birth",
            "child__person__expected_date_of_birth",
        )
    )
    plans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for child_id, start, end in (
        scoped(ChildProtectionPlan.objects.filter(start_date__lte=as_of), children)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=first_end))
        .values_list("child_id", "start_date", "end_date")
    ):
        plans[child_id].append((start, end))
    frequencies: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
    for child_id, start, end, weeks in (
        scoped(
            PlanVisitFrequency.objects.filter(weeks__isnull=False, section__start_date__lte=as_of),
            children,
            field="section__child",
        )
        .filter(Q(section__end_date__isnull=True) | Q(section__end_date__gt=first_end))
        .values_list("section__child_id", "section__start_date", "section__end_date", "weeks")
    ):
        frequencies[child_id].append((start, end, weeks))
    # A visit longer ago than the longest frequency before the first month end cannot make a child
    # "within timescale" at any month end, so older visits are not read.
    look_back = max(84, 7 * rule.cin_weeks, 3 * rule.cp_working_days) + 31
    seen_days: dict[int, list[date]] = defaultdict(list)
    for child_id, day in (
        scoped(
            Visit.objects.filter(
                child_seen=True, visited_on__gte=months[0] - timedelta(days=look_back), visited_on__lte=as_of
            ),
            children,
        )
        .values_list("child_id", "visited_on")
        .order_by("child_id", "visited_on")
    ):
        seen_days[child_id].append(day)

    def open_on(day: date, start: date, end: date | None) -> bool:
        return start <= day and (end is None or end > day)

    totals: list[int] = []
    within: list[int] = []
    for day in ends:
        total = ok = 0
        for child_id, referral, closure, dob, expected in episodes:
            if not open_on(day, referral, closure):
                continue
            if (dob is None and expected is not None) or (dob is not None and dob > day):
                continue  # unborn then: no visit due
            cp_start = max((s for s, e in plans.get(child_id, ()) if open_on(day, s, e)), default=None)
            weeks = next((w for s, e, w in frequencies.get(child_id, ()) if open_on(day, s, e)), None)
            days = seen_days.get(child_id, [])
            i = bisect.bisect_right(days, day)
            due, _basis = rule.next_due(
                last_seen=days[i - 1] if i else None, cin_referral=referral, cp_start=cp_start, plan_weeks=weeks
            )
            total += 1
            ok += due is not None and due >= day
        totals.append(total)
        within.append(ok)

    shares = [_pct(ok, total) for ok, total in zip(within, totals, strict=True)]
    rows = [
        [_day(day), str(total), str(ok), _pct_text(share)]
        for day, total, ok, share in zip(ends, totals, within, shares, strict=True)
    ]
    if totals[-1]:
        headline = (
            f"{_pct_text(shares[-1])} ({within[-1]} of {totals[-1]} children in need on {_day(ends[-1])} "
            "seen within timescale)"
        )
    else:
        headline = "No children in need"
    known = [(m, v) for m, v in zip(months, shares, strict=True) if v is not None]
    desc = "Children in need seen within timescale at each month end. " + (
        "; ".join(f"{m:%b %Y} {v:.1f}%" for m, v in known) + "." if known else "No children in need in these months."
    )
    return Indicator(
        key="children-seen",
        title="Children seen within timescale",
        measure=(
            "Of the children in need at the end of each month (an open child in need episode), how many had been "
            f"seen often enough: within {rule.cp_working_days} working days on a child protection plan, otherwise "
            f"within {rule.cin_weeks} weeks or the frequency their CIN plan sets - counted from the referral or the "
            "plan's start until the first visit. Only visits where the child was seen count; unborn children are "
            "left out."
        ),
        headline=headline,
        has_national=False,
        columns=["Month end", "Children in need", "Seen within timescale", "Percentage"],
        rows=rows,
        chart=charts.line_chart(
            chart_id="children-seen",
            title="Children seen within timescale",
            desc=desc,
            labels=_labels(months),
            values=shares,
            unit="%",
            cap=100,
        ),
    )


def caseloads(as_of: date, children=None) -> Indicator:
    held = Q(allocations__start_date__lte=as_of) & (
        Q(allocations__end_date__isnull=True) | Q(allocations__end_date__gt=as_of)
    )
    if children is not None and children.query.where:
        held &= Q(allocations__child__in=children.values("pk"))
    loads = list(
        Worker.objects.filter(role=Role.SOCIAL_WORKER, is_active=True)
        .annotate(n=Count("allocations__child", filter=held, distinct=True))
        .values_list("n", flat=True)
    )
    bins = [0] * CASELOAD_BINS
    for n in loads:
        i = 0 if n == 0 else (n - 1) // CASELOAD_BIN_WIDTH
        bins[min(i, CASELOAD_BINS - 1)] += 1
    labels = []
    for i in range(CASELOAD_BINS):
        low, high = (0 if i == 0 else i * CASELOAD_BIN_WIDTH + 1), (i + 1) * CASELOAD_BIN_WIDTH
        labels.append(f"{low}-{high}" if i < CASELOAD_BINS - 1 else f"{low}+")
    thresholds = caseload_thresholds()
    markers = [
        charts.Marker(
            after=min(threshold // CASELOAD_BIN_WIDTH - 1, CASELOAD_BINS - 1),
            label=f"More than {threshold}",
            colour=colour,
        )
        for threshold, colour in thresholds
    ]
    over = {threshold: sum(1 for n in loads if n > threshold) for threshold, _colour in thresholds}
    if loads:
        headline = (
            f"{len(loads)} social workers, average {statistics.mean(loads):.1f} children, highest {max(loads)}; "
            + "; ".join(f"{count} with more than {t}" for t, count in over.items())
        )
    else:
        headline = "No social workers"
    desc = (
        f"Social workers by the number of children allocated to them on {_day(as_of)}: "
        + "; ".join(f"{label} children: {count}" for label, count in zip(labels, bins, strict=True))
        + ". Lines mark "
        + " and ".join(f"more than {t} children" for t, _c in thresholds)
        + "."
    )
    return Indicator(
        key="caseloads",
        title="Social workers' caseloads",
        measure=(
            f"Social workers by the number of children allocated to them on {_day(as_of)} (a child counts "
            "once per worker, whatever their allocation role)."
        ),
        headline=headline,
        has_national=False,
        columns=["Children held", "Social workers"],
        rows=[[label, str(count)] for label, count in zip(labels, bins, strict=True)],
        chart=charts.bar_chart(
            chart_id="caseloads",
            title="Social workers by caseload",
            desc=desc,
            labels=labels,
            values=bins,
            markers=markers,
        ),
    )


def build_indicators(*, as_of: date, children: QuerySet[Child] | None = None) -> list[Indicator]:
    months = month_starts(as_of)
    return [
        rereferrals(months, as_of, children),
        referrals_nfa(months, as_of, children),
        assessments_in_time(months, as_of, children),
        icpcs_in_time(months, as_of, children),
        cin_plan_durations(months, as_of, children),
        repeat_cp_plans(months, as_of, children),
        children_seen(months, as_of, children),
        caseloads(as_of, children),
    ]
