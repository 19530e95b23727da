"""Step-down and closure with a manager's approval; transfers as hand-overs; My work."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.casework import services
from lantern.casework.models import Assessment, ClosureRequest, EarlyHelpEpisode, StepDown, WorkStatus
from lantern.workforce.models import Allocation, Role, TeamType, Transfer, TransferStatus


@pytest.fixture
def early_help_team(world):
    return f.make_team("Early help North", service=world.north.service, type=TeamType.EARLY_HELP)


def _decision(**overrides):
    data = {"decision": "approved", "comment": "Agreed with the worker.", "rationale": "Outcomes met; family agree."}
    data.update(overrides)
    return data


# --- Step-down -------------------------------------------------------------------------------


def _step_down_post(team, **overrides):
    data = {
        "outcomes_met": "yes",
        "outcomes_reason": "",
        "family_agrees": "yes",
        "early_help_accepts": "yes",
        "early_help_team": team.pk,
        "proposed_date_day": "2",
        "proposed_date_month": "3",
        "proposed_date_year": "2026",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"family_agrees": "no"}, "family_agrees", "The family must agree"),
        ({"early_help_accepts": "no"}, "early_help_accepts", "Early help must accept"),
        ({"outcomes_met": "no"}, "outcomes_reason", "Explain why the child should step down"),
        ({"outcomes_met": ""}, "outcomes_met", "Select whether the outcomes have been met"),
    ],
)
def test_step_down_checklist_refusals_show_by_the_field(client, world, early_help_team, overrides, field, message):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.post(
        reverse("casework:step_down_new", args=[child.pk]), _step_down_post(early_help_team, **overrides)
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert f'id="id_{field}-error"' in body and message in body
    assert not StepDown.objects.exists()


def test_step_down_approved_closes_episode_and_opens_early_help(client, world, early_help_team):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    client.post(reverse("casework:step_down_new", args=[child.pk]), _step_down_post(early_help_team))
    step_down = StepDown.objects.get()
    assert step_down.status == WorkStatus.SUBMITTED
    # The worker cannot approve their own step-down.
    assert (
        client.post(reverse("casework:step_down_decide", args=[child.pk, step_down.pk]), _decision()).status_code == 403
    )
    client.force_login(world.users["tm_north"])
    response = client.post(reverse("casework:step_down_decide", args=[child.pk, step_down.pk]), _decision())
    assert response.status_code == 302
    episode = child.cin_episodes.get()
    assert (
        episode.closure_date == date(2026, 3, 2) and episode.closure_reason == "RC7"
    )  # no assessment: RC9 not allowed
    assert EarlyHelpEpisode.objects.filter(child=child, end_date__isnull=True, team=early_help_team).exists()
    lead = Allocation.objects.get(child=child, end_date__isnull=True)
    assert lead.team == early_help_team
    approval = Approval.objects.get(kind="step_down")
    assert approval.rationale == "Outcomes met; family agree." and approval.decided_by == world.users["tm_north"]


def test_step_down_straight_after_an_assessment_closes_with_rc9(world, early_help_team):
    child = world.children["own"]
    Assessment.objects.create(
        episode=child.cin_episodes.get(),
        child=child,
        start_date=date(2026, 1, 6),
        due_date=date(2026, 3, 10),
        status=WorkStatus.APPROVED,
        authorised_date=date(2026, 2, 2),
    )
    step_down = services.step_down_request(
        child=child,
        outcomes_met=True,
        outcomes_reason="",
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=early_help_team,
        proposed_date=date(2026, 3, 2),
        by=world.users["sw_north"],
    )
    services.step_down_decide(step_down=step_down, by=world.users["tm_north"], **_decision())
    assert child.cin_episodes.get().closure_reason == "RC9"


def test_step_down_decision_needs_comment_and_rationale(client, world, early_help_team):
    child = world.children["own"]
    step_down = services.step_down_request(
        child=child,
        outcomes_met=True,
        outcomes_reason="",
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=early_help_team,
        proposed_date=date(2026, 3, 2),
        by=world.users["sw_north"],
    )
    client.force_login(world.users["tm_north"])
    response = client.post(
        reverse("casework:step_down_decide", args=[child.pk, step_down.pk]), _decision(comment="", rationale="")
    )
    body = response.content.decode()
    assert "Enter a comment" in body and "Enter the rationale for your decision" in body
    step_down.refresh_from_db()
    assert step_down.status == WorkStatus.SUBMITTED and not Approval.objects.exists()
    assert child.cin_episodes.get().closure_date is None


# --- Closure -----------------------------------------------------------------------------------


def _closure_post(**overrides):
    data = {
        "reason": "RC7",
        "closure_date_day": "2",
        "closure_date_month": "3",
        "closure_date_year": "2026",
        "summary": "Needs met; school support continues.",
    }
    data.update(overrides)
    return data


def test_rc8_needs_an_assessment(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.post(reverse("casework:closure_new", args=[child.pk]), _closure_post(reason="RC8"))
    assert "RC8 can only be used after an assessment" in response.content.decode()
    assert not ClosureRequest.objects.exists()
    Assessment.objects.create(
        episode=child.cin_episodes.get(), child=child, start_date=date(2026, 1, 6), due_date=date(2026, 3, 10)
    )
    response = client.post(reverse("casework:closure_new", args=[child.pk]), _closure_post(reason="RC8"))
    assert response.status_code == 302


def test_closure_before_referral_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.closure_request(
            child=world.children["own"],
            reason="RC7",
            closure_date=date(2025, 12, 1),
            summary="x",
            by=world.users["sw_north"],
        )
    assert "closure_date" in error.value.message_dict


def test_closure_approved_closes_episode_and_ends_allocations(client, world):
    child = world.children["own"]
    closure = services.closure_request(
        child=child, reason="RC7", closure_date=date(2026, 3, 2), summary="Done", by=world.users["sw_north"]
    )
    client.force_login(world.users["sm_cin"])
    assert client.post(reverse("casework:closure_decide", args=[child.pk, closure.pk]), _decision()).status_code == 302
    episode = child.cin_episodes.get()
    assert (episode.closure_date, episode.closure_reason, episode.closed_by) == (
        date(2026, 3, 2),
        "RC7",
        world.users["sm_cin"],
    )
    assert not Allocation.objects.filter(child=child, end_date__isnull=True).exists()
    assert Allocation.objects.get(child=child).end_reason == "case_closed"


def test_returned_closure_leaves_the_episode_open(world):
    child = world.children["own"]
    closure = services.closure_request(
        child=child, reason="RC7", closure_date=date(2026, 3, 2), summary="Done", by=world.users["sw_north"]
    )
    services.closure_decide(request=closure, by=world.users["tm_north"], **_decision(decision="returned"))
    assert child.cin_episodes.get().closure_date is None
    closure.refresh_from_db()
    assert closure.status == WorkStatus.RETURNED


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "qa", "inspector", "sw_south"])
def test_only_managers_decide_closures(client, world, role):
    child = world.children["own"]
    closure = services.closure_request(
        child=child, reason="RC7", closure_date=date(2026, 3, 2), summary="Done", by=world.users["sw_north"]
    )
    client.force_login(world.users[role])
    assert client.post(reverse("casework:closure_decide", args=[child.pk, closure.pk]), _decision()).status_code in (
        403,
        404,
    )
    assert child.cin_episodes.get().closure_date is None


@pytest.mark.parametrize("role", ["qa", "inspector"])
def test_read_only_roles_cannot_propose_closure_or_step_down(client, world, role, early_help_team):
    child = world.children["own"]
    client.force_login(world.users[role])
    assert client.post(reverse("casework:closure_new", args=[child.pk]), _closure_post()).status_code == 403
    assert (
        client.post(reverse("casework:step_down_new", args=[child.pk]), _step_down_post(early_help_team)).status_code
        == 403
    )


# --- Transfers ---------------------------------------------------------------------------------


def test_transfer_is_a_hand_over_with_no_gap(client, world):
    child = world.children["own"]
    tm_south = f.make_worker("tm.south", role=Role.TEAM_MANAGER, team=world.south)
    client.force_login(world.users["sw_north"])
    response = client.post(
        reverse("casework:transfer_new", args=[child.pk]),
        {"to_team": world.south.pk, "reason": "Family moved to the south of the county"},
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    # Still with North until South accepts.
    assert Allocation.objects.get(child=child, end_date__isnull=True).team == world.north
    # South's manager can read the record while the transfer waits, and answers it.
    client.force_login(tm_south)
    assert client.get(reverse("casework:child", args=[child.pk])).status_code == 200
    response = client.post(
        reverse("casework:transfer_respond", args=[child.pk, transfer.pk]),
        {"answer": "accept", "worker": world.users["sw_south"].pk, "rationale": "Capacity in team"},
    )
    assert response.status_code == 302
    open_allocations = Allocation.objects.filter(child=child, end_date__isnull=True)
    assert [(a.team, a.worker) for a in open_allocations] == [(world.south, world.users["sw_south"])]
    ended = Allocation.objects.get(child=child, end_date__isnull=False)
    assert ended.end_reason == "team_transfer" and ended.end_date == open_allocations[0].start_date


def test_disputed_transfer_is_resolved_by_a_service_manager_with_rationale(client, world):
    child = world.children["own"]
    tm_south = f.make_worker("tm.south", role=Role.TEAM_MANAGER, team=world.south)
    transfer = services.transfer_request(
        child=child, kind="team", to_team=world.south, reason="Move", by=world.users["sw_north"]
    )
    services.transfer_respond(transfer=transfer, accept=False, rationale="Not our area yet", by=tm_south)
    assert transfer.status == TransferStatus.DISPUTED
    client.force_login(tm_south)  # a team manager cannot resolve their own dispute
    url = reverse("casework:transfer_resolve", args=[child.pk, transfer.pk])
    assert client.post(url, {"outcome": "go_ahead", "rationale": "x"}).status_code == 403
    client.force_login(world.users["sm_cin"])
    response = client.post(url, {"outcome": "go_ahead", "rationale": ""})
    assert "Enter the rationale for the resolution" in response.content.decode()
    response = client.post(url, {"outcome": "go_ahead", "rationale": "The address is in South's area"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RESOLVED_ACCEPTED and transfer.resolved_by == world.users["sm_cin"]
    assert Allocation.objects.get(child=child, end_date__isnull=True).team == world.south


def test_second_open_transfer_refused_and_same_team_refused(world):
    child = world.children["own"]
    with pytest.raises(ValidationError):
        services.transfer_request(child=child, kind="team", to_team=world.north, reason="x", by=world.users["sw_north"])
    services.transfer_request(child=child, kind="team", to_team=world.south, reason="x", by=world.users["sw_north"])
    with pytest.raises(ValidationError):
        services.transfer_request(child=child, kind="team", to_team=world.west, reason="x", by=world.users["sw_north"])


def test_transfers_list_shows_incoming_for_the_receiving_manager(client, world):
    tm_south = f.make_worker("tm.south", role=Role.TEAM_MANAGER, team=world.south)
    services.transfer_request(
        child=world.children["own"], kind="team", to_team=world.south, reason="x", by=world.users["sw_north"]
    )
    client.force_login(tm_south)
    body = client.get(reverse("casework:transfers")).content.decode()
    assert world.children["own"].person.full_name in body
    client.force_login(world.users["sw_south"])  # a worker in the receiving team does not see the child yet
    assert world.children["own"].person.full_name not in client.get(reverse("casework:transfers")).content.decode()


# --- My work -----------------------------------------------------------------------------------


def test_my_work_lists_overdue_assessment_and_manager_sees_approvals(client, world):
    child = world.children["own"]
    Assessment.objects.create(
        episode=child.cin_episodes.get(), child=child, start_date=date(2026, 1, 6), due_date=date(2026, 3, 10)
    )
    services.closure_request(
        child=world.children["team"],
        reason="RC7",
        closure_date=date(2026, 3, 2),
        summary="x",
        by=world.users["sw_north_2"],
    )
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:my_work")).content.decode()
    assert "Complete the assessment" in body and "10 Mar 2026" in body and "Overdue" in body
    assert "Closure awaiting approval" not in body  # not sw.north's child
    client.force_login(world.users["tm_north"])
    body = client.get(reverse("casework:my_work")).content.decode()
    assert "Waiting for your approval (1)" in body and "Closure awaiting approval" in body
    assert "Complete the assessment" in body  # the team's work too


def test_my_work_queries_are_bounded(client, world, django_assert_max_num_queries):
    sw = world.users["sw_north"]
    for i in range(12):
        child = f.make_child(last_name=f"Busy{i}")
        f.allocate(child, team=world.north, worker=sw)
        episode = f.open_cin_episode(child)
        Assessment.objects.create(episode=episode, child=child, start_date=date(2026, 1, 6), due_date=date(2026, 3, 10))
        services.closure_request(child=child, reason="RC7", closure_date=date(2026, 3, 2), summary="x", by=sw)
    client.force_login(world.users["tm_north"])
    # One query per kind of work, including the kinds later apps add (visits, oversight, alerts ...).
    with django_assert_max_num_queries(26):
        assert client.get(reverse("casework:my_work")).status_code == 200


def test_step_down_after_a_section_47_closes_with_rc7_not_rc9(world, early_help_team):
    """Census rule 2990: an RC9 episode has no section 47, so a step-down after one is RC7."""
    child = world.children["own"]
    Assessment.objects.create(
        episode=child.cin_episodes.get(),
        child=child,
        start_date=date(2026, 1, 6),
        due_date=date(2026, 3, 10),
        status=WorkStatus.APPROVED,
        authorised_date=date(2026, 2, 2),
    )
    services.strategy_discussion_record(
        child=child,
        date=date(2026, 2, 3),
        attendees="Police, school",
        concerns="Bruise",
        decision_s47=True,
        rationale="Cause to suspect harm",
        by=world.users["sw_north"],
    )
    step_down = services.step_down_request(
        child=child,
        outcomes_met=True,
        outcomes_reason="",
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=early_help_team,
        proposed_date=date(2026, 3, 2),
        by=world.users["sw_north"],
    )
    services.step_down_decide(step_down=step_down, by=world.users["tm_north"], **_decision())
    assert child.cin_episodes.get().closure_reason == "RC7"


def test_nfa_referral_closes_rc7_because_rc8_needs_an_assessment(world):
    child = f.make_child()
    episode = services.referral_start(
        child=child, referral_date=date(2026, 2, 2), source="2A", primary_need="", by=world.users["sw_north"], nfa=True
    )
    assert (episode.closure_date, episode.closure_reason) == (date(2026, 2, 2), "RC7")


def test_a_transfer_cannot_hand_a_child_protection_case_to_a_family_support_worker(client, world):
    child = world.children["own"]
    f.open_cp_plan(child, child.cin_episodes.get(), start=timezone.localdate())
    tm_south = f.make_worker("tm.south", role=Role.TEAM_MANAGER, team=world.south)
    fsw_south = f.make_worker("fsw.south", role=Role.FAMILY_SUPPORT_WORKER, team=world.south)
    transfer = services.transfer_request(
        child=child, kind="team", to_team=world.south, reason="Family moved", by=world.users["sw_north"]
    )
    with pytest.raises(ValidationError) as error:
        services.transfer_respond(transfer=transfer, accept=True, rationale="Capacity", by=tm_south, worker=fsw_south)
    assert "on a child protection plan" in error.value.message_dict["worker"][0]
    client.force_login(tm_south)
    body = client.post(
        reverse("casework:transfer_respond", args=[child.pk, transfer.pk]),
        {"answer": "accept", "worker": fsw_south.pk, "rationale": "Capacity in team"},
    ).content.decode()
    assert "govuk-error-summary" in body and "on a child protection plan" in body
    assert Allocation.objects.get(child=child, end_date__isnull=True).team == world.north
