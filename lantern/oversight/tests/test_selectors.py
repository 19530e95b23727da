"""When oversight and check-ins are due, days since the last one, and the set-based reads."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from lantern import factories as f
from lantern.core.local_settings import set_setting
from lantern.oversight import selectors, services
from lantern.oversight.models import OversightEntry
from lantern.oversight.tests.conftest import NEXT, TODAY, record
from lantern.people.models import Child
from lantern.workforce.models import AllocationReason


def _signed_on(entry: OversightEntry, day: date) -> None:
    """Move a draft's signing into the past (the database only lets a draft be changed)."""
    signed_at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=10)))
    OversightEntry.objects.filter(pk=entry.pk).update(signed_at=signed_at, signed_by=entry.author)


def test_annotate_last_oversight_is_the_latest_signed_date(world):
    first = record(world, sign=False, next_oversight_date=None)
    second = record(world, sign=False, next_oversight_date=None)
    record(world, sign=False)  # a draft does not count
    _signed_on(first, date(2026, 3, 2))
    _signed_on(second, date(2026, 4, 6))
    rows = dict(
        selectors.annotate_last_oversight(
            Child.objects.filter(pk__in=[c.pk for c in world.children.values()])
        ).values_list("pk", "last_oversight")
    )
    assert rows[world.children["own"].pk] == date(2026, 4, 6)
    assert rows[world.children["team"].pk] is None


def test_local_date_is_used_for_a_late_evening_signature(world):
    """Signed at 23:30 in London in summer is 22:30 UTC: still that day on the file."""
    entry = record(world, sign=False)
    signed_at = timezone.make_aware(datetime(2026, 7, 1, 23, 30))
    OversightEntry.objects.filter(pk=entry.pk).update(signed_at=signed_at, signed_by=entry.author)
    child = selectors.annotate_last_oversight(Child.objects.filter(pk=world.children["own"].pk)).get()
    assert child.last_oversight == date(2026, 7, 1)
    assert selectors.oversight_status([child.pk])[child.pk].last_signed == date(2026, 7, 1)


def test_due_without_oversight_counts_from_the_later_of_referral_and_allocation(world):
    own = world.children["own"]
    status = selectors.oversight_status([own.pk])[own.pk]
    assert status.last_signed is None and status.open_case
    assert status.next_due == date(2026, 1, 5) + timedelta(weeks=4)  # referral and allocation both 5 Jan
    assert status.overdue(TODAY) and status.state(TODAY) == "overdue"
    late = f.make_child()
    f.allocate(late, team=world.north, worker=world.users["sw_north"], start=date(2026, 3, 2))
    f.open_cin_episode(late, referral_date=date(2026, 2, 2))
    assert selectors.oversight_status([late.pk])[late.pk].next_due == date(2026, 3, 30)


def test_due_after_a_signed_entry_is_its_next_date(world):
    record(world)
    status = selectors.oversight_status([world.children["own"].pk])[world.children["own"].pk]
    assert status.last_signed == TODAY and status.days_since(TODAY) == 0
    assert status.next_due == NEXT and not status.overdue(TODAY)
    assert status.last_signed_by == world.users["tm_north"].display_name


def test_due_is_never_later_than_the_standard_after_signing(world):
    entry = record(world, sign=False, next_oversight_date=date(2026, 9, 1))
    _signed_on(entry, date(2026, 6, 1))
    status = selectors.oversight_status([world.children["own"].pk])[world.children["own"].pk]
    assert status.next_due == date(2026, 6, 29)  # 4 weeks, not the 1 September the entry asked for
    set_setting("oversight_weeks", 12)
    status = selectors.oversight_status([world.children["own"].pk])[world.children["own"].pk]
    assert status.next_due == date(2026, 8, 24)


def test_no_oversight_due_on_a_closed_case(world):
    own = world.children["own"]
    episode = own.cin_episodes.get()
    episode.closure_date, episode.closure_reason = date(2026, 3, 1), "RC1"
    episode.save()
    status = selectors.oversight_status([own.pk])[own.pk]
    assert status.next_due is None and not status.open_case and status.state(TODAY) == "not_expected"


def test_status_for_many_children_is_one_query(world, django_assert_num_queries):
    ids = [c.pk for c in world.children.values()]
    for name, child in world.children.items():
        record(world, child=child, by="tm_north" if name == "restricted" else "leader")
    selectors.get_setting("oversight_weeks")  # the council setting is cached
    with django_assert_num_queries(1):
        statuses = selectors.oversight_status(ids)
    assert set(statuses) == set(ids)


