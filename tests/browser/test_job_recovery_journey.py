"""A senior leader's census export whose background worker died: the job page says the export did
not finish and why, and stops updating itself; an export waiting while no worker runs says so.
Both pages are checked with axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from lantern import factories as f
from lantern.operations.models import WorkerHeartbeat
from lantern.returns.models import ReturnJob, ReturnJobKind, ReturnJobStatus
from lantern.returns.tasks import run_census_export
from lantern.workforce.models import Role


@pytest.fixture
def exports(transactional_db):
    leader = f.make_worker("leader", role=Role.SENIOR_LEADER, first_name="Lee", last_name="Leader")
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="dead", hostname="h", pid=1, started_at=now - timedelta(hours=2),
                                   beat_at=now - timedelta(minutes=10))  # fmt: skip
    jobs = {}
    for name, status in (("lost", ReturnJobStatus.RUNNING), ("waiting", ReturnJobStatus.QUEUED)):
        job = ReturnJob.objects.create(
            kind=ReturnJobKind.CIN_CENSUS, parameters={"year": 2026, "la_code": "888"}, created_by=leader,
            status=status, progress=1 if name == "lost" else 0,
        )  # fmt: skip
        result = run_census_export.enqueue(job.pk)
        ReturnJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
        jobs[name] = job
    lost = DBTaskResult.objects.get(id=ReturnJob.objects.get(pk=jobs["lost"].pk).task_id)
    lost.claim("dead")
    DBTaskResult.objects.filter(id=lost.id).update(started_at=now - timedelta(minutes=10))
    return jobs


def test_a_lost_export_says_so_and_a_waiting_one_says_why(page, axe, exports, sign_in):
    sign_in("leader")
    response = page.goto(f"/returns/jobs/{exports['lost'].pk}/")
    assert "refresh" not in {k.lower() for k in response.headers}
    expect(page.get_by_role("heading", name="The job did not finish")).to_be_visible()
    expect(page.get_by_text("the background worker running it stopped")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    axe(page)
    response = page.goto(f"/returns/jobs/{exports['waiting'].pk}/")
    assert "refresh" not in {k.lower() for k in response.headers}
    expect(page.get_by_text("The background worker is not running")).to_be_visible()
    page.get_by_role("link", name="Check progress now").click()
    expect(page.get_by_label("Waiting to start")).to_be_visible()
    axe(page)
