"""Ofsted Annex A (the inspection data lists, L20), straight from the record.

    wb = build_annex_a(as_of=date(2026, 3, 31))          # an openpyxl.Workbook
    write_annex_a("annex_a.xlsx", as_of=date(2026, 3, 31))  # the same, streamed to a file

Eleven sheets, "List 1" to "List 11", with the headings in row 1 exactly as Ofsted's template
(read at run time from lantern/reference/annex-a-lists.json, Ofsted's published list, never retyped).
Values are written in Ofsted's form ("a) Male", "q) 6: Police", "N1 - Abuse or neglect"): each
national code kept in Lantern is looked up in the json's allowed values by its code, so the
strings exist only in the json. Dates are real Excel dates, counts are numbers.

The window: Lists 1-7 cover the six months up to and including the as-of date - from the day
after the same date six months earlier (31 March 2026: 1 October 2025 to 31 March 2026). Anything
dated after the as-of date is treated as not having happened yet (an episode closed later is
still open; an ICPC held later is blank).

What each list holds
- List 1 contacts: every contact received in the window, one row each.
- List 2 early help: every early help episode open at some point in the window. Its start is
  the early help assessment start; the organisation is the early help team.
- List 3 referrals: every referral (CIN episode) made in the window, NFA referrals included.
  "Number of referrals in last 12 months" counts the child's referrals in the 12 months up to
  and including this one's date (Lantern's re-referral window), so 2 or more is a re-referral.
- List 4 assessments: every child and family assessment open at some point in the window
  (started by the as-of date and not authorised before the window).
- List 5 section 47 enquiries: every enquiry started in the window or whose ICPC was held in
  it. The counts of enquiries and ICPCs are for the child's 12 months up to the as-of date.
- List 6 children in need: every CIN episode open at some point in the window, except
  referrals closed with no further action (they are in List 3). Case status on the as-of date:
  closed, else child protection plan, else CIN plan, else open assessment (no assessment
  authorised yet), else child in need plan (assessed, plan being put in place).
- List 7 child protection: every child protection plan open at some point in the window. The
  latest category of abuse is the plan's current one (a later review's change shows even for an
  earlier as-of date); the latest review conference is the last one by the as-of date.
- Lists 8-11 (children in care, care leavers, adoption, adopters): headings only - Lantern does
  not hold these services.

Age is the child's age in whole years on the as-of date (blank if unborn or date of birth
unknown). Disability: "Yes" for any recorded disability, "No" where "no disability" is recorded,
"Unknown" where nothing is recorded.

Allocated team and worker come from the child's lead allocation on the relevant date: the
as-of date while the work is open then, otherwise the date it ended (the referral's or
episode's closure, the assessment's authorisation, the early help or plan's end). A team holding
the child without a worker gives "Unallocated" as the worker; a child with no lead allocation on
that date gives the episode's team (or "Unallocated") and "Unallocated".

Visits (lantern.recording) fill the columns about the child being seen. Only a visit where the
child was seen counts, and only visits on or before the as-of date:
- List 4 "Child Seen During Continuous Assessment": Yes if the child was seen on a visit between
  the assessment's start and its authorisation (or the as-of date, while it is open), else No.
- List 6 "Date Child Was Last Seen": the child's last visit (any type) by the as-of date; blank if
  they have not been seen on a recorded visit.
- List 7 "Date of the Last Statutory Visit" (a statutory CIN or child protection visit) by the
  as-of date, and "Was the Child Seen Alone?" at that visit; both blank without one.
The dates come from `lantern.recording.selectors.annotate_seen(..., as_of=...)`: one query for the
children in Lists 6 and 7 together.

Columns left blank because Lantern does not hold the data:
- List 2 "Assessment completion date" (early help assessments are not recorded; may be blank).
- List 7 "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six
  Months (Y/N)" - Lantern records neither, and the column may NOT be blank; it is left blank
  rather than guessed, and is listed in NOT_HELD_REQUIRED so that checks can tell it apart.
Lists 8-11 have no rows.

Set-based: one query per list (each with its child details, disability and counts joined or
correlated in SQL), one for the lead allocations, one for referral dates and one for when the
children in Lists 6 and 7 were last seen - a dozen queries
whatever the council's size, read on PostgreSQL from one read-only snapshot. The file handed out
is streamed as SpreadsheetML (`stream_xlsx`); `build_annex_a` gives the same cells in openpyxl.
A Kent-sized council (55,000 children, 75,000 rows in the lists) takes 2 to 3.5 seconds on PostgreSQL.
"""

