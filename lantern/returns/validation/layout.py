"""Read a CIN census file: check it against the 2025-26 layout and turn it into plain records.

The layout (lantern/reference/cin-census.md) is a fixed sequence of elements under each
parent. One pass over the parsed tree checks, for every parent, that its children are known,
come in the right order and are not repeated when they may appear once, that required elements
are there, that nothing but white space sits between elements, and that every value has the
right type (dates ``YYYY-MM-DD``, booleans ``true``/``false``/``1``/``0``, whole numbers) and
code (lantern.core.codes). Problems are "schema" issues. At the same time it builds the records
the rules read (``Child``, ``Episode``, ...), keeping each value's raw text and line number.

Where a DfE rule checks that a value is present or a valid code (for example 4180 for Sex,
8568 for ReferralNFA, 8600 for the referral date), the element is optional here and the rule
reports it, so the same problem is not reported twice. Values are checked here for every
element; where a rule also reports a bad value (a Sex code for 4180, an unreadable referral
date for 8600, ... see DEFERS), `validate` drops the schema issue when that rule flags the same
element.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from lantern.core import codes

# ---------------------------------------------------------------------------------------------
# The 2025-26 layout: for each parent, its children in order as (tag, min, max); max None means
# any number. A min of 0 on an element the collection needs means a DfE rule reports it missing.
# ---------------------------------------------------------------------------------------------
UNBOUNDED = None
LAYOUT: dict[str, tuple[tuple[str, int, int | None], ...]] = {
    "Message": (("Header", 1, 1), ("Children", 1, 1)),
    "Header": (("CollectionDetails", 1, 1), ("Source", 1, 1)),
    "CollectionDetails": (("Collection", 1, 1), ("Year", 1, 1), ("ReferenceDate", 0, 1)),  # 100
    "Source": (
        ("SourceLevel", 1, 1),
        ("LEA", 1, 1),
        ("SoftwareCode", 1, 1),
        ("Release", 1, 1),
        ("SerialNo", 1, 1),
        ("DateTime", 1, 1),
    ),
    "Children": (("Child", 0, UNBOUNDED),),
    "Child": (("ChildIdentifiers", 1, 1), ("ChildCharacteristics", 1, 1), ("CINdetails", 0, UNBOUNDED)),  # 8590
    "ChildIdentifiers": (
        ("LAchildID", 0, 1),  # 8500
        ("UPN", 0, 1),
        ("FormerUPN", 0, 1),
        ("UPNunknown", 0, 1),
        ("PersonBirthDate", 0, 1),
        ("ExpectedPersonBirthDate", 0, 1),
        ("Sex", 0, 1),  # 4180
        ("PersonDeathDate", 0, 1),
    ),
    "ChildCharacteristics": (("Ethnicity", 0, 1), ("Disabilities", 0, 1)),  # 4220, 8540
    "Disabilities": (("Disability", 1, UNBOUNDED),),
    "CINdetails": (
        ("CINreferralDate", 0, 1),  # 8600
        ("ReferralSource", 0, 1),  # 8866
        ("PrimaryNeedCode", 0, 1),  # 8610
        ("CINclosureDate", 0, 1),
        ("ReasonForClosure", 0, 1),
        ("DateOfInitialCPC", 0, 1),
        ("Assessments", 0, UNBOUNDED),
        ("CINPlanDates", 0, UNBOUNDED),
        ("Section47", 0, UNBOUNDED),
        ("ReferralNFA", 0, 1),  # 8568
        ("ChildProtectionPlans", 0, UNBOUNDED),
    ),
    "Assessments": (
        ("AssessmentActualStartDate", 1, 1),
        ("AssessmentInternalReviewDate", 0, 1),
        ("AssessmentAuthorisationDate", 0, 1),
        ("FactorsIdentifiedAtAssessment", 0, 1),
    ),
    "FactorsIdentifiedAtAssessment": (("AssessmentFactors", 0, UNBOUNDED),),  # 8897Q
    "CINPlanDates": (("CINPlanStartDate", 0, 1), ("CINPlanEndDate", 0, 1)),  # 4010
    "Section47": (
        ("S47ActualStartDate", 1, 1),
        ("InitialCPCtarget", 0, 1),
        ("DateOfInitialCPC", 0, 1),
        ("ICPCnotRequired", 1, 1),
    ),
    "ChildProtectionPlans": (
        ("CPPstartDate", 0, 1),  # 8720
        ("CPPendDate", 0, 1),
        ("InitialCategoryOfAbuse", 0, 1),  # 8905
        ("LatestCategoryOfAbuse", 0, 1),  # 8910
        ("NumberOfPreviousCPP", 0, 1),  # 8730
        ("Reviews", 0, 1),
    ),
    "Reviews": (("CPPreviewDate", 0, UNBOUNDED),),  # 8842Q
}

#: Elements that hold other elements; every other element in the layout holds a value.
CONTAINERS = frozenset(LAYOUT)

DATE_FIELDS = frozenset(
    {
        "ReferenceDate",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "PersonDeathDate",
        "CINreferralDate",
        "CINclosureDate",
        "DateOfInitialCPC",
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "CINPlanStartDate",
        "CINPlanEndDate",
        "S47ActualStartDate",
        "InitialCPCtarget",
        "CPPstartDate",
        "CPPendDate",
        "CPPreviewDate",
    }
)
BOOLEAN_FIELDS = frozenset({"ReferralNFA", "ICPCnotRequired"})
BOOLEAN_VALUES = {"true": True, "1": True, "false": False, "0": False}
INTEGER_FIELDS = frozenset({"NumberOfPreviousCPP", "Year"})


def _values(choices) -> frozenset[str]:
    return frozenset(choices.values)


CODE_LISTS: dict[str, frozenset[str]] = {
    "Collection": frozenset({"CIN"}),
    "SourceLevel": frozenset({"L"}),
    "Sex": _values(codes.Sex),
    "UPNunknown": _values(codes.UPNUnknown),
    "Ethnicity": _values(codes.Ethnicity),
    "Disability": _values(codes.Disability),
    "ReferralSource": _values(codes.ReferralSource),
    "PrimaryNeedCode": _values(codes.PrimaryNeed),
    "ReasonForClosure": _values(codes.ReasonForClosure),
    "InitialCategoryOfAbuse": _values(codes.CategoryOfAbuse),
    "LatestCategoryOfAbuse": _values(codes.CategoryOfAbuse),
    "AssessmentFactors": _values(codes.AssessmentFactor),
}

#: The DfE rule that reports a bad value of each element (see the module docstring).
DEFERS: dict[str, frozenset[str]] = {
    tag: frozenset(rules)
    for tag, rules in {
        "Sex": ("4180",),
        "Ethnicity": ("4220",),
        "Disability": ("8540",),
        "ReferralSource": ("8866",),
        "PrimaryNeedCode": ("8650",),
        "ReasonForClosure": ("8640",),
        "InitialCategoryOfAbuse": ("8905",),
        "LatestCategoryOfAbuse": ("8910",),
        "AssessmentFactors": ("8897Q",),
        "ReferralNFA": ("8568",),
        "NumberOfPreviousCPP": ("8730",),
        "CPPreviewDate": ("8842Q",),
        "CINreferralDate": ("8600",),
        "CINPlanStartDate": ("4010",),
        "CPPstartDate": ("8720",),
        "ReferenceDate": ("100",),
    }.items()
}

_LEA = re.compile(r"\d{3}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")

# Per parent: tag -> position in the sequence, and the sequence itself.
# Per parent: (tag -> position, tags that may appear once, required tags, tags in order).
_SHAPE = {
    parent: (
        {tag: i for i, (tag, _, _) in enumerate(seq)},
        frozenset(tag for tag, _, most in seq if most == 1),
        frozenset(tag for tag, least, _ in seq if least),
        tuple(tag for tag, _, _ in seq),
    )
    for parent, seq in LAYOUT.items()
}
_NONE: frozenset[str] = frozenset()


def _is_date(value: str) -> bool:
    return parse_date(value) is not None


def _checks() -> tuple[dict, dict]:
    checks: dict = {}
    messages: dict = {}
    for tag in DATE_FIELDS:
        checks[tag] = _is_date
        messages[tag] = "{tag} must be a date in the form YYYY-MM-DD"
    for tag in BOOLEAN_FIELDS:
        checks[tag] = BOOLEAN_VALUES.__contains__
        messages[tag] = "{tag} must be true or false"
    for tag in INTEGER_FIELDS:
        checks[tag] = str.isdigit
        messages[tag] = "{tag} must be a whole number"
    for tag, values in CODE_LISTS.items():
        checks[tag] = values.__contains__
        messages[tag] = "{tag} '{value}' is not a valid code"
    checks["LEA"] = lambda v: _LEA.fullmatch(v) is not None
    messages["LEA"] = "LEA must be the council's 3-digit code"
    checks["DateTime"] = lambda v: _DATETIME.fullmatch(v) is not None
    messages["DateTime"] = "DateTime must be a date and time such as 2026-05-01T09:30:00"
    return checks, messages


_CHECKS, _CHECK_MESSAGES = _checks()


@dataclass(slots=True)
class SchemaProblem:
    child_index: int | None  # position of the child in <Children>, None for the header
    message: str
    values: dict[str, str]
    line: int | None
    #: Rules that report this same problem on the same element; `validate` drops the schema
    #: issue when one of them flags the same child at the same line.
    defer_to: frozenset[str] = frozenset()


# ---------------------------------------------------------------------------------------------
# Records the rules read. Each keeps its values' raw text (`f`) and line numbers (`ln`).
# ---------------------------------------------------------------------------------------------
class Record:
    __slots__ = ("f", "ln", "line")

    def __init__(self, line: int | None):
        self.f: dict[str, str] = {}
        self.ln: dict[str, int] = {}
        self.line = line

    def raw(self, tag: str) -> str:
        return self.f.get(tag, "")

    def at(self, tag: str) -> int | None:
        """The line of `tag` if present, else the record's own line."""
        return self.ln.get(tag, self.line)


