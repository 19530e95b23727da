"""Every manager decision on the pathway goes through the one approvals mechanism (L15):
assessment, CIN plan, step-down and closure each need a comment and a rationale (a grade for the
assessment), record who and when, refuse workers and read-only roles, refuse a manager approving
their own work, and leave nothing half-decided when refused.

These tests read casework's pages and services without changing them; they check the rule
holds for every kind of decision in one place, so a new kind can be added to KINDS."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.casework import services as casework
from lantern.casework.models import WorkStatus
from lantern.oversight.tests.conftest import TODAY
from lantern.testing import links_to
from lantern.workforce.models import TeamType

SOON = TODAY + timedelta(days=60)

ASSESSMENT = {
    "lived_experience": "Olivia gets herself ready for school most days.",
    "child_words": "I like it when Nan picks me up.",
    "identity_diversity": "Olivia is White British; English is her first language.",
    "family_involvement": "Met mum twice at home.",
    "family_views": "Mum wants help with the mornings.",
    "worries": "Mum's drinking in the evenings.",
    "strengths": "Nan visits daily.",
    "danger_statements": "Olivia could be left alone at night.",
    "safety_goals": "A sober adult is always at home at night.",
    "analysis": "Needs are met some of the time; a CIN plan is needed.",
    "safety_scale": 5,
    "outcome": "cin_plan",
    "factors": ["16A"],
}


def _assessment(world, author):
    child = world.children["own"]
    assessment = casework.assessment_start(child=child, start_date=TODAY, author=author)
    casework.assessment_update(assessment=assessment, **ASSESSMENT)
    return casework.assessment_submit(assessment=assessment, by=author)


def _plan(world, author):
    plan = casework.cin_plan_create(children=[world.children["own"]], title="Olivia's plan", author=author)
    section = plan.children.get()
    casework.plan_section_update(
        section=section,
        needs="A settled routine",
        child_views="Wants to stay at her school",
        family_views="Mum agrees",
        contingency="A strategy discussion if attendance does not improve",
        contingency_by=SOON,
    )
    casework.plan_outcome_add(
        section=section, description="Attends every day", measure="Attendance", target_date=SOON, baseline_score=3
    )
    casework.plan_action_add(section=section, outcome=None, what="Breakfast club", who="School", agency="school",
                             due_date=SOON)  # fmt: skip
    return casework.cin_plan_submit(plan=plan, by=author)


def _step_down(world, author):
    team = f.make_team("Early help North", service=world.north.service, type=TeamType.EARLY_HELP)
    return casework.step_down_request(
        child=world.children["own"],
        outcomes_met=True,
        outcomes_reason="",
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=team,
        proposed_date=TODAY,
        by=author,
    )


def _closure(world, author):
    return casework.closure_request(
        child=world.children["own"], reason="RC1", closure_date=TODAY, summary="Outcomes met.", by=author
    )


KINDS = {
    # kind: (builder, decide url name, id keyword, service, graded)
    "assessment": (_assessment, "assessment_decide", "assessment_id", "assessment_decide", True),
    "cin_plan": (_plan, "plan_decide", "plan_id", "cin_plan_decide", False),
    "step_down": (_step_down, "step_down_decide", "step_down_id", "step_down_decide", False),
    "closure": (_closure, "closure_decide", "closure_id", "closure_decide", False),
}


def _build(world, kind, author="sw_north"):
    builder, url_name, id_name, service, graded = KINDS[kind]
    subject = builder(world, world.users[author])
    url = reverse(f"casework:{url_name}", kwargs={"child_id": world.children["own"].pk, id_name: subject.pk})
    return subject, url, graded


def _decide(kind, subject, by, **overrides):
    """Call casework's decide service for this kind, with its own keyword for the subject."""
    service = getattr(casework, KINDS[kind][3])
    keyword = {"assessment": "assessment", "cin_plan": "plan", "step_down": "step_down", "closure": "request"}[kind]
    fields = {"decision": "approved", "comment": "Agreed.", "rationale": "The evidence supports it.", "by": by}
    if KINDS[kind][4]:
        fields["quality_grade"] = "good"
    fields.update(overrides)
    if not KINDS[kind][4]:
        fields.pop("quality_grade", None)  # only graded kinds take a grade
    return service(**{keyword: subject}, **fields)


def _post(graded: bool, **overrides) -> dict:
    data = {"decision": "approved", "comment": "Agreed.", "rationale": "The evidence supports it."}
    if graded:
        data["quality_grade"] = "good"
    data.update(overrides)
    return data


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "qa", "inspector"])
def test_workers_and_read_only_roles_cannot_decide(client, world, kind, role):
    subject, url, graded = _build(world, kind)
    client.force_login(world.users[role])
    assert client.get(url).status_code == 403
    assert client.post(url, _post(graded)).status_code == 403
    assert not Approval.objects.exists()
    subject.refresh_from_db()
    assert subject.status == WorkStatus.SUBMITTED


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("missing", ["comment", "rationale"])
def test_refused_without_comment_or_rationale_with_the_error_by_the_field(client, world, kind, missing):
    subject, url, graded = _build(world, kind)
    client.force_login(world.users["tm_north"])
    response = client.post(url, _post(graded, **{missing: "  "}))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and links_to(body, missing)
    assert not Approval.objects.exists()
    subject.refresh_from_db()
    assert subject.status == WorkStatus.SUBMITTED


