"""The DfE validation rules for the 2025-26 children in need census, as our own code.

Every rule of the independent community validator's ``cin2025_26`` ruleset
(`csc-validator-be-cin`, MIT) is here: 109 rules, each under DfE's rule number, written from
DfE's rule text (quoted in the community validator's rule modules and DfE's published
specification) rather than from anyone's code. Each rule is a function of one child and the
file's context, returning the places it fails as (line, values) pairs; the header and
whole-return rules are functions of the whole file.

Covered (all of cin2025_26):

* Header: 100.
* Whole return ("LA level", reported without a child): 2883, 2886Q, 2887Q, 2888Q.
* Child identifiers and characteristics: 1510, 1520, 1530, 1540, 1550, 1560Q, 1570, 1580,
  4180, 4220, 8500, 8510, 8520, 8525Q, 8530Q, 8535Q, 8540, 8545Q, 8585Q, 8590, 8750, 8770Q,
  8772, 8775Q, 8790, 8794.
* Episodes (CINdetails): 2884, 2990, 8555Q, 8565, 8568, 8569Q, 8600, 8606, 8610, 8620, 8630,
  8640, 8650, 8805, 8810, 8815, 8816, 8820, 8825Q, 8831, 8832, 8866, 8867, 8868.
* Assessments: 1103, 2991Q, 8608, 8614, 8670Q, 8696, 8736, 8863Q, 8869, 8873Q, 8896, 8897Q,
  8898, 8945Q, 8950Q.
* CIN plans: 4000, 4001, 4003, 4004, 4008, 4009Q, 4010, 4011, 4012Q, 4013, 4014, 4015, 4016,
  4017.
* Section 47 enquiries: 1104, 2889, 8615, 8675Q, 8715, 8740, 8839, 8870Q, 8875, 8890.
* Child protection plans: 1105, 2885, 8720, 8730, 8840, 8841, 8842Q, 8905, 8910, 8915, 8920,
  8925, 8930, 8935, 8940.

Not covered, deliberately: the 2026-27 pre-proceedings block and anything else outside the
2025-26 layout (an element from it is a schema issue, not checked by rules), and any DfE rule
that is not in the community's cin2025_26 ruleset. The schema itself (element order, types,
code lists, required elements) is checked in layout.py and reported under the rule "schema".

Where the community validator's code does something other than DfE's rule text, we follow
the text; each case is pinned by a hand-made file in tests/test_conformance.py, and
scripts/conformance.py recognises it when it explains a disagreement:

* 8565 also compares the closure date with CPPendDate (the community code compares with a
  leftover one-row test table instead);
* 8869, 8945Q and 8950Q look at each assessment factor (the community code compares the whole
  list of factors with one code, so never fires); 8870Q reads InitialCPCtarget as the
  YYYY-MM-DD date it is (the community code re-reads it as DD-MM-YYYY, so never fires);
* 8540 reports a missing or invalid disability (the community code loses the places it fails
  and reports nothing); 8614, 8898 and 8897Q (invalid code) report what they find (the
  community rules raise "unhashable type: 'list'" whenever they find something);
* 8842Q also reports an empty <Reviews> group (the community reader skips it); 8841, 8842Q and
  4003 look at every CPPreviewDate of a <Reviews> group (the community reader takes the first);
* 8832 names the child whose referral with no further action has a CP plan (the community code
  swaps the row numbers of its two tables and names other children);
* 8740 takes ICPCnotRequired "false" as false and 2885 takes "true" as true (the community
  code only knows "0" and "1" there);
* 8935 counts open CP plans per child (the community code per position within the episode);
  8940 compares plans from different episodes too; 4003 also compares reviews of a CP plan
  that is still open;
* 8569Q, 8670Q and 8675Q count working days as DfE states them ("minus 1 working day",
  "minus 45 working days", "minus 15 working days"), with lantern.core.calendar (the community
  code subtracts one working day fewer, and its holiday table covers only 2022-2027);
* 8816 lets an open episode share the latest referral date with another (a tie is the latest;
  the overlap itself is 8820's);
* 2887Q counts the different disability codes used (the community code counts NONE rows);
* a date before 1678 or after 2261 is still a date (the community validator, using pandas,
  reads it as missing), and a child with no LAchildID is reported under 8500 (the community
  validator cannot read such a file at all).

Where DfE's text leaves room, we read it as the community code does: 1104, 8715 and 8875 look
at the section 47's DateOfInitialCPC (the module the rules belong to); 2884 compares an
episode's conference date with the section 47 conferences of the whole child; 4014, 4016 and
4017 compare plans across the child's episodes; 4003 ignores a CIN plan with no end date;
1510 checks the check letter of UPNs whose last 12 characters are digits; 1580 counts any
Unicode letter or digit as alphanumeric; 8569Q, 8772 and 8831 treat a missing ReferralNFA as
"not false" or "not true" as their wording does.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from lantern.core import calendar
from lantern.core import codes as code_lists
from lantern.returns.validation.layout import Child, Header, Record

ERROR = "error"
QUERY = "query"

Hit = tuple[int | None, dict[str, str]]


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    severity: str
    #: "header" (the header), "return" (the whole return) or "child" (one child at a time).
    scope: str
    func: Callable
    #: A child rule runs only for children with something in this attribute (for speed).
    needs: str | None = None


RULES: dict[str, Rule] = {}


def rule(code: str, message: str, scope: str = "child", needs: str | None = None):
    def register(func):
        RULES[code] = Rule(code, message, QUERY if code.endswith("Q") else ERROR, scope, func, needs)
        return func

    return register


# ---------------------------------------------------------------------------------------------
# The file's context: the census period and the dates every rule compares with, worked out once.
# ---------------------------------------------------------------------------------------------
def _add_months(d: datetime.date, months: int) -> datetime.date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)  # pragma: no cover - day 28 always exists


def _add_years(d: datetime.date, years: int) -> datetime.date:
    return _add_months(d, 12 * years)


def _working_days(d: datetime.date, n: int) -> datetime.date | None:
    try:
        return calendar.add_working_days(d, n)
    except ValueError:  # outside the years the calendar knows
        return None


class Context:
    """What every rule needs about the file as a whole."""

    def __init__(self, header: Header, children: list[Child]):
        self.header = header
        ref = header.reference_date
        if ref is None and header.year:
            ref = datetime.date(header.year, 3, 31)
        self.ref = ref
        if ref is not None:
            #: [Period_of_Census]: the day after the reference date a year earlier, to the reference date.
            self.start = _add_years(ref, -1) + datetime.timedelta(days=1)
            self.ref_minus_45wd = _working_days(ref, -45)
            self.ref_minus_15wd = _working_days(ref, -15)
            self.start_minus_1wd = _working_days(self.start, -1)
            # Of compulsory school age: born on or before 31 August six years before (for a
            # reference date of 31 March: the reference date plus 4 months and 31 days, minus 6 years).
            self.school_age_born_by = _add_years(_add_months(ref, 4) + datetime.timedelta(days=31), -6)
            self.edob_earliest = ref - datetime.timedelta(days=30)
            self.edob_latest = _add_months(ref, 9)
            self.over_25_born_before = _add_years(ref, -25)
        else:
            self.start = self.ref_minus_45wd = self.ref_minus_15wd = self.start_minus_1wd = None
            self.school_age_born_by = self.edob_earliest = self.edob_latest = self.over_25_born_before = None
        self.id_counts = Counter(c.id for c in children if c.id)
        self.upn_counts = Counter(c.f["UPN"] for c in children if c.f.get("UPN"))

    def in_period(self, d: datetime.date) -> bool:
        return self.start <= d <= self.ref


def _v(rec: Record, *tags: str) -> dict[str, str]:
    return {tag: rec.f.get(tag, "") for tag in tags}


# ---------------------------------------------------------------------------------------------
# Header and whole return
# ---------------------------------------------------------------------------------------------
@rule("100", "Reference Date is incorrect", scope="header")
def r100(h: Header, children, x: Context):
    # <ReferenceDate> (N00603) must be present and must equal 31 March of the collection year.
    ref = h.reference_date
    if ref is None or h.year is None or ref != datetime.date(h.year, 3, 31):
        return [
            (
                h.ln.get("ReferenceDate", h.line),
                {"ReferenceDate": h.f.get("ReferenceDate", ""), "Year": h.f.get("Year", "")},
            )
        ]
    return None


@rule("2883", "There are more child protection plans starting than initial conferences taking place", scope="return")
def r2883(h: Header, children, x: Context):
    if x.ref is None:
        return None
    plans = conferences = 0
    for c in children:
        plans += sum(1 for p in c.cpps if p.start and x.in_period(p.start))
        conferences += sum(1 for e in c.episodes if e.icpc and x.in_period(e.icpc))
        conferences += sum(1 for s in c.s47s if s.icpc and x.in_period(s.icpc))
    if plans > conferences:
        return [(None, {"CPPstartDate": str(plans), "DateOfInitialCPC": str(conferences)})]
    return None


@rule(
    "2886Q",
    "Please check and either amend or provide a reason: Percentage of children with no sex recorded is more than 2% "
    "(excluding unborns)",
    scope="return",
)
def r2886q(h: Header, children, x: Context):
    if not children:
        return None
    unknown = sum(1 for c in children if c.f.get("Sex", "") in ("", "U") and not c.f.get("ExpectedPersonBirthDate"))
    if unknown / len(children) > 0.02:
        return [(None, {"Sex": f"{unknown} of {len(children)} children"})]
    return None


@rule(
    "2887Q",
    "Please check and either amend or provide a reason: Less than 8 disability codes have been used in your return",
    scope="return",
)
def r2887q(h: Header, children, x: Context):
    used = {code for c in children for code, _ in c.disabilities if code and code != "NONE"}
    if len(used) <= 7:
        return [(None, {"Disability": ", ".join(sorted(used))})]
    return None


@rule(
    "2888Q",
    "Please check and either amend or provide a reason: Only one disability code is recorded per child and multiple "
    "disabilities should be recorded where possible.",
    scope="return",
)
def r2888q(h: Header, children, x: Context):
    counts = [sum(1 for code, _ in c.disabilities if code != "NONE") for c in children]
    counts = [n for n in counts if n]
    if counts and max(counts) <= 1:
        return [(None, {"Disability": f"{len(counts)} children, one code each"})]
    return None


# ---------------------------------------------------------------------------------------------
# Child identifiers and characteristics
# ---------------------------------------------------------------------------------------------
@rule("8500", "LA Child ID missing")
def r8500(c: Child, x: Context):
    if not c.id:
        return [(c.at("LAchildID"), _v(c, "LAchildID"))]
    return None


@rule("8510", "More than one child record with the same LA Child ID")
def r8510(c: Child, x: Context):
    if c.id and x.id_counts[c.id] > 1:
        return [(c.at("LAchildID"), _v(c, "LAchildID"))]
    return None


@rule("1570", "LA Child ID must not be longer than 20 characters")
def r1570(c: Child, x: Context):
    if c.id and len(c.id) > 20:
        return [(c.at("LAchildID"), _v(c, "LAchildID"))]
    return None


@rule("1580", "LA Child ID must not contain any non-alphanumeric characters")
def r1580(c: Child, x: Context):
    if c.id and not c.id.isalnum():
        return [(c.at("LAchildID"), _v(c, "LAchildID"))]
    return None


_UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_LAST_CHARACTERS = frozenset("ABCDEFGHJKLMNPQRTUVWXYZ0123456789")


def _la_codes() -> frozenset[str]:
    """Valid post-April-1998 LA codes and recognised pseudo-LA codes (DfE's list for rule 1530)."""
    spans = [
        (1, 5), (201, 213), (301, 320), (330, 336), (340, 344), (350, 359), (370, 373), (380, 384),
        (390, 394), (660, 681), (701, 708), (800, 803), (805, 808), (810, 813), (820, 823),
        (835, 839), (850, 852), (855, 857), (865, 896), (935, 938), (940, 941),
    ]  # fmt: skip
    singles = [
        420, 815, 816, 825, 826, 830, 831, 840, 841, 845, 846, 860, 861, 908, 909, 916, 919, 921,
        925, 926, 928, 929, 931, 933, 942, 943,
    ]  # fmt: skip
    found = {f"{n:03d}" for a, b in spans for n in range(a, b + 1)}
    found.update(f"{n:03d}" for n in singles)
    return frozenset(found)


LA_CODES = _la_codes()


@rule("1510", "UPN invalid (wrong check letter at character 1)")
def r1510(c: Child, x: Context):
    upn = c.f.get("UPN")
    # The check letter is worked out from characters 2-13 (weights 2 to 13, modulo 23); only a
    # UPN of 13 characters whose last 12 are digits can be checked.
    if upn and len(upn) == 13 and upn[1:].isdigit():
        total = sum(int(ch) * weight for weight, ch in enumerate(upn[1:], start=2)) % 23
        if _UPN_CHECK_LETTERS[total] != upn[0]:
            return [(c.at("UPN"), _v(c, "UPN"))]
    return None


@rule("1520", "More than one record with the same UPN.")
def r1520(c: Child, x: Context):
    upn = c.f.get("UPN")
    if upn and x.upn_counts[upn] > 1:
        return [(c.at("UPN"), _v(c, "UPN"))]
    return None


@rule("1530", "UPN invalid (characters 2-4 not a recognised LA code)")
def r1530(c: Child, x: Context):
    upn = c.f.get("UPN")
    if upn and len(upn) == 13 and upn[1:4] not in LA_CODES:
        return [(c.at("UPN"), _v(c, "UPN"))]
    return None


@rule("1540", "UPN invalid (characters 5-12 not all numeric)")
def r1540(c: Child, x: Context):
    upn = c.f.get("UPN")
    if upn and not upn[4:12].isdigit():
        return [(c.at("UPN"), _v(c, "UPN"))]
    return None


@rule("1550", "UPN invalid (character 13 not a recognised value)")
def r1550(c: Child, x: Context):
    upn = c.f.get("UPN")
    if upn and len(upn) == 13 and upn[12] not in _UPN_LAST_CHARACTERS:
        return [(c.at("UPN"), _v(c, "UPN"))]
    return None


@rule("1560Q", "Please check and either amend or provide a reason: Former UPN wrongly formatted")
def r1560q(c: Child, x: Context):
    former = c.f.get("FormerUPN")
    if former and not (len(former) == 13 and former[0].isalpha() and former[1:].isdigit()):
        return [(c.at("FormerUPN"), _v(c, "FormerUPN"))]
    return None


@rule("4180", "Sex must be provided and equal M, F, or U")
def r4180(c: Child, x: Context):
    if c.f.get("Sex", "") not in ("M", "F", "U"):
        return [(c.at("Sex"), _v(c, "Sex"))]
    return None


@rule("8750", "Sex must equal U for an unborn child")
def r8750(c: Child, x: Context):
    if c.edob and not c.f.get("PersonBirthDate") and c.f.get("Sex") != "U":
        return [(c.at("Sex"), _v(c, "Sex", "ExpectedPersonBirthDate"))]
    return None


@rule(
    "8520",
    "Date of Birth is after data collection period (must be on or before the end of the census period)",
)
def r8520(c: Child, x: Context):
    if c.dob and x.ref and c.dob > x.ref:
        return [(c.at("PersonBirthDate"), _v(c, "PersonBirthDate"))]
    return None


@rule("8525Q", "Either Date of Birth or Expected Date of Birth must be provided (but not both)")
def r8525q(c: Child, x: Context):
    if (c.dob is None) == (c.edob is None):
        return [(c.at("PersonBirthDate"), _v(c, "PersonBirthDate", "ExpectedPersonBirthDate"))]
    return None


@rule(
    "8530Q",
    "Please check and either amend data or provide a reason: Expected Date of Birth is outside the expected range "
    "for this census (March to December of the Census Year end)",
)
def r8530q(c: Child, x: Context):
    # Should be after the reference date minus 30 days and before the reference date plus 9 months.
    if c.edob and x.ref and not (x.edob_earliest < c.edob < x.edob_latest):
        return [(c.at("ExpectedPersonBirthDate"), _v(c, "ExpectedPersonBirthDate"))]
    return None


@rule(
    "8535Q",
    "Please check and either amend data or provide a reason: Child’s date of death should not be prior to the date "
    "of birth",
    needs="dod",
)
def r8535q(c: Child, x: Context):
    if c.dod and (c.dob is None or c.dob > c.dod):
        return [(c.at("PersonDeathDate"), _v(c, "PersonDeathDate", "PersonBirthDate"))]
    return None


@rule(
    "8545Q",
    "Please check and either amend data or provide a reason: Child's date of death should be within the census year",
    needs="dod",
)
def r8545q(c: Child, x: Context):
    if c.dod and x.ref and not x.in_period(c.dod):
        return [(c.at("PersonDeathDate"), _v(c, "PersonDeathDate"))]
    return None


@rule(
    "8770Q",
    "Please check and either amend data or provide a reason: UPN is missing or reason UPN is missing or is UN1 for a "
    "child who is of school age.",
)
def r8770q(c: Child, x: Context):
    # A child of school age on a referral that went on to further action needs a UPN or a
    # reason for it missing other than UN1 (not yet of school age).
    if (
        x.ref
        and c.dob
        and c.dob <= x.school_age_born_by
        and not c.f.get("UPN")
        and c.f.get("UPNunknown", "").upper() not in ("UN2", "UN3", "UN4", "UN5", "UN6", "UN7")
        and any(e.nfa is False for e in c.episodes)
    ):
        return [(c.at("UPNunknown"), _v(c, "UPN", "UPNunknown", "PersonBirthDate"))]
    return None


@rule(
    "8772",
    "UPN unknown reason is UN7 (Referral with no further action) but at least one CIN details is a referral going on "
    "to further action",
)
def r8772(c: Child, x: Context):
    if c.f.get("UPNunknown") == "UN7":
        for e in c.episodes:
            if e.nfa is not True:
                return [(c.at("UPNunknown"), {"UPNunknown": "UN7", "ReferralNFA": e.raw("ReferralNFA")})]
    return None


@rule("8775Q", "Please check and either amend data or provide a reason: Child is over 25 years old")
def r8775q(c: Child, x: Context):
    if c.dob and x.ref and c.dob < x.over_25_born_before:
        turns_25 = _add_years(c.dob, 25)
        for e in c.episodes:
            if e.closure is None or e.closure > turns_25:
                return [(c.at("PersonBirthDate"), {**_v(c, "PersonBirthDate"), **_v(e, "CINclosureDate")})]
    return None


@rule("4220", "Ethnicity is missing or invalid (see Ethnicity table)")
def r4220(c: Child, x: Context):
    if c.f.get("Ethnicity", "") not in _ETHNICITIES:
        return [(c.at("Ethnicity"), _v(c, "Ethnicity"))]
    return None


_ETHNICITIES = frozenset(code_lists.Ethnicity.values)
_DISABILITIES = frozenset(code_lists.Disability.values)


@rule("8540", "Child’s disability is missing or invalid (see Disability table)")
def r8540(c: Child, x: Context):
    # If the date of birth is present and at least one referral went on to further action, one or
    # more disabilities must be present and all must be valid codes.
    if c.dob is None or not any(e.nfa is False for e in c.episodes):
        return None
    if not c.disabilities:
        return [(c.line, {"Disability": ""})]
    bad = [(line, {"Disability": code}) for code, line in c.disabilities if code not in _DISABILITIES]
    return bad or None


@rule("8790", "Disability information includes both None and other values")
def r8790(c: Child, x: Context):
    if len(c.disabilities) > 1 and any(code.upper() == "NONE" for code, _ in c.disabilities):
        return [(line, {"Disability": code}) for code, line in c.disabilities if code.upper() != "NONE"] or None
    return None


@rule("8794", "Child has two or more disabilities with the same code")
def r8794(c: Child, x: Context):
    if len(c.disabilities) > 1:
        counts = Counter(code for code, _ in c.disabilities)
        if max(counts.values()) > 1:
            return [(line, {"Disability": code}) for code, line in c.disabilities if counts[code] > 1]
    return None


@rule("8590", "Child does not have a recorded CIN episode.")
def r8590(c: Child, x: Context):
    if not c.episodes:
        return [(c.line, _v(c, "LAchildID"))]
    return None


@rule(
    "8585Q",
    "Please check and either amend or provide a reason: CIN episode shows Died as the Closure Reason, however child "
    "has no recorded Date of Death",
)
def r8585q(c: Child, x: Context):
    if not c.f.get("PersonDeathDate"):
        hits = [
            (e.at("ReasonForClosure"), {"ReasonForClosure": "RC2", "PersonDeathDate": ""})
            for e in c.episodes
            if e.f.get("ReasonForClosure") == "RC2"
        ]
        return hits or None
    return None


# ---------------------------------------------------------------------------------------------
# Episodes
# ---------------------------------------------------------------------------------------------
@rule("8600", "Child referral date missing or after data collection period")
def r8600(c: Child, x: Context):
    hits = [
        (e.at("CINreferralDate"), _v(e, "CINreferralDate"))
        for e in c.episodes
        if e.referral is None or (x.ref and e.referral > x.ref)
    ]
    return hits or None


@rule("8606", "Child referral date is more than 40 weeks before DOB or expected DOB")
def r8606(c: Child, x: Context):
    limits = [d - datetime.timedelta(days=280) for d in (c.dob, c.edob) if d]
    if not limits:
        return None
    hits = [
        (e.at("CINreferralDate"), {**_v(e, "CINreferralDate"), **_v(c, "PersonBirthDate", "ExpectedPersonBirthDate")})
        for e in c.episodes
        if e.referral and any(e.referral < limit for limit in limits)
    ]
    return hits or None


@rule("8555Q", "Child cannot be referred after its recorded date of death", needs="dod")
def r8555q(c: Child, x: Context):
    if c.dod:
        hits = [
            (e.at("CINreferralDate"), {**_v(e, "CINreferralDate"), **_v(c, "PersonDeathDate")})
            for e in c.episodes
            if e.referral and e.referral > c.dod
        ]
        return hits or None
    return None


@rule(
    "8569Q",
    "A case with referral date before one working day prior to the collection start date must not be flagged as a no "
    "further action case",
)
def r8569q(c: Child, x: Context):
    cutoff = x.start_minus_1wd
    if cutoff is None:
        return None
    hits = [
        (e.at("ReferralNFA"), _v(e, "CINreferralDate", "ReferralNFA"))
        for e in c.episodes
        if e.referral and e.referral < cutoff and e.nfa is not False
    ]
    return hits or None


@rule("8568", "RNFA flag is missing or invalid")
def r8568(c: Child, x: Context):
    hits = [
        (e.at("ReferralNFA"), _v(e, "ReferralNFA"))
        for e in c.episodes
        if e.f.get("ReferralNFA", "").lower() not in ("true", "false", "1", "0")
    ]
    return hits or None


@rule("8610", "Primary Need code is missing for a referral which led to further action.")
def r8610(c: Child, x: Context):
    hits = [
        (e.at("PrimaryNeedCode"), _v(e, "ReferralNFA", "PrimaryNeedCode"))
        for e in c.episodes
        if e.nfa is False and not e.f.get("PrimaryNeedCode")
    ]
    return hits or None


_PRIMARY_NEEDS = frozenset(code_lists.PrimaryNeed.values)
_REFERRAL_SOURCES = frozenset(code_lists.ReferralSource.values)
_CLOSURE_REASONS = frozenset(code_lists.ReasonForClosure.values)
_ABUSE_CATEGORIES = frozenset(code_lists.CategoryOfAbuse.values)


@rule("8650", "Primary Need Code invalid (see Primary Need table in CIN census code set)")
def r8650(c: Child, x: Context):
    hits = [
        (e.at("PrimaryNeedCode"), _v(e, "PrimaryNeedCode"))
        for e in c.episodes
        if e.f.get("PrimaryNeedCode") and e.f["PrimaryNeedCode"] not in _PRIMARY_NEEDS
    ]
    return hits or None


_SOURCE_REQUIRED_FROM = datetime.date(2013, 4, 1)


@rule("8866", "Source of Referral is missing or an invalid code")
def r8866(c: Child, x: Context):
    hits = [
        (e.at("ReferralSource"), _v(e, "CINreferralDate", "ReferralSource"))
        for e in c.episodes
        if e.referral and e.referral >= _SOURCE_REQUIRED_FROM and e.f.get("ReferralSource", "") not in _REFERRAL_SOURCES
    ]
    return hits or None


@rule("8620", "CIN Closure Date present and does not fall within the Census year")
def r8620(c: Child, x: Context):
    if x.ref is None:
        return None
    hits = [
        (e.at("CINclosureDate"), _v(e, "CINclosureDate"))
        for e in c.episodes
        if e.closure and not x.in_period(e.closure)
    ]
    return hits or None


@rule("8630", "CIN Closure Date is before CIN Referral Date for the same CIN episode")
def r8630(c: Child, x: Context):
    hits = [
        (e.at("CINclosureDate"), _v(e, "CINreferralDate", "CINclosureDate"))
        for e in c.episodes
        if e.closure and e.referral and e.closure < e.referral
    ]
    return hits or None


@rule("8640", "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)")
def r8640(c: Child, x: Context):
    hits = [
        (e.at("ReasonForClosure"), _v(e, "ReasonForClosure"))
        for e in c.episodes
        if e.f.get("ReasonForClosure") and e.f["ReasonForClosure"] not in _CLOSURE_REASONS
    ]
    return hits or None


@rule("8805", "A CIN case cannot have a CIN closure date without a Reason for Closure")
def r8805(c: Child, x: Context):
    hits = [
        (e.at("CINclosureDate"), _v(e, "CINclosureDate", "ReasonForClosure"))
        for e in c.episodes
        if e.f.get("CINclosureDate") and not e.f.get("ReasonForClosure")
    ]
    return hits or None


@rule("8810", "A CIN case cannot have a Reason for Closure without a CIN Closure Date")
def r8810(c: Child, x: Context):
    hits = [
        (e.at("ReasonForClosure"), _v(e, "ReasonForClosure", "CINclosureDate"))
        for e in c.episodes
        if e.f.get("ReasonForClosure") and not e.f.get("CINclosureDate")
    ]
    return hits or None


@rule(
    "8815",
    "More than one open CIN Details episode (a module with no CIN Closure Date) has been provided for this child and "
    "case is not a referral with no further action.",
)
def r8815(c: Child, x: Context):
    if len(c.episodes) > 1 and sum(1 for e in c.episodes if e.closure is None and e.nfa is False) > 1:
        return [
            (e.line, _v(e, "CINreferralDate", "CINclosureDate", "ReferralNFA")) for e in c.episodes if e.closure is None
        ]
    return None


@rule(
    "8816",
    "An open CIN episode is shown and case is not a referral with no further action, but it is not the latest episode.",
)
def r8816(c: Child, x: Context):
    if len(c.episodes) < 2:
        return None
    dates = [e.referral for e in c.episodes if e.referral]
    if not dates:
        return None
    latest = max(dates)
    hits = [
        (e.at("CINreferralDate"), _v(e, "CINreferralDate", "ReferralNFA"))
        for e in c.episodes
        if e.referral and e.closure is None and e.nfa is False and e.referral < latest
    ]
    return hits or None


@rule("8820", "The dates on the CIN episodes for this child overlap")
def r8820(c: Child, x: Context):
    # A referral date must not fall on or after another episode's referral date and before its
    # closure date (or, for an open episode that went on to further action, its reference date).
    # One episode may end on the day the next begins.
    eps = [e for e in c.episodes if e.referral]
    if len(eps) < 2:
        return None
    hits = []
    for a in eps:
        for b in eps:
            if a is b or a.referral < b.referral:
                continue
            if (b.closure and a.referral < b.closure) or (
                b.closure is None and b.nfa is False and x.ref and a.referral < x.ref
            ):
                hits.append((a.at("CINreferralDate"), {**_v(a, "CINreferralDate"), "other episode": _span(b)}))
                break
    return hits or None


#: The dates that open and close each kind of record, for describing the other side of an overlap.
_SPANS = (
    ("CINreferralDate", "CINclosureDate"),
    ("CINPlanStartDate", "CINPlanEndDate"),
    ("CPPstartDate", "CPPendDate"),
    ("S47ActualStartDate", "DateOfInitialCPC"),
    ("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
)


def _span(rec: Record) -> str:
    """The dates an episode, plan, section 47 or assessment runs: "2025-06-02 to 2025-07-01" (or "to open")."""
    for start, end in _SPANS:
        if start in rec.f:
            return f"{rec.f[start]} to {rec.f.get(end) or 'open'}"
    return ""


@rule(
    "8825Q",
    "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case closed after "
    "assessment) or RC9 (case closed after assessment, referred to early help) has been returned but there is no "
    "assessment present for the episode.",
)
def r8825q(c: Child, x: Context):
    hits = [
        (e.at("ReasonForClosure"), _v(e, "ReasonForClosure"))
        for e in c.episodes
        if e.f.get("ReasonForClosure") in ("RC8", "RC9") and not e.assessments
    ]
    return hits or None


@rule(
    "2990",
    "Activity is recorded against a case marked as ‘Case closed after assessment, no further action’ or 'case closed "
    "after assessment, referred to early help'.",
)
def r2990(c: Child, x: Context):
    # An episode closed RC8 or RC9 can have no section 47, CP plan, CIN plan or ICPC date.
    hits = [
        (e.at("ReasonForClosure"), {**_v(e, "ReasonForClosure", "DateOfInitialCPC"), "activity": _activity(e)})
        for e in c.episodes
        if e.f.get("ReasonForClosure") in ("RC8", "RC9")
        and (e.f.get("DateOfInitialCPC") or e.s47s or e.cpps or e.plans)
    ]
    return hits or None


def _activity(e) -> str:
    parts = []
    if e.s47s:
        parts.append("Section47")
    if e.plans:
        parts.append("CINPlanDates")
    if e.cpps:
        parts.append("ChildProtectionPlans")
    return ", ".join(parts)


@rule("8831", "Activity is recorded against a case marked as a referral with no further action")
def r8831(c: Child, x: Context):
    hits = []
    for e in c.episodes:
        if e.nfa is True and (e.icpc or any(s.start for s in e.s47s) or any(a.start or a.auth for a in e.assessments)):
            hits.append(
                (e.at("ReferralNFA"), {**_v(e, "ReferralNFA", "DateOfInitialCPC"), "activity": _nfa_activity(e)})
            )
    return hits or None


def _nfa_activity(e) -> str:
    parts = []
    if e.assessments:
        parts.append("Assessments")
    if e.s47s:
        parts.append("Section47")
    return ", ".join(parts)


@rule("8832", "Child Protection details provided for a referral with no further action.", needs="cpps")
def r8832(c: Child, x: Context):
    hits = [(e.at("ReferralNFA"), _v(e, "ReferralNFA")) for e in c.episodes if e.nfa is True and e.cpps]
    return hits or None


@rule("4000", "CIN Plan details provided for a referral with no further action", needs="plans")
def r4000(c: Child, x: Context):
    hits = [(e.at("ReferralNFA"), _v(e, "ReferralNFA")) for e in c.episodes if e.nfa is True and e.plans]
    return hits or None


@rule("8565", "Activity shown after a case has been closed")
def r8565(c: Child, x: Context):
    # If CINclosureDate is present it must be on or after every one of these that is present:
    # AssessmentActualStartDate, AssessmentAuthorisationDate, S47ActualStartDate,
    # DateOfInitialCPC, CPPendDate, CINPlanStartDate, CINPlanEndDate.
    hits = []
    for e in c.episodes:
        closed = e.closure
        if closed is None:
            continue
        later = []
        if e.icpc and e.icpc > closed:
            later.append(("DateOfInitialCPC", e.raw("DateOfInitialCPC")))
        for a in e.assessments:
            if a.start and a.start > closed:
                later.append(("AssessmentActualStartDate", a.raw("AssessmentActualStartDate")))
            if a.auth and a.auth > closed:
                later.append(("AssessmentAuthorisationDate", a.raw("AssessmentAuthorisationDate")))
        for s in e.s47s:
            if s.start and s.start > closed:
                later.append(("S47ActualStartDate", s.raw("S47ActualStartDate")))
            if s.icpc and s.icpc > closed:
                later.append(("DateOfInitialCPC", s.raw("DateOfInitialCPC")))
        for p in e.cpps:
            if p.end and p.end > closed:
                later.append(("CPPendDate", p.raw("CPPendDate")))
        for p in e.plans:
            if p.start and p.start > closed:
                later.append(("CINPlanStartDate", p.raw("CINPlanStartDate")))
            if p.end and p.end > closed:
                later.append(("CINPlanEndDate", p.raw("CINPlanEndDate")))
        if later:
            values = _v(e, "CINclosureDate")
            for tag, value in later:
                values.setdefault(tag, value)
            hits.append((e.at("CINclosureDate"), values))
    return hits or None


@rule("8867", "CIN episode is shown as closed, however Assessment is not shown as completed", needs="assessments")
def r8867(c: Child, x: Context):
    hits = [
        (a.line, {**_v(a.ep, "CINclosureDate"), **_v(a, "AssessmentActualStartDate", "AssessmentAuthorisationDate")})
        for a in c.assessments
        if a.ep.closure and a.auth is None
    ]
    return hits or None


@rule(
    "8868",
    "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by ICPC date or ICPC not "
    "required flag",
    needs="s47s",
)
def r8868(c: Child, x: Context):
    # In a closed episode every section 47 has either a conference date or ICPCnotRequired true
    # (and not both).
    hits = [
        (s.line, {**_v(s.ep, "CINclosureDate"), **_v(s, "DateOfInitialCPC", "ICPCnotRequired")})
        for s in c.s47s
        if s.ep.closure and (s.icpc is None) != (s.not_required is True)
    ]
    return hits or None


# ---------------------------------------------------------------------------------------------
# Dates within an episode compared with its referral date
# ---------------------------------------------------------------------------------------------
def _before_referral(items, element: str, date_attr: str):
    """Items whose date (`date_attr`, written as `element`) is before their episode's referral."""
    hits = [
        (i.at(element), {**_v(i, element), **_v(i.ep, "CINreferralDate")})
        for i in items
        if getattr(i, date_attr) and i.ep.referral and getattr(i, date_attr) < i.ep.referral
    ]
    return hits or None


@rule("1103", "The assessment start date cannot be before the referral date", needs="assessments")
def r1103(c: Child, x: Context):
    return _before_referral(c.assessments, "AssessmentActualStartDate", "start")


@rule("1104", "The date of the initial child protection conference cannot be before the referral date", needs="s47s")
def r1104(c: Child, x: Context):
    return _before_referral(c.s47s, "DateOfInitialCPC", "icpc")


@rule("1105", "The child protection plan start date cannot be before the referral date", needs="cpps")
def r1105(c: Child, x: Context):
    return _before_referral(c.cpps, "CPPstartDate", "start")


@rule("2889", "The S47 start date cannot be before the referral date.", needs="s47s")
def r2889(c: Child, x: Context):
    return _before_referral(c.s47s, "S47ActualStartDate", "start")


@rule("4015", "The CIN Plan start date cannot be before the referral date", needs="plans")
def r4015(c: Child, x: Context):
    return _before_referral(c.plans, "CINPlanStartDate", "start")


@rule(
    "2884",
    "An initial child protection conference is recorded at both the S47 and CIN Details level and it should only be "
    "recorded in one",
    needs="s47s",
)
def r2884(c: Child, x: Context):
    if not c.s47s:
        return None
    s47_dates = {s.icpc for s in c.s47s if s.icpc}
    hits = [(e.at("DateOfInitialCPC"), _v(e, "DateOfInitialCPC")) for e in c.episodes if e.icpc and e.icpc in s47_dates]
    return hits or None


@rule(
    "2885",
    "Child protection plan shown as starting a different day to the initial child protection conference.",
    needs="cpps",
)
def r2885(c: Child, x: Context):
    # A CP plan starting in the census year starts on the day of an initial conference: one on a
    # section 47 of the episode (leaving out those where the conference was not required) or, if
    # the episode has no such section 47, the one recorded on the episode itself.
    if x.ref is None:
        return None
    hits = []
    for p in c.cpps:
        if p.start is None or not x.in_period(p.start):
            continue
        s47s = [s for s in p.ep.s47s if s.not_required is not True]
        conferences = {s.icpc for s in s47s} if s47s else {p.ep.icpc}
        if p.start not in conferences:
            values = _v(p, "CPPstartDate")
            values["DateOfInitialCPC"] = (
                ", ".join(s.raw("DateOfInitialCPC") for s in s47s) if s47s else p.ep.raw("DateOfInitialCPC")
            )
            hits.append((p.at("CPPstartDate"), values))
    return hits or None


@rule(
    "2991Q",
    "Please check and either amend data or provide a reason: A Section 47 module is recorded and there is no "
    "assessment on the episode",
    needs="s47s",
)
def r2991q(c: Child, x: Context):
    hits = [(s.line, {"Section47": _span(s)}) for s in c.s47s if not s.ep.assessments]
    return hits or None


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------
@rule("8608", "Assessment Start Date cannot be later than its End Date", needs="assessments")
def r8608(c: Child, x: Context):
    hits = [
        (a.at("AssessmentActualStartDate"), _v(a, "AssessmentActualStartDate", "AssessmentAuthorisationDate"))
        for a in c.assessments
        if a.start and a.auth and a.start > a.auth
    ]
    return hits or None


@rule(
    "8614",
    "Parental or child factors at assessment should only be present for a completed assessment.",
    needs="assessments",
)
def r8614(c: Child, x: Context):
    hits = [
        (a.line, {**_v(a, "AssessmentAuthorisationDate"), "AssessmentFactors": ", ".join(f for f, _ in a.factors)})
        for a in c.assessments
        if a.auth is None and a.factors
    ]
    return hits or None


@rule("8696", "Assessment end date must fall within the census year", needs="assessments")
def r8696(c: Child, x: Context):
    if x.ref is None:
        return None
    hits = [
        (a.at("AssessmentAuthorisationDate"), _v(a, "AssessmentAuthorisationDate"))
        for a in c.assessments
        if a.auth and not x.in_period(a.auth)
    ]
    return hits or None


@rule(
    "8736",
    "For an Assessment that has not been completed, the start date must fall within the census year",
    needs="assessments",
)
def r8736(c: Child, x: Context):
    if x.ref is None:
        return None
    hits = [
        (a.at("AssessmentActualStartDate"), _v(a, "AssessmentActualStartDate", "AssessmentAuthorisationDate"))
        for a in c.assessments
        if a.auth is None and (a.start is None or not x.in_period(a.start))
    ]
    return hits or None


@rule(
    "8670Q",
    "Please check and either amend data or provide a reason: Assessment started more than 45 working days before the "
    "end of the census year. However, there is no Assessment end date.",
    needs="assessments",
)
def r8670q(c: Child, x: Context):
    limit = x.ref_minus_45wd
    if limit is None:
        return None
    hits = [
        (a.at("AssessmentActualStartDate"), _v(a, "AssessmentActualStartDate", "AssessmentAuthorisationDate"))
        for a in c.assessments
        if a.auth is None and a.start and a.start < limit
    ]
    return hits or None


@rule("8863Q", "An Assessment is shown as starting when there is another Assessment ongoing.", needs="assessments")
def r8863q(c: Child, x: Context):
    # Within an episode an assessment must not start on or between the start and authorisation
    # of another (or its start and the reference date, if it is not authorised). An exact
    # duplicate (same start and authorisation) is not compared with itself.
    hits = []
    for e in c.episodes:
        group = [a for a in e.assessments if a.start]
        if len(group) < 2:
            continue
        for a in group:
            for b in group:
                if a is b or (a.start == b.start and a.auth == b.auth) or a.start < b.start:
                    continue
                if (b.auth and a.start <= b.auth) or (b.auth is None and x.ref and a.start <= x.ref):
                    hits.append(
                        (
                            a.at("AssessmentActualStartDate"),
                            {**_v(a, "AssessmentActualStartDate"), "other assessment": _span(b)},
                        )
                    )
                    break
    return hits or None


@rule("8896", "Within one CINDetails group there are 2 or more open Assessments groups", needs="assessments")
def r8896(c: Child, x: Context):
    hits = []
    for e in c.episodes:
        open_ = [a for a in e.assessments if a.auth is None]
        if len(open_) > 1:
            hits.extend((a.line, _v(a, "AssessmentActualStartDate", "AssessmentAuthorisationDate")) for a in open_)
    return hits or None


@rule(
    "8869",
    "The assessment factors code “21” cannot be used in conjunction with any other assessment factors.",
    needs="assessments",
)
def r8869(c: Child, x: Context):
    hits = []
    for a in c.assessments:
        if len(a.factors) > 1 and any(code == "21" for code, _ in a.factors):
            hits.extend((line, {"AssessmentFactors": code}) for code, line in a.factors if code != "21")
    return hits or None


@rule(
    "8873Q",
    "Please check and either amend data or provide a reason: When there is only one assessment on the episode and the "
    "factors code “21 No factors identified” has been used for the completed assessment, the reason for closure ‘RC8’ "
    "or 'RC9' should be used.",
    needs="assessments",
)
def r8873q(c: Child, x: Context):
    hits = [
        (e.at("ReasonForClosure"), {**_v(e, "ReasonForClosure"), "AssessmentFactors": "21"})
        for e in c.episodes
        if len(e.assessments) == 1
        and any("21" in code for code, _ in e.assessments[0].factors)
        and e.f.get("ReasonForClosure") not in ("RC8", "RC9")
    ]
    return hits or None


# The factors DfE accepts, including the superseded 18A and 19A (queried by 8945Q and 8950Q).
_FACTORS = frozenset(code_lists.AssessmentFactor.values) | {"18A", "19A"}


@rule(
    "8897Q",
    "Parental or child factors at assessment information is missing from a completed assessment",
    needs="assessments",
)
def r8897q(c: Child, x: Context):
    # An assessment authorised on or after the start of the census year needs one or more
    # factors, all valid codes.
    if x.ref is None:
        return None
    hits = []
    for a in c.assessments:
        if a.auth is None or a.auth < x.start:
            continue
        if not a.factors:
            hits.append((a.line, {**_v(a, "AssessmentAuthorisationDate"), "AssessmentFactors": ""}))
        else:
            hits.extend((line, {"AssessmentFactors": code}) for code, line in a.factors if code not in _FACTORS)
    return hits or None


@rule("8898", "The assessment has more than one parental or child factors with the same code", needs="assessments")
def r8898(c: Child, x: Context):
    hits = []
    for a in c.assessments:
        if len(a.factors) > 1:
            counts = Counter(code for code, _ in a.factors)
            hits.extend((line, {"AssessmentFactors": code}) for code, line in a.factors if counts[code] > 1)
    return hits or None


@rule(
    "8945Q",
    "Please check and either amend data or provide a reason: the assessment factors code '18A' should not be used "
    "('18B' or '18C' should be used instead)",
    needs="assessments",
)
def r8945q(c: Child, x: Context):
    hits = [
        (line, {"AssessmentFactors": code}) for a in c.assessments for code, line in a.factors if code.upper() == "18A"
    ]
    return hits or None


@rule(
    "8950Q",
    "Please check and either amend data or provide a reason: the assessment factors code '19A' should not be used "
    "('19B' or '19C' should be used instead)",
    needs="assessments",
)
def r8950q(c: Child, x: Context):
    hits = [
        (line, {"AssessmentFactors": code}) for a in c.assessments for code, line in a.factors if code.upper() == "19A"
    ]
    return hits or None


# ---------------------------------------------------------------------------------------------
# CIN plans
# ---------------------------------------------------------------------------------------------
@rule("4010", "CIN Plan start date is missing or out of data collection period", needs="plans")
def r4010(c: Child, x: Context):
    hits = [
        (p.at("CINPlanStartDate"), _v(p, "CINPlanStartDate"))
        for p in c.plans
        if p.start is None or (x.ref and p.start > x.ref)
    ]
    return hits or None


@rule("4011", "CIN Plan End Date earlier than Start Date", needs="plans")
def r4011(c: Child, x: Context):
    hits = [
        (p.at("CINPlanEndDate"), _v(p, "CINPlanStartDate", "CINPlanEndDate"))
        for p in c.plans
        if p.end and p.start and p.end < p.start
    ]
    return hits or None


@rule(
    "4012Q",
    "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on the same day",
    needs="plans",
)
def r4012q(c: Child, x: Context):
    hits = [
        (p.at("CINPlanEndDate"), _v(p, "CINPlanStartDate", "CINPlanEndDate"))
        for p in c.plans
        if p.end and p.start == p.end
    ]
    return hits or None


@rule("4013", "CIN Plan end date must fall within the census year", needs="plans")
def r4013(c: Child, x: Context):
    if x.ref is None:
        return None
    hits = [(p.at("CINPlanEndDate"), _v(p, "CINPlanEndDate")) for p in c.plans if p.end and not x.in_period(p.end)]
    return hits or None


def _overlaps(later: datetime.date, other_start, other_end, ref, *, end_inclusive: bool) -> bool:
    """Does `later` (on or after `other_start`) fall within the other period (to its end, or to the
    reference date when it has no end)?"""
    if later < other_start:
        return False
    if other_end is not None:
        return later <= other_end if end_inclusive else later < other_end
    return ref is not None and later <= ref


@rule("4014", "CIN Plan data contains overlapping dates", needs="plans")
def r4014(c: Child, x: Context):
    plans = [p for p in c.plans if p.start]
    if len(plans) < 2:
        return None
    hits = []
    for a in plans:
        for b in plans:
            if a is not b and _overlaps(a.start, b.start, b.end, x.ref, end_inclusive=True):
                hits.append((a.at("CINPlanStartDate"), {**_v(a, "CINPlanStartDate"), "other CIN plan": _span(b)}))
                break
    return hits or None


@rule("4004", "This child is showing more than one open CIN Plan, i.e. with no End Date", needs="plans")
def r4004(c: Child, x: Context):
    hits = []
    for e in c.episodes:
        open_ = [p for p in e.plans if p.end is None]
        if len(open_) > 1:
            hits.extend((p.line, _v(p, "CINPlanStartDate", "CINPlanEndDate")) for p in open_)
    return hits or None


@rule("4001", "A CIN Plan cannot run concurrently with a Child Protection Plan", needs="cpps")
def r4001(c: Child, x: Context):
    # Within an episode, a CP plan with no end date and a CIN plan with no end date cannot both be present.
    hits = []
    for e in c.episodes:
        if any(cp.end is None for cp in e.cpps):
            hits.extend(
                (p.line, _v(p, "CINPlanStartDate", "CINPlanEndDate")) for p in e.plans if p.start and p.end is None
            )
    return hits or None


@rule("4016", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.", needs="cpps")
def r4016(c: Child, x: Context):
    # A CIN plan cannot start on or after a CP plan's start and before its end (or on or before
    # the reference date, if it has no end); it may start on the day the CP plan ends.
    if not c.cpps:
        return None
    hits = []
    for p in c.plans:
        if p.start is None:
            continue
        for cp in c.cpps:
            if cp.start and _overlaps(p.start, cp.start, cp.end, x.ref, end_inclusive=False):
                hits.append((p.at("CINPlanStartDate"), {**_v(p, "CINPlanStartDate"), "CP plan": _span(cp)}))
                break
    return hits or None


@rule("4017", "A CIN Plan has been reported as open at the same time as a Child Protection Plan.", needs="cpps")
def r4017(c: Child, x: Context):
    # A CP plan cannot start on or after a CIN plan's start and before its end (or on or before
    # the reference date, if it has no end); it may start on the day the CIN plan ends.
    if not c.plans:
        return None
    hits = []
    for cp in c.cpps:
        if cp.start is None:
            continue
        for p in c.plans:
            if p.start and _overlaps(cp.start, p.start, p.end, x.ref, end_inclusive=False):
                hits.append((cp.at("CPPstartDate"), {**_v(cp, "CPPstartDate"), "CIN plan": _span(p)}))
                break
    return hits or None


@rule("4003", "A CPP review date is shown as being held at the same time as an open CIN Plan.", needs="cpps")
def r4003(c: Child, x: Context):
    # Within an episode, no CP plan review can fall on or after a CIN plan's start and before its
    # end, unless the review is on the day the CP plan ends.
    hits = []
    for e in c.episodes:
        if not e.plans or not e.cpps:
            continue
        for cp in e.cpps:
            for review, raw, line in cp.reviews:
                if review is None or review == cp.end:
                    continue
                for p in e.plans:
                    if p.start and p.end and p.start <= review < p.end:
                        hits.append((line, {"CPPreviewDate": raw, "CIN plan": _span(p)}))
                        break
    return hits or None


@rule("4008", "CIN Plan shown as starting after the child’s Date of Death.", needs="dod")
def r4008(c: Child, x: Context):
    if c.dod is None:
        return None
    hits = [
        (p.at("CINPlanStartDate"), {**_v(p, "CINPlanStartDate"), **_v(c, "PersonDeathDate")})
        for p in c.plans
        if p.start and p.start > c.dod
    ]
    return hits or None


@rule("4009Q", "CIN Plan cannot end after the child’s Date of Death", needs="dod")
def r4009q(c: Child, x: Context):
    if c.dod is None:
        return None
    hits = [
        (p.at("CINPlanEndDate"), {**_v(p, "CINPlanEndDate"), **_v(c, "PersonDeathDate")})
        for p in c.plans
        if p.end and p.end > c.dod
    ]
    return hits or None


# ---------------------------------------------------------------------------------------------
# Section 47 enquiries
# ---------------------------------------------------------------------------------------------
@rule(
    "8615",
    "Section 47 Enquiry Start Date must be present and cannot be later than the date of the initial Child "
    "Protection Conference",
    needs="s47s",
)
def r8615(c: Child, x: Context):
    hits = [
        (s.at("S47ActualStartDate"), _v(s, "S47ActualStartDate", "DateOfInitialCPC"))
        for s in c.s47s
        if s.icpc and (s.start is None or s.start > s.icpc)
    ]
    return hits or None


@rule("8715", "Date of Initial Child Protection Conference must fall within the census year", needs="s47s")
def r8715(c: Child, x: Context):
    if x.ref is None:
        return None
    hits = [(s.at("DateOfInitialCPC"), _v(s, "DateOfInitialCPC")) for s in c.s47s if s.icpc and not x.in_period(s.icpc)]
    return hits or None


@rule(
    "8740",
    "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the end of the census year, "
    "the start date must fall within the census year",
    needs="s47s",
)
def r8740(c: Child, x: Context):
    if x.ref is None:
        return None
    hits = [
        (s.at("S47ActualStartDate"), _v(s, "S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"))
        for s in c.s47s
        if s.icpc is None and s.not_required is False and s.start and not x.in_period(s.start)
    ]
    return hits or None


@rule(
    "8675Q",
    "Please check and either amend data or provide a reason: S47 Enquiry started more than 15 working days before the "
    "end of the census year. However, there is no date of Initial Child Protection Conference.",
    needs="s47s",
)
def r8675q(c: Child, x: Context):
    limit = x.ref_minus_15wd
    if limit is None:
        return None
    hits = [
        (s.at("S47ActualStartDate"), _v(s, "S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"))
        for s in c.s47s
        if s.icpc is None and s.not_required is False and s.start and s.start < limit
    ]
    return hits or None


@rule("8839", "Within one CINDetails group there are 2 or more open S47 Assessments", needs="s47s")
def r8839(c: Child, x: Context):
    hits = []
    for e in c.episodes:
        open_ = [s for s in e.s47s if s.icpc is None and s.not_required is not True]
        if len(open_) > 1:
            hits.extend((s.line, _v(s, "S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired")) for s in open_)
    return hits or None


@rule(
    "8890", "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing", needs="s47s"
)
def r8890(c: Child, x: Context):
    # Within an episode a section 47 must not start on or between the start and conference of
    # another, or its start and the reference date if it has no conference and one was required.
    hits = []
    for e in c.episodes:
        group = [s for s in e.s47s if s.start]
        if len(group) < 2:
            continue
        for a in group:
            for b in group:
                if a is b or (a.start == b.start and a.icpc == b.icpc) or a.start < b.start:
                    continue
                if (b.icpc and a.start <= b.icpc) or (
                    b.icpc is None and b.not_required is not True and x.ref and a.start <= x.ref
                ):
                    hits.append(
                        (a.at("S47ActualStartDate"), {**_v(a, "S47ActualStartDate"), "other section 47": _span(b)})
                    )
                    break
    return hits or None


@rule(
    "8870Q",
    "Please check and either amend or provide a reason: The Target Date for Initial Child Protection Conference should "
    "not be a weekend",
    needs="s47s",
)
def r8870q(c: Child, x: Context):
    hits = [
        (s.at("InitialCPCtarget"), _v(s, "InitialCPCtarget")) for s in c.s47s if s.target and s.target.weekday() >= 5
    ]
    return hits or None


@rule("8875", "The Date of Initial Child Protection Conference cannot be a weekend", needs="s47s")
def r8875(c: Child, x: Context):
    hits = [(s.at("DateOfInitialCPC"), _v(s, "DateOfInitialCPC")) for s in c.s47s if s.icpc and s.icpc.weekday() >= 5]
    return hits or None


# ---------------------------------------------------------------------------------------------
# Child protection plans
# ---------------------------------------------------------------------------------------------
@rule("8720", "Child Protection Plan Start Date missing or out of data collection period", needs="cpps")
def r8720(c: Child, x: Context):
    hits = [
        (p.at("CPPstartDate"), _v(p, "CPPstartDate")) for p in c.cpps if p.start is None or (x.ref and p.start > x.ref)
    ]
    return hits or None


@rule("8730", "Total Number of previous Child Protection Plans missing", needs="cpps")
def r8730(c: Child, x: Context):
    # Must be present and a whole number, zero or more.
    hits = [
        (p.at("NumberOfPreviousCPP"), _v(p, "NumberOfPreviousCPP"))
        for p in c.cpps
        if not p.f.get("NumberOfPreviousCPP", "").isdigit()
    ]
    return hits or None


@rule(
    "8905",
    "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
    needs="cpps",
)
def r8905(c: Child, x: Context):
    hits = [
        (p.at("InitialCategoryOfAbuse"), _v(p, "InitialCategoryOfAbuse"))
        for p in c.cpps
        if p.f.get("InitialCategoryOfAbuse", "") not in _ABUSE_CATEGORIES
    ]
    return hits or None


@rule(
    "8910",
    "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census code set)",
    needs="cpps",
)
def r8910(c: Child, x: Context):
    hits = [
        (p.at("LatestCategoryOfAbuse"), _v(p, "LatestCategoryOfAbuse"))
        for p in c.cpps
        if p.f.get("LatestCategoryOfAbuse", "") not in _ABUSE_CATEGORIES
    ]
    return hits or None


@rule("8915", "Child Protection Plan shown as starting after the child’s Date of Death", needs="dod")
def r8915(c: Child, x: Context):
    if c.dod is None:
        return None
    hits = [
        (p.at("CPPstartDate"), {**_v(p, "CPPstartDate"), **_v(c, "PersonDeathDate")})
        for p in c.cpps
        if p.start and p.start > c.dod
    ]
    return hits or None


@rule("8920", "Child Protection Plan cannot end after the child’s Date of Death", needs="dod")
def r8920(c: Child, x: Context):
    if c.dod is None:
        return None
    hits = [
        (p.at("CPPendDate"), {**_v(p, "CPPendDate"), **_v(c, "PersonDeathDate")})
        for p in c.cpps
        if p.end and p.end > c.dod
    ]
    return hits or None


@rule("8925", "Child Protection Plan End Date earlier than Start Date", needs="cpps")
def r8925(c: Child, x: Context):
    hits = [
        (p.at("CPPendDate"), _v(p, "CPPstartDate", "CPPendDate"))
        for p in c.cpps
        if p.start and p.end and p.end < p.start
    ]
    return hits or None


@rule("8840", "Child Protection Plan cannot start and end on the same day", needs="cpps")
def r8840(c: Child, x: Context):
    hits = [(p.at("CPPendDate"), _v(p, "CPPstartDate", "CPPendDate")) for p in c.cpps if p.end and p.start == p.end]
    return hits or None


@rule("8930", "Child Protection Plan End Date must fall within the census year", needs="cpps")
def r8930(c: Child, x: Context):
    if x.ref is None:
        return None
    hits = [(p.at("CPPendDate"), _v(p, "CPPendDate")) for p in c.cpps if p.end and not x.in_period(p.end)]
    return hits or None


@rule("8935", "This child is showing more than one open Child Protection plan, i.e. with no End Date", needs="cpps")
def r8935(c: Child, x: Context):
    open_ = [p for p in c.cpps if p.end is None]
    if len(open_) > 1:
        return [(p.line, _v(p, "CPPstartDate", "CPPendDate")) for p in open_]
    return None


@rule("8940", "Child Protection Plan data contains overlapping dates", needs="cpps")
def r8940(c: Child, x: Context):
    plans = [p for p in c.cpps if p.start]
    if len(plans) < 2:
        return None
    hits = []
    for a in plans:
        for b in plans:
            if a is not b and _overlaps(a.start, b.start, b.end, x.ref, end_inclusive=True):
                hits.append((a.at("CPPstartDate"), {**_v(a, "CPPstartDate"), "other CP plan": _span(b)}))
                break
    return hits or None


@rule("8841", "The review date cannot be on the same day or before the Child protection Plan start date.", needs="cpps")
def r8841(c: Child, x: Context):
    hits = [
        (line, {**_v(p, "CPPstartDate"), "CPPreviewDate": raw})
        for p in c.cpps
        if p.start
        for review, raw, line in p.reviews
        if review and review <= p.start
    ]
    return hits or None


@rule("8842Q", "Please check and either amend or provide a reason: Review Record has a missing date", needs="cpps")
def r8842q(c: Child, x: Context):
    hits: list[Hit] = []
    for p in c.cpps:
        hits.extend((line, {"CPPreviewDate": raw}) for review, raw, line in p.reviews if review is None)
        hits.extend((line, {"CPPreviewDate": ""}) for count, line in p.review_groups if count == 0)
    return hits or None


# ---------------------------------------------------------------------------------------------
CHILD_RULES: tuple[Rule, ...] = tuple(r for r in RULES.values() if r.scope == "child")
#: Child rules every child goes through, then groups that only some children need.
ALWAYS: tuple[Rule, ...] = tuple(r for r in CHILD_RULES if r.needs is None)
NEEDED: tuple[tuple[str, tuple[Rule, ...]], ...] = tuple(
    (need, tuple(r for r in CHILD_RULES if r.needs == need)) for need in ("assessments", "plans", "s47s", "cpps", "dod")
)
FILE_RULES: tuple[Rule, ...] = tuple(r for r in RULES.values() if r.scope != "child")
