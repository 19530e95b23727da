"""The returns start page and menu item show each role what it may produce."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "role, census, annex_a, indicators",
    [
        ("leader", True, True, True),
        ("inspector", False, True, True),
        ("qa", False, False, True),
        ("sm_cin", False, False, True),
    ],
)
def test_index_lists_what_the_role_may_produce(client, world, role, census, annex_a, indicators):
    client.force_login(world.users[role])
    response = client.get(reverse("returns:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert (reverse("returns:census") in body) == census
    assert (reverse("returns:annex_a") in body) == annex_a
    assert (reverse("returns:indicators") in body) == indicators
    assert f'href="{reverse("returns:index")}"' in body  # in the menu


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "tm_north"])
def test_index_refused_to_roles_without_returns(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("returns:index")).status_code == 403
    home = client.get(reverse("casework:search")).content.decode()
    assert f'href="{reverse("returns:index")}"' not in home
