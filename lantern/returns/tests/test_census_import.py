"""The CIN census import: a round trip through a seeded council, idempotence, filling in from a
later return, and refusal with line numbers (nothing saved)."""

import re
from datetime import date
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from lxml import etree

from lantern import factories as f
from lantern import reference
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
from lantern.core.identifiers import make_upn
from lantern.people.models import Child, ChildDisability, Person
from lantern.returns.census.export import build_census
from lantern.returns.census.importer import SYSTEM_USERNAME, CensusImportError, import_census
from lantern.returns.models import ImportedPreviousPlans, ReturnJob, ReturnJobKind, ReturnJobStatus
from lantern.workforce.models import Worker

SAMPLES = reference.SAMPLES
TABLES = (Person, Child, ChildDisability, CINEpisode, Assessment, AssessmentFactorRecord, CINPlan, CINPlanChild,
          StrategyDiscussion, Section47, ChildProtectionPlan, CPPlanReview, ImportedPreviousPlans)  # fmt: skip


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in TABLES}


def _normalise(xml: bytes) -> bytes:
    """The return without what differs between two runs: the serial number and the time."""
    root = etree.fromstring(xml)
    for tag in ("SerialNo", "DateTime"):
        root.find(f"Header/Source/{tag}").text = "-"
    return etree.tostring(root)


def _file(children: str, *, year: int = 2026) -> BytesIO:
    """A census file around the given <Child> elements, with one element per line."""
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
<Header>
<CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>888</LEA><SoftwareCode>Test</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>{year}-04-02T10:00:00</DateTime></Source>
</Header>
<Children>
{children}
</Children>
</Message>
"""  # noqa: E501
    return BytesIO(xml.encode())


UPN = make_upn(888, 1234, 5)


def _child_xml(la_id: str = "IMP1", *, sex: str = "F", episodes: str = "", upn: str = UPN) -> str:
    return f"""<Child>
