"""The census pages: senior leaders only, the export as a background job with a progress page,
and the download (recorded)."""

import pytest
from django.urls import reverse
from lxml import etree

from lantern import factories as f
from lantern.returns.models import ReturnJob, ReturnJobDownload, ReturnJobKind, ReturnJobStatus
from lantern.workforce.models import Role

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
REFUSED = ["sw_north", "fsw_north", "tm_north", "sm_cin", "qa", "inspector"]


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


def _job(user, **fields) -> ReturnJob:
    defaults = {"kind": ReturnJobKind.CIN_CENSUS, "parameters": {"year": 2026, "la_code": "888"}, "created_by": user}
    defaults.update(fields)
    return ReturnJob.objects.create(**defaults)


def _done(user) -> ReturnJob:
    return _job(user, status=ReturnJobStatus.DONE, progress=100, result=b"<Message/>",
                result_name="CIN_Census_2026_888.xml", result_content_type="application/xml", result_size=10,
                message="0 children in the return.")  # fmt: skip


def test_census_page_for_a_senior_leader(client, world):
    client.force_login(world.users["leader"])
    response = client.get(reverse("returns:census"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Children in need census</h1>' in html
    assert 'name="year"' in html and 'name="la_code"' in html
    assert "No census has been exported yet." in html


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused_everywhere(client, world, role):
    job = _done(world.users["leader"])
    client.force_login(world.users[role])
    for url in (reverse("returns:census"), reverse("returns:job", args=[job.pk]),
                reverse("returns:job_download", args=[job.pk])):  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("returns:census"), {"year": "2026", "la_code": "888"}).status_code == 403
    assert ReturnJob.objects.count() == 1
    assert not ReturnJobDownload.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    job = _done(world.users["leader"])
    for url in (reverse("returns:census"), reverse("returns:job", args=[job.pk]),
                reverse("returns:job_download", args=[job.pk])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_starting_the_export_runs_the_job_and_the_file_downloads(client, world, immediate):
    leader = world.users["leader"]
    client.force_login(leader)
    response = client.post(reverse("returns:census"), {"year": "2026", "la_code": "888"})
    job = ReturnJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("returns:job", args=[job.pk])
    assert job.kind == ReturnJobKind.CIN_CENSUS and job.created_by == leader
    assert job.parameters == {"year": 2026, "la_code": "888"}
    assert job.status == ReturnJobStatus.DONE and job.progress == 100 and job.finished_at is not None
    assert job.task_id and job.result_name == "CIN_Census_2026_888.xml"
    assert job.message == "5 children in the return."

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200 and "Refresh" not in page
    assert 'http-equiv="refresh"' not in html
    assert reverse("returns:job_download", args=[job.pk]) in html
    assert "The census file is ready" in html

    download = client.get(reverse("returns:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/xml"
    assert download["Content-Disposition"] == 'attachment; filename="CIN_Census_2026_888.xml"'
    assert download["Cache-Control"] == "no-store"
    root = etree.fromstring(b"".join(download.streaming_content))
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")}
    assert ids == {c.la_child_id for c in world.children.values()}  # the restricted child too
    assert root.findtext("Header/Source/LEA") == "888"
    assert root.findtext("Header/Source/SerialNo") == f"{job.pk:03d}"
    record = ReturnJobDownload.objects.get()
    assert record.job == job and record.downloaded_by == leader
    assert "Downloads" in client.get(response.url).content.decode()


def test_a_queued_job_shows_a_progress_bar_that_refreshes_itself(client, world, live_worker):
    """With the database backend (the default) the task waits for the worker: the page refreshes."""
    from django_tasks_db.models import DBTaskResult

    client.force_login(world.users["leader"])
    response = client.post(reverse("returns:census"), {"year": "2026", "la_code": "888"})
    job = ReturnJob.objects.get()
    assert job.status == ReturnJobStatus.QUEUED
    task = DBTaskResult.objects.get()
    assert task.task_path == "lantern.returns.tasks.run_census_export" and str(task.id) == job.task_id
    page = client.get(response.url)
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert page["Refresh"] == "2"
    assert '<progress id="job-progress"' in html and 'max="100" value="0"' in html
    assert 'for="job-progress"' in html
    assert "returns:job_download" not in html and "/download/" not in html
    assert client.get(reverse("returns:job_download", args=[job.pk])).status_code == 404
    # The worker runs it later.
    from lantern.returns.tasks import run_census_export

    run_census_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.DONE


def test_a_running_job_shows_its_progress_and_can_stop_refreshing(client, world, live_worker):
    job = _job(world.users["leader"], status=ReturnJobStatus.RUNNING, progress=42, message="Writing children")
    client.force_login(world.users["leader"])
    html = client.get(reverse("returns:job", args=[job.pk])).content.decode()
    assert 'value="42"' in html and "Progress: 42%" in html and "Writing children" in html
    assert '<meta http-equiv="refresh"' in html and "Stop updating this page" in html
    still = client.get(reverse("returns:job", args=[job.pk]), {"refresh": "off"})
    assert '<meta http-equiv="refresh"' not in still.content.decode() and "Refresh" not in still
    assert "Check progress now" in still.content.decode()


def test_a_failed_job_says_so(client, world, immediate, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("lantern.returns.tasks.build_census", broken)
    client.force_login(world.users["leader"])
    response = client.post(reverse("returns:census"), {"year": "2026", "la_code": "888"})
    job = ReturnJob.objects.get()
    assert job.status == ReturnJobStatus.FAILED and job.result is None
    html = client.get(response.url).content.decode()
    assert "The job did not finish" in html and "The export failed (RuntimeError)" in html
    assert '<meta http-equiv="refresh"' not in html


def test_the_job_writes_its_progress_as_it_goes(world, immediate, monkeypatch):
    from lantern.returns import tasks

    written = []
    original = tasks._JobProgress._write

    def spy(self, percent, now, **fields):
        written.append((percent, fields.get("message")))
        original(self, percent, now, **fields)

    monkeypatch.setattr(tasks._JobProgress, "_write", spy)
    job = _job(world.users["leader"])
    tasks.run_census_export.enqueue(job.pk)
    assert written[0] == (tasks.LOADED, "Writing 5 children to the file")
    assert written[-1] == (99, "Saving the file")
    job.refresh_from_db()
    assert job.progress == 100 and job.status == ReturnJobStatus.DONE


def test_an_import_job_is_shown_to_senior_leaders(client, world):
    job = _job(None, kind=ReturnJobKind.CIN_CENSUS_IMPORT, parameters={"filename": "old.xml"},
               status=ReturnJobStatus.DONE, message="12 children read. Added: nothing new.")  # fmt: skip
    client.force_login(world.users["leader"])
    response = client.get(reverse("returns:job", args=[job.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "12 children read" in html and "Command line" in html
    assert client.get(reverse("returns:job_download", args=[job.pk])).status_code == 404
    client.force_login(world.users["inspector"])
    assert client.get(reverse("returns:job", args=[job.pk])).status_code == 403


def test_the_role_is_checked_again_when_the_job_runs(world, immediate):
    leader = world.users["leader"]
    job = _job(leader)
    leader.role = Role.SOCIAL_WORKER
    leader.save()
    from lantern.returns.tasks import run_census_export

    run_census_export.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ReturnJobStatus.FAILED and job.result is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": "", "la_code": "888"}, "year", "Enter the collection year"),
        ({"year": "26", "la_code": "888"}, "year", "Enter the collection year as 4 digits, like 2026"),
        ({"year": "1999", "la_code": "888"}, "year", "The collection year must be between 2010 and"),
        ({"year": "2026", "la_code": "88"}, "la_code", "Enter the local authority code as 3 digits, like 888"),
        ({"year": "2026", "la_code": "ABC"}, "la_code", "Enter the local authority code as 3 digits, like 888"),
        ({"year": "2026", "la_code": ""}, "la_code", "Enter the local authority code"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_starts(client, world, data, field, message):
    client.force_login(world.users["leader"])
    response = client.post(reverse("returns:census"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and f'href="#id_{field}"' in html
    assert f'id="id_{field}-error"' in html and message in html
    assert not ReturnJob.objects.exists()


def test_another_senior_leader_may_see_and_download_a_job(client, world):
    job = _done(world.users["leader"])
    other = f.make_worker("leader2", role=Role.SENIOR_LEADER)
    client.force_login(other)
    assert client.get(reverse("returns:job", args=[job.pk])).status_code == 200
    assert client.get(reverse("returns:job_download", args=[job.pk])).status_code == 200
    assert ReturnJobDownload.objects.get().downloaded_by == other


def test_a_job_that_does_not_exist(client, world):
    client.force_login(world.users["leader"])
    assert client.get(reverse("returns:job", args=[999999])).status_code == 404
    assert client.get(reverse("returns:job_download", args=[999999])).status_code == 404


def test_earlier_exports_are_listed_with_bounded_queries(client, world, django_assert_max_num_queries):
    leader = world.users["leader"]
    for year in range(2015, 2027):
        _job(leader, parameters={"year": year, "la_code": "888"}, status=ReturnJobStatus.DONE)
    _job(None, parameters={"year": 2026, "la_code": "889"})
    client.force_login(leader)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("returns:census"))
    html = response.content.decode()
    assert html.count('href="/returns/jobs/') == 13
    assert "Command line" in html
    assert 'value="889"' in html  # the last LA code used is offered


def test_return_jobs_cannot_be_deleted(world):
    from django.db import IntegrityError, InternalError, transaction

    job = _done(world.users["leader"])
    ReturnJobDownload.objects.create(job=job, downloaded_by=world.users["leader"])
    for qs in (ReturnJob.objects.filter(pk=job.pk), ReturnJobDownload.objects.all()):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            qs.delete()
    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        ReturnJobDownload.objects.update(downloaded_by=world.users["qa"])
    assert ReturnJob.objects.filter(pk=job.pk).exists() and ReturnJobDownload.objects.count() == 1
