"""Shared fixtures: a small authority with one user of every role and one child of each kind
of relationship to them (own, team's, another team's, another service's, restricted)."""

from dataclasses import dataclass

import pytest

from lantern import factories as f
from lantern.access.models import AccessListEntry
from lantern.people.models import Child
from lantern.workforce.models import Role, Team, TeamType, Worker


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Council settings and login throttles live in the cache; a test's values must not leak."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


#: SQLite immutability triggers lifted for a transactional test's flush, to put back afterwards.
_LIFTED: dict[str, str] = {}


def _restore_lifted(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _LIFTED.values():
            cursor.execute(sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))
    _LIFTED.clear()


_BLOCKER = None
#: Set by a transactional test: its flush empties every table, rows data migrations put there too.
_FLUSHED = False


def _restore_migrated_rows() -> None:
    """Put back the rows data migrations add (the council's default threshold levels), which a
    transactional test's flush removes on every database, so the tests after it find them."""
    import importlib

    from django.apps import apps

    importlib.import_module("lantern.casework.migrations.0005_default_threshold_levels").add_levels(apps, None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the flush (the last step of the test's teardown), put the lifted triggers and the
    migrated rows back."""
    global _FLUSHED
    yield
    if _BLOCKER is None or nextitem is None:  # the last test: its database is already gone
        _LIFTED.clear()
        _FLUSHED = False
        return
    from django.db import connection

    with _BLOCKER.unblock():
        if _LIFTED:
            _restore_lifted(connection)
        if _FLUSHED:
            _restore_migrated_rows()
    _FLUSHED = False


@pytest.fixture(autouse=True)
def _flushable_on_sqlite(request, _django_db_helper, django_db_blocker):
    """On SQLite a transactional test's database is emptied with DELETE, which the immutability
    triggers (history tables included) refuse: lift them just for the flush, put them back after."""
    from django.db import connection

    global _BLOCKER
    _BLOCKER = django_db_blocker
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    yield
    if not transactional:
        return
    global _FLUSHED
    _FLUSHED = True
    if connection.vendor != "sqlite":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE '%\\_no\\_update' ESCAPE '\\' OR name LIKE '%\\_no\\_delete' ESCAPE '\\')"
        )
        _LIFTED.update(dict(cursor.fetchall()))
        for name in _LIFTED:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@dataclass
class World:
    north: Team
    south: Team
    west: Team
    users: dict[str, Worker]
    children: dict[str, Child]


@pytest.fixture
def world(db) -> World:
    cin = f.make_service("Children in need")
    other = f.make_service("Disabled children")
    north = f.make_team("North locality", service=cin)
    south = f.make_team("South locality", service=cin)
    west = f.make_team("West disabled children", service=other, type=TeamType.CIN_HUB)
    users = {
        "sw_north": f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north),
        "sw_north_2": f.make_worker("sw.north2", role=Role.SOCIAL_WORKER, team=north),
        "fsw_north": f.make_worker("fsw.north", role=Role.FAMILY_SUPPORT_WORKER, team=north),
        "tm_north": f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north),
        "sw_south": f.make_worker("sw.south", role=Role.SOCIAL_WORKER, team=south),
        "sm_cin": f.make_worker("sm.cin", role=Role.SERVICE_MANAGER, service=cin),
        "qa": f.make_worker("qa", role=Role.QUALITY_AUDITOR),
        "leader": f.make_worker("leader", role=Role.SENIOR_LEADER),
        "inspector": f.make_worker("inspector", role=Role.INSPECTOR),
    }
    own = f.make_child(first_name="Olivia", last_name="Owens")
    team = f.make_child(first_name="Tariq", last_name="Teamson")
    south_child = f.make_child(first_name="Sophie", last_name="Southall")
    west_child = f.make_child(first_name="Wes", last_name="Westwood")
    restricted = f.make_child(first_name="Rhiannon", last_name="Restrick", restricted=True)
    f.allocate(own, team=north, worker=users["sw_north"])
    f.allocate(team, team=north, worker=users["sw_north_2"])
    f.allocate(south_child, team=south, worker=users["sw_south"])
    f.allocate(west_child, team=west, worker=None)
    f.allocate(restricted, team=north, worker=users["sw_north_2"])
    AccessListEntry.objects.create(child=restricted, worker=users["tm_north"], reason="Team manager")
    for child in (own, team, south_child, west_child, restricted):
        f.open_cin_episode(child)
    return World(
        north=north,
        south=south,
        west=west,
        users=users,
        children={"own": own, "team": team, "south": south_child, "west": west_child, "restricted": restricted},
    )


@pytest.fixture
def live_worker(db):
    """A background worker that has just reported in (lantern/operations): a job's page refreshes
    itself only while a worker is alive to run the job."""
    from django.utils import timezone

    from lantern.operations.models import WorkerHeartbeat

    now = timezone.now()
    return WorkerHeartbeat.objects.create(worker_id="test-worker", hostname="test", pid=1, started_at=now, beat_at=now)