from __future__ import annotations

import bisect
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape as xml_escape

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lantern import reference
from lantern.casework.models import (
    Assessment,
    AssessmentOutcome,
    ChildProtectionPlan,
    CINEpisode,
    CINPlanChild,
    Contact,
    CPPlanReview,
    EarlyHelpEpisode,
    Section47,
)
from lantern.core import codes
from lantern.core.calendar import add_months
from lantern.people.models import Child, ChildDisability
from lantern.recording.models import Visit
from lantern.recording.selectors import annotate_seen
from lantern.workforce.models import Allocation, AllocationRole

SPEC_FILE = "annex-a-lists.json"
SHEET_NAMES = tuple(f"List {n}" for n in range(1, 12))
DATE_FORMAT = "dd/mm/yyyy"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Columns that may not be blank but that Lantern does not hold, so they are left blank (never guessed).
NOT_HELD_REQUIRED = {
    (
        "List 7",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
    ): "Lantern does not record emergency protection orders or police protection.",
}

#: Optional columns Lantern leaves blank because it does not hold the data yet.
NOT_HELD_OPTIONAL = {
    ("List 2", "Assessment completion date"): "Early help assessments are not recorded.",
}

#: Columns that may not be blank and that Lantern cannot know, written with Ofsted's "Unknown".
NOT_HELD_UNKNOWN: dict[tuple[str, str], str] = {}

UNALLOCATED = "Unallocated"

# Our code -> Ofsted's wording after the letter, where the code itself is not in Ofsted's string.
_SEX_WORDING = {codes.Sex.MALE: "Male", codes.Sex.FEMALE: "Female", codes.Sex.UNKNOWN: "Not stated/recorded"}
_CATEGORY_WORDING = {
    codes.CategoryOfAbuse.NEG: "Neglect",
    codes.CategoryOfAbuse.PHY: "Physical abuse",
    codes.CategoryOfAbuse.SAB: "Sexual abuse",
    codes.CategoryOfAbuse.EMO: "Emotional abuse",
    codes.CategoryOfAbuse.MUL: "Multiple/not recommended",
}
_NEEDS_SUPPORT = {
    AssessmentOutcome.CIN_PLAN: "Yes",
    AssessmentOutcome.STRATEGY: "Yes",
    AssessmentOutcome.NFA: "No",
    AssessmentOutcome.STEP_DOWN: "No",
}


# ---------------------------------------------------------------------------------------------
# The specification (Ofsted's headings and allowed values), read from the reference folder
# ---------------------------------------------------------------------------------------------


class AnnexASpecError(ImproperlyConfigured):
    """The Annex A specification is missing, or lacks a value Lantern needs to write."""


def reference_dir() -> Path:
    """The reference folder (Ofsted's and DfE's published lists and figures): lantern/reference."""
    return reference.path()


_PREFIX = re.compile(r"^[a-z]{1,2}[0-9]?\) (.*)$")


def _keys_for(value: str) -> set[str]:
    """The keys a value can be found by: its text without the letter, and the code in front of
    a ': ' or ' - ' ("q) 6: Police" -> "6: Police", "6"; "N1 - Abuse or neglect" -> "N1")."""
    match = _PREFIX.match(value)
    body = match.group(1) if match else value
    keys = {body.casefold()}
    for sep in (": ", " - "):
        if sep in body:
            keys.add(body.split(sep, 1)[0].casefold())
    return keys


@dataclass(frozen=True)
class Column:
    header: str
    type: str
    can_be_blank: bool | None
    allowed: tuple[str, ...] = ()
    index: dict[str, str | None] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def value(self, key: str) -> str:
        """Ofsted's allowed value for one of our codes or wordings (raises if it is not there)."""
        found = self.index.get(str(key).casefold())
        if found is None:
            problem = "is ambiguous in" if str(key).casefold() in self.index else "is not among"
            raise AnnexASpecError(f"{key!r} {problem} the allowed values of {self.header!r}")
        return found


@dataclass(frozen=True)
class Spec:
    lists: dict[str, tuple[Column, ...]]

    def column(self, list_name: str, header: str) -> Column:
        for column in self.lists[list_name]:
            if column.header == header:
                return column
        raise AnnexASpecError(f"{list_name} has no column {header!r}")


