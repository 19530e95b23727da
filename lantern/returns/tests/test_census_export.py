"""The CIN census export: structure and element order, the year's boundaries, what each block
holds, and a bounded number of queries whatever the number of children."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from lantern import factories as f
from lantern import reference
from lantern.casework.models import (
    Assessment,
    AssessmentFactorRecord,
    ChildProtectionPlan,
    CINPlan,
    CINPlanChild,
    CPPlanReview,
    Section47,
    StrategyDiscussion,
    WorkStatus,
)
from lantern.core.identifiers import make_upn
from lantern.people.models import Child, ChildDisability
from lantern.returns.census.export import build_census, census_period
from lantern.returns.models import ImportedPreviousPlans, ReturnJob, ReturnJobKind, ReturnJobStatus

SAMPLES = reference.SAMPLES
YEAR = 2026
NOW = datetime(2026, 5, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))

# The schema's sequence for each element (lantern/reference/cin-census.md, 2025-26 layout).
ORDER = {
    "Message": ["Header", "Children"],
    "Header": ["CollectionDetails", "Source"],
    "CollectionDetails": ["Collection", "Year", "ReferenceDate"],
    "Source": ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"],
    "Child": ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"],
    "ChildIdentifiers": ["LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate", "ExpectedPersonBirthDate",
                         "Sex", "PersonDeathDate"],
    "ChildCharacteristics": ["Ethnicity", "Disabilities"],
    "Disabilities": ["Disability"],
    "CINdetails": ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure",
                   "DateOfInitialCPC", "Assessments", "CINPlanDates", "Section47", "ReferralNFA",
                   "ChildProtectionPlans"],
    "Assessments": ["AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate",
                    "FactorsIdentifiedAtAssessment"],
    "FactorsIdentifiedAtAssessment": ["AssessmentFactors"],
    "CINPlanDates": ["CINPlanStartDate", "CINPlanEndDate"],
    "Section47": ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"],
    "ChildProtectionPlans": ["CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
                             "NumberOfPreviousCPP", "Reviews"],
    "Reviews": ["CPPreviewDate"],
}  # fmt: skip


def _export(**kwargs) -> etree._Element:
    return etree.fromstring(build_census(year=kwargs.pop("year", YEAR), la_code="888", now=NOW, **kwargs))


def _child(root, la_child_id: str):
    found = root.xpath(f"/Message/Children/Child[ChildIdentifiers/LAchildID='{la_child_id}']")
    return found[0] if found else None


def _tags(element) -> list[str]:
    return [e.tag for e in element]


def _text(element, path: str) -> list[str]:
    return [e.text for e in element.xpath(path)]


@pytest.fixture
def author(db):
    return f.make_worker("author")


def _assessment(episode, *, start, authorised=None, factors=()):
    a = Assessment.objects.create(
        episode=episode, child=episode.child, start_date=start, due_date=start, authorised_date=authorised,
        status=WorkStatus.APPROVED if authorised else WorkStatus.DRAFT,
    )  # fmt: skip
    for code in factors:
        AssessmentFactorRecord.objects.create(assessment=a, code=code)
    return a


def _cin_plan(episode, author, *, start, end=None):
    plan = CINPlan.objects.create(title="Plan", status=WorkStatus.APPROVED, start_date=start, end_date=end,
                                  author=author)  # fmt: skip
    return CINPlanChild.objects.create(plan=plan, child=episode.child, episode=episode, start_date=start, end_date=end)


def _s47(episode, author, *, start, target, icpc=None, not_required=False):
    discussion = StrategyDiscussion.objects.create(
        episode=episode, child=episode.child, date=start, attendees="x", concerns="x", rationale="x", recorded_by=author
    )
    return Section47.objects.create(episode=episode, child=episode.child, strategy_discussion=discussion,
                                    start_date=start, icpc_target_date=target, icpc_date=icpc,
                                    icpc_not_required=not_required)  # fmt: skip


def _cp(episode, *, start, end=None, initial="NEG", latest="NEG", reviews=()):
    plan = ChildProtectionPlan.objects.create(child=episode.child, episode=episode, start_date=start, end_date=end,
                                              initial_category=initial, latest_category=latest)  # fmt: skip
    for day in reviews:
        CPPlanReview.objects.create(plan=plan, date=day)
    return plan


@pytest.fixture
def full_child(author):
    """A child with every block: an earlier CP plan, then an episode in the year with all of it."""
    child = f.make_child(la_child_id="FULL1", upn=make_upn(888, 2000, 1), former_upn=make_upn(888, 2001, 2),
                         date_of_birth=date(2015, 3, 27), sex="F", ethnicity="MWBA")  # fmt: skip
    ChildDisability.objects.create(child=child, code="HEAR")
    ChildDisability.objects.create(child=child, code="HAND")
    old = f.open_cin_episode(child, referral_date=date(2022, 5, 3), closure_date=date(2023, 1, 10),
                             closure_reason="RC7")  # fmt: skip
    _cp(old, start=date(2022, 6, 1), end=date(2022, 12, 1))
    episode = f.open_cin_episode(child, referral_date=date(2025, 5, 1), referral_source="6", primary_need="N1")
    _assessment(episode, start=date(2025, 5, 2), authorised=date(2025, 6, 10), factors=["4B", "3B"])
    _cin_plan(episode, author, start=date(2025, 6, 16), end=date(2025, 8, 4))
    _s47(episode, author, start=date(2025, 8, 4), target=date(2025, 8, 26), icpc=date(2025, 8, 21))
    _cp(episode, start=date(2025, 8, 21), initial="EMO", latest="NEG", reviews=[date(2025, 11, 13), date(2026, 2, 12)])
    return child


def test_a_child_with_every_block_in_schema_order(full_child):
    root = _export()
    child = _child(root, "FULL1")
    assert _tags(child) == ["ChildIdentifiers", "ChildCharacteristics", "CINdetails"]
    ids = child.find("ChildIdentifiers")
    assert _tags(ids) == ["LAchildID", "UPN", "FormerUPN", "PersonBirthDate", "Sex"]
    assert ids.findtext("UPN") == full_child.upn and ids.findtext("FormerUPN") == full_child.former_upn
    assert ids.findtext("PersonBirthDate") == "2015-03-27" and ids.findtext("Sex") == "F"
    assert _text(child, "ChildCharacteristics/Ethnicity") == ["MWBA"]
    assert _text(child, "ChildCharacteristics/Disabilities/Disability") == ["HAND", "HEAR"]
    details = child.find("CINdetails")  # the 2022 episode closed before the year, so only one block
    assert len(child.findall("CINdetails")) == 1
    assert _tags(details) == ["CINreferralDate", "ReferralSource", "PrimaryNeedCode", "Assessments", "CINPlanDates",
                              "Section47", "ReferralNFA", "ChildProtectionPlans"]  # fmt: skip
    assert _text(details, "CINreferralDate|ReferralSource|PrimaryNeedCode|ReferralNFA") == [
        "2025-05-01", "6", "N1", "false"]  # fmt: skip
    assessment = details.find("Assessments")
    assert _tags(assessment) == ["AssessmentActualStartDate", "AssessmentAuthorisationDate",
                                 "FactorsIdentifiedAtAssessment"]  # fmt: skip
    assert _text(assessment, "*/AssessmentFactors") == ["3B", "4B"]
    assert _text(details, "CINPlanDates/*") == ["2025-06-16", "2025-08-04"]
    s47 = details.find("Section47")
    assert _tags(s47) == ["S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"]
    assert _text(s47, "*") == ["2025-08-04", "2025-08-26", "2025-08-21", "false"]
    cpp = details.find("ChildProtectionPlans")
    assert _tags(cpp) == ["CPPstartDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP",
                          "Reviews"]  # fmt: skip
    assert _text(cpp, "InitialCategoryOfAbuse|LatestCategoryOfAbuse|NumberOfPreviousCPP") == ["EMO", "NEG", "1"]
    assert _text(cpp, "Reviews/CPPreviewDate") == ["2025-11-13", "2026-02-12"]


def test_every_element_follows_the_schema_sequence(full_child):
    root = _export()
    for element in root.iter():
        if element.tag in ORDER:
            positions = [ORDER[element.tag].index(t) for t in _tags(element)]
            assert positions == sorted(positions), (element.tag, _tags(element))


def test_our_sequence_agrees_with_the_sample_files():
    """Each element's children in the published samples appear in the order we write them."""
    for name in ("CIN_Census_2024.xml", "CIN_Census_2026.xml", "fake_CIN_data.xml"):
        root = etree.parse(str(SAMPLES / name)).getroot()
        for element in root.iter():
            if element.tag in ORDER:
                tags = [t for t in _tags(element) if t in ORDER[element.tag]]
                positions = [ORDER[element.tag].index(t) for t in tags]
                assert positions == sorted(positions), (name, element.tag, tags)


