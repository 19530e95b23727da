"""The background worker (`run_worker`) survives the database and says it is alive.

Seen before: after the database restarted, the worker process kept running but never picked up a
job again; a worker killed mid-export left its job "running" at 1% for ever.

The first tests drive the worker's loop in this process (any database). The PostgreSQL tests run
real worker processes against the test database: they cut its connections with
pg_terminate_backend (and refuse new ones for a while, as during a restart), and kill one with
SIGKILL in the middle of an export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lantern import factories as f
from lantern.operations import worker as worker_module
from lantern.operations.models import WorkerHeartbeat
from lantern.operations.worker import LanternWorker
from lantern.returns.models import ReturnJob, ReturnJobKind, ReturnJobStatus
from lantern.returns.tasks import run_census_export
from lantern.workforce.models import Role

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (runs in CI's PostgreSQL pass)"
)


def _worker(**kwargs) -> LanternWorker:
    options = dict(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                   max_tasks=None, worker_id="test-worker", excluded_queue_names=[], heartbeat_seconds=0,
                   stale_seconds=60)  # fmt: skip
    options.update(kwargs)
    return LanternWorker(**options)


def _queue_export(leader) -> ReturnJob:
    job = ReturnJob.objects.create(kind=ReturnJobKind.CIN_CENSUS, parameters={"year": 2026, "la_code": "888"},
                                   created_by=leader)  # fmt: skip
    result = run_census_export.enqueue(job.pk)
    ReturnJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


@pytest.fixture
def in_test_transaction(monkeypatch):
    """The loop normally closes stale connections; inside a test's transaction it must not."""
    monkeypatch.setattr(worker_module, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker_module, "_close_connections", lambda: None)


def test_the_loop_waits_out_database_errors_then_runs_the_job(db, in_test_transaction, monkeypatch, caplog):
    leader = f.make_worker("leader", role=Role.SENIOR_LEADER)
    job = _queue_export(leader)
    worker = _worker()
    real_claim = worker._claim
    failures = [OperationalError("server closed the connection unexpectedly"), OperationalError("connection refused")]
    sleeps: list[float] = []

    def claim():
        if failures:
            raise failures.pop(0)
        return real_claim()

    monkeypatch.setattr(worker, "_claim", claim)
    monkeypatch.setattr(worker, "_sleep", sleeps.append)
    with caplog.at_level("WARNING", logger="lantern.operations"):
        worker.run()
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.DONE
    assert sleeps[:2] == [1.0, 2.0]  # backing off while the database is away
    messages = [r.getMessage() for r in caplog.records]
    assert any("the database is unavailable" in m for m in messages)
    assert any("the database is back" in m for m in messages)
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL


def test_a_task_whose_result_cannot_be_written_is_failed_when_the_database_returns(
    db, in_test_transaction, monkeypatch
):
    leader = f.make_worker("leader", role=Role.SENIOR_LEADER)
    job = _queue_export(leader)
    worker = _worker()
    monkeypatch.setattr(worker, "_sleep", lambda s: None)

    def lose_the_database(task):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(worker, "run_task", lose_the_database)
    worker.run()
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == TaskResultStatus.FAILED and "unavailable" in task.traceback


def test_the_heartbeat_is_written_and_marked_stopped(db, in_test_transaction):
    worker = _worker(worker_id="beating")
    assert worker.heartbeat.beat() is True
    beat = WorkerHeartbeat.objects.get(worker_id="beating")
    assert beat.stopped_at is None and beat.pid == os.getpid()
    assert (timezone.now() - beat.beat_at).total_seconds() < 60
    worker.run()  # nothing queued: batch mode returns
    beat.refresh_from_db()
    assert beat.stopped_at is not None


def test_a_hung_loop_writes_no_heartbeat(db, in_test_transaction):
    worker = _worker(worker_id="hung", stale_seconds=60)
    worker.ticked = time.monotonic() - 120  # its loop has not moved for two minutes, and no task is running
    assert worker.heartbeat.beat() is False
    assert not WorkerHeartbeat.objects.filter(worker_id="hung").exists()
    worker.current_task = "some-task"  # a long task is not a hung loop
    assert worker.heartbeat.beat() is True


def test_a_worker_judges_others_only_after_they_could_report_in(db, in_test_transaction):
    """Just started (or just back from a database outage, when every heartbeat is old), a worker
    waits one stale period before failing the jobs of workers it has not heard from."""
    from datetime import timedelta

    leader = f.make_worker("leader", role=Role.SENIOR_LEADER)
    job = _queue_export(leader)
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="quiet", hostname="h", pid=2, started_at=now - timedelta(hours=1),
                                   beat_at=now - timedelta(minutes=5))  # fmt: skip
    DBTaskResult.objects.get(id=job.task_id).claim("quiet")
    DBTaskResult.objects.filter(id=job.task_id).update(started_at=now - timedelta(minutes=5))
    ReturnJob.objects.filter(pk=job.pk).update(status=ReturnJobStatus.RUNNING, progress=1)
    worker = _worker(worker_id="fresh", stale_seconds=60)
    assert worker.heartbeat.beat() is True
    assert ReturnJob.objects.get(pk=job.pk).status == ReturnJobStatus.RUNNING
    worker.heartbeat.judge_from = time.monotonic()  # a stale period later
    assert worker.heartbeat.beat() is True
    assert ReturnJob.objects.get(pk=job.pk).status == ReturnJobStatus.FAILED


