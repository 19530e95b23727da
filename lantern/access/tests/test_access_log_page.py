"""Managers and quality auditors can see who has viewed a child's record; workers and inspectors cannot."""

import pytest
from django.urls import reverse

from lantern.access.models import ChildView


@pytest.mark.parametrize("role", ["tm_north", "sm_cin", "leader", "qa"])
def test_managers_see_who_viewed_the_record(client, world, role):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    client.get(reverse("casework:child", args=[child.pk]))
    client.force_login(world.users[role])
    response = client.get(reverse("access:child_views", args=[child.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "sw.north" in body and "Child record" in body
    assert world.users[role].username in body  # the manager's own look is logged too
    assert ChildView.objects.filter(child=child, user=world.users[role], page="Record views").exists()


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "inspector"])
def test_others_cannot_see_the_access_log(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("access:child_views", args=[world.children["own"].pk])).status_code == 403


def test_manager_outside_scope_cannot_see_access_log(client, world):
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("access:child_views", args=[world.children["south"].pk])).status_code == 403