def test_header(db):
    root = _export(serial_no=7)
    assert _text(root, "Header/CollectionDetails/*") == ["CIN", "2026", "2026-03-31"]
    source = root.find("Header/Source")
    assert _tags(source) == ORDER["Source"]
    assert _text(source, "SourceLevel|LEA|SoftwareCode|SerialNo|DateTime") == [
        "L", "888", "Lantern", "007", "2026-05-01T09:30:00"]  # fmt: skip
    assert source.findtext("Release")
    assert root.findall("Children/Child") == []


def test_dates_and_booleans_are_written_as_the_schema_wants(full_child):
    xml = build_census(year=YEAR, la_code="888", now=NOW).decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n  <Header>')
    assert "<ReferralNFA>false</ReferralNFA>" in xml and "<ICPCnotRequired>false</ICPCnotRequired>" in xml
    assert "True" not in xml and "False" not in xml


def test_year_boundaries(db):
    start, end = census_period(YEAR)
    assert (start, end) == (date(2025, 4, 1), date(2026, 3, 31))
    closed_on_31_march = f.make_child(la_child_id="CLOSED31")
    f.open_cin_episode(closed_on_31_march, referral_date=date(2025, 9, 1), closure_date=date(2026, 3, 31),
                       closure_reason="RC7")  # fmt: skip
    referred_1_april = f.make_child(la_child_id="NEXTYEAR")
    f.open_cin_episode(referred_1_april, referral_date=date(2026, 4, 1))
    closed_after = f.make_child(la_child_id="CLOSEDAFTER")
    f.open_cin_episode(closed_after, referral_date=date(2026, 1, 5), closure_date=date(2026, 4, 2),
                       closure_reason="RC7")  # fmt: skip
    closed_before = f.make_child(la_child_id="CLOSEDBEFORE")
    f.open_cin_episode(closed_before, referral_date=date(2024, 9, 1), closure_date=date(2025, 3, 31),
                       closure_reason="RC7")  # fmt: skip
    closed_1_april = f.make_child(la_child_id="CLOSED1APRIL")
    f.open_cin_episode(closed_1_april, referral_date=date(2024, 9, 1), closure_date=date(2025, 4, 1),
                       closure_reason="RC8")  # fmt: skip
    root = _export()
    assert _text(_child(root, "CLOSED31"), "CINdetails/CINclosureDate|CINdetails/ReasonForClosure") == [
        "2026-03-31", "RC7"]  # fmt: skip
    assert _child(root, "NEXTYEAR") is None
    after = _child(root, "CLOSEDAFTER").find("CINdetails")
    assert after.find("CINclosureDate") is None and after.find("ReasonForClosure") is None
    assert _child(root, "CLOSEDBEFORE") is None
    assert _text(_child(root, "CLOSED1APRIL"), "CINdetails/CINclosureDate") == ["2025-04-01"]
    # The year before: the child referred on 1 April 2026 is in the 2027 return only.
    assert _child(_export(year=2027), "NEXTYEAR") is not None