def _column(raw: dict) -> Column:
    allowed = tuple(raw.get("allowed_values") or ())
    index: dict[str, str | None] = {}
    for value in allowed:
        for key in _keys_for(value):
            index[key] = None if key in index and index[key] != value else value  # None: ambiguous
    return Column(raw["header"], raw["type"], raw.get("can_be_blank"), allowed, index)


@lru_cache(maxsize=4)
def _load_spec(path: str, mtime: float) -> Spec:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    missing = [name for name in SHEET_NAMES if name not in raw]
    if missing:
        raise AnnexASpecError(f"{path} has no {', '.join(missing)}")
    return Spec({name: tuple(_column(c) for c in raw[name]) for name in SHEET_NAMES})


def load_spec(path: Path | None = None) -> Spec:
    path = path or reference_dir() / SPEC_FILE
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise AnnexASpecError(
            f"The Annex A specification {path} is missing: put Ofsted's list headings there "
            "(or set LANTERN_REFERENCE_DIR)."
        ) from None
    return _load_spec(str(path), mtime)


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if it is shorter)."""
    return add_months(day, -months)


def window(as_of: date, months: int = 6) -> tuple[date, date]:
    """First and last day (both included) of the `months` months up to and including as_of."""
    return months_before(as_of, months) + timedelta(days=1), as_of


def _age_on(dob: date | None, day: date) -> int | None:
    if dob is None or dob > day:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _by(day: date | None, as_of: date) -> date | None:
    """A date, if it had happened by the as-of date."""
    return day if day is not None and day <= as_of else None


# ---------------------------------------------------------------------------------------------
# Lead allocations on a date
# ---------------------------------------------------------------------------------------------


class _Holders:
    """The lead allocations of the children, to answer "who held this child on day d" in memory."""

    def __init__(self, rows):
        self._by_child: dict[int, list[tuple]] = defaultdict(list)
        for row in rows:
            self._by_child[row["child_id"]].append(
                (row["start_date"], row["pk"], row["end_date"], row["team__name"], _worker_name(row))
            )
        self._starts = {child: [a[0] for a in allocs] for child, allocs in self._by_child.items()}

    def at(self, child_id: int, day: date, fallback_team: str | None = None) -> tuple[str, str]:
        allocs = self._by_child.get(child_id, ())
        # Allocations are sorted by start; walk back from the last one starting on or before the day.
        i = bisect.bisect_right(self._starts.get(child_id, ()), day)
        for start, _pk, end, team, worker in reversed(allocs[:i]):
            if start <= day and (end is None or end >= day):
                return team, worker or UNALLOCATED
        return fallback_team or UNALLOCATED, UNALLOCATED


def _worker_name(row) -> str:
    if row["worker_id"] is None:
        return ""
    name = f"{row['worker__first_name']} {row['worker__last_name']}".strip()
    return name or row["worker__username"]


def _holders(children, start: date, as_of: date) -> _Holders:
    rows = (
        scoped(Allocation.objects.filter(role=AllocationRole.LEAD, start_date__lte=as_of), children)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values(
            "child_id",
            "pk",
            "start_date",
            "end_date",
            "team__name",
            "worker_id",
            "worker__first_name",
            "worker__last_name",
            "worker__username",
        )
        .order_by("child_id", "start_date", "pk")
    )
    return _Holders(rows.iterator(chunk_size=5000))


# ---------------------------------------------------------------------------------------------
# Reading the record, one query per list
# ---------------------------------------------------------------------------------------------


def scoped(queryset: QuerySet, children: QuerySet[Child] | None, field: str = "child") -> QuerySet:
    """Limit to the given children; an unfiltered queryset (every child) adds nothing to the SQL."""
    if children is None or not children.query.where:
        return queryset
    return queryset.filter(**{f"{field}__in": children.values("pk")})


def _child_fields(prefix: str) -> list[str]:
    return [
        f"{prefix}la_child_id",
        f"{prefix}person__sex",
        f"{prefix}person__ethnicity",
        f"{prefix}person__date_of_birth",
    ]


def _disability_annotations(child_ref: str) -> dict[str, Any]:
    recorded = ChildDisability.objects.filter(child=OuterRef(child_ref))
    return {
        "disability_any": Exists(recorded),
        "disability_yes": Exists(recorded.exclude(code=codes.Disability.NONE)),
    }


def _count_of(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("child").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class _Writer:
    """Turns one record's values into a row of Ofsted's strings, by heading."""

    def __init__(self, spec: Spec, list_name: str, as_of: date):
        self.spec, self.list_name, self.as_of = spec, list_name, as_of

    def col(self, header: str) -> Column:
        return self.spec.column(self.list_name, header)

    def child(self, row: dict, prefix: str) -> dict[str, Any]:
        sex = row[f"{prefix}person__sex"] or codes.Sex.UNKNOWN
        dob = row[f"{prefix}person__date_of_birth"]
        out = {
            "Child Unique ID": row[f"{prefix}la_child_id"],
            "Gender": self.col("Gender").value(_SEX_WORDING[sex]),
            "Ethnicity": self.col("Ethnicity").value(row[f"{prefix}person__ethnicity"] or codes.Ethnicity.NOBT),
            "Date of Birth": dob,
            "Age of Child (Years)": _age_on(dob, self.as_of),
        }
        if "disability_any" in row:
            out["Does the Child have a Disability"] = self.yes_no(
                "Does the Child have a Disability",
                True if row["disability_yes"] else (False if row["disability_any"] else None),
            )
        return out

    def yes_no(self, header: str, value: bool | None, *, blank_if_none: bool = False) -> str | None:
        if value is None:
            return None if blank_if_none else self.col(header).value("Unknown")
        return self.col(header).value("Yes" if value else "No")

    def code(self, header: str, value: str) -> str | None:
        return self.col(header).value(value) if value else None


@dataclass
class AnnexA:
    """The rows of each list, by heading, before they are written."""

    as_of: date
    start: date
    rows: dict[str, list[dict[str, Any]]]


@contextmanager
def _snapshot():
    """On PostgreSQL, read every list from one read-only snapshot (the lists agree with each other
    even while people keep working), with JIT compilation off: the correlated EXISTS make the
    planner's cost estimates high enough to trigger JIT, which then costs more than the queries.
    SQLite reads as it is (a transaction there would hold the write lock for the whole return)."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET LOCAL jit = off")
        yield


