"""The census validator: every rule passes a near miss and fails a minimal bad child; the schema
checks (order, types, code lists, required elements); the command's exit codes and CSV; the
browser page (senior leaders only, clear errors for a bad upload)."""

from __future__ import annotations

import csv
import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from lantern.returns import views_validation
from lantern.returns.validation import RULES, SCHEMA, validate, validate_file
from lantern.returns.validation.rules import LA_CODES

# ---------------------------------------------------------------------------------------------
# Building census files. The defaults make a child that passes every rule; a case changes one
# thing. Two companion children (A1, B1) use enough disability codes for the whole-return
# queries 2887Q and 2888Q, so a file of clean children has no issues at all.
# ---------------------------------------------------------------------------------------------
_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def make_upn(digits: str = "888123456781", letter: str | None = None) -> str:
    """A UPN: check letter + 12 characters (LA code, 8 digits, last character)."""
    if letter is None:
        letter = _LETTERS[sum(int(d) * w for w, d in enumerate(digits, start=2)) % 23]
    return letter + digits


def _el(tag: str, value) -> str:
    return "" if value is None else f"<{tag}>{value}</{tag}>"


def assessment(start="2025-06-03", auth="2025-07-01", factors=("3B",), review=None) -> str:
    factors_xml = ""
    if factors is not None:
        factors_xml = "<FactorsIdentifiedAtAssessment>" + "".join(_el("AssessmentFactors", f) for f in factors)
        factors_xml += "</FactorsIdentifiedAtAssessment>"
    return (
        "<Assessments>"
        + _el("AssessmentActualStartDate", start)
        + _el("AssessmentInternalReviewDate", review)
        + _el("AssessmentAuthorisationDate", auth)
        + factors_xml
        + "</Assessments>"
    )


def plan(start="2025-07-10", end=None) -> str:
    return "<CINPlanDates>" + _el("CINPlanStartDate", start) + _el("CINPlanEndDate", end) + "</CINPlanDates>"


def s47(start="2025-06-03", icpc=None, not_required="false", target=None) -> str:
    return (
        "<Section47>"
        + _el("S47ActualStartDate", start)
        + _el("InitialCPCtarget", target)
        + _el("DateOfInitialCPC", icpc)
        + _el("ICPCnotRequired", not_required)
        + "</Section47>"
    )


def cpp(start="2025-07-01", end=None, initial="NEG", latest="NEG", previous="0", reviews=None) -> str:
    reviews_xml = ""
    if reviews is not None:
        reviews_xml = "<Reviews>" + "".join(_el("CPPreviewDate", r) for r in reviews) + "</Reviews>"
    return (
        "<ChildProtectionPlans>"
        + _el("CPPstartDate", start)
        + _el("CPPendDate", end)
        + _el("InitialCategoryOfAbuse", initial)
        + _el("LatestCategoryOfAbuse", latest)
        + _el("NumberOfPreviousCPP", previous)
        + reviews_xml
        + "</ChildProtectionPlans>"
    )


_DEFAULT = object()


def episode(
    referral="2025-06-02",
    source="1A",
    need="N1",
    closure=None,
    reason=None,
    icpc=None,
    assessments=_DEFAULT,
    plans=(),
    s47s=(),
    nfa="false",
    cpps=(),
) -> str:
    if assessments is _DEFAULT:
        assessments = (assessment(),)
    return (
        "<CINdetails>"
        + _el("CINreferralDate", referral)
        + _el("ReferralSource", source)
        + _el("PrimaryNeedCode", need)
        + _el("CINclosureDate", closure)
        + _el("ReasonForClosure", reason)
        + _el("DateOfInitialCPC", icpc)
        + "".join(assessments)
        + "".join(plans)
        + "".join(s47s)
        + _el("ReferralNFA", nfa)
        + "".join(cpps)
        + "</CINdetails>"
    )


def nfa_episode(referral="2025-06-02", **kw) -> str:
    """A referral with no further action: no assessment, no primary need, closed the same day."""
    kw.setdefault("closure", referral)
    kw.setdefault("reason", "RC7")
    return episode(referral=referral, need=None, nfa="true", assessments=(), **kw)


def child(
    id="X1",
    upn=_DEFAULT,
    former=None,
    unknown=None,
    dob="2015-05-01",
    edob=None,
    sex="F",
    dod=None,
    ethnicity="WBRI",
    disabilities=("NONE",),
    episodes=_DEFAULT,
) -> str:
    if episodes is _DEFAULT:
        episodes = (episode(),)
    if upn is _DEFAULT:  # a valid UPN of the council's, different for each ID
        upn = make_upn(f"888{zlib.crc32(id.encode()) % 10**8:08d}1")
    disabilities_xml = ""
    if disabilities is not None:
        disabilities_xml = "<Disabilities>" + "".join(_el("Disability", d) for d in disabilities) + "</Disabilities>"
    return (
        "<Child><ChildIdentifiers>"
        + _el("LAchildID", id)
        + _el("UPN", upn)
        + _el("FormerUPN", former)
        + _el("UPNunknown", unknown)
        + _el("PersonBirthDate", dob)
        + _el("ExpectedPersonBirthDate", edob)
        + _el("Sex", sex)
        + _el("PersonDeathDate", dod)
        + "</ChildIdentifiers><ChildCharacteristics>"
        + _el("Ethnicity", ethnicity)
        + disabilities_xml
        + "</ChildCharacteristics>"
        + "".join(episodes)
        + "</Child>"
    )


COMPANION_CODES = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS")


def companions(codes=COMPANION_CODES) -> list[str]:
    return [
        child(id="A1", upn=make_upn("888123456782")),
        child(
            id="B1",
            upn=make_upn("888123456783"),
            sex="M",
            dob="2012-01-01",
            disabilities=codes,
            episodes=[
                episode(
                    referral="2025-09-01",
                    closure="2025-10-01",
                    reason="RC8",
                    assessments=[assessment(start="2025-09-02", auth="2025-09-30", factors=("21",))],
                )
            ],
        ),
    ]


def census(*children: str, year="2026", ref="2026-03-31", extra_children=None) -> bytes:
    kids = list(children) + (companions() if extra_children is None else list(extra_children))
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<Message>\n<Header>\n<CollectionDetails>\n"
        f"<Collection>CIN</Collection>\n<Year>{year}</Year>\n{_el('ReferenceDate', ref)}\n"
        "</CollectionDetails>\n<Source>\n<SourceLevel>L</SourceLevel>\n<LEA>888</LEA>\n"
        "<SoftwareCode>Lantern</SoftwareCode>\n<Release>1</Release>\n<SerialNo>001</SerialNo>\n"
        "<DateTime>2026-05-01T09:30:00</DateTime>\n</Source>\n</Header>\n<Children>\n"
        + "\n".join(kids)
        + "\n</Children>\n</Message>\n"
    ).encode()


