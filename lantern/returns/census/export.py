"""The DfE children in need census return, straight from the record.

    data = build_census(year=2026, la_code="888", children=children_for_return(user, "cin_census"))

The collection year ending 31 March of `year` runs from 1 April of the year before. Every child
with a CIN episode open at any point in that year is in the return, with one CINdetails block per
such episode, in the 2024-25 / 2025-26 layout (`Sex`, not `GenderCurrent`) and the schema's element
order. Nothing dated after 31 March is included: a closure, an authorisation, an ICPC or a plan end
after the reference date is left out, so the return shows the record as it stood on 31 March.

What goes in each block (the DfE census rules, as the community validator checks them):

- Assessments: those authorised in the year, and those not authorised by 31 March that started in
  the year. Factors only for an authorised assessment.
- CINPlanDates: each child's CIN plan section open at any point in the year.
- Section47: enquiries whose ICPC was in the year, and enquiries without an ICPC by 31 March
  that started in the year.
- ChildProtectionPlans: plans open at any point in the year, with the review conferences held in
  the year; NumberOfPreviousCPP counts the child's earlier plans (carrying forward the number an
  imported census gave, see `ImportedPreviousPlans`).
- A referral with no further action carries none of these.

It is set-based: ten queries for the whole authority, whatever its size (each table read once
with `values_list`, grouped by child and episode in Python; on PostgreSQL in one read-only
snapshot), and the XML is streamed with lxml one child at a time.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import BinaryIO

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from lxml import etree

from lantern.casework.models import (
    Assessment,
    AssessmentFactorRecord,
    ChildProtectionPlan,
    CINEpisode,
    CINPlanChild,
    CPPlanReview,
    Section47,
)
from lantern.people.models import Child, ChildDisability
from lantern.returns.models import ImportedPreviousPlans

SOFTWARE_CODE = "Lantern"
RELEASE = "2025-26.1"
CONTENT_TYPE = "application/xml"

#: progress(done, total): children written so far, out of the children in the return.
Progress = Callable[[int, int], None]


def census_period(year: int) -> tuple[date, date]:
    """The collection year ending 31 March `year`: (1 April of the year before, 31 March)."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def census_filename(year: int, la_code: str) -> str:
    return f"CIN_Census_{year}_{la_code}.xml"


def _d(value: date) -> str:
    return value.isoformat()


def _b(value: bool) -> str:
    return "true" if value else "false"


def _grouped(rows: Iterable[tuple], key: int = 0) -> dict[int, list[tuple]]:
    """Rows already ordered by the key column, as {key: [rows]}."""
    return {k: list(group) for k, group in groupby(rows, itemgetter(key))}


def _codes(rows: Iterable[tuple]) -> dict[int, list[str]]:
    """(key, code) rows ordered by key, as {key: [codes]}."""
    return {k: [code for _, code in group] for k, group in groupby(rows, itemgetter(0))}


