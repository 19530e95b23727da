"""Logs fit for operations: one JSON line per request with its id, the user's id (never a name),
method, route, path without query string, status and duration; no personal data anywhere."""

import json
import logging

import pytest
from django.urls import reverse

from lantern.operations.logs import JsonFormatter, request_id_var, scrub_event
from lantern.testing import search


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="lantern.requests")
    return lambda: [r for r in caplog.records if r.name == "lantern.requests"]


def _json(record) -> dict:
    return json.loads(JsonFormatter().format(record))


def test_a_request_line_has_the_fields_and_no_name(client, world, request_lines):
    user = world.users["sw_north"]
    child = world.children["own"]
    client.force_login(user)
    response = client.get(reverse("casework:child", args=[child.pk]) + "?tab=1")
    [record] = request_lines()
    line = _json(record)
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["user_id"] == user.pk
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "children/<int:child_id>/"
    assert line["path"] == f"/children/{child.pk}/"
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO"
    text = JsonFormatter().format(record)
    for private in ("tab=1", user.username, user.first_name, child.person.last_name):
        assert private not in text


def test_anonymous_and_unknown_routes(client, db, request_lines):
    client.get("/no/such/page/?name=Amira")
    [record] = request_lines()
    line = _json(record)
    assert line["user_id"] is None and line["route"] is None and line["status"] in (302, 404)
    assert line["path"] == "/no/such/page/" and "Amira" not in JsonFormatter().format(record)


def test_a_proxy_request_id_is_kept_only_if_well_formed(client, db, request_lines):
    assert client.get(reverse("login"), HTTP_X_REQUEST_ID="abc-123-def-456")["X-Request-ID"] == "abc-123-def-456"
    forged = client.get(reverse("login"), HTTP_X_REQUEST_ID='x"\n{"admin": true}')["X-Request-ID"]
    assert forged != 'x"\n{"admin": true}' and len(forged) == 32
    assert [_json(r)["request_id"] for r in request_lines()] == ["abc-123-def-456", forged]


def test_a_child_search_puts_no_term_in_any_url_or_log(client, world, request_lines):
    """Seen before: the child search sent names, dates of birth and NHS numbers in the query
    string, so they reached access logs. Now the terms are posted."""
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    for term in (child.person.last_name, "31/01/2015", "943 476 5919"):
        page = search(client, reverse("casework:search"), q=term)
        assert page.status_code == 200
    for record in request_lines():
        line = JsonFormatter().format(record)
        for term in (child.person.last_name, "31/01/2015", "943 476 5919", "943+476", "31%2F01"):
            assert term not in line


def test_errors_logged_during_a_request_carry_its_id(db):
    token = request_id_var.set("req-000000001")
    try:
        record = logging.getLogger("lantern.returns").makeRecord(
            "lantern.returns", logging.ERROR, __file__, 1, "Export %s failed", (7,), None
        )
        line = _json(record)
    finally:
        request_id_var.reset(token)
    assert line == {**line, "request_id": "req-000000001", "message": "Export 7 failed", "level": "ERROR"}


def test_exceptions_are_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = JsonFormatter().format(record)
    assert "\n" not in text and "ValueError: boom" in json.loads(text)["exception"]


def test_the_error_tracker_gets_no_personal_data():
    event = {
        "request": {
            "method": "POST",
            "url": "https://lantern.example/search/?q=Amira+Khan",
            "query_string": "q=Amira+Khan",
            "data": {"q": "Amira Khan"},
            "cookies": {"sessionid": "secret"},
            "headers": {"Cookie": "sessionid=secret", "X-Request-ID": "r1", "User-Agent": "Firefox"},
        },
        "user": {"id": 42, "username": "amira.worker", "email": "a@example.gov.uk"},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": 'duplicate key (nhs_number)=(9434765919) "Amira"',
                    "stacktrace": {"frames": [{"function": "save", "vars": {"child": "Amira Khan"}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT ... 'Khan'"}]},
        "extra": {"sys.argv": ["manage.py"]},
        "logentry": {"message": "Child %s saved", "params": ["Amira Khan"], "formatted": "Child Amira Khan saved"},
    }
    text = json.dumps(scrub_event(event, {}))
    for private in ("Amira", "Khan", "9434765919", "secret", "amira.worker", "a@example"):
        assert private not in text
    assert event["request"] == {"method": "POST", "url": "https://lantern.example/search/",
                                "headers": {"X-Request-ID": "r1", "User-Agent": "Firefox"}}  # fmt: skip
    assert event["user"] == {"id": 42}
    assert event["exception"]["values"][0]["type"] == "IntegrityError"
    assert event["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "save"}]
