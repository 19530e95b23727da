"""Where our validator and the community one (csc-validator-be-cin, ruleset cin2025_26) disagree.

`make conformance` (scripts/conformance.py) runs both on our exports and on the community's
sample files. Each disagreement it has found is reproduced here with a tiny hand-made file,
asserting our result, with the DfE rule text that shows which side is right and what the
community code does instead. The first four come from the samples in
lantern/reference/census-samples/; the rest were found by running the community validator
on the files of test_validation.py, and could turn up in a real return.
"""

from __future__ import annotations

import pytest

from lantern.returns.tests.test_validation import (
    COMPANION_CODES,
    assessment,
    census,
    child,
    companions,
    cpp,
    episode,
    flagged,
    nfa_episode,
    plan,
    s47,
)
from lantern.returns.validation import validate_file


# ---------------------------------------------------------------------------------------------
# Found on the community's samples
# ---------------------------------------------------------------------------------------------
def test_8565_closure_date_before_a_cp_plan_end_date():
    # CIN2rows.xml, CIN_Census_2021_copy.xml, CIN_Census_2021_no_assessment_factors.xml: the episode
    # closes on 27 February 2023 and its CP plan ends on 14 March 2023.
    # DfE 8565: "If <CINclosureDate> (N00102) is present then it must be on or after all of the
    # following dates that are present: ... <CPPendDate> (N00115) ...". The community code replaces
    # the CP plans with a leftover one-row test table before comparing, so never sees CPPendDate.
    late = census(child(episodes=[episode(closure="2025-08-01", reason="RC7", cpps=[cpp(end="2025-08-05")])]))
    same_day = census(child(episodes=[episode(closure="2025-08-01", reason="RC7", cpps=[cpp(end="2025-08-01")])]))
    assert "8565" in flagged(late)
    assert "8565" not in flagged(same_day)


def test_dates_before_1678_are_still_dates():
    # CIN_Census_2021.xml, CIN_header_issues_100.xml, CIN_la_issues_2887Q.xml: the child has both
    # <PersonBirthDate>1965-03-27</PersonBirthDate> and <ExpectedPersonBirthDate>1066-04-13</...>.
    # 1066-04-13 is a valid xs:date, but the community validator reads dates with pandas, which
    # cannot hold a date before 1678, so it sees no expected date of birth. DfE:
    #   8525Q "Either Date of Birth or Expected Date of Birth must be provided (but not both)";
    #   8530Q "If present <ExpectedPersonBirthDate> (N00098) should be between [<ReferenceDate>
    #         minus 30 days] and [<ReferenceDate> plus 9 months]";
    #   2886Q counts children with no sex "and the <ExpectedPersonBirthDate> (N00098) is equal to
    #         missing" - this child has one, so is not counted (they have GenderCurrent, not Sex).
    xml = census(child(dob="2015-03-27", edob="1066-04-13", sex=None), extra_children=[])
    rules = flagged(xml)
    assert {"8525Q", "8530Q"} <= rules
    assert "2886Q" not in rules
    assert "2886Q" in flagged(census(child(dob="2015-03-27", sex=None), extra_children=[]))


def test_2887q_counts_the_different_codes_used_not_none_rows():
    # fake_CIN_data.xml uses 12 different disability codes and has 6 NONE rows.
    # DfE 2887Q: "Excluding children where <Disability> (N00099) is 'NONE', the number of different
    # disability codes used by a LA should be more than 7." The community code keeps only the NONE
    # rows and counts those, so it queries a return with 8 or more codes and few NONEs, and passes
    # one with 8 NONEs and 2 codes.
    eight_codes = census(child(), extra_children=companions(COMPANION_CODES))
    assert "2887Q" not in flagged(eight_codes)
    eight_nones = [child(id=f"N{n}", disabilities=("NONE",)) for n in range(8)]
    two_codes = census(*eight_nones, extra_children=companions(("MOB", "HAND")))
    assert "2887Q" in flagged(two_codes)


