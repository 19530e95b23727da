"""The front door (L8, L10): contacts, the decision within 1 working day, the threshold decision
with the council's levels of need, re-referrals shown at the decision and counted, referrals."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.casework import services
from lantern.casework.models import (
    CINEpisode,
    Contact,
    ContactDecision,
    DecisionRoute,
    EarlyHelpEpisode,
    ThresholdLevel,
)
from lantern.casework.views import front_door as front_door_views
from lantern.people.models import Child, Person
from lantern.people.services import child_create
from lantern.testing import search
from lantern.workforce.models import Allocation, AllocationReason, Role, TeamType

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=10, minute=0, tz=LONDON) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def level(code="child_in_need") -> ThresholdLevel:
    return ThresholdLevel.objects.get(code=code)


def north_child(world, **fields) -> Child:
    """A child with no episode, held by North locality and allocated to sw_north."""
    child = f.make_child(**fields)
    f.allocate(child, team=world.north, worker=world.users["sw_north"])
    return child


def contact_for(child, *, received=None, source="2A", by=None, concern="Bruising seen at school") -> Contact:
    return Contact.objects.create(
        child=child,
        received_at=received or at(2026, 11, 20),
        source=source,
        method="phone",
        contact_name="Ms Patel, class teacher",
        concern=concern,
        recorded_by=by,
    )


def closed_episode(child, *, referral_date, closure_date, reason="RC7", closed_by=None) -> CINEpisode:
    return f.open_cin_episode(
        child, referral_date=referral_date, closure_date=closure_date, closure_reason=reason, closed_by=closed_by
    )


def early_help_team(world):
    return f.make_team("Early help east", service=world.north.service, type=TeamType.EARLY_HELP)


class _Clock:
    """django.utils.timezone with a fixed local date (and, if given, a fixed now)."""

    def __init__(self, today, now=None):
        self._today, self._now = today, now

    def localdate(self, *args, **kwargs):
        return self._today

    def now(self):
        return self._now or timezone.now()

    def __getattr__(self, name):
        return getattr(timezone, name)


# ---------------------------------------------------------------------------------------------
# Services: decision due (1 working day), re-referral window, contacts, decisions, referrals
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2025, 12, 19, 16, 45), date(2025, 12, 22)),  # Friday -> Monday, over the weekend
        (at(2025, 12, 24, 9, 0), date(2025, 12, 29)),  # Christmas Eve -> past Christmas, Boxing Day, weekend
        (at(2026, 4, 2, 11, 0), date(2026, 4, 7)),  # Thursday before Good Friday -> Tuesday after Easter Monday
        (at(2026, 11, 18, 10, 0), date(2026, 11, 19)),  # an ordinary Wednesday -> Thursday
        # 23:30 UTC on Thursday 4 June 2026 is 00:30 on Friday in London: the local date counts.
        (datetime(2026, 6, 4, 23, 30, tzinfo=ZoneInfo("UTC")), date(2026, 6, 8)),
    ],
    ids=["weekend", "christmas", "easter", "weekday", "local-date-in-summer-time"],
)
def test_decision_due_one_working_day_after_receipt(db, received, due):
    assert services.decision_due(Contact(received_at=received)) == due


def test_months_before_keeps_the_day_or_the_month_end():
    assert services._months_before(date(2026, 11, 20), 12) == date(2025, 11, 20)
    assert services._months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert services._months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert services._months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_rereferral_found_at_11_months_30_days_and_at_12_months(world):
    child = north_child(world)
    previous = closed_episode(child, referral_date=date(2025, 11, 21), closure_date=date(2026, 2, 1))
    assert services.previous_referral(child, on=date(2026, 11, 20)) == previous  # 11 months 30 days
    assert services.previous_referral(child, on=date(2026, 11, 21)) == previous  # exactly 12 months: within


def test_rereferral_not_found_at_12_months_and_a_day(world):
    child = north_child(world)
    closed_episode(child, referral_date=date(2025, 11, 19), closure_date=date(2026, 2, 1))
    assert services.previous_referral(child, on=date(2026, 11, 20)) is None


def test_rereferral_is_the_most_recent_referral_and_only_this_childs(world):
    child, other = north_child(world), north_child(world)
    closed_episode(child, referral_date=date(2026, 1, 5), closure_date=date(2026, 2, 1))
    latest = closed_episode(child, referral_date=date(2026, 5, 5), closure_date=date(2026, 6, 1))
    closed_episode(other, referral_date=date(2026, 9, 1), closure_date=date(2026, 9, 30))
    assert services.previous_referral(child, on=date(2026, 11, 20)) == latest


@pytest.fixture
def council_settings(db):
    """Change council settings for one test, and forget the cached values afterwards."""
    from django.core.cache import cache

    from lantern.core.local_settings import set_setting

    yield set_setting
    cache.clear()


def test_windows_are_council_settings(world, council_settings):
    child = north_child(world)
    closed_episode(child, referral_date=date(2026, 4, 1), closure_date=date(2026, 5, 1))
    assert services.previous_referral(child, on=date(2026, 11, 20)) is not None
    council_settings("rereferral_months", 6)
    assert services.previous_referral(child, on=date(2026, 11, 20)) is None
    council_settings("referral_decision_working_days", 2)
    assert services.decision_due(Contact(received_at=at(2025, 12, 19))) == date(2025, 12, 23)


def test_contact_in_the_future_is_refused(world):
    child = north_child(world)
    with pytest.raises(ValidationError) as e:
        services.contact_record(
            child=child,
            received_at=timezone.now() + timezone.timedelta(hours=2),
            source="2A",
            method="phone",
            contact_name="School",
            concern="Worried",
            recorded_by=world.users["sw_north"],
        )
    assert "received_at" in e.value.message_dict
    assert not Contact.objects.filter(child=child).exists()


def test_contact_needs_a_concern_and_census_source_and_method(world):
    child = north_child(world)
    with pytest.raises(ValidationError) as e:
        services.contact_record(
            child=child,
            received_at=at(2026, 11, 20),
            source="ZZ",
            method="pigeon",
            contact_name="",
            concern="   ",
            recorded_by=world.users["sw_north"],
        )
    assert set(e.value.message_dict) == {"source", "method", "concern"}
    assert not Contact.objects.filter(child=child).exists()


def test_contact_recorded(world):
    child = north_child(world)
    contact = services.contact_record(
        child=child,
        received_at=at(2026, 11, 20, 9, 15),
        source="6",
        method="email",
        contact_name="PC Jones",
        concern="Domestic incident",
        recorded_by=world.users["sw_north"],
    )
    assert (contact.child, contact.source, contact.recorded_by) == (child, "6", world.users["sw_north"])


def test_decision_without_reason_is_refused_and_nothing_saved(world):
    contact = contact_for(north_child(world))
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            contact=contact,
            level=level("universal"),
            route=DecisionRoute.NFA,
            reason="  ",
            decided_by=world.users["sw_north"],
        )
    assert "reason" in e.value.message_dict
    assert not ContactDecision.objects.exists()


def test_referral_without_primary_need_is_refused_and_nothing_saved(world):
    child = north_child(world)
    contact = contact_for(child)
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            contact=contact,
            level=level(),
            route=DecisionRoute.REFERRAL,
            reason="Needs an assessment",
            decided_by=world.users["sw_north"],
            team=world.north,
        )
    assert "primary_need" in e.value.message_dict
    assert not ContactDecision.objects.exists()
    assert not CINEpisode.objects.filter(child=child).exists()


def test_inactive_level_is_refused(world):
    retired = ThresholdLevel.objects.create(code="old", name="Old level", descriptor="Retired", active=False)
    contact = contact_for(north_child(world))
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            contact=contact, level=retired, route=DecisionRoute.NFA, reason="x", decided_by=world.users["sw_north"]
        )
    assert "level" in e.value.message_dict


def test_referral_starts_an_episode_and_gives_the_team_an_allocation(world):
    child = f.make_child()  # not held by any team yet
    contact = contact_for(child, received=at(2026, 11, 20, 15, 0), source="3A")
    decision = services.contact_decide(
        contact=contact,
        level=level(),
        route=DecisionRoute.REFERRAL,
        reason="Needs an assessment",
        decided_by=world.users["tm_north"],
        primary_need="N1",
        team=world.south,
    )
    episode = CINEpisode.objects.get(child=child)
    assert (episode.referral_date, episode.referral_source, episode.primary_need) == (date(2026, 11, 20), "3A", "N1")
    assert episode.contact == contact and episode.team == world.south and episode.is_open
    lead = Allocation.objects.get(child=child, end_date__isnull=True)
    assert (lead.team, lead.worker, lead.role) == (world.south, None, "lead")
    assert decision.previous_episode is None and decision.decided_by == world.users["tm_north"]


def test_referral_team_defaults_to_the_deciders_team(world):
    child = f.make_child()
    services.contact_decide(
        contact=contact_for(child),
        level=level(),
        route=DecisionRoute.STRATEGY,
        reason="Significant harm",
        decided_by=world.users["sw_north"],
        primary_need="N1",
    )
    assert CINEpisode.objects.get(child=child).team == world.north
    assert Allocation.objects.get(child=child, end_date__isnull=True).team == world.north


def test_referral_takes_the_child_over_from_the_front_door_hold(world):
    front_door = f.make_team("Front door", service=world.north.service, type=TeamType.FRONT_DOOR)
    fd_worker = f.make_worker(role=Role.SOCIAL_WORKER, team=front_door)
    contact = services.contact_record_for_new_child(
        first_name="Nia",
        last_name="Ford",
        date_of_birth=date(2019, 5, 1),
        expected_date_of_birth=None,
        sex="F",
        ethnicity="WBRI",
        team=front_door,
        received_at=at(2026, 11, 20),
        source="2A",
        method="phone",
        contact_name="School",
        concern="Worried",
        recorded_by=fd_worker,
    )
    services.contact_decide(
        contact=contact,
        level=level(),
        route=DecisionRoute.REFERRAL,
        reason="Assessment needed",
        decided_by=fd_worker,
        primary_need="N4",
        team=world.north,
    )
    allocations = Allocation.objects.filter(child=contact.child).order_by("pk")
    hold, lead = list(allocations)
    assert hold.team == front_door and hold.end_date is not None
    assert hold.end_reason == AllocationReason.CASE_PROGRESSION
    assert lead.team == world.north and lead.end_date is None and lead.worker is None
    assert lead.start_date == hold.end_date  # no gap, no overlap


def test_a_rereferral_decision_keeps_the_previous_episode(world):
    child = north_child(world)
    previous = closed_episode(
        child, referral_date=date(2026, 3, 2), closure_date=date(2026, 6, 30), closed_by=world.users["tm_north"]
    )
    decision = services.contact_decide(
        contact=contact_for(child),
        level=level(),
        route=DecisionRoute.REFERRAL,
        reason="Back again",
        decided_by=world.users["sw_north"],
        primary_need="N1",
        team=world.north,
    )
    assert decision.previous_episode == previous


def test_a_second_open_episode_is_refused_and_nothing_saved(world):
    child = world.children["own"]  # has an open CIN episode from 5 Jan 2026
    contact = contact_for(child)
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            contact=contact,
            level=level(),
            route=DecisionRoute.REFERRAL,
            reason="More worries",
            decided_by=world.users["sw_north"],
            primary_need="N1",
            team=world.north,
        )
    assert "already has an open child in need episode" in " ".join(e.value.messages)
    assert not ContactDecision.objects.exists()
    assert CINEpisode.objects.filter(child=child).count() == 1


def test_early_help_route_opens_an_early_help_episode(world):
    eh = early_help_team(world)
    child = f.make_child()
    services.contact_decide(
        contact=contact_for(child),
        level=level("early_help"),
        route=DecisionRoute.EARLY_HELP,
        reason="Family agree to early help",
        decided_by=world.users["sw_north"],
        team=eh,
    )
    episode = EarlyHelpEpisode.objects.get(child=child)
    assert episode.team == eh and episode.end_date is None and episode.start_date == timezone.localdate()
    assert Allocation.objects.get(child=child, end_date__isnull=True).team == eh
    assert not CINEpisode.objects.filter(child=child).exists()


def test_early_help_route_continues_an_open_early_help_episode(world):
    eh = early_help_team(world)
    child = f.make_child()
    f.open_early_help(child, team=eh)
    services.contact_decide(
        contact=contact_for(child),
        level=level("early_help"),
        route=DecisionRoute.EARLY_HELP,
        reason="Continue",
        decided_by=world.users["sw_north"],
        team=eh,
    )
    assert EarlyHelpEpisode.objects.filter(child=child).count() == 1


def test_early_help_route_needs_a_team_and_refuses_a_child_in_need(world):
    eh = early_help_team(world)
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            contact=contact_for(f.make_child()),
            level=level("early_help"),
            route=DecisionRoute.EARLY_HELP,
            reason="x",
            decided_by=world.users["sw_north"],
        )
    assert "team" in e.value.message_dict
    # A child open to CIN goes to early help through a step-down (checklist and approval), not the front door.
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            contact=contact_for(world.children["own"]),
            level=level("early_help"),
            route=DecisionRoute.EARLY_HELP,
            reason="x",
            decided_by=world.users["sw_north"],
            team=eh,
        )
    assert "step-down" in " ".join(e.value.messages)
    assert not ContactDecision.objects.exists() and not EarlyHelpEpisode.objects.exists()


def test_a_contact_is_decided_once(world):
    contact = contact_for(north_child(world))
    services.contact_decide(
        contact=contact,
        level=level("universal"),
        route=DecisionRoute.NFA,
        reason="Universal services",
        decided_by=world.users["sw_north"],
    )
    with pytest.raises(ValidationError):
        services.contact_decide(
            contact=contact, level=level(), route=DecisionRoute.NFA, reason="Again", decided_by=world.users["tm_north"]
        )
    assert ContactDecision.objects.get(contact=contact).reason == "Universal services"


def test_child_create_generates_the_next_la_child_id(world):
    f.make_child(la_child_id="LC0000041")
    f.make_child(la_child_id="LC99")  # not the generated shape: ignored
    f.make_child(la_child_id="LCX0000099")
    child = child_create(
        first_name=" Ada ",
        last_name="Lovelace",
        date_of_birth=date(2017, 1, 1),
        expected_date_of_birth=None,
        sex="F",
        ethnicity="WBRI",
        created_by=world.users["sw_north"],
    )
    assert child.la_child_id == "LC0000042"
    assert child.person.first_name == "Ada"
    assert child.history.first().history_user == world.users["sw_north"]
    second = child_create(
        first_name="Unborn",
        last_name="Baby",
        date_of_birth=None,
        expected_date_of_birth=date(2027, 3, 1),
        sex="U",
        ethnicity="NOBT",
        created_by=world.users["sw_north"],
    )
    assert second.la_child_id == "LC0000043" and second.person.is_unborn


def test_child_create_checks_names_and_birth_dates(world):
    with pytest.raises(ValidationError) as e:
        child_create(
            first_name="",
            last_name=" ",
            date_of_birth=None,
            expected_date_of_birth=None,
            sex="F",
            ethnicity="WBRI",
            created_by=world.users["sw_north"],
        )
    assert set(e.value.message_dict) == {"first_name", "last_name", "date_of_birth"}
    with pytest.raises(ValidationError) as e:
        child_create(
            first_name="A",
            last_name="B",
            date_of_birth=None,
            expected_date_of_birth=date(2027, 3, 1),
            sex="F",
            ethnicity="WBRI",
            created_by=world.users["sw_north"],
        )
    assert set(e.value.message_dict) == {"sex"}
    assert not Child.objects.filter(la_child_id__startswith="LC").exists()


def test_new_child_contact_is_all_or_nothing(world):
    people = Person.objects.count()
    with pytest.raises(ValidationError):
        services.contact_record_for_new_child(
            first_name="Nia",
            last_name="Ford",
            date_of_birth=date(2019, 5, 1),
            expected_date_of_birth=None,
            sex="F",
            ethnicity="WBRI",
            team=world.north,
            received_at=timezone.now() + timezone.timedelta(days=1),
            source="2A",
            method="phone",
            contact_name="School",
            concern="Worried",
            recorded_by=world.users["sw_north"],
        )
    assert Person.objects.count() == people
    assert not Allocation.objects.filter(reason_detail="New child at the front door").exists()


# ---------------------------------------------------------------------------------------------
# Views: recording a contact
# ---------------------------------------------------------------------------------------------


CONTACT_POST = {
    "received_date_day": "20",
    "received_date_month": "11",
    "received_date_year": "2026",
    "received_time": "09:30",
    "source": "2A",
    "method": "phone",
    "contact_name": "Ms Patel, class teacher",
    "concern": "Bruising seen on arrival at school",
}
NEW_CHILD_POST = {
    **CONTACT_POST,
    "first_name": "Nia",
    "last_name": "Ford",
    "date_of_birth_day": "1",
    "date_of_birth_month": "5",
    "date_of_birth_year": "2019",
    "sex": "F",
    "ethnicity": "WBRI",
}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("sw_north", 200),
        ("fsw_north", 200),
        ("tm_north", 200),
        ("sm_cin", 200),
        ("leader", 200),
        ("qa", 403),
        ("inspector", 403),
    ],
)
def test_who_may_record_a_contact(client, world, role, status):
    client.force_login(world.users[role])
    assert client.get(reverse("casework:contact_new")).status_code == status
    assert client.post(reverse("casework:contact_new"), {"q": "Owens"}).status_code == (302 if status == 200 else 403)
    assert client.get(reverse("casework:contact_new_child")).status_code == status
    assert client.post(reverse("casework:contact_new_child"), NEW_CHILD_POST).status_code in (status, 302)
    url = reverse("casework:child_contact_new", args=[world.children["own"].pk])
    assert client.get(url).status_code == status
    if status == 403:
        assert client.post(url, CONTACT_POST).status_code == 403
        assert not Contact.objects.exists() and not Person.objects.filter(last_name="Ford").exists()


def test_search_step_finds_only_visible_children_and_offers_a_new_child(client, world):
    client.force_login(world.users["sw_north"])
    body = search(client, reverse("casework:contact_new"), q="Owens").content.decode()
    assert reverse("casework:child_contact_new", args=[world.children["own"].pk]) in body
    assert reverse("casework:contact_new_child") in body
    body = search(client, reverse("casework:contact_new"), q="Southall").content.decode()
    assert "Sophie" not in body  # another team's child is not offered


def test_contact_recorded_for_a_known_child(client, world):
    child = world.children["own"]
    client.force_login(world.users["fsw_north"])
    response = client.post(reverse("casework:child_contact_new", args=[child.pk]), CONTACT_POST)
    assert response.status_code == 302 and response.url == reverse("casework:front_door")
    contact = Contact.objects.get(child=child)
    assert timezone.localtime(contact.received_at) == at(2026, 11, 20, 9, 30)
    assert contact.recorded_by == world.users["fsw_north"] and contact.source == "2A"


def test_contact_errors_show_by_the_field_with_a_summary_and_nothing_saved(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    bad = {**CONTACT_POST, "received_time": "25:99", "concern": "", "source": "", "received_date_year": "3026"}
    response = client.post(reverse("casework:child_contact_new", args=[child.pk]), bad)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'id="id_concern-error"' in body and "Enter what the concern is" in body
    assert 'id="id_source-error"' in body and "Select who the contact came from" in body
    assert 'id="id_received_time-error"' in body
    assert 'id="id_received_date-error"' in body and "must be today or in the past" in body
    assert not Contact.objects.exists()


def test_contact_time_later_today_is_refused(client, world, monkeypatch):
    from lantern.casework import forms_front_door

    monkeypatch.setattr(forms_front_door, "timezone", _Clock(date(2026, 11, 20), now=at(2026, 11, 20, 9, 0)))
    client.force_login(world.users["sw_north"])
    url = reverse("casework:child_contact_new", args=[world.children["own"].pk])
    response = client.post(url, {**CONTACT_POST, "received_time": "10:30"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_received_time-error"' in body and "must be now or in the past" in body
    assert not Contact.objects.exists()
    assert client.post(url, {**CONTACT_POST, "received_time": "08:59"}).status_code == 302


def test_contact_name_needed_unless_anonymous(client, world):
    client.force_login(world.users["sw_north"])
    url = reverse("casework:child_contact_new", args=[world.children["own"].pk])
    response = client.post(url, {**CONTACT_POST, "contact_name": ""})
    assert 'id="id_contact_name-error"' in response.content.decode()
    assert client.post(url, {**CONTACT_POST, "contact_name": "", "source": "9"}).status_code == 302


def test_new_child_gets_a_generated_id_and_an_unallocated_team_hold(client, world):
    f.make_child(la_child_id="LC0000007")
    client.force_login(world.users["sw_north"])
    response = client.post(reverse("casework:contact_new_child"), NEW_CHILD_POST)
    assert response.status_code == 302
    child = Child.objects.get(person__last_name="Ford")
    assert child.la_child_id == "LC0000008"
    assert child.person.date_of_birth == date(2019, 5, 1)
    hold = Allocation.objects.get(child=child)
    assert (hold.team, hold.worker, hold.role, hold.end_date) == (world.north, None, "lead", None)
    assert Contact.objects.get(child=child).recorded_by == world.users["sw_north"]
    # The team sees the child, unallocated; another team does not.
    client.force_login(world.users["sw_north_2"])
    assert "Unallocated" in client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "Nia Ford" in client.get(reverse("casework:front_door")).content.decode()
    client.force_login(world.users["sw_south"])
    assert client.get(reverse("casework:child", args=[child.pk])).status_code == 403
    assert "Nia Ford" not in client.get(reverse("casework:front_door")).content.decode()


def test_new_child_errors_by_the_field_and_nothing_saved(client, world):
    client.force_login(world.users["sw_north"])
    bad = {
        **NEW_CHILD_POST,
        "first_name": "",
        "date_of_birth_day": "",
        "date_of_birth_month": "",
        "date_of_birth_year": "",
        "concern": "",
    }
    people = Person.objects.count()
    response = client.post(reverse("casework:contact_new_child"), bad)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert 'id="id_first_name-error"' in body and "Enter a first name" in body
    assert 'id="id_date_of_birth-error"' in body and "Enter a date of birth, or an expected date of birth" in body
    assert 'id="id_concern-error"' in body
    assert Person.objects.count() == people and not Contact.objects.exists()


def test_unborn_new_child_must_have_unknown_sex(client, world):
    client.force_login(world.users["sw_north"])
    post = {
        **NEW_CHILD_POST,
        "date_of_birth_day": "",
        "date_of_birth_month": "",
        "date_of_birth_year": "",
        "expected_date_of_birth_day": "1",
        "expected_date_of_birth_month": "3",
        "expected_date_of_birth_year": "2027",
    }
    body = client.post(reverse("casework:contact_new_child"), post).content.decode()
    assert "Select &#x27;Unknown or unborn&#x27; for an unborn child" in body
    assert client.post(reverse("casework:contact_new_child"), {**post, "sex": "U"}).status_code == 302


def test_service_manager_chooses_a_team_in_their_service(client, world):
    client.force_login(world.users["sm_cin"])
    response = client.post(reverse("casework:contact_new_child"), NEW_CHILD_POST)
    assert 'id="id_team-error"' in response.content.decode()
    response = client.post(reverse("casework:contact_new_child"), {**NEW_CHILD_POST, "team": world.west.pk})
    assert 'id="id_team-error"' in response.content.decode()  # West is in another service
    assert not Child.objects.filter(person__last_name="Ford").exists()
    response = client.post(reverse("casework:contact_new_child"), {**NEW_CHILD_POST, "team": world.south.pk})
    assert response.status_code == 302
    assert Allocation.objects.get(child__person__last_name="Ford").team == world.south


# ---------------------------------------------------------------------------------------------
# Views: the front door list and the re-referral count
# ---------------------------------------------------------------------------------------------


def test_front_door_lists_undecided_contacts_oldest_first_with_due_tags(client, world, monkeypatch):
    monkeypatch.setattr(front_door_views, "timezone", _Clock(date(2026, 11, 23)))
    own, team = world.children["own"], world.children["team"]
    due_today = contact_for(own, received=at(2026, 11, 20, 14, 0))  # Friday: due Monday 23 Nov
    overdue = contact_for(team, received=at(2026, 11, 10, 9, 0), source="6")  # due 11 Nov
    upcoming = contact_for(own, received=at(2026, 11, 23, 8, 0))  # due 24 Nov
    decided = contact_for(team, received=at(2026, 11, 1, 9, 0))
    services.contact_decide(
        contact=decided,
        level=level("universal"),
        route=DecisionRoute.NFA,
        reason="x",
        decided_by=world.users["sw_north"],
    )
    contact_for(world.children["south"], received=at(2026, 11, 2))  # another team's child
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:front_door")).content.decode()
    links = [reverse("casework:contact_decide", args=[c.child.pk, c.pk]) for c in (overdue, due_today, upcoming)]
    positions = [body.index(link) for link in links]
    assert positions == sorted(positions)  # oldest first
    assert reverse("casework:contact_decide", args=[decided.child.pk, decided.pk]) not in body
    assert "Sophie" not in body
    rows = body.split('<tr class="govuk-table__row">')[2:]
    assert "Overdue" in rows[0] and "11 Nov 2026" in rows[0] and "Police" in rows[0]
    assert "Due today" in rows[1] and "23 Nov 2026" in rows[1] and "14:00" in rows[1]
    assert "Overdue" not in rows[2] and "Due today" not in rows[2] and "24 Nov 2026" in rows[2]


def test_front_door_readers_see_the_list_but_no_actions(client, world):
    contact_for(world.children["own"])
    client.force_login(world.users["inspector"])
    body = client.get(reverse("casework:front_door")).content.decode()
    assert "Olivia Owens" in body
    assert reverse("casework:contact_new") not in body
    assert "/decide/" not in body


def test_front_door_is_paginated_and_queries_are_bounded(client, world, settings, django_assert_max_num_queries):
    settings.PAGE_SIZE = 10
    children = [north_child(world) for _ in range(15)]
    for i, child in enumerate(children):
        contact_for(child, received=at(2026, 10, 1 + i), by=world.users["sw_north"])
    client.force_login(world.users["tm_north"])
    # Session, user, the visible-children lookup, the re-referral count, the page count and rows: fixed.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("casework:front_door"))
    assert "Showing 1 to 10 of 15" in response.content.decode()
    with django_assert_max_num_queries(11):
        second = client.get(reverse("casework:front_door"), {"page": 2})
    assert "Showing 11 to 15 of 15" in second.content.decode()


def test_rereferrals_are_counted_among_visible_referrals(client, world):
    def refer(child, by, team):
        return services.contact_decide(
            contact=contact_for(child),
            level=level(),
            route=DecisionRoute.REFERRAL,
            reason="Assess",
            decided_by=by,
            primary_need="N1",
            team=team,
        )

    back_again = north_child(world)
    closed_episode(back_again, referral_date=date(2026, 2, 2), closure_date=date(2026, 5, 1))
    refer(back_again, world.users["sw_north"], world.north)  # a re-referral
    refer(north_child(world), world.users["sw_north"], world.north)  # a first referral
    refer(north_child(world), world.users["sw_north"], world.north)  # another first referral
    nfa_child = north_child(world)
    closed_episode(nfa_child, referral_date=date(2026, 2, 2), closure_date=date(2026, 5, 1))
    services.contact_decide(  # not a referral, so not counted at all
        contact=contact_for(nfa_child),
        level=level("universal"),
        route=DecisionRoute.NFA,
        reason="x",
        decided_by=world.users["sw_north"],
    )
    south = f.make_child()
    f.allocate(south, team=world.south)
    closed_episode(south, referral_date=date(2026, 2, 2), closure_date=date(2026, 5, 1))
    refer(south, world.users["sw_south"], world.south)  # not visible to North
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:front_door")).content.decode()
    assert "1 of 3 referrals (33%)</strong> were re-referrals within 12 months" in body
    client.force_login(world.users["leader"])
    body = client.get(reverse("casework:front_door")).content.decode()
    assert "2 of 4 referrals (50%)</strong> were re-referrals within 12 months" in body


# ---------------------------------------------------------------------------------------------
# Views: the threshold decision
# ---------------------------------------------------------------------------------------------


def decide_url(contact) -> str:
    return reverse("casework:contact_decide", args=[contact.child.pk, contact.pk])


def decision_post(**overrides) -> dict:
    data = {
        "level": level().pk,
        "reason": "Injuries unexplained; needs a child and family assessment",
        "route": DecisionRoute.REFERRAL,
        "primary_need": "N1",
        "team": "",
        "early_help_team": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("sw_north", 200),
        ("tm_north", 200),
        ("sm_cin", 200),
        ("leader", 200),
        ("fsw_north", 403),
        ("qa", 403),
        ("inspector", 403),
        ("sw_south", 403),
    ],
)
def test_who_may_make_the_decision(client, world, role, status):
    contact = contact_for(north_child(world))
    client.force_login(world.users[role])
    assert client.get(decide_url(contact)).status_code == status
    response = client.post(decide_url(contact), decision_post(team=world.north.pk))
    assert response.status_code == (302 if status == 200 else status)
    assert ContactDecision.objects.filter(contact=contact).exists() == (status == 200)


def test_decision_page_shows_levels_with_descriptors_and_due_date(client, world):
    contact = contact_for(north_child(world), received=at(2025, 12, 19, 16, 0))
    client.force_login(world.users["sw_north"])
    body = client.get(decide_url(contact)).content.decode()
    for row in ThresholdLevel.objects.filter(active=True):
        assert row.name in body
    assert "Children Act 1989, section 17" in body  # the child in need descriptor as the radio's hint
    assert "22 Dec 2025" in body and "Overdue" in body
    assert f'<option value="{world.north.pk}" selected>' in body  # the worker's own team by default
    assert "Re-referral" not in body


def test_rereferral_banner_shows_previous_closure_and_closer(client, world):
    child = north_child(world)
    closed_episode(
        child,
        referral_date=date(2026, 3, 2),
        closure_date=date(2026, 6, 30),
        reason="RC7",
        closed_by=world.users["tm_north"],
    )
    contact = contact_for(child)
    client.force_login(world.users["sw_north"])
    body = client.get(decide_url(contact)).content.decode()
    banner = body[body.index("govuk-notification-banner") :]
    # At the top of the page, before the form.
    assert body.index("govuk-notification-banner") < body.index('<form method="post" novalidate>')
    assert "This would be a re-referral" in banner
    assert "2 Mar 2026" in banner and "30 Jun 2026" in banner
    assert "RC7: Services ceased for any other reason" in banner
    assert world.users["tm_north"].display_name in banner


def test_rereferral_banner_says_still_open(client, world):
    contact = contact_for(world.children["own"])  # open episode referred 5 Jan 2026
    client.force_login(world.users["sw_north"])
    body = client.get(decide_url(contact)).content.decode()
    assert "This would be a re-referral" in body and "Still open" in body and "5 Jan 2026" in body


def test_decision_errors_by_the_field_with_summary_and_nothing_saved(client, world):
    child = north_child(world)
    contact = contact_for(child)
    client.force_login(world.users["sw_north"])
    response = client.post(decide_url(contact), decision_post(reason="", primary_need="", level=""))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert 'id="id_reason-error"' in body and "Enter the reason for the decision" in body
    assert 'id="id_primary_need-error"' in body and "Select the child&#x27;s primary need" in body
    assert 'id="id_level-error"' in body and "Select the level of need" in body
    assert 'id="id_team-error"' in body
    assert 'href="#id_level_0"' in body and 'id="id_level_0"' in body  # the summary link has a target
    assert not ContactDecision.objects.exists() and not CINEpisode.objects.filter(child=child).exists()


def test_service_refusal_shows_in_the_summary_and_nothing_saved(client, world):
    contact = contact_for(world.children["own"])  # already has an open episode
    client.force_login(world.users["sw_north"])
    response = client.post(decide_url(contact), decision_post(team=world.north.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "already has an open child in need episode" in body
    assert not ContactDecision.objects.exists()


def test_referral_decision_starts_an_episode_and_goes_to_the_child_record(client, world):
    child = north_child(world)
    contact = contact_for(child, received=timezone.now() - timezone.timedelta(minutes=5))
    client.force_login(world.users["sw_north"])
    response = client.post(decide_url(contact), decision_post(team=world.north.pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("casework:child", args=[child.pk])
    body = response.content.decode()
    assert "Decision recorded" in body and "within 1 working day" in body
    decision = ContactDecision.objects.get(contact=contact)
    assert (decision.route, decision.level, decision.decided_by) == ("referral", level(), world.users["sw_north"])
    episode = CINEpisode.objects.get(child=child)
    assert episode.contact == contact and episode.primary_need == "N1" and episode.team == world.north


def test_early_help_decision_uses_the_early_help_team(client, world):
    eh = early_help_team(world)
    child = f.make_child()
    f.allocate(child, team=world.north)  # the front door hold
    contact = contact_for(child)
    client.force_login(world.users["sw_north"])
    bad = decision_post(route=DecisionRoute.EARLY_HELP, level=level("early_help").pk, primary_need="")
    body = client.post(decide_url(contact), bad).content.decode()
    assert 'id="id_early_help_team-error"' in body and "Select the early help team" in body
    response = client.post(decide_url(contact), {**bad, "early_help_team": eh.pk})
    assert response.status_code == 302
    # North no longer holds the child, so the worker goes back to the front door list.
    assert response.url == reverse("casework:front_door")
    assert EarlyHelpEpisode.objects.get(child=child).team == eh
    assert not CINEpisode.objects.filter(child=child).exists()


def test_decided_contact_is_shown_read_only_and_not_decided_again(client, world):
    child = north_child(world)
    closed_episode(
        child,
        referral_date=date(2026, 3, 2),
        closure_date=date(2026, 6, 30),
        reason="RC7",
        closed_by=world.users["tm_north"],
    )
    contact = contact_for(child, received=at(2026, 11, 20, 9, 0))
    services.contact_decide(
        contact=contact,
        level=level("universal"),
        route=DecisionRoute.NFA,
        reason="Universal services only",
        decided_by=world.users["tm_north"],
    )
    client.force_login(world.users["sw_north"])
    response = client.post(decide_url(contact), decision_post(team=world.north.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="reason"' not in body and "Record the decision" not in body
    assert "Universal services only" in body and "No further action" in body
    assert "This contact was a re-referral" in body and "RC7" in body
    assert "Late" in body  # decided after 23 Nov 2026, the due date
    assert ContactDecision.objects.get(contact=contact).route == "nfa"
    assert not CINEpisode.objects.filter(child=child, closure_date__isnull=True).exists()
    client.force_login(world.users["inspector"])
    assert client.get(decide_url(contact)).status_code == 200  # readers may see a decision made


def test_contact_of_another_child_is_not_found(client, world):
    contact = contact_for(world.children["team"])
    client.force_login(world.users["sw_north"])
    url = reverse("casework:contact_decide", args=[world.children["own"].pk, contact.pk])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Decisions that contradict themselves are refused (issue 13)
# ---------------------------------------------------------------------------------------------


def test_child_protection_level_with_no_further_action_is_refused_and_nothing_saved(world):
    contact = contact_for(north_child(world))
    with pytest.raises(ValidationError) as e:
        services.contact_decide(
            contact=contact,
            level=level("child_protection"),
            route=DecisionRoute.NFA,
            reason="Parent says it was an accident",
            decided_by=world.users["sw_north"],
        )
    assert e.value.message_dict["route"] == ["A child protection level of need cannot end with no further action"]
    assert not ContactDecision.objects.exists()


def test_child_protection_level_with_no_further_action_shows_the_error_by_the_route(client, world):
    child = north_child(world)
    contact = contact_for(child)
    client.force_login(world.users["sw_north"])
    body = client.post(
        reverse("casework:contact_decide", args=[child.pk, contact.pk]),
        {"level": level("child_protection").pk, "route": "nfa", "reason": "Parent says it was an accident"},
    ).content.decode()
    assert "govuk-error-summary" in body
    assert 'id="id_route-error"' in body
    assert "A child protection level of need cannot end with no further action" in body
    assert not ContactDecision.objects.exists()
