"""`make serve` end to end on PostgreSQL: the settings checked and printed, migrations, static
files, then gunicorn and the background worker together; /healthz turns 200 once the worker has
reported in; requests keep working after the database drops every connection (seen before: with
connections dropped, the next requests failed); a SIGTERM stops both processes cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from lantern.operations.models import WorkerHeartbeat

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI's PostgreSQL pass)")
ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # our own server on 127.0.0.1
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _wait(condition, what: str, seconds: float = 240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def test_make_serve_runs_production_and_recovers_dropped_connections(transactional_db, tmp_path):
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
        **{
            k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_OWNER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        },
        "LANTERN_ENV": "production",
        "SECRET_KEY": "z" * 30 + "-a-production-key-long-enough-for-the-check",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "DATABASE_OWNER_URL": url,
        "TRUSTED_PROXY": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "LANTERN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "LANTERN_PYTHON": sys.executable,
        "LANTERN_GUNICORN": str(Path(sys.executable).parent / "gunicorn"),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen([str(ROOT / "scripts" / "serve")], cwd=ROOT, env=env, stdout=out,
                                 stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        _wait(lambda: _get(f"{base}/healthz")[0] == 200 or serve.poll() is not None, "/healthz to be healthy")
        assert serve.poll() is None, log.read_text()
        status, body = _get(f"{base}/healthz")
        health = json.loads(body)
        assert health["checks"]["worker"]["workers"] == 1 and health["checks"]["migrations"]["pending"] == 0

        status, page = _get(f"{base}/accounts/login/")
        assert status == 200 and "Sign in" in page
        css = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert _get(base + css)[0] == 200  # static files, collected and served by whitenoise

        # The database drops every connection (as in a restart): the next requests still work.
        with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                             password=s["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:  # fmt: skip
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                (s["NAME"], connection.connection.info.backend_pid),
            ).fetchall()
        assert killed  # the web process's and the worker's kept connections
        assert _get(f"{base}/healthz")[0] == 200
        assert _get(f"{base}/accounts/login/")[0] == 200
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=30)
    text = log.read_text()
    assert "Lantern settings for this run" in text and "Ready for production." in text
    assert "== migrations (as the owner role)" in text
    assert '"logger": "lantern.requests"' in text and '"route": "accounts/login/"' in text  # JSON request lines
    assert _get(f"{base}/healthz")[0] == 0  # both stopped: nothing listens
    assert WorkerHeartbeat.objects.filter(stopped_at__isnull=False).count() == 1  # the worker stopped cleanly