def flagged(xml: bytes) -> set[str]:
    """The rules flagged on anything but the companions (the header and whole return included)."""
    return {i.rule for i in validate_file(xml) if i.child not in ("A1", "B1")}


# ---------------------------------------------------------------------------------------------
# Every rule: (rule, a minimal file that breaks it, a near miss that passes it)
# ---------------------------------------------------------------------------------------------
E = episode
A = assessment
CASES = [
    # Header and whole return
    ("100", census(child(), ref="2026-03-30"), census(child())),
    ("100", census(child(), ref=None), census(child(), ref="2026-03-31")),
    (
        "2883",
        census(child(episodes=[E(s47s=[s47()], cpps=[cpp(start="2025-07-01")])])),
        census(child(episodes=[E(s47s=[s47(icpc="2025-07-01")], cpps=[cpp(start="2025-07-01")])])),
    ),
    (
        "2886Q",
        census(child(sex="U")),
        census(child(sex="U", dob=None, edob="2026-05-01", episodes=[E(assessments=())])),
    ),
    (
        "2887Q",
        census(child(), extra_children=companions(COMPANION_CODES[:7])),
        census(child(), extra_children=companions(COMPANION_CODES)),
    ),
    (
        "2888Q",
        census(child(disabilities=("MOB",)), extra_children=companions(("HAND",))),
        census(child(disabilities=("MOB",)), extra_children=companions(("HAND", "PC"))),
    ),
    # Child identifiers and characteristics
    ("8500", census(child(id="")), census(child(id="X1"))),
    (
        "8510",
        census(child(id="X1"), child(id="X1", upn=make_upn("888123456784"))),
        census(child(id="X1"), child(id="X2")),
    ),
    ("1570", census(child(id="X" + "1" * 20)), census(child(id="X" + "1" * 19))),
    ("1580", census(child(id="X-1")), census(child(id="X1"))),
    ("1580", census(child(id="X_1")), census(child(id="Xé1"))),
    (
        "1510",
        census(child(upn="A888123456781" if make_upn()[0] != "A" else "B888123456781")),
        census(child(upn=make_upn())),
    ),
    ("1520", census(child(upn=make_upn()), child(id="X2", upn=make_upn())), census(child(), child(id="X2"))),
    ("1530", census(child(upn=make_upn("999123456781"))), census(child(upn=make_upn("888123456781")))),
    ("1540", census(child(upn="A888A23456781")), census(child(upn=make_upn()))),
    ("1550", census(child(upn="A88812345678I")), census(child(upn="A88812345678A"))),
    ("1560Q", census(child(former="123")), census(child(former="T888123456789"))),
    ("4180", census(child(sex="1")), census(child(sex="M"))),
    ("4180", census(child(sex=None)), census(child(sex="U"))),
    (
        "8750",
        census(child(dob=None, edob="2026-05-01", sex="F", episodes=[E(assessments=())])),
        census(child(dob=None, edob="2026-05-01", sex="U", episodes=[E(assessments=())])),
    ),
    ("8520", census(child(dob="2026-04-01")), census(child(dob="2026-03-31"))),
    ("8525Q", census(child(dob="2015-05-01", edob="2026-05-01")), census(child(dob="2015-05-01"))),
    ("8525Q", census(child(dob=None, edob=None)), census(child(dob=None, edob="2026-05-01", sex="U"))),
    (
        "8530Q",
        census(child(dob=None, edob="2026-03-01", sex="U", episodes=[E(assessments=())])),
        census(child(dob=None, edob="2026-03-02", sex="U", episodes=[E(assessments=())])),
    ),
    (
        "8530Q",
        census(child(dob=None, edob="2026-12-31", sex="U", episodes=[E(assessments=())])),
        census(child(dob=None, edob="2026-12-30", sex="U", episodes=[E(assessments=())])),
    ),
    ("8535Q", census(child(dob="2015-05-01", dod="2015-04-30")), census(child(dob="2015-05-01", dod="2025-08-01"))),
    ("8535Q", census(child(dob=None, edob="2026-05-01", dod="2025-08-01")), census(child(dod="2025-08-01"))),
    ("8545Q", census(child(dod="2025-03-31")), census(child(dod="2025-04-01"))),
    ("8545Q", census(child(dod="2026-04-01")), census(child(dod="2026-03-31"))),
    (
        "8770Q",
        census(child(upn=None, unknown="UN1", dob="2020-08-31")),
        census(child(upn=None, unknown="UN1", dob="2020-09-01")),
    ),
    ("8770Q", census(child(upn=None, dob="2015-05-01")), census(child(upn=None, unknown="UN2", dob="2015-05-01"))),
    (
        "8772",
        census(child(upn=None, unknown="UN7", episodes=[E(), nfa_episode(referral="2025-05-01")])),
        census(child(upn=None, unknown="UN7", episodes=[nfa_episode()])),
    ),
    ("8775Q", census(child(dob="2001-03-30")), census(child(dob="2001-03-31"))),
    (
        "8775Q",
        census(child(dob="2000-06-01", episodes=[E(closure="2025-06-02", reason="RC7", assessments=())])),
        census(child(dob="2000-06-02", episodes=[E(closure="2025-06-02", reason="RC7", assessments=())])),
    ),
    ("4220", census(child(ethnicity="XXXX")), census(child(ethnicity="MWBA"))),
    ("4220", census(child(ethnicity=None)), census(child(ethnicity="NOBT"))),
    ("8540", census(child(disabilities=None)), census(child(disabilities=None, episodes=[nfa_episode()]))),
    ("8540", census(child(disabilities=("XYZ",))), census(child(disabilities=("DDA",)))),
    ("8790", census(child(disabilities=("NONE", "MOB"))), census(child(disabilities=("MOB",)))),
    ("8794", census(child(disabilities=("MOB", "MOB"))), census(child(disabilities=("MOB", "HAND")))),
    ("8590", census(child(episodes=[])), census(child())),
    (
        "8585Q",
        census(child(episodes=[E(closure="2025-07-02", reason="RC2")])),
        census(child(dod="2025-07-01", episodes=[E(closure="2025-07-02", reason="RC2")])),
    ),
    # Episodes
    ("8600", census(child(episodes=[E(referral="2026-04-01", assessments=())])), census(child())),
    ("8600", census(child(episodes=[E(referral=None, assessments=())])), census(child())),
    ("8606", census(child(dob="2026-03-10")), census(child(dob="2026-03-09"))),
    ("8606", census(child(dob=None, sex="U", edob="2026-03-10")), census(child(dob=None, sex="U", edob="2026-03-09"))),
    ("8555Q", census(child(dod="2025-06-01")), census(child(dod="2025-06-02"))),
    (
        # DfE: "If <CINreferralDate> is before [Start_of_Census_Year] minus 1 working day, <ReferralNFA> must be
        # false": 1 April 2025 minus one working day is Monday 31 March 2025.
        "8569Q",
        census(child(episodes=[nfa_episode(referral="2025-03-28", closure="2025-04-01")])),
        census(child(episodes=[nfa_episode(referral="2025-03-31", closure="2025-04-01")])),
    ),
    ("8568", census(child(episodes=[E(nfa="yes")])), census(child(episodes=[E(nfa="0")]))),
    ("8568", census(child(episodes=[E(nfa=None)])), census(child(episodes=[E(nfa="false")]))),
    ("8610", census(child(episodes=[E(need=None)])), census(child(episodes=[E(need="N0")]))),
    ("8650", census(child(episodes=[E(need="N10")])), census(child(episodes=[E(need="N9")]))),
    ("8866", census(child(episodes=[E(source="11")])), census(child(episodes=[E(source="10")]))),
    (
        "8866",
        census(child(episodes=[E(referral="2013-04-01", source=None, assessments=())])),
        census(child(episodes=[E(referral="2013-03-31", source=None, assessments=())])),
    ),
    (
        "8620",
        census(child(episodes=[E(referral="2025-01-06", closure="2025-03-31", reason="RC7", assessments=())])),
        census(child(episodes=[E(referral="2025-01-06", closure="2025-04-01", reason="RC7", assessments=())])),
    ),
    (
        "8630",
        census(child(episodes=[E(closure="2025-06-01", reason="RC7", assessments=())])),
        census(child(episodes=[E(closure="2025-06-02", reason="RC7", assessments=())])),
    ),
    (
        "8640",
        census(child(episodes=[E(closure="2025-07-02", reason="RC10")])),
        census(child(episodes=[E(closure="2025-07-02", reason="RC9")])),
    ),
    (
        "8805",
        census(child(episodes=[E(closure="2025-07-02")])),
        census(child(episodes=[E(closure="2025-07-02", reason="RC7")])),
    ),
    (
        "8810",
        census(child(episodes=[E(reason="RC7")])),
        census(child(episodes=[E(closure="2025-07-02", reason="RC7")])),
    ),
    (
        "8815",
        census(child(episodes=[E(referral="2025-05-01", assessments=()), E()])),
        census(child(episodes=[E(referral="2025-05-01", closure="2025-05-30", reason="RC7", assessments=()), E()])),
    ),
    (
        "8816",
        census(
            child(
                episodes=[
                    E(referral="2025-05-01", assessments=()),
                    E(referral="2025-06-02", closure="2025-06-30", reason="RC7", assessments=()),
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(referral="2025-05-01", closure="2025-05-30", reason="RC7", assessments=()),
                    E(referral="2025-06-02", assessments=()),
                ]
            )
        ),
    ),
    (
        "8820",
        census(child(episodes=[E(referral="2025-05-01", closure="2025-06-10", reason="RC7", assessments=()), E()])),
        census(
            child(
                episodes=[
                    E(referral="2025-05-01", closure="2025-06-10", reason="RC7", assessments=()),
                    E(referral="2025-06-10", assessments=[A(start="2025-06-11")]),
                ]
            )
        ),
    ),
    (
        "8825Q",
        census(child(episodes=[E(closure="2025-07-02", reason="RC8", assessments=())])),
        census(child(episodes=[E(closure="2025-07-02", reason="RC8")])),
    ),
    (
        "2990",
        census(child(episodes=[E(closure="2025-07-20", reason="RC8", plans=[plan(end="2025-07-20")])])),
        census(child(episodes=[E(closure="2025-07-20", reason="RC8")])),
    ),
    (
        "8831",
        census(child(episodes=[E(need=None, nfa="true", closure="2025-07-02", reason="RC7")])),
        census(child(episodes=[nfa_episode()])),
    ),
    (
        "8832",
        census(child(episodes=[nfa_episode(closure="2025-07-01", cpps=[cpp(start="2025-06-02", end="2025-07-01")])])),
        census(child(episodes=[nfa_episode()])),
    ),
    (
        "4000",
        census(child(episodes=[nfa_episode(closure="2025-07-01", plans=[plan(start="2025-06-02", end="2025-07-01")])])),
        census(child(episodes=[nfa_episode()])),
    ),
    (
        # DfE 8565: the closure date must be on or after every CPPendDate (among others).
        "8565",
        census(
            child(episodes=[E(closure="2025-08-01", reason="RC7", cpps=[cpp(start="2025-07-01", end="2025-08-05")])])
        ),
        census(
            child(episodes=[E(closure="2025-08-01", reason="RC7", cpps=[cpp(start="2025-07-01", end="2025-08-01")])])
        ),
    ),
    (
        "8565",
        census(child(episodes=[E(closure="2025-06-30", reason="RC7")])),
        census(child(episodes=[E(closure="2025-07-01", reason="RC7")])),
    ),
    (
        "8867",
        census(child(episodes=[E(closure="2025-07-02", reason="RC7", assessments=[A(auth=None, factors=None)])])),
        census(child(episodes=[E(closure="2025-07-02", reason="RC7")])),
    ),
    (
        "8868",
        census(child(episodes=[E(closure="2025-07-02", reason="RC7", s47s=[s47()])])),
        census(child(episodes=[E(closure="2025-07-02", reason="RC7", s47s=[s47(not_required="true")])])),
    ),
    (
        "8868",
        census(
            child(episodes=[E(closure="2025-07-02", reason="RC7", s47s=[s47(icpc="2025-06-20", not_required="1")])])
        ),
        census(child(episodes=[E(closure="2025-07-02", reason="RC7", s47s=[s47(icpc="2025-06-20")])])),
    ),
    # Dates against the referral date
    (
        "1103",
        census(child(episodes=[E(assessments=[A(start="2025-06-01")])])),
        census(child(episodes=[E(assessments=[A(start="2025-06-02")])])),
    ),
    (
        "1104",
        census(child(episodes=[E(s47s=[s47(start="2025-05-30", icpc="2025-06-01")])])),
        census(child(episodes=[E(s47s=[s47(start="2025-06-02", icpc="2025-06-02")])])),
    ),
    (
        "1105",
        census(child(episodes=[E(icpc="2025-06-01", cpps=[cpp(start="2025-06-01")])])),
        census(child(episodes=[E(icpc="2025-06-02", cpps=[cpp(start="2025-06-02")])])),
    ),
    (
        "2889",
        census(child(episodes=[E(s47s=[s47(start="2025-06-01")])])),
        census(child(episodes=[E(s47s=[s47(start="2025-06-02")])])),
    ),
    (
        "4015",
        census(child(episodes=[E(plans=[plan(start="2025-06-01")])])),
        census(child(episodes=[E(plans=[plan(start="2025-06-02")])])),
    ),
    (
        "2884",
        census(child(episodes=[E(icpc="2025-06-20", s47s=[s47(icpc="2025-06-20")])])),
        census(child(episodes=[E(icpc="2025-06-20", s47s=[s47(icpc="2025-06-19")])])),
    ),
    (
        "2885",
        census(child(episodes=[E(s47s=[s47(icpc="2025-06-30")], cpps=[cpp(start="2025-07-01")])])),
        census(child(episodes=[E(s47s=[s47(icpc="2025-07-01")], cpps=[cpp(start="2025-07-01")])])),
    ),
    (
        "2885",
        census(child(episodes=[E(icpc="2025-06-30", cpps=[cpp(start="2025-07-01")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(start="2025-07-01")])])),
    ),
    ("2991Q", census(child(episodes=[E(assessments=(), s47s=[s47()])])), census(child(episodes=[E(s47s=[s47()])]))),
    # Assessments
    (
        "8608",
        census(child(episodes=[E(assessments=[A(start="2025-07-02", auth="2025-07-01")])])),
        census(child(episodes=[E(assessments=[A(start="2025-07-01", auth="2025-07-01")])])),
    ),
    (
        "8614",
        census(child(episodes=[E(assessments=[A(auth=None, factors=("3B",))])])),
        census(child(episodes=[E(assessments=[A(auth=None, factors=None)])])),
    ),
    (
        "8696",
        census(child(episodes=[E(referral="2025-02-03", assessments=[A(start="2025-03-01", auth="2025-03-31")])])),
        census(child(episodes=[E(referral="2025-02-03", assessments=[A(start="2025-03-01", auth="2025-04-01")])])),
    ),
    (
        "8736",
        census(
            child(episodes=[E(referral="2025-03-03", assessments=[A(start="2025-03-31", auth=None, factors=None)])])
        ),
        census(
            child(episodes=[E(referral="2025-03-03", assessments=[A(start="2025-04-01", auth=None, factors=None)])])
        ),
    ),
    (
        # 31 March 2026 minus 45 working days is Tuesday 27 January 2026.
        "8670Q",
        census(
            child(episodes=[E(referral="2026-01-05", assessments=[A(start="2026-01-26", auth=None, factors=None)])])
        ),
        census(
            child(episodes=[E(referral="2026-01-05", assessments=[A(start="2026-01-27", auth=None, factors=None)])])
        ),
    ),
    (
        "8863Q",
        census(child(episodes=[E(assessments=[A(), A(start="2025-07-01", auth="2025-08-01")])])),
        census(child(episodes=[E(assessments=[A(), A(start="2025-07-02", auth="2025-08-01")])])),
    ),
    (
        "8896",
        census(
            child(
                episodes=[E(assessments=[A(auth=None, factors=None), A(start="2025-06-04", auth=None, factors=None)])]
            )
        ),
        census(child(episodes=[E(assessments=[A(auth=None, factors=None), A(start="2025-06-04")])])),
    ),
    (
        "8869",
        census(child(episodes=[E(assessments=[A(factors=("21", "3B"))])])),
        census(child(episodes=[E(assessments=[A(factors=("21",))], closure="2025-07-02", reason="RC8")])),
    ),
    (
        "8873Q",
        census(child(episodes=[E(assessments=[A(factors=("21",))])])),
        census(child(episodes=[E(assessments=[A(factors=("21",))], closure="2025-07-02", reason="RC9")])),
    ),
    (
        "8897Q",
        census(child(episodes=[E(assessments=[A(factors=None)])])),
        census(child(episodes=[E(assessments=[A(factors=("1A",))])])),
    ),
    (
        "8897Q",
        census(child(episodes=[E(assessments=[A(factors=())])])),
        census(child(episodes=[E(assessments=[A(factors=("24A",))])])),
    ),
    (
        "8897Q",
        census(child(episodes=[E(assessments=[A(factors=("99Z",))])])),
        census(child(episodes=[E(assessments=[A(factors=("20",))])])),
    ),
    (
        "8897Q",
        census(
            child(
                episodes=[
                    E(referral="2025-03-03", assessments=[A(start="2025-03-04", auth="2025-04-01", factors=None)])
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(referral="2025-03-03", assessments=[A(start="2025-03-04", auth="2025-03-31", factors=None)])
                ]
            )
        ),
    ),
    (
        "8898",
        census(child(episodes=[E(assessments=[A(factors=("3B", "3B"))])])),
        census(child(episodes=[E(assessments=[A(factors=("3B", "4B"))])])),
    ),
    (
        "8945Q",
        census(child(episodes=[E(assessments=[A(factors=("18A",))])])),
        census(child(episodes=[E(assessments=[A(factors=("18B",))])])),
    ),
    (
        "8950Q",
        census(child(episodes=[E(assessments=[A(factors=("19A",))])])),
        census(child(episodes=[E(assessments=[A(factors=("19C",))])])),
    ),
    # CIN plans
    (
        "4010",
        census(child(episodes=[E(plans=[plan(start="2026-04-01")])])),
        census(child(episodes=[E(plans=[plan(start="2026-03-31")])])),
    ),
    (
        "4010",
        census(child(episodes=[E(plans=[plan(start=None, end="2025-08-01")])])),
        census(child(episodes=[E(plans=[plan(end="2025-08-01")])])),
    ),
    (
        "4011",
        census(child(episodes=[E(plans=[plan(end="2025-07-09")])])),
        census(child(episodes=[E(plans=[plan(end="2025-07-11")])])),
    ),
    (
        "4012Q",
        census(child(episodes=[E(plans=[plan(end="2025-07-10")])])),
        census(child(episodes=[E(plans=[plan(end="2025-07-11")])])),
    ),
    (
        "4013",
        census(child(episodes=[E(plans=[plan(end="2026-04-01")])])),
        census(child(episodes=[E(plans=[plan(end="2026-03-31")])])),
    ),
    (
        "4014",
        census(child(episodes=[E(plans=[plan(end="2025-08-01"), plan(start="2025-08-01")])])),
        census(child(episodes=[E(plans=[plan(end="2025-08-01"), plan(start="2025-08-02")])])),
    ),
    (
        "4004",
        census(child(episodes=[E(plans=[plan(), plan(start="2025-08-01")])])),
        census(child(episodes=[E(plans=[plan(end="2025-07-31"), plan(start="2025-08-01")])])),
    ),
    (
        "4001",
        census(child(episodes=[E(icpc="2025-09-01", plans=[plan()], cpps=[cpp(start="2025-09-01")])])),
        census(child(episodes=[E(icpc="2025-09-01", plans=[plan(end="2025-09-01")], cpps=[cpp(start="2025-09-01")])])),
    ),
    (
        "4016",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-09-01")], plans=[plan(start="2025-08-01")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-09-01")], plans=[plan(start="2025-09-01")])])),
    ),
    (
        "4017",
        census(
            child(
                episodes=[
                    E(
                        icpc="2025-08-01",
                        plans=[plan(start="2025-07-01", end="2025-09-01")],
                        cpps=[cpp(start="2025-08-01")],
                    )
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(
                        icpc="2025-09-01",
                        plans=[plan(start="2025-07-01", end="2025-09-01")],
                        cpps=[cpp(start="2025-09-01")],
                    )
                ]
            )
        ),
    ),
    (
        "4003",
        census(
            child(
                episodes=[
                    E(
                        icpc="2025-06-20",
                        cpps=[cpp(start="2025-06-20", end="2025-07-10", reviews=["2025-08-01"])],
                        plans=[plan(start="2025-07-10", end="2025-12-01")],
                    )
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(
                        icpc="2025-06-20",
                        cpps=[cpp(start="2025-06-20", end="2025-07-10", reviews=["2025-07-09"])],
                        plans=[plan(start="2025-07-10", end="2025-12-01")],
                    )
                ]
            )
        ),
    ),
    (
        "4008",
        census(child(dod="2025-07-09", episodes=[E(plans=[plan()])])),
        census(child(dod="2025-07-10", episodes=[E(plans=[plan()])])),
    ),
    (
        "4009Q",
        census(child(dod="2025-07-20", episodes=[E(plans=[plan(end="2025-07-21")])])),
        census(child(dod="2025-07-20", episodes=[E(plans=[plan(end="2025-07-20")])])),
    ),
    # Section 47 enquiries
    (
        "8615",
        census(child(episodes=[E(s47s=[s47(start="2025-06-05", icpc="2025-06-04")])])),
        census(child(episodes=[E(s47s=[s47(start="2025-06-04", icpc="2025-06-04")])])),
    ),
    (
        "8615",
        census(child(episodes=[E(s47s=[s47(start=None, icpc="2025-06-04")])])),
        census(child(episodes=[E(s47s=[s47(icpc="2025-06-04")])])),
    ),
    (
        "8715",
        census(
            child(
                episodes=[
                    E(
                        referral="2025-03-03",
                        s47s=[s47(start="2025-03-20", icpc="2025-03-31")],
                        assessments=[A(start="2025-03-04", auth="2025-04-02")],
                    )
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(
                        referral="2025-03-03",
                        s47s=[s47(start="2025-03-20", icpc="2025-04-01")],
                        assessments=[A(start="2025-03-04", auth="2025-04-02")],
                    )
                ]
            )
        ),
    ),
    (
        "8740",
        census(
            child(
                episodes=[
                    E(
                        referral="2025-03-03",
                        s47s=[s47(start="2025-03-31")],
                        assessments=[A(start="2025-03-04", auth="2025-04-02")],
                    )
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(
                        referral="2025-03-03",
                        s47s=[s47(start="2025-04-01")],
                        assessments=[A(start="2025-03-04", auth="2025-04-02")],
                    )
                ]
            )
        ),
    ),
    (
        # 31 March 2026 minus 15 working days is Tuesday 10 March 2026.
        "8675Q",
        census(
            child(
                episodes=[
                    E(
                        referral="2026-03-02",
                        s47s=[s47(start="2026-03-09")],
                        assessments=[A(start="2026-03-03", auth="2026-03-20")],
                    )
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(
                        referral="2026-03-02",
                        s47s=[s47(start="2026-03-10")],
                        assessments=[A(start="2026-03-03", auth="2026-03-20")],
                    )
                ]
            )
        ),
    ),
    (
        "8839",
        census(child(episodes=[E(s47s=[s47(), s47(start="2025-06-10", not_required=None)])])),
        census(child(episodes=[E(s47s=[s47(), s47(start="2025-06-10", not_required="true")])])),
    ),
    (
        "8890",
        census(child(episodes=[E(s47s=[s47(icpc="2025-06-20"), s47(start="2025-06-20", not_required="true")])])),
        census(child(episodes=[E(s47s=[s47(icpc="2025-06-20"), s47(start="2025-06-23", not_required="true")])])),
    ),
    (
        "8870Q",
        census(child(episodes=[E(s47s=[s47(target="2025-06-21")])])),
        census(child(episodes=[E(s47s=[s47(target="2025-06-20")])])),
    ),
    (
        "8875",
        census(child(episodes=[E(s47s=[s47(icpc="2025-06-22")])])),
        census(child(episodes=[E(s47s=[s47(icpc="2025-06-23")])])),
    ),
    # Child protection plans
    (
        "8720",
        census(child(episodes=[E(icpc="2026-04-01", cpps=[cpp(start="2026-04-01")])])),
        census(child(episodes=[E(icpc="2026-03-31", cpps=[cpp(start="2026-03-31")])])),
    ),
    (
        "8720",
        census(child(episodes=[E(cpps=[cpp(start=None)])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp()])])),
    ),
    (
        "8730",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(previous=None)])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(previous="0")])])),
    ),
    (
        "8730",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(previous="-1")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(previous="12")])])),
    ),
    (
        "8905",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(initial="XYZ")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(initial="MUL")])])),
    ),
    (
        "8910",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(latest=None)])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(latest="EMO")])])),
    ),
    (
        "8915",
        census(child(dod="2025-06-30", episodes=[E(icpc="2025-07-01", cpps=[cpp()])])),
        census(child(dod="2025-07-01", episodes=[E(icpc="2025-07-01", cpps=[cpp()])])),
    ),
    (
        "8920",
        census(child(dod="2025-08-01", episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-08-02")])])),
        census(child(dod="2025-08-02", episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-08-02")])])),
    ),
    (
        "8925",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-06-30")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-07-02")])])),
    ),
    (
        "8840",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-07-01")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-07-02")])])),
    ),
    (
        "8930",
        census(
            child(
                episodes=[
                    E(
                        referral="2025-02-03",
                        icpc="2025-03-03",
                        assessments=[A(start="2025-02-04", auth="2025-04-01")],
                        cpps=[cpp(start="2025-03-03", end="2025-03-31")],
                    )
                ]
            )
        ),
        census(
            child(
                episodes=[
                    E(
                        referral="2025-02-03",
                        icpc="2025-03-03",
                        assessments=[A(start="2025-02-04", auth="2025-04-01")],
                        cpps=[cpp(start="2025-03-03", end="2025-04-01")],
                    )
                ]
            )
        ),
    ),
    (
        "8935",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(), cpp(start="2025-08-01")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-07-31"), cpp(start="2025-08-01")])])),
    ),
    (
        "8940",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-08-01"), cpp(start="2025-08-01")])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(end="2025-08-01"), cpp(start="2025-08-04")])])),
    ),
    (
        "8841",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(reviews=["2025-07-01"])])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(reviews=["2025-07-02"])])])),
    ),
    (
        "8842Q",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(reviews=[""])])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(reviews=["2025-09-01"])])])),
    ),
    (
        "8842Q",
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(reviews=[])])])),
        census(child(episodes=[E(icpc="2025-07-01", cpps=[cpp(reviews=None)])])),
    ),
]


