"""Chronology: each signed case discussion is an event on its child's chronology; drafts and the
personal sections are not."""

from datetime import date

from lantern.core.chronology import COLUMNS, sources
from lantern.supervision.events import SOURCES
from lantern.supervision.tests.conftest import WELLBEING


def _rows(child):
    (source,) = SOURCES
    return list(source.rows().filter(ev_child=child.pk))


def test_signed_discussions_are_events_and_drafts_are_not(world, make_session):
    make_session(sign=True)
    make_session(held_on=date(2026, 2, 3))  # draft
    rows = _rows(world.children["own"])
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == set(COLUMNS)
    worker, manager = world.users["sw_north"], world.users["tm_north"]
    assert (
        row["ev_title"] == f"Discussed in supervision ({worker.first_name} {worker.last_name} with "
        f"{manager.first_name} {manager.last_name})"
    )
    assert row["ev_on"] == date(2026, 2, 2)
    assert row["ev_detail"].startswith("Keep on the CIN plan") and "Rationale: Progress at school" in row["ev_detail"]
    assert WELLBEING not in row["ev_detail"]
    assert row["ev_kind"] == "supervision_discussion" and row["ev_significant"] is False
    assert not _rows(world.children["team"])


def test_source_is_registered_with_a_link_to_the_discussion(world, make_session):
    session = make_session(sign=True)
    discussion = session.case_discussions.get()
    (source,) = [s for s in sources() if s.kind == "supervision_discussion"]
    assert source.group == "oversight"
    assert source.url(world.children["own"].pk, discussion.pk) == (
        f"/children/{world.children['own'].pk}/case-discussions/#discussion-{discussion.pk}"
    )
