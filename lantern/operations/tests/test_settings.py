"""Settings fail closed (issue 12): an unknown or missing LANTERN_ENV refuses to start; DEBUG and
the development key only when development is asked for explicitly; production needs its settings.

Seen before: with LANTERN_ENV unset or mistyped, Lantern ran with DEBUG on and the repository's
development key. Each case imports the settings in a fresh process with its own environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "LANTERN_ENV": "production",
    "SECRET_KEY": "s" * 30 + "-a-production-key-long-enough-for-the-check",
    "ALLOWED_HOSTS": "lantern.example.gov.uk",
    "DATABASE_URL": "postgres://lantern@127.0.0.1:5432/lantern",
}
OURS = ("LANTERN_ENV", "DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "TRUSTED_PROXY", "SENTRY_DSN",
        "DJANGO_ALLOW_ASYNC_UNSAFE")  # fmt: skip
PROBE = (
    "import json, lantern.settings as s; print(json.dumps({'debug': s.DEBUG, 'key': s.SECRET_KEY, "
    "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), 'health': s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
    "'hosts': s.ALLOWED_HOSTS, 'log': s.LOG_FORMAT, 'requests': s.LOG_REQUESTS}))"
)


def _settings(**env):
    base = {k: v for k, v in os.environ.items() if k not in OURS}
    base.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("value", [None, "", "prod", "Production", "developement", "staging", "test"])
def test_an_unset_or_unknown_environment_refuses_to_start(value):
    result = _settings(LANTERN_ENV=value)
    assert result.returncode != 0
    assert "LANTERN_ENV" in result.stderr and "production" in result.stderr
    assert result.stdout == ""  # nothing ran: no DEBUG, no development key


def test_manage_py_refuses_too_with_the_reason():
    env = {k: v for k, v in os.environ.items() if k != "LANTERN_ENV"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode != 0 and "LANTERN_ENV is not set" in result.stderr


def test_development_only_when_asked_for():
    result = _settings(LANTERN_ENV="development")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["debug"] is True and data["key"].startswith("development-only-key")
    assert data["log"] == "text" and data["requests"] is False


def test_production_has_no_debug_and_its_own_key():
    result = _settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["debug"] is False and data["key"] == PRODUCTION["SECRET_KEY"]
    assert data["health"] is True  # connections are checked before reuse (a database restart drops them)
    assert data["log"] == "json" and data["requests"] is True
    assert data["proxy"] is None  # X-Forwarded-Proto is not trusted unless configured


def test_the_proxy_header_is_trusted_only_when_configured():
    data = json.loads(_settings(**PRODUCTION, TRUSTED_PROXY="1").stdout)
    assert data["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    "missing, named",
    [("SECRET_KEY", "SECRET_KEY"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS"), ("DATABASE_URL", "DATABASE_URL")],
)
def test_production_names_each_missing_setting(missing, named):
    result = _settings(**{**PRODUCTION, missing: None})
    assert result.returncode != 0 and named in result.stderr


def test_an_error_tracker_without_its_package_is_only_a_warning():
    """SENTRY_DSN is optional and sentry-sdk is not a requirement: without it Lantern still starts."""
    result = _settings(**PRODUCTION, SENTRY_DSN="https://key@sentry.example.invalid/1")
    try:
        import sentry_sdk  # noqa: F401
    except ImportError:
        assert result.returncode == 0, result.stderr
        assert "sentry-sdk is not installed" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
