"""Dates know the child's life (issue 12): what happened is not in the future nor before the
child could have been part of it, planned dates have a horizon, a closure or step-down is not
dated before work already recorded on the episode, an approval never moves a recorded date, and
a bad date already stored never takes a page down."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.casework import services
from lantern.casework.models import ClosureRequest, Contact, StepDown, WorkStatus
from lantern.oversight import services as oversight
from lantern.recording import services as recording
from lantern.recording.models import DirectWorkSession, Visit
from lantern.workforce.models import Allocation, AllocationRole, TeamType

TODAY = timezone.localdate()


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _contact_post(day: date, **overrides) -> dict:
    data = {
        "received_date_day": str(day.day),
        "received_date_month": str(day.month),
        "received_date_year": str(day.year),
        "received_time": "09:30",
        "source": "1A",
        "method": "phone",
        "contact_name": "Ms Patel, class teacher",
        "concern": "Olivia came to school hungry again.",
    }
    data.update(overrides)
    return data


# --- A contact received in 1989 ----------------------------------------------------------------


def test_a_contact_dated_1989_is_refused_by_the_field_and_nothing_is_saved(client, world):
    child = world.children["own"]  # born 1 June 2015
    client.force_login(world.users["sw_north"])
    response = client.post(reverse("casework:child_contact_new", args=[child.pk]), _contact_post(date(1989, 3, 12)))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert 'id="id_received_date-error"' in body
    assert "must be on or after 25 August 2014, 40 weeks before Olivia&#x27;s date of birth" in body
    assert not Contact.objects.exists()


def test_the_contact_service_refuses_a_date_before_the_child_could_be_known(world):
    with pytest.raises(ValidationError) as refused:
        services.contact_record(
            child=world.children["own"],
            received_at=_at(date(2010, 1, 4)),
            source="1A",
            method="phone",
            contact_name="Ms Patel",
            concern="Hungry.",
            recorded_by=world.users["sw_north"],
        )
    assert "40 weeks before Olivia's date of birth" in refused.value.message_dict["received_at"][0]
    assert not Contact.objects.exists()


def _stored_out_of_range_contact(world):
    # Outside the years the calendar knows (1990-2100), which made every page counting working
    # days from it fail.
    return Contact.objects.create(
        child=world.children["own"], received_at=_at(date(2101, 1, 3)), source="1A", concern="Old row"
    )


ROLES = ("sw_north", "fsw_north", "tm_north", "sm_cin", "qa", "leader", "inspector")


@pytest.mark.parametrize("role", ROLES)
def test_a_bad_contact_already_stored_never_takes_the_front_door_or_my_work_down(client, world, role):
    # Written before the rules (or by an import that went round them): the pages still work. The
    # database now refuses 1989 (see below), so the row that stands for it is from beyond 2100.
    _stored_out_of_range_contact(world)
    client.force_login(world.users[role])
    response = client.get(reverse("casework:front_door"))
    assert response.status_code == 200
    if role in ("sw_north", "tm_north"):
        assert "Olivia" in response.content.decode()
    assert client.get(reverse("casework:my_work")).status_code < 500


def test_a_bad_contact_already_stored_never_stops_the_practice_standards(world):
    _stored_out_of_range_contact(world)
    out = io.StringIO()
    call_command("evaluate_standards", "--no-progress", stdout=out)
    assert "open alerts" in out.getvalue()


# --- Work before the child was born ------------------------------------------------------------


def test_visits_and_direct_work_before_birth_are_refused_by_the_service(world):
    kai = f.make_child(first_name="Kai", date_of_birth=date(2016, 7, 3))
    f.allocate(kai, team=world.north, worker=world.users["sw_north"])
    worker = world.users["sw_north"]
    with pytest.raises(ValidationError) as refused:
        recording.visit_record(
            child=kai,
            by=worker,
            visited_at=_at(date(2016, 7, 1)),
            visit_type="other",
            location="home",
            present="Mum",
            child_seen=True,
            seen_alone=False,
            observations="Seen.",
            analysis="Fine.",
            next_steps="None.",
        )
    assert refused.value.message_dict["visited_on"] == [
        "The date of the visit must be on or after 3 July 2016, Kai's date of birth"
    ]
    with pytest.raises(ValidationError) as refused:
        recording.direct_work_record(
            child=kai,
            by=worker,
            session_date=date(2016, 6, 30),
            method="Three houses",
            themes=["safety"],
            child_words="Hello",
            reflection="Fine.",
        )
    assert refused.value.message_dict["session_date"] == [
        "The date of the session must be on or after 3 July 2016, Kai's date of birth"
    ]
    assert not Visit.objects.exists() and not DirectWorkSession.objects.exists()


def test_a_visit_before_birth_is_shown_next_to_the_date_on_the_form(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    day = date(2015, 5, 31)
    response = client.post(
        reverse("recording:visit_new", args=[child.pk]),
        {
            "visited_on_day": day.day,
            "visited_on_month": day.month,
            "visited_on_year": day.year,
            "start_time": "10:00",
            "visit_type": "other",
            "location": "home",
            "present": "Mum",
            "child_seen": "yes",
            "seen_alone": "no",
            "bedroom_seen": "yes",
            "observations": "Seen.",
            "analysis": "Fine.",
            "next_steps": "None.",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="id_visited_on-error"' in body
    assert "must be on or after 1 June 2015, Olivia&#x27;s date of birth" in body
    assert not Visit.objects.exists()


def test_a_check_in_before_the_child_could_be_known_is_refused(world):
    child = f.make_child(first_name="Faye", date_of_birth=date(2016, 7, 3))
    f.allocate(child, team=world.north, worker=world.users["fsw_north"])
    f.allocate(child, team=world.north, worker=world.users["sw_north"], role=AllocationRole.SUPERVISING_SOCIAL_WORKER)
    with pytest.raises(ValidationError) as refused:
        oversight.check_in_record(
            child=child, author=world.users["sw_north"], held_on=date(2010, 1, 4), summary="Settling."
        )
    assert "40 weeks before Faye's date of birth" in refused.value.message_dict["held_on"][0]


# --- Planned dates have a horizon --------------------------------------------------------------


@pytest.fixture
def draft_section(world):
    plan = services.cin_plan_create(children=[world.children["own"]], title="Plan", author=world.users["sw_north"])
    return plan.children.get()


def test_an_outcome_target_in_2099_and_an_action_due_in_2100_are_refused(world, draft_section):
    with pytest.raises(ValidationError) as refused:
        services.plan_outcome_add(
            section=draft_section, description="School", measure="Attendance", target_date=date(2099, 1, 1),
            baseline_score=None,
        )  # fmt: skip
    assert "2 years from today" in refused.value.message_dict["target_date"][0]
    with pytest.raises(ValidationError) as refused:
        services.plan_action_add(
            section=draft_section, outcome=None, what="Check", who="Me", agency="school", due_date=date(2100, 1, 1)
        )
    assert "2 years from today" in refused.value.message_dict["due_date"][0]
    assert not draft_section.outcomes.exists() and not draft_section.actions.exists()


def test_an_action_due_in_2100_is_shown_next_to_the_field(client, world, draft_section):
    child = world.children["own"]
    kwargs = {"child_id": child.pk, "plan_id": draft_section.plan_id, "section_id": draft_section.pk}
    client.force_login(world.users["sw_north"])
    body = client.post(
        reverse("casework:plan_action_new", kwargs=kwargs),
        {
            "what": "Check",
            "who": "Me",
            "agency": "school",
            "due_date_day": 1,
            "due_date_month": 1,
            "due_date_year": 2100,
        },
    ).content.decode()
    assert 'id="id_due_date-error"' in body and "2 years from today" in body


# --- Closure and step-down are not dated before recorded work; approval moves nothing ---------


@pytest.fixture
def june_case(world):
    """Referred about six months ago, with a visit four days ago and the worker allocated since."""
    child = f.make_child(first_name="Kai", date_of_birth=date(2016, 7, 3))
    referred = TODAY - timedelta(days=180)
    f.allocate(child, team=world.north, worker=world.users["sw_north"], start=referred)
    episode = f.open_cin_episode(child, referral_date=referred)
    recording.visit_record(
        child=child,
        by=world.users["sw_north"],
        visited_at=_at(TODAY - timedelta(days=4)),
        visit_type="cin_statutory",
        location="home",
        present="Mum",
        child_seen=True,
        seen_alone=True,
        observations="Seen.",
        analysis="Fine.",
        next_steps="Step down.",
    )
    return child, episode


@pytest.fixture
def early_help_team(world):
    return f.make_team("Early help North", service=world.north.service, type=TeamType.EARLY_HELP)


def _step_down(child, team, world, on):
    return services.step_down_request(
        child=child,
        outcomes_met=True,
        outcomes_reason="",
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=team,
        proposed_date=on,
        by=world.users["sw_north"],
    )


def test_a_step_down_dated_2019_is_refused(world, june_case, early_help_team):
    child, episode = june_case
    with pytest.raises(ValidationError) as refused:
        _step_down(child, early_help_team, world, date(2019, 1, 1))
    message = refused.value.message_dict["proposed_date"][0]
    assert message.startswith("The step-down date must be on or after") and "the date of the referral" in message
    assert not StepDown.objects.exists()


def test_a_step_down_or_closure_before_the_last_visit_is_refused(world, june_case, early_help_team):
    child, episode = june_case
    last_visit = TODAY - timedelta(days=4)
    expected = f"on or after {last_visit.day} {last_visit:%B %Y}, the date of the latest work recorded on the episode"
    with pytest.raises(ValidationError) as refused:
        _step_down(child, early_help_team, world, last_visit - timedelta(days=1))
    assert expected in refused.value.message_dict["proposed_date"][0]
    with pytest.raises(ValidationError) as refused:
        services.closure_request(
            child=child,
            reason="RC7",
            closure_date=last_visit - timedelta(days=1),
            summary="Done",
            by=world.users["sw_north"],
        )
    assert expected in refused.value.message_dict["closure_date"][0]
    # On the day of the last visit is fine.
    _step_down(child, early_help_team, world, last_visit)


def test_the_step_down_form_shows_the_limit_next_to_the_date(client, world, june_case, early_help_team):
    child, _episode = june_case
    client.force_login(world.users["sw_north"])
    body = client.post(
        reverse("casework:step_down_new", args=[child.pk]),
        {
            "outcomes_met": "yes",
            "family_agrees": "yes",
            "early_help_accepts": "yes",
            "early_help_team": early_help_team.pk,
            "proposed_date_day": "1",
            "proposed_date_month": "1",
            "proposed_date_year": "2019",
        },
    ).content.decode()
    assert 'id="id_proposed_date-error"' in body and "the date of the referral" in body
    assert not StepDown.objects.exists()


def test_approving_a_step_down_dated_before_recorded_work_moves_nothing(world, june_case, early_help_team):
    # A request written before the rule (or by a route that went round it): the approval refuses
    # rather than closing the episode on its referral date and cutting the allocation to a day.
    child, episode = june_case
    step_down = StepDown.objects.create(
        episode=episode,
        child=child,
        outcomes_met=True,
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=early_help_team,
        proposed_date=date(2019, 1, 1),
        requested_by=world.users["sw_north"],
    )
    with pytest.raises(ValidationError) as refused:
        services.step_down_decide(
            step_down=step_down, decision="approved", comment="Agreed", rationale="Met", by=world.users["tm_north"]
        )
    assert "Return the request so the date can be put right" in refused.value.messages[0]
    episode.refresh_from_db()
    step_down.refresh_from_db()
    assert episode.closure_date is None and step_down.status == WorkStatus.SUBMITTED
    assert not Approval.objects.exists()
    allocation = Allocation.objects.get(child=child)
    assert allocation.end_date is None


def test_approving_a_closure_dated_before_recorded_work_moves_nothing(world, june_case):
    child, episode = june_case
    request = ClosureRequest.objects.create(
        episode=episode,
        child=child,
        reason="RC7",
        closure_date=episode.referral_date,
        summary="Done",
        requested_by=world.users["sw_north"],
    )
    with pytest.raises(ValidationError):
        services.closure_decide(
            request=request, decision="approved", comment="Agreed", rationale="Met", by=world.users["tm_north"]
        )
    episode.refresh_from_db()
    assert episode.closure_date is None and not Approval.objects.exists()
    assert Allocation.objects.get(child=child).end_date is None


def test_an_approved_step_down_keeps_the_requested_date(world, june_case, early_help_team):
    child, episode = june_case
    on = TODAY - timedelta(days=1)
    step_down = _step_down(child, early_help_team, world, on)
    services.step_down_decide(
        step_down=step_down, decision="approved", comment="Agreed", rationale="Met", by=world.users["tm_north"]
    )
    episode.refresh_from_db()
    assert episode.closure_date == on
    ended = Allocation.objects.get(child=child, worker=world.users["sw_north"])
    assert (ended.start_date, ended.end_date) == (episode.referral_date, on)


# --- The database holds the floor for every route (seeders' bulk inserts, imports, a shell) ----


def test_the_database_refuses_a_1989_date_whatever_writes_it(world):
    from django.db import IntegrityError, transaction

    from lantern.casework.models import CINEpisode
    from lantern.recording.models import DirectWorkSession

    child, worker = world.children["own"], world.users["sw_north"]
    writes = [
        lambda: Contact.objects.bulk_create([Contact(child=child, received_at=_at(date(1989, 3, 12)), source="1A")]),
        lambda: CINEpisode.objects.filter(child=child).update(referral_date=date(1989, 3, 12)),
        lambda: DirectWorkSession.objects.bulk_create(
            [DirectWorkSession(child=child, author=worker, session_date=date(1989, 3, 12), method="M", child_words="W")]
        ),
    ]
    for write in writes:
        with pytest.raises(IntegrityError), transaction.atomic():
            write()


# --- The child's date of birth agrees with the work recorded --------------------------------


def test_a_date_of_birth_after_a_recorded_visit_is_refused_by_the_field(client, world):
    from lantern.recording.tests.helpers import make_visit

    child = world.children["own"]  # born 1 June 2015
    make_visit(child, world.users["sw_north"], date(2026, 3, 2))
    client.force_login(world.users["sw_north"])
    data = {
        "first_name": "Olivia",
        "last_name": child.person.last_name,
        "la_child_id": child.la_child_id,
        "upn": child.upn,
        "nhs_number": child.nhs_number,
        "date_of_birth_day": "3",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2026",
        "sex": "F",
        "ethnicity": "WBRI",
        "first_language": "English",
        "disabilities": ["NONE"],
    }
    body = client.post(reverse("casework:child_identity_edit", args=[child.pk]), data).content.decode()
    assert 'id="id_date_of_birth-error"' in body
    assert "Date of birth must be on or before 2 March 2026, the date of a visit recorded for Olivia" in body
    child.person.refresh_from_db()
    assert child.person.date_of_birth == date(2015, 6, 1)
    data["date_of_birth_day"] = "2"  # born the day of the visit: possible
    assert client.post(reverse("casework:child_identity_edit", args=[child.pk]), data).status_code == 302


def test_an_expected_date_of_birth_two_years_away_is_refused(world):
    from lantern.people import services as people

    with pytest.raises(ValidationError) as refused:
        people.child_create(
            first_name="Bea",
            last_name="Unborn",
            date_of_birth=None,
            expected_date_of_birth=TODAY + timedelta(days=730),
            sex="U",
            ethnicity="NOBT",
            created_by=world.users["sw_north"],
        )
    assert "40 weeks from today" in refused.value.message_dict["expected_date_of_birth"][0]


def test_the_manager_sees_why_a_step_down_cannot_be_approved(client, world, june_case, early_help_team):
    child, episode = june_case
    step_down = StepDown.objects.create(
        episode=episode,
        child=child,
        outcomes_met=True,
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=early_help_team,
        proposed_date=episode.referral_date,
        requested_by=world.users["sw_north"],
    )
    client.force_login(world.users["tm_north"])
    response = client.post(
        reverse("casework:step_down_decide", args=[child.pk, step_down.pk]),
        {"decision": "approved", "comment": "Agreed", "rationale": "Met"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "the date of the latest work recorded on the episode (a visit)" in body
    assert "Return the request so the date can be put right" in body
    episode.refresh_from_db()
    assert episode.closure_date is None and not Approval.objects.exists()