def test_heartbeats_of_workers_gone_a_week_are_removed(db, in_test_transaction):
    from datetime import timedelta

    now = timezone.now()
    for name, age in (("last-month", 30), ("yesterday", 1)):
        then = now - timedelta(days=age)
        WorkerHeartbeat.objects.create(
            worker_id=name, hostname="h", pid=3, started_at=then, beat_at=then, stopped_at=then
        )
    _worker(worker_id="now").heartbeat.beat()
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"yesterday", "now"}


def test_the_command_exists_and_runs_a_batch(db, in_test_transaction, settings):
    from django.core.management import call_command

    settings.WORKER_HEARTBEAT_SECONDS = 0  # no heartbeat thread (its own connection is outside the test's transaction)
    leader = f.make_worker("leader", role=Role.SENIOR_LEADER)
    job = _queue_export(leader)
    call_command("run_worker", batch=True, interval=0, verbosity=0)
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.DONE


# ---------------------------------------------------------------------------------------------
# Real worker processes on PostgreSQL
# ---------------------------------------------------------------------------------------------


def _url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _admin():
    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                           password=s["PASSWORD"] or None, dbname="postgres", autocommit=True)  # fmt: skip


class Workers:
    """Worker processes this test started (and stops, by their own pids)."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self, **env) -> subprocess.Popen:
        log = (self.tmp_path / f"worker{len(self.processes)}.log").open("w")
        environment = {**os.environ, "LANTERN_ENV": "development", "DATABASE_URL": _url(), "CONN_MAX_AGE": "60",
                       "WORKER_HEARTBEAT_SECONDS": "1", **env}  # fmt: skip
        process = subprocess.Popen([sys.executable, "manage.py", "run_worker", "--interval", "0.2"], cwd=ROOT,
                                   env=environment, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
        process.log = log.name
        self.processes.append(process)
        return process

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


@pytest.fixture
def workers(tmp_path, transactional_db):
    pool = Workers(tmp_path)
    yield pool
    pool.stop()


def wait_for(condition, what: str, seconds: float = 90):
    """Poll until the condition holds (a deadline so a broken worker fails the test, not hangs it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _job_status(pk):
    return ReturnJob.objects.values_list("status", "progress").get(pk=pk)


def _terminate_others(dbname: str) -> int:
    with _admin() as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
            "AND pid <> %s",
            (dbname, connection.connection.info.backend_pid),
        ).fetchall()
    return len(rows)


@POSTGRES
def test_the_worker_survives_a_database_restart_and_picks_up_the_next_job(workers):
    leader = f.make_worker("leader", role=Role.SENIOR_LEADER)
    f.allocate(f.make_child(), team=f.make_team(), worker=None)
    process = workers.start()
    wait_for(lambda: WorkerHeartbeat.objects.filter(pid=process.pid, stopped_at__isnull=True).exists(), "its heartbeat")
    dbname = connection.settings_dict["NAME"]
    with _admin() as admin:
        # As during a restart: every connection cut, and new ones refused for a while.
        admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        try:
            assert _terminate_others(dbname) >= 1
            time.sleep(3)  # the worker tries to reconnect and is refused
            assert process.poll() is None, Path(process.log).read_text()
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')
    job = _queue_export(leader)
    wait_for(lambda: _job_status(job.pk)[0] == ReturnJobStatus.DONE, "the export after the restart")
    # And once more, a connection dropped while idle (no refusal).
    _terminate_others(dbname)
    second = _queue_export(leader)
    wait_for(lambda: _job_status(second.pk)[0] == ReturnJobStatus.DONE, "the export after a dropped connection")
    assert process.poll() is None
    log = Path(process.log).read_text()
    assert "the database is unavailable" in log and "the database is back" in log


@POSTGRES
def test_a_worker_killed_mid_export_leaves_a_failed_job_not_a_running_one(workers, client, settings):
    settings.WORKER_STALE_SECONDS = 3
    leader = f.make_worker("leader", role=Role.SENIOR_LEADER)
    f.allocate(f.make_child(), team=f.make_team(), worker=None)
    job = _queue_export(leader)
    s = connection.settings_dict
    # Hold the export in the middle: it marks the job running, then waits to read the children.
    blocker = psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                              password=s["PASSWORD"] or None, dbname=s["NAME"])  # fmt: skip
    try:
        blocker.execute("LOCK TABLE people_child IN ACCESS EXCLUSIVE MODE")
        first = workers.start(WORKER_STALE_SECONDS="3")
        wait_for(lambda: _job_status(job.pk) == (ReturnJobStatus.RUNNING, 1), "the export to start")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        blocker.rollback()
        blocker.close()
    assert _job_status(job.pk) == (ReturnJobStatus.RUNNING, 1)  # what was seen: running at 1%, for ever
    workers.start(WORKER_STALE_SECONDS="3")  # systemd restarts the worker; it recovers the job
    wait_for(lambda: _job_status(job.pk)[0] == ReturnJobStatus.FAILED, "the lost export to be marked failed")
    job.refresh_from_db()
    assert "the background worker running it stopped" in job.message
    client.force_login(leader)
    page = client.get(f"/returns/jobs/{job.pk}/")
    assert "Refresh" not in page and "The job did not finish" in page.content.decode()
    # The new worker runs the next export.
    again = _queue_export(leader)
    wait_for(lambda: _job_status(again.pk)[0] == ReturnJobStatus.DONE, "the next export")
