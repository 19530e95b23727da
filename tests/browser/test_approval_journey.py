"""One approval mechanism for every manager decision (L15), in the browser: a submitted
assessment is refused approval without a rationale (a clear error by the field), then approved
with one; the decision shows on the assessment with who and when. A worker cannot open the
decision page. axe-core checks every page visited."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.casework import services
from lantern.casework.models import Assessment, WorkStatus
from lantern.workforce.models import Role


@pytest.fixture
def submitted(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    f.allocate(amir, team=north, worker=sw, start=date(2026, 1, 5))
    f.open_cin_episode(amir)
    assessment = services.assessment_start(child=amir, start_date=timezone.localdate(), author=sw)
    services.assessment_update(
        assessment=assessment,
        lived_experience="Amir looks after his sister most mornings.",
        child_words="I make the toast.",
        identity_diversity="British Syrian; speaks Arabic at home.",
        family_involvement="Met mum twice at home.",
        family_views="Mum wants help with routines.",
        worries="Amir is taking on a caring role.",
        strengths="Warm relationships; grandmother nearby.",
        danger_statements="Amir may keep missing meals and school.",
        safety_goals="Both children have breakfast every day.",
        analysis="A CIN plan with routines support is needed.",
        safety_scale=4,
        outcome="cin_plan",
        factors=["16A"],
    )
    services.assessment_submit(assessment=assessment, by=sw)
    return amir, assessment


def test_approval_refused_without_rationale_then_given(page, axe, submitted, sign_in, sign_out):
    amir, assessment = submitted
    decide = f"/children/{amir.pk}/assessments/{assessment.pk}/decide/"

    sign_in("sw.north")
    response = page.goto(decide)
    assert response.status == 403
    axe(page)
    sign_out()

    sign_in("tm.north")
    page.goto("/my-work/")
    axe(page)
    page.get_by_role("link", name="Assessment awaiting approval").click()
    axe(page)
    page.goto(decide)
    axe(page)
    page.locator("[name=decision][value=approved]").check()
    page.locator("[name=comment]").fill("A thorough assessment with Amir's own words.")
    page.locator("[name=quality_grade][value=good]").check()
    page.get_by_role("button", name="Record decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the rationale for your decision")).to_be_visible()
    expect(page.locator("#id_rationale-error")).to_contain_text("Enter the rationale for your decision")
    axe(page)
    assert not Approval.objects.exists()
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.SUBMITTED

    summary.get_by_role("link", name="Enter the rationale for your decision").click()
    expect(page.locator("#id_rationale")).to_be_focused()
    page.locator("[name=rationale]").fill("Needs are clear and a plan is proportionate.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Assessment approved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Needs are clear and a plan is proportionate.")).to_be_visible()
    expect(page.get_by_role("cell", name="Good")).to_be_visible()
    axe(page)
    approval = Approval.objects.get()
    assert approval.decided_by.username == "tm.north" and approval.rationale.startswith("Needs are clear")
    assert Assessment.objects.get().status == WorkStatus.APPROVED
