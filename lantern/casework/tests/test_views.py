"""The pages a worker uses every day: My caseload, Find a child, the child record, identity edits."""

from datetime import date

import pytest
from django.urls import reverse

from lantern import factories as f
from lantern.casework.models import ChildStatus
from lantern.casework.selectors import search_children, with_status
from lantern.core.identifiers import make_upn
from lantern.people.models import Child, RelationshipType


def test_caseload_shows_age_status_team_and_paginates(client, world, settings):
    settings.PAGE_SIZE = 5
    sw = world.users["sw_north"]
    extra = [f.make_child(last_name=f"Caseload{i:02d}") for i in range(7)]
    for child in extra:
        f.allocate(child, team=world.north, worker=sw)
    f.open_cp_plan(world.children["own"], world.children["own"].cin_episodes.get())
    client.force_login(sw)
    first = client.get(reverse("casework:caseload"))
    body = first.content.decode()
    assert first.status_code == 200
    assert "You have <strong>8</strong> children allocated to you" in body
    assert "Showing 1 to 5 of 8" in body
    assert "North locality" in body
    second = client.get(reverse("casework:caseload"), {"page": 2}).content.decode()
    assert "Showing 6 to 8 of 8" in second
    listed = [c for c in [world.children["own"], *extra] if reverse("casework:child", args=[c.pk]) in body + second]
    assert len(listed) == 8
    assert "Child protection" in body + second


def test_status_prefers_cp_then_cin_then_early_help(world):
    own, team, west = world.children["own"], world.children["team"], world.children["west"]
    f.open_cp_plan(own, own.cin_episodes.get())
    episode = west.cin_episodes.get()
    episode.closure_date, episode.closure_reason = date(2026, 2, 1), "RC8"
    episode.save()
    f.open_early_help(west)
    statuses = dict(with_status(Child.objects.all()).values_list("pk", "status"))
    assert statuses[own.pk] == ChildStatus.CHILD_PROTECTION
    assert statuses[team.pk] == ChildStatus.CHILD_IN_NEED
    assert statuses[west.pk] == ChildStatus.EARLY_HELP


@pytest.mark.parametrize(
    "query_for",
    [
        lambda c: c.person.last_name,
        lambda c: c.person.first_name.lower(),
        lambda c: f"{c.person.first_name} {c.person.last_name}",
        lambda c: c.la_child_id.lower(),
        lambda c: c.upn.lower(),
        lambda c: f"{c.nhs_number[:3]} {c.nhs_number[3:6]} {c.nhs_number[6:]}",
        lambda c: c.person.date_of_birth.strftime("%d/%m/%Y"),
        lambda c: c.person.date_of_birth.isoformat(),
    ],
    ids=["last name", "first name", "full name", "la child id", "upn", "nhs number", "dob uk", "dob iso"],
)
def test_search_finds_by_each_identifier(world, query_for):
    target = f.make_child(first_name="Zuleika", last_name="Quennell", date_of_birth=date(2012, 3, 14))
    f.allocate(target, team=world.north, worker=world.users["sw_north"])
    results = list(search_children(world.users["sw_north"], query_for(target)))
    assert target in results


def test_search_does_not_match_unrelated_children(world):
    results = list(search_children(world.users["leader"], "Zzzznobody"))
    assert results == []
    assert list(search_children(world.users["leader"], "   ")) == []


def test_child_record_shows_identity_family_allocations_and_episodes(client, world):
    child = world.children["own"]
    sister = f.make_child(first_name="Sana", last_name="Owens", date_of_birth=date(2018, 2, 2))
    f.allocate(sister, team=world.north, worker=world.users["sw_north"])
    f.make_siblings(child, sister)
    mum = f.make_person(first_name="Maria", last_name="Owens", date_of_birth=date(1988, 4, 4))
    f.relate(mum, child.person, RelationshipType.MOTHER, parental_responsibility=True, lives_with=True)
    previous = child.allocations.get()
    previous.end_date, previous.end_reason = date(2026, 2, 1), "worker_left"
    previous.save()
    f.allocate(
        child, team=world.north, worker=world.users["sw_north"], start=date(2026, 2, 1), start_reason="worker_left"
    )
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert child.la_child_id in body and child.upn in body
    assert "Sana Owens" in body and reverse("casework:child", args=[sister.pk]) in body
    assert "Maria Owens" in body and "Mother" in body and "parental responsibility" in body
    assert "Worker left" in body  # reason for the change of worker
    assert "Referred 5 Jan 2026" in body


def test_child_record_issues_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    child = world.children["own"]
    siblings = [f.make_child(last_name="Owens") for _ in range(6)]
    for s in siblings:
        f.allocate(s, team=world.north, worker=world.users["sw_north"])
    f.make_siblings(child, *siblings)
    client.force_login(world.users["sw_north"])
    # A fixed budget: session, user, access check and log, one query per section of the page, and
    # one or two per panel that later apps add (seen, oversight, alerts, notes, chronology ...).
    with django_assert_max_num_queries(45):
        assert client.get(reverse("casework:child", args=[child.pk])).status_code == 200