def collect(*, as_of: date, children: QuerySet[Child] | None = None, spec: Spec | None = None) -> AnnexA:
    spec = spec or load_spec()
    start, _ = window(as_of)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEET_NAMES}
    with _snapshot():
        holders = _holders(children, start, as_of)
        rows["List 1"] = _list_1(spec, children, start, as_of)
        rows["List 2"] = _list_2(spec, children, start, as_of, holders)
        rows["List 3"] = _list_3(spec, children, start, as_of, holders)
        rows["List 4"] = _list_4(spec, children, start, as_of, holders)
        rows["List 5"] = _list_5(spec, children, start, as_of, holders)
        seen = _seen(children, start, as_of)
        rows["List 6"] = _list_6(spec, children, start, as_of, holders, seen)
        rows["List 7"] = _list_7(spec, children, start, as_of, holders, seen)
    return AnnexA(as_of=as_of, start=start, rows=rows)


def _list_1(spec, children, start, as_of) -> list[dict]:
    w = _Writer(spec, "List 1", as_of)
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), tz)
    until = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min), tz)
    contacts = (
        scoped(Contact.objects.filter(received_at__gte=since, received_at__lt=until), children)
        .values("received_at", "source", *_child_fields("child__"))
        .order_by("received_at", "child__la_child_id", "pk")
    )
    out = []
    for row in contacts.iterator(chunk_size=5000):
        out.append(
            {
                **w.child(row, "child__"),
                "Date of Contact": timezone.localtime(row["received_at"], tz).date(),
                "Contact Source": w.code("Contact Source", row["source"] or codes.ReferralSource.S10),
            }
        )
    return out


def _list_2(spec, children, start, as_of, holders) -> list[dict]:
    w = _Writer(spec, "List 2", as_of)
    episodes = (
        scoped(EarlyHelpEpisode.objects.filter(start_date__lte=as_of), children)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values("child_id", "start_date", "end_date", "team__name", *_child_fields("child__"))
        .order_by("start_date", "child__la_child_id", "pk")
    )
    out = []
    for row in episodes.iterator(chunk_size=5000):
        ended = _by(row["end_date"], as_of)
        team = row["team__name"] or holders.at(row["child_id"], ended or as_of)[0]
        out.append(
            {
                **w.child(row, "child__"),
                "Assessment start date": row["start_date"],
                "Organisation completing assessment": team,
            }
        )
    return out


