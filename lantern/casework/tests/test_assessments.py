"""Assessments (L12, L15, L19): the due date in working days, starting, the sections a submission
needs, the manager's graded decision that cannot be changed, and the pages by role."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.casework import services
from lantern.casework.forms_assessments import FACTOR_GROUPS, NO_FACTORS
from lantern.casework.models import (
    Assessment,
    AssessmentFactorRecord,
    CINEpisode,
    EarlyHelpEpisode,
    WorkStatus,
)
from lantern.core import codes
from lantern.core.calendar import working_days_between
from lantern.people.models import ChildDisability
from lantern.testing import links_to
from lantern.workforce.models import AllocationReason

REFERRAL = date(2026, 1, 5)  # the world fixture's referral date (a Monday)


def _start(world, who="own", start=date(2026, 1, 7)) -> Assessment:
    return services.assessment_start(child=world.children[who], start_date=start, author=world.users["sw_north"])


COMPLETE = {
    "lived_experience": "Olivia gets herself ready for school most days.",
    "child_words": "I like it when Nan picks me up.",
    "identity_diversity": "Olivia is White British; English is her first language.",
    "family_involvement": "Met mum twice at home and spoke to Nan by phone.",
    "family_views": "Mum wants help with the mornings.",
    "worries": "Mum's drinking in the evenings.",
    "strengths": "Nan visits daily and the school is supportive.",
    "danger_statements": "Olivia could be left alone at night.",
    "safety_goals": "An adult who is sober is always at home at night.",
    "analysis": "Needs are met some of the time; a CIN plan is needed.",
    "safety_scale": 5,
    "outcome": "cin_plan",
    "factors": ["1B", "16A"],
}


def _complete(assessment, **overrides):
    fields = {**COMPLETE, **overrides}
    return services.assessment_update(assessment=assessment, **fields)


def _submitted(world, **overrides) -> Assessment:
    assessment = _start(world)
    _complete(assessment, **overrides)
    return services.assessment_submit(assessment=assessment, by=world.users["sw_north"])


def _decide(world, assessment, **overrides):
    fields = {
        "decision": "approved",
        "comment": "A thorough assessment; the child's voice is clear.",
        "rationale": "The analysis follows from the evidence and the outcome fits the needs.",
        "quality_grade": "good",
        "by": world.users["tm_north"],
    }
    fields.update(overrides)
    return services.assessment_decide(assessment=assessment, **fields)


# ---------------------------------------------------------------------------------------------
# Services: due date and start
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "referral, due",
    [
        # Christmas Day, Boxing Day and New Year's Day 2026 are skipped: 3 days later than weekdays alone.
        (date(2025, 12, 1), date(2026, 2, 5)),
        # Good Friday 3 Apr, Easter Monday 6 Apr and the early May bank holiday 4 May 2026.
        (date(2026, 3, 2), date(2026, 5, 7)),
        # The summer bank holiday, Monday 31 August 2026.
        (date(2026, 8, 3), date(2026, 10, 6)),
    ],
    ids=["christmas", "easter", "august"],
)
def test_due_date_is_45_working_days_from_the_referral(db, referral, due):
    child = f.make_child()
    episode = f.open_cin_episode(child, referral_date=referral)
    assert services.assessment_due_date(episode) == due


def test_start_stores_the_due_date_from_the_referral_not_the_start(world):
    assessment = _start(world, start=date(2026, 1, 20))
    assert assessment.due_date == date(2026, 3, 9)
    assert assessment.status == WorkStatus.DRAFT
    assert assessment.episode == world.children["own"].cin_episodes.get()


def test_start_before_the_referral_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _start(world, start=date(2026, 1, 2))
    assert "start_date" in error.value.message_dict
    assert not Assessment.objects.exists()


def test_start_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _start(world, start=timezone.localdate().replace(year=timezone.localdate().year + 1))
    assert "start_date" in error.value.message_dict


def test_start_on_the_referral_date_is_allowed(world):
    assert _start(world, start=REFERRAL).start_date == REFERRAL


def test_assessment_on_an_nfa_episode_is_refused(db, world):
    child = f.make_child()
    f.open_cin_episode(child, referral_nfa=True, primary_need="")
    with pytest.raises(ValidationError) as error:
        services.assessment_start(child=child, start_date=REFERRAL, author=world.users["sw_north"])
    assert "no further action" in " ".join(error.value.messages)
    assert not Assessment.objects.filter(child=child).exists()


def test_assessment_on_a_closed_nfa_referral_is_refused(world):
    child = f.make_child()
    services.referral_start(
        child=child, referral_date=REFERRAL, source="2A", primary_need="N1", by=world.users["sw_north"], nfa=True
    )
    with pytest.raises(ValidationError):
        services.assessment_start(child=child, start_date=REFERRAL, author=world.users["sw_north"])
    assert not Assessment.objects.filter(child=child).exists()


def test_a_second_assessment_is_refused_while_one_is_in_progress(world):
    _start(world)
    with pytest.raises(ValidationError):
        _start(world)
    assert Assessment.objects.filter(child=world.children["own"]).count() == 1


# ---------------------------------------------------------------------------------------------
# Services: saving and submitting
# ---------------------------------------------------------------------------------------------


def test_update_saves_sections_and_factors(world):
    assessment = _complete(_start(world))
    assessment.refresh_from_db()
    assert assessment.worries == COMPLETE["worries"] and assessment.safety_scale == 5
    assert sorted(assessment.factors.values_list("code", flat=True)) == ["16A", "1B"]
    _complete(assessment, factors=["16A", "3B"])
    assert sorted(assessment.factors.values_list("code", flat=True)) == ["16A", "3B"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"factors": ["21", "16A"]}, "factors"),
        ({"factors": ["99Z"]}, "factors"),
        ({"safety_scale": 11}, "safety_scale"),
        ({"outcome": "adopt"}, "outcome"),
    ],
    ids=["no-factors-with-others", "unknown-factor", "scale-above-10", "unknown-outcome"],
)
def test_update_refuses_bad_values_and_saves_nothing(world, overrides, field):
    assessment = _start(world)
    with pytest.raises(ValidationError) as error:
        _complete(assessment, **overrides)
    assert field in error.value.message_dict
    assessment.refresh_from_db()
    assert assessment.worries == "" and not assessment.factors.exists()


REQUIRED_SECTIONS = [
    "lived_experience",
    "identity_diversity",
    "family_involvement",
    "family_views",
    "worries",
    "strengths",
    "analysis",
]


@pytest.mark.parametrize("section", REQUIRED_SECTIONS)
def test_submit_is_refused_when_a_section_is_missing(world, section):
    assessment = _complete(_start(world), **{section: "   "})
    with pytest.raises(ValidationError) as error:
        services.assessment_submit(assessment=assessment, by=world.users["sw_north"])
    assert list(error.value.message_dict) == [section]
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.DRAFT and assessment.submitted_at is None


@pytest.mark.parametrize(
    "overrides, field",
    [({"safety_scale": None}, "safety_scale"), ({"outcome": ""}, "outcome"), ({"factors": []}, "factors")],
    ids=["scale", "outcome", "factors"],
)
def test_submit_is_refused_without_scale_outcome_or_factors(world, overrides, field):
    assessment = _complete(_start(world), **overrides)
    with pytest.raises(ValidationError) as error:
        services.assessment_submit(assessment=assessment, by=world.users["sw_north"])
    assert list(error.value.message_dict) == [field]
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.DRAFT


def test_no_factors_identified_alone_is_enough_to_submit(world):
    assessment = _submitted(world, factors=["21"])
    assert assessment.status == WorkStatus.SUBMITTED and assessment.submitted_at is not None


def test_a_submitted_assessment_cannot_be_changed_or_submitted_again(world):
    assessment = _submitted(world)
    with pytest.raises(ValidationError):
        _complete(assessment, worries="Changed after submission")
    with pytest.raises(ValidationError):
        services.assessment_submit(assessment=assessment, by=world.users["sw_north"])
    assessment.refresh_from_db()
    assert assessment.worries == COMPLETE["worries"]


# ---------------------------------------------------------------------------------------------
# Services: the manager's decision
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"comment": " "}, "comment"),
        ({"rationale": ""}, "rationale"),
        ({"quality_grade": ""}, "quality_grade"),
        ({"quality_grade": "brilliant"}, "quality_grade"),
    ],
    ids=["comment", "rationale", "grade-missing", "grade-unknown"],
)
def test_decide_needs_comment_rationale_and_a_grade_to_approve(world, overrides, field):
    assessment = _submitted(world)
    with pytest.raises(ValidationError) as error:
        _decide(world, assessment, **overrides)
    assert field in error.value.message_dict
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.SUBMITTED and assessment.authorised_date is None
    assert not Approval.objects.exists()


def test_a_return_needs_no_grade_keeps_returned_and_can_be_resubmitted(world):
    assessment = _submitted(world)
    _decide(world, assessment, decision="returned", quality_grade="", comment="Say more about dad.")
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.RETURNED and assessment.authorised_date is None
    _complete(assessment, family_views="Dad was seen too and wants to be involved.")
    services.assessment_submit(assessment=assessment, by=world.users["sw_north"])
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.SUBMITTED
    _decide(world, assessment)
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.APPROVED
    decisions = list(Approval.objects.filter(kind="assessment").order_by("pk").values_list("decision", flat=True))
    assert decisions == ["returned", "approved"]


def test_approval_sets_the_authorised_date_and_records_who_and_the_grade(world):
    assessment = _submitted(world)
    _decide(world, assessment, quality_grade="outstanding")
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.APPROVED
    assert assessment.authorised_date == timezone.localdate()
    approval = Approval.objects.get()
    assert approval.decided_by == world.users["tm_north"] and approval.quality_grade == "outstanding"
    assert approval.child == world.children["own"] and approval.subject == assessment


def test_only_a_submitted_assessment_can_be_decided(world):
    assessment = _complete(_start(world))
    with pytest.raises(ValidationError):
        _decide(world, assessment)
    approved = Assessment.objects.get(pk=assessment.pk)
    services.assessment_submit(assessment=approved, by=world.users["sw_north"])
    _decide(world, approved)
    with pytest.raises(ValidationError):
        _decide(world, approved, decision="returned")
    assert Approval.objects.count() == 1


def test_the_database_refuses_to_change_an_assessment_approval(world):
    _decide(world, _submitted(world))
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - SQLite and PostgreSQL raise different errors
        connection.cursor().execute("UPDATE approvals_approval SET comment='x'")
    assert Approval.objects.get().comment == "A thorough assessment; the child's voice is clear."


def test_factor_groups_cover_every_census_factor_once_with_no_factors_alone():
    grouped = [code for _heading, group in FACTOR_GROUPS for code in group]
    assert len(grouped) == len(set(grouped))
    assert NO_FACTORS not in grouped
    assert set(grouped) | {NO_FACTORS} == set(codes.AssessmentFactor.values)


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


def _date_post(prefix: str, day: date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _url(name, world, assessment=None, who="own"):
    args = [world.children[who].pk] + ([assessment.pk] if assessment else [])
    return reverse(f"casework:{name}", args=args)


def test_start_page_shows_the_due_date_and_starts_the_assessment(client, world):
    client.force_login(world.users["sw_north"])
    page = client.get(_url("assessment_start", world))
    assert page.status_code == 200
    assert "9 Mar 2026" in page.content.decode()  # 45 working days from 5 Jan 2026
    response = client.post(_url("assessment_start", world), _date_post("start_date", date(2026, 1, 8)))
    assessment = Assessment.objects.get(child=world.children["own"])
    assert response.status_code == 302
    assert response.url == _url("assessment", world, assessment)
    assert assessment.start_date == date(2026, 1, 8) and assessment.author == world.users["sw_north"]
    follow = client.get(response.url).content.decode()
    assert "It is due by 9 March 2026" in follow


def test_start_before_the_referral_shows_the_error_by_the_field(client, world):
    client.force_login(world.users["sw_north"])
    response = client.post(_url("assessment_start", world), _date_post("start_date", date(2025, 12, 30)))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and links_to(body, "start_date")
    assert 'id="id_start_date-error"' in body and "must be on or after 5 January 2026, the date of the referral" in body
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("role", ["inspector", "qa"])
def test_read_only_roles_cannot_start_an_assessment(client, world, role):
    client.force_login(world.users[role])
    assert client.get(_url("assessment_start", world)).status_code == 403
    assert client.post(_url("assessment_start", world), _date_post("start_date", REFERRAL)).status_code == 403
    assert not Assessment.objects.exists()


def test_assessment_page_has_the_sections_side_by_side_and_the_history_read_only(client, world):
    child = world.children["own"]
    child.person.first_language = "Polish"
    child.person.save()
    ChildDisability.objects.create(child=child, code="AUT")
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    body = client.get(_url("assessment", world, assessment)).content.decode()
    for heading in (
        "The child's lived experience",
        "History",
        "Identity and diversity",
        "The family's involvement and views",
        "Worries, strengths and protective factors",
        "Danger statements and safety goals",
        "Safety scale",
        "Analysis",
        "Assessment factors",
        "Outcome",
    ):
        assert f">{heading}</h2>" in body, heading
    worries_at = body.index('name="worries"')
    strengths_at = body.index('name="strengths"')
    row = body.rindex('<div class="govuk-grid-row">', 0, worries_at)
    between = body[row:strengths_at]
    assert between.count("govuk-grid-column-one-half") == 2
    assert "0 means the child is not safe" in body and "10 means everyone agrees" in body
    assert all(f'name="safety_scale" type="radio" value="{n}"' in body for n in range(11))
    assert "Polish" in body and "Autism" in body and "White British" in body
    assert 'data-behaviour="exclusive"' in body and 'value="21"' in body
    assert "Save and continue later" in body and "Submit to manager" in body
    history = body[body.index('id="history"') : body.index('id="identity"')]
    assert "<textarea" not in history and "<input" not in history


def test_history_extract_shows_a_previous_episode_with_its_closure_reason(client, world):
    child = world.children["own"]
    CINEpisode.objects.create(
        child=child,
        referral_date=date(2024, 3, 4),
        referral_source="6",
        primary_need="N4",
        closure_date=date(2024, 9, 30),
        closure_reason="RC7",
    )
    f.open_cp_plan(child, child.cin_episodes.get(closure_date__isnull=True), start=date(2026, 1, 6))
    EarlyHelpEpisode.objects.create(
        child=child, start_date=date(2023, 5, 1), end_date=date(2023, 11, 1), end_reason="Outcomes met"
    )
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    body = client.get(_url("assessment", world, assessment)).content.decode()
    history = body[body.index('id="history"') : body.index('id="identity"')]
    assert "4 Mar 2024" in history and "30 Sep 2024" in history
    assert "RC7: Services ceased for any other reason, including no longer in need" in history
    assert "Neglect" in history and "6 Jan 2026" in history
    assert "Outcomes met" in history
    assert "1 worker allocated in the 12 months" in history


def test_history_counts_workers_and_flags_many_changes(client, world):
    child = world.children["own"]
    lead = child.allocations.get()
    lead.end_date, lead.end_reason = date(2026, 2, 1), AllocationReason.WORKER_LEFT
    lead.save()
    f.allocate(child, team=world.north, worker=world.users["sw_north_2"], start=date(2026, 2, 1), end=date(2026, 3, 1))
    f.allocate(child, team=world.north, worker=world.users["sw_north"], start=date(2026, 3, 1))
    f.allocate(child, team=world.north, worker=world.users["fsw_north"], role="co_worker", start=date(2026, 3, 1))
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    body = client.get(_url("assessment", world, assessment)).content.decode()
    assert "3 workers allocated in the 12 months" in body and "Many changes of worker" in body


def test_saving_a_draft_keeps_the_sections(client, world):
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    data = {
        "lived_experience": "Typed in the browser",
        "worries": "Worry",
        "safety_scale": "3",
        "factors": ["16A", "3B"],
        "outcome": "",
    }
    response = client.post(_url("assessment", world, assessment), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.lived_experience == "Typed in the browser" and assessment.safety_scale == 3
    assert sorted(assessment.factors.values_list("code", flat=True)) == ["16A", "3B"]
    assert assessment.status == WorkStatus.DRAFT


def test_no_factors_with_other_factors_shows_the_error_by_the_field_and_saves_nothing(client, world):
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    response = client.post(_url("assessment", world, assessment), {"worries": "New", "factors": ["21", "16A"]})
    body = response.content.decode()
    assert response.status_code == 200
    assert links_to(body, "factors") and 'id="id_factors-error"' in body
    assessment.refresh_from_db()
    assert assessment.worries == "" and not AssessmentFactorRecord.objects.exists()


def test_submitting_with_missing_sections_lists_them_by_the_field_and_keeps_the_draft(client, world):
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    data = {"lived_experience": "Seen at school", "worries": "Worry", "strengths": "", "factors": []}
    response = client.post(_url("assessment_submit", world, assessment), data)
    body = response.content.decode()
    assert response.status_code == 200
    for field in (
        "strengths",
        "analysis",
        "family_views",
        "identity_diversity",
        "family_involvement",
        "safety_scale",
        "factors",
        "outcome",
    ):
        assert links_to(body, field), field
    assert not links_to(body, "lived_experience")
    assert 'id="id_strengths-error"' in body and "Record the strengths and protective factors" in body
    assert "saved as a draft" in body
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.DRAFT
    assert assessment.lived_experience == "Seen at school"


def test_submitting_a_complete_assessment_sends_it_to_the_manager(client, world):
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    data = {**COMPLETE, "safety_scale": "5"}
    response = client.post(_url("assessment_submit", world, assessment), data)
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.SUBMITTED
    body = client.get(_url("assessment", world, assessment)).content.decode()
    assert "Awaiting approval" in body and "Save and continue later" not in body
    assert "Mum&#x27;s drinking in the evenings." in body


def test_a_get_on_the_submit_url_submits_nothing(client, world):
    assessment = _complete(_start(world))
    client.force_login(world.users["sw_north"])
    response = client.get(_url("assessment_submit", world, assessment))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.DRAFT


@pytest.mark.parametrize("role", ["inspector", "qa"])
def test_read_only_roles_see_the_assessment_but_cannot_change_or_submit_it(client, world, role):
    assessment = _complete(_start(world))
    client.force_login(world.users[role])
    page = client.get(_url("assessment", world, assessment))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Mum&#x27;s drinking in the evenings." in body
    assert "<textarea" not in body and "Submit to manager" not in body
    assert client.post(_url("assessment", world, assessment), {"worries": "Changed"}).status_code == 403
    assert client.post(_url("assessment_submit", world, assessment), {**COMPLETE}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.worries == COMPLETE["worries"] and assessment.status == WorkStatus.DRAFT


def test_an_assessment_of_another_child_is_not_found(client, world):
    other = services.assessment_start(
        child=world.children["team"], start_date=REFERRAL, author=world.users["sw_north_2"]
    )
    client.force_login(world.users["sw_north"])
    url = reverse("casework:assessment", args=[world.children["own"].pk, other.pk])
    assert client.get(url).status_code == 404
    decide = reverse("casework:assessment_decide", args=[world.children["own"].pk, other.pk])
    client.force_login(world.users["tm_north"])
    assert client.get(decide).status_code == 404


def test_overdue_assessment_shows_working_days_overdue(client, world):
    assessment = _start(world)  # due 9 Mar 2026
    client.force_login(world.users["sw_north"])
    body = client.get(_url("assessment", world, assessment)).content.decode()
    today = timezone.localdate()
    if today > assessment.due_date:
        n = working_days_between(assessment.due_date, today)
        assert f"Overdue by {n} working day" in body
    else:
        assert "working day" in body and "left" in body


def test_assessment_page_queries_do_not_grow_with_the_history(client, world, django_assert_max_num_queries):
    child = world.children["own"]
    assessment = _start(world)
    client.force_login(world.users["sw_north"])
    url = _url("assessment", world, assessment)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for year in range(2015, 2023):
        CINEpisode.objects.create(
            child=child,
            referral_date=date(year, 1, 10),
            referral_source="2A",
            primary_need="N1",
            closure_date=date(year, 6, 1),
            closure_reason="RC7",
        )
        EarlyHelpEpisode.objects.create(child=child, start_date=date(year, 7, 1), end_date=date(year, 12, 1))
    f.open_cp_plan(child, child.cin_episodes.get(closure_date__isnull=True), start=date(2026, 1, 6))
    ChildDisability.objects.create(child=child, code="AUT")
    ChildDisability.objects.create(child=child, code="LD")
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.content.decode().count("RC7: Services ceased") == 8


def test_assessment_list_shows_each_assessment_and_queries_are_bounded(client, world, django_assert_max_num_queries):
    assessment = _submitted(world)
    _decide(world, assessment)
    _start(world, start=date(2026, 3, 2))
    client.force_login(world.users["sw_north"])
    with django_assert_max_num_queries(12):
        response = client.get(_url("assessments", world))
    body = response.content.decode()
    assert response.status_code == 200
    assert "7 Jan 2026" in body and "2 Mar 2026" in body and "Approved" in body
    assert "Start an assessment" not in body  # one is in progress


# ---------------------------------------------------------------------------------------------
# Views: the manager's decision
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "inspector", "qa"])
def test_workers_and_read_only_roles_are_refused_the_decide_page(client, world, role):
    assessment = _submitted(world)
    client.force_login(world.users[role])
    url = _url("assessment_decide", world, assessment)
    assert client.get(url).status_code == 403
    response = client.post(url, {"decision": "approved", "comment": "c", "rationale": "r", "quality_grade": "good"})
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.SUBMITTED and not Approval.objects.exists()


@pytest.mark.parametrize("role", ["tm_north", "sm_cin", "leader"])
def test_managers_may_open_the_decide_page(client, world, role):
    assessment = _submitted(world)
    client.force_login(world.users[role])
    body = client.get(_url("assessment_decide", world, assessment)).content.decode()
    assert "Record decision" in body and "Requires improvement" in body
    assert "Mum&#x27;s drinking in the evenings." in body


def test_assessment_page_offers_the_decision_to_the_manager_only(client, world):
    assessment = _submitted(world)
    decide = _url("assessment_decide", world, assessment)
    client.force_login(world.users["tm_north"])
    assert decide in client.get(_url("assessment", world, assessment)).content.decode()
    client.force_login(world.users["sw_north"])
    assert decide not in client.get(_url("assessment", world, assessment)).content.decode()


def test_decide_without_comment_rationale_or_grade_shows_errors_by_the_field(client, world):
    assessment = _submitted(world)
    client.force_login(world.users["tm_north"])
    response = client.post(_url("assessment_decide", world, assessment), {"decision": "approved"})
    body = response.content.decode()
    assert response.status_code == 200
    for field, message in (
        ("comment", "Enter a comment"),
        ("rationale", "Enter the rationale for your decision"),
        ("quality_grade", "Select a quality grade"),
    ):
        assert links_to(body, field) and f'id="id_{field}-error"' in body and message in body
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.SUBMITTED and not Approval.objects.exists()


def test_manager_approves_and_the_decision_shows_on_the_assessment(client, world):
    assessment = _submitted(world)
    client.force_login(world.users["tm_north"])
    response = client.post(
        _url("assessment_decide", world, assessment),
        {
            "decision": "approved",
            "comment": "Clear and child-focused.",
            "rationale": "Analysis is sound.",
            "quality_grade": "requires_improvement",
        },
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.APPROVED and assessment.authorised_date == timezone.localdate()
    client.force_login(world.users["inspector"])
    body = client.get(_url("assessment", world, assessment)).content.decode()
    approvals = body[body.index('id="approvals"') :]
    assert "Clear and child-focused." in approvals and "Analysis is sound." in approvals
    assert "Requires improvement" in approvals and world.users["tm_north"].display_name in approvals
    assert "Authorised" in body
    # No way back in: the decide page no longer offers a form.
    client.force_login(world.users["tm_north"])
    again = client.get(_url("assessment_decide", world, assessment)).content.decode()
    assert "Record decision" not in again and "not waiting for a decision" in again


def test_returned_assessment_shows_the_managers_comment_and_can_be_edited_again(client, world):
    assessment = _submitted(world)
    client.force_login(world.users["tm_north"])
    client.post(
        _url("assessment_decide", world, assessment),
        {"decision": "returned", "comment": "Speak to dad.", "rationale": "His views are missing."},
    )
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.RETURNED
    client.force_login(world.users["sw_north"])
    body = client.get(_url("assessment", world, assessment)).content.decode()
    assert "Returned by" in body and "Speak to dad." in body and "Submit to manager" in body