def test_caseload_and_search_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    sw = world.users["sw_north"]
    for i in range(30):
        f.allocate(f.make_child(last_name=f"Many{i}"), team=world.north, worker=sw)
    client.force_login(sw)
    with django_assert_max_num_queries(10):
        client.get(reverse("casework:caseload"))
    results = client.post(reverse("casework:search"), {"q": "Many"}).url
    with django_assert_max_num_queries(10):
        assert client.get(results).status_code == 200


def _identity_post(child, **overrides):
    data = {
        "first_name": child.person.first_name,
        "last_name": child.person.last_name,
        "preferred_name": "",
        "la_child_id": child.la_child_id,
        "upn": child.upn,
        "upn_unknown": "",
        "nhs_number": child.nhs_number,
        "date_of_birth_day": "1",
        "date_of_birth_month": "6",
        "date_of_birth_year": "2015",
        "expected_date_of_birth_day": "",
        "expected_date_of_birth_month": "",
        "expected_date_of_birth_year": "",
        "sex": "F",
        "ethnicity": "WBRI",
        "first_language": "English",
        "disabilities": ["NONE"],
    }
    data.update(overrides)
    return data


def test_identity_change_saves_and_keeps_history(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    new_upn = make_upn(888, 1234, 42)
    response = client.post(
        reverse("casework:child_identity_edit", args=[child.pk]),
        _identity_post(child, upn=new_upn.lower(), nhs_number="943 476 5919", disabilities=["AUT", "COMM"]),
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.upn == new_upn and child.nhs_number == "9434765919"
    assert set(child.disabilities.values_list("code", flat=True)) == {"AUT", "COMM"}
    assert child.history.count() == 2  # created, then changed: the old UPN is still in history
    assert child.history.earliest().upn != new_upn


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"upn": "A12345678901"}, "upn", "Enter a UPN in the correct format"),
        ({"upn": "B888123400042"}, "upn", "The UPN check letter is wrong"),
        ({"nhs_number": "943 476 5918"}, "nhs_number", "the check digit is wrong"),
        ({"nhs_number": "12345"}, "nhs_number", "Enter an NHS number with 10 digits"),
        ({"la_child_id": "LC-0001"}, "la_child_id", "LA child ID must only include letters and numbers"),
        ({"la_child_id": "A" * 21}, "la_child_id", "LA child ID must be 20 characters or fewer"),
        ({"date_of_birth_month": ""}, "date_of_birth", "Date of birth must include a month"),
        ({"date_of_birth_day": "31", "date_of_birth_month": "2"}, "date_of_birth", "Date of birth must be a real date"),
        ({"date_of_birth_year": "2999"}, "date_of_birth", "Date of birth must be today or in the past"),
        ({"disabilities": ["NONE", "AUT"]}, "disabilities", "not both"),
    ],
)
def test_identity_errors_show_by_the_field_and_nothing_is_saved(client, world, overrides, field, message):
    child = world.children["own"]
    before = (child.upn, child.nhs_number, child.la_child_id, child.person.date_of_birth)
    client.force_login(world.users["sw_north"])
    response = client.post(reverse("casework:child_identity_edit", args=[child.pk]), _identity_post(child, **overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body  # error summary
    assert f'id="id_{field}-error"' in body and message in body  # message next to the field
    child.refresh_from_db()
    child.person.refresh_from_db()
    assert (child.upn, child.nhs_number, child.la_child_id, child.person.date_of_birth) == before


def test_duplicate_la_child_id_is_refused(client, world):
    child, other = world.children["own"], world.children["team"]
    client.force_login(world.users["sw_north"])
    response = client.post(
        reverse("casework:child_identity_edit", args=[child.pk]), _identity_post(child, la_child_id=other.la_child_id)
    )
    assert "Another child already has this LA child ID" in response.content.decode()


@pytest.mark.parametrize("role", ["inspector", "qa"])
def test_read_only_roles_cannot_change_identity(client, world, role):
    child = world.children["own"]
    client.force_login(world.users[role])
    assert client.get(reverse("casework:child", args=[child.pk])).status_code == 200
    assert "Change identity details" not in client.get(reverse("casework:child", args=[child.pk])).content.decode()
    url = reverse("casework:child_identity_edit", args=[child.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _identity_post(child, first_name="Changed")).status_code == 403
    child.person.refresh_from_db()
    assert child.person.first_name != "Changed"


def test_identity_form_renders_disabilities_as_checkboxes_and_sex_as_radios(client, world):
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:child_identity_edit", args=[world.children["own"].pk])).content.decode()
    assert 'type="checkbox" value="AUT"' in body
    assert 'type="radio" value="F"' in body
