"""A council administrator onboards records: uploads the templates, reads the dry run's problems
by file and line, fixes the file, loads, watches the progress bar and reads what was added. Every
page is checked with axe."""

import pytest
from playwright.sync_api import expect

from lantern import factories as f
from lantern.onboarding.models import OnboardingRun
from lantern.onboarding.tasks import run_onboarding_load
from lantern.onboarding.tests.test_files import GOOD, make_set
from lantern.people.models import Child


@pytest.fixture
def admin(transactional_db, settings, tmp_path):
    settings.ONBOARDING_DIR = tmp_path / "uploads"
    return f.make_worker("council.admin", role="council_admin", first_name="Cal", last_name="Admin")


def test_upload_fix_and_load(page, axe, admin, sign_in, tmp_path):
    sign_in("council.admin")
    page.goto("/onboarding/")
    expect(page.get_by_role("heading", name="Onboard records from the templates")).to_be_visible()
    axe(page)

    # Nothing chosen: the error summary and the message by the field.
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe(page)

    bad = make_set(tmp_path / "bad", episodes=GOOD["episodes"].replace("2026-01-12", "2026-13-12"))
    page.get_by_label("Upload the template files").set_input_files(sorted(str(p) for p in bad.iterdir()))
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", name="1 problem to fix before anything can load")).to_be_visible()
    problems = page.locator("#problems")
    expect(problems.get_by_role("cell", name="episodes.csv")).to_be_visible()
    expect(problems.get_by_role("cell", name="2", exact=True)).to_be_visible()
    expect(problems.get_by_text("'referral_date' '2026-13-12' is not a date")).to_be_visible()
    expect(page.get_by_role("button", name="Load")).to_have_count(0)
    axe(page)

    page.get_by_role("link", name="Upload the corrected files").click()
    good = make_set(tmp_path / "good")
    page.get_by_label("Upload the template files").set_input_files(sorted(str(p) for p in good.iterdir()))
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", name="The files are ready to load")).to_be_visible()
    expect(page.get_by_text("No problems: 18 rows will load, with 2 new children")).to_be_visible()
    axe(page)
    assert not Child.objects.exists()

    page.get_by_role("button", name="Load").click()
    expect(page.get_by_role("heading", name="Loading the records")).to_be_visible()
    expect(page.get_by_label("Waiting to start")).to_be_visible()  # the progress bar
    axe(page)

    run = OnboardingRun.objects.latest("pk")
    run_onboarding_load.call(run.pk)  # what the background worker does
    page.reload()
    expect(page.get_by_role("heading", name="The records are loaded")).to_be_visible()
    expect(page.locator(".govuk-panel__body")).to_contain_text("2 children")
    axe(page)
    assert Child.objects.get(la_child_id="LC1").person.first_name == "Maya"

    page.get_by_role("link", name="Back to onboarding").click()
    expect(page.get_by_role("cell", name="Loaded", exact=True)).to_be_visible()
    axe(page)
