"""The children in need pathway in the browser: a contact through the threshold decision,
referral, assessment and manager approval, a CIN plan for two siblings with different
outcomes, a review and a step-down with approval; and an escalation from CIN to a section 47
enquiry and a child protection plan. axe-core checks every page visited."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.casework import services
from lantern.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    EarlyHelpEpisode,
    OutcomeProgress,
    WorkStatus,
)
from lantern.core.calendar import add_working_days, is_working_day
from lantern.workforce.models import AllocationReason, Role, TeamType


@pytest.fixture
def haddads(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    early_help = f.make_team("Early help North", service=service, type=TeamType.EARLY_HELP)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    lina = f.make_child(first_name="Lina", last_name="Haddad", date_of_birth=date(2019, 8, 30))
    f.make_siblings(amir, lina)
    for child in (amir, lina):
        f.allocate(child, team=north, worker=sw, start=date(2025, 6, 2), start_reason=AllocationReason.NEW_CASE)
    return {"amir": amir, "lina": lina, "north": north, "early_help": early_help, "sw": sw}


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"[name={name}_day]").fill(str(day.day))
    page.locator(f"[name={name}_month]").fill(str(day.month))
    page.locator(f"[name={name}_year]").fill(str(day.year))


def last_working_day() -> date:
    day = timezone.localdate()
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def test_contact_to_step_down_for_a_family(page, axe, haddads, sign_in, sign_out):
    amir, lina = haddads["amir"], haddads["lina"]
    today = timezone.localdate()

    # 1. Contact and threshold decision for Amir, through the browser.
    sign_in("sw.north")
    page.goto(f"/children/{amir.pk}/")
    page.get_by_role("link", name="Record a contact").click()
    axe(page)
    fill_date(page, "received_date", today)
    page.locator("[name=received_time]").fill("00:01")
    page.get_by_label("Who the contact came from").select_option("2A")
    page.get_by_role("radio", name="Phone").check()
    page.get_by_label("Who made contact").fill("Head teacher, Northfield Primary")
    page.get_by_label("What the concern is").fill("Amir arrives hungry and says there is no food at home.")
    page.get_by_role("button", name="Record the contact").click()
    page.wait_for_url("**/contacts/")
    expect(page.get_by_text("Contact recorded for Amir Haddad")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Decide").click()
    page.wait_for_url("**/decide/")
    axe(page)
    page.get_by_role("radio", name="Child in need").check()
    page.get_by_label("Reason for the decision").fill("Neglect indicators; needs assessment under section 17.")
    page.get_by_role("radio", name="Referral to children's social care").check()
    page.get_by_label("Primary need").select_option("N1")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**/children/{amir.pk}/")
    episode = CINEpisode.objects.get(child=amir, closure_date__isnull=True)
    assert episode.referral_source == "2A" and episode.primary_need == "N1"
    # Lina's referral arrives the same way; recorded here through the services to keep the journey short.
    services.referral_start(
        child=lina, referral_date=today, source="2A", primary_need="N1", by=haddads["sw"], team=haddads["north"]
    )

    # 2. Assessment for Amir, submitted to the manager.
    page.get_by_role("link", name="Start an assessment").click()
    axe(page)
    fill_date(page, "start_date", today)
    page.get_by_role("button", name="Start assessment").click()
    page.wait_for_url("**/assessments/*/")
    axe(page)
    for name, text in {
        "lived_experience": "Amir looks after Lina most mornings and often misses breakfast.",
        "child_words": '"I make Lina\'s toast when Mum is asleep."',
        "identity_diversity": "Amir is British Syrian, speaks Arabic at home and English at school.",
        "family_involvement": "Met Mum twice at home; spoke to Dad by phone.",
        "family_views": "Mum says she is exhausted and wants help with routines.",
        "worries": "Amir is taking on a caring role; food is not always available.",
        "strengths": "Warm relationships; school is a safe place; grandmother nearby.",
        "danger_statements": "If nothing changes Amir may keep missing meals and school.",
        "safety_goals": "Both children have breakfast and get to school on time every day.",
        "analysis": "Needs are met inconsistently; a CIN plan with routines support is needed.",
    }.items():
        page.locator(f"[name={name}]").fill(text)
    page.locator("[name=safety_scale][value='4']").check()
    page.locator("[name=factors][value='16A']").check()
    page.locator("[name=outcome][value='cin_plan']").check()
    page.get_by_role("button", name="Submit to manager").click()
    page.wait_for_load_state()
    assessment = Assessment.objects.get(child=amir)
    assert assessment.status == WorkStatus.SUBMITTED
    sign_out()

    # 3. The manager approves it from My work, with a comment, a rationale and a grade.
    sign_in("tm.north")
    page.goto("/my-work/")
    axe(page)
    page.get_by_role("link", name="Assessment awaiting approval").click()
    page.goto(f"/children/{amir.pk}/assessments/{assessment.pk}/decide/")
    axe(page)
    page.locator("[name=decision][value=approved]").check()
    page.locator("[name=comment]").fill("A thorough assessment with Amir's own words.")
    page.locator("[name=rationale]").fill("Needs are clear and a plan is proportionate.")
    page.locator("[name=quality_grade][value=good]").check()
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assessment.refresh_from_db()
    assert assessment.status == WorkStatus.APPROVED and assessment.authorised_date == today
    sign_out()

    # 4. One plan for both children, each with their own outcomes.
    sign_in("sw.north")
    page.goto(f"/children/{amir.pk}/")
    page.get_by_role("link", name="Start a CIN plan").click()
    axe(page)
    page.get_by_label("Lina Haddad").check()
    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_load_state()
    page.wait_for_url("**/plans/*/")
    axe(page)
    plan = CINPlan.objects.get()
    target = today + timedelta(weeks=20)
    for child, outcome in (
        (amir, "Amir has breakfast at home and is not caring for Lina in the mornings"),
        (lina, "Lina attends nursery every day"),
    ):
        section = plan.children.get(child=child)
        page.goto(f"/children/{amir.pk}/plans/{plan.pk}/sections/{section.pk}/")
        page.locator("[name=needs]").fill(f"{child.person.first_name}'s own needs: routine and food.")
        page.locator("[name=child_views]").fill(f"{child.person.first_name} wants mornings to be calmer.")
        page.locator("[name=family_views]").fill("Mum agrees and wants support.")
        page.locator("[name=contingency]").fill("If nothing improves by the review, a strategy discussion.")
        fill_date(page, "contingency_by", target)
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        page.goto(f"/children/{amir.pk}/plans/{plan.pk}/sections/{section.pk}/outcomes/new/")
        axe(page)
        page.locator("[name=description]").fill(outcome)
        page.locator("[name=measure]").fill("School and nursery attendance records")
        fill_date(page, "target_date", target)
        page.get_by_role("button", name="Add outcome").click()
        page.wait_for_load_state()
        page.goto(f"/children/{amir.pk}/plans/{plan.pk}/sections/{section.pk}/actions/new/")
        page.locator("[name=what]").fill("Breakfast club place")
        page.locator("[name=who]").fill("Northfield Primary")
        page.locator("[name=agency][value=school]").check()
        fill_date(page, "due_date", today + timedelta(weeks=2))
        page.get_by_role("button", name="Add action").click()
        page.wait_for_load_state()
    page.goto(f"/children/{amir.pk}/plans/{plan.pk}/")
    axe(page)
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == WorkStatus.SUBMITTED
    sign_out()

    # 5. Approval refused without a rationale, then given.
    sign_in("tm.north")
    page.goto(f"/children/{amir.pk}/plans/{plan.pk}/decide/")
    page.locator("[name=decision][value=approved]").check()
    page.locator("[name=comment]").fill("Specific, outcome-focused plan for each child.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter the rationale")).to_be_visible()
    axe(page)
    page.locator("[name=rationale]").fill("Each child's needs are addressed with measurable outcomes.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == WorkStatus.APPROVED
    assert Approval.objects.filter(kind="cin_plan", decision="approved").count() == 2  # on each child's file
    sign_out()

    # 6. A review scoring every outcome.
    sign_in("sw.north")
    page.goto(f"/children/{amir.pk}/plans/{plan.pk}/reviews/new/")
    axe(page)
    fill_date(page, "date", today)
    page.locator("[name=attendees]").fill("Mum, Dad, school, health visitor, social worker")
    page.locator("[name=decisions]").fill("Continue the plan; breakfast club working.")
    for radio_group in page.locator("fieldset:has(.govuk-radios--inline)").all():
        radio_group.locator("input[value='6']").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state()
    assert OutcomeProgress.objects.filter(review__plan=plan, score=6).count() == 2

    # 7. Step-down to early help for Amir, approved by the manager.
    page.goto(f"/children/{amir.pk}/")
    page.get_by_role("link", name="Propose step-down to early help").click()
    axe(page)
    page.locator("[name=outcomes_met][value=yes]").check()
    page.locator("[name=family_agrees][value=yes]").check()
    page.locator("[name=early_help_accepts][value=yes]").check()
    page.get_by_label("Early help team").select_option(str(haddads["early_help"].pk))
    fill_date(page, "proposed_date", today)
    page.get_by_role("button", name="Send for approval").click()
    page.wait_for_load_state()
    axe(page)
    sign_out()
    sign_in("tm.north")
    page.goto("/my-work/")
    page.get_by_role("link", name="Step-down awaiting approval").click()
    axe(page)
    page.locator("[name=decision][value=approved]").check()
    page.locator("[name=comment]").fill("Outcomes met; family agree.")
    page.locator("[name=rationale]").fill("Early help can sustain the routines; school will stay involved.")
    page.get_by_role("button", name="Record decision").click()
    # The child leaves the team's work for early help: the manager lands on My work, told so.
    page.wait_for_url("**/my-work/")
    assert "Step-down approved: the child is now with early help." in page.locator("main").inner_text()
    axe(page)
    episode.refresh_from_db()
    assert episode.closure_date == today and episode.closure_reason == "RC7"
    assert EarlyHelpEpisode.objects.filter(child=amir, end_date__isnull=True).exists()


def test_escalation_from_cin_to_section_47_and_child_protection_plan(page, axe, haddads, sign_in):
    amir = haddads["amir"]
    day = last_working_day()
    services.referral_start(
        child=amir,
        referral_date=day - timedelta(days=30),
        source="6",
        primary_need="N1",
        by=haddads["sw"],
        team=haddads["north"],
    )
    sign_in("sw.north")
    page.goto(f"/children/{amir.pk}/")
    page.get_by_role("link", name="Record a strategy discussion").click()
    axe(page)
    fill_date(page, "date", day)
    page.locator("[name=attendees]").fill("Police, health, school, social care")
    page.locator("[name=concerns]").fill("Bruising reported by school; Amir says Dad hit him.")
    page.locator("[name=decision_s47][value=yes]").check()
    page.locator("[name=rationale]").fill("Reasonable cause to suspect significant harm.")
    page.get_by_role("button", name="Save strategy discussion").click()
    page.wait_for_url("**/section47/*/")
    axe(page)
    target = add_working_days(day, 15)
    expect(page.get_by_text(target.strftime("%-d %b %Y")).first).to_be_visible()
    # The conference on a Saturday is refused by the field.
    saturday = day - timedelta(days=(day.weekday() - 5) % 7)
    page.locator("[name=conference][value=held]").check()
    fill_date(page, "icpc_date", saturday)
    page.locator("[name=plan_needed][value=yes]").check()
    page.get_by_label("Category of abuse").select_option("PHY")
    page.locator("[name=outcome_summary]").fill("Plan agreed by the conference.")
    page.get_by_role("button", name="Save conference outcome").click()
    expect(page.get_by_text("must be on a working day").first).to_be_visible()
    axe(page)
    fill_date(page, "icpc_date", day)
    page.get_by_role("button", name="Save conference outcome").click()
    page.wait_for_url("**/cp-plans/*/")
    axe(page)
    plan = ChildProtectionPlan.objects.get(child=amir)
    assert plan.start_date == day and plan.initial_category == "PHY"
    page.goto(f"/children/{amir.pk}/")
    assert page.locator("h1 .govuk-tag").inner_text().strip() == "Child protection"
