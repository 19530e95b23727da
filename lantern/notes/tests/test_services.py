"""The rules of case notes, held by the services and the database."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from lantern.notes import services
from lantern.notes.models import CaseNote, NoteStatus
from lantern.notes.selectors import note_history

pytestmark = pytest.mark.django_db

FINAL = {
    "title": "Phone call with school",
    "body": "The head teacher said Olivia was late three times this week.",
    "occurred_on": date(2026, 2, 3),
    "note_type": "phone_call",
}


def _final(world, **overrides):
    return services.case_note_finalise(
        child=world.children["own"], author=world.users["sw_north"], **{**FINAL, **overrides}
    )


def test_draft_keeps_what_is_typed_and_fields_not_given_keep_their_values(world):
    child, author = world.children["own"], world.users["sw_north"]
    draft = services.case_note_save_draft(child=child, author=author, title="Home visit", occurred_on=date(2026, 2, 1))
    assert draft.status == NoteStatus.DRAFT and draft.body == ""
    services.case_note_save_draft(child=child, author=author, note=draft, body="Mum was at home.")
    draft.refresh_from_db()
    assert (draft.title, draft.body, draft.occurred_on) == ("Home visit", "Mum was at home.", date(2026, 2, 1))


def test_an_empty_draft_is_not_saved(world):
    with pytest.raises(ValidationError):
        services.case_note_save_draft(child=world.children["own"], author=world.users["sw_north"], title="  ")
    assert not CaseNote.objects.exists()


def test_autosaving_a_draft_does_not_fill_the_history(world):
    child, author = world.children["own"], world.users["sw_north"]
    draft = services.case_note_save_draft(child=child, author=author, title="Visit")
    for n in range(5):
        services.case_note_save_draft(child=child, author=author, note=draft, body="x" * n + "y")
    assert draft.history.count() == 1
    services.case_note_finalise(child=child, author=author, note=draft, **FINAL)
    assert draft.history.count() == 2


def test_only_the_author_changes_a_draft(world):
    child = world.children["own"]
    draft = services.case_note_save_draft(child=child, author=world.users["sw_north"], title="Mine")
    with pytest.raises(ValidationError):
        services.case_note_save_draft(child=child, author=world.users["sw_north_2"], note=draft, title="Not mine")
    with pytest.raises(ValidationError):
        services.case_note_finalise(child=child, author=world.users["sw_north_2"], note=draft, **FINAL)
    with pytest.raises(ValidationError):
        services.case_note_discard(note=draft, by=world.users["sw_north_2"])
    draft.refresh_from_db()
    assert draft.title == "Mine" and draft.status == NoteStatus.DRAFT


def test_finalise_a_draft(world):
    child, author = world.children["own"], world.users["sw_north"]
    draft = services.case_note_save_draft(child=child, author=author, title="Call")
    note = services.case_note_finalise(
        child=child, author=author, note=draft, **FINAL, significant=True, significant_category="police_involvement"
    )
    assert note.pk == draft.pk and note.status == NoteStatus.FINAL and note.finalised_at
    assert note.significant and note.significant_category == "police_involvement"
    with pytest.raises(ValidationError):
        services.case_note_save_draft(child=child, author=author, note=note, title="Changed after final")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": ""}, "body"),
        ({"occurred_on": None}, "occurred_on"),
        ({"note_type": ""}, "note_type"),
        ({"occurred_on": "tomorrow"}, "occurred_on"),
        ({"significant": True}, "significant_category"),
    ],
)
def test_a_final_note_must_be_complete(world, overrides, field):
    if overrides.get("occurred_on") == "tomorrow":
        overrides = {"occurred_on": timezone.localdate() + timedelta(days=1)}
    with pytest.raises(ValidationError) as raised:
        _final(world, **overrides)
    assert field in raised.value.message_dict
    assert not CaseNote.objects.exists()


def test_a_category_only_goes_with_a_significant_event(world):
    note = _final(world, significant=False, significant_category="court")
    assert note.significant_category == ""


def test_correction_keeps_the_original_and_records_who_and_why(world):
    note = _final(world)
    manager = world.users["tm_north"]
    services.case_note_correct(note=note, by=manager, reason="Wrong day", **{**FINAL, "occurred_on": date(2026, 2, 2)})
    note.refresh_from_db()
    assert note.occurred_on == date(2026, 2, 2)
    assert note.corrected_by == manager and note.correction_reason == "Wrong day"
    versions, corrections = note_history(note)
    assert [v.occurred_on for v in versions] == [date(2026, 2, 3)]
    assert versions[0].body == FINAL["body"] and versions[0].saved_by == world.users["sw_north"].display_name
    assert [(c.by, c.reason) for c in corrections] == [(manager.display_name, "Wrong day")]


def test_correction_needs_a_reason_and_a_change(world):
    note = _final(world)
    with pytest.raises(ValidationError) as raised:
        services.case_note_correct(note=note, by=world.users["sw_north"], reason=" ", **{**FINAL, "title": "New"})
    assert "reason" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.case_note_correct(note=note, by=world.users["sw_north"], reason="No change", **FINAL)
    note.refresh_from_db()
    assert note.title == FINAL["title"] and note.corrected_at is None


def test_correcting_a_note_written_without_history_keeps_its_original(world):
    # As the synthetic data or an import might leave it: a final note written without history (the
    # history tables are insert-only, so it is written that way rather than its history removed).
    note = CaseNote(
        child=world.children["own"],
        author=world.users["sw_north"],
        status=NoteStatus.FINAL,
        finalised_at=timezone.now(),
        **FINAL,
    )
    note.skip_history_when_saving = True
    note.save()
    note = CaseNote.objects.get(pk=note.pk)  # a later request loads it afresh
    assert not note.history.exists()
    services.case_note_correct(note=note, by=world.users["sw_north"], reason="Typo", **{**FINAL, "title": "Fixed"})
    versions, corrections = note_history(note)
    assert [v.title for v in versions] == [FINAL["title"]]
    assert len(corrections) == 1


def test_a_draft_is_discarded_not_deleted(world):
    draft = services.case_note_save_draft(child=world.children["own"], author=world.users["sw_north"], title="Oops")
    services.case_note_discard(note=draft, by=world.users["sw_north"])
    draft.refresh_from_db()
    assert draft.status == NoteStatus.DISCARDED and draft.discarded_at
    with pytest.raises(ValidationError):
        services.case_note_discard(note=draft, by=world.users["sw_north"])


def test_a_final_note_cannot_be_discarded(world):
    note = _final(world)
    with pytest.raises(ValidationError):
        services.case_note_discard(note=note, by=world.users["sw_north"])


def test_the_database_refuses_deleting_a_note(world):
    note = _final(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).delete()
    assert CaseNote.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": NoteStatus.FINAL, "title": "No date", "body": "x", "note_type": "other"},
        {"status": NoteStatus.FINAL, "significant": True, "significant_category": "", "occurred_on": date(2026, 1, 9)},
        {"status": NoteStatus.DRAFT, "significant": False, "significant_category": "court"},
    ],
)
def test_the_database_refuses_incomplete_final_notes(world, fields):
    values = {"title": "T", "body": "B", "note_type": "other", "finalised_at": timezone.now(), **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseNote.objects.create(child=world.children["own"], author=world.users["sw_north"], **values)
