"""Visits and direct work in the chronology: the columns line up with every other source."""

from datetime import date

import pytest

from lantern.core.chronology import COLUMNS, sources
from lantern.recording.events import SOURCES
from lantern.recording.models import VisitType
from lantern.recording.tests.helpers import make_session, make_visit

pytestmark = pytest.mark.django_db


def _rows(kind, child):
    source = next(s for s in SOURCES if s.kind == kind)
    return list(source.rows().filter(ev_child=child.pk).order_by("ev_on"))


def test_sources_are_declared_for_the_chronology():
    kinds = {s.kind: s for s in sources()}
    assert kinds["visit"].group == "visit"
    assert kinds["direct_work"].group == "direct_work"


def test_visit_events_have_a_title_saying_if_the_child_was_seen_alone(world):
    child, sw = world.children["own"], world.users["sw_north"]
    alone = make_visit(child, sw, date(2026, 2, 2), seen_alone=True, child_said="I am happy at school")
    make_visit(child, sw, date(2026, 2, 9), visit_type=VisitType.CP_STATUTORY)
    make_visit(child, sw, date(2026, 2, 16), visit_type=VisitType.OTHER, child_seen=False, not_seen_reason="Out")
    make_visit(world.children["team"], sw, date(2026, 2, 3))
    rows = _rows("visit", child)
    assert set(rows[0]) == set(COLUMNS)
    assert [r["ev_title"] for r in rows] == [
        "Visit (statutory CIN): child seen alone",
        "Visit (statutory CP): child seen, not alone",
        "Visit (other): child not seen",
    ]
    assert rows[0]["ev_detail"] == "I am happy at school"
    assert rows[1]["ev_detail"] == "The home was warm and tidy."  # nothing said: the observations
    assert rows[0]["ev_object"] == alone.pk and rows[0]["ev_on"] == date(2026, 2, 2)
    assert rows[0]["ev_actor"] == sw.display_name
    url = next(s for s in SOURCES if s.kind == "visit").url(child.pk, alone.pk)
    assert url == f"/children/{child.pk}/visits/{alone.pk}/"


def test_direct_work_events_carry_the_childs_words(world):
    child, sw = world.children["own"], world.users["sw_north"]
    session = make_session(child, sw, date(2026, 3, 1), method="Life story book", child_words="My nan is the best")
    rows = _rows("direct_work", child)
    assert len(rows) == 1
    assert rows[0]["ev_title"] == "Direct work: Life story book"
    assert rows[0]["ev_detail"] == "My nan is the best"
    assert rows[0]["ev_object"] == session.pk


def test_sources_union_with_each_other(world):
    child, sw = world.children["own"], world.users["sw_north"]
    make_visit(child, sw, date(2026, 2, 2))
    make_session(child, sw, date(2026, 2, 3))
    visits, work = (s.rows().filter(ev_child=child.pk) for s in SOURCES)
    rows = list(visits.union(work, all=True).order_by("-ev_on"))
    assert [r["ev_kind"] for r in rows] == ["direct_work", "visit"]
