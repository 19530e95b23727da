"""One decision per request, whatever the timing (issue 12).

Seen before the fix: 20 simultaneous "approve" posts on one assessment, plan, step-down or
closure recorded 11-17 approvals; a double click recorded 2; 10 approve + 10 return on one
assessment recorded 3 of each. Now every decision goes through `lantern.approvals.services.decide`
(row lock, state checked inside the transaction) and the database holds one decision per version.

The simultaneous tests use real threads on PostgreSQL; the double-click tests run on both databases.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.approvals.services import AlreadyDecided
from lantern.casework import services
from lantern.casework.models import (
    Assessment,
    CINPlan,
    ClosureRequest,
    Contact,
    ContactDecision,
    StepDown,
    ThresholdLevel,
    WorkStatus,
)
from lantern.casework.tests.test_assessments import _submitted as submitted_assessment
from lantern.casework.tests.test_plans import make_plan
from lantern.core.versions import current_version
from lantern.workforce.models import TeamType

POSTGRES_ONLY = "Simultaneous requests are proved on PostgreSQL: SQLite runs one writer at a time"

DECISION = {"decision": "approved", "comment": "Agreed with the worker.", "rationale": "The evidence supports it."}
RETURN = {"decision": "returned", "comment": "Not yet.", "rationale": "The analysis needs more work."}


def _early_help(world):
    return f.make_team("Early help North", service=world.north.service, type=TeamType.EARLY_HELP)


def _step_down(world) -> StepDown:
    return services.step_down_request(
        child=world.children["own"],
        outcomes_met=True,
        outcomes_reason="",
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=_early_help(world),
        proposed_date=date(2026, 3, 2),
        by=world.users["sw_north"],
    )


def _closure(world) -> ClosureRequest:
    return services.closure_request(
        child=world.children["own"],
        reason="RC7",
        closure_date=date(2026, 3, 2),
        summary="Work complete; the family no longer need services.",
        by=world.users["sw_north"],
    )


def _plan(world) -> CINPlan:
    plan = make_plan(world, world.children["own"])
    return services.cin_plan_submit(plan=plan, by=world.users["sw_north"])


# kind -> (make the thing, its decide URL name, URL argument name, extra form data)
SUBJECTS = {
    "assessment": (submitted_assessment, "casework:assessment_decide", "assessment_id", {"quality_grade": "good"}),
    "cin_plan": (_plan, "casework:plan_decide", "plan_id", {}),
    "step_down": (_step_down, "casework:step_down_decide", "step_down_id", {}),
    "closure": (_closure, "casework:closure_decide", "closure_id", {}),
}


def _decide_url(kind, world, item):
    _make, name, arg, _extra = SUBJECTS[kind]
    return reverse(name, kwargs={"child_id": world.children["own"].pk, arg: item.pk})


def _approvals(item):
    return Approval.objects.filter(subject_type=ContentType.objects.get_for_model(item), subject_id=item.pk)


def _post_all(posts: list[tuple[Client, str, dict]]) -> list[int]:
    """Send every post at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []
    lock = threading.Lock()

    def send(client, url, data):
        try:
            barrier.wait()
            response = client.post(url, data)
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _manager(world) -> Client:
    client = Client()
    client.force_login(world.users["tm_north"])
    return client


# ---------------------------------------------------------------------------------------------
# Simultaneous decisions (PostgreSQL, real threads)
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_20_simultaneous_approvals_record_one(world, kind):
    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    make, _name, _arg, extra = SUBJECTS[kind]
    item = make(world)
    url = _decide_url(kind, world, item)
    statuses = _post_all([(_manager(world), url, {**DECISION, **extra}) for _ in range(20)])
    assert len(statuses) == 20 and set(statuses) == {302}, statuses
    assert _approvals(item).count() == 1
    item.refresh_from_db()
    assert item.status == WorkStatus.APPROVED


@pytest.mark.django_db(transaction=True)
def test_10_approve_and_10_return_record_exactly_one_decision(world):
    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    assessment = submitted_assessment(world)
    url = _decide_url("assessment", world, assessment)
    posts = [(_manager(world), url, {**DECISION, "quality_grade": "good"}) for _ in range(10)]
    posts += [(_manager(world), url, RETURN) for _ in range(10)]
    statuses = _post_all(posts)
    assert set(statuses) == {302}, statuses
    (approval,) = _approvals(assessment)
    assessment.refresh_from_db()
    expected = WorkStatus.APPROVED if approval.decision == "approved" else WorkStatus.RETURNED
    assert assessment.status == expected


@pytest.mark.django_db(transaction=True)
def test_20_simultaneous_threshold_decisions_on_one_contact_record_one(world):
    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    child = world.children["south"]
    child.cin_episodes.all().delete()
    contact = _contact(world, child)
    level = _level()
    url = reverse("casework:contact_decide", args=[child.pk, contact.pk])
    data = {"level": level.pk, "route": "nfa", "reason": "Advice given; no further action."}
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(world.users["sw_south"])
        clients.append(client)
    statuses = _post_all([(client, url, data) for client in clients])
    assert 500 not in statuses, statuses
    assert ContactDecision.objects.filter(contact=contact).count() == 1


