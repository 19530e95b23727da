"""Oversight in the chronology: signed entries (never drafts), addenda and check-ins, with
columns that line up with every other app's events."""

from lantern.core.chronology import COLUMNS, sources
from lantern.oversight import services
from lantern.oversight.events import SOURCES
from lantern.oversight.tests.conftest import TODAY, record


def _rows(child):
    union = None
    for source in SOURCES:
        rows = source.rows().filter(ev_child=child.pk)
        union = rows if union is None else union.union(rows, all=True)
    return list(union.order_by("ev_kind", "ev_title"))


def test_signed_entries_addenda_and_check_ins_are_events(world, fsw_case):
    entry = record(world)
    record(world, sign=False, direction="A draft nobody else has seen")
    services.oversight_addendum_add(entry=entry, text="Dad seen at home.", by=world.users["tm_north"])
    services.check_in_record(child=fsw_case, author=world.users["sw_north"], held_on=TODAY, summary="Settling.")
    rows = _rows(world.children["own"])
    assert [r["ev_kind"] for r in rows] == ["oversight", "oversight_addendum"]
    manager = world.users["tm_north"].display_name
    oversight = rows[0]
    assert set(oversight) == set(COLUMNS)
    assert oversight["ev_title"] == f"Management oversight by {manager}" and oversight["ev_on"] == TODAY
    detail = oversight["ev_detail"]
    assert detail.startswith("Direction: Visit weekly") and "Rationale: Attendance" in detail
    assert oversight["ev_object"] == entry.pk and oversight["ev_actor"] == manager
    assert rows[1]["ev_detail"] == "Dad seen at home." and rows[1]["ev_object"] == entry.pk
    check_in = _rows(fsw_case)
    assert [r["ev_kind"] for r in check_in] == ["check_in"]
    assert check_in[0]["ev_title"].startswith("Check-in by supervising social worker")


def test_sources_are_registered_with_links(world):
    kinds = {s.kind: s for s in sources()}
    assert {"oversight", "oversight_addendum", "check_in"} <= set(kinds)
    assert all(kinds[k].group == "oversight" for k in ("oversight", "oversight_addendum", "check_in"))
    assert kinds["oversight"].url(3, 7) == "/children/3/oversight/7/"
    assert kinds["check_in"].url(3, 9) == "/children/3/check-ins/#check-in-9"
