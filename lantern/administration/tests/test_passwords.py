"""Set-password links (shown on screen, single use, short-lived, not for leavers), changing
your own password, and manage.py create_first_admin."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.administration.models import AdminEvent, AdminEventKind
from lantern.identity.models import PasswordLink, SecurityEvent, SecurityEventKind
from lantern.identity.tests.helpers import password_step
from lantern.workforce.models import Role, Worker

NEW_PASSWORD = "a-long-new-passphrase-42"


@pytest.fixture
def admin(world):
    return f.make_worker("council.admin", role=Role.COUNCIL_ADMIN, first_name="Ada", last_name="Admin")


def as_user(worker) -> Client:
    client = Client()
    client.force_login(worker)
    return client


def _issue(client, worker) -> str:
    response = client.post(reverse("administration:password_link", args=[worker.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    return re.search(r'<code id="password-link"[^>]*>([^<]+)</code>', response.content.decode()).group(1)


def _set(url: str, password: str = NEW_PASSWORD, again: str | None = None):
    client = Client()
    first = client.get(url)
    assert first.status_code == 302 and first.url == reverse("identity:set_password")  # token leaves the address
    page = client.get(first.url)
    response = client.post(first.url, {"new_password1": password, "new_password2": again or password})
    return page, response


def test_a_new_person_sets_their_password_from_a_one_time_link(world, admin):
    worker = f.make_worker("nia.new", team=world.north)
    worker.set_unusable_password()
    worker.save()
    url = _issue(as_user(admin), worker)
    assert url.startswith("http://testserver/accounts/set-password/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert not PasswordLink.objects.filter(token_hash=token).exists()  # only a hash is kept
    page, weak = _set(url, "short")
    assert "nia.new" in page.content.decode()
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    _page, done = _set(url)
    assert done.status_code == 302 and done.url == reverse("login")
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)
    # Single use
    again = Client()
    again.get(url)
    assert again.get(reverse("identity:set_password")).status_code == 410
    assert password_step(Client(), "nia.new", NEW_PASSWORD).url == reverse("identity:enrol")  # then a second factor
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.PASSWORD_LINK_ISSUED, actor=admin, worker=worker
    ).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_SET, worker=worker).exists()
    assert AdminEvent.objects.filter(kind=AdminEventKind.PASSWORD_LINK, actor=admin, worker=worker).exists()


def test_links_expire_are_replaced_and_die_with_deactivation(world, admin):
    worker = world.users["sw_south"]
    client = as_user(admin)
    first = _issue(client, worker)
    second = _issue(client, worker)
    assert _set(first)[0].status_code == 410  # replaced by the newer link
    PasswordLink.objects.filter(used_at__isnull=True, cancelled_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _set(second)[0].status_code == 410
    third = _issue(client, worker)
    client.post(
        reverse("administration:staff_deactivate", args=[worker.pk]),
        {
            "reason": "Left",
            "leaving_date_day": timezone.localdate().day,
            "leaving_date_month": timezone.localdate().month,
            "leaving_date_year": timezone.localdate().year,
        },
    )
    assert _set(third)[0].status_code == 410
    worker.refresh_from_db()
    assert not worker.check_password(NEW_PASSWORD)
    refused = client.post(reverse("administration:password_link", args=[worker.pk]), follow=True)
    assert "is deactivated" in refused.content.decode()


def test_a_link_unlocks_a_locked_out_person(world, admin, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        password_step(Client(), "sw.north", "wrong")
    assert password_step(Client(), "sw.north").status_code == 429
    _set(_issue(as_user(admin), world.users["sw_north"]))
    assert password_step(Client(), "sw.north", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["sw_north", "tm_north", "sm_cin", "qa", "leader", "inspector"])
def test_only_administrators_issue_links(world, role):
    response = as_user(world.users[role]).post(
        reverse("administration:password_link", args=[world.users["sw_south"].pk])
    )
    assert response.status_code == 403 and not PasswordLink.objects.exists()


def test_links_are_refused_when_password_sign_in_is_off(world, admin, settings):
    settings.LANTERN_PASSWORD_SIGN_IN = False
    response = as_user(admin).post(
        reverse("administration:password_link", args=[world.users["sw_south"].pk]), follow=True
    )
    assert "Password sign-in is switched off" in response.content.decode() and not PasswordLink.objects.exists()


def test_changing_your_own_password(world):
    worker = world.users["sw_north"]
    client = as_user(worker)
    other = as_user(worker)
    url = reverse("identity:password_change")
    wrong = client.post(url, {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 200 and "There is a problem" in wrong.content.decode()
    done = client.post(url, {"old_password": f.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)
    assert client.get(reverse("identity:security")).status_code == 200  # this session stays
    assert other.get(reverse("identity:security")).status_code == 302  # the other one ends
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED, worker=worker).exists()


def test_create_first_admin_prints_a_link_and_only_once(db):
    out = StringIO()
    call_command(
        "create_first_admin", "--username", "j.smith", "--first-name", "Jo", "--last-name", "Smith",
        "--base-url", "https://lantern.example.gov.uk/", stdout=out,
    )  # fmt: skip
    admin = Worker.objects.get(username="j.smith")
    assert admin.role == Role.COUNCIL_ADMIN and not admin.has_usable_password()
    url = re.search(r"https://lantern\.example\.gov\.uk(/accounts/set-password/\S+)", out.getvalue()).group(1)
    _set(url)
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    assert AdminEvent.objects.filter(kind=AdminEventKind.FIRST_ADMIN, worker=admin).exists()
    with pytest.raises(CommandError, match="already has an administrator"):
        call_command("create_first_admin", "--username", "x", "--first-name", "X", "--last-name", "Y")


def test_create_first_admin_can_ask_for_the_password(db, monkeypatch):
    answers = iter(["short", "short", NEW_PASSWORD, NEW_PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    err = StringIO()
    call_command(
        "create_first_admin", "--username", "j.smith", "--first-name", "Jo", "--last-name", "Smith", "--set-password",
        stdout=StringIO(), stderr=err,
    )  # fmt: skip
    assert "too short" in err.getvalue()
    assert Worker.objects.get(username="j.smith").check_password(NEW_PASSWORD)
    assert not PasswordLink.objects.exists()
