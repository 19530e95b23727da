"""Case notes pages: writing, autosave, reading, correcting, discarding; refused access for each
role; errors next to the fields with nothing saved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.access.models import ChildView
from lantern.notes import services
from lantern.notes.models import CaseNote, NoteStatus
from lantern.testing import error_links, links_to

pytestmark = pytest.mark.django_db

FINAL = {
    "title": "Phone call with school",
    "body": "The head teacher said Olivia was late three times this week.",
    "occurred_on": date(2026, 2, 3),
    "note_type": "phone_call",
}


def _post_data(**overrides):
    data = {
        "title": FINAL["title"],
        "body": FINAL["body"],
        "occurred_on_day": "3",
        "occurred_on_month": "2",
        "occurred_on_year": "2026",
        "note_type": "phone_call",
        "action": "final",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _final(world, child="own", author="sw_north", **overrides):
    return services.case_note_finalise(
        child=world.children[child], author=world.users[author], **{**FINAL, **overrides}
    )


def _draft(world, child="own", author="sw_north", **fields):
    return services.case_note_save_draft(
        child=world.children[child], author=world.users[author], **({"title": "Draft"} | fields)
    )


def _url(name, child, *args):
    return reverse(f"notes:{name}", args=[child.pk, *args])


# --- Writing ---------------------------------------------------------------------------------


def test_worker_writes_a_final_significant_note(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.get(_url("new", child))
    assert response.status_code == 200
    assert "notes/autosave.js" in response.content.decode()
    response = client.post(_url("new", child), _post_data(significant="on", significant_category="hospital_attendance"))
    note = CaseNote.objects.get()
    assert response.status_code == 302 and response.url == _url("note", child, note.pk)
    assert note.status == NoteStatus.FINAL and note.author == world.users["sw_north"]
    assert note.significant and note.significant_category == "hospital_attendance"
    page = client.get(response.url).content.decode()
    assert "Phone call with school" in page and "Hospital attendance" in page


def test_save_draft_without_javascript_then_finish_it(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.post(
        _url("new", child), {"title": "Half written", "action": "draft", "occurred_on_day": "", "note_type": ""}
    )
    draft = CaseNote.objects.get()
    assert draft.status == NoteStatus.DRAFT
    assert response.url == _url("edit", child, draft.pk)
    page = client.get(response.url).content.decode()
    assert "Draft saved at" in page and 'value="Half written"' in page
    response = client.post(_url("edit", child, draft.pk), _post_data())
    draft.refresh_from_db()
    assert draft.status == NoteStatus.FINAL and CaseNote.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the note"),
        ({"body": ""}, "body", "Enter what happened"),
        (
            {"occurred_on_day": "", "occurred_on_month": "", "occurred_on_year": ""},
            "occurred_on",
            "Enter the date of the event",
        ),
        ({"note_type": None}, "note_type", "Select the type of note"),
        ({"significant": "on"}, "significant_category", "Select the category of significant event"),
        ({"occurred_on_month": "13"}, "occurred_on", "Date of the event must be a real date"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, world, overrides, field, message):
    client.force_login(world.users["sw_north"])
    response = client.post(_url("new", world.children["own"]), _post_data(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert links_to(body, field)
    assert message in body
    assert 'class="govuk-error-message"' in body
    assert not CaseNote.objects.exists()


def test_a_note_dated_in_the_future_is_refused(client, world):
    client.force_login(world.users["sw_north"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = _post_data(occurred_on_day=tomorrow.day, occurred_on_month=tomorrow.month, occurred_on_year=tomorrow.year)
    response = client.post(_url("new", world.children["own"]), data)
    body = response.content.decode()
    assert links_to(body, "occurred_on") and "must be today or in the past" in body
    assert not CaseNote.objects.exists()


def test_finalising_a_draft_with_errors_leaves_the_draft_as_it_was(client, world):
    draft = _draft(world, body="First words")
    client.force_login(world.users["sw_north"])
    response = client.post(_url("edit", world.children["own"], draft.pk), _post_data(body="", title="Changed"))
    assert links_to(response.content.decode(), "body")
    draft.refresh_from_db()
    assert draft.status == NoteStatus.DRAFT and draft.title == "Draft" and draft.body == "First words"


# --- Autosave --------------------------------------------------------------------------------


def test_autosave_creates_then_updates_one_draft(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    url = _url("autosave", child)
    first = client.post(url, {"title": "Visit to school", "body": "Arrived at"})
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    data = first.json()
    draft = CaseNote.objects.get()
    assert data["saved"] is True and data["note"] == draft.pk
    assert data["edit_url"] == _url("edit", child, draft.pk)
    assert data["storage_key"] == f"lantern-note:{world.users['sw_north'].pk}:{child.pk}:{draft.pk}"
    assert len(data["saved_at"]) == 5 and data["saved_at"][2] == ":"
    second = client.post(url, {"note": draft.pk, "title": "Visit to school", "body": "Arrived at 9"}).json()
    assert second["note"] == draft.pk
    draft.refresh_from_db()
    assert draft.body == "Arrived at 9" and draft.status == NoteStatus.DRAFT
    assert CaseNote.objects.count() == 1


def test_autosave_keeps_a_half_typed_date_out_and_says_so(client, world):
    draft = _draft(world, occurred_on=date(2026, 2, 1))
    client.force_login(world.users["sw_north"])
    data = client.post(
        _url("autosave", world.children["own"]),
        {"note": draft.pk, "title": "Draft", "body": "More", "occurred_on_day": "12", "occurred_on_month": ""},
    ).json()
    assert data["saved"] is True and list(data["not_saved"]) == ["occurred_on"]
    draft.refresh_from_db()
    assert draft.body == "More" and draft.occurred_on == date(2026, 2, 1)


def test_autosave_with_nothing_typed_saves_nothing(client, world):
    client.force_login(world.users["sw_north"])
    response = client.post(_url("autosave", world.children["own"]), {"title": "", "body": " "})
    assert response.status_code == 400 and response.json()["saved"] is False
    assert not CaseNote.objects.exists()


def test_autosave_refuses_someone_elses_draft_and_a_final_note(client, world):
    theirs = _draft(world, author="sw_north_2", title="Theirs")
    final = _final(world)
    client.force_login(world.users["sw_north"])
    for note in (theirs, final):
        response = client.post(_url("autosave", world.children["own"]), {"note": note.pk, "title": "Overwritten"})
        assert response.status_code == 404 and response.json()["saved"] is False
    theirs.refresh_from_db()
    final.refresh_from_db()
    assert theirs.title == "Theirs" and final.title == FINAL["title"]


def test_autosave_after_the_session_ended_sends_to_sign_in(client, world):
    response = client.post(_url("autosave", world.children["own"]), {"title": "Lost?"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not CaseNote.objects.exists()


def test_autosave_needs_post(client, world):
    client.force_login(world.users["sw_north"])
    assert client.get(_url("autosave", world.children["own"])).status_code == 405


# --- Reading and drafts' privacy -------------------------------------------------------------


def test_a_draft_is_visible_only_to_its_author(client, world):
    child = world.children["own"]
    draft = _draft(world, title="My private draft")
    _final(world, title="A final note")
    for username in ("sw_north_2", "tm_north", "leader", "inspector", "qa"):
        client.force_login(world.users[username])
        page = client.get(_url("list", child)).content.decode()
        assert "A final note" in page and "My private draft" not in page, username
        assert client.get(_url("note", child, draft.pk)).status_code == 404, username
    client.force_login(world.users["sw_north"])
    page = client.get(_url("list", child)).content.decode()
    assert "Your drafts" in page and "My private draft" in page
    assert client.get(_url("note", child, draft.pk)).status_code == 200


def test_others_cannot_edit_or_discard_a_draft(client, world):
    child = world.children["own"]
    draft = _draft(world)
    client.force_login(world.users["sw_north_2"])
    assert client.get(_url("edit", child, draft.pk)).status_code == 404
    assert client.post(_url("edit", child, draft.pk), _post_data()).status_code == 404
    assert client.post(_url("discard", child, draft.pk)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == NoteStatus.DRAFT and draft.title == "Draft"


def test_list_is_newest_first_filters_significant_and_paginates(client, world, settings):
    settings.PAGE_SIZE = 2
    child = world.children["own"]
    _final(world, title="Oldest", occurred_on=date(2026, 1, 10))
    _final(world, title="Middle", occurred_on=date(2026, 1, 20), significant=True, significant_category="court")
    _final(world, title="Newest", occurred_on=date(2026, 1, 30))
    _final(world, child="team", author="sw_north_2", title="Another child's note")
    client.force_login(world.users["sw_north"])
    page = client.get(_url("list", child)).content.decode()
    assert page.index("Newest") < page.index("Middle") and "Oldest" not in page and "1 of 2" in page
    assert "Oldest" in client.get(_url("list", child) + "?page=2").content.decode()
    significant = client.get(_url("list", child) + "?significant=1").content.decode()
    assert "Middle" in significant and "Newest" not in significant and "Oldest" not in significant
    assert "Another child" not in page


def test_list_queries_do_not_grow_with_notes(client, world, django_assert_max_num_queries):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    for n in range(3):
        _final(world, title=f"Note {n}")
        _draft(world, title=f"Draft {n}")
    with django_assert_max_num_queries(12) as few:
        client.get(_url("list", child))
    for n in range(20):
        _final(world, title=f"More {n}")
        _draft(world, title=f"More draft {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("list", child))


def test_reading_a_note_logs_the_view(client, world):
    note = _final(world)
    client.force_login(world.users["inspector"])
    assert client.get(_url("note", world.children["own"], note.pk)).status_code == 200
    assert ChildView.objects.filter(user=world.users["inspector"], page="Case note").exists()


def test_a_note_of_another_child_is_not_found_under_this_child(client, world):
    note = _final(world, child="team", author="sw_north_2")
    client.force_login(world.users["sw_north"])
    assert client.get(_url("note", world.children["own"], note.pk)).status_code == 404


# --- Refused access --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "new", "note", "edit", "correct", "discard", "autosave"])
def test_unrelated_worker_is_refused(client, world, name):
    child = world.children["own"]
    note = _draft(world)
    client.force_login(world.users["sw_south"])
    args = [note.pk] if name in ("note", "edit", "correct", "discard") else []
    assert client.get(_url(name, child, *args)).status_code == 403
    assert client.post(_url(name, child, *args), _post_data()).status_code == 403
    assert CaseNote.objects.count() == 1


def test_restricted_child_is_not_found_for_a_leader(client, world):
    child = world.children["restricted"]
    note = _final(world, child="restricted", author="sw_north_2")
    client.force_login(world.users["leader"])
    for response in (
        client.get(_url("list", child)),
        client.get(_url("note", child, note.pk)),
        client.post(_url("new", child), _post_data()),
        client.post(_url("autosave", child), {"title": "x"}),
    ):
        assert response.status_code == 404
    assert CaseNote.objects.count() == 1


@pytest.mark.parametrize("username", ["inspector", "qa"])
def test_read_only_roles_read_but_cannot_write(client, world, username):
    child = world.children["own"]
    note = _final(world)
    client.force_login(world.users[username])
    page = client.get(_url("list", child)).content.decode()
    assert FINAL["title"] in page and "Write a case note" not in page
    detail = client.get(_url("note", child, note.pk)).content.decode()
    assert "Correct this note" not in detail
    assert client.get(_url("new", child)).status_code == 403
    assert client.post(_url("new", child), _post_data()).status_code == 403
    assert client.post(_url("autosave", child), {"title": "x"}).status_code == 403
    assert client.post(_url("correct", child, note.pk), _post_data(reason="x", title="Changed")).status_code == 403
    note.refresh_from_db()
    assert CaseNote.objects.count() == 1 and note.title == FINAL["title"]


# --- Corrections -----------------------------------------------------------------------------


def test_author_corrects_a_note_and_the_original_stays_visible(client, world):
    child = world.children["own"]
    note = _final(world)
    client.force_login(world.users["sw_north"])
    assert "Correct this note" in client.get(_url("note", child, note.pk)).content.decode()
    form = client.get(_url("correct", child, note.pk)).content.decode()
    assert f'value="{FINAL["title"]}"' in form
    response = client.post(
        _url("correct", child, note.pk),
        _post_data(body="The head teacher said Olivia was late twice this week.", reason="Misheard the number"),
    )
    assert response.status_code == 302
    page = client.get(_url("note", child, note.pk)).content.decode()
    assert "late twice" in page
    assert "Corrected on" in page and "Misheard the number" in page and "Show original text" in page
    assert "late three times" in page  # the original, inside the details component
    assert CaseNote.objects.count() == 1


def test_correction_without_a_reason_saves_nothing(client, world):
    child = world.children["own"]
    note = _final(world)
    client.force_login(world.users["sw_north"])
    response = client.post(_url("correct", child, note.pk), _post_data(title="Changed title", reason=""))
    body = response.content.decode()
    assert response.status_code == 200 and links_to(body, "reason") and "Enter the reason for the correction" in body
    note.refresh_from_db()
    assert note.title == FINAL["title"] and note.corrected_at is None


def test_correction_that_changes_nothing_is_refused(client, world):
    child = world.children["own"]
    note = _final(world)
    client.force_login(world.users["sw_north"])
    response = client.post(_url("correct", child, note.pk), _post_data(reason="Just because"))
    assert "Change the note before saving a correction" in response.content.decode()
    assert error_links(response.content.decode()) == ["main-content"]
    note.refresh_from_db()
    assert note.corrected_at is None


def test_manager_may_correct_a_team_members_note_but_a_colleague_may_not(client, world):
    child = world.children["own"]
    note = _final(world)
    client.force_login(world.users["sw_north_2"])
    assert client.get(_url("correct", child, note.pk)).status_code == 403
    assert "Correct this note" not in client.get(_url("note", child, note.pk)).content.decode()
    client.force_login(world.users["tm_north"])
    response = client.post(_url("correct", child, note.pk), _post_data(title="Call with school", reason="Title"))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.corrected_by == world.users["tm_north"]


def test_correcting_a_draft_goes_to_editing_it(client, world):
    draft = _draft(world)
    client.force_login(world.users["sw_north"])
    response = client.get(_url("correct", world.children["own"], draft.pk))
    assert response.status_code == 302 and response.url == _url("edit", world.children["own"], draft.pk)


# --- Discarding ------------------------------------------------------------------------------


def test_author_discards_a_draft(client, world):
    child = world.children["own"]
    draft = _draft(world, title="Not needed")
    client.force_login(world.users["sw_north"])
    assert "Discard your draft" in client.get(_url("discard", child, draft.pk)).content.decode()
    response = client.post(_url("discard", child, draft.pk))
    assert response.status_code == 302 and response.url == _url("list", child)
    draft.refresh_from_db()
    assert draft.status == NoteStatus.DISCARDED
    page = client.get(response.url).content.decode()
    assert "Not needed" not in page
    assert f"lantern-note:{world.users['sw_north'].pk}:{child.pk}:{draft.pk}" in page  # the browser copy goes too
    assert client.get(_url("edit", child, draft.pk)).status_code == 404


def test_a_final_note_has_no_discard(client, world):
    note = _final(world)
    client.force_login(world.users["sw_north"])
    assert client.post(_url("discard", world.children["own"], note.pk)).status_code == 404
    note.refresh_from_db()
    assert note.status == NoteStatus.FINAL
