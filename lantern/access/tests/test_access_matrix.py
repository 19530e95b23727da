"""Who may see which child: every role against own, team's, another team's, another service's
and a restricted child - on the record page, in search and on the caseload."""

import pytest
from django.urls import reverse

from lantern.access.models import AccessListEntry, ChildView, Outcome
from lantern.access.selectors import get_child_for_user, visible_children
from lantern.testing import search

ALL = {"own", "team", "south", "west", "restricted"}

# role -> children that role may see. Everyone else is refused.
EXPECTED = {
    "sw_north": {"own", "team"},
    "fsw_north": {"own", "team"},
    "sw_north_2": {"own", "team"},  # holds the restricted child but is not on its access list
    "tm_north": {"own", "team", "restricted"},
    "sw_south": {"south"},
    "sm_cin": {"own", "team", "south"},
    "qa": {"own", "team", "south", "west"},
    "leader": {"own", "team", "south", "west"},
    "inspector": {"own", "team", "south", "west"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_visible_children_matches_matrix(world, role):
    user = world.users[role]
    seen = {name for name, child in world.children.items() if visible_children(user).filter(pk=child.pk).exists()}
    assert seen == EXPECTED[role]


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("kind", sorted(ALL))
def test_record_page_allowed_or_refused(client, world, role, kind):
    user = world.users[role]
    child = world.children[kind]
    client.force_login(user)
    response = client.get(reverse("casework:child", args=[child.pk]))
    if kind in EXPECTED[role]:
        assert response.status_code == 200
        assert child.person.full_name in response.content.decode()
        assert list(ChildView.objects.filter(user=user, child=child).values_list("page", "outcome")) == [
            ("Child record", Outcome.VIEWED)
        ]
    else:
        # Restricted records are hidden (404); others are known to exist but refused (403).
        assert response.status_code == (404 if kind == "restricted" else 403)
        assert child.person.last_name not in response.content.decode()
        # The attempt is logged, as refused (the refusal page says attempts are recorded).
        assert list(ChildView.objects.filter(user=user, child=child).values_list("page", "outcome")) == [
            ("Child record", Outcome.REFUSED)
        ]


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_search_returns_only_visible_children(client, world, role):
    client.force_login(world.users[role])
    for kind, child in world.children.items():
        response = search(client, reverse("casework:search"), q=child.person.last_name)
        assert response.status_code == 200
        found = reverse("casework:child", args=[child.pk]) in response.content.decode()
        assert found == (kind in EXPECTED[role]), (role, kind)


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "sw_north_2", "sw_south"])
def test_caseload_lists_only_own_allocations(client, world, role):
    client.force_login(world.users[role])
    body = client.get(reverse("casework:caseload")).content.decode()
    for kind, child in world.children.items():
        allocated = child.allocations.filter(worker=world.users[role], end_date__isnull=True).exists()
        visible = kind in EXPECTED[role]
        listed = reverse("casework:child", args=[child.pk]) in body
        assert listed == (allocated and visible), (role, kind)


def test_revoked_access_grant_no_longer_opens_restricted_record(client, world):
    entry = AccessListEntry.objects.get(child=world.children["restricted"], worker=world.users["tm_north"])
    entry.revoked_at = entry.granted_at
    entry.save()
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("casework:child", args=[world.children["restricted"].pk])).status_code == 404


def test_restricted_record_on_list_is_seen_by_any_role(client, world):
    restricted = world.children["restricted"]
    AccessListEntry.objects.create(child=restricted, worker=world.users["sw_south"], reason="Covering worker")
    client.force_login(world.users["sw_south"])
    assert client.get(reverse("casework:child", args=[restricted.pk])).status_code == 200


def test_ended_allocation_no_longer_gives_access(client, world):
    own = world.children["own"]
    allocation = own.allocations.get()
    allocation.end_date = allocation.start_date
    allocation.end_reason = "case_closed"
    allocation.save()
    client.force_login(world.users["sw_north"])
    assert client.get(reverse("casework:child", args=[own.pk])).status_code == 403


def test_missing_child_is_404(client, world):
    client.force_login(world.users["leader"])
    assert client.get(reverse("casework:child", args=[999999])).status_code == 404


def test_inactive_user_sees_nothing(world):
    user = world.users["leader"]
    user.is_active = False
    assert not visible_children(user).exists()


def test_getter_logs_each_view_with_page_and_path(world):
    user, child = world.users["sw_north"], world.children["own"]
    get_child_for_user(user, child.pk, page="Child record", path="/children/1/")
    get_child_for_user(user, child.pk, page="Chronology", path="/children/1/chronology/")
    views = list(ChildView.objects.filter(user=user, child=child).order_by("pk").values_list("page", "path"))
    assert views == [("Child record", "/children/1/"), ("Chronology", "/children/1/chronology/")]


@pytest.mark.django_db
def test_a_child_fetched_for_one_user_is_still_checked_for_another(world, django_assert_num_queries):
    from lantern.access.selectors import can_change_child_record, can_see_child, get_child_for_user

    child = get_child_for_user(world.users["sw_north"], world.children["own"].pk, page="test")
    with django_assert_num_queries(0):
        assert can_change_child_record(world.users["sw_north"], child)
    assert not can_see_child(world.users["sw_south"], child)
