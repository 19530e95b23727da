"""Teams and services (with what each holds, L3) and council settings: validated, dated, with
who and why, in the history and the administration log."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.administration.models import AdminEvent, AdminEventKind
from lantern.core.local_settings import get_setting, set_setting
from lantern.core.models import LocalSetting
from lantern.workforce.models import Role, Team, TeamResponsibility
from lantern.workforce.selectors import teams_holding


@pytest.fixture
def admin(world):
    return f.make_worker("council.admin", role=Role.COUNCIL_ADMIN, first_name="Ada", last_name="Admin")


def as_user(worker) -> Client:
    client = Client()
    client.force_login(worker)
    return client


def _today() -> dict:
    day = timezone.localdate()
    return {"effective_date_day": day.day, "effective_date_month": day.month, "effective_date_year": day.year}


def test_create_rename_and_retire_a_team_only_when_empty(world, admin):
    client = as_user(admin)
    refused = client.post(reverse("administration:team_create"), {"name": "East", "type": ""})
    assert "Select the type of team" in refused.content.decode()
    refused = client.post(
        reverse("administration:team_create"),
        {"name": "north LOCALITY", "type": "locality", "service": world.north.service_id},
    )
    assert "A team with that name already exists" in refused.content.decode()
    client.post(
        reverse("administration:team_create"),
        {"name": "East locality", "type": "locality", "service": world.north.service_id},
    )
    east = Team.objects.get(name="East locality")
    url = reverse("administration:team", args=[east.pk])
    no_reason = client.post(
        url, {"action": "update", "team-name": "East CIN", "team-type": "locality", "team-service": east.service_id}
    )
    assert "Enter why the team is changing" in no_reason.content.decode()
    client.post(
        url,
        {
            "action": "update",
            "team-name": "East CIN",
            "team-type": "cin_hub",
            "team-service": east.service_id,
            "team-reason": "Merger",
        },
    )
    east.refresh_from_db()
    assert (east.name, east.type) == ("East CIN", "cin_hub")
    assert "renamed from East locality to East CIN" in AdminEvent.objects.get(kind=AdminEventKind.TEAM_CHANGED).summary
    # North holds children and staff: it cannot be retired.
    north_page = client.get(reverse("administration:team", args=[world.north.pk])).content.decode()
    assert "can be retired only when it is empty" in north_page
    client.post(reverse("administration:team", args=[world.north.pk]), {"action": "retire", "retire-reason": "Closing"})
    world.north.refresh_from_db()
    assert world.north.active
    client.post(url, {"action": "retire", "retire-reason": "No longer needed"})
    east.refresh_from_db()
    assert not east.active
    assert AdminEvent.objects.filter(kind=AdminEventKind.TEAM_RETIRED, team=east, actor=admin).exists()
    assert east not in client.get(reverse("administration:staff_create")).context["form"].fields["team"].queryset


def test_what_a_team_holds_is_one_configuration_the_pathway_reads(world, admin):
    client = as_user(admin)
    url = reverse("administration:team", args=[world.north.pk])
    refused = client.post(url, {"action": "holds", "levels": ["cin", "bogus"], "reason": "x"})
    assert refused.status_code == 200 and not TeamResponsibility.objects.exists()
    client.post(
        url,
        {
            "action": "holds",
            "levels": ["cin", "eh"],
            "steps": ["assessment", "cin_plan"],
            "reason": "CIN back to localities",
        },
    )
    assert list(teams_holding(level="cin")) == [world.north]
    assert list(teams_holding(step="assessment")) == [world.north]
    assert not teams_holding(level="cp").exists()
    client.post(
        url, {"action": "holds", "levels": ["cin"], "steps": ["assessment", "cin_plan"], "reason": "EH to early help"}
    )
    assert not teams_holding(level="eh").exists()
    event = AdminEvent.objects.filter(kind=AdminEventKind.TEAM_RESPONSIBILITIES).first()
    assert "no longer Early help" in event.summary and event.reason == "EH to early help"
    assert TeamResponsibility.history.filter(history_type="-").count() == 1
    listing = client.get(reverse("administration:teams")).content.decode()
    assert "Child in need" in listing


def test_a_setting_changed_with_validation_date_and_reason(world, admin):
    client = as_user(admin)
    url = reverse("administration:setting", args=["caseload_sw_amber"])
    for bad, message in (
        ("abc", "Enter a whole number"),
        ("-3", "Enter a whole number"),
        ("31", "must not be above the red"),
    ):
        page = client.post(url, {"value": bad, "reason": "x", **_today()}).content.decode()
        assert message in page, bad
    assert "Enter why the setting is changing" in client.post(url, {"value": "18", **_today()}).content.decode()
    assert get_setting("caseload_sw_amber") == 20
    response = client.post(url, {"value": "18", "reason": "Agreed at the workforce board", **_today()})
    assert response.status_code == 302
    assert get_setting("caseload_sw_amber") == 18
    stored = LocalSetting.objects.get(key="caseload_sw_amber")
    assert (stored.updated_by, stored.reason, stored.effective_from) == (
        admin,
        "Agreed at the workforce board",
        timezone.localdate(),
    )
    event = AdminEvent.objects.get(kind=AdminEventKind.SETTING_CHANGED)
    assert event.summary.endswith("20 to 18") and event.actor == admin
    page = client.get(url).content.decode()
    assert "Agreed at the workforce board" in page and "Ada Admin" in page
    # A switch and a text setting
    client.post(
        reverse("administration:setting", args=["caseload_weighting"]), {"value": "on", "reason": "Try it", **_today()}
    )
    assert get_setting("caseload_weighting") is True
    page = client.post(
        reverse("administration:setting", args=["la_code"]), {"value": "12a", "reason": "x", **_today()}
    ).content
    assert b"in the right form" in page and get_setting("la_code") == "888"
    assert client.get(reverse("administration:setting", args=["no_such"])).status_code == 404
    # Every registered setting is listed.
    from lantern.core.local_settings import DEFINITIONS

    listing = client.get(reverse("administration:settings")).content.decode()
    assert all(reverse("administration:setting", args=[key]) in listing for key in DEFINITIONS)


def test_a_setting_changed_by_another_route_reaches_the_log(world):
    leader = world.users["leader"]
    set_setting("oversight_weeks", 6, user=leader, reason="Standards page")
    event = AdminEvent.objects.get(kind=AdminEventKind.SETTING_CHANGED, setting_key="oversight_weeks")
    assert event.actor == leader and event.summary.endswith("4 to 6")
    page = as_user(leader).get(reverse("administration:log")).content.decode()
    assert "Standards page" in page
