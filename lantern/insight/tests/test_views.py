"""The pages: the dashboard, a team's list, a child's alerts, a manager's response, the standards
page; what the standards add to the child record, My work, the team page and the navigation;
who may do what; errors next to fields; fixed query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.casework.selectors import work_items
from lantern.core.local_settings import get_setting
from lantern.core.models import LocalSetting
from lantern.insight.models import Alert, AlertResponse, EvaluationRun, RunStatus
from lantern.insight.services import standards_evaluate
from lantern.insight.tests.conftest import AS_OF, contact
from lantern.testing import error_links, links_to

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def alert(child, standard="plan_review_overdue", *, since=date(2026, 3, 1), team=None, owner=None, **fields):
    return Alert.objects.create(
        standard=standard,
        child=child,
        key=f"{standard}:c{child.pk}:{fields.get('subject_kind', 'child')}:{fields.get('subject_id', '')}",
        since=since,
        raised_at=timezone.now(),
        team=team,
        owner=owner,
        **fields,
    )


def when(prefix: str, day: date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


@pytest.fixture
def alerts(world):
    """An open alert for each child of the world, in the team holding them; one cleared."""
    made = {
        name: alert(child, team=child.allocations.get().team, owner=child.allocations.get().worker)
        for name, child in world.children.items()
    }
    old = alert(world.children["own"], "visit_overdue", since=date(2026, 1, 1), team=world.north)
    old.cleared_at, old.cleared_reason = timezone.now(), "fixed"
    old.save()
    return made


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sw_north", "fsw_north"])
def test_dashboard_refused_to_workers(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("insight:dashboard")).status_code == 403


def test_dashboard_for_a_leader_counts_by_team_without_restricted_children(client, world, alerts):
    client.force_login(world.users["leader"])
    response = client.get(reverse("insight:dashboard"))
    assert response.status_code == 200
    data = response.context["data"]
    by_team = {row.name: row.total for row in data.teams}
    assert by_team == {"North locality": 2, "South locality": 1, "West disabled children": 1}  # not the restricted
    assert data.total == 4
    html = response.content.decode()
    assert 'role="img"' in html and "<title" in html and "The numbers in the chart" in html
    assert "Check the standards now" in html


def test_dashboard_for_a_team_manager_is_their_childrens(client, world, alerts):
    client.force_login(world.users["tm_north"])
    response = client.get(reverse("insight:dashboard"))
    data = response.context["data"]
    assert {row.name: row.total for row in data.teams} == {"North locality": 3}  # incl. restricted on their list
    assert "Check the standards now" not in response.content.decode()


def test_dashboard_trend_counts_each_day_from_since_to_clearing(client, world):
    today = timezone.localdate()
    a = alert(world.children["own"], since=today - timedelta(days=10), team=world.north)
    alert(world.children["team"], since=today - timedelta(days=200), team=world.north)
    a.cleared_at, a.cleared_reason = timezone.now() - timedelta(days=3), "fixed"
    a.save()
    client.force_login(world.users["leader"])
    trend = dict(client.get(reverse("insight:dashboard")).context["data"].trend)
    assert trend[today - timedelta(days=83)] == 1
    assert trend[today - timedelta(days=10)] == 2
    assert trend[today] == 1


def test_dashboard_query_count_is_fixed(client, world, alerts, django_assert_max_num_queries):
    client.force_login(world.users["leader"])
    client.get(reverse("insight:dashboard"))
    with django_assert_max_num_queries(14):
        client.get(reverse("insight:dashboard"))
    for _ in range(20):
        child = f.make_child()
        f.allocate(child, team=f.make_team(), worker=None)
        alert(child, team=child.allocations.get().team)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("insight:dashboard")).status_code == 200


def test_evaluate_now_runs_in_the_background_and_shows_progress(client, world, settings):
    settings.TASKS = IMMEDIATE
    client.force_login(world.users["leader"])
    response = client.post(reverse("insight:evaluate"))
    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("insight:run", args=[run.pk])
    assert run.status == RunStatus.DONE and run.created_by == world.users["leader"]
    page = client.get(response.url)
    assert "The standards have been checked" in page.content.decode() and "Refresh" not in page


def test_a_queued_run_page_refreshes_itself(client, world, live_worker):
    run = EvaluationRun.objects.create(as_of=AS_OF, created_by=world.users["leader"])
    client.force_login(world.users["qa"])
    page = client.get(reverse("insight:run", args=[run.pk]))
    assert page["Refresh"] == "2" and "Waiting to start" in page.content.decode()
    assert "Refresh" not in client.get(reverse("insight:run", args=[run.pk]) + "?refresh=off")


@pytest.mark.parametrize("role", ["tm_north", "sm_cin", "inspector", "sw_north"])
def test_evaluate_now_refused_to_other_roles(client, world, role):
    client.force_login(world.users[role])
    assert client.post(reverse("insight:evaluate")).status_code == 403
    assert not EvaluationRun.objects.exists()


# ---------------------------------------------------------------------------------------------
# A team's list
# ---------------------------------------------------------------------------------------------


def test_team_list_for_its_manager_with_a_standard_filter(client, world, alerts):
    alert(world.children["team"], "visit_overdue", team=world.north)
    client.force_login(world.users["tm_north"])
    url = reverse("insight:team_alerts", args=[world.north.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 4
    html = response.content.decode()
    assert "Olivia Owens" in html and "CIN plan review overdue" in html
    filtered = client.get(url, {"standard": "visit_overdue"})
    assert [r.alert.standard for r in filtered.context["rows"]] == ["visit_overdue"]
    assert len(client.get(url, {"standard": "nonsense"}).context["rows"]) == 4


def test_team_list_refused_for_another_team_and_for_workers(client, world, alerts):
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("insight:team_alerts", args=[world.south.pk])).status_code == 403
    client.force_login(world.users["sw_north"])
    assert client.get(reverse("insight:team_alerts", args=[world.north.pk])).status_code == 403


def test_team_list_shows_alerts_about_workers(client, world):
    Alert.objects.create(
        standard="supervision_overdue", worker=world.users["sw_north"], key="s:w", since=AS_OF,
        raised_at=timezone.now(), team=world.north, owner=world.users["sw_north"], subject_kind="worker",
    )  # fmt: skip
    client.force_login(world.users["tm_north"])
    html = client.get(reverse("insight:team_alerts", args=[world.north.pk])).content.decode()
    assert "Supervision overdue" in html and world.users["sw_north"].display_name in html
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("insight:dashboard")).context["data"].total == 1


def test_team_list_query_count_is_fixed(client, world, alerts, django_assert_max_num_queries):
    client.force_login(world.users["tm_north"])
    url = reverse("insight:team_alerts", args=[world.north.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        client.get(url)
    for _ in range(15):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["sw_north"])
        alert(child, team=world.north)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.context["page_obj"].paginator.count == 18


# ---------------------------------------------------------------------------------------------
# A child's alerts and the child record
# ---------------------------------------------------------------------------------------------


def test_child_alerts_page_shows_open_and_cleared(client, world, alerts):
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("insight:child_alerts", args=[world.children["own"].pk]))
    assert response.status_code == 200
    assert [r.alert.standard for r in response.context["open_rows"]] == ["plan_review_overdue"]
    assert [r.alert.standard for r in response.context["cleared_rows"]] == ["visit_overdue"]
    html = response.content.decode()
    assert "Respond" not in html  # a worker cannot respond
    assert reverse("casework:child", args=[world.children["own"].pk]) in html


def test_child_record_panel_at_the_top_with_respond_for_the_manager(client, world, alerts):
    child = world.children["own"]
    client.force_login(world.users["tm_north"])
    html = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "Practice alerts (1)" in html
    assert html.index("Practice alerts (1)") < html.index('id="identity"')
    assert reverse("insight:respond", args=[child.pk, alerts["own"].pk]) in html
    client.force_login(world.users["sw_north"])
    html = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "Practice alerts (1)" in html and reverse("insight:respond", args=[child.pk, alerts["own"].pk]) not in html


def test_audience_hides_standards_not_shown_to_a_role(client, world):
    child = world.children["own"]
    alert(child, "oversight_overdue", team=world.north)  # shown to managers, not workers
    client.force_login(world.users["sw_north"])
    assert "Practice alerts (" not in client.get(reverse("casework:child", args=[child.pk])).content.decode()
    client.force_login(world.users["tm_north"])
    assert "Practice alerts (1)" in client.get(reverse("casework:child", args=[child.pk])).content.decode()


def test_my_work_lists_alerts_for_the_workers_children(client, world, alerts):
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("casework:my_work"))
    items = [i for i, _ in response.context["due"] if i.kind == "alert"]
    assert [(i.child_id, i.what, i.due) for i in items] == [
        (world.children["own"].pk, "Practice alert: CIN plan review overdue", date(2026, 3, 1))
    ]


def test_team_page_and_navigation_link_to_the_alerts(client, world):
    client.force_login(world.users["tm_north"])
    html = client.get(reverse("workforce:team", args=[world.north.pk])).content.decode()
    assert reverse("insight:team_alerts", args=[world.north.pk]) in html
    assert f'href="{reverse("insight:dashboard")}"' in html
    client.force_login(world.users["sw_north"])
    assert f'href="{reverse("insight:dashboard")}"' not in client.get(reverse("casework:caseload")).content.decode()


# ---------------------------------------------------------------------------------------------
# Responding
# ---------------------------------------------------------------------------------------------


def test_manager_responds_and_the_decision_is_signed_oversight_on_the_file(client, world, alerts):
    child, item = world.children["own"], alerts["own"]
    client.force_login(world.users["tm_north"])
    url = reverse("insight:respond", args=[child.pk, item.pk])
    assert client.get(url).status_code == 200
    next_date = timezone.localdate() + timedelta(days=14)
    response = client.post(url, {
        "decision": "Review the plan with the family this week.",
        "rationale": "Three months without a review; the family's situation has changed.",
        **when("next_oversight_date", next_date),
    })  # fmt: skip
    assert response.status_code == 302
    response_row = AlertResponse.objects.get()
    entry = response_row.oversight_entry
    assert entry.child == child and entry.signed_at is not None and entry.signed_by == world.users["tm_north"]
    assert "CIN plan review overdue" in entry.direction and "Review the plan" in entry.direction
    assert entry.rationale.startswith("Three months")
    item.refresh_from_db()
    assert item.cleared_at is None  # responding does not clear the alert
    html = client.get(reverse("insight:child_alerts", args=[child.pk])).content.decode()
    assert "Decision by" in html and reverse("oversight:entry", args=[child.pk, entry.pk]) in html


def test_respond_needs_a_decision_rationale_and_next_oversight_date(client, world, alerts):
    child, item = world.children["own"], alerts["own"]
    client.force_login(world.users["tm_north"])
    url = reverse("insight:respond", args=[child.pk, item.pk])
    response = client.post(url, {"decision": "", "rationale": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert links_to(html, "decision") and links_to(html, "rationale")
    response = client.post(url, {"decision": "Review now", "rationale": "Overdue"})
    assert links_to(response.content.decode(), "next_oversight_date")
    error_links(response.content.decode())
    assert not AlertResponse.objects.exists()
    from lantern.oversight.models import OversightEntry

    assert not OversightEntry.objects.exists()  # nothing half-saved


@pytest.mark.parametrize("role", ["sw_north", "qa", "inspector", "tm_north"])
def test_respond_refused_to_roles_that_do_not_manage_the_child(client, world, alerts, role):
    child = world.children["south"] if role == "tm_north" else world.children["own"]
    client.force_login(world.users[role])
    url = reverse("insight:respond", args=[child.pk, alerts["south" if role == "tm_north" else "own"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "x", "rationale": "y"}).status_code == 403
    assert not AlertResponse.objects.exists()


def test_respond_to_another_childs_alert_or_a_cleared_one_is_not_found(client, world, alerts):
    client.force_login(world.users["tm_north"])
    other = reverse("insight:respond", args=[world.children["own"].pk, alerts["team"].pk])
    assert client.get(other).status_code == 404
    alerts["own"].cleared_at, alerts["own"].cleared_reason = timezone.now(), "fixed"
    alerts["own"].save()
    assert client.get(reverse("insight:respond", args=[world.children["own"].pk, alerts["own"].pk])).status_code == 404


def test_neglect_response_can_record_a_child_protection_consideration_which_resolves_it(client, world, new_child):
    child, _ = new_child(date(2025, 6, 2), primary_need="N1")
    standards_evaluate()
    item = Alert.objects.get(child=child, standard="neglect_unescalated")
    client.force_login(world.users["tm_north"])
    url = reverse("insight:respond", args=[child.pk, item.pk])
    assert "child protection consideration" in client.get(url).content.decode()
    next_date = timezone.localdate() + timedelta(days=14)
    client.post(url, {
        "decision": "Neglect has gone on too long: convene a strategy discussion if no change in 2 weeks.",
        "rationale": "Six months of support without change.", "child_protection_considered": "yes",
        **when("next_oversight_date", next_date),
    })  # fmt: skip
    assert AlertResponse.objects.get().child_protection_considered
    item.refresh_from_db()
    assert item.cleared_at is None
    standards_evaluate()
    item.refresh_from_db()
    assert item.cleared_at is not None and item.cleared_reason == "fixed"


# ---------------------------------------------------------------------------------------------
# The standards page
# ---------------------------------------------------------------------------------------------


def test_standards_page_lists_every_standard_for_anyone(client, world):
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("insight:standards"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count('class="govuk-table__row" id=') >= 18
    assert "Referral decision overdue" in html and "1 working days" in html
    assert "Only senior leaders and administrators can change the standards." in html


def test_leader_changes_a_parameter_and_switches_a_standard_off_with_history(client, world):
    client.force_login(world.users["leader"])
    url = reverse("insight:standard", args=["visit_overdue"])
    response = client.post(url, {"enabled": "yes", "cin_visit_weeks": "3", "cp_visit_working_days": "10"})
    assert response.status_code == 302
    assert get_setting("cin_visit_weeks") == 3
    assert LocalSetting.objects.get(key="cin_visit_weeks").updated_by == world.users["leader"]
    client.post(url, {"enabled": "no", "cin_visit_weeks": "3", "cp_visit_working_days": "10"})
    assert get_setting("standard_on_visit_overdue") is False
    html = client.get(url).content.decode()
    assert "CIN visits at least every" in html and world.users["leader"].display_name in html


def test_invalid_parameters_are_shown_next_to_the_field_and_nothing_is_saved(client, world):
    client.force_login(world.users["leader"])
    url = reverse("insight:standard", args=["visit_overdue"])
    response = client.post(url, {"enabled": "", "cin_visit_weeks": "four", "cp_visit_working_days": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert links_to(html, "enabled") and links_to(html, "cin_visit_weeks") and links_to(html, "cp_visit_working_days")
    assert "must be a whole number" in html and "must be from 1 to 60" in html
    assert not LocalSetting.objects.exists()


def test_staff_may_change_standards_and_managers_may_not(client, world):
    url = reverse("insight:standard", args=["caseload_over_threshold"])
    data = {"enabled": "yes", "caseload_sw_red": "28", "caseload_fsw_red": "25", "caseload_weighting": "yes",
            "caseload_cp_weight": "1.5"}  # fmt: skip
    client.force_login(world.users["tm_north"])
    assert client.post(url, data).status_code == 403
    assert get_setting("caseload_sw_red") == 30
    admin = world.users["qa"]
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.post(url, data).status_code == 302
    assert (get_setting("caseload_sw_red"), get_setting("caseload_weighting"), get_setting("caseload_cp_weight")) == (
        28,
        True,
        1.5,
    )


def test_unknown_standard_is_not_found(client, world):
    client.force_login(world.users["leader"])
    assert client.get(reverse("insight:standard", args=["nope"])).status_code == 404


def test_a_standard_switched_off_raises_nothing(world):
    from lantern.core.local_settings import set_setting

    set_setting("standard_on_referral_decision", False)
    contact(world.children["own"], date(2026, 3, 27))
    standards_evaluate(as_of=AS_OF)
    assert not Alert.objects.filter(standard="referral_decision").exists()


def test_child_record_and_my_work_queries_do_not_grow_with_alerts(client, world, django_assert_max_num_queries):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    alert(child, "visit_overdue", team=world.north)
    url = reverse("casework:child", args=[child.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    with CaptureQueriesContext(connection) as one_work:
        work_items(world.users["sw_north"])
    for i, key in enumerate(["plan_review_overdue", "not_seen_alone", "chronology_silent", "assessment_timescale"]):
        alert(child, key, team=world.north, subject_kind="child", subject_id=i + 1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert "Practice alerts (5)" in html
    with django_assert_max_num_queries(len(one_work.captured_queries)):
        assert len([i for i in work_items(world.users["sw_north"]) if i.kind == "alert"]) == 5


# ---------------------------------------------------------------------------------------------
# One response per alert (issue 12: 20 responses to one alert created 20 signed oversight entries)
# ---------------------------------------------------------------------------------------------


def _response_post() -> dict:
    return {
        "decision": "Review the plan with the family this week.",
        "rationale": "Three months without a review.",
        **when("next_oversight_date", timezone.localdate() + timedelta(days=14)),
    }


def test_a_double_click_on_respond_records_one_response_and_one_oversight_entry(client, world, alerts):
    from lantern.oversight.models import OversightEntry

    child, item = world.children["own"], alerts["own"]
    client.force_login(world.users["tm_north"])
    url = reverse("insight:respond", args=[child.pk, item.pk])
    assert client.post(url, _response_post()).status_code == 302
    second = client.post(url, _response_post(), follow=True)
    assert second.status_code == 200
    assert "was already responded to by" in second.content.decode()
    assert AlertResponse.objects.filter(alert=item).count() == 1
    assert OversightEntry.objects.filter(child=child).count() == 1
    # The respond link is gone, and opening the form again says who answered.
    html = client.get(reverse("insight:child_alerts", args=[child.pk])).content.decode()
    assert url not in html
    again = client.get(url, follow=True)
    assert "was already responded to by" in again.content.decode()


def test_the_database_holds_one_response_per_alert(world, alerts):
    from django.db import IntegrityError, transaction

    from lantern.insight.services import alert_respond

    item = alerts["own"]
    first = alert_respond(
        alert=item,
        by=world.users["tm_north"],
        decision="Act",
        rationale="Overdue",
        next_oversight_date=timezone.localdate() + timedelta(days=14),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertResponse.objects.create(
            alert=item,
            oversight_entry=first.oversight_entry,
            decision="Again",
            rationale="Again",
            responded_by=world.users["sm_cin"],
        )


@pytest.mark.django_db(transaction=True)
def test_20_simultaneous_responses_to_one_alert_record_one(world, alerts):
    if connection.vendor != "postgresql":
        pytest.skip("Simultaneous requests are proved on PostgreSQL: SQLite runs one writer at a time")
    from django.test import Client

    from lantern.casework.tests.test_decisions import _post_all
    from lantern.oversight.models import OversightEntry

    child, item = world.children["own"], alerts["own"]
    url = reverse("insight:respond", args=[child.pk, item.pk])
    posts = []
    for _ in range(20):
        manager = Client()
        manager.force_login(world.users["tm_north"])
        posts.append((manager, url, _response_post()))
    statuses = _post_all(posts)
    assert set(statuses) == {302}, statuses
    assert AlertResponse.objects.filter(alert=item).count() == 1
    assert OversightEntry.objects.filter(child=child).count() == 1
