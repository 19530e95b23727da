"""Team pages: a team manager sees their team; a service manager every team in their service."""

import pytest
from django.urls import reverse

from lantern import factories as f


def test_team_manager_sees_workers_caseloads_and_unallocated(client, world):
    sw = world.users["sw_north"]
    for i in range(3):
        f.allocate(f.make_child(last_name=f"Load{i}"), team=world.north, worker=sw)
    waiting = f.make_child(first_name="Wanda", last_name="Waiting")
    f.allocate(waiting, team=world.north, worker=None)
    client.force_login(world.users["tm_north"])
    response = client.get(reverse("workforce:team", args=[world.north.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    # sw.north holds own + 3 = 4 children; the row shows the name and the count.
    row = body[body.index(sw.display_name) :]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">4</td>' in row[:400]
    assert "Wanda Waiting" in body
    assert "1 child held by the team without an allocated worker" in body


def test_unallocated_list_hides_restricted_children_from_managers_not_on_the_list(client, world):
    secret = f.make_child(first_name="Hidden", last_name="Hollis", restricted=True)
    f.allocate(secret, team=world.north, worker=None)
    client.force_login(world.users["tm_north"])  # tm.north is not on this child's access list
    body = client.get(reverse("workforce:team", args=[world.north.pk])).content.decode()
    assert "Hollis" not in body


def test_team_manager_is_refused_another_team(client, world):
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("workforce:team", args=[world.south.pk])).status_code == 403


def test_service_manager_sees_every_team_in_their_service_only(client, world):
    client.force_login(world.users["sm_cin"])
    body = client.get(reverse("workforce:teams")).content.decode()
    assert "North locality" in body and "South locality" in body
    assert "West disabled children" not in body
    assert client.get(reverse("workforce:team", args=[world.south.pk])).status_code == 200
    assert client.get(reverse("workforce:team", args=[world.west.pk])).status_code == 403


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "sw_south"])
def test_workers_cannot_open_team_pages(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("workforce:teams")).status_code == 403
    assert client.get(reverse("workforce:team", args=[world.north.pk])).status_code == 403


@pytest.mark.parametrize("role", ["leader", "qa", "inspector"])
def test_authority_wide_roles_see_all_teams(client, world, role):
    client.force_login(world.users[role])
    body = client.get(reverse("workforce:teams")).content.decode()
    assert "West disabled children" in body and "North locality" in body


def test_team_page_queries_do_not_grow_with_team_size(client, world, django_assert_max_num_queries):
    for i in range(15):
        worker = f.make_worker(team=world.north)
        f.allocate(f.make_child(last_name=f"Big{i}"), team=world.north, worker=worker)
        f.allocate(f.make_child(last_name=f"Wait{i}"), team=world.north, worker=None)
    client.force_login(world.users["tm_north"])
    # 11: one of them lists leavers and movers with children still allocated here (administration).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("workforce:team", args=[world.north.pk])).status_code == 200
    client.force_login(world.users["leader"])
    with django_assert_max_num_queries(8):
        assert client.get(reverse("workforce:teams")).status_code == 200


def test_landing_page_depends_on_role(client, world):
    expected = {
        "sw_north": reverse("casework:caseload"),
        "tm_north": reverse("workforce:team", args=[world.north.pk]),
        "sm_cin": reverse("workforce:teams"),
        "inspector": reverse("workforce:teams"),
    }
    for role, url in expected.items():
        client.force_login(world.users[role])
        assert client.get("/").url == url, role
