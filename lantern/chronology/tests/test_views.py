"""The chronology page, its printable version and its CSV download: through the one door for every
role, filters with GOV.UK errors, bounded queries, and a spreadsheet that cannot run formulas."""

import csv
import io
from datetime import date, datetime, time

import pytest
from django.urls import reverse

from lantern.access.models import ChildView
from lantern.casework.models import Contact
from lantern.chronology import views
from lantern.chronology.tests.conftest import LONDON
from lantern.testing import error_links, links_to

PAGES = ["chronology:chronology", "chronology:print", "chronology:csv"]
PAGE_NAMES = {
    "chronology:chronology": "Chronology",
    "chronology:print": "Chronology (printable)",
    "chronology:csv": "Chronology (CSV download)",
}


def _url(name, child, **query):
    url = reverse(name, args=[child.pk])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query, doseq=True)
    return url


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def _contact(child, day, concern, hour=10):
    return Contact.objects.create(
        child=child, received_at=datetime.combine(day, time(hour, 0), tzinfo=LONDON), source="6", concern=concern
    )


# ---------------------------------------------------------------------------------------------
# Access: every page through the one door
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("user", ["sw_north", "sw_north_2", "tm_north", "sm_cin", "qa", "leader", "inspector"])
def test_everyone_who_may_see_the_child_may_read_and_the_view_is_logged(client, world, name, user):
    child = world.children["own"]
    client.force_login(world.users[user])
    response = client.get(_url(name, child))
    assert response.status_code == 200
    view = ChildView.objects.get(user=world.users[user], child=child)
    assert view.page == PAGE_NAMES[name] and view.path == reverse(name, args=[child.pk])


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("user", ["sw_south", "fsw_north"])
def test_a_worker_without_access_is_refused_and_nothing_is_shown(client, world, name, user):
    child = world.children["south"] if user == "fsw_north" else world.children["own"]
    _contact(child, date(2026, 1, 6), "Secret concern")
    client.force_login(world.users[user])
    response = client.get(_url(name, child))
    assert response.status_code == 403
    assert "Secret concern" not in response.content.decode()
    assert not ChildView.objects.filter(user=world.users[user], outcome="viewed").exists()  # refused, not viewed


