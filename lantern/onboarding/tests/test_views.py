"""The onboarding pages: a council administrator (or a superuser) uploads the files, sees the dry
run's problems by file and line, fixes them and loads as a background job; every other role 403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lantern import factories as f
from lantern.onboarding.models import OnboardingRun, RunStatus
from lantern.onboarding.tests.test_files import GOOD
from lantern.people.models import Child

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
REFUSED = ["sw_north", "fsw_north", "tm_north", "sm_cin", "qa", "leader", "inspector"]


@pytest.fixture
def admin(db, settings, tmp_path):
    settings.ONBOARDING_DIR = tmp_path / "uploads"
    settings.TASKS = IMMEDIATE
    return f.make_worker("council.admin", role="council_admin")


def _uploads(**changes):
    files = {**GOOD, **changes}
    return [SimpleUploadedFile(f"{name}.csv", text.encode(), content_type="text/csv") for name, text in files.items()]


@pytest.mark.parametrize("role", REFUSED)
def test_every_other_role_is_refused(client, world, admin, role):
    run = OnboardingRun.objects.create(created_by=admin, folder="/nowhere")
    client.force_login(world.users[role])
    for url in (reverse("onboarding:start"), reverse("onboarding:run", args=[run.pk]),
                reverse("onboarding:template", args=["children"])):  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("onboarding:start"), {"files": _uploads()}).status_code == 403
    assert client.post(reverse("onboarding:load", args=[run.pk])).status_code == 403
    assert not Child.objects.filter(la_child_id="LC1").exists()


def test_a_superuser_may_onboard(client, admin):
    boss = f.make_worker("boss", role="senior_leader", is_superuser=True)
    client.force_login(boss)
    assert client.get(reverse("onboarding:start")).status_code == 200


def test_blank_template_download(client, admin):
    client.force_login(admin)
    response = client.get(reverse("onboarding:template", args=["children"]))
    assert response.status_code == 200 and response.content.decode().startswith("la_child_id,first_name,last_name,")
    assert client.get(reverse("onboarding:template", args=["kids"])).status_code == 404


def test_no_files_chosen_is_an_error(client, admin):
    client.force_login(admin)
    html = client.post(reverse("onboarding:start"), {}).content.decode()
    assert "govuk-error-summary" in html and "Choose the template files to check" in html
    assert not OnboardingRun.objects.exists()


def test_upload_problems_then_fix_then_load(client, admin):
    client.force_login(admin)
    bad = GOOD["episodes"].replace("2026-01-12", "2026-13-12")
    response = client.post(reverse("onboarding:start"), {"files": _uploads(episodes=bad)}, follow=True)
    html = response.content.decode()
    run = OnboardingRun.objects.get()
    assert run.status == RunStatus.REFUSED and run.created_by == admin
    assert "1 problem to fix before anything can load" in html
    assert '<td class="govuk-table__cell">episodes.csv</td>' in html and "is not a date" in html
    assert 'action="/onboarding/' not in html  # no Load button
    assert client.post(reverse("onboarding:load", args=[run.pk])).status_code == 302
    assert not Child.objects.filter(la_child_id="LC1").exists()

    response = client.post(reverse("onboarding:start"), {"files": _uploads()}, follow=True)
    run = OnboardingRun.objects.latest("pk")
    assert run.status == RunStatus.CHECKED and "The files are ready to load" in response.content.decode()
    assert not Child.objects.filter(la_child_id="LC1").exists()  # the dry run saves nothing
    response = client.post(reverse("onboarding:load", args=[run.pk]), follow=True)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.loaded_by == admin and run.progress == 100
    assert "The records are loaded" in response.content.decode() and "2 children" in run.message
    assert Child.objects.get(la_child_id="LC1").person.first_name == "Maya"
    # Loading the same run again does nothing.
    client.post(reverse("onboarding:load", args=[run.pk]))
    assert Child.objects.filter(la_child_id="LC1").count() == 1


def test_the_run_page_query_count_is_bounded(client, admin, django_assert_max_num_queries):
    client.force_login(admin)
    client.post(reverse("onboarding:start"), {"files": _uploads(episodes="")})
    run = OnboardingRun.objects.get()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("onboarding:run", args=[run.pk])).status_code == 200
