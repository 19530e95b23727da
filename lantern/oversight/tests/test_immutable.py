"""Signed oversight cannot be changed or deleted, in the database itself (SQLite and PostgreSQL):
raw SQL is refused, not only the forms. Drafts stay editable until signed."""

from datetime import timedelta

import pytest
from django.db import connection, transaction

from lantern.oversight import services
from lantern.oversight.models import (
    CheckIn,
    OversightAction,
    OversightActionCompletion,
    OversightAddendum,
    OversightEntry,
)
from lantern.oversight.tests.conftest import TODAY, record


def _refused(sql: str, params: list) -> None:
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017 - the error differs by database
        cursor.execute(sql, params)


def test_database_refuses_update_and_delete_of_a_signed_entry(world):
    entry = record(world)
    _refused("UPDATE oversight_oversightentry SET direction = 'changed' WHERE id = %s", [entry.pk])
    _refused("UPDATE oversight_oversightentry SET signed_at = NULL, signed_by_id = NULL WHERE id = %s", [entry.pk])
    _refused("DELETE FROM oversight_oversightentry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.direction.startswith("Visit weekly") and entry.signed_at is not None


def test_orm_save_of_a_signed_entry_fails_too(world):
    entry = record(world)
    entry.direction = "changed"
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        entry.save()
    entry.refresh_from_db()
    assert entry.direction.startswith("Visit weekly")


def test_a_draft_can_be_changed_in_the_database(world):
    entry = record(world, sign=False)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE oversight_oversightentry SET direction = 'changed' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.direction == "changed"


def test_actions_of_a_signed_entry_cannot_be_changed_deleted_or_added(world):
    entry = record(world)
    action = entry.actions.get()
    _refused("UPDATE oversight_oversightaction SET description = 'changed' WHERE id = %s", [action.pk])
    _refused("DELETE FROM oversight_oversightaction WHERE id = %s", [action.pk])
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        OversightAction.objects.create(
            entry=entry, description="Slipped in later", owner=world.users["sw_north"], due_date=TODAY
        )
    assert list(entry.actions.values_list("description", flat=True)) == ["Ask school for attendance figures"]


def test_an_action_cannot_be_moved_onto_a_signed_entry(world):
    draft = record(world, sign=False)
    signed = record(world)
    action = draft.actions.get()
    _refused("UPDATE oversight_oversightaction SET entry_id = %s WHERE id = %s", [signed.pk, action.pk])
    assert signed.actions.count() == 1


def test_actions_of_a_draft_can_be_changed(world):
    entry = record(world, sign=False)
    action = entry.actions.get()
    action.description = "Ask school and nursery"
    action.save()
    action.delete()
    assert not entry.actions.exists()


def test_addenda_completions_and_check_ins_are_never_changed_or_deleted(world, fsw_case):
    entry = record(world)
    addendum = services.oversight_addendum_add(entry=entry, text="School figures received.", by=world.users["tm_north"])
    completion = services.oversight_action_complete(
        action=entry.actions.get(), by=world.users["sw_north"], completed_on=TODAY
    )
    check_in = services.check_in_record(
        child=fsw_case, author=world.users["sw_north"], held_on=TODAY, summary="Routines are settling."
    )
    for table, pk in (
        ("oversight_oversightaddendum", addendum.pk),
        ("oversight_oversightactioncompletion", completion.pk),
        ("oversight_checkin", check_in.pk),
    ):
        column = {"oversight_oversightaddendum": "text", "oversight_checkin": "summary"}.get(table, "note")
        _refused(f"UPDATE {table} SET {column} = 'changed' WHERE id = %s", [pk])  # noqa: S608 - fixed names
        _refused(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608
    assert OversightAddendum.objects.get().text == "School figures received."
    assert OversightActionCompletion.objects.get().note == ""
    assert CheckIn.objects.get().summary == "Routines are settling."


def test_signing_needs_a_signer_and_a_rationale_in_the_database(world):
    entry = record(world, sign=False, rationale="")
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute(
            "UPDATE oversight_oversightentry SET signed_at = %s, signed_by_id = %s WHERE id = %s",
            [entry.created_at + timedelta(minutes=1), world.users["tm_north"].pk, entry.pk],
        )
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE oversight_oversightentry SET signed_at = %s WHERE id = %s", [entry.created_at, entry.pk])
    assert OversightEntry.objects.get(pk=entry.pk).signed_at is None
