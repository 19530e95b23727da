"""Sign-in, throttling, sessions, CSRF, headers and the production deployment check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from lantern import factories as f

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_passwords_are_hashed_with_argon2(db):
    worker = f.make_worker("hashme", password="correct-horse-battery")
    assert worker.password.startswith("argon2$")
    assert worker.check_password("correct-horse-battery")


def test_sign_in_lands_on_caseload(client, world):
    # Password, then the second factor (lantern/identity/tests cover each step and throttling).
    from lantern.identity.tests.helpers import enrol

    enrol(client, "sw.north")
    assert client.get(reverse("home")).url == reverse("casework:caseload")
    assert "My caseload" in client.get(reverse("casework:caseload")).content.decode()


def test_wrong_password_shows_error_summary(client, world):
    response = client.post(reverse("login"), {"username": "sw.north", "password": "nope"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter a correct username and password" in body


def test_every_page_needs_sign_in(client, world):
    for url in (reverse("casework:caseload"), reverse("casework:search"), reverse("workforce:teams"), "/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_csrf_is_enforced_on_posts(world):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "sw.north", "password": f.PASSWORD})
    assert response.status_code == 403


def test_sessions_expire_after_inactivity_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 <= 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # idle time, not time since sign-in
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_security_headers_and_content_security_policy(client, world):
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("casework:child", args=[world.children["own"].pk]))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_logout_needs_post_and_ends_the_session(client, world):
    client.force_login(world.users["sw_north"])
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("casework:caseload")).status_code == 302


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    env.update(
        LANTERN_ENV="production",
        SECRET_KEY="p" * 20 + "roduction-test-key-that-is-long-enough-0123456789",
        ALLOWED_HOSTS="lantern.example.gov.uk",
        DATABASE_URL="postgres://lantern@127.0.0.1:5432/lantern",  # required in production; not connected to
        DJANGO_SETTINGS_MODULE="lantern.settings",
    )
    env.update(extra)
    return env


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(SECRET_KEY=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
