"""A team manager reads the caseload dashboard (a chart with a table behind it), allocates a
waiting child to a worker above the amber threshold (warned, and made to give a reason), and
finds the decision listed; a service manager reads the service dashboard and the transition
view; a leader reads the council overview. Every page is checked with axe."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lantern import factories as f
from lantern.caseloads.models import AllocationDecision
from lantern.caseloads.services import snapshot_take
from lantern.core.local_settings import set_setting
from lantern.workforce.models import Allocation, Role, TeamType


@pytest.fixture
def teams(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    hub = f.make_team("CIN hub", service=service, type=TeamType.CIN_HUB)
    nia = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    f.make_worker("sw.two", role=Role.SOCIAL_WORKER, team=north, first_name="Owen", last_name="Other")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    f.make_worker("sm.cin", role=Role.SERVICE_MANAGER, service=service, first_name="Sue", last_name="Service")
    f.make_worker("leader", role=Role.SENIOR_LEADER, first_name="Lee", last_name="Leader")
    for i in range(3):
        child = f.make_child(first_name=f"Held{i}", last_name="Child")
        f.open_cin_episode(child)
        f.allocate(child, team=north, worker=nia)
    hub_child = f.make_child(first_name="Hana", last_name="Hub")
    f.open_cin_episode(hub_child)
    f.allocate(hub_child, team=hub, worker=None)
    waiting = f.make_child(first_name="Wren", last_name="Waiting", date_of_birth=date(2016, 4, 1))
    f.open_cin_episode(waiting)
    f.allocate(waiting, team=north, worker=None)
    set_setting("caseload_sw_amber", 3)
    set_setting("caseload_sw_red", 5)
    snapshot_take(month=date(2026, 1, 1), today=date(2026, 2, 1))
    return {"north": north, "waiting": waiting, "nia": nia}


def test_manager_allocates_above_the_threshold_with_a_reason(page, axe, sign_in, teams):
    sign_in("tm.north")
    page.get_by_role("link", name="Caseloads", exact=True).click()
    expect(page.get_by_role("heading", name="Caseloads: North locality")).to_be_visible()
    chart = page.get_by_role("img", name="Caseloads in North locality")
    expect(chart).to_be_visible()
    # The text alternative: the same figures in a table.
    expect(page.get_by_role("rowheader", name="Nia North")).to_be_visible()
    expect(page.get_by_role("cell", name="Within").first).to_be_visible()
    expect(page.get_by_role("img", name="North locality: caseloads over time")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Allocate a worker to Wren Waiting").click()
    expect(page.get_by_role("heading", name="Allocate a worker")).to_be_visible()
    axe(page)
    page.get_by_label("Nia North").check()
    page.get_by_label("New case").check()
    page.get_by_role("button", name="Allocate").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Enter why you are allocating above the amber threshold")).to_be_visible()
    expect(page.get_by_text("Nia North would go above the amber threshold")).to_be_visible()
    assert not Allocation.objects.filter(child=teams["waiting"], worker=teams["nia"]).exists()
    axe(page)
    summary.get_by_role("link", name="Enter why you are allocating above the amber threshold").click()
    expect(page.get_by_label("Why are you allocating above the threshold?")).to_be_focused()

    page.get_by_label("Why are you allocating above the threshold?").fill("Nia worked with Wren's brother last year")
    page.get_by_role("button", name="Allocate above the threshold").click()
    expect(page.get_by_text("Wren Waiting is now allocated to Nia North.")).to_be_visible()
    axe(page)
    assert AllocationDecision.objects.get().reason == "Nia worked with Wren's brother last year"

    page.goto(f"/teams/{teams['north'].pk}/caseloads/")
    expect(page.get_by_role("cell", name="Nia worked with Wren's brother last year")).to_be_visible()
    nia_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Nia North"))
    expect(nia_row.get_by_role("cell", name="4", exact=True)).to_be_visible()
    expect(nia_row.get_by_text("Above amber")).to_be_visible()
    page.get_by_role("link", name="Worker continuity: children with several workers in 12 months").click()
    expect(page.get_by_role("heading", name="Worker continuity")).to_be_visible()
    axe(page)


def test_service_manager_and_leader_read_the_dashboards(page, axe, sign_in, sign_out, teams):
    sign_in("sm.cin")
    page.get_by_role("link", name="Caseloads", exact=True).click()
    expect(page.get_by_role("heading", name="Caseloads: Children in need")).to_be_visible()
    expect(page.get_by_role("img", name="Workers by caseload band in each team of Children in need")).to_be_visible()
    expect(page.get_by_role("link", name="North locality")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Transition view: which teams hold each level of need, over time").click()
    expect(page.get_by_role("heading", name="Transition view")).to_be_visible()
    expect(page.get_by_role("img", name="Child in need: children held by each type of team")).to_be_visible()
    page.get_by_text("Figures behind the chart").first.click()
    expect(page.get_by_role("columnheader", name="CIN hub").first).to_be_visible()
    axe(page)
    sign_out()

    sign_in("leader")
    page.get_by_role("link", name="Caseloads", exact=True).click()
    expect(page.get_by_role("heading", name="Caseloads across the council")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Transition view for the whole council").click()
    expect(page.get_by_role("heading", name="Transition view")).to_be_visible()
    axe(page)
