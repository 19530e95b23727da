"""Recording a visit or direct work through the pages: who may, what is refused, and how bad
input is shown (next to each field, nothing saved)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lantern.access.models import ChildView
from lantern.recording.models import DirectWorkSession, Visit
from lantern.recording.tests.helpers import make_session, make_visit
from lantern.testing import error_links, links_to

pytestmark = pytest.mark.django_db


def _visit_post(day: date | None = None, **overrides) -> dict:
    day = day or timezone.localdate() - timedelta(days=1)
    data = {
        "visited_on_day": str(day.day),
        "visited_on_month": str(day.month),
        "visited_on_year": str(day.year),
        "start_time": "10:30",
        "end_time": "11:15",
        "visit_type": "cin_statutory",
        "location": "home",
        "location_detail": "",
        "present": "Olivia, her mum",
        "child_seen": "yes",
        "seen_alone": "yes",
        "bedroom_seen": "yes",
        "not_seen_reason": "",
        "child_said": "I like my new bed.",
        "observations": "Olivia showed me her room.",
        "analysis": "Home conditions have improved.",
        "next_steps": "Visit in four weeks.",
    }
    data.update(overrides)
    return data


def _session_post(day: date | None = None, **overrides) -> dict:
    day = day or timezone.localdate()
    data = {
        "session_date_day": str(day.day),
        "session_date_month": str(day.month),
        "session_date_year": str(day.year),
        "method": "Three houses",
        "themes": ["family_relationships", "safety"],
        "theme_other": "",
        "child_words": "  My house of worries has shouting in it.\nMy house of dreams has a dog.",
        "reflection": "Olivia is worried by arguments at home.",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------------------------


def test_social_worker_records_a_visit_and_sees_it(client, world):
    child, sw = world.children["own"], world.users["sw_north"]
    client.force_login(sw)
    response = client.post(f"/children/{child.pk}/visits/new/", _visit_post())
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert response.url == f"/children/{child.pk}/visits/{visit.pk}/"
    assert visit.author == sw and visit.child == child
    assert visit.child_seen and visit.seen_alone and visit.bedroom_seen is True
    assert timezone.localtime(visit.visited_at).strftime("%H:%M") == "10:30"
    assert timezone.localtime(visit.ended_at).strftime("%H:%M") == "11:15"
    assert visit.visited_on == timezone.localdate() - timedelta(days=1)
    assert visit.history.count() == 1 and visit.history.first().history_user == sw
    page = client.get(response.url).content.decode()
    assert "I like my new bed." in page
    assert "Statutory child in need visit" in page
    record = client.get(f"/children/{child.pk}/").content.decode()
    assert "Last seen alone" in record
    assert (timezone.localdate() - timedelta(days=1)).strftime("%-d %B %Y") in record


def test_visit_with_the_child_not_seen_needs_a_reason(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    data = _visit_post(child_seen="no", seen_alone="", bedroom_seen="na", not_seen_reason="No answer at the door")
    response = client.post(f"/children/{child.pk}/visits/new/", data)
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert not visit.child_seen and not visit.seen_alone and visit.bedroom_seen is None
    assert visit.not_seen_reason == "No answer at the door"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"child_seen": "no", "seen_alone": "yes", "not_seen_reason": "Out"}, "seen_alone", "not seen cannot have"),
        ({"child_seen": "no", "seen_alone": ""}, "not_seen_reason", "Enter why the child was not seen"),
        ({"seen_alone": ""}, "seen_alone", "Select whether the child was seen alone"),
        ({"start_time": "11:00", "end_time": "10:00"}, "end_time", "must be after the time it started"),
        ({"start_time": "25:00"}, "start_time", "Enter the time the visit started as hours and minutes"),
        ({"start_time": ""}, "start_time", "Enter the time the visit started"),
        ({"present": " "}, "present", "Enter who was present"),
        ({"observations": ""}, "observations", "Enter what you observed"),
        ({"analysis": ""}, "analysis", "Enter your analysis"),
        ({"next_steps": ""}, "next_steps", "Enter the next steps"),
        ({"visit_type": ""}, "visit_type", "Select the type of visit"),
        ({"location": "other"}, "location_detail", "Enter where the visit took place"),
        ({"child_seen": ""}, "child_seen", "Select whether the child was seen"),
    ],
)
def test_bad_visit_input_is_shown_next_to_the_field_and_nothing_is_saved(client, world, overrides, field, message):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.post(f"/children/{child.pk}/visits/new/", _visit_post(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert links_to(body, field), error_links(body)
    assert message in body
    assert f'id="id_{field}-error"' in body
    assert not Visit.objects.exists()


def test_a_visit_in_the_future_is_refused(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(f"/children/{child.pk}/visits/new/", _visit_post(day=tomorrow))
    assert links_to(response.content.decode(), "visited_on")
    assert "must be today or in the past" in response.content.decode()
    # Later today is in the future too: the time is refused.
    later = (timezone.localtime() + timedelta(hours=2)).strftime("%H:%M")
    if (timezone.localtime() + timedelta(hours=2)).date() == timezone.localdate():
        response = client.post(
            f"/children/{child.pk}/visits/new/",
            _visit_post(day=timezone.localdate(), start_time=later, end_time=""),
        )
        assert links_to(response.content.decode(), "start_time")
        assert "must be in the past" in response.content.decode()
    assert not Visit.objects.exists()


def test_several_problems_are_shown_together(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    data = _visit_post(child_seen="no", seen_alone="yes", observations="", start_time="12:00", end_time="09:00")
    body = client.post(f"/children/{child.pk}/visits/new/", data).content.decode()
    for field in ("seen_alone", "not_seen_reason", "observations", "end_time"):
        assert links_to(body, field), (field, error_links(body))
    assert not Visit.objects.exists()


def test_social_worker_records_direct_work_with_the_childs_words_kept_verbatim(client, world):
    child, sw = world.children["own"], world.users["sw_north"]
    client.force_login(sw)
    response = client.post(f"/children/{child.pk}/direct-work/new/", _session_post())
    session = DirectWorkSession.objects.get()
    assert response.status_code == 302
    assert response.url == f"/children/{child.pk}/direct-work/{session.pk}/"
    assert session.themes == ["family_relationships", "safety"]
    assert session.child_words == "  My house of worries has shouting in it.\nMy house of dreams has a dog."
    voice = client.get(f"/children/{child.pk}/voice/").content.decode()
    assert "My house of dreams has a dog." in voice
    assert "Direct work: Three houses" in voice


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"themes": []}, "themes", "Select at least one theme"),
        ({"themes": ["other"]}, "theme_other", "Enter the other theme"),
        ({"themes": ["made_up"]}, "themes", "Select only themes from the list"),
        ({"child_words": "   "}, "child_words", "Enter what the child said, in their own words"),
        ({"method": ""}, "method", "Enter the method or tool you used"),
        ({"reflection": ""}, "reflection", "Enter your reflection"),
        ({"session_date_day": "", "session_date_month": "", "session_date_year": ""}, "session_date", "Enter date"),
    ],
)
def test_bad_direct_work_input_is_shown_next_to_the_field(client, world, overrides, field, message):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.post(f"/children/{child.pk}/direct-work/new/", _session_post(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert links_to(body, field), error_links(body)
    assert message in body
    assert not DirectWorkSession.objects.exists()


def test_direct_work_in_the_future_is_refused(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    body = client.post(
        f"/children/{child.pk}/direct-work/new/", _session_post(day=timezone.localdate() + timedelta(days=3))
    ).content.decode()
    assert links_to(body, "session_date")
    assert not DirectWorkSession.objects.exists()


# ---------------------------------------------------------------------------------------------
# Corrections keep history
# ---------------------------------------------------------------------------------------------


def test_author_corrects_a_visit_and_the_earlier_version_is_kept(client, world):
    child, sw = world.children["own"], world.users["sw_north"]
    client.force_login(sw)
    client.post(f"/children/{child.pk}/visits/new/", _visit_post())
    visit = Visit.objects.get()
    page = client.get(f"/children/{child.pk}/visits/{visit.pk}/edit/").content.decode()
    assert "Olivia showed me her room." in page  # the form starts from the record
    response = client.post(
        f"/children/{child.pk}/visits/{visit.pk}/edit/", _visit_post(analysis="Home conditions are much better.")
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.analysis == "Home conditions are much better."
    assert visit.updated_by == sw
    assert [h.analysis for h in visit.history.order_by("history_date")] == [
        "Home conditions have improved.",
        "Home conditions are much better.",
    ]
    detail = client.get(f"/children/{child.pk}/visits/{visit.pk}/").content.decode()
    assert "Last changed by" in detail
    assert "changed analysis" in detail
    assert Visit.objects.count() == 1


def test_a_correction_with_bad_input_changes_nothing(client, world):
    child, sw = world.children["own"], world.users["sw_north"]
    visit = make_visit(child, sw, timezone.localdate() - timedelta(days=2), seen_alone=True)
    client.force_login(sw)
    response = client.post(
        f"/children/{child.pk}/visits/{visit.pk}/edit/", _visit_post(child_seen="no", seen_alone="yes")
    )
    assert response.status_code == 200
    assert links_to(response.content.decode(), "seen_alone")
    visit.refresh_from_db()
    assert visit.child_seen and visit.seen_alone and visit.history.count() == 1  # only its creation


def test_a_colleague_cannot_correct_someone_elses_visit_but_the_manager_can(client, world):
    child = world.children["own"]
    visit = make_visit(child, world.users["sw_north"], timezone.localdate() - timedelta(days=2))
    client.force_login(world.users["sw_north_2"])  # same team, may read and record, not correct
    assert client.get(f"/children/{child.pk}/visits/{visit.pk}/").status_code == 200
    assert client.get(f"/children/{child.pk}/visits/{visit.pk}/edit/").status_code == 403
    assert client.post(f"/children/{child.pk}/visits/{visit.pk}/edit/", _visit_post()).status_code == 403
    client.force_login(world.users["tm_north"])
    assert client.post(f"/children/{child.pk}/visits/{visit.pk}/edit/", _visit_post()).status_code == 302


def test_direct_work_correction_keeps_history(client, world):
    child, sw = world.children["own"], world.users["sw_north"]
    client.force_login(sw)
    client.post(f"/children/{child.pk}/direct-work/new/", _session_post())
    session = DirectWorkSession.objects.get()
    client.post(f"/children/{child.pk}/direct-work/{session.pk}/edit/", _session_post(method="Life story book"))
    session.refresh_from_db()
    assert session.method == "Life story book"
    assert session.history.count() == 2
    client.force_login(world.users["sw_north_2"])
    assert client.get(f"/children/{child.pk}/direct-work/{session.pk}/edit/").status_code == 403


# ---------------------------------------------------------------------------------------------
# Who may see and record
# ---------------------------------------------------------------------------------------------

CHILD_PAGES = ["visits/", "visits/new/", "direct-work/", "direct-work/new/", "voice/", "visits/frequency/"]


@pytest.mark.parametrize("page", CHILD_PAGES)
def test_unrelated_worker_is_refused(client, world, page):
    child = world.children["own"]
    client.force_login(world.users["sw_south"])
    assert client.get(f"/children/{child.pk}/{page}").status_code == 403
    assert client.post(f"/children/{child.pk}/{page}", _visit_post()).status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("page", CHILD_PAGES)
def test_restricted_child_is_hidden(client, world, page):
    client.force_login(world.users["leader"])
    assert client.get(f"/children/{world.children['restricted'].pk}/{page}").status_code == 404


def test_unrelated_worker_cannot_open_a_visit_or_session(client, world):
    child = world.children["own"]
    visit = make_visit(child, world.users["sw_north"], date(2026, 2, 2))
    session = make_session(child, world.users["sw_north"], date(2026, 2, 2))
    client.force_login(world.users["sw_south"])
    for url in (
        f"/children/{child.pk}/visits/{visit.pk}/",
        f"/children/{child.pk}/visits/{visit.pk}/edit/",
        f"/children/{child.pk}/direct-work/{session.pk}/",
        f"/children/{child.pk}/direct-work/{session.pk}/edit/",
    ):
        assert client.get(url).status_code == 403, url


def test_a_visit_of_another_child_is_not_found_under_this_one(client, world):
    visit = make_visit(world.children["team"], world.users["sw_north_2"], date(2026, 2, 2))
    client.force_login(world.users["sw_north"])
    assert client.get(f"/children/{world.children['own'].pk}/visits/{visit.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["inspector", "qa"])
def test_inspectors_and_auditors_read_but_do_not_record(client, world, role):
    child, sw = world.children["own"], world.users["sw_north"]
    visit = make_visit(child, sw, date(2026, 2, 2), child_said="Words for the inspector")
    session = make_session(child, sw, date(2026, 2, 3))
    client.force_login(world.users[role])
    for url in (
        f"/children/{child.pk}/visits/",
        f"/children/{child.pk}/visits/{visit.pk}/",
        f"/children/{child.pk}/direct-work/",
        f"/children/{child.pk}/direct-work/{session.pk}/",
        f"/children/{child.pk}/voice/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Record a visit" not in body and "Correct this" not in body, url
    assert "Words for the inspector" in client.get(f"/children/{child.pk}/voice/").content.decode()
    for url in (
        f"/children/{child.pk}/visits/new/",
        f"/children/{child.pk}/direct-work/new/",
        f"/children/{child.pk}/visits/{visit.pk}/edit/",
        f"/children/{child.pk}/direct-work/{session.pk}/edit/",
        f"/children/{child.pk}/visits/frequency/",
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, _visit_post()).status_code == 403, url
    assert Visit.objects.count() == 1 and DirectWorkSession.objects.count() == 1
    record = client.get(f"/children/{child.pk}/").content.decode()
    assert "Last seen" in record and "Record a visit" not in record


def test_each_page_view_is_logged(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    client.get(f"/children/{child.pk}/voice/")
    assert ChildView.objects.filter(child=child, page="Child's voice").count() == 1


# ---------------------------------------------------------------------------------------------
# Lists, the child record and My work
# ---------------------------------------------------------------------------------------------


def test_voice_is_paginated_newest_first(client, world, settings):
    settings.PAGE_SIZE = 3
    child, sw = world.children["own"], world.users["sw_north"]
    for i in range(5):
        make_visit(child, sw, date(2026, 2, 1) + timedelta(days=i), child_said=f"Words number {i}")
    client.force_login(sw)
    first = client.get(f"/children/{child.pk}/voice/").content.decode()
    assert first.index("Words number 4") < first.index("Words number 3") < first.index("Words number 2")
    assert "Words number 1" not in first
    second = client.get(f"/children/{child.pk}/voice/?page=2").content.decode()
    assert "Words number 1" in second and "Words number 0" in second and "Words number 4" not in second


def test_visit_list_is_paginated_with_fixed_queries(client, world, settings, django_assert_max_num_queries):
    settings.PAGE_SIZE = 10
    child, sw = world.children["own"], world.users["sw_north"]
    for i in range(25):
        make_visit(child, sw, date(2026, 1, 1) + timedelta(days=i))
    client.force_login(sw)
    client.get(f"/children/{child.pk}/visits/")  # warm the session and settings caches
    with django_assert_max_num_queries(14):
        body = client.get(f"/children/{child.pk}/visits/?page=2").content.decode()
    assert "11 to 20 of 25" in body


def test_child_record_shows_the_seen_panel_and_latest_records(client, world, django_assert_max_num_queries):
    child, sw = world.children["own"], world.users["sw_north"]
    today = timezone.localdate()
    for i in range(7):
        make_visit(child, sw, today - timedelta(weeks=5 + i), seen_alone=(i == 3))
    for i in range(7):
        make_session(child, sw, today - timedelta(days=40 + i), method=f"Method {i}")
    client.force_login(sw)
    body = client.get(f"/children/{child.pk}/").content.decode()
    assert "Overdue" in body
    assert (today - timedelta(weeks=8)).strftime("%-d %B %Y") in body  # last seen alone
    assert "Method 0" in body and "Method 4" in body and "Method 5" not in body  # the latest five
    assert "Record a visit" in body and "Record direct work" in body
    assert f"/children/{child.pk}/voice/" in body


def test_my_work_shows_overdue_visits(client, world):
    child, sw = world.children["own"], world.users["sw_north"]
    make_visit(child, sw, timezone.localdate() - timedelta(weeks=6))
    client.force_login(sw)
    body = client.get("/my-work/").content.decode()
    assert "Child in need visit" in body
    assert f"/children/{child.pk}/visits/new/" in body
    make_visit(child, sw, timezone.localdate())
    body = client.get("/my-work/").content.decode()
    assert "Child in need visit" not in body


# ---------------------------------------------------------------------------------------------
# The plan's own visit frequency
# ---------------------------------------------------------------------------------------------


def _current_plan(world):
    from lantern.casework.models import CINEpisode, CINPlan, CINPlanChild, WorkStatus

    child = world.children["own"]
    plan = CINPlan.objects.create(
        title="Owens plan", author=world.users["sw_north"], status=WorkStatus.APPROVED, start_date=date(2026, 2, 1)
    )
    return CINPlanChild.objects.create(
        plan=plan, child=child, episode=CINEpisode.objects.get(child=child), start_date=date(2026, 2, 1)
    )


def test_worker_sets_the_plans_visit_frequency(client, world):
    section = _current_plan(world)
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    body = client.post(f"/children/{child.pk}/visits/frequency/", {"weeks": "2", "reason": ""}).content.decode()
    assert links_to(body, "reason")
    assert not hasattr(section, "visit_frequency") or section.visit_frequency is None
    response = client.post(f"/children/{child.pk}/visits/frequency/", {"weeks": "2", "reason": "Agreed at review"})
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.visit_frequency.weeks == 2
    assert "every 2 weeks (set in the CIN plan)" in client.get(f"/children/{child.pk}/visits/").content.decode()
    client.post(f"/children/{child.pk}/visits/frequency/", {"weeks": "", "reason": "Back to normal"})
    section.visit_frequency.refresh_from_db()
    assert section.visit_frequency.weeks is None
    assert section.visit_frequency.history.count() == 2


def test_without_a_current_plan_the_frequency_page_explains(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    body = client.get(f"/children/{child.pk}/visits/frequency/").content.decode()
    assert "has no current child in need plan" in body