@pytest.mark.parametrize("name", PAGES)
def test_a_restricted_child_is_hidden_from_a_leader_but_open_to_the_access_list(client, world, name):
    child = world.children["restricted"]
    client.force_login(world.users["leader"])
    assert client.get(_url(name, child)).status_code == 404
    client.force_login(world.users["tm_north"])  # on the record's access list
    assert client.get(_url(name, child)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in_and_posts_are_refused(client, world, name):
    child = world.children["own"]
    response = client.get(_url(name, child))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(world.users["sw_north"])
    assert client.post(_url(name, child)).status_code == 405


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def test_the_page_lists_events_newest_first_with_links_and_significant_tags(client, world, long_history):
    client.force_login(world.users["sw_north"])
    body = _body(client.get(_url("chronology:chronology", long_history)))
    assert '<h1 class="govuk-heading-l">Chronology</h1>' in body
    assert "Contact received from Police" in body
    assert "Initial child protection conference held" in body
    assert "Significant</strong>" in body
    assert f'href="/children/{long_history.pk}/section47/' in body
    assert "All events, newest first." in body
    assert 'rel="next"' in body  # paginated
    assert _url("chronology:print", long_history) in body and _url("chronology:csv", long_history) in body


def test_the_page_runs_the_same_queries_for_five_years_of_history_as_for_one_event(
    client, world, long_history, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["sw_north"])
    with django_assert_max_num_queries(12):
        assert client.get(_url("chronology:chronology", long_history)).status_code == 200
    counts = []
    for child in (long_history, world.children["team"]):
        with CaptureQueriesContext(connection) as ctx:
            client.get(_url("chronology:chronology", child, order="oldest"))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        client.get(_url("chronology:print", long_history))
    with django_assert_max_num_queries(12):
        _body(client.get(_url("chronology:csv", long_history)))


def test_filters_narrow_the_list_and_stay_in_the_page_and_download_links(client, world, long_history):
    client.force_login(world.users["sw_north"])
    query = {
        "significant": "on",
        "date_from_day": "1",
        "date_from_month": "1",
        "date_from_year": "2023",
        "date_to_day": "31",
        "date_to_month": "12",
        "date_to_year": "2023",
        "kind": ["icpc", "cp_plan_start"],
        "order": "oldest",
    }
    response = client.get(_url("chronology:chronology", long_history, **query))
    body = _body(response)
    page = response.context["page_obj"]
    assert page.object_list and {e.kind for e in page.object_list} <= {"icpc", "cp_plan_start"}
    assert all(date(2023, 1, 1) <= e.on <= date(2023, 12, 31) for e in page.object_list)
    assert [e.on for e in page.object_list] == sorted(e.on for e in page.object_list)
    assert "Contact received" not in body
    assert "Significant events only, of these types: initial child protection conferences" in body
    assert "kind=icpc&amp;kind=cp_plan_start" in body  # both kinds kept in the print and download links
    assert 'id="id_kind_0" name="kind" type="checkbox" value="contact"' in body


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
            "date_from",
            "From date must be a real date",
        ),
        ({"date_to_day": "1", "date_to_month": "13", "date_to_year": "2026"}, "date_to", "To date must be a real date"),
        ({"date_from_day": "1", "date_from_year": "2026"}, "date_from", "From date must include a month"),
        ({"date_to_day": "a", "date_to_month": "b", "date_to_year": "c"}, "date_to", "To date must be a real date"),
        (
            {
                "date_from_day": "2",
                "date_from_month": "3",
                "date_from_year": "2026",
                "date_to_day": "1",
                "date_to_month": "3",
                "date_to_year": "2026",
            },
            "date_to",
            "To date must be the same as or after the from date",
        ),
        ({"kind": "not_a_kind"}, "kind", "Select types of event from the list"),
    ],
)
def test_bad_filter_input_gives_a_gov_uk_error_next_to_the_field(client, world, query, field, message):
    client.force_login(world.users["sw_north"])
    response = client.get(_url("chronology:chronology", world.children["own"], **query))
    body = _body(response)
    assert response.status_code == 200
    assert "There is a problem" in body and links_to(body, field)
    assert body.count(message) == 2  # in the summary and next to the field
    assert "<title>Chronology for Olivia Owens (error) - Lantern</title>" in body
    assert response.context["page_obj"] is None and "Correct the filter to see the chronology." in body
    error_links(body)