<ChildIdentifiers>
<LAchildID>{la_id}</LAchildID>
<UPN>{upn}</UPN>
<PersonBirthDate>2016-02-29</PersonBirthDate>
<Sex>{sex}</Sex>
</ChildIdentifiers>
<ChildCharacteristics>
<Ethnicity>WBRI</Ethnicity>
<Disabilities>
<Disability>AUT</Disability>
<Disability>COMM</Disability>
</Disabilities>
</ChildCharacteristics>
{episodes}
</Child>"""


EPISODE_OPEN = """<CINdetails>
<CINreferralDate>2025-05-01</CINreferralDate>
<ReferralSource>2A</ReferralSource>
<PrimaryNeedCode>N1</PrimaryNeedCode>
<Assessments>
<AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate>
<AssessmentAuthorisationDate>2025-06-10</AssessmentAuthorisationDate>
<FactorsIdentifiedAtAssessment>
<AssessmentFactors>3B</AssessmentFactors>
<AssessmentFactors>4B</AssessmentFactors>
</FactorsIdentifiedAtAssessment>
</Assessments>
<CINPlanDates>
<CINPlanStartDate>2025-06-16</CINPlanStartDate>
<CINPlanEndDate>2025-08-04</CINPlanEndDate>
</CINPlanDates>
<Section47>
<S47ActualStartDate>2025-08-04</S47ActualStartDate>
<InitialCPCtarget>2025-08-26</InitialCPCtarget>
<DateOfInitialCPC>2025-08-21</DateOfInitialCPC>
<ICPCnotRequired>false</ICPCnotRequired>
</Section47>
<ReferralNFA>false</ReferralNFA>
<ChildProtectionPlans>
<CPPstartDate>2025-08-21</CPPstartDate>
<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse>
<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
<NumberOfPreviousCPP>2</NumberOfPreviousCPP>
<Reviews>
<CPPreviewDate>2025-11-13</CPPreviewDate>
</Reviews>
</ChildProtectionPlans>
</CINdetails>"""

# The same episode a year later: the CP plan ended with a second review (category changed) and
# the episode closed.
EPISODE_CLOSED = (
    EPISODE_OPEN.replace(
        "<PrimaryNeedCode>N1</PrimaryNeedCode>",
        "<PrimaryNeedCode>N1</PrimaryNeedCode>\n<CINclosureDate>2026-06-01</CINclosureDate>\n"
        "<ReasonForClosure>RC7</ReasonForClosure>",
    )
    .replace("<CPPstartDate>2025-08-21</CPPstartDate>",
             "<CPPstartDate>2025-08-21</CPPstartDate>\n<CPPendDate>2026-05-20</CPPendDate>")
    .replace("<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>", "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>")
    .replace("<CPPreviewDate>2025-11-13</CPPreviewDate>",
             "<CPPreviewDate>2025-11-13</CPPreviewDate>\n<CPPreviewDate>2026-02-12</CPPreviewDate>")
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Round trip
# ---------------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("year", [2025, 2026])
def test_round_trip_through_an_empty_database(db, year):
    """Seed a council, export a year, throw the council away, import the file into the empty
    database and export again: the two returns are the same."""
    from lantern.synthetic.generator import seed_authority

    try:
        with transaction.atomic():
            seed_authority(size="tiny", seed=1, as_of=date(2026, 6, 30), progress=False)
            first = build_census(year=year, la_code="999")
            raise _Rollback
    except _Rollback:
        pass
    assert not Child.objects.exists() and not CINEpisode.objects.exists()
    root = etree.fromstring(first)
    assert len(root.findall("Children/Child")) > 20
    for block in ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans", "Reviews",
                  "FactorsIdentifiedAtAssessment", "CINclosureDate"):  # fmt: skip
        assert root.findall(f".//{block}"), f"the seeded council has no {block} to carry through"

    result = import_census(BytesIO(first), filename="first.xml")
    assert result.children == len(root.findall("Children/Child"))
    second = build_census(year=year, la_code="999")
    assert _normalise(second) == _normalise(first)

    # Importing the same file again changes nothing.
    counts = _counts()
    again = import_census(BytesIO(first), filename="first.xml")
    assert not again.changed
    assert _counts() == counts
    assert _normalise(build_census(year=year, la_code="999")) == _normalise(first)


# ---------------------------------------------------------------------------------------------
# What is loaded
# ---------------------------------------------------------------------------------------------


def test_import_loads_every_block(db):
    result = import_census(_file(_child_xml(episodes=EPISODE_OPEN)), filename="test.xml")
    child = Child.objects.select_related("person").get(la_child_id="IMP1")
    assert child.upn == UPN and not child.restricted
    assert child.person.full_name == "Name not recorded (IMP1)"
    assert (child.person.date_of_birth, child.person.sex, child.person.ethnicity) == (date(2016, 2, 29), "F", "WBRI")
    assert set(child.disabilities.values_list("code", flat=True)) == {"AUT", "COMM"}
    episode = CINEpisode.objects.get(child=child)
    assert (episode.referral_date, episode.referral_source, episode.primary_need, episode.closure_date) == (
        date(2025, 5, 1), "2A", "N1", None)  # fmt: skip
    assessment = Assessment.objects.get(episode=episode)
    assert assessment.status == WorkStatus.APPROVED and assessment.authorised_date == date(2025, 6, 10)
    assert set(assessment.factors.values_list("code", flat=True)) == {"3B", "4B"}
    section = CINPlanChild.objects.select_related("plan").get(child=child)
    assert (section.start_date, section.end_date, section.episode_id) == (date(2025, 6, 16), date(2025, 8, 4),
                                                                          episode.pk)  # fmt: skip
    assert section.plan.status == WorkStatus.APPROVED and section.plan.author.username == SYSTEM_USERNAME
    s47 = Section47.objects.select_related("strategy_discussion").get(child=child)
    assert (s47.start_date, s47.icpc_target_date, s47.icpc_date) == (date(2025, 8, 4), date(2025, 8, 26),
                                                                     date(2025, 8, 21))  # fmt: skip
    assert s47.strategy_discussion.date == s47.start_date
    plan = ChildProtectionPlan.objects.get(child=child)
    assert (plan.start_date, plan.end_date, plan.initial_category, plan.episode_id) == (
        date(2025, 8, 21), None, "EMO", episode.pk)  # fmt: skip
    assert list(plan.reviews.values_list("date", flat=True)) == [date(2025, 11, 13)]
    assert ImportedPreviousPlans.objects.get(plan=plan).number == 2
    system = Worker.objects.get(username=SYSTEM_USERNAME)
    assert not system.is_active and not system.has_usable_password()
    job = ReturnJob.objects.get()
    assert job == result.job and job.kind == ReturnJobKind.CIN_CENSUS_IMPORT and job.status == ReturnJobStatus.DONE
    assert job.parameters["filename"] == "test.xml" and len(job.parameters["sha256"]) == 64
    assert "1 children read" in job.message
    # ...and the export gives it back, NumberOfPreviousCPP included.
    exported = etree.fromstring(build_census(year=2026, la_code="888"))
    assert exported.findtext(".//NumberOfPreviousCPP") == "2"


def test_a_later_return_fills_in_what_was_open(db):
    import_census(_file(_child_xml(episodes=EPISODE_OPEN)))
    before = _counts()
    result = import_census(_file(_child_xml(episodes=EPISODE_CLOSED), year=2027))
    episode = CINEpisode.objects.get(child__la_child_id="IMP1")
    assert (episode.closure_date, episode.closure_reason) == (date(2026, 6, 1), "RC7")
    plan = ChildProtectionPlan.objects.get(child__la_child_id="IMP1")
    assert (plan.end_date, plan.latest_category) == (date(2026, 5, 20), "NEG")
    assert sorted(plan.reviews.values_list("date", flat=True)) == [date(2025, 11, 13), date(2026, 2, 12)]
    after = _counts()
    assert after["CPPlanReview"] == before["CPPlanReview"] + 1
    assert {k: v for k, v in after.items() if k != "CPPlanReview"} == {
        k: v for k, v in before.items() if k != "CPPlanReview"}  # fmt: skip
    assert result.updated == {"CIN episodes": 1, "child protection plans": 1}
    # An older return loaded afterwards never reopens or overwrites anything.
    import_census(_file(_child_xml(episodes=EPISODE_OPEN)))
    episode.refresh_from_db()
    plan.refresh_from_db()
    assert episode.closure_date == date(2026, 6, 1) and plan.end_date == date(2026, 5, 20)
    assert plan.latest_category == "NEG"


def test_previous_plan_numbers_stay_right_whatever_order_the_years_are_loaded(db):
    """2026 says the plan had 1 earlier plan; that plan then arrives with the 2023 return: still 1, not 2."""
    later = EPISODE_OPEN.replace("<NumberOfPreviousCPP>2</", "<NumberOfPreviousCPP>1</")
    earlier = """<CINdetails>
