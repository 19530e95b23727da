"""Reads: supervision due per worker (council default or the worker's own frequency), the
manager's list scoped to the workers they supervise, set-based."""

from datetime import date

from lantern import factories as f
from lantern.core.local_settings import set_setting
from lantern.supervision import selectors, services
from lantern.workforce.models import Role, Worker


def _due(worker):
    return selectors.with_supervision_due(Worker.objects.filter(pk=worker.pk)).get()


def test_due_is_last_signed_supervision_plus_the_council_default(world, make_session):
    worker = world.users["sw_north"]
    assert _due(worker).last_supervision is None and _due(worker).supervision_due is None
    make_session(held_on=date(2026, 1, 5), sign=True)
    make_session(held_on=date(2026, 2, 2))  # a draft does not count as supervision yet
    due = _due(worker)
    assert due.last_supervision == date(2026, 1, 5)
    assert due.supervision_weeks == 4 and due.own_supervision_weeks is None
    assert due.supervision_due == date(2026, 2, 2)
    assert due.supervision_drafts == 1


def test_council_setting_and_per_worker_override(world, make_session):
    worker = world.users["sw_north"]
    make_session(held_on=date(2026, 1, 5), sign=True)
    set_setting("supervision_weeks", 6)
    assert _due(worker).supervision_due == date(2026, 2, 16)
    services.supervision_frequency_set(worker=worker, weeks=2, reason="Newly qualified", by=world.users["tm_north"])
    due = _due(worker)
    assert (due.supervision_weeks, due.own_supervision_weeks, due.supervision_due) == (2, 2, date(2026, 1, 19))
    services.supervision_frequency_set(worker=worker, weeks=None, reason="Back to standard", by=world.users["tm_north"])
    assert _due(worker).supervision_due == date(2026, 2, 16)


def test_due_date_crosses_month_and_year_ends(world, make_session):
    make_session(held_on=date(2025, 12, 15), sign=True)
    assert _due(world.users["sw_north"]).supervision_due == date(2026, 1, 12)


def test_team_manager_lists_their_social_workers_and_family_support_workers(world):
    listed = set(selectors.supervision_overview(world.users["tm_north"]).values_list("username", flat=True))
    assert listed == {"sw.north", "sw.north2", "fsw.north"}


def test_service_manager_lists_the_service_including_team_managers(world):
    listed = set(selectors.supervision_overview(world.users["sm_cin"]).values_list("username", flat=True))
    assert listed == {"sw.north", "sw.north2", "fsw.north", "tm.north", "sw.south"}
    north_only = selectors.supervision_overview(world.users["sm_cin"], team_id=world.north.pk)
    assert "sw.south" not in set(north_only.values_list("username", flat=True))


def test_workers_see_nobody_and_oversight_roles_see_every_case_holder(world):
    assert not selectors.supervision_overview(world.users["sw_north"]).exists()
    leader = set(selectors.supervision_overview(world.users["leader"]).values_list("username", flat=True))
    assert leader == {"sw.north", "sw.north2", "fsw.north", "tm.north", "sw.south"}


def test_never_supervised_and_most_overdue_come_first(world, make_session):
    make_session(held_on=date(2026, 1, 5), sign=True)
    make_session(
        worker=world.users["sw_north_2"], children=[world.children["team"]], held_on=date(2025, 12, 1), sign=True
    )
    order = list(selectors.supervision_overview(world.users["tm_north"]).values_list("username", flat=True))
    assert order == ["fsw.north", "sw.north2", "sw.north"]


def test_overview_query_count_does_not_grow(world, make_session, django_assert_max_num_queries):
    for n in range(12):
        worker = f.make_worker(f"extra{n}", role=Role.SOCIAL_WORKER, team=world.north)
        child = f.make_child()
        f.allocate(child, team=world.north, worker=worker)
        make_session(worker=worker, children=[child], held_on=date(2026, 1, 1 + n), sign=True)
    with django_assert_max_num_queries(2):
        rows = list(selectors.supervision_overview(world.users["sm_cin"]))
    assert len(rows) == 17 and all(r.team is not None for r in rows)


def test_caseload_children_are_the_workers_open_allocations_the_manager_may_see(world):
    tm = world.users["tm_north"]
    children = set(selectors.caseload_children(tm, world.users["sw_north_2"]))
    assert children == {world.children["team"], world.children["restricted"]}  # tm_north is on the access list
    sm_children = set(selectors.caseload_children(world.users["sm_cin"], world.users["sw_north_2"]))
    assert sm_children == {world.children["team"]}  # the restricted record stays hidden


def test_session_discussions_hide_children_the_viewer_cannot_see(world, make_session):
    session = make_session(
        worker=world.users["sw_north_2"], children=[world.children["team"], world.children["restricted"]], sign=True
    )
    shown, hidden = selectors.session_discussions(world.users["sm_cin"], session)
    assert [d.child for d in shown] == [world.children["team"]] and hidden == 1
    shown, hidden = selectors.session_discussions(world.users["tm_north"], session)
    assert len(shown) == 2 and hidden == 0
