"""Load a council's children in need census returns, so it can start with its history.

    result = import_census(path_or_file, filename="CIN_Census_2025.xml")

What is loaded: children (a person and a child record with their identifiers, ethnicity, sex and
disabilities), CIN episodes, assessments with their factors, CIN plan dates (each as an approved
one-child CIN plan with the child's section), section 47 enquiries (each with a strategy
discussion on its start date) and child protection plans with their review conferences.

Rules:

- All or nothing: the file is read and checked first; any problem refuses the whole file with
  line-numbered messages ("line 123: <Sex> 'X' is not a valid code (M, F, U)") and nothing is
  saved. The writes then happen in one transaction.
- Importing the same file twice changes nothing. Children are matched by LAchildID, episodes by
  child and referral date, assessments and section 47 enquiries by episode and start date, CIN and
  child protection plans by child and start date, reviews by plan and date, factors by code.
- What Lantern already holds is never overwritten. A later return may only fill in what was
  still open: an episode's closure, an assessment's authorisation, an enquiry's conference
  outcome, a plan's end (and a CP plan's latest category with it). A child's identity and
  characteristics are never changed by an import.
- The census carries no names: an imported child is "Name not recorded (LAchildID)" until a
  worker adds the name. Imported children have no allocation.
- Plans and strategy discussions need an author: the inactive system worker `system.census-import`
  (created on first use; it cannot sign in).
- Elements in another order than the schema's are accepted. Elements Lantern does not keep
  (AssessmentInternalReviewDate, a DateOfInitialCPC not linked to an enquiry, the 2026-27
  PreProceedingsandFGDM block, anything unknown) are reported as warnings and not loaded.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from lxml import etree

from lantern.casework.models import (
    Assessment,
    AssessmentFactorRecord,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    CINPlanChild,
    CPPlanReview,
    Section47,
    StrategyDiscussion,
    WorkStatus,
)
from lantern.core import codes
from lantern.core.calendar import add_working_days
from lantern.core.identifiers import validate_la_child_id, validate_upn
from lantern.core.local_settings import get_setting
from lantern.people.models import Child, ChildDisability, Person
from lantern.returns.models import ImportedPreviousPlans, ReturnJob, ReturnJobKind, ReturnJobStatus
from lantern.workforce.models import Role, Worker

SYSTEM_USERNAME = "system.census-import"
NOT_RECORDED = "Not recorded: loaded from the council's children in need census return."
CHUNK = 2000

#: progress(stage, done, total): stage is "reading" (children checked) or "writing" (children merged).
Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class CensusImportError(Exception):
    """The file was refused; `problems` says where and why. Nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"The census file was refused ({len(problems)} problem{'s' if len(problems) != 1 else ''})")


@dataclass
class ImportResult:
    job: ReturnJob
    children: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


# ---------------------------------------------------------------------------------------------
# The file as read
# ---------------------------------------------------------------------------------------------


@dataclass
class FAssessment:
    line: int
    start: date
    authorised: date | None
    factors: list[str]


@dataclass
class FPlan:
    line: int
    start: date
    end: date | None


@dataclass
class FSection47:
    line: int
    start: date
    target: date | None
    icpc: date | None
    not_required: bool


@dataclass
class FCPPlan:
    line: int
    start: date
    end: date | None
    initial: str
    latest: str
    previous: int | None
    reviews: list[date]


@dataclass
class FEpisode:
    line: int
    referral: date
    source: str
    need: str
    closure: date | None
    reason: str
    nfa: bool
    assessments: list[FAssessment] = field(default_factory=list)
    plans: list[FPlan] = field(default_factory=list)
    section47s: list[FSection47] = field(default_factory=list)
    cp_plans: list[FCPPlan] = field(default_factory=list)


