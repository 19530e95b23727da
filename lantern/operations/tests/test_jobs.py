"""Jobs recover (issue 12): a job whose worker died is marked failed and says so, and a job's page
stops refreshing once it is finished or failed, while no worker is alive, and after the session's
idle time (a page that refreshes for ever keeps its session alive for ever).

Seen before: a worker killed mid-export left the job "running" at 1% for ever, and its page
refreshed for ever. These tests build that state in the database (a task claimed by a worker whose
heartbeat has stopped); test_worker.py kills a real worker process on PostgreSQL."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lantern.insight.models import EvaluationRun, RunStatus
from lantern.operations.jobs import WORKER_LOST, job_page, lost_tasks, recover_jobs
from lantern.operations.models import WorkerHeartbeat
from lantern.returns.models import ReturnJob, ReturnJobKind, ReturnJobStatus
from lantern.returns.tasks import run_census_export


def _worker(worker_id, *, ago=0, stopped=False):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="h", pid=1, started_at=now - timedelta(hours=1),
        beat_at=now - timedelta(seconds=ago), stopped_at=now - timedelta(seconds=ago) if stopped else None,
    )  # fmt: skip


def _export(user, *, worker_id=None, status=ReturnJobStatus.RUNNING, progress=1) -> ReturnJob:
    """A census export as the worker leaves it mid-job: the job running at 1%, its task claimed."""
    job = ReturnJob.objects.create(
        kind=ReturnJobKind.CIN_CENSUS, parameters={"year": 2026, "la_code": "888"}, created_by=user,
        status=status, progress=progress, message="Reading the record",
        started_at=timezone.now() - timedelta(minutes=2),
    )  # fmt: skip
    result = run_census_export.enqueue(job.pk)
    ReturnJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    if worker_id:
        task = DBTaskResult.objects.get(id=result.id)
        task.claim(worker_id)
        DBTaskResult.objects.filter(id=task.id).update(started_at=timezone.now() - timedelta(minutes=2))
    job.refresh_from_db()
    return job


def test_an_export_whose_worker_died_fails_and_its_page_stops_refreshing(client, world, settings):
    settings.WORKER_STALE_SECONDS = 60
    leader = world.users["leader"]
    _worker("dead", ago=300)
    job = _export(leader, worker_id="dead")
    client.force_login(leader)
    page = client.get(reverse("returns:job", args=[job.pk]))
    html = page.content.decode()
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.FAILED and job.finished_at is not None
    assert "The export did not finish: the background worker running it stopped" in job.message
    assert "Refresh" not in page and 'http-equiv="refresh"' not in html
    assert "The job did not finish" in html and "the background worker running it stopped" in html
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == TaskResultStatus.FAILED and task.exception_class_path == WORKER_LOST


def test_a_worker_that_stopped_cleanly_mid_job_fails_its_job_at_once(world, settings):
    settings.WORKER_STALE_SECONDS = 60
    _worker("stopped", ago=1, stopped=True)
    job = _export(world.users["leader"], worker_id="stopped")
    assert recover_jobs() == 1
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.FAILED and "stopped at" in job.message


def test_a_job_on_a_live_worker_is_left_alone(client, world, settings):
    settings.WORKER_STALE_SECONDS = 60
    _worker("alive", ago=5)
    job = _export(world.users["leader"], worker_id="alive", progress=42)
    assert recover_jobs() == 0
    client.force_login(world.users["leader"])
    page = client.get(reverse("returns:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.RUNNING and job.progress == 42
    assert page["Refresh"] == "2"
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.RUNNING


def test_a_queued_job_waits_for_a_worker_without_refreshing_for_ever(client, world):
    """No worker at all: the job stays queued (it runs when a worker starts), but the page says
    why and stops refreshing."""
    job = _export(world.users["leader"], status=ReturnJobStatus.QUEUED, progress=0)
    client.force_login(world.users["leader"])
    page = client.get(reverse("returns:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.QUEUED
    assert "Refresh" not in page
    assert "The background worker is not running" in page.content.decode()
    assert "Check progress now" in page.content.decode()


def test_a_long_job_stops_refreshing_after_the_session_idle_time(client, world, settings, live_worker):
    settings.SESSION_IDLE_MINUTES = 30
    job = _export(world.users["leader"], worker_id="test-worker", progress=50)
    ReturnJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    client.force_login(world.users["leader"])
    page = client.get(reverse("returns:job", args=[job.pk]))
    assert "Refresh" not in page and "no longer updates itself" in page.content.decode()


def test_finished_and_failed_jobs_never_refresh(client, world, live_worker):
    leader = world.users["leader"]
    client.force_login(leader)
    for status in (ReturnJobStatus.DONE, ReturnJobStatus.FAILED):
        job = ReturnJob.objects.create(kind=ReturnJobKind.CIN_CENSUS, parameters={"year": 2026, "la_code": "888"},
                                       created_by=leader, status=status, message="x")  # fmt: skip
        page = client.get(reverse("returns:job", args=[job.pk]))
        assert "Refresh" not in page and 'http-equiv="refresh"' not in page.content.decode()


def test_a_task_that_ended_without_finishing_its_job_fails_the_job(world):
    """A worker made to stop mid-task (a second SIGTERM) records the task as failed; the job,
    which never got to record its end, is failed too."""
    job = _export(world.users["leader"], worker_id="w")
    DBTaskResult.objects.filter(id=job.task_id).update(status=TaskResultStatus.FAILED,
                                                       exception_class_path="builtins.SystemExit")  # fmt: skip
    assert recover_jobs() == 1
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.FAILED and "stopped with SystemExit" in job.message


def test_a_job_whose_task_vanished_fails(world):
    job = _export(world.users["leader"], worker_id="w")
    DBTaskResult.objects.filter(id=job.task_id).delete()
    assert recover_jobs() == 1
    job.refresh_from_db()
    assert "no longer in the queue" in job.message


def test_a_just_claimed_task_of_a_worker_not_yet_heard_from_is_left_alone(world):
    job = _export(world.users["leader"])
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim("new-worker")  # started now, no heartbeat yet
    assert recover_jobs() == 0
    assert DBTaskResult.objects.get(id=task.id).status == TaskResultStatus.RUNNING


def test_a_practice_standards_check_whose_worker_died_fails_and_stops_refreshing(client, world, settings):
    from lantern.insight.tasks import evaluate_standards

    settings.WORKER_STALE_SECONDS = 60
    _worker("dead", ago=120)
    run = EvaluationRun.objects.create(as_of=timezone.localdate(), created_by=world.users["leader"],
                                       status=RunStatus.RUNNING, progress=1)  # fmt: skip
    result = evaluate_standards.enqueue(run.pk)
    EvaluationRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    DBTaskResult.objects.get(id=result.id).claim("dead")
    DBTaskResult.objects.filter(id=result.id).update(started_at=timezone.now() - timedelta(minutes=2))
    client.force_login(world.users["qa"])
    page = client.get(reverse("insight:run", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "The check did not finish" in run.message
    assert "Refresh" not in page and "The check did not finish" in page.content.decode()


def test_lost_tasks_ignores_ids_that_are_not_tasks(db):
    assert lost_tasks(["not-a-uuid", ""]) == {}


def test_job_page_rules(db, live_worker):
    now = timezone.now()
    assert job_page(finished=True, created_at=now, refresh_off=False).auto_refresh is False
    assert job_page(finished=False, created_at=now, refresh_off=True).auto_refresh is False
    assert job_page(finished=False, created_at=now, refresh_off=False).auto_refresh is True


@pytest.mark.parametrize("queries", [8])
def test_recovery_is_a_few_queries_whatever_the_number_of_jobs(world, django_assert_max_num_queries, queries):
    for _ in range(20):
        _export(world.users["leader"], status=ReturnJobStatus.QUEUED, progress=0)
    with django_assert_max_num_queries(queries):
        assert recover_jobs() == 0
