"""Practice standards: an overdue CIN plan review shows on the worker's My work and the child's
record and on the team manager's dashboard and team list; the manager records a decision
(signed management oversight, the alert stays open); the review is recorded and, at the next
check of the standards, the alert clears. Every page is checked with axe."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.casework.models import CINPlan, CINPlanChild, PlanOutcome, WorkStatus
from lantern.insight.models import Alert, AlertResponse
from lantern.insight.services import standards_evaluate
from lantern.workforce.models import Role


@pytest.fixture
def overdue_review(transactional_db):
    today = timezone.localdate()
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    started = today - timedelta(weeks=14)
    f.allocate(amir, team=north, worker=sw, start=started)
    episode = f.open_cin_episode(amir, referral_date=started - timedelta(days=30))
    plan = CINPlan.objects.create(
        title="Haddad family plan", status=WorkStatus.APPROVED, start_date=started, review_weeks=12,
        next_review_date=started + timedelta(weeks=12), author=sw,
    )  # fmt: skip
    section = CINPlanChild.objects.create(
        plan=plan, child=amir, episode=episode, needs="Amir needs a settled routine.", child_views="Likes football",
        contingency="Strategy discussion if school attendance falls", contingency_by=today + timedelta(weeks=4),
        start_date=started,
    )  # fmt: skip
    PlanOutcome.objects.create(
        section=section, description="Amir goes to school every day", measure="Attendance above 95%",
        target_date=today + timedelta(weeks=8), baseline_score=4,
    )  # fmt: skip
    standards_evaluate()
    assert Alert.objects.filter(child=amir, standard="plan_review_overdue", cleared_at__isnull=True).exists()
    return {"child": amir, "plan": plan, "today": today}


def test_overdue_review_from_worker_to_manager_decision_to_clearing(page, axe, overdue_review, sign_in, sign_out):
    amir, plan, today = overdue_review["child"], overdue_review["plan"], overdue_review["today"]

    # The worker sees the alert in My work and at the top of the child's record.
    sign_in("sw.north")
    page.goto("/my-work/")
    expect(page.get_by_role("link", name="Practice alert: CIN plan review overdue")).to_be_visible()
    axe(page)
    page.goto(f"/children/{amir.pk}/")
    expect(page.get_by_role("heading", name="Practice alerts")).to_be_visible()
    expect(page.get_by_role("cell", name="CIN plan review overdue", exact=True)).to_be_visible()
    axe(page)
    sign_out()

    # The team manager sees it on the dashboard and the team's list.
    sign_in("tm.north")
    page.get_by_role("link", name="Practice alerts").first.click()
    expect(page.get_by_role("heading", name="Practice alerts", exact=True)).to_be_visible()
    expect(page.get_by_role("columnheader", name="CIN plan review overdue")).to_be_visible()
    expect(page.get_by_role("img", name="Open practice alerts, last 84 days")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="North locality").click()
    page.get_by_label("Standard").select_option("plan_review_overdue")
    page.get_by_role("button", name="Show alerts").click()
    expect(page.get_by_role("link", name="Amir Haddad")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Amir Haddad").click()
    expect(page.get_by_role("heading", name="Practice alerts")).to_be_visible()
    axe(page)

    # The manager responds: errors first, then a signed decision. The alert stays open.
    page.get_by_role("link", name="Respond to cin plan review overdue").first.click()
    expect(page.get_by_role("heading", name="Respond to: CIN plan review overdue")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Record and sign decision").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter your decision")).to_be_visible()
    axe(page)
    page.get_by_label("Your decision").fill("Hold the review with the family and school by Friday.")
    page.get_by_label("Rationale").fill("The plan is two weeks past its review; attendance needs checking.")
    next_date = today + timedelta(days=14)
    page.locator("[name=next_oversight_date_day]").fill(str(next_date.day))
    page.locator("[name=next_oversight_date_month]").fill(str(next_date.month))
    page.locator("[name=next_oversight_date_year]").fill(str(next_date.year))
    page.get_by_role("button", name="Record and sign decision").click()
    expect(page.get_by_text("Your decision is on the child's file as signed management oversight.")).to_be_visible()
    expect(page.get_by_text("Decision by Tom Manager")).to_be_visible()
    axe(page)
    response = AlertResponse.objects.get()
    assert response.oversight_entry.signed_at is not None
    assert response.alert.cleared_at is None

    # The review is recorded; at the next check of the standards the alert clears.
    page.goto(f"/children/{amir.pk}/plans/{plan.pk}/reviews/new/")
    page.locator("[name=date_day]").fill(str(today.day))
    page.locator("[name=date_month]").fill(str(today.month))
    page.locator("[name=date_year]").fill(str(today.year))
    page.get_by_label("Who attended").fill("Amir, his mother, Nia North (social worker), school")
    page.get_by_label("Decisions").fill("Carry on; school to report attendance weekly.")
    outcome = PlanOutcome.objects.get()
    page.locator(f"[name=score_{outcome.pk}][value='6']").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    standards_evaluate()
    page.goto(f"/children/{amir.pk}/alerts/")
    cleared = page.get_by_role("row").filter(has_text="CIN plan review overdue")
    expect(cleared.filter(has_text="The condition no longer holds")).to_be_visible()
    axe(page)
    assert not Alert.objects.filter(child=amir, standard="plan_review_overdue", cleared_at__isnull=True).exists()