def test_entries_show_signed_ones_and_only_the_users_own_drafts(world):
    signed = record(world)
    mine = record(world, sign=False)
    theirs = record(world, sign=False, by="sm_cin")
    own = world.children["own"]
    assert set(selectors.entries_for(world.users["tm_north"], own)) == {signed, mine}
    assert set(selectors.entries_for(world.users["sm_cin"], own)) == {signed, theirs}
    assert list(selectors.entries_for(world.users["sw_north"], own)) == [signed]
    assert list(selectors.entries_for(world.users["tm_north"], own))[0] == mine  # drafts first, then newest


def test_team_list_sorts_most_overdue_first_and_leaves_out_closed_and_other_teams(world):
    own, team_child = world.children["own"], world.children["team"]
    entry = record(world, child="team", sign=False)
    _signed_on(entry, TODAY - timedelta(days=3))
    closed = f.make_child(first_name="Cleo", last_name="Closed")
    f.allocate(closed, team=world.north, worker=world.users["sw_north"])
    f.open_cin_episode(closed, closure_date=date(2026, 2, 1), closure_reason="RC1")
    rows = selectors.team_oversight(world.users["tm_north"], world.north, today=TODAY)
    ids = [r.child_id for r in rows]
    # Olivia and Rhiannon have had no oversight since 5 January (due 2 February, by name); Tariq's is not due.
    assert ids == [own.pk, world.children["restricted"].pk, team_child.pk]
    team_row = next(r for r in rows if r.child_id == team_child.pk)
    assert team_row.days_since == 3 and not team_row.overdue
    by_name = [r.name for r in selectors.team_oversight(world.users["tm_north"], world.north, today=TODAY, sort="name")]
    assert by_name == sorted(by_name, key=lambda n: n.split(" ")[-1].lower())


def test_team_list_hides_restricted_children_from_those_not_on_the_access_list(world):
    restricted = world.children["restricted"].pk

    def ids(user):
        return [r.child_id for r in selectors.team_oversight(world.users[user], world.north, today=TODAY)]

    assert restricted in ids("tm_north") and restricted not in ids("sm_cin")


def test_team_list_is_one_query_whatever_the_size(world, django_assert_max_num_queries):
    for _ in range(15):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["sw_north"])
        f.open_cin_episode(child)
        record(world, child=child, by="tm_north")
    with django_assert_max_num_queries(3):
        rows = selectors.team_oversight(world.users["tm_north"], world.north, today=TODAY)
    assert len(rows) == 18


# --- Check-ins -----------------------------------------------------------------------------------


def test_check_in_due_from_the_fsw_allocation_then_the_last_check_in(world, fsw_case):
    status = selectors.check_in_status([fsw_case.pk])[fsw_case.pk]
    assert status.supervisor_id == world.users["sw_north"].pk
    assert status.fsw_name == world.users["fsw_north"].display_name
    assert status.last_check_in is None and status.next_due == date(2026, 1, 19)  # the FSW from 5 Jan, + 2 weeks
    services.check_in_record(child=fsw_case, author=world.users["sw_north"], held_on=TODAY, summary="Fine.")
    status = selectors.check_in_status([fsw_case.pk])[fsw_case.pk]
    assert status.last_check_in == TODAY and status.next_due == TODAY + timedelta(weeks=2)
    set_setting("fsw_checkin_weeks", 3)
    assert selectors.check_in_status([fsw_case.pk])[fsw_case.pk].next_due == TODAY + timedelta(weeks=3)


def test_an_fsw_case_without_a_supervisor_is_shown_as_such(world):
    child = f.make_child()
    f.allocate(child, team=world.north, worker=world.users["fsw_north"], start=date(2026, 3, 2))
    status = selectors.check_in_status([child.pk])[child.pk]
    assert status.supervisor_id is None and status.next_due == date(2026, 3, 16)


def test_no_check_in_expected_once_a_social_worker_holds_the_case(world, fsw_case):
    lead = fsw_case.allocations.get(role="lead")
    lead.end_date, lead.end_reason = TODAY, AllocationReason.CASE_PROGRESSION
    lead.save()
    f.allocate(fsw_case, team=world.north, worker=world.users["sw_north_2"], start=TODAY)
    assert selectors.check_in_status([fsw_case.pk]) == {}
    assert selectors.check_in_status([world.children["own"].pk]) == {}  # a social worker's case


@pytest.mark.parametrize("children", [1, 12])
def test_check_in_status_is_one_query(world, fsw_case, children, django_assert_max_num_queries):
    ids = [fsw_case.pk]
    for _ in range(children - 1):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["fsw_north"])
        f.allocate(child, team=world.north, worker=world.users["sw_north"], role="supervising_sw")
        ids.append(child.pk)
    with django_assert_max_num_queries(2):
        statuses = selectors.check_in_status(ids)
    assert len(statuses) == children