<CINreferralDate>2023-01-09</CINreferralDate><ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
<CINclosureDate>2023-09-01</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure><ReferralNFA>false</ReferralNFA>
<ChildProtectionPlans><CPPstartDate>2023-02-01</CPPstartDate><CPPendDate>2023-08-01</CPPendDate>
<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>
</CINdetails>"""
    import_census(_file(_child_xml(episodes=later)))
    assert etree.fromstring(build_census(year=2026, la_code="888")).findtext(".//NumberOfPreviousCPP") == "1"
    import_census(_file(_child_xml(episodes=earlier), year=2023))
    assert ChildProtectionPlan.objects.count() == 2
    assert etree.fromstring(build_census(year=2026, la_code="888")).findtext(".//NumberOfPreviousCPP") == "1"
    assert etree.fromstring(build_census(year=2023, la_code="888")).findtext(".//NumberOfPreviousCPP") == "0"


def test_existing_children_are_matched_by_la_child_id_and_never_changed(db):
    child = f.make_child(la_child_id="IMP1", first_name="Ada", sex="M", ethnicity="CHNE")
    import_census(_file(_child_xml(episodes=EPISODE_OPEN)))
    child.person.refresh_from_db()
    assert Child.objects.count() == 1
    assert (child.person.first_name, child.person.sex, child.person.ethnicity) == ("Ada", "M", "CHNE")
    assert CINEpisode.objects.filter(child=child).count() == 1


def test_elements_in_another_order_are_accepted(db):
    shuffled = """<Child>