def test_activity_after_31_march_is_left_out(author):
    child = f.make_child(la_child_id="LATE", date_of_death=date(2026, 4, 20))
    episode = f.open_cin_episode(child, referral_date=date(2025, 12, 1))
    _assessment(episode, start=date(2026, 2, 2), authorised=date(2026, 4, 7), factors=["16A"])
    _cin_plan(episode, author, start=date(2026, 1, 12), end=date(2026, 4, 10))
    _s47(episode, author, start=date(2026, 3, 20), target=date(2026, 4, 14), icpc=date(2026, 4, 9))
    _cp(episode, start=date(2026, 1, 5), end=date(2026, 4, 15), reviews=[date(2026, 3, 30), date(2026, 4, 13)])
    # Started after 31 March: not in the return at all.
    _assessment(episode, start=date(2026, 4, 1))
    root = _export()
    child_el = _child(root, "LATE")
    assert child_el.find("ChildIdentifiers/PersonDeathDate") is None
    details = child_el.find("CINdetails")
    assessments = details.findall("Assessments")
    assert len(assessments) == 1
    assert _tags(assessments[0]) == ["AssessmentActualStartDate"]  # not authorised by 31 March, so no factors
    assert _text(details, "CINPlanDates/*") == ["2026-01-12"]
    assert _text(details, "Section47/*") == ["2026-03-20", "2026-04-14", "false"]
    cpp = details.find("ChildProtectionPlans")
    assert cpp.find("CPPendDate") is None
    assert _text(cpp, "Reviews/CPPreviewDate") == ["2026-03-30"]