def _list_3(spec, children, start, as_of, holders) -> list[dict]:
    w = _Writer(spec, "List 3", as_of)
    episodes = list(
        scoped(CINEpisode.objects.filter(referral_date__gte=start, referral_date__lte=as_of), children)
        .values(
            "child_id",
            "referral_date",
            "referral_source",
            "referral_nfa",
            "closure_date",
            "team__name",
            *_child_fields("child__"),
        )
        .order_by("referral_date", "child__la_child_id", "pk")
    )
    # Every referral date of these children in the 12 months before the window: one narrow query.
    earlier = scoped(
        CINEpisode.objects.filter(referral_date__gte=months_before(start, 12), referral_date__lte=as_of), children
    ).filter(child__in=CINEpisode.objects.filter(referral_date__gte=start, referral_date__lte=as_of).values("child"))
    dates: dict[int, list[date]] = defaultdict(list)
    for child_id, day in earlier.values_list("child_id", "referral_date").order_by("child_id", "referral_date"):
        dates[child_id].append(day)
    out = []
    for row in episodes:
        day = row["referral_date"]
        mine = dates[row["child_id"]]
        in_year = bisect.bisect_right(mine, day) - bisect.bisect_left(mine, months_before(day, 12))
        team, worker = holders.at(row["child_id"], _by(row["closure_date"], as_of) or as_of, row["team__name"])
        out.append(
            {
                **w.child(row, "child__"),
                "Date of referral": day,
                "Referral Source": w.code("Referral Source", row["referral_source"] or codes.ReferralSource.S10),
                "Referral NFA?": w.yes_no("Referral NFA?", row["referral_nfa"]),
                "Number of Referrals in Last 12 Months": max(in_year, 1),
                "Allocated Team": team,
                "Allocated Worker": worker,
            }
        )
    return out


def _list_4(spec, children, start, as_of, holders) -> list[dict]:
    w = _Writer(spec, "List 4", as_of)
    seen_since_start = Visit.objects.filter(
        child=OuterRef("child"), child_seen=True, visited_on__gte=OuterRef("start_date")
    ).order_by()
    assessments = (
        scoped(Assessment.objects.filter(start_date__lte=as_of), children)
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gte=start))
        .filter(Q(episode__closure_date__isnull=True) | Q(episode__closure_date__gte=start))
        .annotate(
            **_disability_annotations("child"),
            seen_by_as_of=Exists(seen_since_start.filter(visited_on__lte=as_of)),
            seen_by_authorisation=Exists(seen_since_start.filter(visited_on__lte=OuterRef("authorised_date"))),
        )
        .values(
            "child_id",
            "start_date",
            "authorised_date",
            "outcome",
            "episode__team__name",
            "disability_any",
            "disability_yes",
            "seen_by_as_of",
            "seen_by_authorisation",
            *_child_fields("child__"),
        )
        .order_by("start_date", "child__la_child_id", "pk")
    )
    out = []
    for row in assessments.iterator(chunk_size=5000):
        authorised = _by(row["authorised_date"], as_of)
        support = _NEEDS_SUPPORT.get(row["outcome"]) if authorised else None
        team, worker = holders.at(row["child_id"], authorised or as_of, row["episode__team__name"])
        header = "Was the child assessed as requiring LA children's social care support?"
        out.append(
            {
                **w.child(row, "child__"),
                "Continuous Assessment Start Date": row["start_date"],
                # Seen on a visit between the start and the authorisation (or the as-of date while open).
                "Child Seen During Continuous Assessment": w.yes_no(
                    "Child Seen During Continuous Assessment",
                    bool(row["seen_by_authorisation"] if authorised else row["seen_by_as_of"]),
                ),
                "Continuous Assessment Date of Authorisation": authorised,
                header: w.col(header).value(support) if support else None,
                "Allocated Team": team,
                "Allocated Worker": worker,
            }
        )
    return out


