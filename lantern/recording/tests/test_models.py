"""Rules the database holds for visits and direct work, whatever writes to it."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from lantern.recording.models import DirectWorkSession, Visit
from lantern.recording.tests.helpers import at, make_session, make_visit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"child_seen": False, "seen_alone": True, "not_seen_reason": "Out"},
        {"child_seen": False, "not_seen_reason": ""},
        {"location": "other", "location_detail": ""},
        {"visit_type": "phone_call"},
        {"ended_at": at(date(2026, 2, 2), 9)},
    ],
)
def test_database_refuses_inconsistent_visits(world, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_visit(world.children["own"], world.users["sw_north"], date(2026, 2, 2), **fields)


def test_visits_and_direct_work_cannot_be_deleted(world):
    visit = make_visit(world.children["own"], world.users["sw_north"], date(2026, 2, 2))
    session = make_session(world.children["own"], world.users["sw_north"], date(2026, 2, 2))
    for record in (visit, session):
        with pytest.raises(IntegrityError), transaction.atomic():
            type(record).objects.filter(pk=record.pk).delete()
    assert Visit.objects.count() == 1 and DirectWorkSession.objects.count() == 1


def test_visits_can_be_corrected_and_keep_history(world):
    visit = make_visit(world.children["own"], world.users["sw_north"], date(2026, 2, 2))
    visit.analysis = "Corrected"
    visit.ended_at = visit.visited_at + timedelta(minutes=45)
    visit.save()
    assert [h.analysis for h in visit.history.order_by("history_date")] == ["Things are steady.", "Corrected"]


def test_direct_work_needs_the_childs_words(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(world.children["own"], world.users["sw_north"], date(2026, 2, 2), child_words="")
