"""Live caseloads, thresholds and bands, counted set-based."""

from datetime import date

import pytest

from lantern import factories as f
from lantern.caseloads import selectors
from lantern.caseloads.models import Band
from lantern.core.local_settings import set_setting
from lantern.workforce.models import AllocationRole, Role, Worker

pytestmark = pytest.mark.django_db


def _loads(**filters):
    return {
        w.username: (w.caseload, w.weighted_caseload)
        for w in selectors.with_caseloads(Worker.objects.filter(**filters))
    }


def test_thresholds_default_per_role_and_follow_the_council_settings():
    assert selectors.thresholds_for(Role.SOCIAL_WORKER) == (20, 30)
    assert selectors.thresholds_for(Role.FAMILY_SUPPORT_WORKER) == (20, 30)
    set_setting("caseload_fsw_amber", 12)
    set_setting("caseload_fsw_red", 18)
    set_setting("caseload_sw_red", 25)
    assert selectors.thresholds_for(Role.FAMILY_SUPPORT_WORKER) == (12, 18)
    assert selectors.thresholds_for(Role.SOCIAL_WORKER) == (20, 25)
    # A team manager holding a few cases is measured against social workers' thresholds.
    assert selectors.thresholds_for(Role.TEAM_MANAGER) == (20, 25)


def test_bands_are_above_the_threshold_not_at_it():
    assert selectors.band(20, 20, 30) == Band.WITHIN
    assert selectors.band(21, 20, 30) == Band.AMBER
    assert selectors.band(30, 20, 30) == Band.AMBER
    assert selectors.band(30.5, 20, 30) == Band.RED


def test_caseload_counts_children_as_lead_or_co_worker_siblings_separately(world, django_assert_max_num_queries):
    sw = world.users["sw_north"]
    siblings = [f.make_child(last_name="Sibling") for _ in range(2)]
    f.make_siblings(*siblings)
    for child in siblings:
        f.allocate(child, team=world.north, worker=sw)
    co = f.make_child()
    f.allocate(co, team=world.north, worker=world.users["sw_north_2"])
    f.allocate(co, team=world.north, worker=sw, role=AllocationRole.CO_WORKER)
    # Ended allocations and supervising roles are not on the caseload.
    f.allocate(f.make_child(), team=world.north, worker=sw, end=date(2026, 2, 1))
    f.allocate(f.make_child(), team=world.north, worker=sw, role=AllocationRole.SUPERVISING_SOCIAL_WORKER)
    # The same child twice for one worker (lead and co-worker) counts once.
    f.allocate(siblings[0], team=world.north, worker=sw, role=AllocationRole.CO_WORKER)
    with django_assert_max_num_queries(3):  # the settings (cached after) and one query for the workers
        loads = _loads(team=world.north)
    # own + two siblings + co-worked child
    assert loads["sw.north"] == (4, 4.0)
    assert loads["sw.north2"] == (3, 3.0)  # team, restricted, co's lead
    assert loads["tm.north"] == (0, 0.0)


def test_weighting_counts_a_child_protection_case_more_when_switched_on(world):
    own = world.children["own"]
    episode = own.cin_episodes.get()
    f.open_cp_plan(own, episode)
    assert _loads(username="sw.north") == {"sw.north": (1, 1.0)}
    set_setting("caseload_weighting", True)
    set_setting("caseload_cp_weight", 2.5)
    assert _loads(username="sw.north") == {"sw.north": (1, 2.5)}
    assert _loads(username="sw.north2") == {"sw.north2": (2, 2.0)}


def test_team_workers_carry_band_and_thresholds_for_their_role(world):
    set_setting("caseload_sw_amber", 0)
    set_setting("caseload_fsw_amber", 5)
    workers = {w.username: w for w in selectors.team_workers(world.north, selectors.threshold_table())}
    assert workers["sw.north2"].band == Band.AMBER  # 2 children, amber above 0
    assert workers["fsw.north"].band == Band.WITHIN
    assert (workers["fsw.north"].amber, workers["fsw.north"].red) == (5, 30)
    # Heaviest first; only active case holders.
    assert list(workers)[0] == "sw.north2"
    world.users["sw_north"].is_active = False
    world.users["sw_north"].save()
    assert "sw.north" not in {w.username for w in selectors.team_workers(world.north, selectors.threshold_table())}