def test_8569q_one_working_day_before_the_start_of_the_year():
    # fake_CIN_data.xml: reference date 2022-07-21, so the year starts on Thursday 22 July 2021; a
    # referral on Wednesday 21 July 2021 has ReferralNFA true.
    # DfE 8569Q: "If <CINreferralDate> (N00100) is before [Start_of_Census_Year] minus 1 working
    # day, <ReferralNFA> (N00112) must be false". 22 July 2021 minus one working day is 21 July,
    # and 21 July is not before 21 July. The community code subtracts no working day at all
    # (CustomBusinessDay(n=0)), so it queries referrals on the last working day before the year.
    def file(referral):
        return census(child(episodes=[nfa_episode(referral=referral, closure="2021-07-22")]), ref="2022-07-21")

    assert "8569Q" not in flagged(file("2021-07-21"))
    assert "8569Q" in flagged(file("2021-07-20"))
    # In a real 2025-26 return: 1 April 2025 is a Tuesday, so Monday 31 March 2025 is allowed.
    real = census(child(episodes=[nfa_episode(referral="2025-03-31", closure="2025-04-01")]))
    assert "8569Q" not in flagged(real)


# ---------------------------------------------------------------------------------------------
# Working days: the community code subtracts one working day fewer than the rule states
# ---------------------------------------------------------------------------------------------
def test_8670q_forty_five_working_days():
    # DfE 8670Q: "if <AssessmentAuthorisationDate> (N00160) is not present then
    # <AssessmentActualStartDate> (N00159) should not be before the <ReferenceDate> (N00603) minus
    # 45 working days." 31 March 2026 minus 45 working days (England and Wales) is 27 January 2026.
    # The community code subtracts 44 ("so that it includes the end date") and queries 27 January,
    # an assessment that still has a day left on the reference date.
    def file(start):
        return census(
            child(
                episodes=[
                    episode(referral="2026-01-05", assessments=[assessment(start=start, auth=None, factors=None)])
                ]
            )
        )

    assert "8670Q" not in flagged(file("2026-01-27"))
    assert "8670Q" in flagged(file("2026-01-26"))


def test_8675q_fifteen_working_days():
    # DfE 8675Q: "If <DateOfInitialCPC> (N00110) not present and <ICPCnotRequired> (N00111) equals
    # false then <S47ActualStartDate> (N00148) should not be before the <ReferenceDate> (N00603)
    # minus 15 working days." 31 March 2026 minus 15 working days is 10 March 2026; the community
    # code subtracts 14 and queries 10 March too.
    def file(start):
        done = assessment(start="2026-03-03", auth="2026-03-20")
        return census(child(episodes=[episode(referral="2026-03-02", assessments=[done], s47s=[s47(start=start)])]))

    assert "8675Q" not in flagged(file("2026-03-10"))
    assert "8675Q" in flagged(file("2026-03-09"))


# ---------------------------------------------------------------------------------------------
# Rules the community code never (or cannot) report
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "factors"),
    [
        # DfE 8869: 'If <AssessmentFactors> (N00181) = "21", this must be the only <AssessmentFactors>'.
        ("8869", ("21", "3B")),
        # DfE 8945Q/8950Q: the superseded codes 18A and 19A should not be used.
        ("8945Q", ("18A",)),
        ("8950Q", ("19A",)),
    ],
)
def test_assessment_factor_rules_look_at_each_factor(rule, factors):
    # The community code compares the assessment's whole list of factors with one code
    # (`astype(str) == "21"`, `.str.upper() == "18A"`), which a list never equals.
    assert rule in flagged(census(child(episodes=[episode(assessments=[assessment(factors=factors)])])))


def test_8870q_initial_conference_target_on_a_weekend():
    # DfE 8870Q: "Where present, the <InitialCPCtarget> (N00109) should not be a Saturday, Sunday".
    # The community code re-reads the date as DD-MM-YYYY, which turns every YYYY-MM-DD date into
    # "no date", so never queries it. 21 June 2025 is a Saturday.
    assert "8870Q" in flagged(census(child(episodes=[episode(s47s=[s47(target="2025-06-21")])])))
    assert "8870Q" not in flagged(census(child(episodes=[episode(s47s=[s47(target="2025-06-20")])])))


def test_8540_disability_missing_for_a_referral_with_further_action():
    # DfE 8540: "If <PersonBirthDate> (N00066) is present and at least one <ReferralNFA> (N00112) is
    # false or 0, then one or more instances of <Disability> (N00099) must be present, and all
    # instances must be valid code values". The community code finds the child but loses the
    # places it fails when it maps them back to its tables, so reports nothing.
    assert "8540" in flagged(census(child(disabilities=None)))
    assert "8540" in flagged(census(child(disabilities=("XYZ",))))
    assert "8540" not in flagged(census(child(disabilities=None, episodes=[nfa_episode()])))