def test_a_clean_file_has_no_issues():
    assert validate_file(census(child())) == []


def test_every_rule_of_the_community_ruleset_is_implemented_and_tested():
    # The community validator's cin2025_26 ruleset (`python -m cin_validator list -r cin2025_26`).
    community = [
        "100",
        "1103",
        "1104",
        "1105",
        "1510",
        "1520",
        "1530",
        "1540",
        "1550",
        "1560Q",
        "1570",
        "1580",
        "2883",
        "2884",
        "2885",
        "2886Q",
        "2887Q",
        "2888Q",
        "2889",
        "2990",
        "2991Q",
        "4000",
        "4001",
        "4003",
        "4004",
        "4008",
        "4009Q",
        "4010",
        "4011",
        "4012Q",
        "4013",
        "4014",
        "4015",
        "4016",
        "4017",
        "4180",
        "4220",
        "8500",
        "8510",
        "8520",
        "8525Q",
        "8530Q",
        "8535Q",
        "8540",
        "8545Q",
        "8555Q",
        "8565",
        "8568",
        "8569Q",
        "8585Q",
        "8590",
        "8600",
        "8606",
        "8608",
        "8610",
        "8614",
        "8615",
        "8620",
        "8630",
        "8640",
        "8650",
        "8670Q",
        "8675Q",
        "8696",
        "8715",
        "8720",
        "8730",
        "8736",
        "8740",
        "8750",
        "8770Q",
        "8772",
        "8775Q",
        "8790",
        "8794",
        "8805",
        "8810",
        "8815",
        "8816",
        "8820",
        "8825Q",
        "8831",
        "8832",
        "8839",
        "8840",
        "8841",
        "8842Q",
        "8863Q",
        "8866",
        "8867",
        "8868",
        "8869",
        "8870Q",
        "8873Q",
        "8875",
        "8890",
        "8896",
        "8897Q",
        "8898",
        "8905",
        "8910",
        "8915",
        "8920",
        "8925",
        "8930",
        "8935",
        "8940",
        "8945Q",
        "8950Q",
    ]
    assert sorted(RULES) == sorted(community)
    assert {rule for rule, _, _ in CASES} == set(community)
    assert all((RULES[c].severity == "query") == c.endswith("Q") for c in RULES)


