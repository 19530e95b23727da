"""Oversight pages by role, forms with errors by the field, the locked signed entry, check-ins,
the team's list, and what oversight adds to the child record and My work."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantern import factories as f
from lantern.casework.selectors import work_items
from lantern.oversight import services
from lantern.oversight.models import CheckIn, OversightAddendum, OversightEntry
from lantern.oversight.tests.conftest import NEXT, TODAY, record
from lantern.testing import error_links, links_to


def _date(prefix: str, day) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _post(**overrides) -> dict:
    data = {
        "direction": "Visit weekly; ask school for attendance.",
        "challenge": "Why has dad not been seen?",
        "rationale": "Attendance is falling.",
        **_date("next_oversight_date", NEXT),
    }
    data.update(overrides)
    return data


def _url(name, child, *args):
    return reverse(f"oversight:{name}", args=[child.pk, *args])


# --- Recording and signing ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "inspector", "qa"])
def test_workers_and_read_only_roles_cannot_open_the_form(client, world, role):
    client.force_login(world.users[role])
    assert client.get(_url("entry_new", world.children["own"])).status_code == 403
    assert client.post(_url("entry_new", world.children["own"]), _post()).status_code == 403
    assert not OversightEntry.objects.exists()


def test_manager_saves_a_draft_then_signs_it_and_it_is_locked(client, world):
    own = world.children["own"]
    client.force_login(world.users["tm_north"])
    form = client.get(_url("entry_new", own))
    assert form.status_code == 200 and "Record management oversight" in form.content.decode()
    data = _post(action_1_description="Ring school", action_1_owner=world.users["sw_north"].pk,
                 **_date("action_1_due", TODAY + timedelta(days=5)))  # fmt: skip
    response = client.post(_url("entry_new", own), data)
    entry = OversightEntry.objects.get()
    assert response.status_code == 302 and response.url == _url("entry", own, entry.pk)
    assert entry.signed_at is None and entry.actions.get().description == "Ring school"
    detail = client.get(response.url).content.decode()
    assert "Sign oversight" in detail and "Change the draft" in detail
    response = client.post(_url("entry_sign", own, entry.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.signed_by == world.users["tm_north"]
    detail = client.get(_url("entry", own, entry.pk)).content.decode()
    assert "Signed" in detail and "Change the draft" not in detail and "Sign oversight" not in detail
    assert _url("entry_edit", own, entry.pk) not in detail
    assert "Add addendum" in detail
    refused = client.get(_url("entry_edit", own, entry.pk))
    assert refused.status_code == 403 and "Add an addendum instead" in refused.content.decode()
    assert client.post(_url("entry_edit", own, entry.pk), _post(direction="changed")).status_code == 403
    entry.refresh_from_db()
    assert entry.direction.startswith("Visit weekly")


def test_form_errors_show_by_the_field_and_nothing_is_saved(client, world):
    own = world.children["own"]
    client.force_login(world.users["tm_north"])
    response = client.post(
        _url("entry_new", own), _post(direction="", action_2_description="Ring school", action_2_owner="")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert links_to(body, "direction") and links_to(body, "action_2_owner") and links_to(body, "action_2_due")
    assert "Enter the direction" in body and "Action 2: select who will do it" in body
    assert not OversightEntry.objects.exists()


def test_a_next_date_in_the_past_is_refused(client, world):
    client.force_login(world.users["tm_north"])
    response = client.post(
        _url("entry_new", world.children["own"]), _post(**_date("next_oversight_date", TODAY - timedelta(days=1)))
    )
    assert links_to(response.content.decode(), "next_oversight_date")
    assert not OversightEntry.objects.exists()


def test_signing_a_draft_without_a_rationale_shows_what_is_missing(client, world):
    own = world.children["own"]
    draft = record(world, sign=False, rationale="")
    client.force_login(world.users["tm_north"])
    detail = client.get(_url("entry", own, draft.pk)).content.decode()
    assert "Before you can sign" in detail and "Enter the rationale" in detail and "Sign oversight" not in detail
    response = client.post(_url("entry_sign", own, draft.pk))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and "Enter the rationale" in body
    error_links(body)
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_author_edits_a_draft(client, world):
    own = world.children["own"]
    draft = record(world, sign=False)
    client.force_login(world.users["tm_north"])
    page = client.get(_url("entry_edit", own, draft.pk)).content.decode()
    assert "Ask school for attendance figures" in page
    response = client.post(_url("entry_edit", own, draft.pk), _post(direction="Changed direction"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.direction == "Changed direction" and not draft.actions.exists()


@pytest.mark.parametrize("role", ["sw_north", "sm_cin", "leader", "inspector"])
def test_someone_elses_draft_is_not_found(client, world, role):
    draft = record(world, sign=False)
    client.force_login(world.users[role])
    for name in ("entry", "entry_edit", "entry_sign"):
        fetch = client.post if name == "entry_sign" else client.get
        response = fetch(_url(name, world.children["own"], draft.pk))
        assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_a_worker_is_refused_signing(client, world):
    draft = record(world, sign=False)
    client.force_login(world.users["sw_north"])
    assert client.post(_url("entry_sign", world.children["own"], draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_everyone_who_sees_the_child_reads_signed_oversight(client, world):
    entry = record(world)
    own = world.children["own"]
    for role in ("sw_north", "fsw_north", "inspector", "qa", "leader"):
        client.force_login(world.users[role])
        page = client.get(_url("entries", own)).content.decode()
        detail = client.get(_url("entry", own, entry.pk)).content.decode()
        assert "Visit weekly" in page and "Signed" in page and "Why has dad not been seen" in detail, role
        manager = role == "leader"
        assert ("Record oversight" in page) == manager and ("Add addendum" in detail) == manager, role


def test_list_shows_days_since_and_overdue(client, world):
    client.force_login(world.users["sw_north"])
    page = client.get(_url("entries", world.children["own"])).content.decode()
    assert "No signed oversight on record" in page and "Oversight overdue" in page
    record(world)
    page = client.get(_url("entries", world.children["own"])).content.decode()
    assert "Last signed today" in page and "Oversight overdue" not in page


def test_addendum_errors_and_success(client, world):
    entry = record(world)
    own = world.children["own"]
    client.force_login(world.users["tm_north"])
    response = client.post(_url("addendum_add", own, entry.pk), {"text": ""})
    assert response.status_code == 200 and links_to(response.content.decode(), "text")
    assert not OversightAddendum.objects.exists()
    response = client.post(_url("addendum_add", own, entry.pk), {"text": "Dad seen at home on 3 December."})
    assert response.status_code == 302
    assert "Dad seen at home on 3 December." in client.get(_url("entry", own, entry.pk)).content.decode()
    client.force_login(world.users["sw_north"])
    assert client.post(_url("addendum_add", own, entry.pk), {"text": "x"}).status_code == 403


def test_action_owner_records_it_done_and_others_cannot(client, world):
    entry = record(world)
    action = entry.actions.get()
    own = world.children["own"]
    url = _url("action_complete", own, entry.pk, action.pk)
    client.force_login(world.users["sw_north_2"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["sw_north"])
    assert "Record as done" in client.get(_url("entry", own, entry.pk)).content.decode()
    response = client.post(url, {"note": "Sent"})
    assert links_to(response.content.decode(), "completed_on")
    response = client.post(url, {**_date("completed_on", TODAY), "note": "Figures received"})
    assert response.status_code == 302
    assert "Figures received" in client.get(_url("entry", own, entry.pk)).content.decode()


# --- Check-ins -----------------------------------------------------------------------------------


def test_supervising_social_worker_records_a_check_in(client, world, fsw_case):
    client.force_login(world.users["sw_north"])
    page = client.get(_url("check_ins", fsw_case)).content.decode()
    assert "Record a check-in" in page and "Check-in overdue" in page
    response = client.post(_url("check_in_new", fsw_case), {**_date("held_on", TODAY), "summary": ""})
    assert links_to(response.content.decode(), "summary") and not CheckIn.objects.exists()
    response = client.post(
        _url("check_in_new", fsw_case), {**_date("held_on", TODAY), "summary": "Routines settling; mum engaging."}
    )
    assert response.status_code == 302
    page = client.get(_url("check_ins", fsw_case)).content.decode()
    assert "Routines settling" in page and "Check-in overdue" not in page


@pytest.mark.parametrize("role", ["fsw_north", "sw_north_2", "tm_north", "inspector"])
def test_only_the_supervising_social_worker_opens_the_check_in_form(client, world, fsw_case, role):
    client.force_login(world.users[role])
    assert client.get(_url("check_in_new", fsw_case)).status_code == 403
    page = client.get(_url("check_ins", fsw_case))
    assert page.status_code == 200 and "Record a check-in" not in page.content.decode()


def test_manager_names_a_supervisor_and_my_work_asks_for_one_until_then(client, world):
    child = f.make_child(first_name="Una", last_name="Supervised")
    f.allocate(child, team=world.north, worker=world.users["fsw_north"])
    f.open_cin_episode(child)
    items = work_items(world.users["tm_north"], team=True)
    item = next(i for i in items if i.kind == "check_in" and i.child_id == child.pk)
    assert "Name a supervising social worker" in item.what and item.url == _url("supervisor", child)
    client.force_login(world.users["sw_north"])
    assert client.get(_url("supervisor", child)).status_code == 403
    client.force_login(world.users["tm_north"])
    record_page = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "No supervising social worker" in record_page and "Name the supervising social worker" in record_page
    response = client.post(_url("supervisor", child), {"worker": "", "reason": "new_case"})
    assert links_to(response.content.decode(), "worker")
    response = client.post(_url("supervisor", child), {"worker": world.users["sw_north"].pk, "reason": "new_case"})
    assert response.status_code == 302
    assert services.supervising_social_worker(child) == world.users["sw_north"]
    assert any(i.kind == "check_in" and i.child_id == child.pk for i in work_items(world.users["sw_north"]))


# --- The team's list -------------------------------------------------------------------------------


def test_team_list_for_managers_only(client, world):
    url = reverse("oversight:team", args=[world.north.pk])
    for role, status in (("tm_north", 200), ("sm_cin", 200), ("leader", 200), ("inspector", 200),
                         ("sw_north", 403), ("fsw_north", 403)):  # fmt: skip
        client.force_login(world.users[role])
        assert client.get(url).status_code == status, role
    tm_south = f.make_worker("tm.south", role="team_manager", team=world.south)
    client.force_login(tm_south)
    assert client.get(url).status_code == 403


def test_team_list_shows_days_since_and_overdue_and_paginates(client, world, django_assert_max_num_queries):
    record(world, child="team")
    client.force_login(world.users["tm_north"])
    url = reverse("oversight:team", args=[world.north.pk])
    body = client.get(url).content.decode()
    assert "Olivia Owens" in body and "Tariq Teamson" in body and "Sophie Southall" not in body
    assert "2 overdue" in body and body.index("Olivia Owens") < body.index("Tariq Teamson")
    for _ in range(30):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["sw_north"])
        f.open_cin_episode(child)
    with django_assert_max_num_queries(8):
        body = client.get(url + "?sort=name&page=2").content.decode()
    assert "Next" not in body or "Previous" in body
    assert "sort=name&amp;page=1" in body


def test_team_page_links_to_the_oversight_list(client, world):
    client.force_login(world.users["tm_north"])
    body = client.get(reverse("workforce:team", args=[world.north.pk])).content.decode()
    assert reverse("oversight:team", args=[world.north.pk]) in body


# --- The child record and My work ----------------------------------------------------------------


def test_child_record_shows_oversight_panels(client, world):
    own = world.children["own"]
    client.force_login(world.users["tm_north"])
    body = client.get(reverse("casework:child", args=[own.pk])).content.decode()
    assert "Management oversight" in body and "Oversight overdue" in body and "Record oversight" in body
    record(world)
    body = client.get(reverse("casework:child", args=[own.pk])).content.decode()
    assert "Last signed" in body and "today (" in body and "Oversight overdue" not in body
    assert "Latest management oversight" in body and "Attendance is falling" in body
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:child", args=[own.pk])).content.decode()
    assert "Record oversight" not in body and "Attendance is falling" in body


def test_child_record_shows_the_check_in_for_an_fsw_case(client, world, fsw_case):
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:child", args=[fsw_case.pk])).content.decode()
    assert "Last check-in by supervising social worker" in body and "Check-in overdue" in body
    assert _url("check_in_new", fsw_case) in body


def test_child_record_query_count_does_not_grow_with_oversight(client, world):
    own = world.children["own"]
    client.force_login(world.users["tm_north"])
    url = reverse("casework:child", args=[own.pk])
    record(world)
    client.get(url)  # settings and sessions cached
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(6):
        services.oversight_addendum_add(entry=record(world), text="More", by=world.users["tm_north"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_my_work_oversight_for_managers_check_ins_for_supervisors_actions_for_owners(world, fsw_case):
    items = work_items(world.users["tm_north"], team=True)
    oversight = {i.child_id for i in items if i.kind == "oversight"}
    assert world.children["own"].pk in oversight and fsw_case.pk in oversight
    assert any(i.kind == "check_in" and i.child_id == fsw_case.pk for i in items)  # the team's overdue check-in
    sw_items = work_items(world.users["sw_north"])
    assert not any(i.kind == "oversight" for i in sw_items)
    check_in = next(i for i in sw_items if i.kind == "check_in")
    assert check_in.child_id == fsw_case.pk and check_in.url == _url("check_in_new", fsw_case)
    record(world)
    sw_items = work_items(world.users["sw_north"])
    action = next(i for i in sw_items if i.kind == "oversight_action")
    assert "Ask school for attendance figures" in action.what and action.due == TODAY + timedelta(days=7)
    assert not any(i.kind == "oversight_action" for i in work_items(world.users["sw_north_2"]))
    items = work_items(world.users["tm_north"], team=True)
    assert world.children["own"].pk not in {i.child_id for i in items if i.kind == "oversight"}


def test_my_work_query_count_is_fixed(world, fsw_case, django_assert_max_num_queries):
    record(world)
    work_items(world.users["tm_north"], team=True)  # settings cached
    with CaptureQueriesContext(connection) as few:
        work_items(world.users["tm_north"], team=True)
    for _ in range(10):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["fsw_north"])
        f.allocate(child, team=world.north, worker=world.users["sw_north"], role="supervising_sw")
        f.open_cin_episode(child)
        record(world, child=child)
    with CaptureQueriesContext(connection) as many:
        work_items(world.users["tm_north"], team=True)
    assert len(many) == len(few)


def test_my_work_page_renders_oversight_items(client, world):
    client.force_login(world.users["tm_north"])
    body = client.get(reverse("casework:my_work")).content.decode()
    assert "Management oversight due" in body and _url("entry_new", world.children["own"]) in body