@pytest.mark.parametrize("kind", KINDS)
def test_approval_records_who_when_comment_rationale_and_grade_where_graded(client, world, kind):
    subject, url, graded = _build(world, kind)
    client.force_login(world.users["tm_north"])
    response = client.post(url, _post(graded))
    assert response.status_code == 302
    approval = Approval.objects.get()
    assert approval.kind == kind and approval.subject == subject and approval.child == world.children["own"]
    assert approval.decided_by == world.users["tm_north"] and approval.decided_at is not None
    assert (approval.comment, approval.rationale) == ("Agreed.", "The evidence supports it.")
    assert approval.quality_grade == ("good" if graded else "")
    subject.refresh_from_db()
    assert subject.status == WorkStatus.APPROVED


def test_the_assessment_is_graded_when_approved(client, world):
    subject, url, _graded = _build(world, "assessment")
    client.force_login(world.users["tm_north"])
    response = client.post(url, _post(False))
    assert links_to(response.content.decode(), "quality_grade")
    assert not Approval.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_return_is_recorded_the_same_way(world, kind):
    subject, _url, _graded = _build(world, kind)
    _decide(kind, subject, world.users["tm_north"], decision="returned", quality_grade="")
    approval = Approval.objects.get()
    assert approval.decision == "returned" and approval.rationale
    subject.refresh_from_db()
    assert subject.status == WorkStatus.RETURNED


@pytest.mark.parametrize("kind", KINDS)
def test_a_manager_cannot_approve_their_own_work(world, kind):
    subject, _url, _graded = _build(world, kind, author="tm_north")
    with pytest.raises(ValidationError, match="cannot approve your own work"):
        _decide(kind, subject, world.users["tm_north"])
    assert not Approval.objects.exists()
    subject.refresh_from_db()
    assert subject.status == WorkStatus.SUBMITTED
    _decide(kind, subject, world.users["sm_cin"])  # another manager may
    assert Approval.objects.get().decided_by == world.users["sm_cin"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_decided_thing_cannot_be_decided_again(world, kind):
    subject, _url, _graded = _build(world, kind)
    _decide(kind, subject, world.users["tm_north"])
    with pytest.raises(ValidationError):
        _decide(kind, subject, world.users["sm_cin"], decision="returned", quality_grade="")
    assert Approval.objects.count() == 1


@pytest.mark.parametrize("field", ["comment", "rationale"])
def test_the_database_refuses_an_approval_without_comment_or_rationale(world, field):
    subject, _url, _graded = _build(world, "closure")
    fields = {"comment": "Agreed.", "rationale": "Because.", field: ""}
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(
            subject=subject, kind="closure", child=world.children["own"], decision="approved",
            decided_by=world.users["tm_north"], **fields,
        )  # fmt: skip


def _written_in_part_by(kind, subject, user):
    """Record that `user` saved a version of the work (for a plan: a version of one of its actions)."""
    if kind == "cin_plan":
        from lantern.casework.models import PlanAction

        record = PlanAction.objects.filter(section__plan_id=subject.pk).first()
    else:
        record = subject
    record._history_user = user  # django-simple-history records who saved this version
    record.save()


@pytest.mark.parametrize("kind", KINDS)
def test_nobody_who_wrote_any_version_may_approve_it(world, kind):
    subject, _url, _graded = _build(world, kind, author="sw_north")
    _written_in_part_by(kind, subject, world.users["tm_north"])
    with pytest.raises(ValidationError, match="cannot approve your own work"):
        _decide(kind, subject, world.users["tm_north"])
    assert not Approval.objects.exists()
    subject.refresh_from_db()
    assert subject.status == WorkStatus.SUBMITTED
    _decide(kind, subject, world.users["sm_cin"])  # a manager who wrote none of it may
    assert Approval.objects.get().decided_by == world.users["sm_cin"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_approval_page_names_every_author_and_refuses_one_of_them(client, world, kind):
    subject, url, graded = _build(world, kind, author="sw_north")
    _written_in_part_by(kind, subject, world.users["tm_north"])
    client.force_login(world.users["tm_north"])
    body = client.get(url).content.decode()
    assert "Written by:" in body
    assert world.users["sw_north"].display_name in body and world.users["tm_north"].display_name in body
    body = client.post(url, _post(graded)).content.decode()
    assert "govuk-error-summary" in body and "cannot approve your own work" in body
    assert not Approval.objects.exists()