@pytest.mark.parametrize(("rule", "bad", "good"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fails_the_bad_child_and_passes_the_near_miss(rule, bad, good):
    assert rule in flagged(bad)
    assert rule not in flagged(good)


def test_la_codes_for_upns():
    assert {"001", "005", "201", "420", "888", "943"} <= LA_CODES
    assert not {"000", "006", "999", "214"} & LA_CODES


# ---------------------------------------------------------------------------------------------
# The issues themselves
# ---------------------------------------------------------------------------------------------
def test_issue_has_child_rule_message_values_and_line():
    xml = census(child(id="X9", episodes=[E(closure="2025-07-02")]))
    [issue] = validate_file(xml)
    assert (issue.child, issue.rule, issue.severity) == ("X9", "8805", "error")
    assert issue.message == RULES["8805"].message
    assert issue.values == {"CINclosureDate": "2025-07-02", "ReasonForClosure": ""}
    line = xml.decode().splitlines()[issue.line - 1]
    assert "<CINclosureDate>2025-07-02</CINclosureDate>" in line


def test_issues_are_sorted_by_child_then_rule_with_the_header_first():
    xml = census(
        child(id="Z1", sex="1", episodes=[E(need=None)]),
        child(id="X1", ethnicity="XXXX", episodes=[E(reason="RC7")]),
        ref="2026-03-30",
    )
    keys = [(i.child, i.rule) for i in validate_file(xml)]
    assert keys[0] == (None, "100")
    assert [k for k in keys if k[0] == "X1"] == [("X1", "4220"), ("X1", "8810")]
    assert [k for k in keys if k[0] == "Z1"] == [("Z1", "4180"), ("Z1", "8610")]
    assert keys.index(("X1", "4220")) < keys.index(("Z1", "4180"))


def test_validate_accepts_a_path_bytes_or_an_open_file(tmp_path):
    xml = census(child(episodes=[E(closure="2025-07-02")]))
    target = tmp_path / "census.xml"
    target.write_bytes(xml)
    expected = validate_file(xml)
    assert expected
    assert validate_file(target) == expected
    assert validate_file(str(target)) == expected
    with open(target, "rb") as stream:
        assert validate_file(stream) == expected


def test_whole_return_rules_have_no_child():
    [issue] = [i for i in validate_file(census(child(), ref="2026-03-30"))]
    assert issue.child is None and issue.rule == "100"
    assert issue.values == {"ReferenceDate": "2026-03-30", "Year": "2026"}


# ---------------------------------------------------------------------------------------------
# Schema: layout, order, types, code lists, required elements
# ---------------------------------------------------------------------------------------------
def schema(xml: bytes) -> list[str]:
    return [i.message for i in validate_file(xml) if i.rule == SCHEMA]


def alone(*children: str, **kw) -> bytes:
    """A file with just these children (no companions): for the layout checks."""
    return census(*children, extra_children=[], **kw)


def test_schema_element_out_of_order():
    xml = alone(child()).replace(b"<Sex>F</Sex>", b"").replace(b"<LAchildID>X1", b"<Sex>F</Sex><LAchildID>X1")
    assert schema(xml) == ["<Sex> is out of order in <ChildIdentifiers>: it must come after <PersonBirthDate>"]
    xml = (
        alone(child())
        .replace(b"<UPN>", b"<Sex>M</Sex><UPN>")
        .replace(b"<Sex>F</Sex></ChildIdentifiers>", b"</ChildIdentifiers>")
    )
    assert schema(xml) == ["<Sex> is out of order in <ChildIdentifiers>: it must come after <PersonBirthDate>"]


def test_schema_order_of_episode_blocks():
    xml = alone(child(episodes=[E(nfa="false", plans=[plan()])]))
    moved = xml.replace(b"<ReferralNFA>false</ReferralNFA>", b"").replace(
        b"<Assessments>", b"<ReferralNFA>false</ReferralNFA><Assessments>", 1
    )
    assert schema(moved) == ["<ReferralNFA> is out of order in <CINdetails>: it must come after <CINPlanDates>"]
    assert schema(xml) == []


def test_schema_unknown_element_and_the_2026_27_block():
    xml = alone(child()).replace(b"<Sex>F</Sex>", b"<GenderCurrent>1</GenderCurrent><Sex>F</Sex>")
    assert schema(xml) == ["<GenderCurrent> is not part of <ChildIdentifiers> in the 2025-26 layout"]
    block = b"<PreProceedingsandFGDM><PPStartDate>2026-01-05</PPStartDate></PreProceedingsandFGDM></CINdetails>"
    xml = alone(child()).replace(b"</CINdetails>", block)
    assert schema(xml) == ["<PreProceedingsandFGDM> is not part of <CINdetails> in the 2025-26 layout"]


def test_schema_repeated_element():
    xml = alone(child()).replace(b"<Sex>F</Sex>", b"<Sex>F</Sex><Sex>M</Sex>")
    assert schema(xml) == ["<Sex> appears more than once in <ChildIdentifiers>"]


def test_schema_required_elements():
    xml = alone(child(episodes=[E(s47s=[s47(not_required=None)])]))
    assert schema(xml) == ["<Section47> has no <ICPCnotRequired>"]
    no_header_part = alone(child()).replace(b"<LEA>888</LEA>", b"")
    assert schema(no_header_part) == ["<Source> has no <LEA>"]


@pytest.mark.parametrize("bad", ["2025-13-01", "01/06/2025", "2025-6-1", "20250601", "yesterday"])
def test_schema_dates_must_be_yyyy_mm_dd(bad):
    issues = validate_file(alone(child(episodes=[E(closure=bad, reason="RC7")])))
    assert [(i.rule, i.message, i.values) for i in issues if i.rule == SCHEMA] == [
        (SCHEMA, "CINclosureDate must be a date in the form YYYY-MM-DD", {"CINclosureDate": bad})
    ]


def test_schema_booleans_and_whole_numbers():
    xml = alone(child(episodes=[E(s47s=[s47(not_required="True")])]))
    assert schema(xml) == ["ICPCnotRequired must be true or false"]
    assert schema(alone(child(episodes=[E(s47s=[s47(not_required="1")])]))) == []
    assert schema(alone(child(), year="20x6")) == ["Year must be a whole number"]


def test_schema_code_lists_where_no_rule_checks_them():
    assert schema(alone(child(upn=None, unknown="UN9"))) == ["UPNunknown 'UN9' is not a valid code"]
    # A child whose only referral had no further action: rule 8540 does not apply, the schema does.
    nfa_only = alone(child(disabilities=("XYZ",), episodes=[nfa_episode()]))
    assert schema(nfa_only) == ["Disability 'XYZ' is not a valid code"]


def test_a_bad_code_a_rule_reports_is_not_reported_twice():
    issues = validate_file(census(child(sex="1", disabilities=("XYZ",))))
    assert sorted(i.rule for i in issues) == ["4180", "8540"]


def test_schema_stray_text_between_elements():
    xml = alone(child()).replace(b"<PersonBirthDate>", b"PersonBirthDate<PersonBirthDate>")
    assert schema(xml) == ["Unexpected text after <UPN> in <ChildIdentifiers>"]


def test_schema_value_elements_hold_no_elements():
    xml = alone(child()).replace(b"<Sex>F</Sex>", b"<Sex><M/></Sex>")
    assert "<Sex> must hold a value, not other elements" in schema(xml)


def test_not_well_formed_xml_is_one_issue_with_its_line():
    [issue] = validate_file(b"<Message>\n<Header>\n</Message>")
    assert issue.rule == SCHEMA and issue.child is None and issue.line == 3
    assert issue.message.startswith("The file is not well-formed XML")


def test_root_must_be_message():
    assert schema(b"<Return><Header/></Return>") == ["The file's root element must be <Message>, not <Return>"]


def test_a_namespace_on_the_elements_is_read():
    xml = census(child(episodes=[E(closure="2025-07-02")])).replace(
        b"<Message>", b'<Message xmlns="http://www.dfe.gov.uk/CIN">'
    )
    assert [i.rule for i in validate_file(xml)] == ["8805"]


def test_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = alone(child(id="&x;")).replace(
        b"<Message>", f'<!DOCTYPE Message [<!ENTITY x SYSTEM "file://{secret}">]>\n<Message>'.encode(), 1
    )
    text = repr([(i.message, i.values) for i in validate_file(xml)])
    assert "TOP-SECRET" not in text


# ---------------------------------------------------------------------------------------------
# manage.py validate_cin_census
# ---------------------------------------------------------------------------------------------
def test_command_clean_file_exits_0(tmp_path):
    target = tmp_path / "census.xml"
    target.write_bytes(census(child()))
    out = io.StringIO()
    call_command("validate_cin_census", str(target), stdout=out)
    assert "3 children, 0 errors, 0 queries" in out.getvalue()
    assert "No errors." in out.getvalue()


def test_command_queries_alone_exit_0(tmp_path):
    target = tmp_path / "census.xml"
    target.write_bytes(census(child(episodes=[E(assessments=(), s47s=[s47(not_required="true")])])))
    out = io.StringIO()
    call_command("validate_cin_census", str(target), stdout=out)
    assert "0 errors, 1 queries" in out.getvalue()
    assert "2991Q" in out.getvalue()


def test_command_errors_exit_1_with_summary_issues_and_csv(tmp_path):
    target = tmp_path / "census.xml"
    target.write_bytes(census(child(id="X7", episodes=[E(closure="2025-07-02")]), ref="2026-03-30"))
    report = tmp_path / "issues.csv"
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("validate_cin_census", str(target), "--csv", str(report), stdout=out, stderr=err)
    assert exit_.value.code == 1
    text = out.getvalue()
    assert "3 children, 2 errors, 0 queries" in text
    assert "8805     error        1         1  A CIN case cannot have a CIN closure date" in text
    assert "X7\t8805\tline" in text
    assert "2 errors: the file is not ready for DfE." in err.getvalue()
    with open(report, newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["child", "rule", "message", "values", "line"]
    assert [(r["child"], r["rule"]) for r in rows] == [("", "100"), ("X7", "8805")]
    assert rows[1]["values"] == "CINclosureDate: 2025-07-02; ReasonForClosure: (blank)"
    assert rows[1]["line"].isdigit()


def test_command_csv_cannot_smuggle_a_formula(tmp_path):
    target = tmp_path / "census.xml"
    target.write_bytes(census(child(id="=HYPERLINK(1)")))
    report = tmp_path / "issues.csv"
    with pytest.raises(SystemExit):
        call_command(
            "validate_cin_census", str(target), "--csv", str(report), stdout=io.StringIO(), stderr=io.StringIO()
        )
    rows = list(csv.DictReader(open(report, newline="", encoding="utf-8")))  # noqa: SIM115
    assert {r["child"] for r in rows} == {"'=HYPERLINK(1)"}


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("validate_cin_census", str(tmp_path / "nope.xml"))


# ---------------------------------------------------------------------------------------------
# The browser page
# ---------------------------------------------------------------------------------------------
def upload(content: bytes, name: str = "census.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/xml")


def test_page_for_senior_leaders_only(client, world):
    url = reverse("returns:census_validate")
    client.force_login(world.users["leader"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Check a children in need census file" in response.content
    for name in ("sw_north", "tm_north", "sm_cin", "qa", "inspector"):
        client.force_login(world.users[name])
        assert client.get(url).status_code == 403
        assert client.post(url, {"census_file": upload(census(child()))}).status_code == 403
        assert client.get(reverse("returns:census_validate_csv")).status_code == 403


def test_page_needs_sign_in(client, db):
    response = client.get(reverse("returns:census_validate"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select a census file"),
        ({"census_file": upload(b"not xml at all", "census.xml")}, "The selected file must be an XML file"),
        ({"census_file": upload(census(child()), "census.csv")}, "The selected file must be an XML file"),
        (
            {"census_file": upload(b"<Message><Header></Message>")},
            "The selected file could not be read as XML (line 1)",
        ),
    ],
)
def test_bad_upload_is_refused_with_a_message_by_the_field(client, world, data, message):
    client.force_login(world.users["leader"])
    response = client.post(reverse("returns:census_validate"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    error = '<p id="id_census_file-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span>'
    assert f"{error} {message}" in html
    assert '<a href="#id_census_file">' in html
    assert "census_validation" not in client.session


def test_too_large_upload_is_refused(client, world, monkeypatch):
    monkeypatch.setattr(views_validation, "MAX_UPLOAD_BYTES", 100)
    client.force_login(world.users["leader"])
    response = client.post(reverse("returns:census_validate"), {"census_file": upload(census(child()))})
    assert "The selected file must be smaller than 50 MB" in response.content.decode()


def test_upload_shows_counts_issues_and_csv(client, world, django_assert_max_num_queries):
    client.force_login(world.users["leader"])
    xml = census(child(id="X5", episodes=[E(closure="2025-07-02")]), child(id="X6", sex="1"))
    response = client.post(reverse("returns:census_validate"), {"census_file": upload(xml)})
    assert response.status_code == 302 and response["Location"] == reverse("returns:census_validate")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("returns:census_validate"))
    html = response.content.decode()
    assert "census.xml: 2 errors and 0 queries." in html
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Issues by rule</caption>' in html
    assert '<th scope="row" class="govuk-table__header">8805</th>' in html
    assert '<td class="govuk-table__cell">X5</td>' in html
    assert "CINclosureDate: 2025-07-02; ReasonForClosure: (blank)" in html
    response = client.get(reverse("returns:census_validate_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="census-issues.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["child", "rule", "message", "values", "line"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("X5", "8805"), ("X6", "4180")]


def test_clean_upload_says_so(client, world):
    client.force_login(world.users["leader"])
    client.post(reverse("returns:census_validate"), {"census_file": upload(census(child()))})
    html = client.get(reverse("returns:census_validate")).content.decode()
    assert "census.xml: no errors (0 queries)." in html
    assert "No issues: the file follows the 2025-26 layout and passes every rule." in html


def test_issues_are_paginated_and_capped(client, world, monkeypatch):
    monkeypatch.setattr(views_validation, "MAX_KEPT_ISSUES", 60)
    client.force_login(world.users["leader"])
    kids = [child(id=f"X{n:03d}", sex="1") for n in range(70)]
    client.post(reverse("returns:census_validate"), {"census_file": upload(census(*kids))})
    html = client.get(reverse("returns:census_validate")).content.decode()
    assert "The file has 70 issues. The first 60 are listed below" in html
    assert "X049" in html and "X050" not in html
    assert "Showing 1 to 50 of 60" in html
    page2 = client.get(reverse("returns:census_validate"), {"page": 2}).content.decode()
    assert "X050" in page2 and "X059" in page2 and "X060" not in page2
    rows = list(csv.reader(io.StringIO(client.get(reverse("returns:census_validate_csv")).content.decode())))
    assert len(rows) == 61


def test_csv_before_any_check_goes_back_to_the_page(client, world):
    client.force_login(world.users["leader"])
    response = client.get(reverse("returns:census_validate_csv"))
    assert response.status_code == 302 and response["Location"] == reverse("returns:census_validate")


def test_result_counts_by_rule():
    result = validate(census(child(id="X1", sex="1"), child(id="X2", sex="2", upn=make_upn("888123456784"))))
    assert result.children == 4 and result.errors == 2 and result.queries == 0
    assert result.by_rule() == [("4180", "error", RULES["4180"].message, 2, 2)]