def _list_5(spec, children, start, as_of, holders) -> list[dict]:
    w = _Writer(spec, "List 5", as_of)
    year_start = months_before(as_of, 12) + timedelta(days=1)
    plan_from_icpc = ChildProtectionPlan.objects.filter(
        child=OuterRef("child"), episode=OuterRef("episode"), start_date=OuterRef("icpc_date")
    )
    enquiries = (
        scoped(Section47.objects.all(), children)
        .filter(Q(start_date__gte=start, start_date__lte=as_of) | Q(icpc_date__gte=start, icpc_date__lte=as_of))
        .annotate(
            **_disability_annotations("child"),
            plan_from_icpc=Exists(plan_from_icpc),
            s47_in_year=_count_of(
                Section47.objects.filter(child=OuterRef("child"), start_date__gte=year_start, start_date__lte=as_of)
            ),
            icpcs_in_year=_count_of(
                Section47.objects.filter(child=OuterRef("child"), icpc_date__gte=year_start, icpc_date__lte=as_of)
            ),
        )
        .values(
            "child_id",
            "start_date",
            "icpc_date",
            "icpc_not_required",
            "plan_from_icpc",
            "s47_in_year",
            "icpcs_in_year",
            "episode__closure_date",
            "episode__team__name",
            "disability_any",
            "disability_yes",
            *_child_fields("child__"),
        )
        .order_by("start_date", "child__la_child_id", "pk")
    )
    out = []
    for row in enquiries.iterator(chunk_size=5000):
        icpc = _by(row["icpc_date"], as_of)
        if row["icpc_not_required"]:
            unnecessary = True
        elif icpc:
            unnecessary = False
        else:
            unnecessary = None  # still to be decided
        team, worker = holders.at(
            row["child_id"], _by(row["episode__closure_date"], as_of) or as_of, row["episode__team__name"]
        )
        out.append(
            {
                **w.child(row, "child__"),
                "Strategy discussion initiating Section 47 Enquiry Start Date": row["start_date"],
                "Was an Initial Child Protection Conference deemed unnecessary?": w.yes_no(
                    "Was an Initial Child Protection Conference deemed unnecessary?", unnecessary, blank_if_none=True
                ),
                "Date of Initial Child Protection Conference": icpc,
                "Did the Initial Child Protection Conference Result in a Child Protection Plan": w.yes_no(
                    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                    bool(row["plan_from_icpc"]) if icpc else None,
                    blank_if_none=True,
                ),
                "Number of Section 47 Enquiries in the last 12 months": row["s47_in_year"],
                "Number of ICPCs in the last 12 months": row["icpcs_in_year"],
                "Allocated Team": team,
                "Allocated Worker": worker,
            }
        )
    return out


def _open_on(day: date, start_field: str = "start_date", end_field: str = "end_date") -> Q:
    return Q(**{f"{start_field}__lte": day}) & (Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": day}))


def _cin_episodes_in_list_6(children, start, as_of) -> QuerySet:
    return scoped(CINEpisode.objects.filter(referral_nfa=False, referral_date__lte=as_of), children).filter(
        Q(closure_date__isnull=True) | Q(closure_date__gte=start)
    )


def _cp_plans_in_list_7(children, start, as_of) -> QuerySet:
    return scoped(ChildProtectionPlan.objects.filter(start_date__lte=as_of), children).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )


@dataclass(frozen=True)
class _Seen:
    last_seen: date | None
    last_statutory_visit: date | None
    statutory_seen_alone: bool | None


_NOT_SEEN = _Seen(None, None, None)


def _seen(children, start, as_of) -> dict[int, _Seen]:
    """When each child in Lists 6 and 7 was last seen, by the as-of date: one query."""
    listed = Q(pk__in=_cin_episodes_in_list_6(children, start, as_of).values("child")) | Q(
        pk__in=_cp_plans_in_list_7(children, start, as_of).values("child")
    )
    rows = annotate_seen(Child.objects.filter(listed), as_of=as_of).values_list(
        "pk", "last_seen", "last_statutory_visit", "last_statutory_seen_alone"
    )
    return {pk: _Seen(seen, statutory, alone) for pk, seen, statutory, alone in rows.iterator(chunk_size=5000)}