<ChildCharacteristics><Disabilities><Disability>NONE</Disability></Disabilities><Ethnicity>AIND</Ethnicity></ChildCharacteristics>
<ChildIdentifiers><Sex>M</Sex><PersonBirthDate>2019-01-02</PersonBirthDate><UPNunknown>UN2</UPNunknown><LAchildID>SHUF</LAchildID></ChildIdentifiers>
<CINdetails><ReferralNFA>true</ReferralNFA><ReasonForClosure>RC7</ReasonForClosure><CINclosureDate>2025-09-02</CINclosureDate><ReferralSource>6</ReferralSource><CINreferralDate>2025-09-01</CINreferralDate></CINdetails>
</Child>"""  # noqa: E501
    import_census(_file(shuffled))
    child = Child.objects.select_related("person").get(la_child_id="SHUF")
    assert (child.upn, child.upn_unknown, child.person.ethnicity) == ("", "UN2", "AIND")
    episode = child.cin_episodes.get()
    assert episode.referral_nfa and episode.primary_need == "" and episode.closure_reason == "RC7"


def test_elements_lantern_does_not_keep_are_warnings(db):
    episode = EPISODE_OPEN.replace(
        "<AssessmentAuthorisationDate>",
        "<AssessmentInternalReviewDate>2025-05-20</AssessmentInternalReviewDate>\n<AssessmentAuthorisationDate>",
    ).replace("<ReferralNFA>", "<Mystery>1</Mystery>\n<ReferralNFA>")
    result = import_census(_file(_child_xml(episodes=episode)))
    assert len(result.warnings) == 2
    assert any("<AssessmentInternalReviewDate> was not loaded" in w for w in result.warnings)
    assert any("<Mystery> in <CINdetails>" in w for w in result.warnings)


# ---------------------------------------------------------------------------------------------
# Refused files: line-level errors, nothing saved
# ---------------------------------------------------------------------------------------------


def _line_of(source: BytesIO, text: str, occurrence: int = 1) -> int:
    lines = source.getvalue().decode().splitlines()
    found = [n for n, line in enumerate(lines, start=1) if text in line]
    return found[occurrence - 1]


def _refused(source: BytesIO) -> list[str]:
    before = _counts()
    with pytest.raises(CensusImportError) as caught:
        import_census(source)
    assert _counts() == before
    return [str(p) for p in caught.value.problems]


def test_an_invalid_file_is_refused_with_line_numbers_and_nothing_saved(db):
    bad_episode = (
        EPISODE_OPEN.replace("<ReferralSource>2A</ReferralSource>", "<ReferralSource>2Z</ReferralSource>")
        .replace("<CINPlanStartDate>2025-06-16</CINPlanStartDate>", "<CINPlanStartDate>16/06/2025</CINPlanStartDate>")
        .replace("<PrimaryNeedCode>N1</PrimaryNeedCode>",
                 "<PrimaryNeedCode>N1</PrimaryNeedCode>\n<CINclosureDate>2026-01-05</CINclosureDate>")
    )  # fmt: skip
    source = _file(_child_xml("GOOD1") + "\n" + _child_xml("BAD1", sex="X", episodes=bad_episode))
    problems = _refused(source)
    assert f"line {_line_of(source, '<Sex>X</Sex>')}: <Sex> 'X' is not a valid code (M, F, U)" in problems
    assert (
        f"line {_line_of(source, '<ReferralSource>2Z')}: <ReferralSource> '2Z' is not a valid code "
        "(1A, 1B, 1C, 1D, 2A, 2B, 3A, 3B, 3C, 3D, 3E, 3F, 4, 5A, 5B, 5C, 5D, 6, 7, 8, 9, 10)"
    ) in problems
    assert (f"line {_line_of(source, '16/06/2025')}: <CINPlanStartDate> '16/06/2025' is not a date in the form "
            "YYYY-MM-DD") in problems  # fmt: skip
    assert f"line {_line_of(source, '<CINclosureDate>')}: <CINclosureDate> needs a <ReasonForClosure>" in problems
    assert len(problems) == 4
    assert not Child.objects.filter(la_child_id="GOOD1").exists()  # the good child is not loaded either
    job = ReturnJob.objects.get()
    assert job.status == ReturnJobStatus.FAILED and job.message.startswith("Refused: line ")
    assert job.parameters["problems"] == 4


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("<LAchildID>IMP1</LAchildID>", "<LAchildID></LAchildID>"), "<LAchildID> is empty"),
        (("<LAchildID>IMP1</LAchildID>", ""), "<ChildIdentifiers> has no <LAchildID>"),
        (
            ("<LAchildID>IMP1</LAchildID>", "<LAchildID>IMP-1</LAchildID>"),
            "<LAchildID> 'IMP-1' is not valid: LA child ID must only include letters and numbers",
        ),
        (
            ("<PersonBirthDate>2016-02-29</PersonBirthDate>", "<PersonBirthDate>2017-02-29</PersonBirthDate>"),
            "<PersonBirthDate> '2017-02-29' is not a date in the form YYYY-MM-DD",
        ),
        (
            ("<PersonBirthDate>2016-02-29</PersonBirthDate>", ""),
            "<ChildIdentifiers> needs a <PersonBirthDate> or an <ExpectedPersonBirthDate>",
        ),
        ((UPN, "A12345678901Z"), "<UPN> 'A12345678901Z' is not a valid UPN"),
        (
            ("<Disability>COMM</Disability>", "<Disability>NONE</Disability>"),
            "<Disability> NONE cannot be combined with other disabilities",
        ),
        (("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WHITE</Ethnicity>"), "<Ethnicity> 'WHITE' is not a valid code"),
        (
            ("<ReferralNFA>false</ReferralNFA>", "<ReferralNFA>no</ReferralNFA>"),
            "<ReferralNFA> 'no' is not true or false",
        ),
        (
            ("<ReferralNFA>false</ReferralNFA>", "<ReferralNFA>true</ReferralNFA>"),
            "a referral with no further action (<ReferralNFA> true) cannot have",
        ),
        (("<PrimaryNeedCode>N1</PrimaryNeedCode>", ""), "<CINdetails> has no <PrimaryNeedCode>"),
        (
            ("<AssessmentFactors>4B</AssessmentFactors>", "<AssessmentFactors>3B</AssessmentFactors>"),
            "<AssessmentFactors> '3B' appears more than once",
        ),
        (
            ("<CPPreviewDate>2025-11-13</CPPreviewDate>", "<CPPreviewDate>2025-08-01</CPPreviewDate>"),
            "<CPPreviewDate> 2025-08-01 is before the plan's start",
        ),
        (
            ("<ICPCnotRequired>false</ICPCnotRequired>", "<ICPCnotRequired>true</ICPCnotRequired>"),
            "<ICPCnotRequired> is true but the enquiry has a <DateOfInitialCPC>",
        ),
        (
            ("<InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse>", ""),
            "<ChildProtectionPlans> has no <InitialCategoryOfAbuse>",
        ),
        (
            ("<NumberOfPreviousCPP>2</NumberOfPreviousCPP>", "<NumberOfPreviousCPP>two</NumberOfPreviousCPP>"),
            "<NumberOfPreviousCPP> 'two' is not a whole number",
        ),
        (
            ("<CINPlanEndDate>2025-08-04</CINPlanEndDate>", "<CINPlanEndDate>2025-06-01</CINPlanEndDate>"),
            "<CINPlanEndDate> 2025-06-01 is before the plan's start",
        ),
    ],
)
def test_each_kind_of_problem_is_refused(db, change, expected):
    old, new = change
    xml = _child_xml(episodes=EPISODE_OPEN)
    assert old in xml
    problems = _refused(_file(xml.replace(old, new, 1)))
    assert any(re.fullmatch(r"line \d+: .*", p) and expected in p for p in problems), problems


def test_file_level_problems(db):
    duplicate = _file(_child_xml("SAME") + "\n" + _child_xml("SAME"))
    problems = _refused(duplicate)
    assert problems == [f"line {_line_of(duplicate, '<Child>', 2)}: <LAchildID> 'SAME' is used by another child "
                        f"(line {_line_of(duplicate, '<Child>')})"]  # fmt: skip
    two_open = _file(_child_xml(episodes=EPISODE_OPEN + EPISODE_OPEN.replace("2025-05-01", "2025-05-03")))
    problems = _refused(two_open)
    assert any("has more than one open CIN episode" in p for p in problems)
    assert any("has more than one open child protection plan" in p for p in problems)


def test_not_well_formed_xml(db):
    problems = _refused(BytesIO(b"<Message>\n<Header>\n</Message>\n"))
    assert len(problems) == 1 and problems[0].startswith("line 3: the file is not well-formed XML")


def test_a_file_that_is_not_a_census(db):
    problems = _refused(BytesIO(b'<?xml version="1.0"?>\n<Workbook/>\n'))
    assert problems == ["line 2: the file's root element is <Workbook>, not <Message>"]
    wrong = _file(_child_xml()).getvalue().replace(b"<Collection>CIN</Collection>", b"<Collection>CLA</Collection>")
    assert _refused(BytesIO(wrong)) == ["line 4: <Collection> 'CLA' is not CIN"]


def test_entities_are_not_expanded(db, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    xml = (
        _file(_child_xml())
        .getvalue()
        .decode()
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE Message [<!ENTITY x SYSTEM "file://{secret}">]>',
        )
        .replace("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>&x;</Ethnicity>")
    )
    problems = _refused(BytesIO(xml.encode()))
    assert not any("TOPSECRET" in p for p in problems)
    assert not Person.objects.filter(ethnicity__contains="TOP").exists()


def test_a_conflict_with_the_record_is_refused(db):
    child = f.make_child(la_child_id="IMP1")
    f.open_cin_episode(child, referral_date=date(2026, 1, 5))
    source = _file(_child_xml(episodes=EPISODE_OPEN))
    problems = _refused(source)
    assert problems == [f"line {_line_of(source, '<Child>')}: LAchildID 'IMP1' would have more than one open CIN "
                        "episode: Lantern already holds an open CIN episode that this file does not close"]  # fmt: skip


def test_the_published_samples_are_refused_with_reasons(db):
    problems = _refused(BytesIO((SAMPLES / "CIN_Census_2024.xml").read_bytes()))
    assert "line 25: <Sex> '1' is not a valid code (M, F, U)" in problems
    assert any(p.startswith("line 46: <AssessmentFactors> 'RB' is not a valid code (1A, 1B") for p in problems)
    assert any(p.startswith("line 21: <UPN> 'A123456789123' is not a valid UPN") for p in problems)
    old_layout = _refused(BytesIO((SAMPLES / "fake_CIN_data.xml").read_bytes()))
    assert (
        "line 19: <ChildIdentifiers> has no <Sex>: this file has the pre-2024 <GenderCurrent>; returns from "
        "2024-25 on use <Sex> (M, F, U)" in old_layout
    )


# ---------------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------------


def test_command_imports_and_reports(db, tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(_file(_child_xml(episodes=EPISODE_OPEN)).getvalue())
    out = StringIO()
    call_command("import_cin_census", str(path), "--no-progress", stdout=out, stderr=StringIO())
    assert "1 children read. Added: 1 people, 1 children, 2 disabilities, 1 CIN episodes" in out.getvalue()
    out = StringIO()
    call_command("import_cin_census", str(path), "--no-progress", stdout=out, stderr=StringIO())
    assert "Added: nothing new." in out.getvalue()
    assert Child.objects.count() == 1


def test_command_dry_run_saves_nothing(db, tmp_path):
    path = tmp_path / "census.xml"
    path.write_bytes(_file(_child_xml(episodes=EPISODE_OPEN)).getvalue())
    out = StringIO()
    call_command("import_cin_census", str(path), "--dry-run", "--no-progress", stdout=out, stderr=StringIO())
    assert "Would add: 1 people" in out.getvalue()
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_command_prints_problems_and_fails(db, tmp_path):
    path = tmp_path / "bad.xml"
    source = _file(_child_xml(sex="X"))
    path.write_bytes(source.getvalue())
    err = StringIO()
    with pytest.raises(CommandError, match="refused: 1 problem"):
        call_command("import_cin_census", str(path), "--no-progress", stderr=err)
    assert f"{path}: line {_line_of(source, '<Sex>')}: <Sex> 'X' is not a valid code (M, F, U)" in err.getvalue()
    assert not Child.objects.exists()
