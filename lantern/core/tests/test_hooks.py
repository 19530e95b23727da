"""Extension points: a later app adds to a page owned by an earlier one."""

import pytest
from django.urls import reverse

from lantern.core import hooks


@pytest.fixture
def temporary_hook():
    added = []

    def add(name, fn):
        hooks.register(name)(fn)
        added.append((name, fn))

    yield add
    for name, fn in added:
        hooks._REGISTRY[name].remove(fn)


def test_unknown_extension_point_is_refused():
    with pytest.raises(ValueError):
        hooks.register("no_such_point")
    with pytest.raises(ValueError):
        hooks.collect("no_such_point")


def test_collect_sorted_orders_contributions(monkeypatch):
    from collections import defaultdict

    monkeypatch.setattr(hooks, "_REGISTRY", defaultdict(list))
    hooks.register("team_links")(lambda **kw: [hooks.Link("second", "/b", order=20)])
    hooks.register("team_links")(lambda **kw: [hooks.Link("first", "/a", order=10), hooks.Link("third", "/c")])
    texts = [link.text for link in hooks.collect_sorted("team_links", request=None, team=None)]
    assert texts == ["first", "second", "third"]


@pytest.mark.django_db
def test_child_record_shows_contributed_links(client, world, temporary_hook):
    temporary_hook("child_links", lambda *, request, child: [hooks.Link(f"Extra for {child.pk}", "/extra/")])
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("casework:child", args=[child.pk]))
    assert f"Extra for {child.pk}" in response.content.decode()