@pytest.mark.parametrize(
    ("rule", "bad"),
    [
        # DfE 8614: "If <AssessmentAuthorisationDate> (N00160) is missing, <AssessmentFactors>
        # (N00181) within the same module must also be missing".
        ("8614", assessment(auth=None, factors=("3B",))),
        # DfE 8898: "If there is more than one <AssessmentFactors> (N00181) for an assessment
        # recorded, then none of the values should appear more than once for an assessment."
        ("8898", assessment(factors=("3B", "3B"))),
        # DfE 8897Q: one or more factors "must be present ... and must be a valid code".
        ("8897Q", assessment(factors=("99Z",))),
    ],
)
def test_rules_the_community_code_raises_on(rule, bad):
    # The community code builds its issue identifiers from the list of factors, which cannot be
    # hashed: the rule raises "TypeError: unhashable type: 'list'" whenever it finds a problem.
    assert rule in flagged(census(child(episodes=[episode(assessments=[bad])])))


def test_8842q_reviews_group_with_no_date():
    # DfE 8842Q: "Where a <Reviews> group is present, a valid <CPPreviewDate> (N00116) should be
    # present within the group". The community reader only reads <Reviews> groups that hold a
    # <CPPreviewDate> element (`findall("Reviews[CPPreviewDate]")`), so never sees an empty group;
    # an empty date inside a group both report.
    def file(reviews):
        return census(child(episodes=[episode(icpc="2025-07-01", cpps=[cpp(reviews=reviews)])]))

    assert "8842Q" in flagged(file([]))
    assert "8842Q" in flagged(file([""]))
    assert "8842Q" not in flagged(file(["2025-09-01"]))


def test_a_child_with_no_la_child_id():
    # DfE 8500: "<LAchildID> (N00097) must be present". The community validator cannot read a file
    # with such a child at all ("cannot convert float NaN to integer"); we report the child.
    issues = validate_file(census(child(id="")))
    assert [(i.child, i.rule) for i in issues] == [("", "8500")]


# ---------------------------------------------------------------------------------------------
# Booleans written "true"/"false" (as our export writes them) rather than "1"/"0"
# ---------------------------------------------------------------------------------------------
def test_8740_icpc_not_required_false():
    # DfE 8740: "If a <Section47> group does not contain the <DateOfInitialCPC> (N00110) and
    # <ICPCnotRequired> (N00111) is false then the <S47ActualStartDate> (N00148) must be on or
    # between [Start_Of_Census_Year] and <ReferenceDate>". XML booleans are true/false/1/0; the
    # community code only takes "0" as false, so misses every "false".
    def file(not_required):
        done = assessment(start="2025-03-04", auth="2025-04-02")
        s = s47(start="2025-03-31", not_required=not_required)
        return census(child(episodes=[episode(referral="2025-03-03", assessments=[done], s47s=[s])]))

    assert "8740" in flagged(file("false"))
    assert "8740" in flagged(file("0"))
    assert "8740" not in flagged(file("true"))


def test_2885_icpc_not_required_true():
    # DfE 2885: a CP plan starting in the year should start on "a Section47 module
    # <DateOfInitialCPC>, or b) a CINDetails module <DateOfInitialCPC> if there is no associated
    # Section 47 record". A section 47 whose conference was not required holds no conference, so
    # the plan is compared with the episode's conference. The community code leaves out only
    # ICPCnotRequired "1", so with "true" it finds no matching conference.
    def file(not_required):
        enquiry = s47(not_required=not_required)
        return census(child(episodes=[episode(icpc="2025-07-01", s47s=[enquiry], cpps=[cpp(start="2025-07-01")])]))

    assert "2885" not in flagged(file("true"))
    assert "2885" not in flagged(file("1"))
    assert "2885" in flagged(file("false"))


# ---------------------------------------------------------------------------------------------
# Child protection plans across and within episodes
# ---------------------------------------------------------------------------------------------
def test_8935_two_open_plans_in_one_episode():
    # DfE 8935: "There must be only one <ChildProtectionPlans> group where the <CPPendDate>
    # (N00115) is missing". The community code counts open plans per child *and position of the
    # plan in its episode*, so two open plans in the same episode (positions 1 and 2) pass.
    xml = census(child(episodes=[episode(icpc="2025-07-01", cpps=[cpp(), cpp(start="2025-08-01")])]))
    assert "8935" in flagged(xml)