def _contact(world, child) -> Contact:
    return services.contact_record(
        child=child,
        received_at=timezone.now(),
        source="2A",
        method="phone",
        contact_name="Head teacher",
        concern="Attendance has dropped.",
        recorded_by=world.users["sw_south"],
    )


def _level() -> ThresholdLevel:
    # Made here: a transactional test empties the tables the migrations seeded.
    return ThresholdLevel.objects.get_or_create(
        code="decisions_test", defaults={"name": "Universal plus", "descriptor": "Needs met with some help."}
    )[0]


# ---------------------------------------------------------------------------------------------
# Double clicks (both databases)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_a_double_click_records_one_approval_and_says_who_decided(client, world, kind):
    make, _name, _arg, extra = SUBJECTS[kind]
    item = make(world)
    url = _decide_url(kind, world, item)
    client.force_login(world.users["tm_north"])
    first = client.post(url, {**DECISION, **extra})
    second = client.post(url, {**DECISION, **extra}, follow=True)
    assert first.status_code == 302
    assert second.status_code == 200  # a page the manager may see, not an error
    assert _approvals(item).count() == 1
    body = second.content.decode()
    assert "was already approved by" in body and world.users["tm_north"].display_name in body


def test_a_second_manager_returning_after_an_approval_is_told_and_changes_nothing(client, world):
    assessment = submitted_assessment(world)
    services.assessment_decide(assessment=assessment, by=world.users["tm_north"], quality_grade="good", **DECISION)
    with pytest.raises(AlreadyDecided, match="already approved by"):
        services.assessment_decide(
            assessment=Assessment.objects.get(pk=assessment.pk), by=world.users["sm_cin"], quality_grade="", **RETURN
        )
    assert _approvals(assessment).count() == 1
    assert Assessment.objects.get(pk=assessment.pk).status == WorkStatus.APPROVED


def test_a_stale_copy_of_a_submitted_assessment_cannot_be_decided_twice(world):
    """A caller holding the object from before the first decision still sees the current state."""
    assessment = submitted_assessment(world)
    stale = Assessment.objects.get(pk=assessment.pk)
    services.assessment_decide(assessment=assessment, by=world.users["tm_north"], quality_grade="good", **DECISION)
    assert stale.status == WorkStatus.SUBMITTED
    with pytest.raises(ValidationError, match="already approved"):
        services.assessment_decide(assessment=stale, by=world.users["tm_north"], quality_grade="good", **DECISION)
    assert _approvals(assessment).count() == 1


def test_the_database_refuses_a_second_decision_on_the_same_version(world):
    """Even a writer that skipped the lock and the state check cannot decide the same version twice."""
    assessment = submitted_assessment(world)
    version = current_version(assessment)
    services.assessment_decide(assessment=assessment, by=world.users["tm_north"], quality_grade="good", **DECISION)
    first = _approvals(assessment).get()
    assert first.subject_version == version
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(
            subject_type=first.subject_type,
            subject_id=first.subject_id,
            subject_version=version,
            child=first.child,
            kind="assessment",
            decision="returned",
            comment="Again",
            rationale="Again",
            decided_by=world.users["sm_cin"],
        )


def test_a_returned_and_resubmitted_assessment_can_be_decided_again(world):
    assessment = submitted_assessment(world)
    services.assessment_decide(assessment=assessment, by=world.users["tm_north"], quality_grade="", **RETURN)
    services.assessment_submit(assessment=assessment, by=world.users["sw_north"])
    services.assessment_decide(assessment=assessment, by=world.users["tm_north"], quality_grade="good", **DECISION)
    decisions = list(_approvals(assessment).order_by("pk").values_list("decision", "subject_version"))
    assert [d for d, _v in decisions] == ["returned", "approved"]
    assert decisions[0][1] != decisions[1][1]


def test_after_a_closure_the_manager_lands_on_a_page_they_may_see(client, world):
    """Closing ends every allocation, so the team manager no longer sees the child: no 403."""
    closure = _closure(world)
    client.force_login(world.users["tm_north"])
    url = _decide_url("closure", world, closure)
    response = client.post(url, DECISION, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("casework:my_work")
    assert "Closure approved" in response.content.decode()
    again = client.post(url, DECISION, follow=True)  # the second click, now out of sight
    assert again.status_code == 200
    assert "was already approved by" in again.content.decode()
    assert _approvals(closure).count() == 1


def test_someone_who_never_decided_is_still_refused_out_of_scope(client, world):
    closure = _closure(world)
    client.force_login(world.users["sw_south"])
    assert client.post(_decide_url("closure", world, closure), DECISION).status_code == 403
    assert not _approvals(closure).exists()


def test_a_double_click_on_a_threshold_decision_records_one(client, world):
    child = world.children["south"]
    child.cin_episodes.all().delete()
    contact = _contact(world, child)
    level = _level()
    url = reverse("casework:contact_decide", args=[child.pk, contact.pk])
    data = {"level": level.pk, "route": "nfa", "reason": "Advice given; no further action."}
    client.force_login(world.users["sw_south"])
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert second.status_code == 200
    assert "was already decided by" in second.content.decode()
    assert ContactDecision.objects.filter(contact=contact).count() == 1