def test_blocks_follow_the_census_rules_for_the_year(author):
    """Assessments: authorised in the year, or open and started in it. S47: ICPC in the year, or
    no ICPC by 31 March and started in it. Plans: open at some point in the year."""
    child = f.make_child(la_child_id="RULES")
    episode = f.open_cin_episode(child, referral_date=date(2024, 10, 1))
    _assessment(episode, start=date(2024, 10, 2), authorised=date(2024, 12, 1))  # finished last year: out
    _assessment(episode, start=date(2025, 2, 3), authorised=date(2025, 4, 10))  # authorised in the year: in
    _assessment(episode, start=date(2025, 3, 3))  # open, started last year: out (DfE rule 8736)
    _cin_plan(episode, author, start=date(2024, 11, 1), end=date(2025, 1, 1))  # ended last year: out
    _cin_plan(episode, author, start=date(2025, 1, 6), end=date(2025, 6, 1))  # ended in the year: in
    _s47(episode, author, start=date(2025, 3, 10), target=date(2025, 3, 31), icpc=date(2025, 3, 28))  # out
    _s47(episode, author, start=date(2025, 3, 24), target=date(2025, 4, 14), icpc=date(2025, 4, 11))  # in
    _s47(episode, author, start=date(2025, 5, 1), target=date(2025, 5, 22), not_required=True)  # in
    details = _child(_export(), "RULES").find("CINdetails")
    assert _text(details, "Assessments/AssessmentActualStartDate") == ["2025-02-03"]
    assert _text(details, "CINPlanDates/CINPlanStartDate") == ["2025-01-06"]
    assert _text(details, "Section47/S47ActualStartDate") == ["2025-03-24", "2025-05-01"]
    assert _text(details, "Section47/ICPCnotRequired") == ["false", "true"]


def test_a_referral_with_no_further_action_has_nothing_else(author):
    child = f.make_child(la_child_id="NFA1")
    episode = f.open_cin_episode(child, referral_date=date(2025, 7, 1), primary_need="", referral_nfa=True,
                                 closure_date=date(2025, 7, 2), closure_reason="RC7")  # fmt: skip
    # Rows that should not exist on an NFA referral are still not written.
    _assessment(episode, start=date(2025, 7, 1))
    _cp(episode, start=date(2025, 7, 1), end=date(2025, 7, 2))
    details = _child(_export(), "NFA1").find("CINdetails")
    assert _tags(details) == ["CINreferralDate", "ReferralSource", "CINclosureDate", "ReasonForClosure",
                              "ReferralNFA"]  # fmt: skip
    assert details.findtext("ReferralNFA") == "true"


def test_factors_only_for_authorised_assessments(db):
    child = f.make_child(la_child_id="FACTORS")
    episode = f.open_cin_episode(child, referral_date=date(2025, 6, 2))
    _assessment(episode, start=date(2025, 6, 3), authorised=date(2025, 7, 1), factors=["21"])
    _assessment(episode, start=date(2025, 9, 1), factors=["3B"])  # not authorised
    blocks = _child(_export(), "FACTORS").findall("CINdetails/Assessments")
    assert [_text(b, "FactorsIdentifiedAtAssessment/AssessmentFactors") for b in blocks] == [["21"], []]
    assert blocks[1].find("AssessmentAuthorisationDate") is None


def test_number_of_previous_cp_plans(db):
    child = f.make_child(la_child_id="CPPS")
    first = f.open_cin_episode(child, referral_date=date(2021, 1, 4), closure_date=date(2022, 2, 1),
                               closure_reason="RC7")  # fmt: skip
    _cp(first, start=date(2021, 2, 1), end=date(2021, 8, 1))
    _cp(first, start=date(2021, 9, 1), end=date(2022, 1, 20))
    current = f.open_cin_episode(child, referral_date=date(2025, 4, 14))
    _cp(current, start=date(2025, 5, 1), end=date(2025, 9, 1))
    _cp(current, start=date(2025, 10, 1))
    other = f.make_child(la_child_id="CPPNONE")
    _cp(f.open_cin_episode(other, referral_date=date(2025, 5, 5)), start=date(2025, 6, 2))
    root = _export()
    assert _text(_child(root, "CPPS"), "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP") == ["2", "3"]
    assert _text(_child(root, "CPPNONE"), "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP") == ["0"]


def test_an_imported_number_of_previous_plans_is_carried_forward(db):
    child = f.make_child(la_child_id="CARRY")
    episode = f.open_cin_episode(child, referral_date=date(2025, 4, 14))
    imported = _cp(episode, start=date(2025, 5, 1), end=date(2025, 9, 1))
    ImportedPreviousPlans.objects.create(plan=imported, number=4)
    _cp(episode, start=date(2025, 10, 1))
    numbers = _text(_child(_export(), "CARRY"), "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP")
    assert numbers == ["4", "5"]