class Child(Record):
    __slots__ = (
        "index",
        "id",
        "dob",
        "edob",
        "dod",
        "disabilities",
        "has_disabilities_element",
        "episodes",
        "assessments",
        "plans",
        "s47s",
        "cpps",
    )

    def __init__(self, line, index):
        super().__init__(line)
        self.index = index
        self.id: str | None = None
        self.dob = self.edob = self.dod = None
        self.disabilities: list[tuple[str, int | None]] = []
        self.has_disabilities_element = False
        self.episodes: list[Episode] = []
        # Flattened across episodes (each item knows its episode) for the rules that need them.
        self.assessments: list[Assessment] = []
        self.plans: list[Plan] = []
        self.s47s: list[Section47] = []
        self.cpps: list[ProtectionPlan] = []


class Episode(Record):
    __slots__ = ("referral", "closure", "icpc", "nfa", "assessments", "plans", "s47s", "cpps")

    def __init__(self, line):
        super().__init__(line)
        self.referral = self.closure = self.icpc = None
        self.nfa: bool | None = None  # None when missing or not a boolean
        self.assessments: list[Assessment] = []
        self.plans: list[Plan] = []
        self.s47s: list[Section47] = []
        self.cpps: list[ProtectionPlan] = []


class Assessment(Record):
    __slots__ = ("ep", "start", "auth", "factors")

    def __init__(self, line, ep):
        super().__init__(line)
        self.ep = ep
        self.start = self.auth = None
        self.factors: list[tuple[str, int | None]] = []


