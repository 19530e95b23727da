"""A social worker records a visit where the child was seen alone, with the child's own words;
the child record shows when they were last seen alone, and the words are in the child's voice
and in the chronology. Bad input is shown next to the fields first. Every page is checked with axe."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.recording.models import Visit
from lantern.workforce.models import Role


@pytest.fixture
def amir(migrated_data):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    child = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    f.allocate(child, team=north, worker=sw)
    f.open_cin_episode(child)
    return child


def _radio(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_worker_records_a_visit_seen_alone_and_finds_the_childs_words(page, axe, amir, sign_in):
    sign_in("sw.north")
    page.goto(f"/children/{amir.pk}/")
    expect(page.get_by_role("heading", name="Seen", exact=True)).to_be_visible()
    expect(page.get_by_text("Not seen alone on a recorded visit")).to_be_visible()
    expect(page.get_by_text("Overdue").first).to_be_visible()  # referred in January, never seen
    axe(page)

    page.get_by_role("link", name="Record a visit").first.click()
    page.wait_for_url(f"**/children/{amir.pk}/visits/new/")
    expect(page.get_by_role("heading", name="Record a visit")).to_be_visible()
    axe(page)

    # Saying the child was seen alone but not seen: the errors sit next to the fields.
    _radio(page, "Was the child seen?", "No")
    _radio(page, "Was the child seen alone?", "Yes")
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="A child who was not seen cannot have been seen alone")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter who was present")).to_be_visible()
    expect(page.locator("#id_seen_alone-error")).to_contain_text("cannot have been seen alone")
    axe(page)
    assert not Visit.objects.exists()

    day = timezone.localdate() - timedelta(days=1)
    when = page.get_by_role("group", name="Date of the visit")
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Time the visit started").fill("10:30")
    page.get_by_label("Time the visit ended (optional)").fill("11:20")
    page.get_by_label("Statutory child in need visit").check()
    page.get_by_label("At home").check()
    page.get_by_label("Who was present").fill("Amir and his mum")
    _radio(page, "Was the child seen?", "Yes")
    _radio(page, "Was the child seen alone?", "Yes")
    _radio(page, "Was the child's bedroom seen?", "Yes")
    page.get_by_label("What the child said").fill("My room is my safe place. I like it when it's quiet.")
    page.get_by_label("What you observed").fill("Amir showed me his room; it was clean and warm.")
    page.get_by_label("Analysis").fill("Home conditions have improved.")
    page.get_by_label("Next steps").fill("Visit again in four weeks.")
    page.get_by_role("button", name="Save visit").click()

    visit = Visit.objects.get()
    page.wait_for_url(f"**/children/{amir.pk}/visits/{visit.pk}/")
    expect(page.get_by_text("Visit recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Statutory child in need visit")).to_be_visible()
    expect(page.get_by_text("My room is my safe place.")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Back to Amir Haddad").click()
    page.wait_for_url(f"**/children/{amir.pk}/")
    alone = page.locator(".govuk-summary-list__row", has=page.get_by_text("Last seen alone", exact=True))
    expect(alone).to_contain_text(f"{day.day} {day:%B %Y} (yesterday)")
    expect(page.get_by_role("link", name="Statutory child in need visit")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Child's voice").first.click()
    page.wait_for_url(f"**/children/{amir.pk}/voice/")
    expect(page.get_by_role("heading", name="Child's voice")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("My room is my safe place. I like it when it's quiet.")
    expect(page.get_by_role("link", name="Visit (statutory CIN)")).to_be_visible()
    axe(page)

    page.goto(f"/children/{amir.pk}/chronology/")
    expect(page.get_by_role("link", name="Visit (statutory CIN): child seen alone")).to_be_visible()
    expect(page.get_by_text("My room is my safe place.")).to_be_visible()
    axe(page)


def test_a_worker_in_another_team_cannot_record_a_visit(page, axe, amir, sign_in):
    south = f.make_team("South locality")
    f.make_worker("sw.south", role=Role.SOCIAL_WORKER, team=south)
    sign_in("sw.south")
    response = page.goto(f"/children/{amir.pk}/visits/new/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    axe(page)
