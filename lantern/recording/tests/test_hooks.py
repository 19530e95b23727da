"""What recording adds to casework's pages through the hooks, and what it costs in queries."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from lantern.core.local_settings import get_setting
from lantern.recording import hooks
from lantern.recording.tests.helpers import make_session, make_visit

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_panels_cost_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    child, sw = world.children["own"], world.users["sw_north"]
    today = timezone.localdate()
    for i in range(12):
        make_visit(child, sw, today - timedelta(days=3 * i + 1), seen_alone=bool(i % 2))
        make_session(child, sw, today - timedelta(days=3 * i + 2))
    get_setting("cin_visit_weeks"), get_setting("cp_visit_working_days")
    with django_assert_max_num_queries(4):
        top, lower = hooks.seen_panels(request=_request(sw), child=child)
    assert top.order < 50 <= lower.order
    assert top.context["seen"].last_seen == today - timedelta(days=1)
    assert top.context["can_record"] is True
    records = lower.context["records"]
    assert len(records) == 10
    days = [r.visited_on if kind == "visit" else r.session_date for kind, r in records]
    assert days == sorted(days, reverse=True)


def test_read_only_roles_get_no_record_links(world):
    child = world.children["own"]
    top, _lower = hooks.seen_panels(request=_request(world.users["inspector"]), child=child)
    assert top.context["can_record"] is False


def test_links_to_visits_and_the_voice(world):
    child = world.children["own"]
    links = hooks.recording_links(request=_request(world.users["sw_north"]), child=child)
    assert [(link.text, link.href) for link in links] == [
        ("Visits and direct work", f"/children/{child.pk}/visits/"),
        ("Child's voice", f"/children/{child.pk}/voice/"),
    ]


def test_work_items_are_one_query_and_only_for_the_children_given(world, django_assert_max_num_queries):
    today = timezone.localdate()
    sw = world.users["sw_north"]
    for child in world.children.values():
        make_visit(child, sw, today - timedelta(weeks=5))
    ids = [world.children["own"].pk, world.children["team"].pk]
    get_setting("cin_visit_weeks"), get_setting("cp_visit_working_days")
    with django_assert_max_num_queries(1):
        items = hooks.visits_due(user=sw, child_ids=ids, team=False, today=today)
    assert sorted(i.child_id for i in items) == sorted(ids)
    item = items[0]
    assert item.kind == "visit" and item.what == "Child in need visit"
    assert item.due == today - timedelta(weeks=1)
    assert item.state(today) == "overdue"
    assert item.url == f"/children/{item.child_id}/visits/new/"
    assert hooks.visits_due(user=sw, child_ids=[], team=False, today=today) == []
