"""A council administrator sets up a new social worker in the browser: creates them, gives them
a one-time set-password link; the worker sets a password, sets up an authenticator app (the
test computes its codes), signs in and sees an empty caseload and their team's children only;
the administrator moves them to another team (they then see that team's children instead) and
deactivates them when they leave (their session ends at once). Every page is checked with axe."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.identity.tests.helpers import totp
from lantern.workforce.models import Role

NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def council(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    south = f.make_team("South locality", service=service)
    nia = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    sol = f.make_worker("sw.south", role=Role.SOCIAL_WORKER, team=south, first_name="Sol", last_name="South")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    sara = f.make_child(first_name="Sara", last_name="Osei", date_of_birth=date(2016, 3, 9))
    f.allocate(amir, team=north, worker=nia)
    f.allocate(sara, team=south, worker=sol)
    for child in (amir, sara):
        f.open_cin_episode(child)
    f.make_worker("council.admin", role=Role.COUNCIL_ADMIN, first_name="Ada", last_name="Admin")
    return {"amir": amir, "sara": sara}


def _fill_today(page) -> None:
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))


def test_an_administrator_sets_up_moves_and_deactivates_a_social_worker(page, axe, council, sign_in, live_server):
    sign_in("council.admin")
    page.wait_for_url("**/administration/")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    expect(page.get_by_role("link", name="Find a child")).to_have_count(0)
    axe(page)

    # Create the social worker (with one mistake first: the error summary and the field say so).
    page.get_by_role("button", name="Add a member of staff").click()
    axe(page)
    page.get_by_label("First name").fill("Remi")
    page.get_by_label("Last name").fill("Rowe")
    page.get_by_label("Username").fill("remi.rowe")
    page.get_by_label("Social worker", exact=True).check()
    _fill_today(page)
    page.get_by_role("button", name="Add member of staff").click()
    expect(page.get_by_role("link", name="Select the team they work in")).to_be_visible()
    axe(page)
    page.get_by_label("Team", exact=True).select_option(label="North locality")
    page.get_by_role("button", name="Add member of staff").click()
    expect(page.get_by_role("heading", name="Remi Rowe")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Make a set-password link").click()
    link = page.locator("#password-link").inner_text().strip()
    assert "/accounts/set-password/" in link
    axe(page)

    # The new worker, in their own browser: set a password, sign in, set up an authenticator app.
    theirs = page.context.browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    worker = theirs.new_page()
    worker.set_default_timeout(15000)
    worker.goto(link)
    expect(worker.get_by_role("heading", name="Set your password")).to_be_visible()
    axe(worker)
    worker.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    worker.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    worker.get_by_role("button", name="Set password").click()
    worker.wait_for_url("**/accounts/login/")
    expect(worker.get_by_text("Your password is set")).to_be_visible()
    worker.get_by_label("Username").fill("remi.rowe")
    worker.get_by_label("Password").fill(NEW_PASSWORD)
    worker.get_by_role("button", name="Sign in").click()
    worker.wait_for_url("**/accounts/set-up-authenticator/")
    secret = worker.locator("#setup-key").inner_text()
    worker.get_by_label("Code from your authenticator app").fill(totp(secret))
    worker.get_by_role("button", name="Continue").click()
    worker.get_by_role("button", name="I have kept my recovery codes").click()
    worker.wait_for_url("**/caseload/")
    expect(worker.get_by_text("No children are allocated to you.")).to_be_visible()
    axe(worker)
    # Their team's children only: North's Amir, not South's Sara.
    assert worker.goto(f"/children/{council['amir'].pk}/").status == 200
    assert worker.goto(f"/children/{council['sara'].pk}/").status == 403

    # The administrator moves them to South locality from today, with a reason.
    page.get_by_role("button", name="Change role or team").click()
    axe(page)
    page.get_by_label("Team", exact=True).select_option(label="South locality")
    _fill_today(page)
    page.get_by_label("Why is their role or team changing?").fill("Joining South to cover a vacancy")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Remi Rowe's role and team are updated.")).to_be_visible()
    expect(page.get_by_role("cell", name="Joining South to cover a vacancy").first).to_be_visible()
    axe(page)
    assert worker.goto(f"/children/{council['sara'].pk}/").status == 200
    assert worker.goto(f"/children/{council['amir'].pk}/").status == 403

    # They leave: the administrator deactivates them and their session ends at once.
    page.get_by_role("button", name="Deactivate").click()
    axe(page)
    _fill_today(page)
    page.get_by_label("Why are they leaving?").fill("Left the council")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("Remi Rowe is deactivated")).to_be_visible()
    worker.goto("/caseload/")
    expect(worker.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()
    theirs.close()

    # Everything is in the administration log, with who and why.
    page.goto("/administration/log/")
    log = page.get_by_role("table")
    for what in (
        "Member of staff created",
        "Set-password link issued",
        "Role or team changed",
        "Member of staff deactivated",
    ):
        expect(log.get_by_text(what, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Left the council")).to_be_visible()
    axe(page)
