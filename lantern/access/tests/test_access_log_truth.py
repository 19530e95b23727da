"""The access log tells the truth: a page of a child's record that is shown is logged as viewed;
an attempt that is refused (out of scope, restricted, or a page the role may not use) is logged
as refused, with the user, for every role; managers and quality auditors search the log by person
and by child."""

import pytest
from django.urls import reverse

from lantern.access.models import ChildView, Outcome

ROLES = ("sw_north", "fsw_north", "tm_north", "sm_cin", "qa", "leader", "inspector")

#: For each role, a child whose record it may open, and one it may not (with the answer it gets).
ALLOWED = {
    "sw_north": "own",
    "fsw_north": "team",
    "tm_north": "restricted",  # on the access list
    "sm_cin": "south",
    "qa": "west",
    "leader": "west",
    "inspector": "west",
}
REFUSED = {
    "sw_north": ("south", 403),
    "fsw_north": ("west", 403),
    "tm_north": ("south", 403),
    "sm_cin": ("west", 403),
    "qa": ("restricted", 404),
    "leader": ("restricted", 404),
    "inspector": ("restricted", 404),
}


def _rows(world, role, child_key):
    return list(
        ChildView.objects.filter(user=world.users[role], child=world.children[child_key]).values_list("page", "outcome")
    )


@pytest.mark.parametrize("role", ROLES)
def test_an_opened_record_is_logged_as_viewed(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("casework:child", args=[world.children[ALLOWED[role]].pk])).status_code == 200
    assert _rows(world, role, ALLOWED[role]) == [("Child record", Outcome.VIEWED)]


@pytest.mark.parametrize("role", ROLES)
def test_a_refused_record_is_logged_as_refused_for_every_role(client, world, role):
    child_key, status = REFUSED[role]
    client.force_login(world.users[role])
    assert client.get(reverse("casework:child", args=[world.children[child_key].pk])).status_code == status
    assert _rows(world, role, child_key) == [("Child record", Outcome.REFUSED)]


@pytest.mark.parametrize("role", ["inspector", "qa"])
def test_a_read_only_role_refused_a_change_page_is_logged_as_refused_not_viewed(client, world, role):
    client.force_login(world.users[role])
    url = reverse("casework:child_contact_new", args=[world.children["own"].pk])
    assert client.get(url).status_code == 403
    assert _rows(world, role, "own") == [("Record a contact", Outcome.REFUSED)]


def test_a_worker_refused_a_managers_page_is_logged_as_refused(client, world):
    client.force_login(world.users["sw_north"])
    assert client.get(reverse("access:child_views", args=[world.children["own"].pk])).status_code == 403
    assert _rows(world, "sw_north", "own") == [("Record views", Outcome.REFUSED)]


def test_a_missing_child_refuses_without_a_row(client, world):
    client.force_login(world.users["sw_north"])
    assert client.get(reverse("casework:child", args=[999999])).status_code == 404
    assert not ChildView.objects.exists()


def test_the_childs_log_shows_refusals(client, world):
    client.force_login(world.users["sw_north"])
    client.get(reverse("casework:child", args=[world.children["south"].pk]))
    client.force_login(world.users["sm_cin"])
    body = client.get(reverse("access:child_views", args=[world.children["south"].pk])).content.decode()
    assert "sw.north" in body and "Refused" in body


# -- searching the log ----------------------------------------------------------------------------


def _search(client, user, **terms):
    client.force_login(user)
    response = client.post(reverse("access:log"), {"who": "", "child": "", "outcome": "", **terms})
    assert response.status_code == 302 and "s=" in response["Location"]
    assert "sw.north" not in response["Location"]  # terms stay out of the URL
    return client.get(response["Location"])


@pytest.mark.parametrize("role", ["tm_north", "sm_cin", "leader", "qa"])
def test_managers_and_auditors_search_the_log_by_person(client, world, role):
    client.force_login(world.users["sw_north"])
    client.get(reverse("casework:child", args=[world.children["own"].pk]))
    client.get(reverse("casework:child", args=[world.children["west"].pk]))  # refused, outside North's service
    client.force_login(world.users["sw_south"])
    client.get(reverse("casework:child", args=[world.children["own"].pk]))  # refused
    body = _search(client, world.users[role], who="SW.NORTH").content.decode()
    assert "Olivia Owens" in body and "sw.south" not in body
    # The log is read for the children the searcher may see: West is outside the CIN service.
    assert ("Wes Westwood" in body) == (role in ("leader", "qa"))


def test_search_by_child_and_by_outcome(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    client.get(reverse("casework:child", args=[child.pk]))
    client.force_login(world.users["sw_south"])
    client.get(reverse("casework:child", args=[child.pk]))
    body = _search(client, world.users["tm_north"], child=child.la_child_id.lower()).content.decode()
    assert "sw.north" in body and "sw.south" in body
    body = _search(client, world.users["tm_north"], child=child.la_child_id, outcome="refused").content.decode()
    assert "sw.south" in body and "sw.north" not in body


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "inspector"])
def test_others_cannot_search_the_log(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("access:log")).status_code == 403
    assert client.post(reverse("access:log"), {"who": "tm.north"}).status_code == 403


def test_search_page_has_bounded_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["sw_north"])
    for key in ("own", "team", "restricted", "south"):
        client.get(reverse("casework:child", args=[world.children[key].pk]))
    client.force_login(world.users["leader"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("access:log")).status_code == 200
