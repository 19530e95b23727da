"""Case audits in the browser (L1, L2): a quality auditor audits a child's case (a submission with
missing grades is refused with the errors listed), asks a senior leader to moderate it and sets
an action for the social worker; the leader moderates without seeing the first grades, then
sees both side by side and reads the reports; the social worker finds the action on My work and
records it as done. axe-core checks every page visited."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.audits.models import Audit, AuditAction, AuditStatus, Moderation
from lantern.workforce.models import Role


@pytest.fixture
def north(transactional_db):
    service = f.make_service("Children in need")
    team = f.make_team("North locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=team, first_name="Nia", last_name="North")
    f.make_worker("qa", role=Role.QUALITY_AUDITOR, first_name="Quinn", last_name="Auditor")
    f.make_worker("leader", role=Role.SENIOR_LEADER, first_name="Lee", last_name="Leader")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    f.allocate(amir, team=team, worker=sw, start=date(2026, 1, 5))
    f.open_cin_episode(amir)
    return {"amir": amir}


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"[name={name}_day]").fill(str(day.day))
    page.locator(f"[name={name}_month]").fill(str(day.month))
    page.locator(f"[name={name}_year]").fill(str(day.year))


def test_audit_with_moderation_and_an_action_through_to_completion(page, axe, north, sign_in, sign_out):
    amir = north["amir"]
    today = timezone.localdate()

    # The auditor starts an audit from the child's record.
    sign_in("qa")
    page.get_by_role("link", name="Audits", exact=True).click()
    expect(page.get_by_role("heading", name="Case audits")).to_be_visible()
    axe(page)
    page.goto(f"/children/{amir.pk}/")
    expect(page.get_by_text("This case has not been audited.")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Case audits", exact=True).click()
    axe(page)
    page.get_by_role("link", name="Start a case audit").click()
    expect(page.get_by_role("heading", name="Start a case audit")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_role("heading", name="Case audit Draft")).to_be_visible()
    axe(page)

    # Submitting with nothing graded is refused, every problem listed and linked.
    page.get_by_role("button", name="Submit audit").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("Select a grade for assessment quality")).to_be_visible()
    expect(summary.get_by_text("Select the overall grade")).to_be_visible()
    axe(page)
    assert Audit.objects.get().status == AuditStatus.DRAFT

    audit = Audit.objects.get()
    for question_input in page.locator("input[type=radio][value=yes]").all():
        question_input.check()
    for section in audit.template.sections.all():
        grade = "requires_improvement" if section.theme == "chronology" else "good"
        page.locator(f"[name=section_{section.pk}_grade][value={grade}]").check()
    page.get_by_label("Findings for Chronology").fill("The chronology has not been updated since March.")
    page.locator("[name=overall_grade][value=good]").check()
    page.get_by_label("Summary").fill("Purposeful work with Amir; the chronology lags behind.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Submit audit").click()
    expect(page.get_by_text("Audit submitted. It can no longer be changed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Case audit Submitted")).to_be_visible()
    expect(page.get_by_role("button", name="Submit audit")).to_have_count(0)
    axe(page)

    # Ask the senior leader to moderate, and set an action for the social worker.
    page.get_by_role("link", name="Ask for moderation").click()
    axe(page)
    page.get_by_label("Who will moderate the audit").select_option(label="Lee Leader (Senior leader)")
    page.get_by_role("button", name="Ask them to moderate").click()
    expect(page.get_by_text("Lee Leader has been asked to moderate the audit.")).to_be_visible()
    page.get_by_role("link", name="Add an action").click()
    axe(page)
    page.get_by_role("button", name="Add action").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter what needs to be done")).to_be_visible()
    axe(page)
    page.get_by_label("What needs to be done").fill("Bring Amir's chronology up to date")
    page.get_by_label("Who will do it").select_option(label="Nia North (Social worker)")
    fill_date(page, "due_date", today + timedelta(days=14))
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()
    expect(page.get_by_role("cell", name="Bring Amir's chronology up to date", exact=True)).to_be_visible()
    axe(page)
    sign_out()

    # The moderator grades blind, then sees both sets of grades.
    sign_in("leader")
    page.goto("/audits/")
    axe(page)
    page.get_by_role("link", name=re.compile(r"Amir Haddad\s*: moderate the audit")).click()
    expect(page.get_by_role("heading", name="Moderate the case audit")).to_be_visible()
    expect(page.get_by_text("Purposeful work with Amir")).to_have_count(0)
    axe(page)
    for section in audit.template.sections.all():
        page.locator(f"[name=section_{section.pk}_grade][value=good]").check()
    page.get_by_role("button", name="Submit moderation").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Select your overall grade")).to_be_visible()
    axe(page)
    page.locator("[name=overall_grade][value=good]").check()
    page.get_by_role("button", name="Submit moderation").click()
    expect(page.get_by_text("Moderation submitted.")).to_be_visible()
    expect(page.get_by_text("The moderator gave the same grade for 6 of 7 sections.")).to_be_visible()
    expect(page.get_by_text("Purposeful work with Amir; the chronology lags behind.")).to_be_visible()
    axe(page)
    assert Moderation.objects.get().is_submitted

    page.goto("/audits/reports/agreement/")
    expect(page.get_by_role("row", name="Quinn Auditor 1 100% 7 86% 0% 14%")).to_be_visible()
    axe(page)
    page.goto("/audits/reports/themes/?theme=chronology&months=12")
    expect(page.get_by_role("img", name="Chronology: grades by quarter")).to_be_visible()
    expect(page.get_by_text("The chronology has not been updated since March.")).to_be_attached()
    axe(page)
    sign_out()

    # The social worker finds the action on My work and records it as done.
    sign_in("sw.north")
    page.goto("/my-work/")
    page.get_by_role("link", name="Audit action: Bring Amir's chronology up to date").click()
    axe(page)
    page.get_by_role("link", name="Record as done").click()
    expect(page.get_by_role("heading", name="Record an action as done")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Record as done").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter what was done")).to_be_visible()
    axe(page)
    page.get_by_label("What was done").fill("Chronology updated with the school's reports.")
    page.get_by_role("button", name="Record as done").click()
    expect(page.get_by_text("Action recorded as done.")).to_be_visible()
    expect(page.get_by_text(f"Done {today.day} {today:%b %Y}")).to_be_visible()
    axe(page)
    assert AuditAction.objects.get().is_done
    page.goto(f"/children/{amir.pk}/")
    expect(page.get_by_role("heading", name="Case audit", exact=True)).to_be_visible()
    axe(page)
