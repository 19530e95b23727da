"""Supervision in the browser: a team manager records supervision for a social worker with two
case discussions (two children, the second added with "Add another case discussion", no script
needed), signs it, and each discussion appears on that child's file and chronology. The worker
then reads their own record, personal sections included. axe-core checks every page visited."""

from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.supervision.models import CaseDiscussion, SupervisionSession
from lantern.workforce.models import Role


@pytest.fixture
def team(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    lina = f.make_child(first_name="Lina", last_name="Haddad", date_of_birth=date(2019, 8, 30))
    for child in (amir, lina):
        f.allocate(child, team=north, worker=sw, start=date(2025, 6, 2))
        f.open_cin_episode(child, referral_date=date(2025, 6, 1))
    return {"sw": sw, "amir": amir, "lina": lina}


def fill_date(scope, legend: str, day: date) -> None:
    group = scope.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def fill_discussion(page, number: int, child, *, reflection: str, decisions: str, rationale: str) -> None:
    discussion = page.get_by_role("group", name=f"Case discussion {number}", exact=True)
    discussion.get_by_label("Child discussed").select_option(str(child.pk))
    discussion.get_by_label("What is working well").fill("School attendance is better this term.")
    discussion.get_by_label("What are we worried about").fill("Arguments at home late at night.")
    discussion.get_by_label("Reflective discussion").fill(reflection)
    discussion.get_by_label("Decisions", exact=True).fill(decisions)
    discussion.get_by_label("Rationale for the decisions").fill(rationale)
    discussion.get_by_label("Actions", exact=True).fill("Worker to visit within ten working days.")


def chronology_url(child) -> str | None:
    try:
        return reverse("chronology:chronology", args=[child.pk])
    except NoReverseMatch:  # the chronology app has no page yet
        return None


def test_manager_records_and_signs_supervision_and_it_reaches_both_childrens_files(page, axe, team, sign_in, sign_out):
    amir, lina = team["amir"], team["lina"]
    held_on = timezone.localdate() - timedelta(days=1)

    # The manager's list: the worker has never been supervised.
    sign_in("tm.north")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Supervision").click()
    expect(page.get_by_role("heading", name="Supervision", exact=True)).to_be_visible()
    expect(page.get_by_text("No supervision recorded")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Nia North").click()
    expect(page.get_by_role("heading", name="Supervision: Nia North")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Record supervision").click()
    expect(page.get_by_role("heading", name="Record supervision: Nia North")).to_be_visible()
    axe(page)

    # The session, the first discussion, then one more discussion without losing what was typed.
    fill_date(page, "Date of supervision", held_on)
    page.get_by_label("Wellbeing").fill("Tired after a court week; agreed a lighter duty rota.")
    page.get_by_label("Caseload and workload").fill("Manageable.")
    fill_discussion(
        page, 1, amir,
        reflection="Could the late-night arguments be about money worries rather than the relationship?",
        decisions="Hold a network meeting with school and health.",
        rationale="Each agency holds part of the picture.",
    )  # fmt: skip
    page.get_by_role("button", name="Add another case discussion").click()
    expect(page.get_by_role("group", name="Case discussion 2", exact=True)).to_be_visible()
    expect(page.get_by_label("Wellbeing")).to_have_value("Tired after a court week; agreed a lighter duty rota.")
    assert not SupervisionSession.objects.exists()
    axe(page)
    fill_discussion(
        page, 2, lina,
        reflection="Is Lina's quietness at nursery withdrawal, or settling in?",
        decisions="Ask nursery for two weeks of observations.",
        rationale="We need to know more before changing the plan.",
    )  # fmt: skip
    page.get_by_role("button", name="Save draft").click()

    # The draft, then signing.
    expect(page.get_by_text("Supervision saved as a draft")).to_be_visible()
    expect(page.get_by_role("heading", name="Supervision of Nia North")).to_be_visible()
    expect(page.get_by_text("Tired after a court week")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Sign supervision record").click()
    expect(page.get_by_text("Supervision signed")).to_be_visible()
    expect(page.get_by_role("button", name="Add addendum")).to_be_visible()
    axe(page)
    session = SupervisionSession.objects.get()
    assert session.signed_at is not None
    assert set(CaseDiscussion.objects.values_list("child_id", flat=True)) == {amir.pk, lina.pk}

    # Each discussion is on its child's file (panel and page) and chronology; the wellbeing is not.
    for child, decision in ((amir, "Hold a network meeting"), (lina, "Ask nursery for two weeks")):
        page.goto(reverse("casework:child", args=[child.pk]))
        expect(page.get_by_role("heading", name="Supervision case discussions")).to_be_visible()
        expect(page.get_by_text(decision).first).to_be_visible()
        axe(page)
        page.get_by_role("link", name="Supervision case discussions", exact=True).click()
        expect(page.get_by_role("heading", name="Supervision case discussions", level=1)).to_be_visible()
        expect(page.get_by_text(decision)).to_be_visible()
        assert "Tired after a court week" not in page.content()
        axe(page)
        url = chronology_url(child)
        if url:
            page.goto(url)
            expect(page.get_by_text("Discussed in supervision (Nia North with Tom Manager)").first).to_be_visible()
            axe(page)

    # The worker reads their own record, personal sections included.
    sign_out()
    sign_in("sw.north")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Supervision").click()
    expect(page.get_by_role("heading", name="Your supervision")).to_be_visible()
    expect(page.get_by_text("Up to date")).to_be_visible()
    axe(page)
    page.get_by_role("link", name=f"{held_on.day} {held_on:%b %Y}").click()
    expect(page.get_by_text("Tired after a court week")).to_be_visible()
    expect(page.get_by_role("button", name="Sign supervision record")).to_have_count(0)
    axe(page)
