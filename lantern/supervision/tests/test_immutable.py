"""Signed supervision cannot be changed in the database (SQLite and PostgreSQL triggers): not the
session, not its case discussions, not its addenda; a signed session takes no new discussions.
Drafts stay editable."""

import pytest
from django.db import connection, transaction

from lantern.supervision import services
from lantern.supervision.models import CaseDiscussion, SupervisionAddendum, SupervisionSession


def _refused(sql: str, params: list) -> None:
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute(sql, params)


def test_signed_session_refuses_raw_update_and_delete(make_session):
    session = make_session(sign=True)
    _refused("UPDATE supervision_supervisionsession SET wellbeing = 'changed' WHERE id = %s", [session.pk])
    _refused("UPDATE supervision_supervisionsession SET signed_at = NULL WHERE id = %s", [session.pk])
    _refused("DELETE FROM supervision_supervisionsession WHERE id = %s", [session.pk])
    session.refresh_from_db()
    assert session.wellbeing.startswith("Feeling stretched") and session.signed_at is not None


def test_signed_case_discussion_refuses_raw_update_and_delete(make_session):
    session = make_session(sign=True)
    discussion = session.case_discussions.get()
    assert discussion.signed_at == session.signed_at
    _refused("UPDATE supervision_casediscussion SET decisions = 'changed' WHERE id = %s", [discussion.pk])
    _refused("DELETE FROM supervision_casediscussion WHERE id = %s", [discussion.pk])
    discussion.refresh_from_db()
    assert discussion.decisions.startswith("Keep on the CIN plan")


def test_orm_save_of_signed_records_fails_too(make_session):
    session = make_session(sign=True)
    session.wellbeing = "changed"
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        session.save()
    discussion = session.case_discussions.get()
    discussion.rationale = "changed"
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        discussion.save()
    assert SupervisionSession.objects.get(pk=session.pk).wellbeing != "changed"
    assert CaseDiscussion.objects.get(pk=discussion.pk).rationale != "changed"


def test_signed_session_takes_no_new_discussion(world, make_session):
    session = make_session(sign=True)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        CaseDiscussion.objects.create(
            session=session, child=world.children["team"], reflection="r", decisions="d", rationale="x"
        )
    assert session.case_discussions.count() == 1


def test_draft_discussion_cannot_be_moved_onto_a_signed_session(world, make_session):
    signed = make_session(sign=True)
    draft = make_session(worker=world.users["sw_north_2"], children=[world.children["team"]])
    moved = draft.case_discussions.get()
    _refused("UPDATE supervision_casediscussion SET session_id = %s WHERE id = %s", [signed.pk, moved.pk])
    assert CaseDiscussion.objects.get(pk=moved.pk).session_id == draft.pk


def test_addendum_refuses_raw_update_and_delete(world, make_session):
    session = make_session(sign=True)
    addendum = services.supervision_addendum_add(session=session, author=world.users["sw_north"], text="I agree.")
    _refused("UPDATE supervision_supervisionaddendum SET text = 'changed' WHERE id = %s", [addendum.pk])
    _refused("DELETE FROM supervision_supervisionaddendum WHERE id = %s", [addendum.pk])
    assert SupervisionAddendum.objects.get(pk=addendum.pk).text == "I agree."


def test_draft_session_and_discussion_stay_editable_in_the_database(make_session):
    session = make_session()
    discussion = session.case_discussions.get()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_supervisionsession SET wellbeing = 'edited' WHERE id = %s", [session.pk])
        cursor.execute("UPDATE supervision_casediscussion SET decisions = 'edited' WHERE id = %s", [discussion.pk])
    session.refresh_from_db()
    discussion.refresh_from_db()
    assert (session.wellbeing, discussion.decisions) == ("edited", "edited")