def test_projection_needs_a_reason_only_when_the_allocation_adds_and_ends_above_a_threshold(world):
    set_setting("caseload_sw_amber", 1)
    set_setting("caseload_sw_red", 2)
    sw = world.users["sw_north"]  # holds 1
    new = f.make_child()
    projection = selectors.projection_for(sw, new)
    assert (projection.before, projection.after, projection.band_after) == (1, 2, Band.AMBER)
    assert projection.needs_reason and projection.threshold_crossed == 1
    # Already on their caseload (their own child): nothing is added, so no reason is needed.
    assert not selectors.projection_for(sw, world.children["own"]).needs_reason
    # sw_north_2 holds 2: one more goes above red.
    projection = selectors.projection_for(world.users["sw_north_2"], new)
    assert projection.band_after == Band.RED and projection.threshold_crossed == 2


def test_may_allocate_only_the_holding_teams_manager_or_its_service_manager(world):
    lead = selectors.lead_allocation(world.children["team"])
    users = world.users
    assert selectors.may_allocate(users["tm_north"], lead)
    assert selectors.may_allocate(users["sm_cin"], lead)
    for name in ("sw_north", "sw_north_2", "fsw_north", "sw_south", "qa", "leader", "inspector"):
        assert not selectors.may_allocate(users[name], lead), name
    west = selectors.lead_allocation(world.children["west"])  # another service
    assert not selectors.may_allocate(users["sm_cin"], west)
    assert not selectors.may_allocate(users["tm_north"], None)


def test_caseloads_and_needs_on_a_past_day_follow_allocation_and_plan_dates(world):
    sw = world.users["sw_north"]
    child = f.make_child()
    episode = f.open_cin_episode(child, referral_date=date(2025, 6, 1))
    f.allocate(child, team=world.north, worker=sw, start=date(2025, 6, 1), end=date(2025, 9, 30))
    f.open_cp_plan(child, episode, start=date(2025, 7, 1))
    rows = {r["worker"]: r for r in selectors.caseloads_on(date(2025, 8, 31))}
    assert rows[sw.pk]["caseload"] == 1 and rows[sw.pk]["cp_children"] == 1
    # Ended on 30 September: not held at the end of that day.
    assert sw.pk not in {r["worker"] for r in selectors.caseloads_on(date(2025, 9, 30))}
    needs = selectors.needs_on(date(2025, 8, 31))
    assert needs == [{"team": world.north.pk, "team__type": "locality", "level": "cp", "children": 1}]
    # Today, the world's five children: four held by north/south as CIN, west by the CIN hub team.
    now = {(r["team"], r["level"]): r["children"] for r in selectors.needs_on(date(2026, 2, 1))}
    assert now == {(world.north.pk, "cin"): 3, (world.south.pk, "cin"): 1, (world.west.pk, "cin"): 1}


def test_recent_months_end_with_the_current_month():
    months = selectors.recent_months(date(2026, 2, 14), 3)
    assert months == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert selectors.month_end(date(2024, 2, 1)) == date(2024, 2, 29)


@pytest.mark.parametrize("weighted", [False, True])
def test_banded_workers_count_the_same_as_with_caseloads(world, weighted, django_assert_max_num_queries):
    set_setting("caseload_weighting", weighted)
    own = world.children["own"]
    f.open_cp_plan(own, own.cin_episodes.get())
    f.allocate(world.children["team"], team=world.north, worker=world.users["sw_north"], role=AllocationRole.CO_WORKER)
    f.allocate(f.make_child(), team=world.north, worker=world.users["fsw_north"], end=date(2026, 3, 1))
    workers = selectors.case_holders(Worker.objects.all())
    expected = {w.pk: (w.caseload, w.cp_children, w.weighted_caseload) for w in selectors.with_caseloads(workers)}
    table = selectors.threshold_table()
    with django_assert_max_num_queries(2):
        banded = selectors.banded_workers(workers, table)
    assert {w.pk: (w.caseload, w.cp_children, w.weighted_caseload) for w in banded} == expected
    assert [w.weighted_caseload for w in banded] == sorted(expected_w for _c, _p, expected_w in expected.values())[::-1]
