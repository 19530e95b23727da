"""Signing in as councils require: single sign-on through a real OpenID Connect provider
(started here on a loopback port) landing on the right caseload; a first password sign-in that
sets up an authenticator app (the test computes its codes) and keeps recovery codes; a person's
own sessions; an administrator's sign-in log and second-factor reset. Every page of Lantern's
is checked with axe-core."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lantern import factories as f
from lantern.identity.models import ExternalIdentity
from lantern.identity.tests.helpers import totp
from lantern.workforce.models import Role
from tests import oidc


@pytest.fixture
def north(transactional_db):
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
    return {"nia": nia, "sol": sol}


@pytest.fixture
def provider(live_server, settings):
    running = oidc.start([f"{live_server.url}/accounts/sso/callback/"])
    for name, value in running.settings().items():
        setattr(settings, name, value)
    settings.LANTERN_SSO_SUBJECT_CLAIM = "oid"
    settings.LANTERN_SSO_NAME = "your council account"
    yield running
    running.stop()


def test_single_sign_on_lands_on_the_right_caseload(page, axe, north, provider):
    ExternalIdentity.objects.create(worker=north["nia"], issuer=provider.issuer, subject="oid-nia", linked_by="email")
    page.goto("/accounts/login/")
    axe(page)
    page.get_by_role("button", name="Sign in with your council account").click()
    # The provider's own sign-in page (not Lantern's, so not checked with axe).
    page.locator("input[name=login]").fill("nia")
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/caseload/")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_role("link", name="Amir Haddad")).to_be_visible()
    expect(page.get_by_text("Sara Osei")).to_have_count(0)
    axe(page)
    page.get_by_role("link", name="Your sign-in security").click()
    expect(page.get_by_text("Signed in with your council account")).to_be_visible()
    axe(page)


def test_single_sign_on_refuses_someone_lantern_does_not_know(page, axe, north, provider):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.locator("input[name=login]").fill("stranger")
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("heading", name="Your account is not set up in Lantern")).to_be_visible()
    axe(page)


def test_first_password_sign_in_sets_up_an_authenticator(page, axe, north, live_server):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("sw.north")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/set-up-authenticator/")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    axe(page)
    secret = page.locator("#setup-key").inner_text()
    page.get_by_label("Code from your authenticator app").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Enter the 6-digit code from your authenticator app")).to_be_visible()
    axe(page)
    page.get_by_label("Code from your authenticator app").fill(totp(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    axe(page)
    page.get_by_role("button", name="I have kept my recovery codes").click()
    page.wait_for_url("**/caseload/")
    expect(page.get_by_role("link", name="Amir Haddad")).to_be_visible()

    # Another browser: the password, then the app's next code.
    other = page.context.browser.new_context(base_url=live_server.url)
    second = other.new_page()
    second.goto("/accounts/login/")
    second.get_by_label("Username").fill("sw.north")
    second.get_by_label("Password").fill(f.PASSWORD)
    second.get_by_role("button", name="Sign in").click()
    second.wait_for_url("**/accounts/verify/")
    axe(second)
    second.get_by_label("Enter the code from your authenticator app").fill(totp(secret, step_offset=1))
    second.get_by_role("button", name="Continue").click()
    second.wait_for_url("**/caseload/")

    # The first browser sees two sessions and signs the other one out.
    page.goto("/account/sessions/")
    expect(page.get_by_role("table").get_by_text("This session")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Sign out all other sessions").click()
    expect(page.get_by_text("Your other sessions have been signed out")).to_be_visible()
    second.goto("/caseload/")
    expect(second.get_by_role("heading", name="Sign in to Lantern")).to_be_visible()
    other.close()


def test_an_administrator_reads_the_log_and_resets_a_second_factor(page, axe, north, sign_in, sign_out):
    f.make_worker("council.admin", role="council_admin", first_name="Ada", last_name="Admin")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("sw.south")
    page.get_by_label("Password").fill("a-wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Enter a correct username and password")).to_be_visible()
    axe(page)
    sign_in("council.admin")
    page.goto("/security/sign-ins/")
    expect(page.get_by_role("cell", name="sw.south")).to_be_visible()
    axe(page)
    page.goto("/security/staff/")
    page.get_by_label("Name, username or email").fill("North")
    page.get_by_role("button", name="Search").click()
    axe(page)
    page.get_by_role("link", name="Nia North").click()
    axe(page)
    page.get_by_label("Reason").fill("Lost her phone")
    page.get_by_role("button", name="Reset second factor").click()
    expect(page.get_by_text("Nia North will set up a new authenticator app at their next sign-in.")).to_be_visible()
    expect(page.get_by_role("cell", name="Lost her phone")).to_be_visible()
    page.goto("/security/changes/")
    expect(page.get_by_role("cell", name="Second factor reset")).to_be_visible()
    axe(page)
