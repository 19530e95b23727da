"""CIN plans: a family plan with each child's own section (L14), outcomes and actions with dates
and a contingency before it can be finalised (L9, L13), a manager's approval with a comment and
a rationale (L15), and reviews scoring every outcome from 0 to 10 on a schedule (L5, L19)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.access.models import ChildView
from lantern.approvals.models import Approval, Decision
from lantern.casework import services
from lantern.casework.models import (
    Assessment,
    CINPlan,
    CINPlanChild,
    OutcomeProgress,
    PlanAction,
    PlanOutcome,
    PlanReview,
    WorkStatus,
)
from lantern.core.local_settings import set_setting

TODAY = timezone.localdate()
SOON = TODAY + timedelta(days=60)


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_settings_cache():
    """Council settings are cached for a short while; a test that changes one must not leak it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def family(world):
    """Olivia (world's 'own' child) and her sister Amira, both with sw_north and an open CIN episode."""
    olivia = world.children["own"]
    amira = f.make_child(first_name="Amira", last_name="Owens")
    f.allocate(amira, team=world.north, worker=world.users["sw_north"])
    f.open_cin_episode(amira)
    f.make_siblings(olivia, amira)
    return olivia, amira


def complete(section: CINPlanChild, *, outcomes: int = 1, actions: int = 1) -> CINPlanChild:
    name = section.child.person.first_name
    services.plan_section_update(
        section=section,
        needs=f"{name} needs a settled routine",
        child_views=f"{name} says she wants to stay at her school",
        family_views="Mum agrees with the plan",
        contingency="A strategy discussion if attendance does not improve",
        contingency_by=SOON,
    )
    for i in range(outcomes):
        services.plan_outcome_add(
            section=section,
            description=f"{name} outcome {i}",
            measure="Attendance above 95%",
            target_date=SOON,
            baseline_score=3,
        )
    for i in range(actions):
        services.plan_action_add(
            section=section, outcome=None, what=f"{name} action {i}", who="Ms Patel", agency="school", due_date=SOON
        )
    return section


def make_plan(world, *children, done=True, outcomes=1, actions=1) -> CINPlan:
    plan = services.cin_plan_create(children=list(children), title="Owens family plan", author=world.users["sw_north"])
    if done:
        for section in plan.children.select_related("child__person"):
            complete(section, outcomes=outcomes, actions=actions)
    return plan


def approve(world, plan: CINPlan) -> CINPlan:
    if plan.status != WorkStatus.SUBMITTED:
        services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    return services.cin_plan_decide(
        plan=plan,
        decision=Decision.APPROVED,
        comment="A clear, specific plan",
        rationale="Each child's needs are met by measurable outcomes",
        by=world.users["tm_north"],
    )


def backdate(plan: CINPlan, days: int) -> None:
    """Move an approved plan's start back in time (so reviews can be dated in the past)."""
    start = TODAY - timedelta(days=days)
    CINPlan.objects.filter(pk=plan.pk).update(start_date=start)
    CINPlanChild.objects.filter(plan=plan).update(start_date=start)
    plan.refresh_from_db()