def _list_6(spec, children, start, as_of, holders, seen) -> list[dict]:
    w = _Writer(spec, "List 6", as_of)
    episodes = (
        _cin_episodes_in_list_6(children, start, as_of)
        .annotate(
            **_disability_annotations("child"),
            cp_open=Exists(ChildProtectionPlan.objects.filter(_open_on(as_of), episode=OuterRef("pk"))),
            cin_plan_open=Exists(CINPlanChild.objects.filter(_open_on(as_of), episode=OuterRef("pk"))),
            assessed=Exists(Assessment.objects.filter(episode=OuterRef("pk"), authorised_date__lte=as_of)),
        )
        .values(
            "child_id",
            "referral_date",
            "primary_need",
            "closure_date",
            "closure_reason",
            "team__name",
            "cp_open",
            "cin_plan_open",
            "assessed",
            "disability_any",
            "disability_yes",
            *_child_fields("child__"),
        )
        .order_by("referral_date", "child__la_child_id", "pk")
    )
    status = w.col("Case Status")
    out = []
    for row in episodes.iterator(chunk_size=5000):
        closed = _by(row["closure_date"], as_of)
        if closed:
            case_status = status.value("Closed episode")
        elif row["cp_open"]:
            case_status = status.value("Child Protection plan")
        elif row["cin_plan_open"]:
            case_status = status.value("Child in need plan")
        elif not row["assessed"]:
            case_status = status.value("Open assessment")
        else:
            case_status = status.value("Child in need plan")
        team, worker = holders.at(row["child_id"], closed or as_of, row["team__name"])
        out.append(
            {
                **w.child(row, "child__"),
                "CIN Start Date": row["referral_date"],
                "Primary Need Code": w.code("Primary Need Code", row["primary_need"] or codes.PrimaryNeed.N0),
                "Date Child Was Last Seen": seen.get(row["child_id"], _NOT_SEEN).last_seen,
                "CIN Closure Date": closed,
                "Reason for Closure": w.code("Reason for Closure", row["closure_reason"]) if closed else None,
                "Case Status": case_status,
                "Allocated Team": team,
                "Allocated Worker": worker,
            }
        )
    return out