def test_unborn_child_without_upn_or_disabilities(db):
    child = f.make_child(la_child_id="UNBORN", date_of_birth=None, expected_date_of_birth=date(2026, 6, 1), sex="U",
                         upn="", upn_unknown="UN1")  # fmt: skip
    f.open_cin_episode(child, referral_date=date(2026, 2, 2))
    ids = _child(_export(), "UNBORN").find("ChildIdentifiers")
    assert _tags(ids) == ["LAchildID", "UPNunknown", "ExpectedPersonBirthDate", "Sex"]
    assert _text(ids, "*") == ["UNBORN", "UN1", "2026-06-01", "U"]
    assert _text(_child(_export(), "UNBORN"), "ChildCharacteristics/Disabilities/Disability") == ["NONE"]


def test_children_in_la_child_id_order_one_block_per_episode(db):
    for la_id in ("B2", "A1", "C3"):
        child = f.make_child(la_child_id=la_id)
        f.open_cin_episode(child, referral_date=date(2025, 4, 10), closure_date=date(2025, 5, 1), closure_reason="RC7")
        f.open_cin_episode(child, referral_date=date(2025, 6, 2))
    root = _export()
    assert _text(root, "Children/Child/ChildIdentifiers/LAchildID") == ["A1", "B2", "C3"]
    assert [len(c.findall("CINdetails")) for c in root.iter("Child")] == [2, 2, 2]


def test_only_the_children_given_are_in_the_return(db):
    a, b = f.make_child(la_child_id="ONLYA"), f.make_child(la_child_id="ONLYB")
    f.open_cin_episode(a, referral_date=date(2025, 6, 2))
    f.open_cin_episode(b, referral_date=date(2025, 6, 2))
    root = _export(children=Child.objects.filter(pk=a.pk))
    assert _text(root, "Children/Child/ChildIdentifiers/LAchildID") == ["ONLYA"]


def test_restricted_children_are_counted(world):
    root = _export()
    ids = _text(root, "Children/Child/ChildIdentifiers/LAchildID")
    assert world.children["restricted"].la_child_id in ids and len(ids) == 5


def _authority(n: int, author) -> None:
    for i in range(n):
        child = f.make_child(la_child_id=f"Q{n}X{i}")
        ChildDisability.objects.create(child=child, code="AUT")
        episode = f.open_cin_episode(child, referral_date=date(2025, 5, 1))
        _assessment(episode, start=date(2025, 5, 2), authorised=date(2025, 6, 2), factors=["1B"])
        _cin_plan(episode, author, start=date(2025, 6, 9), end=date(2025, 7, 1))
        _s47(episode, author, start=date(2025, 7, 1), target=date(2025, 7, 22), icpc=date(2025, 7, 21))
        plan = _cp(episode, start=date(2025, 7, 21), reviews=[date(2025, 10, 13)])
        ImportedPreviousPlans.objects.create(plan=plan, number=1)


def test_the_number_of_queries_does_not_grow_with_the_children(author):
    _authority(2, author)
    with CaptureQueriesContext(connection) as small:
        few = _export()
    _authority(25, author)
    with CaptureQueriesContext(connection) as large:
        many = _export()
    assert len(few.findall("Children/Child")) == 2 and len(many.findall("Children/Child")) == 27
    assert len(many.findall(".//ChildProtectionPlans/Reviews")) == 27
    assert len(small.captured_queries) == len(large.captured_queries) <= 10


def test_bounded_queries(author, django_assert_max_num_queries):
    _authority(10, author)
    with django_assert_max_num_queries(10):
        build_census(year=YEAR, la_code="888")


def test_command_writes_the_file_and_records_the_run(full_child, tmp_path):
    out = tmp_path / "census.xml"
    err = StringIO()
    call_command("cin_census", "--year", "2026", "--la-code", "888", "--output", str(out), "--no-progress",
                 stderr=err)  # fmt: skip
    root = etree.parse(str(out)).getroot()
    assert _text(root, "Children/Child/ChildIdentifiers/LAchildID") == ["FULL1"]
    assert "1 children" in err.getvalue()
    job = ReturnJob.objects.get()
    assert job.kind == ReturnJobKind.CIN_CENSUS and job.status == ReturnJobStatus.DONE and job.created_by is None
    assert job.parameters == {"year": 2026, "la_code": "888", "output": str(out)}
    assert job.result_size == out.stat().st_size and len(job.result_sha256) == 64
    assert root.findtext("Header/Source/SerialNo") == f"{job.pk:03d}"


def test_command_refuses_a_bad_la_code(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="3 digits"):
        call_command("cin_census", "--year", "2026", "--la-code", "88")
    assert not ReturnJob.objects.exists()
