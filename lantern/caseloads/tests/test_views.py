"""Caseload pages: who may open them, what they show, and that they stay at a fixed number of
queries whatever the size of the team or service."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.access.models import ChildView
from lantern.caseloads import services
from lantern.caseloads.models import AllocationDecision
from lantern.core.local_settings import set_setting
from lantern.testing import error_links, links_to
from lantern.workforce.models import Allocation, AllocationReason, AllocationRole, Role

pytestmark = pytest.mark.django_db

EVERY_ROLE = ["sw_north", "sw_north_2", "fsw_north", "tm_north", "sw_south", "sm_cin", "qa", "leader", "inspector"]


def _status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


# ---------------------------------------------------------------------------------------------
# Who may open what
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["team", "continuity", "decisions"])
@pytest.mark.parametrize(
    ("role", "north", "south", "west"),
    [
        ("tm_north", 200, 403, 403),
        ("sm_cin", 200, 200, 403),
        ("qa", 200, 200, 200),
        ("leader", 200, 200, 200),
        ("inspector", 200, 200, 200),
        ("sw_north", 403, 403, 403),
        ("fsw_north", 403, 403, 403),
        ("sw_south", 403, 403, 403),
    ],
)
def test_team_pages_by_role(client, world, name, role, north, south, west):
    user = world.users[role]
    for team, expected in ((world.north, north), (world.south, south), (world.west, west)):
        assert _status(client, user, reverse(f"caseloads:{name}", args=[team.pk])) == expected, team


@pytest.mark.parametrize("name", ["service", "transition"])
@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("sm_cin", 200, 403),
        ("leader", 200, 200),
        ("qa", 200, 200),
        ("inspector", 200, 200),
        ("tm_north", 403, 403),
        ("sw_north", 403, 403),
        ("fsw_north", 403, 403),
    ],
)
def test_service_pages_by_role(client, world, name, role, own, other):
    user = world.users[role]
    assert _status(client, user, reverse(f"caseloads:{name}", args=[world.north.service_id])) == own
    assert _status(client, user, reverse(f"caseloads:{name}", args=[world.west.service_id])) == other


def test_missing_team_or_service_is_404(client, world):
    client.force_login(world.users["leader"])
    assert client.get(reverse("caseloads:team", args=[99999])).status_code == 404
    assert client.get(reverse("caseloads:service", args=[99999])).status_code == 404


def test_overview_sends_managers_to_their_own_dashboard_and_refuses_workers(client, world):
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("caseloads:overview")).url == reverse("caseloads:team", args=[world.north.pk])
    client.force_login(world.users["sm_cin"])
    assert client.get(reverse("caseloads:overview")).url == reverse("caseloads:service", args=[world.north.service_id])
    for role in ("sw_north", "fsw_north"):
        assert _status(client, world.users[role], reverse("caseloads:overview")) == 403
    for role in ("leader", "qa", "inspector"):
        assert _status(client, world.users[role], reverse("caseloads:overview")) == 200
        assert _status(client, world.users[role], reverse("caseloads:council_transition")) == 200
    assert _status(client, world.users["sm_cin"], reverse("caseloads:council_transition")) == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("tm_north", 200),
        ("sm_cin", 200),
        ("leader", 403),
        ("qa", 403),
        ("inspector", 403),
        ("sw_north", 403),
        ("sw_north_2", 403),
        ("fsw_north", 403),
        ("sw_south", 403),
    ],
)
def test_only_the_holding_teams_managers_allocate(client, world, role, expected):
    url = reverse("caseloads:allocate", args=[world.children["team"].pk])
    client.force_login(world.users[role])
    assert client.get(url).status_code == expected
    response = client.post(url, {"worker": world.users["fsw_north"].pk, "reason": AllocationReason.OTHER})
    if expected == 403:
        assert response.status_code == 403
        assert not Allocation.objects.filter(worker=world.users["fsw_north"]).exists()


def test_team_manager_of_another_team_cannot_allocate(client, world):
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("caseloads:allocate", args=[world.children["south"].pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (
        reverse("caseloads:overview"),
        reverse("caseloads:team", args=[world.north.pk]),
        reverse("caseloads:service", args=[world.north.service_id]),
        reverse("caseloads:transition", args=[world.north.service_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# ---------------------------------------------------------------------------------------------
# What the team dashboard shows
# ---------------------------------------------------------------------------------------------


def test_team_dashboard_shows_each_worker_with_band_chart_and_table(client, world):
    set_setting("caseload_sw_amber", 1)
    waiting = f.make_child(first_name="Wanda", last_name="Waiting")
    f.allocate(waiting, team=world.north, worker=None)
    client.force_login(world.users["tm_north"])
    body = client.get(reverse("caseloads:team", args=[world.north.pk])).content.decode()
    # The chart is an image with a title and a description, and the same figures are in a table.
    assert 'role="img"' in body and 'aria-labelledby="team-caseloads-title team-caseloads-desc"' in body
    assert '<title id="team-caseloads-title">Caseloads in North locality</title>' in body
    assert "Amber 1" in body and "Red 30" in body
    desc = body[body.index('<desc id="team-caseloads-desc">') :]
    name = world.users["sw_north_2"].display_name
    assert f"{name} 2, above the amber threshold" in desc[: desc.index("</desc>")]
    table = body[body.index("The same figures as the chart") :]
    assert "Above amber" in table[: table.index("</table>")]
    # Unallocated children with an Allocate link for the manager.
    assert "Wanda Waiting" in body
    assert reverse("caseloads:allocate", args=[waiting.pk]) in body


def test_leaders_see_the_dashboard_without_allocate_links(client, world):
    waiting = f.make_child(first_name="Wanda", last_name="Waiting")
    f.allocate(waiting, team=world.north, worker=None)
    client.force_login(world.users["leader"])
    body = client.get(reverse("caseloads:team", args=[world.north.pk])).content.decode()
    assert "Wanda Waiting" in body
    assert reverse("caseloads:allocate", args=[waiting.pk]) not in body


def test_team_history_comes_from_snapshots_with_the_current_month_live(client, world):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    services.snapshot_take(month=last_month, today=today)
    client.force_login(world.users["tm_north"])
    body = client.get(reverse("caseloads:team", args=[world.north.pk])).content.decode()
    table = body[body.index("Caseloads month by month") :]
    assert f"{today:%b %Y} (now)" in table
    assert "No snapshot this month" in table  # months before the first snapshot
    assert f"{last_month:%b %Y}" in table
    assert 'id="team-history-title"' in body
    assert "Show 24 months" in body
    assert client.get(reverse("caseloads:team", args=[world.north.pk]) + "?months=24").status_code == 200


def test_dashboards_run_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.users["tm_north"])
    urls = [
        reverse("caseloads:team", args=[world.north.pk]),
        reverse("caseloads:continuity", args=[world.north.pk]),
        reverse("caseloads:decisions", args=[world.north.pk]),
    ]
    sm_urls = [
        reverse("caseloads:service", args=[world.north.service_id]),
        reverse("caseloads:transition", args=[world.north.service_id]),
    ]

    def counts():
        cache.clear()  # council settings are cached: start each round from the same state
        found = []
        for who, batch in ((world.users["tm_north"], urls), (world.users["sm_cin"], sm_urls)):
            client.force_login(who)
            for url in batch:
                with django_assert_max_num_queries(40) as captured:
                    assert client.get(url).status_code == 200
                found.append(len(captured))
        client.force_login(world.users["leader"])
        with django_assert_max_num_queries(40) as captured:
            assert client.get(reverse("caseloads:overview")).status_code == 200
        found.append(len(captured))
        return found

    def grow(n: int) -> None:
        """More workers, children, unallocated children, allocations above a threshold, snapshots."""
        for i in range(n):
            worker = f.make_worker(f"extra{n}.{i}", role=Role.SOCIAL_WORKER, team=world.north)
            for _ in range(3):
                child = f.make_child()
                f.open_cin_episode(child)
                f.allocate(child, team=world.north, worker=None)
                services.allocation_assign(
                    child=child,
                    worker=worker,
                    reason=AllocationReason.NEW_CASE,
                    over_threshold_reason="Test",
                    by=world.users["tm_north"],
                )
            f.allocate(f.make_child(), team=world.north, worker=None)
        today = timezone.localdate()
        services.snapshot_take(month=(today.replace(day=1) - timezone.timedelta(days=1)), today=today)

    set_setting("caseload_sw_amber", 0)
    grow(1)
    small = counts()
    grow(6)
    assert counts() == small


# ---------------------------------------------------------------------------------------------
# Continuity, decisions, service and transition pages
# ---------------------------------------------------------------------------------------------


def test_continuity_lists_children_with_three_or_more_workers_in_twelve_months(client, world):
    child = world.children["own"]
    today = timezone.localdate()
    for i in range(2):
        worker = f.make_worker(f"past{i}", role=Role.SOCIAL_WORKER, team=world.north)
        f.allocate(
            child,
            team=world.north,
            worker=worker,
            start=today - timezone.timedelta(days=200 - i * 50),
            end=today - timezone.timedelta(days=160 - i * 50),
        )
    client.force_login(world.users["tm_north"])
    body = client.get(reverse("caseloads:continuity", args=[world.north.pk])).content.decode()
    assert "Olivia Owens" in body and "1 child." in body
    assert "Tariq Teamson" not in body  # one worker only
    set_setting("worker_changes_flag", 4)
    body = client.get(reverse("caseloads:continuity", args=[world.north.pk])).content.decode()
    assert "Olivia Owens" not in body and "had 4 or more" in body


def test_decisions_list_shows_the_reason_and_hides_restricted_children(client, world):
    set_setting("caseload_sw_amber", 0)
    secret = f.make_child(first_name="Hidden", last_name="Hollis", restricted=True)
    plain = f.make_child(first_name="Paula", last_name="Plain")
    for child, why in ((secret, "Secret reason"), (plain, "Knows the family")):
        f.allocate(child, team=world.north, worker=None)
        services.allocation_assign(
            child=child,
            worker=world.users["sw_north"],
            reason=AllocationReason.NEW_CASE,
            over_threshold_reason=why,
            by=world.users["tm_north"],
        )
    client.force_login(world.users["sm_cin"])  # not on the restricted child's access list
    body = client.get(reverse("caseloads:decisions", args=[world.north.pk])).content.decode()
    assert "Paula Plain" in body and "Knows the family" in body
    assert "Hollis" not in body and "Secret reason" not in body
    body = client.get(reverse("caseloads:team", args=[world.north.pk])).content.decode()
    assert "Knows the family" in body and "Secret reason" not in body
    # Each decision shown names the child and gives the reason: a view of that child, on each page.
    logged = list(ChildView.objects.filter(user=world.users["sm_cin"]).values_list("child_id", "page"))
    assert sorted(logged) == [(plain.pk, "Allocation decisions"), (plain.pk, "Team caseloads")]


def test_service_dashboard_summarises_each_team(client, world):
    set_setting("caseload_sw_amber", 1)
    client.force_login(world.users["sm_cin"])
    body = client.get(reverse("caseloads:service", args=[world.north.service_id])).content.decode()
    assert "North locality" in body and "South locality" in body and "West disabled children" not in body
    assert 'id="service-bands-title"' in body
    # sw.north2 holds 2 (amber); sw.north 1, fsw.north and tm.north none.
    assert "North locality: 3 within, 1 amber, 0 red" in body


def test_transition_view_counts_levels_of_need_by_team_type(client, world):
    south_cp = world.children["south"]
    f.open_cp_plan(south_cp, south_cp.cin_episodes.get())
    services.snapshot_take(month=date(2026, 2, 1), today=date(2026, 2, 28))
    client.force_login(world.users["leader"])
    body = client.get(reverse("caseloads:council_transition")).content.decode()
    assert 'id="transition-cin-title"' in body and 'id="transition-cp-title"' in body
    now = body[body.index('id="teams-now"') :]
    row = now[now.index("South locality") :]
    # South locality: 0 CIN, 1 CP, 0 early help, 1 in all
    cells = [c.split(">")[-1] for c in row[: row.index("</tr>")].split("</td>")[1:5]]
    assert cells == ["0", "1", "0", "1"]
    assert "CIN hub" in now  # the west team's type


# ---------------------------------------------------------------------------------------------
# Allocating
# ---------------------------------------------------------------------------------------------


def _allocate_url(child):
    return reverse("caseloads:allocate", args=[child.pk])


def test_allocate_page_lists_team_workers_with_their_caseloads(client, world):
    client.force_login(world.users["tm_north"])
    body = client.get(_allocate_url(world.children["own"])).content.decode()
    assert world.users["sw_north_2"].display_name in body and "Social worker: 2 now, 3 with this child." in body
    assert f'value="{world.users["sw_north"].pk}"' not in body  # already the lead worker
    assert world.users["sw_south"].display_name not in body


def test_allocate_without_choices_shows_errors_next_to_fields(client, world):
    client.force_login(world.users["tm_north"])
    response = client.post(_allocate_url(world.children["own"]), {"reason": AllocationReason.OTHER})
    body = response.content.decode()
    assert response.status_code == 200
    assert links_to(body, "worker") and links_to(body, "detail")
    assert "Select the worker" in body and "Enter the reason for the allocation" in body
    assert Allocation.objects.filter(child=world.children["own"], end_date__isnull=True).count() == 1


def test_allocating_above_a_threshold_warns_then_records_the_reason(client, world):
    set_setting("caseload_sw_amber", 2)
    child = f.make_child(first_name="Nina", last_name="New")
    f.open_cin_episode(child)
    f.allocate(child, team=world.north, worker=None)
    sw2 = world.users["sw_north_2"]  # holds 2: one more is above amber
    client.force_login(world.users["tm_north"])
    response = client.post(_allocate_url(child), {"worker": sw2.pk, "reason": AllocationReason.NEW_CASE})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-warning-text" in body and "would go above the amber threshold" in body
    assert "from 2 to 3" in body
    assert error_links(body) == ["id_over_threshold_reason"]
    assert "Allocate above the threshold" in body
    assert not Allocation.objects.filter(child=child, worker=sw2).exists()

    response = client.post(
        _allocate_url(child),
        {"worker": sw2.pk, "reason": AllocationReason.NEW_CASE, "over_threshold_reason": "Knows the family"},
    )
    assert response.status_code == 302 and response.url == reverse("casework:child", args=[child.pk])
    lead = Allocation.objects.get(child=child, end_date__isnull=True, role=AllocationRole.LEAD)
    assert lead.worker == sw2 and lead.created_by == world.users["tm_north"]
    assert AllocationDecision.objects.get().reason == "Knows the family"


def test_allocating_within_thresholds_needs_no_extra_reason(client, world):
    client.force_login(world.users["sm_cin"])
    response = client.post(
        _allocate_url(world.children["own"]),
        {"worker": world.users["fsw_north"].pk, "reason": AllocationReason.CASELOAD_BALANCING},
    )
    assert response.status_code == 302
    lead = Allocation.objects.get(child=world.children["own"], end_date__isnull=True, role=AllocationRole.LEAD)
    assert (lead.worker, lead.start_reason) == (world.users["fsw_north"], AllocationReason.CASELOAD_BALANCING)


def test_a_worker_from_another_team_cannot_be_posted(client, world):
    client.force_login(world.users["tm_north"])
    response = client.post(
        _allocate_url(world.children["own"]), {"worker": world.users["sw_south"].pk, "reason": "new_case"}
    )
    assert response.status_code == 200 and links_to(response.content.decode(), "worker")


# ---------------------------------------------------------------------------------------------
# Links on other apps' pages
# ---------------------------------------------------------------------------------------------


def test_links_on_team_page_child_record_and_menu(client, world):
    client.force_login(world.users["tm_north"])
    team_page = client.get(reverse("workforce:team", args=[world.north.pk])).content.decode()
    assert reverse("caseloads:team", args=[world.north.pk]) in team_page
    assert reverse("caseloads:continuity", args=[world.north.pk]) in team_page
    child_page = client.get(reverse("casework:child", args=[world.children["own"].pk])).content.decode()
    assert "Allocate a worker" in child_page
    assert f'href="{reverse("caseloads:team", args=[world.north.pk])}"' in child_page  # the menu
    client.force_login(world.users["sw_north"])
    child_page = client.get(reverse("casework:child", args=[world.children["own"].pk])).content.decode()
    assert "Allocate a worker" not in child_page
    assert ">\n                Caseloads" not in child_page and "caseloads/" not in child_page
    client.force_login(world.users["leader"])
    child_page = client.get(reverse("casework:child", args=[world.children["own"].pk])).content.decode()
    assert "Allocate a worker" not in child_page
    assert f'href="{reverse("caseloads:overview")}"' in child_page


def test_allocating_a_family_support_worker_to_a_child_protection_case_shows_the_error_by_the_worker(client, world):
    child = world.children["own"]
    f.open_cp_plan(child, child.cin_episodes.get(), start=timezone.localdate())
    client.force_login(world.users["tm_north"])
    body = client.post(
        reverse("caseloads:allocate", args=[child.pk]),
        {"worker": world.users["fsw_north"].pk, "reason": AllocationReason.OTHER, "detail": "Capacity"},
    ).content.decode()
    assert "govuk-error-summary" in body and 'id="id_worker-error"' in body
    assert "is a family support worker and this child is on a child protection plan" in body
    assert not Allocation.objects.filter(worker=world.users["fsw_north"], child=child).exists()
