"""Searches whose terms are personal data keep them out of URLs (lantern/core/search.py): the
child search and the front door's "is the child already known?" search post their terms; results
(paginated, without JavaScript) are at ?s=<key>, a key good only in the session that made it."""

import pytest
from django.test import Client
from django.urls import reverse

from lantern import factories as f

PAGES = [("casework:search", "sw_north"), ("casework:contact_new", "sw_north")]


def _many(world, n=30):
    for i in range(n):
        f.allocate(f.make_child(last_name=f"Zanzibar{i:02d}"), team=world.north, worker=world.users["sw_north"])


@pytest.mark.parametrize("name, user", PAGES)
def test_the_form_posts_and_the_results_url_holds_no_term(client, world, name, user, settings):
    settings.PAGE_SIZE = 10
    _many(world)
    client.force_login(world.users[user])
    form = client.get(reverse(name)).content.decode()
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    posted = client.post(reverse(name), {"q": "Zanzibar"})
    assert posted.status_code == 302 and posted.url.startswith(reverse(name) + "?s=")
    assert "Zanzibar" not in posted.url
    first = client.get(posted.url).content.decode()
    assert "30 results for &lsquo;Zanzibar&rsquo;" in first and "Zanzibar00" in first
    # Pagination links carry the key, never the term, and work without JavaScript.
    assert 'href="?s=' in first and "page=2" in first and "q=Zanzibar" not in first
    second = client.get(posted.url + "&page=2").content.decode()
    assert "Zanzibar10" in second and "Zanzibar00" not in second


@pytest.mark.parametrize("name, user", PAGES)
def test_a_term_in_the_query_string_is_not_searched(client, world, name, user):
    """Old links (?q=Owens) no longer search: a search is only what was posted."""
    client.force_login(world.users[user])
    body = client.get(reverse(name), {"q": "Owens"}).content.decode()
    assert "result" not in body and "Olivia" not in body


def test_a_key_works_only_in_its_own_session(client, world):
    client.force_login(world.users["sw_north"])
    url = client.post(reverse("casework:search"), {"q": "Owens"}).url
    assert "Olivia" in client.get(url).content.decode()
    other = Client()
    other.force_login(world.users["sw_north"])
    body = other.get(url).content.decode()
    assert "Olivia" not in body and "That search has ended" in body


def test_a_key_is_only_for_its_own_page(client, world):
    client.force_login(world.users["sw_north"])
    url = client.post(reverse("casework:search"), {"q": "Owens"}).url
    key = url.split("?", 1)[1]
    body = client.get(reverse("casework:contact_new") + "?" + key).content.decode()
    assert "Olivia" not in body


def test_an_empty_or_control_character_search_goes_back_to_the_form(client, world):
    client.force_login(world.users["sw_north"])
    assert client.post(reverse("casework:search"), {"q": "   "}).url == reverse("casework:search")
    assert client.post(reverse("casework:search"), {"q": "\x00\x01"}).url == reverse("casework:search")
    page = client.get(client.post(reverse("casework:search"), {"q": "Ow\x00ens"}).url)
    assert page.status_code == 200 and "Olivia" in page.content.decode()


def test_searches_are_still_limited_to_the_children_a_user_may_see(client, world):
    client.force_login(world.users["sw_south"])
    body = client.get(client.post(reverse("casework:search"), {"q": "Owens"}).url).content.decode()
    assert "0 results" in body and "Olivia" not in body


def test_refused_roles_cannot_post_a_contact_search(client, world):
    client.force_login(world.users["inspector"])
    assert client.post(reverse("casework:contact_new"), {"q": "Owens"}).status_code == 403


def test_the_session_keeps_only_the_latest_searches(client, world):
    from lantern.core import search

    client.force_login(world.users["sw_north"])
    first = client.post(reverse("casework:search"), {"q": "Owens"}).url
    for i in range(search.KEEP):
        client.post(reverse("casework:search"), {"q": f"name{i}"})
    assert "That search has ended" in client.get(first).content.decode()