class _Data:
    """Every row the return needs, read once per table and grouped by child and episode."""

    def __init__(self, *, year: int, children: QuerySet[Child] | None) -> None:
        start, end = census_period(year)
        self.start, self.end = start, end
        if children is None:
            children = Child.objects.all()
        episodes = CINEpisode.objects.filter(child__in=children.values("pk"), referral_date__lte=end).filter(
            Q(closure_date__isnull=True) | Q(closure_date__gte=start)
        )
        child_ids = episodes.values("child_id")

        # Sorted here rather than by the database, so the order is the same on every database.
        self.children = sorted(
            Child.objects.filter(pk__in=child_ids).values_list(
                "pk",
                "la_child_id",
                "upn",
                "former_upn",
                "upn_unknown",
                "person__date_of_birth",
                "person__expected_date_of_birth",
                "person__sex",
                "person__ethnicity",
                "person__date_of_death",
            ),
            key=itemgetter(1),
        )
        self.episodes = _grouped(
            episodes.order_by("child_id", "referral_date", "pk").values_list(
                "pk",
                "child_id",
                "referral_date",
                "referral_source",
                "primary_need",
                "referral_nfa",
                "closure_date",
                "closure_reason",
            ),
            key=1,
        )
        self.disabilities = _codes(
            ChildDisability.objects.filter(child_id__in=child_ids)
            .order_by("child_id", "code")
            .values_list("child_id", "code")
        )

        in_year = Q(start_date__gte=start, start_date__lte=end)
        assessments = Assessment.objects.filter(episode__in=episodes).filter(
            Q(authorised_date__gte=start, authorised_date__lte=end)
            | (in_year & (Q(authorised_date__isnull=True) | Q(authorised_date__gt=end)))
        )
        self.assessments = _grouped(
            assessments.order_by("episode_id", "start_date", "pk").values_list(
                "pk", "episode_id", "start_date", "authorised_date"
            ),
            key=1,
        )
        self.factors = _codes(
            AssessmentFactorRecord.objects.filter(
                assessment__in=assessments.filter(authorised_date__lte=end).values("pk")
            )
            .order_by("assessment_id", "code")
            .values_list("assessment_id", "code")
        )
        self.plans = _grouped(
            CINPlanChild.objects.filter(episode__in=episodes, start_date__isnull=False, start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .order_by("episode_id", "start_date", "pk")
            .values_list("episode_id", "start_date", "end_date")
        )
        self.section47s = _grouped(
            Section47.objects.filter(episode__in=episodes)
            .filter(
                Q(icpc_date__gte=start, icpc_date__lte=end)
                | (in_year & (Q(icpc_date__isnull=True) | Q(icpc_date__gt=end)))
            )
            .order_by("episode_id", "start_date", "pk")
            .values_list("episode_id", "start_date", "icpc_target_date", "icpc_date", "icpc_not_required")
        )

        # Every plan of these children up to 31 March (earlier ones count towards NumberOfPreviousCPP).
        plans = ChildProtectionPlan.objects.filter(child_id__in=child_ids, start_date__lte=end)
        imported = dict(ImportedPreviousPlans.objects.filter(plan__in=plans).values_list("plan_id", "number"))
        self.cp_plans: dict[int, list[tuple]] = defaultdict(list)
        running: dict[int, int] = {}
        for pk, child_id, episode_id, start_date, end_date, initial, latest in plans.order_by(
            "child_id", "start_date", "pk"
        ).values_list("pk", "child_id", "episode_id", "start_date", "end_date", "initial_category", "latest_category"):
            previous = max(running.get(child_id, 0), imported.get(pk, 0))
            running[child_id] = previous + 1
            if end_date is None or end_date >= start:
                self.cp_plans[episode_id].append((pk, start_date, end_date, initial, latest, previous))
        # Review conferences in the year, each date once.
        self.reviews = {
            plan_id: sorted({day for _, day in group})
            for plan_id, group in groupby(
                CPPlanReview.objects.filter(plan__in=plans, date__gte=start, date__lte=end)
                .order_by("plan_id")
                .values_list("plan_id", "date"),
                itemgetter(0),
            )
        }


@contextmanager
def _snapshot() -> Iterator[None]:
    """On PostgreSQL, read every table from one snapshot, so rows saved while the return is being
    read cannot make it inconsistent. (SQLite reads need no lock; a transaction there would block
    writers.)"""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _leaf(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def _header(*, year: int, la_code: str, serial_no: int, now: datetime) -> etree._Element:
    _, end = census_period(year)
    header = etree.Element("Header")
    details = etree.SubElement(header, "CollectionDetails")
    _leaf(details, "Collection", "CIN")
    _leaf(details, "Year", str(year))
    _leaf(details, "ReferenceDate", _d(end))
    source = etree.SubElement(header, "Source")
    _leaf(source, "SourceLevel", "L")
    _leaf(source, "LEA", la_code)
    _leaf(source, "SoftwareCode", SOFTWARE_CODE)
    _leaf(source, "Release", RELEASE)
    _leaf(source, "SerialNo", f"{serial_no:03d}")
    _leaf(source, "DateTime", timezone.localtime(now).replace(tzinfo=None, microsecond=0).isoformat())
    return header


def _child(data: _Data, row: tuple) -> etree._Element:
    pk, la_child_id, upn, former_upn, upn_unknown, dob, edd, sex, ethnicity, dod = row
    end = data.end
    child = etree.Element("Child")
    ids = etree.SubElement(child, "ChildIdentifiers")
    _leaf(ids, "LAchildID", la_child_id)
    if upn:
        _leaf(ids, "UPN", upn)
    if former_upn:
        _leaf(ids, "FormerUPN", former_upn)
    if not upn and upn_unknown:
        _leaf(ids, "UPNunknown", upn_unknown)
    if dob is not None:
        _leaf(ids, "PersonBirthDate", _d(dob))
    elif edd is not None:
        _leaf(ids, "ExpectedPersonBirthDate", _d(edd))
    _leaf(ids, "Sex", sex)
    if dod is not None and dod <= end:
        _leaf(ids, "PersonDeathDate", _d(dod))
    characteristics = etree.SubElement(child, "ChildCharacteristics")
    _leaf(characteristics, "Ethnicity", ethnicity)
    disabilities = etree.SubElement(characteristics, "Disabilities")
    for code in data.disabilities.get(pk) or ["NONE"]:
        _leaf(disabilities, "Disability", code)
    for episode in data.episodes[pk]:
        _episode(data, child, episode)
    return child


def _episode(data: _Data, child: etree._Element, row: tuple) -> None:
    pk, _child_id, referral_date, source, need, nfa, closure_date, closure_reason = row
    end = data.end
    details = etree.SubElement(child, "CINdetails")
    _leaf(details, "CINreferralDate", _d(referral_date))
    _leaf(details, "ReferralSource", source)
    if need:
        _leaf(details, "PrimaryNeedCode", need)
    if closure_date is not None and closure_date <= end:
        _leaf(details, "CINclosureDate", _d(closure_date))
        _leaf(details, "ReasonForClosure", closure_reason)
    # DateOfInitialCPC at this level is only for an ICPC not linked to a section 47 enquiry in the
    # episode; Lantern records every ICPC on its enquiry, so it is never written here.
    if not nfa:
        for assessment_id, _episode_id, start_date, authorised in data.assessments.get(pk, ()):
            block = etree.SubElement(details, "Assessments")
            _leaf(block, "AssessmentActualStartDate", _d(start_date))
            if authorised is not None and authorised <= end:
                _leaf(block, "AssessmentAuthorisationDate", _d(authorised))
                codes = data.factors.get(assessment_id)
                if codes:
                    factors = etree.SubElement(block, "FactorsIdentifiedAtAssessment")
                    for code in codes:
                        _leaf(factors, "AssessmentFactors", code)
        for _episode_id, start_date, end_date in data.plans.get(pk, ()):
            block = etree.SubElement(details, "CINPlanDates")
            _leaf(block, "CINPlanStartDate", _d(start_date))
            if end_date is not None and end_date <= end:
                _leaf(block, "CINPlanEndDate", _d(end_date))
        for _episode_id, start_date, target, icpc_date, not_required in data.section47s.get(pk, ()):
            block = etree.SubElement(details, "Section47")
            _leaf(block, "S47ActualStartDate", _d(start_date))
            _leaf(block, "InitialCPCtarget", _d(target))
            if icpc_date is not None and icpc_date <= end:
                _leaf(block, "DateOfInitialCPC", _d(icpc_date))
            _leaf(block, "ICPCnotRequired", _b(not_required))
    _leaf(details, "ReferralNFA", _b(nfa))
    if not nfa:
        for plan_id, start_date, end_date, initial, latest, previous in data.cp_plans.get(pk, ()):
            block = etree.SubElement(details, "ChildProtectionPlans")
            _leaf(block, "CPPstartDate", _d(start_date))
            if end_date is not None and end_date <= end:
                _leaf(block, "CPPendDate", _d(end_date))
            _leaf(block, "InitialCategoryOfAbuse", initial)
            _leaf(block, "LatestCategoryOfAbuse", latest)
            _leaf(block, "NumberOfPreviousCPP", str(previous))
            days = data.reviews.get(plan_id)
            if days:
                reviews = etree.SubElement(block, "Reviews")
                for day in days:
                    _leaf(reviews, "CPPreviewDate", _d(day))


def write_census(
    out: BinaryIO,
    *,
    year: int,
    la_code: str,
    children: QuerySet[Child] | None = None,
    progress: Progress | None = None,
    serial_no: int = 1,
    now: datetime | None = None,
) -> int:
    """Write the return for the year ending 31 March `year` to `out`; return the number of children.

    `children` is the queryset from the access door (`children_for_return`); None means every child.
    """
    with _snapshot():
        data = _Data(year=year, children=children)
    total = len(data.children)
    step = max(total // 100, 1)
    if progress is not None:
        progress(0, total)
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    with etree.xmlfile(out, encoding="utf-8") as xf, xf.element("Message"):
        header = _header(year=year, la_code=la_code, serial_no=serial_no, now=now or timezone.now())
        etree.indent(header, space="  ", level=1)
        xf.write("\n  ", header, "\n  ")
        with xf.element("Children"):
            for n, row in enumerate(data.children, start=1):
                element = _child(data, row)
                etree.indent(element, space="  ", level=2)
                xf.write("\n    ", element)
                if progress is not None and n % step == 0:
                    progress(n, total)
            xf.write("\n  ")
        xf.write("\n")
    out.write(b"\n")
    if progress is not None:
        progress(total, total)
    return total


def build_census(
    *,
    year: int,
    la_code: str,
    children: QuerySet[Child] | None = None,
    progress: Progress | None = None,
    serial_no: int = 1,
    now: datetime | None = None,
) -> bytes:
    """The return as bytes (UTF-8 XML); see `write_census`."""
    buffer = io.BytesIO()
    write_census(buffer, year=year, la_code=la_code, children=children, progress=progress, serial_no=serial_no,
                 now=now)  # fmt: skip
    return buffer.getvalue()