@pytest.mark.parametrize("name", ["chronology:print", "chronology:csv"])
def test_bad_filter_input_on_print_or_download_goes_back_to_the_page_with_the_errors(client, world, name):
    client.force_login(world.users["sw_north"])
    child = world.children["own"]
    query = {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"}
    response = client.get(_url(name, child, **query))
    assert response.status_code == 302 and response.url == _url("chronology:chronology", child, **query)
    assert "From date must be a real date" in _body(client.get(response.url))


def test_an_empty_filter_result_says_so(client, world):
    client.force_login(world.users["sw_north"])
    body = _body(client.get(_url("chronology:chronology", world.children["own"], kind="death")))
    assert "0 events" in body and "No events match these filters." in body


# ---------------------------------------------------------------------------------------------
# Printable version
# ---------------------------------------------------------------------------------------------


def test_the_printable_version_has_every_event_a_header_and_no_navigation(client, world, long_history):
    user = world.users["sw_north"]
    client.force_login(user)
    response = client.get(_url("chronology:print", long_history))
    body = _body(response)
    total = response.context["total"]
    assert len(response.context["events"]) == total > 50  # not paginated
    assert "Chronology for Olivia Owens" in body and long_history.la_child_id in body
    assert f"by {user.display_name}" in body and "Printed" in body
    assert "govuk-service-navigation" not in body and "govuk-header" not in body
    assert "OFFICIAL-SENSITIVE" in body
    assert "chronology/print.js" in body and "<script>" not in body  # no inline script (CSP)


def test_the_printable_version_stops_at_its_limit_and_says_so(client, world, long_history, monkeypatch):
    monkeypatch.setattr(views, "PRINT_LIMIT", 10)
    client.force_login(world.users["sw_north"])
    response = client.get(_url("chronology:print", long_history))
    assert len(response.context["events"]) == 10 and response.context["truncated"]
    assert f"This shows the first 10 of {response.context['total']} events" in _body(response)


def test_the_print_stylesheet_sets_a4_pages():
    from pathlib import Path

    scss = (Path(__file__).resolve().parents[3] / "frontend" / "scss" / "_chronology.scss").read_text()
    assert "@page" in scss and "size: A4" in scss


# ---------------------------------------------------------------------------------------------
# CSV download
# ---------------------------------------------------------------------------------------------


def test_the_csv_download_streams_every_event_for_the_filter(client, world, long_history):
    client.force_login(world.users["sw_north"])
    response = client.get(_url("chronology:csv", long_history, order="oldest"))
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="chronology-{long_history.la_child_id}-')
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert rows[0] == ["Date", "Time", "Type", "What happened", "Detail", "By", "Significant"]
    from lantern.chronology import selectors

    events = selectors.events(long_history.pk, selectors.ChronologyFilter(oldest_first=True))
    assert len(rows) - 1 == len(events) > 50
    assert rows[1] == ["2015-06-01", "", "Birth", "Born", "", "", "No"]
    contact = next(r for r in rows if r[3] == "Contact received from Police")
    assert contact[1] == "10:00" and contact[6] == "No"
    assert any(r[6] == "Yes" and r[3] == "Initial child protection conference held" for r in rows)


def test_the_csv_download_keeps_the_filter(client, world, long_history):
    client.force_login(world.users["sw_north"])
    rows = list(csv.reader(io.StringIO(_body(client.get(_url("chronology:csv", long_history, kind="icpc"))))))
    assert len(rows) > 1 and {r[2] for r in rows[1:]} == {"Initial child protection conferences"}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_the_csv_download_cannot_carry_a_spreadsheet_formula(client, world, start):
    child = world.children["own"]
    _contact(child, date(2026, 1, 6), f'{start}HYPERLINK("http://example.invalid")')
    client.force_login(world.users["sw_north"])
    rows = list(csv.reader(io.StringIO(_body(client.get(_url("chronology:csv", child))))))
    detail = next(r[4] for r in rows if r[3] == "Contact received from Police")
    assert detail == f'\'{start}HYPERLINK("http://example.invalid")'
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row)


def test_safe_cell_leaves_ordinary_text_alone():
    assert views.safe_cell("Visit: child seen alone") == "Visit: child seen alone"
    assert views.safe_cell("") == "" and views.safe_cell(None) == ""
    assert views.safe_cell("-1") == "'-1"


# ---------------------------------------------------------------------------------------------
# On the child's record
# ---------------------------------------------------------------------------------------------


def test_the_child_record_links_to_the_chronology_and_shows_recent_significant_events(client, world, long_history):
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("casework:child", args=[long_history.pk]))
    body = _body(response)
    assert f'href="{_url("chronology:chronology", long_history)}">Chronology</a>' in body
    assert "Significant events" in body and "See the full chronology" in body
    start = body.index('id="chronology"')
    panel = body[start : body.index("See the full chronology", start)]
    assert panel.count('class="govuk-table__row"') == 6  # the header and five events


def test_a_child_with_no_significant_events_says_so(client, world):
    client.force_login(world.users["sw_north"])
    body = _body(client.get(reverse("casework:child", args=[world.children["own"].pk])))
    assert "No significant events recorded." in body


def test_the_child_record_panel_and_link_cost_one_query(rf, world, long_history, django_assert_num_queries):
    from lantern.chronology import hooks

    request = rf.get("/")
    request.user = world.users["sw_north"]
    with django_assert_num_queries(1):
        panels = hooks.significant_events_panel(request=request, child=long_history)
        links = hooks.chronology_link(request=request, child=long_history)
    assert len(panels[0].context["events"]) == 5 and panels[0].order == 55
    assert links[0].href == _url("chronology:chronology", long_history)
