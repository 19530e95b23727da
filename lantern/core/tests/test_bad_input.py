"""Bad input gets a message, never a server error (issue 12, "No 500 from any input").

Each case here once gave a 500: a date part of 2^63 (every GOV.UK date field, the chronology
filters among them), a NUL character in a search, a page number of 2^63-1 on the chronology and
an as-of date of 01/01/0001 on Annex A. The fuzz walk (test_fuzz_walk.py) tries every form."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from lantern.casework.models import Contact
from lantern.casework.selectors import parse_search_date
from lantern.core.forms import GovukDateField
from lantern.testing import links_to

HUGE = str(2**63)


class _DateForm(forms.Form):
    on = GovukDateField(label="Date of the visit")


def _date_form(day, month, year) -> _DateForm:
    return _DateForm({"on_day": day, "on_month": month, "on_year": year})


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        (HUGE, "1", "2026"),
        ("1", HUGE, "2026"),
        ("1", "1", HUGE),
        (HUGE, HUGE, HUGE),
        ("9" * 400, "1", "2026"),
        ("0", "0", "0000"),
        ("31", "2", "2026"),
        ("²", "1", "2026"),  # a digit to str.isdigit(), not to int()
    ],
)
def test_an_impossible_date_is_a_field_error(day, month, year):
    form = _date_form(day, month, year)
    assert not form.is_valid()
    assert form.errors["on"] == ["Date of the visit must be a real date"]


@pytest.mark.parametrize("year", ["0001", "1899", "2101", "9999"])
def test_a_year_outside_the_fields_range_is_a_field_error(year):
    form = _date_form("1", "1", year)
    assert not form.is_valid()
    assert form.errors["on"] == ["Date of the visit must be between 1900 and 2100"]


def test_a_field_can_narrow_its_years():
    class Narrow(forms.Form):
        on = GovukDateField(label="As of", min_year=1990, max_year=2100)

    assert Narrow({"on_day": "1", "on_month": "1", "on_year": "1990"}).is_valid()
    form = Narrow({"on_day": "31", "on_month": "12", "on_year": "1989"})
    assert form.errors["on"] == ["As of must be between 1990 and 2100"]


def test_a_huge_date_part_on_a_form_page_is_a_message_and_nothing_is_saved(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    before = Contact.objects.count()
    response = client.post(
        reverse("casework:child_contact_new", args=[child.pk]),
        {
            "received_date_day": HUGE,
            "received_date_month": "1",
            "received_date_year": "2026",
            "received_time": "10:00",
            "source": "2A",
            "method": "phone",
            "contact_name": "School",
            "concern": "Worried",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "must be a real date" in body
    assert links_to(body, "received_date")
    assert Contact.objects.count() == before


@pytest.mark.parametrize("part", ["date_from_day", "date_from_month", "date_to_day", "date_to_month"])
@pytest.mark.parametrize("name", ["chronology:chronology", "chronology:print", "chronology:csv"])
def test_a_huge_date_part_in_the_chronology_filters_is_a_message(client, world, name, part):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    prefix = part.rsplit("_", 1)[0]
    query = {f"{prefix}_day": "1", f"{prefix}_month": "1", f"{prefix}_year": "2026", part: HUGE}
    response = client.get(reverse(name, args=[child.pk]), query, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "must be a real date" in body
    assert links_to(body, prefix)


@pytest.mark.parametrize("page", [str(2**63 - 1), str(2**63), "-" + str(2**63), "1e309", "inf", "NaN", "0", "-1"])
def test_any_page_number_on_the_chronology_shows_a_page(client, world, page):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("chronology:chronology", args=[child.pk]), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1  # the only page: one past the end gives the last


@pytest.mark.parametrize("page", [str(2**63 - 1), "1e309", "-1"])
def test_any_page_number_on_a_list_shows_a_page(client, world, page):
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("casework:caseload"), {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["casework:search", "casework:contact_new"])
@pytest.mark.parametrize("q", ["Oli\x00via", "\x00", "Olivia\x07\x1b", "01/01/" + "9" * 30, f"{HUGE}/1/2015"])
def test_control_characters_and_huge_numbers_in_a_search_are_harmless(client, world, url, q):
    client.force_login(world.users["sw_north"])
    posted = client.post(reverse(url), {"q": q})
    assert posted.status_code == 302
    response = client.get(posted.url)
    assert response.status_code == 200
    if "Oli" in q:  # control characters are taken out, and the rest still finds the child
        assert "Owens" in response.content.decode()


@pytest.mark.parametrize("q", ["Oli\x00via", "\x00", "9" * 400])
def test_control_characters_in_the_staff_search_are_harmless(client, world, q):
    from lantern import factories as f
    from lantern.identity.policy import COUNCIL_ADMIN

    client.force_login(f.make_worker("admin.one", role=COUNCIL_ADMIN))
    response = client.get(reverse("identity:staff_list"), {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("text", ["01/01/" + "9" * 30, f"1/{HUGE}/2015", f"{HUGE}-01-01", "1/1/99999", "²/1/2015"])
def test_a_search_that_looks_like_an_impossible_date_is_not_a_date(text):
    assert parse_search_date(text) is None


def test_a_search_that_is_a_date_is_a_date():
    assert parse_search_date("31/01/2015") == date(2015, 1, 31)
    assert parse_search_date("2015-01-31") == date(2015, 1, 31)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "1", "0001", "Date the lists describe must be between 1900 and 2100"),
        ("31", "12", "1899", "Date the lists describe must be between 1900 and 2100"),
        (HUGE, "1", "2026", "Date the lists describe must be a real date"),
    ],
)
def test_an_annex_a_date_out_of_range_is_a_message(client, world, day, month, year, message):
    client.force_login(world.users["leader"])
    response = client.post(reverse("returns:annex_a"), {"as_of_day": day, "as_of_month": month, "as_of_year": year})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert links_to(body, "as_of")


def test_the_earliest_annex_a_date_gives_a_workbook(client, world):
    client.force_login(world.users["leader"])
    response = client.post(reverse("returns:annex_a"), {"as_of_day": "1", "as_of_month": "1", "as_of_year": "1900"})
    assert response.status_code == 200
    assert not response["Content-Type"].startswith("text/html")
