"""Every URL under /children/<id>/ - including ones added later - refuses an unrelated worker
and sends an anonymous visitor to sign in. The URL list is read from the resolver, so a new
page is covered the day it is added."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lantern.access.models import ChildView, Outcome


def _child_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _child_patterns(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("children/<int:child_id>/"):
            yield route


def _url(route: str, child_id: int) -> str:
    # Fill child_id with the child and any other id with 1: refusal must come before the sub-record is looked up.
    path = route.replace("<int:child_id>", str(child_id))
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        path = path[:start] + "1" + path[end + 1 :]
    return "/" + path


ROUTES = sorted(set(_child_patterns()))


def test_there_are_child_routes_to_check():
    assert "children/<int:child_id>/" in ROUTES
    assert "children/<int:child_id>/views/" in ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_unrelated_worker_is_refused_everywhere(client, world, route):
    child = world.children["own"]
    client.force_login(world.users["sw_south"])
    for method in ("get", "post"):
        response = getattr(client, method)(_url(route, child.pk))
        assert response.status_code in (403, 404), (method, route, response.status_code)
    # Nothing was shown, so nothing is logged as viewed; attempts the door saw are logged as refused.
    assert not ChildView.objects.filter(user=world.users["sw_south"]).exclude(outcome=Outcome.REFUSED).exists()


@pytest.mark.parametrize("route", ROUTES)
def test_restricted_child_is_hidden_everywhere(client, world, route):
    client.force_login(world.users["leader"])
    response = client.get(_url(route, world.children["restricted"].pk))
    assert response.status_code == 404
    assert not ChildView.objects.exclude(outcome=Outcome.REFUSED).exists()


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitor_is_sent_to_sign_in(client, world, route):
    response = client.get(_url(route, world.children["own"].pk))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