def test_8940_overlapping_plans_in_different_episodes():
    # DfE 8940: "Where more than one <ChildProtectionPlans> group is included, the <CPPstartDate>
    # of each group cannot fall within ... <CPPstartDate> to <CPPendDate> ... of any other group".
    # The community code skips pairs at the same position in their episodes (the first plan of
    # one episode is never compared with the first plan of another).
    first = episode(
        referral="2025-05-01",
        closure="2025-09-01",
        reason="RC7",
        icpc="2025-06-02",
        cpps=[cpp(start="2025-06-02", end="2025-09-01")],
    )
    second = episode(
        referral="2025-08-01",
        icpc="2025-08-04",
        assessments=[assessment(start="2025-08-01", auth="2025-08-20")],
        cpps=[cpp(start="2025-08-04")],
    )
    assert "8940" in flagged(census(child(episodes=[first, second])))


def test_4003_review_during_a_cin_plan_while_the_cp_plan_is_still_open():
    # DfE 4003: "Within a <CINDetails> module, no <CPPReviewDate> (N00116) can fall between any
    # <CINPlanStartdate> (N00689) or <CINPlanEndDate> (N00690) unless <CPPReviewDate> is equal to
    # <CPPendDate> (N00115)". The community code also requires the CP plan to have ended, so a
    # review of a plan that is still open is never compared.
    xml = census(
        child(
            episodes=[
                episode(
                    icpc="2025-06-20",
                    plans=[plan(start="2025-07-10", end="2025-12-01")],
                    cpps=[cpp(start="2025-06-20", reviews=["2025-08-01"])],
                )
            ]
        )
    )
    assert "4003" in flagged(xml)


def test_8816_an_open_episode_sharing_the_latest_referral_date():
    # DfE 8816: the open episode's "<CINreferralDate> (N00100) ... must be the latest of all
    # Referral Dates for that child". Sharing the latest date is being the latest; the community
    # code takes the first row with the latest date and so flags the open one if it comes second.
    # The overlap itself is reported by 8820.
    closed = episode(referral="2025-06-02", closure="2025-06-02", reason="RC7", assessments=())
    xml = census(child(episodes=[closed, episode()]))
    assert "8816" not in flagged(xml)
    assert "8820" in flagged(xml)


def test_4003_reviews_and_cin_plans_of_different_episodes():
    # DfE 4003 applies "Within a <CINDetails> module". The community code joins every CIN plan of
    # the child with every review, across episodes, so a review in one episode falling during a
    # CIN plan of another is reported there; it is not a 4003 problem (an overlap of the episodes
    # themselves is 8820's).
    first = episode(
        referral="2025-05-01",
        closure="2025-06-30",
        reason="RC7",
        icpc="2025-05-12",
        cpps=[cpp(start="2025-05-12", end="2025-06-30", reviews=["2025-08-01"])],
    )
    second = episode(
        referral="2025-07-01",
        assessments=[assessment(start="2025-07-01")],
        plans=[plan(start="2025-07-10", end="2025-09-01")],
    )
    assert "4003" not in flagged(census(child(episodes=[first, second])))


def test_8841_every_review_date_in_a_reviews_group():
    # DfE 8841: "Within a <ChildProtectionPlans> group, there should be no <CPPreviewDate> (N00116)
    # that is the same as or before the <CPPstartDate> (N00105)". A <Reviews> group holds every
    # review date of the plan (our export writes them so); the community reader takes only the
    # first date of each group, so a later date that is wrong goes unseen.
    plan_with = cpp(start="2025-07-01", reviews=["2025-07-15", "2025-06-30"])
    assert "8841" in flagged(census(child(episodes=[episode(icpc="2025-07-01", cpps=[plan_with])])))


def test_8832_names_the_child_whose_nfa_referral_has_a_cp_plan():
    # DfE 8832: "If a <CINdetails> module has <ReferralNFA> (N00112) = true or 1, then there should
    # be no Child Protection module present". The community code merges the episodes (left) with
    # the plans (right) but labels the row numbers the other way round, so it reports the child
    # owning the CP plan row numbered like the episode, and vice versa: other children.
    wrong = child(
        id="X1", episodes=[nfa_episode(closure="2025-07-01", cpps=[cpp(start="2025-06-02", end="2025-07-01")])]
    )
    two_plans = [cpp(end="2025-08-01"), cpp(start="2025-09-01")]
    innocent = child(id="X2", episodes=[episode(icpc="2025-07-01", cpps=two_plans)])
    issues = validate_file(census(innocent, wrong))
    assert {i.child for i in issues if i.rule == "8832"} == {"X1"}