def text(response) -> str:
    """The page's text with tags removed and spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def plan_url(name: str, child, plan, **extra) -> str:
    return reverse(f"casework:{name}", kwargs={"child_id": child.pk, "plan_id": plan.pk, **extra})


# ---------------------------------------------------------------------------------------------
# Services: what stops a plan being finalised (L9, L13, L14)
# ---------------------------------------------------------------------------------------------


MISSING = {
    "needs": ("needs", ""),
    "child_views": ("child_views", ""),
    "contingency": ("contingency", ""),
    "contingency_by": ("contingency_by", None),
}


@pytest.mark.parametrize(
    "missing, message",
    [
        ("needs", "Olivia: describe Olivia's own needs"),
        ("child_views", "Olivia: record Olivia's views"),
        ("contingency", "Olivia: add a contingency plan and the date it will be reviewed by"),
        ("contingency_by", "Olivia: add a contingency plan and the date it will be reviewed by"),
        ("outcomes", "Olivia: add at least one outcome with a measure and a target date"),
        ("actions", "Olivia: add at least one action with who will do it and by when"),
    ],
)
def test_submit_is_refused_until_the_section_is_complete(world, missing, message):
    plan = make_plan(
        world,
        world.children["own"],
        outcomes=0 if missing == "outcomes" else 1,
        actions=0 if missing == "actions" else 1,
    )
    section = plan.children.get()
    if missing in MISSING:
        field, empty = MISSING[missing]
        setattr(section, field, empty)
        section.save()
    assert services.plan_problems(plan) == [message]
    with pytest.raises(ValidationError) as error:
        services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    assert error.value.messages == [message]
    plan.refresh_from_db()
    assert plan.status == WorkStatus.DRAFT and plan.submitted_at is None


def test_a_family_plan_is_refused_naming_the_child_whose_section_is_incomplete(world, family):
    olivia, amira = family
    plan = make_plan(world, olivia, amira, done=False)
    complete(plan.children.get(child=olivia), outcomes=2, actions=2)
    amira_section = plan.children.get(child=amira)
    services.plan_section_update(
        section=amira_section,
        needs="Amira's needs",
        child_views="Amira's views",
        family_views="",
        contingency="Escalate",
        contingency_by=SOON,
    )
    with pytest.raises(ValidationError) as error:
        services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    assert error.value.messages == [
        "Amira: add at least one outcome with a measure and a target date",
        "Amira: add at least one action with who will do it and by when",
    ]
    assert not any(m.startswith("Olivia") for m in error.value.messages)
    assert CINPlan.objects.get(pk=plan.pk).status == WorkStatus.DRAFT


def test_a_complete_plan_is_submitted(world, family):
    plan = make_plan(world, *family)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    plan.refresh_from_db()
    assert plan.status == WorkStatus.SUBMITTED
    assert plan.submitted_at is not None


def test_a_submitted_plan_cannot_be_changed(world):
    plan = make_plan(world, world.children["own"])
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    section = plan.children.get()
    outcome, action = section.outcomes.get(), section.actions.get()
    attempts = [
        lambda: services.plan_section_update(
            section=section, needs="Changed", child_views="", family_views="", contingency="", contingency_by=None
        ),
        lambda: services.plan_outcome_add(
            section=section, description="New", measure="M", target_date=SOON, baseline_score=None
        ),
        lambda: services.plan_action_add(
            section=section, outcome=None, what="New", who="Me", agency="school", due_date=SOON
        ),
        lambda: services.plan_outcome_remove(outcome=outcome),
        lambda: services.plan_action_remove(action=action),
        lambda: services.cin_plan_submit(plan=plan, by=world.users["sw_north"]),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="can no longer be changed"):
            attempt()
    section.refresh_from_db()
    assert section.needs == "Olivia needs a settled routine"
    assert PlanOutcome.objects.filter(section=section).count() == 1
    assert PlanAction.objects.filter(section=section).count() == 1


def test_outcome_and_action_are_checked(world):
    plan = make_plan(world, world.children["own"], done=False)
    section = plan.children.get()
    with pytest.raises(ValidationError) as error:
        services.plan_outcome_add(section=section, description=" ", measure="", target_date=None, baseline_score=11)
    assert set(error.value.message_dict) == {"description", "measure", "target_date", "baseline_score"}
    with pytest.raises(ValidationError) as error:
        services.plan_outcome_add(
            section=section, description="D", measure="M", target_date=TODAY - timedelta(days=1), baseline_score=None
        )
    assert error.value.message_dict == {"target_date": ["The target date must be today or in the future"]}
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(section=section, outcome=None, what="", who="", agency="bakery", due_date=None)
    assert set(error.value.message_dict) == {"what", "who", "agency", "due_date"}
    other = make_plan(world, world.children["team"]).children.get().outcomes.get()
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(section=section, outcome=other, what="W", who="Me", agency="health", due_date=SOON)
    assert error.value.message_dict == {"outcome": ["Choose one of this child's outcomes"]}
    assert not PlanOutcome.objects.filter(section=section).exists()
    assert not PlanAction.objects.filter(section=section).exists()


def test_plan_create_needs_an_open_episode_and_gives_each_child_one_section(world):
    olivia = world.children["own"]
    plan = services.cin_plan_create(children=[olivia, olivia], title="  ", author=world.users["sw_north"])
    assert plan.title == "CIN plan"
    assert plan.children.count() == 1
    closed = f.make_child(first_name="Cara")
    f.open_cin_episode(closed, closure_date=TODAY, closure_reason="RC8")
    with pytest.raises(ValidationError) as error:
        services.cin_plan_create(children=[olivia, closed], title="Plan", author=world.users["sw_north"])
    assert "Cara" in error.value.message_dict["children"][0]
    assert CINPlan.objects.count() == 1
    with pytest.raises(ValidationError):
        services.cin_plan_create(children=[], title="Plan", author=world.users["sw_north"])


# ---------------------------------------------------------------------------------------------
# Services: the manager's decision (L15)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment, rationale, fields",
    [("", "Because", {"comment"}), ("Fine", "  ", {"rationale"}), ("", "", {"comment", "rationale"})],
)
def test_a_decision_needs_a_comment_and_a_rationale(world, family, comment, rationale, fields):
    plan = make_plan(world, *family)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    with pytest.raises(ValidationError) as error:
        services.cin_plan_decide(
            plan=plan, decision=Decision.APPROVED, comment=comment, rationale=rationale, by=world.users["tm_north"]
        )
    assert set(error.value.message_dict) == fields
    assert not Approval.objects.exists()
    plan.refresh_from_db()
    assert plan.status == WorkStatus.SUBMITTED and plan.start_date is None
    assert not plan.children.filter(start_date__isnull=False).exists()


def test_a_draft_plan_cannot_be_decided(world):
    plan = make_plan(world, world.children["own"])
    with pytest.raises(ValidationError, match="Only a submitted plan"):
        services.cin_plan_decide(
            plan=plan, decision=Decision.APPROVED, comment="C", rationale="R", by=world.users["tm_north"]
        )
    assert not Approval.objects.exists()


def test_approval_is_recorded_per_child_and_sets_the_dates(world, family):
    olivia, amira = family
    plan = approve(world, make_plan(world, olivia, amira))
    plan.refresh_from_db()
    assert plan.status == WorkStatus.APPROVED
    assert plan.start_date == TODAY
    assert plan.next_review_date == TODAY + timedelta(weeks=12)
    assert set(plan.children.values_list("start_date", flat=True)) == {TODAY}
    approvals = Approval.objects.filter(kind="cin_plan", subject_id=plan.pk)
    assert sorted(approvals.values_list("child_id", flat=True)) == sorted([olivia.pk, amira.pk])
    assert set(approvals.values_list("comment", "rationale", "decided_by", "decision")) == {
        (
            "A clear, specific plan",
            "Each child's needs are met by measurable outcomes",
            world.users["tm_north"].pk,
            "approved",
        )
    }
    with pytest.raises(DatabaseError), transaction.atomic():
        Approval.objects.filter(pk=approvals.first().pk).update(comment="Changed afterwards")


def test_review_weeks_come_from_the_council_setting(world):
    set_setting("cin_review_weeks", 6)
    plan = approve(world, make_plan(world, world.children["own"]))
    assert plan.review_weeks == 6
    assert plan.next_review_date == TODAY + timedelta(weeks=6)


def test_a_returned_plan_can_be_changed_and_submitted_again(world):
    plan = make_plan(world, world.children["own"])
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    services.cin_plan_decide(
        plan=plan, decision=Decision.RETURNED, comment="Outcome 0 is vague", rationale="L13", by=world.users["tm_north"]
    )
    plan.refresh_from_db()
    assert plan.status == WorkStatus.RETURNED and plan.start_date is None
    assert Approval.objects.get().decision == Decision.RETURNED
    section = plan.children.get()
    services.plan_outcome_add(section=section, description="Better", measure="M", target_date=SOON, baseline_score=2)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    assert CINPlan.objects.get(pk=plan.pk).status == WorkStatus.SUBMITTED


def test_the_database_refuses_a_second_current_plan_for_a_child(world):
    olivia = world.children["own"]
    approve(world, make_plan(world, olivia))
    second = make_plan(world, olivia, done=False).children.get()
    second.start_date = TODAY
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_approving_a_new_plan_ends_the_childs_previous_plan(world, family):
    olivia, amira = family
    family_plan = approve(world, make_plan(world, olivia, amira))
    only_olivia = approve(world, make_plan(world, olivia))
    old = CINPlanChild.objects.get(plan=family_plan, child=olivia)
    assert old.end_date == TODAY
    assert CINPlanChild.objects.get(plan=family_plan, child=amira).end_date is None
    assert CINPlan.objects.get(pk=family_plan.pk).end_date is None  # Amira is still on it
    assert CINPlanChild.objects.filter(child=olivia, start_date__isnull=False, end_date__isnull=True).get().plan == (
        only_olivia
    )
    approve(world, make_plan(world, amira))
    assert CINPlan.objects.get(pk=family_plan.pk).end_date == TODAY  # its last child has moved on


def test_a_child_on_a_child_protection_plan_cannot_be_approved_onto_a_cin_plan(world, family):
    olivia, amira = family
    plan = make_plan(world, olivia, amira)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    f.open_cp_plan(amira, amira.cin_episodes.get(), start=TODAY - timedelta(days=7))
    with pytest.raises(ValidationError) as error:
        services.cin_plan_decide(
            plan=plan, decision=Decision.APPROVED, comment="C", rationale="R", by=world.users["tm_north"]
        )
    assert error.value.messages == ["Amira is on a child protection plan; a CIN plan cannot run alongside it"]
    assert not Approval.objects.exists()
    plan.refresh_from_db()
    assert plan.status == WorkStatus.SUBMITTED
    assert not CINPlanChild.objects.filter(start_date__isnull=False).exists()


def test_a_plan_cannot_start_for_a_child_whose_episode_has_closed(world, family):
    olivia, amira = family
    plan = make_plan(world, olivia, amira)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    episode = amira.cin_episodes.get()
    episode.closure_date, episode.closure_reason = TODAY, "RC1"
    episode.save()
    with pytest.raises(ValidationError, match="Amira's child in need episode has closed"):
        services.cin_plan_decide(
            plan=plan, decision=Decision.APPROVED, comment="C", rationale="R", by=world.users["tm_north"]
        )
    assert not Approval.objects.exists()
    assert not CINPlanChild.objects.filter(start_date__isnull=False).exists()


# ---------------------------------------------------------------------------------------------
# Services: reviews (L5, L9, L19)
# ---------------------------------------------------------------------------------------------


def _review(world, plan, scores, **extra):
    arguments = {
        "plan": plan,
        "date": TODAY,
        "attendees": "Mum, Ms Patel (school)",
        "decisions": "Carry on",
        "scores": scores,
        "comments": {},
        "by": world.users["sw_north"],
    }
    arguments.update(extra)
    return services.plan_review_record(**arguments)


def test_a_review_needs_a_score_from_0_to_10_for_every_outcome(world, family):
    plan = approve(world, make_plan(world, *family, outcomes=2))
    outcomes = list(PlanOutcome.objects.filter(section__plan=plan).order_by("pk"))
    all_but_one = {o.pk: 5 for o in outcomes[:-1]}
    with pytest.raises(ValidationError) as error:
        _review(world, plan, all_but_one)
    assert error.value.message_dict == {"scores": ["Score progress from 0 to 10 on every outcome"]}
    for bad in (11, -1):
        with pytest.raises(ValidationError) as error:
            _review(world, plan, {**all_but_one, outcomes[-1].pk: bad})
        assert error.value.message_dict == {"scores": ["Progress scores must be from 0 to 10"]}
    assert not PlanReview.objects.exists() and not OutcomeProgress.objects.exists()
    review = _review(world, plan, {**all_but_one, outcomes[-1].pk: 0})
    assert sorted(review.progress.values_list("score", flat=True)) == [0, 5, 5, 5]
    review = _review(world, plan, {o.pk: 10 for o in outcomes})
    assert set(review.progress.values_list("score", flat=True)) == {10}


def test_next_review_is_12_weeks_after_the_review(world):
    plan = approve(world, make_plan(world, world.children["own"]))
    backdate(plan, 30)
    outcome = PlanOutcome.objects.get(section__plan=plan)
    review = _review(world, plan, {outcome.pk: 4}, date=TODAY - timedelta(days=10))
    assert review.next_review_date == TODAY - timedelta(days=10) + timedelta(weeks=12)
    plan.refresh_from_db()
    assert plan.next_review_date == review.next_review_date


def test_a_review_date_is_checked(world):
    plan = approve(world, make_plan(world, world.children["own"]))
    backdate(plan, 30)
    outcome = PlanOutcome.objects.get(section__plan=plan)
    _review(world, plan, {outcome.pk: 4}, date=TODAY - timedelta(days=5))
    for day, message in [
        (TODAY + timedelta(days=1), "The review date must be today or in the past"),
        (TODAY - timedelta(days=31), "The review cannot be before the plan started"),
        (TODAY - timedelta(days=6), "The review cannot be before the last review on"),
    ]:
        with pytest.raises(ValidationError) as error:
            _review(world, plan, {outcome.pk: 4}, date=day)
        assert error.value.message_dict["date"][0].startswith(message)
    assert PlanReview.objects.count() == 1


def test_only_a_current_approved_plan_can_be_reviewed(world):
    plan = make_plan(world, world.children["own"])
    outcome = PlanOutcome.objects.get(section__plan=plan)
    with pytest.raises(ValidationError, match="current, approved plan"):
        _review(world, plan, {outcome.pk: 4})


# ---------------------------------------------------------------------------------------------
# Services: CIN plan edits
# ---------------------------------------------------------------------------------------------


def test_removing_a_draft_outcome_keeps_its_actions_in_the_section(world):
    plan = make_plan(world, world.children["own"])
    section = plan.children.get()
    outcome = section.outcomes.get()
    outcome_id = outcome.pk
    action = services.plan_action_add(
        section=section, outcome=outcome, what="Linked", who="Me", agency="health", due_date=SOON
    )
    services.plan_outcome_remove(outcome=outcome)
    assert not PlanOutcome.objects.filter(pk=outcome_id).exists()
    action.refresh_from_db()
    assert action.outcome is None
    services.plan_action_remove(action=action)
    assert not PlanAction.objects.filter(pk=action.pk).exists()
    assert PlanOutcome.history.filter(id=outcome_id, history_type="-").exists()


def test_an_action_is_marked_done_only_on_a_current_plan(world):
    plan = make_plan(world, world.children["own"])
    action = PlanAction.objects.get(section__plan=plan)
    with pytest.raises(ValidationError, match="current, approved plan"):
        services.plan_action_complete(action=action, completed_date=TODAY)
    approve(world, plan)
    action.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.plan_action_complete(action=action, completed_date=TODAY + timedelta(days=1))
    assert "completed_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.plan_action_complete(action=action, completed_date=TODAY - timedelta(days=1))
    assert error.value.message_dict == {"completed_date": ["The date it was done cannot be before the plan started"]}
    services.plan_action_complete(action=action, completed_date=TODAY)
    assert PlanAction.objects.get(pk=action.pk).completed_date == TODAY
    with pytest.raises(ValidationError, match="already"):
        services.plan_action_complete(action=action, completed_date=TODAY)


# ---------------------------------------------------------------------------------------------
# Views: who may do what
# ---------------------------------------------------------------------------------------------


def test_new_plan_offers_the_child_and_siblings_with_an_open_episode(client, world, family):
    olivia, amira = family
    no_episode = f.make_child(first_name="Nia", last_name="Owens")
    f.allocate(no_episode, team=world.north, worker=world.users["sw_north"])
    other_team = f.make_child(first_name="Oscar", last_name="Owens")
    f.allocate(other_team, team=world.south, worker=world.users["sw_south"])
    f.open_cin_episode(other_team)
    f.make_siblings(olivia, no_episode)
    f.make_siblings(olivia, other_team)
    client.force_login(world.users["sw_north"])
    response = client.get(reverse("casework:plan_new", args=[olivia.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{olivia.pk}" checked' in body
    assert f'value="{amira.pk}"' in body and f'value="{amira.pk}" checked' not in body
    assert "Nia" not in body and "Oscar" not in body
    response = client.post(
        reverse("casework:plan_new", args=[olivia.pk]),
        {"title": "Owens family plan", "children": [olivia.pk, amira.pk]},
    )
    plan = CINPlan.objects.get()
    assert response.status_code == 302
    assert response.url == plan_url("plan", olivia, plan)
    assert set(plan.children.values_list("child_id", flat=True)) == {olivia.pk, amira.pk}
    assert plan.author == world.users["sw_north"]


def test_new_plan_must_include_the_child_and_only_listed_children(client, world, family):
    olivia, amira = family
    client.force_login(world.users["sw_north"])
    url = reverse("casework:plan_new", args=[olivia.pk])
    body = client.post(url, {"title": "", "children": [amira.pk]}).content.decode()
    assert "govuk-error-summary" in body
    assert 'id="id_title-error"' in body and "Enter a title for the plan" in body
    assert 'id="id_children-error"' in body and "Include Olivia Owens" in body
    south = world.children["south"]
    body = client.post(url, {"title": "Plan", "children": [olivia.pk, south.pk]}).content.decode()
    assert "Select only children listed here" in body
    assert not CINPlan.objects.exists()


@pytest.mark.parametrize("role, status", [("inspector", 403), ("qa", 403), ("sw_south", 403), ("fsw_north", 200)])
def test_new_plan_needs_the_right_to_change_the_record(client, world, role, status):
    client.force_login(world.users[role])
    url = reverse("casework:plan_new", args=[world.children["own"].pk])
    assert client.get(url).status_code == status
    client.post(url, {"title": "Plan", "children": [world.children["own"].pk]})
    assert CINPlan.objects.exists() == (status == 200)


@pytest.mark.parametrize("role", ["sw_north", "tm_north", "inspector", "qa", "leader"])
def test_the_plan_page_can_be_read_by_those_who_may_see_the_child(client, world, family, role):
    olivia, amira = family
    plan = make_plan(world, olivia, amira)
    client.force_login(world.users[role])
    response = client.get(plan_url("plan", olivia, plan))
    assert response.status_code == 200
    body = response.content.decode()
    assert ">Olivia Owens</h2>" in body and ">Amira Owens</h2>" in body
    can_edit = role in ("sw_north", "tm_north", "leader")
    assert ("Submit for approval" in body) == can_edit
    assert ("Add an outcome for Amira" in body) == can_edit


def test_the_plan_page_refuses_unrelated_workers_and_other_families_plans(client, world, family):
    olivia, _ = family
    plan = make_plan(world, *family)
    client.force_login(world.users["sw_south"])
    assert client.get(plan_url("plan", olivia, plan)).status_code == 403
    other = make_plan(world, world.children["team"])
    client.force_login(world.users["sw_north"])
    assert client.get(plan_url("plan", olivia, other)).status_code == 404
    section = other.children.get()
    url = reverse(
        "casework:plan_section_edit", kwargs={"child_id": olivia.pk, "plan_id": other.pk, "section_id": section.pk}
    )
    assert client.post(url, {"needs": "Hijack"}).status_code == 404
    wrong_section = reverse(
        "casework:plan_section_edit", kwargs={"child_id": olivia.pk, "plan_id": plan.pk, "section_id": section.pk}
    )
    assert client.post(wrong_section, {"needs": "Hijack"}).status_code == 404
    section.refresh_from_db()
    assert section.needs != "Hijack"


def test_the_plan_page_shows_each_childs_section_in_full(client, world, family):
    olivia, amira = family
    plan = make_plan(world, olivia, amira, done=False)
    complete(plan.children.get(child=olivia))
    client.force_login(world.users["sw_north"])
    page = text(client.get(plan_url("plan", olivia, plan)))
    assert "Olivia needs a settled routine" in page
    assert "Olivia says she wants to stay at her school" in page
    assert "A strategy discussion if attendance does not improve" in page
    assert f"By {SOON.day} {SOON:%b %Y}" in page
    assert "Olivia outcome 0 Attendance above 95%" in page
    assert "Olivia action 0 Ms Patel School" in page
    assert "Before you can submit this plan for approval" in page
    assert "Amira: describe Amira's own needs" in page
    assert "Olivia: " not in page  # Olivia's section is complete


def test_submitting_an_incomplete_plan_shows_the_problems_in_the_error_summary(client, world, family):
    olivia, amira = family
    plan = make_plan(world, olivia, amira, done=False)
    complete(plan.children.get(child=olivia))
    client.force_login(world.users["sw_north"])
    response = client.post(plan_url("plan_submit", olivia, plan))
    assert response.status_code == 200
    body = response.content.decode()
    summary = body[body.index("govuk-error-summary") : body.index("</div>", body.index("govuk-error-summary__body"))]
    assert "Amira: add at least one outcome with a measure and a target date" in summary
    assert "Olivia" not in summary
    assert CINPlan.objects.get(pk=plan.pk).status == WorkStatus.DRAFT


def test_submitting_a_complete_plan(client, world, family):
    plan = make_plan(world, *family)
    client.force_login(world.users["sw_north"])
    response = client.post(plan_url("plan_submit", family[0], plan))
    assert response.status_code == 302
    assert CINPlan.objects.get(pk=plan.pk).status == WorkStatus.SUBMITTED
    page = text(client.get(response.url))
    assert "Awaiting approval" in page and "Submit for approval" not in page


@pytest.mark.parametrize("role", ["inspector", "qa"])
def test_read_only_roles_cannot_change_a_plan(client, world, role):
    olivia = world.children["own"]
    plan = make_plan(world, olivia, done=False)
    section = plan.children.get()
    client.force_login(world.users[role])
    kwargs = {"child_id": olivia.pk, "plan_id": plan.pk, "section_id": section.pk}
    posts = {
        reverse("casework:plan_section_edit", kwargs=kwargs): {"needs": "Changed"},
        reverse("casework:plan_outcome_new", kwargs=kwargs): {"description": "D", "measure": "M"},
        reverse("casework:plan_action_new", kwargs=kwargs): {"what": "W", "who": "Me", "agency": "school"},
        plan_url("plan_submit", olivia, plan): {},
        plan_url("plan_decide", olivia, plan): {"decision": "approved", "comment": "C", "rationale": "R"},
        plan_url("plan_review_new", olivia, plan): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    section.refresh_from_db()
    assert section.needs == "" and not section.outcomes.exists() and not section.actions.exists()


def test_section_edit_saves_and_shows_errors_by_the_field(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia, done=False)
    section = plan.children.get()
    url = reverse(
        "casework:plan_section_edit", kwargs={"child_id": olivia.pk, "plan_id": plan.pk, "section_id": section.pk}
    )
    client.force_login(world.users["sw_north"])
    assert "Olivia Owens: needs, views and contingency" in client.get(url).content.decode()
    data = {
        "needs": "Olivia needs help with sleep",
        "child_views": "I want my own room",
        "family_views": "Dad agrees",
        "contingency": "Strategy discussion",
        "contingency_by_day": "31",
        "contingency_by_month": "2",
        "contingency_by_year": str(SOON.year),
    }
    body = client.post(url, data).content.decode()
    assert "govuk-error-summary" in body
    assert 'id="id_contingency_by-error"' in body and "Contingency review date must be a real date" in body
    section.refresh_from_db()
    assert section.needs == ""
    data.update({"contingency_by_day": str(SOON.day), "contingency_by_month": str(SOON.month)})
    response = client.post(url, data)
    assert response.status_code == 302 and response.url.endswith(f"#section-{section.pk}")
    section.refresh_from_db()
    assert section.needs == "Olivia needs help with sleep" and section.contingency_by == SOON


def test_a_submitted_plan_cannot_be_changed_through_the_pages(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    section = plan.children.get()
    url = reverse(
        "casework:plan_section_edit", kwargs={"child_id": olivia.pk, "plan_id": plan.pk, "section_id": section.pk}
    )
    client.force_login(world.users["sw_north"])
    assert client.get(url).status_code == 302
    body = client.post(url, {"needs": "Changed after submission"}).content.decode()
    assert "can no longer be changed" in body
    section.refresh_from_db()
    assert section.needs == "Olivia needs a settled routine"


def test_adding_an_outcome_and_an_action(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia, done=False)
    section = plan.children.get()
    kwargs = {"child_id": olivia.pk, "plan_id": plan.pk, "section_id": section.pk}
    client.force_login(world.users["sw_north"])
    outcome_url = reverse("casework:plan_outcome_new", kwargs=kwargs)
    body = client.post(outcome_url, {"description": "Goes to school", "target_date_day": "40"}).content.decode()
    assert "govuk-error-summary" in body
    assert 'id="id_measure-error"' in body and "Enter how you will know the outcome has been reached" in body
    assert 'id="id_target_date-error"' in body
    assert not PlanOutcome.objects.exists()
    response = client.post(
        outcome_url,
        {
            "description": "Goes to school every day",
            "measure": "Attendance above 95%",
            "target_date_day": SOON.day,
            "target_date_month": SOON.month,
            "target_date_year": SOON.year,
            "baseline_score": "2",
        },
    )
    assert response.status_code == 302
    outcome = PlanOutcome.objects.get()
    assert (outcome.section, outcome.baseline_score, outcome.target_date) == (section, 2, SOON)
    action_url = reverse("casework:plan_action_new", kwargs=kwargs)
    assert "Goes to school every day" in client.get(action_url).content.decode()
    body = client.post(action_url, {"what": "Daily check-in", "agency": "school"}).content.decode()
    assert 'id="id_who-error"' in body and "Enter who will do it" in body and 'id="id_due_date-error"' in body
    assert not PlanAction.objects.exists()
    response = client.post(
        action_url,
        {
            "what": "Daily check-in at the gate",
            "who": "Ms Patel, designated safeguarding lead",
            "agency": "school",
            "due_date_day": SOON.day,
            "due_date_month": SOON.month,
            "due_date_year": SOON.year,
            "outcome": outcome.pk,
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert (action.agency, action.outcome, action.who) == ("school", outcome, "Ms Patel, designated safeguarding lead")


def test_removing_a_draft_outcome_through_the_pages(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia)
    section = plan.children.get()
    outcome = section.outcomes.get()
    url = reverse(
        "casework:plan_outcome_remove",
        kwargs={"child_id": olivia.pk, "plan_id": plan.pk, "section_id": section.pk, "outcome_id": outcome.pk},
    )
    client.force_login(world.users["sw_north"])
    assert "Are you sure you want to remove this outcome?" in client.get(url).content.decode()
    assert PlanOutcome.objects.filter(pk=outcome.pk).exists()
    assert client.post(url).status_code == 302
    assert not PlanOutcome.objects.filter(pk=outcome.pk).exists()


def test_an_approved_plans_actions_cannot_be_removed_through_the_pages(client, world):
    olivia = world.children["own"]
    plan = approve(world, make_plan(world, olivia))
    action = PlanAction.objects.get(section__plan=plan)
    url = reverse(
        "casework:plan_action_remove",
        kwargs={"child_id": olivia.pk, "plan_id": plan.pk, "section_id": action.section_id, "action_id": action.pk},
    )
    client.force_login(world.users["sw_north"])
    assert client.get(url).status_code == 302
    body = client.post(url).content.decode()
    assert "govuk-error-summary" in body and "can no longer be changed" in body
    assert PlanAction.objects.filter(pk=action.pk).exists()
    assert "Remove<span" not in client.get(plan_url("plan", olivia, plan)).content.decode()


def test_a_siblings_section_is_only_shown_to_those_who_may_see_them(client, world):
    olivia, sophie = world.children["own"], world.children["south"]  # Sophie is held by the south team
    plan = make_plan(world, olivia, sophie)
    sophie_section = plan.children.get(child=sophie)
    client.force_login(world.users["sw_north"])
    page = text(client.get(plan_url("plan", olivia, plan)))
    assert "Olivia Owens" in page and "Sophie" not in page
    assert "and 1 other child whose record you cannot see" in page
    url = reverse(
        "casework:plan_section_edit",
        kwargs={"child_id": olivia.pk, "plan_id": plan.pk, "section_id": sophie_section.pk},
    )
    assert client.post(url, {"needs": "Changed"}).status_code == 403
    assert not ChildView.objects.filter(child=sophie, user=world.users["sw_north"], outcome="viewed").exists()
    client.force_login(world.users["tm_north"])
    assert client.get(plan_url("plan_decide", olivia, plan)).status_code == 403
    client.force_login(world.users["leader"])  # a senior leader sees both, and the view of each is logged
    page = text(client.get(plan_url("plan", olivia, plan)))
    assert "Sophie Southall" in page
    assert ChildView.objects.filter(child=sophie, user=world.users["leader"]).exists()


# ---------------------------------------------------------------------------------------------
# Views: the manager's decision
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, status", [("sw_north", 403), ("fsw_north", 403), ("qa", 403), ("tm_north", 200)])
def test_only_managers_decide(client, world, role, status):
    olivia = world.children["own"]
    plan = make_plan(world, olivia)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    client.force_login(world.users[role])
    url = plan_url("plan_decide", olivia, plan)
    assert client.get(url).status_code == status
    client.post(url, {"decision": "approved", "comment": "C", "rationale": "R"})
    assert CINPlan.objects.get(pk=plan.pk).status == (WorkStatus.APPROVED if status == 200 else WorkStatus.SUBMITTED)


def test_a_decision_without_comment_or_rationale_shows_errors_by_the_field(client, world, family):
    olivia, _ = family
    plan = make_plan(world, *family)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    client.force_login(world.users["tm_north"])
    response = client.post(plan_url("plan_decide", olivia, plan), {"decision": "approved", "comment": " "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert 'id="id_comment-error"' in body and "Enter a comment" in body
    assert 'id="id_rationale-error"' in body and "Enter the rationale for your decision" in body
    assert not Approval.objects.exists()
    assert CINPlan.objects.get(pk=plan.pk).status == WorkStatus.SUBMITTED


def test_approval_through_the_page_is_shown_on_the_plan(client, world, family):
    olivia, amira = family
    plan = make_plan(world, olivia, amira)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    client.force_login(world.users["tm_north"])
    decide = plan_url("plan_decide", olivia, plan)
    assert "Amira outcome 0" in client.get(decide).content.decode()  # the manager sees what they approve
    response = client.post(
        decide, {"decision": "approved", "comment": "Specific and timed", "rationale": "Meets both children's needs"}
    )
    assert response.status_code == 302
    assert Approval.objects.filter(subject_id=plan.pk, kind="cin_plan").count() == 2
    page = text(client.get(plan_url("plan", olivia, plan)))
    assert "Approved" in page
    assert f"Start date {TODAY.day} {TODAY:%b %Y}" in page
    review = TODAY + timedelta(weeks=12)
    assert f"Next review date {review.day} {review:%b %Y}" in page
    assert "Specific and timed" in page and "Meets both children's needs" in page
    assert "Recorded on the file of Olivia Owens, Amira Owens" in page
    assert page.count("Specific and timed") == 1  # one decision, shown once
    assert world.users["tm_north"].display_name in page
    assert "Overdue" not in page


def test_a_child_on_a_cp_plan_is_refused_approval_on_the_page(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    f.open_cp_plan(olivia, olivia.cin_episodes.get(), start=TODAY - timedelta(days=3))
    client.force_login(world.users["tm_north"])
    body = client.post(
        plan_url("plan_decide", olivia, plan), {"decision": "approved", "comment": "C", "rationale": "R"}
    ).content.decode()
    assert "govuk-error-summary" in body and "Olivia is on a child protection plan" in body
    assert not Approval.objects.exists()


# ---------------------------------------------------------------------------------------------
# Views: reviews and progress
# ---------------------------------------------------------------------------------------------


def test_a_review_scores_every_outcome_grouped_by_child(client, world, family):
    olivia, amira = family
    plan = approve(world, make_plan(world, olivia, amira))
    backdate(plan, 100)
    CINPlan.objects.filter(pk=plan.pk).update(next_review_date=TODAY - timedelta(days=16))
    outcomes = {o.section.child_id: o for o in PlanOutcome.objects.filter(section__plan=plan).select_related("section")}
    url = plan_url("plan_review_new", olivia, plan)
    client.force_login(world.users["sw_north"])
    page = client.get(url).content.decode()
    due = TODAY - timedelta(days=16)
    assert f"due by <strong>{due.day} {due:%b %Y}</strong>" in page and "Overdue" in page
    assert page.index(">Olivia Owens</h3>") < page.index("Olivia outcome 0</legend>") < page.index(">Amira Owens</h3>")
    assert "Amira outcome 0</legend>" in page
    data = {
        "date_day": TODAY.day,
        "date_month": TODAY.month,
        "date_year": TODAY.year,
        "attendees": "Mum, Olivia, Amira, Ms Patel (school)",
        "decisions": "Continue the plan",
        f"score_{outcomes[olivia.pk].pk}": "5",
    }
    body = client.post(url, data).content.decode()
    assert "govuk-error-summary" in body
    assert f'id="id_score_{outcomes[amira.pk].pk}-error"' in body
    assert f'id="id_score_{outcomes[olivia.pk].pk}-error"' not in body
    assert not PlanReview.objects.exists()
    data[f"score_{outcomes[amira.pk].pk}"] = "11"
    assert "Progress scores must be from 0 to 10" in client.post(url, data).content.decode()
    assert not PlanReview.objects.exists()
    data[f"score_{outcomes[amira.pk].pk}"] = "6"
    data[f"comment_{outcomes[amira.pk].pk}"] = "Going to school most days"
    response = client.post(url, data)
    assert response.status_code == 302
    review = PlanReview.objects.get()
    assert review.next_review_date == TODAY + timedelta(weeks=12)
    assert dict(review.progress.values_list("outcome_id", "score")) == {
        outcomes[olivia.pk].pk: 5,
        outcomes[amira.pk].pk: 6,
    }
    page = text(client.get(plan_url("plan", olivia, plan)))
    assert "Overdue" not in page
    assert "Olivia outcome 0: 3 (start) → , then 5" in page
    assert "Amira outcome 0: 3 (start) → , then 6" in page
    assert "Going to school most days" in page
    assert "Mum, Olivia, Amira, Ms Patel (school)" in page


def test_progress_shows_every_review_in_order(client, world):
    olivia = world.children["own"]
    plan = approve(world, make_plan(world, olivia))
    backdate(plan, 60)
    outcome = PlanOutcome.objects.get(section__plan=plan)
    for days, score in ((40, 4), (20, 6), (0, 5)):
        _review(world, plan, {outcome.pk: score}, date=TODAY - timedelta(days=days))
    client.force_login(world.users["sw_north"])
    page = text(client.get(plan_url("plan", olivia, plan)))
    assert "Olivia outcome 0: 3 (start) → , then 4 → , then 6 → , then 5" in page
    for days in (40, 20, 0):
        day = TODAY - timedelta(days=days)
        assert f"Review on {day.day} {day:%b %Y}" in page


def test_an_overdue_review_is_flagged_on_the_plan(client, world):
    olivia = world.children["own"]
    plan = approve(world, make_plan(world, olivia))
    client.force_login(world.users["sw_north"])
    assert "Overdue" not in text(client.get(plan_url("plan", olivia, plan)))
    CINPlan.objects.filter(pk=plan.pk).update(next_review_date=TODAY - timedelta(days=1))
    page = text(client.get(plan_url("plan", olivia, plan)))
    assert "Overdue" in page
    assert "Record a review" in page


def test_a_draft_plan_cannot_be_reviewed_through_the_page(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia)
    client.force_login(world.users["sw_north"])
    assert client.get(plan_url("plan_review_new", olivia, plan)).status_code == 302
    body = client.post(plan_url("plan_review_new", olivia, plan), {"attendees": "A"}).content.decode()
    assert "govuk-error-summary" in body
    assert not PlanReview.objects.exists()


def test_marking_an_action_done_through_the_page(client, world):
    olivia = world.children["own"]
    plan = approve(world, make_plan(world, olivia))
    action = PlanAction.objects.get(section__plan=plan)
    url = reverse(
        "casework:plan_action_complete",
        kwargs={"child_id": olivia.pk, "plan_id": plan.pk, "section_id": action.section_id, "action_id": action.pk},
    )
    client.force_login(world.users["inspector"])
    assert client.post(url).status_code == 403
    client.force_login(world.users["sw_north"])
    assert "Mark as done" in client.get(plan_url("plan", olivia, plan)).content.decode()
    response = client.post(
        url, {"completed_date_day": TODAY.day, "completed_date_month": TODAY.month, "completed_date_year": TODAY.year}
    )
    assert response.status_code == 302
    assert PlanAction.objects.get(pk=action.pk).completed_date == TODAY


# ---------------------------------------------------------------------------------------------
# Views: bounded queries
# ---------------------------------------------------------------------------------------------


def _plan_page_queries(client, world, *, outcomes: int, actions: int, reviews: int) -> int:
    olivia = f.make_child(first_name="Bea", last_name="Bounded")
    sibling = f.make_child(first_name="Cy", last_name="Bounded")
    for child in (olivia, sibling):
        f.allocate(child, team=world.north, worker=world.users["sw_north"])
        f.open_cin_episode(child)
    plan = approve(world, make_plan(world, olivia, sibling, outcomes=outcomes, actions=actions))
    backdate(plan, 90)
    ids = list(PlanOutcome.objects.filter(section__plan=plan).values_list("pk", flat=True))
    for n in range(reviews):
        _review(world, plan, dict.fromkeys(ids, n % 11), date=TODAY - timedelta(days=80 - n * 10))
    client.force_login(world.users["sw_north"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(plan_url("plan", olivia, plan))
    assert response.status_code == 200
    return len(queries)


def test_the_plan_page_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    small = _plan_page_queries(client, world, outcomes=1, actions=1, reviews=1)
    large = _plan_page_queries(client, world, outcomes=4, actions=5, reviews=3)
    assert large == small
    olivia = world.children["own"]
    plan = approve(world, make_plan(world, olivia, outcomes=3, actions=3))
    client.force_login(world.users["sw_north"])
    with django_assert_max_num_queries(30):
        assert client.get(plan_url("plan", olivia, plan)).status_code == 200


def test_the_plan_list_shows_the_childs_plans(client, world, family, django_assert_max_num_queries):
    olivia, amira = family
    first = approve(world, make_plan(world, olivia, amira))
    second = make_plan(world, olivia, done=False)
    make_plan(world, amira, done=False)
    client.force_login(world.users["sw_north"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("casework:plan_list", args=[olivia.pk]))
    body = response.content.decode()
    assert plan_url("plan", olivia, first) in body and plan_url("plan", olivia, second) in body
    assert body.count("Owens family plan") == 2


# ---------------------------------------------------------------------------------------------
# Decisions that contradict themselves are refused (issue 13)
# ---------------------------------------------------------------------------------------------


def test_a_cin_plan_cannot_be_started_for_a_child_on_a_child_protection_plan(world, family):
    olivia, amira = family
    f.open_cp_plan(amira, amira.cin_episodes.get(), start=TODAY - timedelta(days=7))
    with pytest.raises(ValidationError) as error:
        services.cin_plan_create(children=[olivia, amira], title="Plan", author=world.users["sw_north"])
    assert error.value.message_dict["children"] == [
        "Amira Owens is on a child protection plan, so cannot be on a CIN plan"
    ]
    assert not CINPlan.objects.exists()


def test_starting_a_cin_plan_for_a_child_on_a_cp_plan_shows_the_error_by_the_children(client, world):
    olivia = world.children["own"]
    f.open_cp_plan(olivia, olivia.cin_episodes.get(), start=TODAY - timedelta(days=3))
    client.force_login(world.users["sw_north"])
    body = client.post(
        reverse("casework:plan_new", args=[olivia.pk]), {"title": "Plan", "children": [olivia.pk]}
    ).content.decode()
    assert "govuk-error-summary" in body and 'id="id_children-error"' in body
    assert "is on a child protection plan, so cannot be on a CIN plan" in body
    assert not CINPlan.objects.exists()


def test_an_action_without_an_agency_is_refused_by_the_service_and_the_database(world):
    section = make_plan(world, world.children["own"], done=False).children.get()
    with pytest.raises(ValidationError) as error:
        services.plan_action_add(section=section, outcome=None, what="Visit", who="Sam", agency="", due_date=SOON)
    assert error.value.message_dict["agency"] == ["Select the agency"]
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanAction.objects.create(section=section, what="Visit", who="Sam", due_date=SOON)  # no silent default
    assert not PlanAction.objects.exists()


def test_the_action_page_does_not_choose_an_agency_for_the_worker(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia, done=False)
    section = plan.children.get()
    url = reverse("casework:plan_action_new", args=[olivia.pk, plan.pk, section.pk])
    client.force_login(world.users["sw_north"])
    assert "checked" not in client.get(url).content.decode()
    body = client.post(
        url,
        {
            "what": "Daily check-in",
            "who": "Ms Patel",
            "due_date_day": SOON.day,
            "due_date_month": SOON.month,
            "due_date_year": SOON.year,
        },
    ).content.decode()
    assert "govuk-error-summary" in body and 'id="id_agency-error"' in body and "Select the agency" in body
    assert not PlanAction.objects.exists()


def _returned_assessment(child) -> Assessment:
    episode = child.cin_episodes.get()
    return Assessment.objects.create(
        episode=episode, child=child, start_date=TODAY, due_date=SOON, status=WorkStatus.RETURNED
    )


def test_a_plan_cannot_be_approved_while_a_childs_assessment_is_returned(world, family):
    olivia, amira = family
    plan = make_plan(world, olivia, amira)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    _returned_assessment(amira)
    with pytest.raises(ValidationError) as error:
        services.cin_plan_decide(
            plan=plan, decision=Decision.APPROVED, comment="C", rationale="R", by=world.users["tm_north"]
        )
    assert error.value.messages == [
        "Amira's assessment has been returned for more work; approve the assessment before the plan"
    ]
    assert not Approval.objects.exists()
    plan.refresh_from_db()
    assert plan.status == WorkStatus.SUBMITTED
    assert not CINPlanChild.objects.filter(start_date__isnull=False).exists()


def test_approving_a_plan_while_the_assessment_is_returned_is_refused_on_the_page(client, world):
    olivia = world.children["own"]
    plan = make_plan(world, olivia)
    services.cin_plan_submit(plan=plan, by=world.users["sw_north"])
    _returned_assessment(olivia)
    client.force_login(world.users["tm_north"])
    body = client.post(
        plan_url("plan_decide", olivia, plan), {"decision": "approved", "comment": "C", "rationale": "R"}
    ).content.decode()
    assert "govuk-error-summary" in body and "Olivia&#x27;s assessment has been returned for more work" in body
    assert not Approval.objects.exists()