class Plan(Record):
    __slots__ = ("ep", "start", "end")

    def __init__(self, line, ep):
        super().__init__(line)
        self.ep = ep
        self.start = self.end = None


class Section47(Record):
    __slots__ = ("ep", "start", "target", "icpc", "not_required")

    def __init__(self, line, ep):
        super().__init__(line)
        self.ep = ep
        self.start = self.target = self.icpc = None
        self.not_required: bool | None = None


class ProtectionPlan(Record):
    __slots__ = ("ep", "start", "end", "reviews", "review_groups")

    def __init__(self, line, ep):
        super().__init__(line)
        self.ep = ep
        self.start = self.end = None
        # (date or None, raw text, line) for every CPPreviewDate; Reviews elements with no date.
        self.reviews: list[tuple[datetime.date | None, str, int | None]] = []
        self.review_groups: list[tuple[int, int | None]] = []  # (number of dates, line)


@dataclass
class Header:
    f: dict[str, str] = field(default_factory=dict)
    ln: dict[str, int] = field(default_factory=dict)
    line: int | None = None
    year: int | None = None
    reference_date: datetime.date | None = None


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------
_date_cache: dict[str, datetime.date | None] = {}


def parse_date(text: str) -> datetime.date | None:
    """A `YYYY-MM-DD` date, or None when the text is not one (never raises)."""
    try:
        return _date_cache[text]
    except KeyError:
        pass
    value = None
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:
            value = datetime.date.fromisoformat(text)
        except ValueError:
            value = None
    if len(_date_cache) < 100_000:
        _date_cache[text] = value
    return value


