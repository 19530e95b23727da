"""The security pages: who may see them (403 for every other role), unlocking, resetting a
second factor, ending someone's sessions; every change logged and unchangeable."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern import factories as f
from lantern.identity.models import SecurityEvent, SecurityEventKind
from lantern.identity.tests.helpers import enrol, password_step

ALL_ROLES = ["sw_north", "fsw_north", "tm_north", "sm_cin", "qa", "leader", "inspector"]
LOG_READERS = {"qa", "leader"}


@pytest.fixture
def admin(world):
    return f.make_worker("council.admin", role="council_admin", first_name="Ada", last_name="Admin")


def as_user(worker) -> Client:
    client = Client()
    client.force_login(worker)
    return client


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_log_pages_are_for_administrators_leaders_and_auditors_only(world, admin, role):
    client = as_user(world.users[role])
    for name in ("identity:sign_in_log", "identity:changes"):
        expected = 200 if role in LOG_READERS else 403
        assert client.get(reverse(name)).status_code == expected, (role, name)
    assert as_user(admin).get(reverse("identity:sign_in_log")).status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_administration_pages_and_actions_refuse_every_other_role(world, admin, role):
    client = as_user(world.users[role])
    target = world.users["sw_south"]
    assert client.get(reverse("identity:staff_list")).status_code == 403
    assert client.get(reverse("identity:staff_security", args=[target.pk])).status_code == 403
    response = client.post(reverse("identity:staff_security", args=[target.pk]), {"action": "reset_mfa", "reason": "x"})
    assert response.status_code == 403
    assert client.post(reverse("identity:unlock"), {"username": "sw.south", "reason": "x"}).status_code == 403
    assert not SecurityEvent.objects.exists()


def test_superusers_may_administer(world):
    boss = f.make_worker("root", role="senior_leader", is_superuser=True)
    assert as_user(boss).get(reverse("identity:staff_list")).status_code == 200


def test_an_administrator_unlocks_a_person(world, admin, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        password_step(Client(), "sw.north", "wrong")
    assert password_step(Client(), "sw.north").status_code == 429
    client = as_user(admin)
    page = client.get(reverse("identity:sign_in_log")).content.decode()
    assert "Locked now" in page and "sw.north" in page and "Failed: account now locked" in page
    refused = client.post(reverse("identity:unlock"), {"username": "sw.north", "reason": ""}, follow=True)
    assert "Enter the reason" in refused.content.decode()
    assert password_step(Client(), "sw.north").status_code == 429
    client.post(reverse("identity:unlock"), {"username": "sw.north", "reason": "Called the service desk"})
    assert password_step(Client(), "sw.north").status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert (event.actor, event.worker, event.reason) == (admin, world.users["sw_north"], "Called the service desk")


def test_leaders_read_the_log_but_cannot_unlock(world, settings):
    settings.AXES_FAILURE_LIMIT = 1
    password_step(Client(), "sw.north", "wrong")
    leader = as_user(world.users["leader"])
    page = leader.get(reverse("identity:sign_in_log")).content.decode()
    assert "sw.north" in page and "Unlock" not in page
    assert leader.post(reverse("identity:unlock"), {"username": "sw.north", "reason": "x"}).status_code == 403


def test_the_log_filters_by_username_and_outcome_and_pages(world, admin):
    for i in range(30):
        password_step(Client(), f"nobody{i}", "wrong")
    client = as_user(admin)
    page = client.get(reverse("identity:sign_in_log"), {"username": "nobody7"}).content.decode()
    assert "nobody7" in page and "nobody8" not in page
    # 30 failures and the administrator's own sign-in, newest first, 25 to a page.
    assert "Showing 1 to 25 of 31" in client.get(reverse("identity:sign_in_log")).content.decode()
    only_successes = client.get(reverse("identity:sign_in_log"), {"outcome": "success"}).content.decode()
    assert "nobody" not in only_successes
    for bad in ({"page": "9223372036854775807"}, {"username": "\x00"}, {"outcome": "zzz"}):
        assert client.get(reverse("identity:sign_in_log"), bad).status_code == 200


def test_an_administrator_resets_a_second_factor(world, admin):
    enrol(Client(), "sw.north")
    worker = world.users["sw_north"]
    client = as_user(admin)
    page = client.get(reverse("identity:staff_security", args=[worker.pk])).content.decode()
    assert "Set up" in page and "Recovery codes left" in page
    refused = client.post(reverse("identity:staff_security", args=[worker.pk]), {"action": "reset_mfa", "reason": ""})
    assert "Enter the reason" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=worker).exists()
    client.post(reverse("identity:staff_security", args=[worker.pk]), {"action": "reset_mfa", "reason": "New phone"})
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert not StaticDevice.objects.filter(user=worker).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.MFA_RESET)
    assert (event.actor, event.worker, event.reason) == (admin, worker, "New phone")
    # Their next password sign-in sets up a new app.
    assert password_step(Client(), "sw.north").url == reverse("identity:enrol")
    # Readers see the change with who and why.
    changes = as_user(world.users["leader"]).get(reverse("identity:changes")).content.decode()
    assert "Second factor reset" in changes and "Ada Admin" in changes and "New phone" in changes


def test_an_administrator_ends_all_of_a_persons_sessions(world, admin):
    victim = as_user(world.users["sw_north"])
    client = as_user(admin)
    client.post(
        reverse("identity:staff_security", args=[world.users["sw_north"].pk]),
        {"action": "end_sessions", "reason": "Laptop stolen"},
    )
    assert victim.get(reverse("casework:caseload")).status_code == 302
    assert SecurityEvent.objects.get(kind=SecurityEventKind.SESSIONS_ENDED).reason == "Laptop stolen"


def test_staff_list_searches_and_refuses_nonsense_quietly(world, admin):
    client = as_user(admin)
    page = client.get(reverse("identity:staff_list"), {"q": "north"}).content.decode()
    assert "sw.north" in page and "sw.south" not in page
    assert client.get(reverse("identity:staff_list"), {"q": "\x00" * 3, "page": "x"}).status_code == 200
    assert client.get(reverse("identity:staff_security", args=[999999])).status_code == 404
    response = client.post(reverse("identity:staff_security", args=[world.users["sw_north"].pk]), {"action": "drop"})
    assert response.status_code == 403


def test_the_security_log_cannot_be_changed_or_deleted(world, admin):
    event = SecurityEvent.objects.create(kind=SecurityEventKind.UNLOCKED, actor=admin, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(reason="edited")
    with pytest.raises(IntegrityError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_signed_in_has_their_own_security_and_sessions_pages(world, role):
    client = as_user(world.users[role])
    assert client.get(reverse("identity:security")).status_code == 200
    assert client.get(reverse("identity:sessions")).status_code == 200


def test_the_navigation_offers_the_log_to_those_who_may_read_it(world, admin):
    assert "Sign-in log" in as_user(admin).get(reverse("identity:security")).content.decode()
    assert "Sign-in log" in as_user(world.users["leader"]).get(reverse("identity:security")).content.decode()
    assert "Sign-in log" not in as_user(world.users["sw_north"]).get(reverse("identity:security")).content.decode()