@dataclass
class FChild:
    line: int
    la_child_id: str
    upn: str
    former_upn: str
    upn_unknown: str
    dob: date | None
    edd: date | None
    sex: str
    dod: date | None
    ethnicity: str
    disabilities: list[str]
    episodes: list[FEpisode] = field(default_factory=list)


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KNOWN = {
    "Message": {"Header", "Children"},
    "Header": {"CollectionDetails", "Source"},
    "Child": {"ChildIdentifiers", "ChildCharacteristics", "CINdetails"},
    "ChildIdentifiers": {"LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate",
                         "Sex", "PersonDeathDate"},
    "ChildCharacteristics": {"Ethnicity", "Disabilities"},
    "Disabilities": {"Disability"},
    "CINdetails": {"CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure",
                   "DateOfInitialCPC", "Assessments", "CINPlanDates", "Section47", "ReferralNFA",
                   "ChildProtectionPlans"},
    "Assessments": {"AssessmentActualStartDate", "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment"},
    "FactorsIdentifiedAtAssessment": {"AssessmentFactors"},
    "CINPlanDates": {"CINPlanStartDate", "CINPlanEndDate"},
    "Section47": {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"},
    "ChildProtectionPlans": {"CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
                             "NumberOfPreviousCPP", "Reviews"},
    "Reviews": {"CPPreviewDate"},
}  # fmt: skip
#: Elements of the layout that Lantern does not keep (a warning, not an error).
_NOT_KEPT = {
    "AssessmentInternalReviewDate": "Lantern does not keep an assessment's internal review date",
    "PreProceedingsandFGDM": "Lantern does not yet keep pre-proceedings (the 2026-27 block)",
    "GenderCurrent": "the pre-2024 <GenderCurrent> is replaced by <Sex>",
}


def _name(element) -> str:
    return etree.QName(element).localname


def _codes_text(choices) -> str:
    return ", ".join(choices.values)


class _Reader:
    """Reads the file into F* records, collecting every problem with its line number."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: dict[str, list[int]] = {}

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(line, message))

    def warn(self, line: int | None, message: str) -> None:
        entry = self.warnings.setdefault(message, [line or 0, 0])
        entry[1] += 1

    def warning_list(self) -> list[str]:
        out = []
        for message, (line, count) in self.warnings.items():
            where = f"line {line}" if count == 1 else f"first at line {line}, {count} in all"
            out.append(f"{message} ({where})")
        return out

    # -- elements --

    def fields(self, element) -> dict[str, list]:
        """The element's child elements by name; unknown ones are warned about and dropped."""
        parent = _name(element)
        known = _KNOWN[parent]
        groups: dict[str, list] = defaultdict(list)
        for sub in element.iterchildren(etree.Element):
            tag = _name(sub)
            if tag in known:
                groups[tag].append(sub)
            elif tag in _NOT_KEPT:
                self.warn(sub.sourceline, f"<{tag}> was not loaded: {_NOT_KEPT[tag]}")
            else:
                self.warn(sub.sourceline, f"<{tag}> in <{parent}> is not part of the census layout and was ignored")
        return groups

    def one(self, groups: dict[str, list], parent, tag: str, *, required: bool = False):
        found = groups.get(tag, [])
        if not found:
            if required:
                self.error(parent.sourceline, f"<{_name(parent)}> has no <{tag}>")
            return None
        for extra in found[1:]:
            self.error(extra.sourceline, f"<{tag}> appears more than once in <{_name(parent)}>")
        return found[0]

    def text(self, element, *, required: bool = True) -> str:
        if element is None:
            return ""
        value = (element.text or "").strip()
        if not value and required:
            self.error(element.sourceline, f"<{_name(element)}> is empty")
        return value

    def date(self, element, *, required: bool = True) -> date | None:
        value = self.text(element, required=required)
        if not value:
            return None
        if _DATE_RE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.error(element.sourceline, f"<{_name(element)}> '{value}' is not a date in the form YYYY-MM-DD")
        return None

    def code(self, element, choices, *, required: bool = True) -> str:
        value = self.text(element, required=required)
        if value and value not in choices.values:
            self.error(element.sourceline, f"<{_name(element)}> '{value}' is not a valid code ({_codes_text(choices)})")
            return ""
        return value

    def boolean(self, element) -> bool | None:
        value = self.text(element)
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        if value:
            self.error(element.sourceline, f"<{_name(element)}> '{value}' is not true or false")
        return None

    def number(self, element) -> int | None:
        value = self.text(element)
        if not value:
            return None
        if not value.isdigit() or int(value) > 999:
            self.error(element.sourceline, f"<{_name(element)}> '{value}' is not a whole number from 0 to 999")
            return None
        return int(value)

    def upn(self, element) -> str:
        value = self.text(element)
        if not value:
            return ""
        try:
            validate_upn(value)
        except Exception as e:  # django ValidationError: its message is for people
            message = getattr(e, "messages", [str(e)])[0]
            self.error(element.sourceline, f"<{_name(element)}> '{value}' is not a valid UPN: {message}")
            return ""
        return value

    def not_before(self, later: date | None, earlier: date | None, element, what: str) -> None:
        if later is not None and earlier is not None and later < earlier:
            self.error(element.sourceline, f"<{_name(element)}> {later.isoformat()} is before {what}")

    # -- the file --

    def message(self, root) -> tuple[dict, list[FChild]]:
        if _name(root) != "Message":
            self.error(root.sourceline, f"the file's root element is <{_name(root)}>, not <Message>")
            return {}, []
        groups = self.fields(root)
        header = self.header(self.one(groups, root, "Header", required=True))
        children_el = self.one(groups, root, "Children", required=True)
        children: list[FChild] = []
        if children_el is not None:
            for sub in children_el.iterchildren(etree.Element):
                if _name(sub) != "Child":
                    self.warn(sub.sourceline, f"<{_name(sub)}> in <Children> is not part of the census layout "
                                              "and was ignored")  # fmt: skip
                    continue
                child = self.child(sub)
                if child is not None:
                    children.append(child)
        self.check_children(children)
        return header, children

    def header(self, element) -> dict:
        if element is None:
            return {}
        groups = self.fields(element)
        details = self.one(groups, element, "CollectionDetails", required=True)
        header: dict = {}
        if details is not None:
            parts = {_name(e): e for e in details.iterchildren(etree.Element)}
            collection = self.text(parts.get("Collection"), required=False)
            if "Collection" not in parts:
                self.error(details.sourceline, "<CollectionDetails> has no <Collection>")
            elif collection != "CIN":
                self.error(parts["Collection"].sourceline, f"<Collection> '{collection}' is not CIN")
            header["year"] = self.text(parts.get("Year"), required=False)
            reference = parts.get("ReferenceDate")
            header["reference_date"] = self.date(reference, required=False) if reference is not None else None
        source = self.one(groups, element, "Source")
        if source is not None:
            parts = {_name(e): e for e in source.iterchildren(etree.Element)}
            header["lea"] = self.text(parts.get("LEA"), required=False)
        return header

    def child(self, element) -> FChild | None:
        groups = self.fields(element)
        ids = self.one(groups, element, "ChildIdentifiers", required=True)
        characteristics = self.one(groups, element, "ChildCharacteristics", required=True)
        if ids is None or characteristics is None:
            return None
        g = self.fields(ids)
        la_el = self.one(g, ids, "LAchildID", required=True)
        la_child_id = self.text(la_el)
        if la_child_id:
            try:
                validate_la_child_id(la_child_id)
            except Exception as e:
                message = getattr(e, "messages", [str(e)])[0]
                self.error(la_el.sourceline, f"<LAchildID> '{la_child_id}' is not valid: {message}")
        upn = self.upn(self.one(g, ids, "UPN"))
        former = self.upn(self.one(g, ids, "FormerUPN"))
        unknown_el = self.one(g, ids, "UPNunknown")
        upn_unknown = self.code(unknown_el, codes.UPNUnknown) if unknown_el is not None else ""
        dob_el, edd_el = self.one(g, ids, "PersonBirthDate"), self.one(g, ids, "ExpectedPersonBirthDate")
        dob = self.date(dob_el) if dob_el is not None else None
        edd = self.date(edd_el) if edd_el is not None else None
        if dob_el is None and edd_el is None:
            self.error(ids.sourceline, "<ChildIdentifiers> needs a <PersonBirthDate> or an <ExpectedPersonBirthDate>")
        elif dob_el is not None and edd_el is not None:
            self.error(edd_el.sourceline, "a child has a <PersonBirthDate> or an <ExpectedPersonBirthDate>, not both")
        if "Sex" not in g and any(_name(e) == "GenderCurrent" for e in ids.iterchildren(etree.Element)):
            self.error(ids.sourceline, "<ChildIdentifiers> has no <Sex>: this file has the pre-2024 <GenderCurrent>; "
                                       "returns from 2024-25 on use <Sex> (M, F, U)")  # fmt: skip
            sex = ""
        else:
            sex = self.code(self.one(g, ids, "Sex", required=True), codes.Sex)
        dod_el = self.one(g, ids, "PersonDeathDate")
        dod = self.date(dod_el) if dod_el is not None else None
        if dod_el is not None:
            self.not_before(dod, dob, dod_el, "the date of birth")

        g = self.fields(characteristics)
        ethnicity = self.code(self.one(g, characteristics, "Ethnicity", required=True), codes.Ethnicity)
        disabilities: list[str] = []
        block = self.one(g, characteristics, "Disabilities", required=True)
        if block is not None:
            items = self.fields(block).get("Disability", [])
            if not items:
                self.error(block.sourceline, "<Disabilities> has no <Disability> (use NONE for none)")
            for item in items:
                code = self.code(item, codes.Disability)
                if code in disabilities:
                    self.error(item.sourceline, f"<Disability> '{code}' appears more than once")
                elif code:
                    disabilities.append(code)
            if "NONE" in disabilities and len(disabilities) > 1:
                self.error(block.sourceline, "<Disability> NONE cannot be combined with other disabilities")
        child = FChild(element.sourceline, la_child_id, upn, former, upn_unknown, dob, edd, sex, dod, ethnicity,
                       disabilities)  # fmt: skip
        for sub in groups.get("CINdetails", []):
            episode = self.episode(sub)
            if episode is not None:
                child.episodes.append(episode)
        return child

    def episode(self, element) -> FEpisode | None:
        g = self.fields(element)
        referral = self.date(self.one(g, element, "CINreferralDate", required=True))
        source = self.code(self.one(g, element, "ReferralSource", required=True), codes.ReferralSource)
        need_el = self.one(g, element, "PrimaryNeedCode")
        need = self.code(need_el, codes.PrimaryNeed, required=False) if need_el is not None else ""
        closure_el, reason_el = self.one(g, element, "CINclosureDate"), self.one(g, element, "ReasonForClosure")
        closure = self.date(closure_el) if closure_el is not None else None
        reason = self.code(reason_el, codes.ReasonForClosure) if reason_el is not None else ""
        if closure_el is not None and reason_el is None:
            self.error(closure_el.sourceline, "<CINclosureDate> needs a <ReasonForClosure>")
        if reason_el is not None and closure_el is None:
            self.error(reason_el.sourceline, "<ReasonForClosure> needs a <CINclosureDate>")
        if closure_el is not None:
            self.not_before(closure, referral, closure_el, "the referral date")
        nfa_el = self.one(g, element, "ReferralNFA", required=True)
        nfa = self.boolean(nfa_el) if nfa_el is not None else None
        if nfa is False and not need:
            self.error(element.sourceline, "<CINdetails> has no <PrimaryNeedCode> (needed unless ReferralNFA is true)")
        icpc_el = self.one(g, element, "DateOfInitialCPC")
        icpc = self.date(icpc_el) if icpc_el is not None else None
        # Read the blocks even when the episode's own values are wrong, so every problem is reported.
        episode = FEpisode(element.sourceline, referral, source, need, closure, reason, bool(nfa))
        for sub in g.get("Assessments", []):
            if (item := self.assessment(sub)) is not None:
                episode.assessments.append(item)
        for sub in g.get("CINPlanDates", []):
            if (item := self.plan(sub)) is not None:
                episode.plans.append(item)
        for sub in g.get("Section47", []):
            if (item := self.section47(sub)) is not None:
                episode.section47s.append(item)
        for sub in g.get("ChildProtectionPlans", []):
            if (item := self.cp_plan(sub)) is not None:
                episode.cp_plans.append(item)
        if nfa and (episode.assessments or episode.plans or episode.section47s or episode.cp_plans or icpc):
            self.error(element.sourceline, "a referral with no further action (<ReferralNFA> true) cannot have "
                                           "assessments, plans, section 47 enquiries or a conference")  # fmt: skip
        if icpc is not None and icpc not in {s.icpc for s in episode.section47s}:
            self.warn(icpc_el.sourceline, "<DateOfInitialCPC> on an episode, not linked to a section 47 enquiry, "
                                          "was not loaded: Lantern records each conference on its enquiry")  # fmt: skip
        self.unique(episode.assessments, lambda a: a.start, "<AssessmentActualStartDate>", "assessments")
        self.unique(episode.section47s, lambda s: s.start, "<S47ActualStartDate>", "section 47 enquiries")
        if referral is None or nfa is None or not source:
            return None
        return episode

    def unique(self, items: list, key: Callable, tag: str, what: str, whose: str = "the episode") -> None:
        seen = set()
        for item in items:
            k = key(item)
            if k in seen:
                self.error(item.line, f"two {what} of {whose} have the same {tag} {k.isoformat()}: "
                                      "Lantern matches them by that date")  # fmt: skip
            seen.add(k)

    def assessment(self, element) -> FAssessment | None:
        g = self.fields(element)
        start = self.date(self.one(g, element, "AssessmentActualStartDate", required=True))
        auth_el = self.one(g, element, "AssessmentAuthorisationDate")
        authorised = self.date(auth_el) if auth_el is not None else None
        if auth_el is not None:
            self.not_before(authorised, start, auth_el, "the assessment's start")
        factors: list[str] = []
        block = self.one(g, element, "FactorsIdentifiedAtAssessment")
        if block is not None:
            for item in self.fields(block).get("AssessmentFactors", []):
                code = self.code(item, codes.AssessmentFactor)
                if code in factors:
                    self.error(item.sourceline, f"<AssessmentFactors> '{code}' appears more than once")
                elif code:
                    factors.append(code)
        if start is None:
            return None
        return FAssessment(element.sourceline, start, authorised, factors)

    def plan(self, element) -> FPlan | None:
        g = self.fields(element)
        start = self.date(self.one(g, element, "CINPlanStartDate", required=True))
        end_el = self.one(g, element, "CINPlanEndDate")
        end = self.date(end_el) if end_el is not None else None
        if end_el is not None:
            self.not_before(end, start, end_el, "the plan's start")
        return FPlan(element.sourceline, start, end) if start is not None else None

    def section47(self, element) -> FSection47 | None:
        g = self.fields(element)
        start = self.date(self.one(g, element, "S47ActualStartDate", required=True))
        target_el = self.one(g, element, "InitialCPCtarget")
        target = self.date(target_el) if target_el is not None else None
        icpc_el = self.one(g, element, "DateOfInitialCPC")
        icpc = self.date(icpc_el) if icpc_el is not None else None
        not_el = self.one(g, element, "ICPCnotRequired")
        not_required = bool(self.boolean(not_el)) if not_el is not None else False
        if icpc_el is not None:
            self.not_before(icpc, start, icpc_el, "the enquiry's start")
            if not_required:
                self.error(not_el.sourceline, "<ICPCnotRequired> is true but the enquiry has a <DateOfInitialCPC>")
        if start is None:
            return None
        return FSection47(element.sourceline, start, target, icpc, not_required)

    def cp_plan(self, element) -> FCPPlan | None:
        g = self.fields(element)
        start = self.date(self.one(g, element, "CPPstartDate", required=True))
        end_el = self.one(g, element, "CPPendDate")
        end = self.date(end_el) if end_el is not None else None
        if end_el is not None:
            self.not_before(end, start, end_el, "the plan's start")
        initial = self.code(self.one(g, element, "InitialCategoryOfAbuse", required=True), codes.CategoryOfAbuse)
        latest = self.code(self.one(g, element, "LatestCategoryOfAbuse", required=True), codes.CategoryOfAbuse)
        previous_el = self.one(g, element, "NumberOfPreviousCPP")
        previous = self.number(previous_el) if previous_el is not None else None
        reviews: list[date] = []
        block = self.one(g, element, "Reviews")
        if block is not None:
            for item in self.fields(block).get("CPPreviewDate", []):
                day = self.date(item)
                self.not_before(day, start, item, "the plan's start")
                if day is not None and day not in reviews:
                    reviews.append(day)
        if start is None or not initial or not latest:
            return None
        return FCPPlan(element.sourceline, start, end, initial, latest, previous, sorted(reviews))

    def check_children(self, children: list[FChild]) -> None:
        """What the database holds as one-at-a-time rules, and the matching keys, across the file."""
        seen: dict[str, int] = {}
        for child in children:
            if child.la_child_id in seen:
                self.error(child.line, f"<LAchildID> '{child.la_child_id}' is used by another child "
                                       f"(line {seen[child.la_child_id]})")  # fmt: skip
            seen.setdefault(child.la_child_id, child.line)
            referrals: set[date] = set()
            for episode in child.episodes:
                if episode.referral in referrals:
                    self.error(episode.line, f"two episodes of LAchildID '{child.la_child_id}' have the referral "
                                             f"date {episode.referral.isoformat()}")  # fmt: skip
                referrals.add(episode.referral)
            _one_open(self, [e for e in child.episodes if e.closure is None], "CIN episode", child)
            plans = [p for e in child.episodes for p in e.plans]
            _one_open(self, [p for p in plans if p.end is None], "CIN plan", child)
            whose = f"LAchildID '{child.la_child_id}'"
            self.unique(plans, lambda p: p.start, "<CINPlanStartDate>", "CIN plans", whose)
            cp_plans = [p for e in child.episodes for p in e.cp_plans]
            _one_open(self, [p for p in cp_plans if p.end is None], "child protection plan", child)
            self.unique(cp_plans, lambda p: p.start, "<CPPstartDate>", "child protection plans", whose)


def _one_open(reader: _Reader, open_items: list, what: str, child: FChild) -> None:
    for item in open_items[1:]:
        reader.error(item.line, f"LAchildID '{child.la_child_id}' has more than one open {what} "
                                f"(another starts at line {open_items[0].line})")  # fmt: skip


def read_census(source: str | Path | IO[bytes], *, progress: Progress | None = None) -> tuple[dict, list[FChild],
                                                                                               list[str]]:  # fmt: skip
    """Parse and check a census file: (header, children, warnings), or CensusImportError."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True)  # fmt: skip
    try:
        tree = etree.parse(source, parser)
    except etree.XMLSyntaxError as e:
        raise CensusImportError([Problem(e.lineno, f"the file is not well-formed XML: {e.msg}")]) from None
    except OSError as e:
        raise CensusImportError([Problem(None, f"the file could not be read: {e}")]) from None
    reader = _Reader()
    header, children = reader.message(tree.getroot())
    if progress is not None:
        progress("reading", len(children), len(children))
    if reader.problems:
        raise CensusImportError(sorted(reader.problems, key=lambda p: p.line or 0))
    return header, children, reader.warning_list()


# ---------------------------------------------------------------------------------------------
# Merging into the record
# ---------------------------------------------------------------------------------------------


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _rows(queryset: QuerySet, lookup: str, values: list, *fields: str) -> list[tuple]:
    """values_list rows of `queryset` filtered by `lookup` in `values`, a chunk at a time."""
    rows: list[tuple] = []
    for chunk in _chunks(sorted(set(values))):
        rows.extend(queryset.filter(**{f"{lookup}__in": chunk}).values_list(*fields))
    return rows


def system_worker() -> Worker:
    """The inactive worker that authors imported plans and strategy discussions."""
    worker, _ = Worker.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "first_name": "Census",
            "last_name": "import",
            "role": Role.SENIOR_LEADER,
            "is_active": False,
            "job_title": "System: records loaded from census returns",
            "password": make_password(None),
        },
    )
    return worker


def _due_date(referral: date) -> date:
    try:
        return add_working_days(referral, get_setting("assessment_working_days"))
    except ValueError:  # outside the years the bank holiday calendar knows
        return referral + timedelta(weeks=9)


def _icpc_target(start: date) -> date:
    try:
        return add_working_days(start, get_setting("icpc_working_days"))
    except ValueError:
        return start + timedelta(weeks=3)


class _Merger:
    def __init__(self, children: list[FChild], job: ReturnJob, progress: Progress | None) -> None:
        self.file = children
        self.job = job
        self.progress = progress
        self.problems: list[Problem] = []
        self.new: dict[str, list[Model]] = defaultdict(list)
        self.changed: dict[str, list[Model]] = defaultdict(list)
        self.update_fields: dict[str, set[str]] = defaultdict(set)
        self._worker: Worker | None = None

    @property
    def worker(self) -> Worker:
        if self._worker is None:
            self._worker = system_worker()
        return self._worker

    def load(self) -> None:
        ids = [c.la_child_id for c in self.file]
        self.child_pk = dict(_rows(Child.objects.all(), "la_child_id", ids, "la_child_id", "pk"))
        pks = list(self.child_pk.values())
        self.episodes: dict[tuple[int, date], CINEpisode] = {}
        self.open_episodes: dict[int, set] = defaultdict(set)
        for chunk in _chunks(sorted(pks)):
            for episode in CINEpisode.objects.filter(child_id__in=chunk):
                self.episodes[(episode.child_id, episode.referral_date)] = episode
                if episode.closure_date is None:
                    self.open_episodes[episode.child_id].add(episode.pk)
        self.assessments = {(a.episode_id, a.start_date): a for a in self._objects(Assessment, "child_id", pks)}
        self.factors: dict[int, set[str]] = defaultdict(set)
        for assessment_id, code in _rows(AssessmentFactorRecord.objects.all(), "assessment__child_id", pks,
                                         "assessment_id", "code"):  # fmt: skip
            self.factors[assessment_id].add(code)
        self.sections = {(s.child_id, s.start_date): s for s in self._objects(CINPlanChild, "child_id", pks)}
        self.open_sections: dict[int, set] = defaultdict(set)
        for s in self.sections.values():
            if s.start_date is not None and s.end_date is None:
                self.open_sections[s.child_id].add(s.pk)
        self.section47s = {(s.episode_id, s.start_date): s for s in self._objects(Section47, "child_id", pks)}
        self.cp_plans = {(p.child_id, p.start_date): p for p in self._objects(ChildProtectionPlan, "child_id", pks)}
        self.open_cp: dict[int, set] = defaultdict(set)
        for p in self.cp_plans.values():
            if p.end_date is None:
                self.open_cp[p.child_id].add(p.pk)
        self.reviews: dict[int, set[date]] = defaultdict(set)
        for plan_id, day in _rows(CPPlanReview.objects.all(), "plan__child_id", pks, "plan_id", "date"):
            self.reviews[plan_id].add(day)

    @staticmethod
    def _objects(model: type[Model], lookup: str, pks: list[int]) -> list:
        out: list = []
        for chunk in _chunks(sorted(pks)):
            out.extend(model._default_manager.filter(**{f"{lookup}__in": chunk}))
        return out

    def add(self, label: str, obj: Model) -> Model:
        self.new[label].append(obj)
        return obj

    def change(self, label: str, obj: Model, *fields: str) -> None:
        if not any(o is obj for o in self.changed[label]):
            self.changed[label].append(obj)
        self.update_fields[label].update(fields)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def merge(self) -> None:
        total = len(self.file)
        step = max(total // 100, 1)
        for n, fc in enumerate(self.file, start=1):
            self.merge_child(fc)
            if self.progress is not None and (n % step == 0 or n == total):
                self.progress("writing", n, total)

    def merge_child(self, fc: FChild) -> None:
        pk = self.child_pk.get(fc.la_child_id)
        if pk is None:
            person = self.add("people", Person(
                first_name="Name not recorded", last_name=f"({fc.la_child_id})", date_of_birth=fc.dob,
                expected_date_of_birth=fc.edd, date_of_death=fc.dod, sex=fc.sex, ethnicity=fc.ethnicity,
            ))  # fmt: skip
            child = self.add("children", Child(person=person, la_child_id=fc.la_child_id, upn=fc.upn,
                                               former_upn=fc.former_upn, upn_unknown=fc.upn_unknown))  # fmt: skip
            for code in fc.disabilities:
                self.add("disabilities", ChildDisability(child=child, code=code))
        else:
            child = Child(person_id=pk)  # a stand-in with the key: existing children are never changed
        for fe in fc.episodes:
            self.merge_episode(fc, child, fe)
        # A child can have one open episode, one current CIN plan and one open CP plan at a time.
        child_pk = pk or 0
        for what, existing in (("CIN episode", self.open_episodes), ("CIN plan", self.open_sections),
                               ("child protection plan", self.open_cp)):  # fmt: skip
            if pk is not None and len(existing.get(child_pk, ())) > 1:
                self.error(fc.line, f"LAchildID '{fc.la_child_id}' would have more than one open {what}: Lantern "
                                    f"already holds an open {what} that this file does not close")  # fmt: skip

    def merge_episode(self, fc: FChild, child: Child, fe: FEpisode) -> None:
        episode = self.episodes.get((child.pk, fe.referral)) if child.pk else None
        if episode is None:
            episode = self.add("CIN episodes", CINEpisode(
                child=child, referral_date=fe.referral, referral_source=fe.source, primary_need=fe.need,
                referral_nfa=fe.nfa, closure_date=fe.closure, closure_reason=fe.reason if fe.closure else "",
            ))  # fmt: skip
            if fe.closure is None and child.pk:
                self.open_episodes[child.pk].add(("new", fe.line))
        elif episode.closure_date is None and fe.closure is not None:
            episode.closure_date, episode.closure_reason = fe.closure, fe.reason
            self.change("CIN episodes", episode, "closure_date", "closure_reason")
            self.open_episodes[child.pk].discard(episode.pk)
        for fa in fe.assessments:
            self.merge_assessment(child, episode, fa)
        for fp in fe.plans:
            self.merge_plan(child, episode, fp)
        for fs in fe.section47s:
            self.merge_section47(child, episode, fs)
        for fp in fe.cp_plans:
            self.merge_cp_plan(child, episode, fp)

    def merge_assessment(self, child: Child, episode: CINEpisode, fa: FAssessment) -> None:
        assessment = self.assessments.get((episode.pk, fa.start)) if episode.pk else None
        if assessment is None:
            assessment = self.add("assessments", Assessment(
                episode=episode, child=child, start_date=fa.start, due_date=_due_date(episode.referral_date),
                authorised_date=fa.authorised,
                status=WorkStatus.APPROVED if fa.authorised else WorkStatus.DRAFT,
            ))  # fmt: skip
            have: set[str] = set()
        else:
            if assessment.authorised_date is None and fa.authorised is not None:
                assessment.authorised_date, assessment.status = fa.authorised, WorkStatus.APPROVED
                self.change("assessments", assessment, "authorised_date", "status")
            have = self.factors.get(assessment.pk, set())
        for code in fa.factors:
            if code not in have:
                self.add("assessment factors", AssessmentFactorRecord(assessment=assessment, code=code))

    def merge_plan(self, child: Child, episode: CINEpisode, fp: FPlan) -> None:
        section = self.sections.get((child.pk, fp.start)) if child.pk else None
        if section is None:
            plan = self.add("CIN plans", CINPlan(
                title="CIN plan (from the census return)", status=WorkStatus.APPROVED, start_date=fp.start,
                end_date=fp.end, author=self.worker,
            ))  # fmt: skip
            section = self.add("CIN plan sections", CINPlanChild(
                plan=plan, child=child, episode=episode, start_date=fp.start, end_date=fp.end,
            ))  # fmt: skip
            if fp.end is None and child.pk:
                self.open_sections[child.pk].add(("new", fp.line))
        elif section.end_date is None and fp.end is not None and section.start_date is not None:
            section.end_date = fp.end
            self.change("CIN plan sections", section, "end_date")
            self.open_sections[child.pk].discard(section.pk)
            self.plans_to_close.add(section.plan_id)

    def merge_section47(self, child: Child, episode: CINEpisode, fs: FSection47) -> None:
        enquiry = self.section47s.get((episode.pk, fs.start)) if episode.pk else None
        if enquiry is None:
            discussion = self.add("strategy discussions", StrategyDiscussion(
                episode=episode, child=child, date=fs.start, attendees=NOT_RECORDED, concerns=NOT_RECORDED,
                decision_s47=True, rationale=NOT_RECORDED, recorded_by=self.worker,
            ))  # fmt: skip
            self.add("section 47 enquiries", Section47(
                episode=episode, child=child, strategy_discussion=discussion, start_date=fs.start,
                icpc_target_date=fs.target or _icpc_target(fs.start), icpc_date=fs.icpc,
                icpc_not_required=fs.not_required,
            ))  # fmt: skip
        elif enquiry.icpc_date is None and not enquiry.icpc_not_required and (fs.icpc or fs.not_required):
            enquiry.icpc_date, enquiry.icpc_not_required = fs.icpc, fs.not_required
            self.change("section 47 enquiries", enquiry, "icpc_date", "icpc_not_required")

    def merge_cp_plan(self, child: Child, episode: CINEpisode, fp: FCPPlan) -> None:
        plan = self.cp_plans.get((child.pk, fp.start)) if child.pk else None
        if plan is None:
            plan = self.add("child protection plans", ChildProtectionPlan(
                child=child, episode=episode, start_date=fp.start, end_date=fp.end, initial_category=fp.initial,
                latest_category=fp.latest,
            ))  # fmt: skip
            if fp.end is None and child.pk:
                self.open_cp[child.pk].add(("new", fp.line))
            if fp.previous:
                self.add("previous plan counts", ImportedPreviousPlans(plan=plan, number=fp.previous, job=self.job))
            have: set[date] = set()
        else:
            have = self.reviews.get(plan.pk, set())
            newer = fp.reviews and (not have or max(fp.reviews) > max(have))
            if plan.end_date is None and fp.end is not None:
                plan.end_date = fp.end
                self.change("child protection plans", plan, "end_date")
                self.open_cp[child.pk].discard(plan.pk)
                newer = True
            if newer and plan.latest_category != fp.latest:
                plan.latest_category = fp.latest
                self.change("child protection plans", plan, "latest_category")
        for day in fp.reviews:
            if day not in have:
                self.add("CP plan reviews", CPPlanReview(plan=plan, date=day))

    def write(self) -> tuple[dict[str, int], dict[str, int]]:
        # Closures and ends first, so the one-open-at-a-time rules hold when new rows arrive.
        models_by_label = {
            "CIN episodes": CINEpisode, "assessments": Assessment, "CIN plan sections": CINPlanChild,
            "section 47 enquiries": Section47, "child protection plans": ChildProtectionPlan,
        }  # fmt: skip
        updated = {}
        for label, objs in self.changed.items():
            models_by_label[label].objects.bulk_update(objs, sorted(self.update_fields[label]), batch_size=500)
            updated[label] = len(objs)
        if self.plans_to_close:
            for plan in CINPlan.objects.filter(pk__in=self.plans_to_close).prefetch_related("children"):
                ends = [s.end_date for s in plan.children.all()]
                if plan.end_date is None and ends and None not in ends:
                    plan.end_date = max(ends)
                    plan.save(update_fields=["end_date"])
        order = [
            ("people", Person), ("children", Child), ("disabilities", ChildDisability),
            ("CIN episodes", CINEpisode), ("assessments", Assessment), ("assessment factors", AssessmentFactorRecord),
            ("CIN plans", CINPlan), ("CIN plan sections", CINPlanChild), ("strategy discussions", StrategyDiscussion),
            ("section 47 enquiries", Section47), ("child protection plans", ChildProtectionPlan),
            ("previous plan counts", ImportedPreviousPlans), ("CP plan reviews", CPPlanReview),
        ]  # fmt: skip
        created = {}
        for label, model in order:
            objs = self.new.get(label, [])
            if objs:
                model.objects.bulk_create(objs, batch_size=1000)
            created[label] = len(objs)
        return created, updated

    def run(self) -> tuple[dict[str, int], dict[str, int]]:
        self.plans_to_close: set[int] = set()
        self.load()
        self.merge()
        if self.problems:
            raise CensusImportError(sorted(self.problems, key=lambda p: p.line or 0))
        return self.write()


def _digest(source) -> tuple[str, int]:
    if isinstance(source, str | Path):
        data = Path(source).read_bytes()
    else:
        position = source.tell()
        data = source.read()
        source.seek(position)
    return hashlib.sha256(data).hexdigest(), len(data)


def import_census(
    source: str | Path | IO[bytes],
    *,
    filename: str = "",
    created_by: Worker | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Check and load a census file in one transaction; CensusImportError if it is refused.

    Every run is recorded as a ReturnJob (kind cin_census_import), refused ones too. With
    `dry_run` the file is checked and merged, then everything is rolled back (the job too).
    """
    sha256, size = _digest(source)
    parameters = {"filename": filename or (str(source) if isinstance(source, str | Path) else ""),
                  "sha256": sha256, "size": size, "dry_run": dry_run}  # fmt: skip
    started = timezone.now()
    try:
        header, children, warnings = read_census(source, progress=progress)
        parameters.update({"year": header.get("year", ""), "lea": header.get("lea", "")})
        with transaction.atomic():
            job = ReturnJob.objects.create(kind=ReturnJobKind.CIN_CENSUS_IMPORT, parameters=parameters,
                                           status=ReturnJobStatus.RUNNING, created_by=created_by,
                                           started_at=started)  # fmt: skip
            try:
                with transaction.atomic():
                    created, updated = _Merger(children, job, progress).run()
            except IntegrityError as e:
                raise CensusImportError([Problem(None, f"the file conflicts with the record: {e}")]) from None
            result = ImportResult(job=job, children=len(children), created=created, updated=updated,
                                  warnings=warnings)  # fmt: skip
            summary = ", ".join(f"{n} {label}" for label, n in created.items() if n) or "nothing new"
            changes = ", ".join(f"{n} {label}" for label, n in updated.items() if n)
            job.message = f"{len(children)} children read. Added: {summary}." + (
                f" Filled in: {changes}." if changes else ""
            )
            job.parameters = {**parameters, "created": created, "updated": updated, "warnings": warnings[:50]}
            job.status, job.progress, job.finished_at = ReturnJobStatus.DONE, 100, timezone.now()
            job.save()
            if dry_run:
                transaction.set_rollback(True)
    except CensusImportError as e:
        ReturnJob.objects.create(
            kind=ReturnJobKind.CIN_CENSUS_IMPORT,
            parameters={**parameters, "problems": len(e.problems)},
            status=ReturnJobStatus.FAILED,
            message="Refused: " + "; ".join(str(p) for p in e.problems[:20]),
            created_by=created_by,
            started_at=started,
            finished_at=timezone.now(),
        )
        raise
    return result
