"""/healthz: no sign-in, no personal data; 200 only when the database is reachable, no migration
is pending and a background worker's heartbeat is fresh; 503 otherwise."""

import json
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.operations import health
from lantern.operations.models import WorkerHeartbeat


@pytest.fixture(autouse=True)
def _no_cached_plan(monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok_at", None)


def _beat(worker_id="w1", *, ago=0, stopped=False):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="host",
        pid=1,
        started_at=now - timedelta(hours=1),
        beat_at=now - timedelta(seconds=ago),
        stopped_at=now if stopped else None,
    )


def _get(client):
    response = client.get(reverse("healthz"))
    return response, json.loads(response.content)


@pytest.mark.django_db
def test_healthy_without_signing_in(client):
    _beat()
    response, body = _get(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"] == {"ok": True, "pending": 0}
    assert body["checks"]["worker"]["ok"] is True and body["checks"]["worker"]["workers"] == 1
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_no_personal_data_even_with_records(client, world):
    _beat()
    child = world.children["own"]
    text = client.get(reverse("healthz")).content.decode()
    for value in (child.person.first_name, child.person.last_name, child.la_child_id, "sw.north", "host"):
        assert value not in text


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["no worker", "stale", "stopped"])
def test_an_unhealthy_worker_is_503(client, case, settings):
    settings.WORKER_STALE_SECONDS = 60
    if case == "stale":
        _beat(ago=61)
    elif case == "stopped":
        _beat(stopped=True)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "fail" and body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_one_live_worker_among_dead_ones_is_healthy(client):
    _beat("old", ago=3600)
    _beat("gone", stopped=True)
    _beat("live", ago=5)
    response, body = _get(client)
    assert response.status_code == 200 and body["checks"]["worker"]["workers"] == 1
    assert body["checks"]["worker"]["last_heartbeat_seconds"] in (5, 6)


@pytest.mark.django_db
def test_waiting_tasks_are_reported(client):
    from lantern.returns.tasks import run_census_export

    _beat()
    run_census_export.enqueue(12345)
    _, body = _get(client)
    assert body["checks"]["worker"]["tasks_waiting"] == 1


@pytest.mark.django_db
def test_pending_migrations_are_503(client, monkeypatch):
    _beat()

    class Pending:
        def __init__(self, connection):
            self.loader = type("Loader", (), {"graph": type("Graph", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return [("operations.0099_future", False)]

    monkeypatch.setattr(health, "MigrationExecutor", Pending)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["migrations"] == {"ok": False, "pending": 1}


@pytest.mark.django_db
def test_an_unreachable_database_is_503_not_500(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connections", {"default": type("Down", (), {"cursor": refuse})()})
    response, body = _get(client)
    assert response.status_code == 503
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_only_get_and_head(client):
    _beat()
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_exempt_from_the_https_redirect(client, settings):
    """Monitors on the machine check plain HTTP; every other page still redirects."""
    _beat()
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


@pytest.mark.django_db
def test_a_signed_in_user_gets_the_same(client):
    _beat()
    client.force_login(f.make_worker("someone"))
    assert client.get(reverse("healthz")).status_code == 200
