"""The database itself refuses to alter what was signed, decided or logged (SQLite and
PostgreSQL alike): the access log, threshold decisions, final case notes (except a correction
with a reason), approved states, every history table, and a signed supervision session's case
discussions. Each would succeed if the triggers were missing."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lantern.access.models import ChildView
from lantern.casework import services as casework
from lantern.casework.models import Assessment, ContactDecision, ThresholdLevel, WorkStatus
from lantern.core.immutable import history_tables
from lantern.notes import services as notes
from lantern.notes.models import CaseNote
from lantern.supervision import services as supervision
from lantern.supervision.models import CaseDiscussion, SupervisionSession
from lantern.workforce.models import Worker

pytestmark = pytest.mark.django_db


def refused(statement) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        statement()


def test_the_access_log_refuses_update_and_delete(world):
    for key in ("own", "team"):
        ChildView.objects.create(child=world.children[key], user=world.users["sw_north"], page="Child record")
    refused(lambda: ChildView.objects.update(page="Nothing to see"))
    refused(lambda: ChildView.objects.all().delete())  # one DELETE used to remove every row
    refused(lambda: ChildView.objects.filter(user=world.users["sw_north"]).update(user=world.users["leader"]))
    assert ChildView.objects.filter(page="Child record").count() == 2


def test_a_threshold_decision_refuses_update_and_delete(world):
    child = world.children["south"]
    contact = casework.contact_record(
        child=child,
        received_at=timezone.now(),
        source="2A",
        method="phone",
        contact_name="Head teacher",
        concern="Attendance has dropped.",
        recorded_by=world.users["sw_south"],
    )
    level = ThresholdLevel.objects.create(code="refuse_test", name="Universal plus", descriptor="Some help.")
    ContactDecision.objects.create(
        contact=contact,
        level=level,
        route="nfa",
        reason="Advice given.",
        decided_by=world.users["sw_south"],
        decided_at=timezone.now(),
    )
    refused(lambda: ContactDecision.objects.update(route="referral"))
    refused(lambda: ContactDecision.objects.update(reason="Something else"))
    refused(lambda: ContactDecision.objects.all().delete())
    assert ContactDecision.objects.get().reason == "Advice given."


def test_a_final_note_changes_only_by_a_correction_with_a_reason(world):
    note = notes.case_note_finalise(
        child=world.children["own"],
        author=world.users["sw_north"],
        title="Phone call",
        body="Mum said the school called.",
        occurred_on=date(2026, 2, 3),
        note_type="phone_call",
    )
    rows = CaseNote.objects.filter(pk=note.pk)
    refused(lambda: rows.update(body="Nothing happened."))
    refused(lambda: rows.update(status="draft"))
    refused(lambda: rows.update(body="x", corrected_at=timezone.now(), correction_reason=""))
    refused(lambda: rows.update(child=world.children["team"], corrected_at=timezone.now(), correction_reason="Moved"))
    refused(lambda: rows.delete())
    notes.case_note_correct(
        note=note,
        by=world.users["sw_north"],
        reason="Typo",
        title="Phone call",
        body="Dad said the school called.",
        occurred_on=date(2026, 2, 3),
        note_type="phone_call",
    )
    assert CaseNote.objects.get(pk=note.pk).body == "Dad said the school called."


@pytest.fixture
def approved_assessment(world):
    child = world.children["own"]

    episode = child.cin_episodes.get()  # the world opens one for this child
    return Assessment.objects.create(
        episode=episode,
        child=child,
        start_date=date(2026, 1, 6),
        due_date=date(2026, 3, 10),
        status=WorkStatus.APPROVED,
        authorised_date=date(2026, 2, 2),
    )


def test_an_approved_assessment_stays_approved(approved_assessment):
    rows = Assessment.objects.filter(pk=approved_assessment.pk)
    for status in (WorkStatus.DRAFT, WorkStatus.SUBMITTED, WorkStatus.RETURNED):
        refused(lambda status=status: rows.update(status=status))
    refused(lambda: rows.delete())
    assert rows.get().status == WorkStatus.APPROVED
    draft = Assessment.objects.create(
        episode=approved_assessment.episode, child=approved_assessment.child, start_date=date(2026, 3, 1),
        due_date=date(2026, 5, 1),
    )  # fmt: skip
    Assessment.objects.filter(pk=draft.pk).update(status=WorkStatus.SUBMITTED)  # not yet approved: free


def test_history_tables_refuse_update_and_delete(world):
    worker = world.users["sw_north"]
    Worker.objects.filter(pk=worker.pk).update(first_name="Changed")
    worker.first_name = "Nia"
    worker.save()  # a change still writes its history row
    history = worker.history.all()
    assert history.exists()
    refused(lambda: history.update(first_name="Rewritten"))
    refused(lambda: history.delete())
    # Every history table is covered, including any added later (installed after each migrate).
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            missing = [t for t in history_tables() if f"{t}_no_update" not in names]
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {row[0] for row in cursor.fetchall()}
            missing = [t for t in history_tables() if f"{t}_immutable" not in names]
    assert len(history_tables()) > 30 and missing == []


def test_a_signed_session_takes_no_new_case_discussion(world):
    from lantern.supervision.tests.conftest import discussion

    session = supervision.supervision_session_create(
        worker=world.users["sw_north"],
        supervisor=world.users["tm_north"],
        held_on=date(2026, 2, 2),
        discussions=[discussion(world.children["own"])],
    )
    session = supervision.supervision_session_sign(session=session, by=world.users["tm_north"])
    fields = {"reflection": "Added later", "decisions": "New decision", "rationale": "Because"}
    # Even carrying the session's own signing time (the old loophole), the insert is refused.
    for signed_at in (None, session.signed_at):
        refused(
            lambda signed_at=signed_at: CaseDiscussion.objects.create(
                session=session, child=world.children["team"], signed_at=signed_at, **fields
            )
        )
    refused(lambda: SupervisionSession.objects.filter(pk=session.pk).update(signed_at=None))
    assert session.case_discussions.count() == 1
