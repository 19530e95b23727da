"""A social worker writes a case note: the draft saves itself as they type ("Draft saved"),
survives the session ending (the text is put back after signing in again), then is finalised
as a significant event with a category; the chronology filtered to significant events shows it."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lantern import factories as f
from lantern.identity.tests.helpers import recovery_code_for
from lantern.notes.models import CaseNote, NoteStatus
from lantern.workforce.models import Role


@pytest.fixture
def case(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    worker = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    child = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    f.allocate(child, team=north, worker=worker)
    f.open_cin_episode(child)
    return child


def test_worker_writes_a_note_that_saves_itself_and_finalises_it_as_significant(page, axe, case, sign_in):
    sign_in("sw.north")
    page.goto(f"/children/{case.pk}/")
    axe(page)
    page.get_by_role("link", name="Write a case note").click()
    expect(page.get_by_role("heading", name="Write a case note")).to_be_visible()
    axe(page)

    # Typing saves a draft a moment after the worker stops.
    page.get_by_label("Title").fill("Police called to the family home")
    page.get_by_label("What happened").fill("Police attended after a neighbour called.")
    status = page.locator("#note-autosave-status")
    expect(status).to_contain_text("Draft saved at")
    page.wait_for_url("**/notes/*/edit/")
    draft = CaseNote.objects.get()
    assert draft.status == NoteStatus.DRAFT and draft.body == "Police attended after a neighbour called."
    axe(page)

    # The session ends; what is typed next is not lost.
    page.context.clear_cookies()
    page.get_by_label("What happened").fill("Police attended after a neighbour called. No arrests were made.")
    expect(status).to_contain_text("Not saved")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    draft.refresh_from_db()
    assert "No arrests" not in draft.body
    sign_in("sw.north")
    page.goto(f"/children/{case.pk}/notes/{draft.pk}/edit/")
    expect(page.get_by_text("We have put back text you typed")).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value(
        "Police attended after a neighbour called. No arrests were made."
    )
    axe(page)
    expect(status).to_contain_text("Draft saved at")
    draft.refresh_from_db()
    assert draft.body.endswith("No arrests were made.")

    # Finalising checks everything: a significant event needs its category.
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Phone call").check()
    page.get_by_label("This is a significant event").check()
    page.get_by_role("button", name="Save as final note").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Select the category of significant event")).to_be_visible()
    axe(page)
    assert CaseNote.objects.get().status == NoteStatus.DRAFT

    page.get_by_label("Category of significant event").select_option(label="Police involvement")
    page.get_by_role("button", name="Save as final note").click()
    expect(page.get_by_role("heading", name="Police called to the family home")).to_be_visible()
    expect(page.get_by_text("Police involvement")).to_be_visible()
    axe(page)
    note = CaseNote.objects.get()
    assert note.status == NoteStatus.FINAL and note.significant and note.significant_category == "police_involvement"
    assert note.body.endswith("No arrests were made.")
    # The browser's copy of the text is gone once the server has it.
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('lantern-note:'))") == []

    page.get_by_role("link", name="All case notes for Amir Haddad").click()
    expect(page.get_by_role("link", name="Police called to the family home")).to_be_visible()
    axe(page)

    # The chronology shows the note among the significant events.
    page.goto(f"/children/{case.pk}/chronology/")
    axe(page)
    page.get_by_label("Significant events only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Case note: Police called to the family home")).to_be_visible()
    axe(page)


def test_text_typed_before_the_first_save_is_put_back_after_signing_in_again(page, axe, case, sign_in):
    sign_in("sw.north")
    page.goto(f"/children/{case.pk}/notes/new/")
    page.context.clear_cookies()  # the session ends before the draft was ever saved
    page.get_by_label("Title").fill("Meeting at school")
    page.get_by_label("What happened").fill("Met the head teacher and Amir's class teacher.")
    expect(page.locator("#note-autosave-status")).to_contain_text("Not saved")
    assert not CaseNote.objects.exists()
    page.get_by_role("link", name="Sign in again").click()
    page.get_by_label("Username").fill("sw.north")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Enter the code from your authenticator app").fill(recovery_code_for("sw.north"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/children/{case.pk}/notes/new/")
    expect(page.get_by_text("We have put back text you typed")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Meeting at school")
    axe(page)
    expect(page.locator("#note-autosave-status")).to_contain_text("Draft saved at")
    page.wait_for_url("**/notes/*/edit/")
    draft = CaseNote.objects.get()
    assert draft.status == NoteStatus.DRAFT and draft.body == "Met the head teacher and Amir's class teacher."
