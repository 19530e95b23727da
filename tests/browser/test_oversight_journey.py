"""Management oversight in the browser (L6, L4): a team manager records oversight with an action,
checks and signs it, and finds it locked (no way to change it, only an addendum); the worker
reads it and records the action as done; a supervising social worker records a check-in on a
family support worker's case; the team's oversight list. axe-core checks every page visited."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.oversight.models import CheckIn, OversightActionCompletion, OversightAddendum, OversightEntry
from lantern.workforce.models import AllocationRole, Role


@pytest.fixture
def north(transactional_db):
    service = f.make_service("Children in need")
    team = f.make_team("North locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=team, first_name="Nia", last_name="North")
    fsw = f.make_worker("fsw.north", role=Role.FAMILY_SUPPORT_WORKER, team=team, first_name="Fay", last_name="Support")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=team, first_name="Tom", last_name="Manager")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    f.allocate(amir, team=team, worker=sw, start=date(2026, 1, 5))
    f.open_cin_episode(amir)
    lina = f.make_child(first_name="Lina", last_name="Haddad", date_of_birth=date(2019, 8, 30))
    f.allocate(lina, team=team, worker=fsw, start=date(2026, 1, 5))
    f.allocate(lina, team=team, worker=sw, role=AllocationRole.SUPERVISING_SOCIAL_WORKER, start=date(2026, 1, 5))
    f.open_cin_episode(lina)
    return {"team": team, "amir": amir, "lina": lina}


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"[name={name}_day]").fill(str(day.day))
    page.locator(f"[name={name}_month]").fill(str(day.month))
    page.locator(f"[name={name}_year]").fill(str(day.year))


def test_manager_records_signs_and_cannot_change_oversight(page, axe, north, sign_in, sign_out):
    amir = north["amir"]
    today = timezone.localdate()

    sign_in("tm.north")
    page.goto(f"/children/{amir.pk}/")
    expect(page.get_by_text("Oversight overdue").first).to_be_visible()
    expect(page.get_by_text("No signed oversight on record")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Record oversight").click()
    expect(page.get_by_role("heading", name="Record management oversight")).to_be_visible()
    axe(page)

    # A draft without a direction is refused, with the error by the field.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter the direction")).to_be_visible()
    axe(page)

    page.get_by_label("Direction").fill("Visit weekly until the review and see Amir alone each time.")
    page.get_by_label("Challenge (optional)").fill("Why has dad not been seen since March?")
    page.get_by_label("Rationale").fill("Attendance is falling and Amir is caring for his sister.")
    fill_date(page, "next_oversight_date", today + timedelta(weeks=3))
    page.get_by_label("Action 1: what needs to be done").fill("Ring school for attendance figures")
    page.get_by_label("Action 1: who will do it").select_option(label="Nia North (Social worker)")
    fill_date(page, "action_1_due", today + timedelta(days=7))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Management oversight Draft")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Sign oversight").click()
    expect(page.get_by_text("Oversight signed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Management oversight Signed")).to_be_visible()
    # Locked: nothing offers to change it; an addendum is the only way to add to it.
    expect(page.get_by_role("link", name="Change the draft")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign oversight")).to_have_count(0)
    axe(page)
    entry = OversightEntry.objects.get()
    assert entry.signed_at is not None and entry.signed_by.username == "tm.north"

    page.get_by_role("button", name="Add addendum").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter the addendum")).to_be_visible()
    axe(page)
    page.get_by_label("Addendum").fill("Dad rang back: he will attend the review.")
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("Dad rang back: he will attend the review.")).to_be_visible()
    assert OversightAddendum.objects.filter(entry=entry).count() == 1
    axe(page)

    response = page.goto(f"/children/{amir.pk}/oversight/{entry.pk}/edit/")
    assert response.status == 403
    expect(page.get_by_text("Add an addendum instead")).to_be_visible()
    axe(page)

    page.goto(f"/children/{amir.pk}/")
    expect(page.get_by_text("Latest management oversight")).to_be_visible()
    expect(page.get_by_text("Oversight overdue")).to_have_count(0)
    axe(page)
    page.goto(f"/teams/{north['team'].pk}/oversight/")
    expect(page.get_by_role("heading", name="Management oversight")).to_be_visible()
    expect(page.get_by_role("link", name="Lina Haddad")).to_be_visible()
    axe(page)
    sign_out()

    # The worker reads it (no way to record oversight) and records the action as done.
    sign_in("sw.north")
    page.goto(f"/children/{amir.pk}/oversight/")
    expect(page.get_by_text("Visit weekly until the review")).to_be_visible()
    expect(page.get_by_role("link", name="Record oversight")).to_have_count(0)
    axe(page)
    page.get_by_role("link", name="View").click()
    page.get_by_role("link", name="Record as done").click()
    axe(page)
    fill_date(page, "completed_on", today)
    page.get_by_role("button", name="Record as done").click()
    expect(page.get_by_text("Action recorded as done.")).to_be_visible()
    assert OversightActionCompletion.objects.count() == 1
    axe(page)


def test_supervising_social_worker_records_a_check_in(page, axe, north, sign_in):
    lina = north["lina"]
    sign_in("sw.north")
    page.goto(f"/children/{lina.pk}/")
    expect(page.get_by_text("Check-in overdue")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Record a check-in").click()
    axe(page)
    fill_date(page, "held_on", timezone.localdate())
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter a summary of the check-in")).to_be_visible()
    axe(page)
    page.get_by_label("Summary").fill("Routines are settling; Lina is at nursery every day.")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in recorded.")).to_be_visible()
    expect(page.get_by_text("Routines are settling")).to_be_visible()
    axe(page)
    assert CheckIn.objects.get().family_support_worker.username == "fsw.north"
