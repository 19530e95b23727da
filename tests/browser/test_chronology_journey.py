"""A social worker opens a child's chronology from the record, filters it (significant events,
dates, types), sees the GOV.UK errors for bad dates, prints it on A4 and downloads it; a worker
in another team is refused. Every page is checked with axe."""

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lantern import factories as f
from lantern.chronology.tests.conftest import write_history
from lantern.workforce.models import Allocation, Role


@pytest.fixture
def history(migrated_data):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    south = f.make_team("South locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    sw2 = f.make_worker("sw.north2", role=Role.SOCIAL_WORKER, team=north, first_name="Ned", last_name="Nolan")
    tm = f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    f.make_worker("sw.south", role=Role.SOCIAL_WORKER, team=south, first_name="Sol", last_name="South")
    child = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    write_history(child, workers=[sw, sw2], team=north, decider=tm, start=date(2023, 1, 9), years=3)
    Allocation.objects.create(child=child, team=north, worker=sw, start_date=date(2026, 1, 5), start_reason="new_case")
    return child


def test_worker_opens_filters_and_corrects_the_chronology(page, axe, history, sign_in):
    sign_in("sw.north")
    page.goto(f"/children/{history.pk}/")
    expect(page.get_by_role("heading", name="Significant events")).to_be_visible()
    page.get_by_role("link", name="Chronology", exact=True).click()
    page.wait_for_url(f"**/children/{history.pk}/chronology/")
    expect(page.get_by_role("heading", name="Chronology", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Contact received from Police").first).to_be_visible()
    axe(page)

    # Significant events only.
    page.get_by_label("Significant events only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Significant events only, newest first.")).to_be_visible()
    rows = page.locator("table.lantern-chronology-table tbody tr")
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        expect(rows.nth(i).get_by_text("Significant", exact=True)).to_be_visible()
    axe(page)

    # A date that does not exist: the error is next to the field and in the summary.
    page.get_by_role("group", name="From date").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From date").get_by_label("Month").fill("2")
    page.get_by_role("group", name="From date").get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary_link = page.locator(".govuk-error-summary").get_by_role("link", name="From date must be a real date")
    expect(summary_link).to_be_visible()
    expect(page.locator("#date_from-error, .govuk-error-message").first).to_contain_text(
        "From date must be a real date"
    )
    axe(page)

    # Corrected, with the end before the start: the error moves to the "to" date.
    page.get_by_role("group", name="From date").get_by_label("Day").fill("1")
    page.get_by_role("group", name="From date").get_by_label("Month").fill("1")
    page.get_by_role("group", name="From date").get_by_label("Year").fill("2024")
    page.get_by_role("group", name="To date").get_by_label("Day").fill("31")
    page.get_by_role("group", name="To date").get_by_label("Month").fill("12")
    page.get_by_role("group", name="To date").get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Apply filters").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role("link", name="To date must be the same as or after")
    ).to_be_visible()
    axe(page)

    # A valid year, initial conferences only, oldest first.
    page.get_by_role("group", name="To date").get_by_label("Year").fill("2024")
    page.get_by_label("Significant events only").uncheck()
    page.get_by_text("Types of event").click()
    page.get_by_label("Initial child protection conferences").check()
    page.get_by_label("Oldest first").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="2 events")).to_be_visible()
    titles = page.locator("table.lantern-chronology-table tbody tr td:nth-child(2) a")
    expect(titles).to_have_count(2)
    expect(titles.first).to_have_text("Initial child protection conference held")
    dates = page.locator("table.lantern-chronology-table tbody tr td:first-child")
    assert "2024" in dates.first.inner_text() and "2024" in dates.last.inner_text()
    axe(page)

    # The download keeps the filter.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download as a spreadsheet")).click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"chronology-{history.la_child_id}-")
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Date,Time,Type,What happened,Detail,By,Significant"
    assert len(lines) == 3 and all("Initial child protection conference held" in line for line in lines[1:])


def test_printable_version_fits_a4_without_the_menus(page, axe, history, sign_in):
    sign_in("sw.north")
    page.goto(f"/children/{history.pk}/chronology/")
    page.get_by_role("link", name=re.compile("Printable version")).click()
    page.wait_for_url(f"**/children/{history.pk}/chronology/print/")
    expect(page.get_by_role("heading", name="Chronology for Amir Haddad")).to_be_visible()
    expect(page.get_by_text("by Nia North")).to_be_visible()
    expect(page.locator(".govuk-service-navigation")).to_have_count(0)
    expect(page.get_by_role("button", name="Print this chronology")).to_be_visible()  # shown by its script
    axe(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the chronology")).to_be_hidden()
    expect(page.get_by_role("heading", name="Chronology for Amir Haddad")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert sizes and all(abs(float(w) - 595.92) < 2 and abs(float(h) - 842.88) < 2 for w, h in sizes), sizes
    assert len(re.findall(rb"/Type /Page\b", pdf)) > 1  # three years of history runs over several pages


def test_worker_in_another_team_is_refused_the_chronology(page, axe, history, sign_in):
    sign_in("sw.south")
    for path in ("chronology/", "chronology/print/", "chronology.csv"):
        response = page.goto(f"/children/{history.pk}/{path}")
        assert response.status == 403
        assert "Haddad" not in page.content()
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    axe(page)
