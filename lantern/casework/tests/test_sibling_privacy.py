"""A sibling's record is theirs: the child record names only the siblings the reader may see."""

import pytest
from django.urls import reverse

from lantern import factories as f


@pytest.mark.django_db
def test_sibling_out_of_scope_is_counted_not_named_and_restricted_is_left_out(client, world):
    own = world.children["own"]
    f.make_siblings(own, world.children["south"], world.children["restricted"], world.children["team"])
    client.force_login(world.users["sw_north"])
    page = client.get(reverse("casework:child", args=[own.pk])).content.decode()
    assert "Tariq Teamson" in page  # same team: sw_north may see it
    assert "Sophie Southall" not in page  # another team's child
    assert "Rhiannon Restrick" not in page  # restricted, not on the access list
    assert "1 related child has a record you cannot see." in page


@pytest.mark.django_db
def test_manager_on_access_list_sees_restricted_sibling(client, world):
    own = world.children["own"]
    f.make_siblings(own, world.children["restricted"])
    client.force_login(world.users["tm_north"])
    page = client.get(reverse("casework:child", args=[own.pk])).content.decode()
    assert "Rhiannon Restrick" in page
    assert "record you cannot see" not in page