def _list_7(spec, children, start, as_of, holders, seen) -> list[dict]:
    w = _Writer(spec, "List 7", as_of)
    plans = (
        _cp_plans_in_list_7(children, start, as_of)
        .annotate(
            **_disability_annotations("child"),
            last_review=Subquery(
                CPPlanReview.objects.filter(plan=OuterRef("pk"), date__lte=as_of).order_by("-date").values("date")[:1]
            ),
            previous_plans=_count_of(
                ChildProtectionPlan.objects.filter(child=OuterRef("child"), start_date__lt=OuterRef("start_date"))
            ),
        )
        .values(
            "child_id",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "last_review",
            "previous_plans",
            "episode__team__name",
            "disability_any",
            "disability_yes",
            *_child_fields("child__"),
        )
        .order_by("start_date", "child__la_child_id", "pk")
    )
    initial, latest = w.col("Initial Category of Abuse"), w.col("Latest Category of Abuse")
    out = []
    for row in plans.iterator(chunk_size=5000):
        ended = _by(row["end_date"], as_of)
        team, worker = holders.at(row["child_id"], ended or as_of, row["episode__team__name"])
        visit = seen.get(row["child_id"], _NOT_SEEN)
        out.append(
            {
                **w.child(row, "child__"),
                "Child Protection Plan Start Date": row["start_date"],
                "Initial Category of Abuse": initial.value(_CATEGORY_WORDING[row["initial_category"]]),
                "Latest Category of Abuse": latest.value(
                    _CATEGORY_WORDING[row["latest_category"] or row["initial_category"]]
                ),
                "Date of the Last Statutory Visit": visit.last_statutory_visit,
                "Was the Child Seen Alone?": w.yes_no(
                    "Was the Child Seen Alone?", visit.statutory_seen_alone, blank_if_none=True
                ),
                "Date of latest review conference": row["last_review"],
                "Child Protection Plan End Date": ended,
                "Number of Previous Child Protection Plans": row["previous_plans"],
                "Allocated Team": team,
                "Allocated Worker": worker,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Writing the workbook
# ---------------------------------------------------------------------------------------------


def build_annex_a(*, as_of: date, children: QuerySet[Child] | None = None, spec: Spec | None = None) -> Workbook:
    """The Annex A workbook on `as_of` for the given children (every child if None), in openpyxl."""
    spec = spec or load_spec()
    return workbook(collect(as_of=as_of, children=children, spec=spec), spec=spec)


def _checked_rows(data: AnnexA, spec: Spec, name: str) -> Iterator[list[Any]]:
    """Each row's values in the template's column order (a heading the template lacks is an error)."""
    columns = spec.lists[name]
    headers = {c.header for c in columns}
    for row in data.rows[name]:
        unknown = row.keys() - headers
        if unknown:
            raise AnnexASpecError(f"{name} has no column {sorted(unknown)[0]!r}")
        yield [row.get(c.header) for c in columns]


def _width(column: Column) -> int:
    return min(max(len(column.header), 12), 45) + 2


def workbook(data: AnnexA, *, spec: Spec) -> Workbook:
    """Collected rows in an openpyxl workbook: every list, headings in row 1, dates as dates."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for name in SHEET_NAMES:
        columns = spec.lists[name]
        ws = wb.create_sheet(title=name)
        ws.append([c.header for c in columns])
        for i, column in enumerate(columns, 1):
            ws.cell(row=1, column=i).font = bold
            ws.column_dimensions[get_column_letter(i)].width = _width(column)
        ws.freeze_panes = "A2"
        dates = [i for i, c in enumerate(columns, 1) if c.type == "date"]
        for values in _checked_rows(data, spec, name):
            ws.append(values)
            for i in dates:
                if values[i - 1] is not None:
                    ws.cell(row=ws.max_row, column=i).number_format = DATE_FORMAT
    return wb


# A Kent-sized workbook has close to a million cells, which openpyxl takes about ten seconds to
# write; the file the command and the page hand out is streamed directly as SpreadsheetML instead
# (the same cells, the same styles; the tests read both back and compare them).

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (
    f"{_XML}<styleSheet {_NS}>"
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_BOLD, _DATE = 1, 2
_EPOCH = date(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text(value: str) -> str:
    return xml_escape(_ILLEGAL.sub("", value))


def _cell(ref: str, value: Any, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


def _sheet_xml(columns: tuple[Column, ...], rows: Iterator[list[Any]]) -> Iterator[str]:
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    yield (
        f'{_XML}<worksheet {_NS} {_NS_R}><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><cols>'
    )
    yield "".join(f'<col min="{i}" max="{i}" width="{_width(c)}" customWidth="1"/>' for i, c in enumerate(columns, 1))
    yield '</cols><sheetData><row r="1">'
    yield "".join(_cell(f"{letter}1", c.header, _BOLD) for letter, c in zip(letters, columns, strict=True))
    yield "</row>"
    for n, values in enumerate(rows, 2):
        cells = "".join(
            _cell(f"{letter}{n}", value) for letter, value in zip(letters, values, strict=True) if value is not None
        )
        yield f'<row r="{n}">{cells}</row>'
    yield "</sheetData></worksheet>"


def stream_xlsx(data: AnnexA, *, spec: Spec, target: str | Path | BinaryIO) -> None:
    """Write the workbook as SpreadsheetML: one part per list, written as it is made."""
    sheets = list(SHEET_NAMES)
    content_types = (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Types>"
    )
    root_rels = (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook_xml = (
        f"{_XML}<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews><sheets>"
        + "".join(f'<sheet name="{_text(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
        + "</sheets></workbook>"
    )
    workbook_rels = (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_OFFICE}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_OFFICE}/styles" Target="styles.xml"/></Relationships>'
    )
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.xml", workbook_xml)
        zf.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        zf.writestr("xl/styles.xml", _STYLES)
        for i, name in enumerate(sheets, 1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w") as part:
                buffer: list[str] = []
                for chunk in _sheet_xml(spec.lists[name], _checked_rows(data, spec, name)):
                    buffer.append(chunk)
                    if len(buffer) >= 2000:
                        part.write("".join(buffer).encode("utf-8"))
                        buffer.clear()
                part.write("".join(buffer).encode("utf-8"))


def write_annex_a(
    target: str | Path | BinaryIO, *, as_of: date, children: QuerySet[Child] | None = None
) -> dict[str, int]:
    """Write the workbook to a path or binary file; return the number of rows in each list."""
    spec = load_spec()
    data = collect(as_of=as_of, children=children, spec=spec)
    stream_xlsx(data, spec=spec, target=target)
    return {name: len(rows) for name, rows in data.rows.items()}
