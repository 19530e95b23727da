"""Council administrators: they see no child; they create, move, deactivate and reactivate
staff with dates and reasons; every other role is refused every administration page."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.access.selectors import for_visible_children, visible_children
from lantern.administration.models import AdminEvent, AdminEventKind, StaffAssignment
from lantern.identity.models import UserSession
from lantern.workforce.models import Allocation, Role, Worker

OTHER_ROLES = ["sw_north", "fsw_north", "tm_north", "sm_cin", "qa", "leader", "inspector"]
LOG_READERS = {"qa", "leader"}


@pytest.fixture
def admin(world):
    return f.make_worker("council.admin", role=Role.COUNCIL_ADMIN, first_name="Ada", last_name="Admin")


def as_user(worker) -> Client:
    client = Client()
    client.force_login(worker)
    return client


def _date(prefix: str, day) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_an_administrator_sees_no_child_even_with_a_team_or_an_access_list(world, admin):
    from lantern.access.models import AccessListEntry

    admin.team = world.north  # even if someone gave them a team
    admin.save()
    AccessListEntry.objects.create(child=world.children["restricted"], worker=admin, reason="Mistake")
    assert not visible_children(admin).exists()
    assert not for_visible_children(Allocation.objects.all(), admin).exists()
    client = as_user(admin)
    for child in world.children.values():
        assert client.get(reverse("casework:child", args=[child.pk])).status_code in (403, 404)
    assert client.get(reverse("casework:child", args=[world.children["own"].pk])).status_code == 403
    home = client.get(reverse("home"))
    assert home.url == reverse("administration:index")
    page = client.get(reverse("administration:index")).content.decode()
    assert "Find a child" not in page and "Administration" in page


ADMIN_PAGES = [
    ("administration:index", []),
    ("administration:staff", []),
    ("administration:staff_create", []),
    ("administration:staff_detail", ["worker"]),
    ("administration:staff_change", ["worker"]),
    ("administration:staff_deactivate", ["worker"]),
    ("administration:staff_reactivate", ["worker"]),
    ("administration:teams", []),
    ("administration:team_create", []),
    ("administration:team", ["team"]),
    ("administration:service_create", []),
    ("administration:settings", []),
    ("administration:setting", ["setting"]),
]


def _args(world, needs):
    values = {"worker": world.users["sw_south"].pk, "team": world.north.pk, "setting": "cin_visit_weeks"}
    return [values[n] for n in needs]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_administration_page_refuses_every_other_role(world, admin, role):
    client = as_user(world.users[role])
    for name, needs in ADMIN_PAGES:
        url = reverse(name, args=_args(world, needs))
        assert client.get(url).status_code == 403, (role, name)
        assert client.post(url, {"reason": "x", "name": "Hack", "value": "1"}).status_code == 403, (role, name)
    expected = 200 if role in LOG_READERS else 403
    assert client.get(reverse("administration:log")).status_code == expected
    assert not AdminEvent.objects.exists()
    assert Worker.objects.get(pk=world.users["sw_south"].pk).is_active


def test_every_administration_page_opens_for_an_administrator(world, admin):
    client = as_user(admin)
    for name, needs in ADMIN_PAGES:
        assert client.get(reverse(name, args=_args(world, needs))).status_code == 200, name
    assert client.get(reverse("administration:log")).status_code == 200


def test_creating_a_member_of_staff(world, admin):
    client = as_user(admin)
    today = timezone.localdate()
    refused = client.post(reverse("administration:staff_create"), {"username": "sw.north", "role": "social_worker"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "There is a problem" in page
    assert "Enter their first name" in page and "Enter start date" in page
    refused = client.post(
        reverse("administration:staff_create"),
        {
            "first_name": "Nia",
            "last_name": "New",
            "username": "sw.north",
            "role": "social_worker",
            **_date("start_date", today),
        },
    )
    page = refused.content.decode()
    assert "That username is taken" in page and "Select the team they work in" in page
    assert not Worker.objects.filter(first_name="Nia").exists()
    response = client.post(
        reverse("administration:staff_create"),
        {
            "first_name": "Nia",
            "last_name": "New",
            "username": "nia.new",
            "role": "social_worker",
            "team": world.north.pk,
            **_date("start_date", today),
        },
    )
    worker = Worker.objects.get(username="nia.new")
    assert response.status_code == 302 and response.url == reverse("administration:staff_detail", args=[worker.pk])
    assert (worker.role, worker.team, worker.service, worker.is_active) == (
        "social_worker",
        world.north,
        world.north.service,
        True,
    )
    assert not worker.has_usable_password()
    assignment = StaffAssignment.objects.get(worker=worker)
    assert (assignment.start_date, assignment.recorded_by, assignment.end_date) == (today, admin, None)
    event = AdminEvent.objects.get(kind=AdminEventKind.STAFF_CREATED)
    assert event.actor == admin and event.worker == worker and "North locality" in event.summary
    listed = client.get(reverse("administration:staff")).content.decode()
    assert "Nia New" in listed and "Never" in listed


def test_moving_someone_keeps_both_in_the_history(world, admin):
    worker = world.users["sw_north"]
    client = as_user(admin)
    today = timezone.localdate()
    url = reverse("administration:staff_change", args=[worker.pk])
    future = client.post(
        url,
        {
            "role": "social_worker",
            "team": world.south.pk,
            "reason": "Move",
            **_date("effective_date", today + timedelta(days=3)),
        },
    )
    assert "today or in the past" in future.content.decode()
    no_reason = client.post(url, {"role": "social_worker", "team": world.south.pk, **_date("effective_date", today)})
    assert "Enter why their role or team is changing" in no_reason.content.decode()
    assert Worker.objects.get(pk=worker.pk).team == world.north and not AdminEvent.objects.exists()
    response = client.post(
        url,
        {
            "role": "social_worker",
            "team": world.south.pk,
            "reason": "Locality restructure",
            **_date("effective_date", today),
        },
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.team == world.south
    old, new = StaffAssignment.objects.filter(worker=worker).order_by("start_date", "pk")
    assert (old.team, old.end_date, new.team, new.start_date, new.end_date) == (
        world.north,
        today,
        world.south,
        today,
        None,
    )
    assert new.reason == "Locality restructure" and new.recorded_by == admin
    event = AdminEvent.objects.get(kind=AdminEventKind.STAFF_CHANGED)
    assert "North locality" in event.summary and "South locality" in event.summary and event.effective_date == today
    # Their old team's child stays allocated to them until the manager reallocates: listed for the manager.
    tm = as_user(world.users["tm_north"])
    team_page = tm.get(reverse("workforce:team", args=[world.north.pk])).content.decode()
    assert "Children to reallocate from" in team_page
    listing = tm.get(reverse("administration:to_reallocate", args=[worker.pk])).content.decode()
    assert "Olivia" in listing and reverse("caseloads:allocate", args=[world.children["own"].pk]) in listing
    assert (
        as_user(world.users["tm_north"])
        .get(reverse("administration:to_reallocate", args=[world.users["sw_south"].pk]))
        .status_code
        == 403
    )
    assert (
        as_user(world.users["sw_north_2"]).get(reverse("administration:to_reallocate", args=[worker.pk])).status_code
        == 403
    )
    assert as_user(admin).get(reverse("administration:to_reallocate", args=[worker.pk])).status_code == 403


def test_a_leaver_is_deactivated_their_sessions_end_and_they_come_back(world, admin):
    worker = world.users["sw_north"]
    theirs = Client()
    theirs.force_login(worker)
    assert theirs.get(reverse("casework:caseload")).status_code == 200
    client = as_user(admin)
    today = timezone.localdate()
    url = reverse("administration:staff_deactivate", args=[worker.pk])
    assert "1 child still allocated" in client.get(url).content.decode()
    refused = client.post(url, _date("leaving_date", today))
    assert "Enter why they are leaving" in refused.content.decode()
    client.post(url, {"reason": "Left the council", **_date("leaving_date", today)})
    worker.refresh_from_db()
    assert not worker.is_active
    assert Worker.objects.filter(pk=worker.pk).exists()  # never deleted
    response = theirs.get(reverse("casework:caseload"))
    assert response.status_code == 302 and reverse("login") in response.url
    assert not UserSession.objects.filter(worker=worker, ended_at__isnull=True).exists()
    assert StaffAssignment.objects.get(worker=worker).end_date == today
    assert "1 child still allocated" in AdminEvent.objects.get(kind=AdminEventKind.STAFF_DEACTIVATED).summary
    listing = as_user(world.users["tm_north"]).get(reverse("administration:to_reallocate", args=[worker.pk]))
    assert "Olivia" in listing.content.decode()
    # Reactivation
    url = reverse("administration:staff_reactivate", args=[worker.pk])
    client.post(url, {"reason": "Came back", **_date("start_date", today)})
    worker.refresh_from_db()
    assert worker.is_active
    assert StaffAssignment.objects.filter(worker=worker, end_date__isnull=True).get().reason == "Came back"
    assert AdminEvent.objects.filter(kind=AdminEventKind.STAFF_REACTIVATED, actor=admin).exists()


def test_an_administrator_cannot_deactivate_or_demote_themselves(world, admin):
    client = as_user(admin)
    today = timezone.localdate()
    client.post(
        reverse("administration:staff_deactivate", args=[admin.pk]), {"reason": "x", **_date("leaving_date", today)}
    )
    client.post(
        reverse("administration:staff_change", args=[admin.pk]),
        {"role": "senior_leader", "reason": "x", **_date("effective_date", today)},
    )
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.COUNCIL_ADMIN


def test_one_open_assignment_per_person_is_kept_by_the_database(world, admin):
    worker = world.users["sw_north"]
    today = timezone.localdate()
    StaffAssignment.objects.create(worker=worker, role=worker.role, team=worker.team, start_date=today, reason="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffAssignment.objects.create(worker=worker, role=worker.role, team=worker.team, start_date=today, reason="b")


def test_the_administration_log_cannot_be_changed(world, admin):
    event = AdminEvent.objects.create(kind=AdminEventKind.TEAM_CREATED, actor=admin, summary="x", reason="y")
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - the database refuses (trigger)
        AdminEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        AdminEvent.objects.filter(pk=event.pk).delete()
    assert AdminEvent.objects.get(pk=event.pk).reason == "y"