def _local(tag) -> str | None:
    """The element name without any namespace; None for comments and processing instructions."""
    if not isinstance(tag, str):
        return None
    if tag[0] == "{":
        return tag.rpartition("}")[2]
    return tag


class Reader:
    """One pass over the tree: schema problems into `problems`, records into `header`/`children`."""

    def __init__(self):
        self.problems: list[SchemaProblem] = []
        self.header = Header()
        self.children: list[Child] = []
        self._child_index: int | None = None

    # -- generic scan of one parent --------------------------------------------------------
    def _problem(self, message, values, line, defer_to=frozenset()):
        self.problems.append(SchemaProblem(self._child_index, message, values, line, defer_to))

    def scan(self, el, parent: str, record: Record | Header | None, groups: dict | None) -> None:
        """Check `el`'s children against the layout of `parent`. Values go into `record`;
        containers and repeated values are appended to `groups[tag]` (lists) for the caller."""
        positions, once, required, order = _SHAPE[parent]
        problem = self._problem
        text = el.text
        if text and not text.isspace():
            problem(f"Unexpected text inside <{parent}>", {parent: text.strip()[:40]}, el.sourceline)
        seen: set[str] = set()
        highest = -1
        disordered = False
        f = ln = None
        if record is not None:
            f, ln = record.f, record.ln
        for child in el:
            tag = child.tag
            tail = child.tail
            if tail and not tail.isspace():
                problem(
                    f"Unexpected text after <{_local(tag) or 'comment'}> in <{parent}>",
                    {parent: tail.strip()[:40]},
                    child.sourceline,
                )
            if tag.__class__ is not str:  # a comment or processing instruction
                continue
            if tag[0] == "{":
                tag = tag.rpartition("}")[2]
            pos = positions.get(tag)
            if pos is None:
                problem(f"<{tag}> is not part of <{parent}> in the 2025-26 layout", {tag: ""}, child.sourceline)
                continue
            if tag in seen:
                if tag in once:
                    problem(f"<{tag}> appears more than once in <{parent}>", {tag: ""}, child.sourceline)
                    continue
            else:
                seen.add(tag)
            if pos < highest:
                disordered = True
            else:
                highest = pos
            if tag in CONTAINERS:
                if groups is not None:
                    groups.setdefault(tag, []).append(child)
                continue
            if len(child):
                problem(f"<{tag}> must hold a value, not other elements", {tag: ""}, child.sourceline)
                continue
            if tag not in once:
                # Repeated values (Disability, AssessmentFactors, CPPreviewDate): the caller reads them.
                if groups is not None:
                    groups.setdefault(tag, []).append(child)
                continue
            value = child.text
            value = value.strip() if value else ""
            line = child.sourceline
            if f is not None:
                f[tag] = value
                ln[tag] = line
            if value:
                check = _CHECKS.get(tag)
                if check is not None and not check(value):
                    problem(
                        _CHECK_MESSAGES[tag].format(tag=tag, value=value), {tag: value}, line, DEFERS.get(tag, _NONE)
                    )
        if disordered:
            self._order_problems(el, parent)
        if required and not required <= seen:
            for tag in order:
                if tag in required and tag not in seen:
                    problem(f"<{parent}> has no <{tag}>", {tag: ""}, el.sourceline)

    def _order_problems(self, el, parent: str) -> None:
        """Name only the misplaced elements: those outside the longest run already in order."""
        positions, once = _SHAPE[parent][0], _SHAPE[parent][1]
        sequence: list[tuple[int, str, int | None]] = []
        seen: set[str] = set()
        for child in el:
            tag = _local(child.tag)
            if tag is None or tag not in positions or (tag in seen and tag in once):
                continue  # reported already
            seen.add(tag)
            sequence.append((positions[tag], tag, child.sourceline))
        n = len(sequence)
        best = [1] * n
        back = [-1] * n
        for i in range(n):
            for j in range(i):
                if sequence[j][0] <= sequence[i][0] and best[j] + 1 > best[i]:
                    best[i], back[i] = best[j] + 1, j
        keep: set[int] = set()
        i = max(range(n), key=best.__getitem__)
        while i != -1:
            keep.add(i)
            i = back[i]
        for i, (pos, tag, line) in enumerate(sequence):
            if i in keep:
                continue
            later = [sequence[k] for k in sorted(keep) if k < i and sequence[k][0] > pos]
            if later:
                where = f"it must come before <{later[0][1]}>"
            else:
                earlier = [sequence[k] for k in sorted(keep) if k > i and sequence[k][0] < pos]
                where = f"it must come after <{earlier[-1][1]}>"
            self._problem(f"<{tag}> is out of order in <{parent}>: {where}", {tag: ""}, line)

    def check_values(self, tag: str, items) -> None:
        """Check repeated values (read by the caller from `groups`)."""
        check = _CHECKS.get(tag)
        for value, line in items:
            if value and check is not None and not check(value):
                self._problem(
                    _CHECK_MESSAGES[tag].format(tag=tag, value=value), {tag: value}, line, DEFERS.get(tag, _NONE)
                )

    # -- the document ----------------------------------------------------------------------
    def read(self, root) -> None:
        tag = _local(root.tag)
        if tag != "Message":
            self._problem(f"The file's root element must be <Message>, not <{tag}>", {}, root.sourceline)
            return
        groups: dict[str, list] = {}
        self.scan(root, "Message", None, groups)
        for header_el in groups.get("Header", [])[:1]:
            self._read_header(header_el)
        for children_el in groups.get("Children", [])[:1]:
            kids: dict[str, list] = {}
            self.scan(children_el, "Children", None, kids)
            for index, child_el in enumerate(kids.get("Child", [])):
                self._child_index = index
                self.children.append(self._read_child(child_el, index))
            self._child_index = None

    def _read_header(self, el) -> None:
        header = self.header
        header.line = el.sourceline
        groups: dict[str, list] = {}
        self.scan(el, "Header", None, groups)
        for part in ("CollectionDetails", "Source"):
            for sub in groups.get(part, [])[:1]:
                self.scan(sub, part, header, None)
        year = header.f.get("Year", "")
        header.year = int(year) if year.isdigit() else None
        header.reference_date = parse_date(header.f.get("ReferenceDate", ""))

    def _read_child(self, el, index: int) -> Child:
        child = Child(el.sourceline, index)
        groups: dict[str, list] = {}
        self.scan(el, "Child", None, groups)
        for ids in groups.get("ChildIdentifiers", [])[:1]:
            self.scan(ids, "ChildIdentifiers", child, None)
        f = child.f
        child.id = f.get("LAchildID") or None
        child.dob = parse_date(f.get("PersonBirthDate", ""))
        child.edob = parse_date(f.get("ExpectedPersonBirthDate", ""))
        child.dod = parse_date(f.get("PersonDeathDate", ""))
        for chars in groups.get("ChildCharacteristics", [])[:1]:
            sub: dict[str, list] = {}
            self.scan(chars, "ChildCharacteristics", child, sub)
            for dis in sub.get("Disabilities", [])[:1]:
                child.has_disabilities_element = True
                items: dict[str, list] = {}
                self.scan(dis, "Disabilities", None, items)
                child.disabilities = [((d.text or "").strip(), d.sourceline) for d in items.get("Disability", ())]
                self.check_values("Disability", child.disabilities)
        for ep_el in groups.get("CINdetails", []):
            child.episodes.append(self._read_episode(ep_el, child))
        return child

    def _read_episode(self, el, child: Child) -> Episode:
        ep = Episode(el.sourceline)
        groups: dict[str, list] = {}
        self.scan(el, "CINdetails", ep, groups)
        f = ep.f
        ep.referral = parse_date(f.get("CINreferralDate", ""))
        ep.closure = parse_date(f.get("CINclosureDate", ""))
        ep.icpc = parse_date(f.get("DateOfInitialCPC", ""))
        ep.nfa = BOOLEAN_VALUES.get(f.get("ReferralNFA", ""))
        for a_el in groups.get("Assessments", ()):
            a = Assessment(a_el.sourceline, ep)
            sub: dict[str, list] = {}
            self.scan(a_el, "Assessments", a, sub)
            a.start = parse_date(a.f.get("AssessmentActualStartDate", ""))
            a.auth = parse_date(a.f.get("AssessmentAuthorisationDate", ""))
            for factors_el in sub.get("FactorsIdentifiedAtAssessment", [])[:1]:
                items: dict[str, list] = {}
                self.scan(factors_el, "FactorsIdentifiedAtAssessment", None, items)
                a.factors = [((x.text or "").strip(), x.sourceline) for x in items.get("AssessmentFactors", ())]
                self.check_values("AssessmentFactors", a.factors)
            ep.assessments.append(a)
            child.assessments.append(a)
        for p_el in groups.get("CINPlanDates", ()):
            p = Plan(p_el.sourceline, ep)
            self.scan(p_el, "CINPlanDates", p, None)
            p.start = parse_date(p.f.get("CINPlanStartDate", ""))
            p.end = parse_date(p.f.get("CINPlanEndDate", ""))
            ep.plans.append(p)
            child.plans.append(p)
        for s_el in groups.get("Section47", ()):
            s = Section47(s_el.sourceline, ep)
            self.scan(s_el, "Section47", s, None)
            s.start = parse_date(s.f.get("S47ActualStartDate", ""))
            s.target = parse_date(s.f.get("InitialCPCtarget", ""))
            s.icpc = parse_date(s.f.get("DateOfInitialCPC", ""))
            s.not_required = BOOLEAN_VALUES.get(s.f.get("ICPCnotRequired", ""))
            ep.s47s.append(s)
            child.s47s.append(s)
        for c_el in groups.get("ChildProtectionPlans", ()):
            c = ProtectionPlan(c_el.sourceline, ep)
            sub = {}
            self.scan(c_el, "ChildProtectionPlans", c, sub)
            c.start = parse_date(c.f.get("CPPstartDate", ""))
            c.end = parse_date(c.f.get("CPPendDate", ""))
            for r_el in sub.get("Reviews", ()):
                items = {}
                self.scan(r_el, "Reviews", None, items)
                dates = items.get("CPPreviewDate", ())
                c.review_groups.append((len(dates), r_el.sourceline))
                for d in dates:
                    text = (d.text or "").strip()
                    c.reviews.append((parse_date(text), text, d.sourceline))
                    if text and c.reviews[-1][0] is None:
                        self._problem(
                            "CPPreviewDate must be a date in the form YYYY-MM-DD",
                            {"CPPreviewDate": text},
                            d.sourceline,
                            DEFERS["CPPreviewDate"],
                        )
            ep.cpps.append(c)
            child.cpps.append(c)
        return ep
