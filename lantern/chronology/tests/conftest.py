"""A child with five years of history, written directly (quickly) for the bounded-query tests."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lantern.approvals.models import Approval
from lantern.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINEpisode,
    Contact,
    ContactDecision,
    CPPlanReview,
    Section47,
    StrategyDiscussion,
    ThresholdLevel,
)
from lantern.workforce.models import Allocation, AllocationReason

LONDON = ZoneInfo("Europe/London")


def write_history(child, *, workers, team, decider, start=date(2021, 1, 4), years=5) -> int:
    """A referral every six months for `years` years, each with a contact, a decision, an
    assessment with its approval, a strategy discussion, an S47, an ICPC, a CP plan with two
    reviews, and two workers in turn. Returns how many records were written."""
    from django.contrib.contenttypes.models import ContentType

    CINEpisode.objects.filter(child=child).delete()
    Allocation.objects.filter(child=child).delete()
    level = ThresholdLevel.objects.get(code="child_in_need")
    assessment_type = ContentType.objects.get_for_model(Assessment)
    written = 0
    for n in range(years * 2):
        day = start + timedelta(days=182 * n)
        close = day + timedelta(days=170)
        contact = Contact.objects.create(
            child=child,
            received_at=datetime.combine(day, time(10, 0), tzinfo=LONDON),
            source="6",
            concern=f"Concern {n}",
        )
        ContactDecision.objects.create(
            contact=contact,
            level=level,
            route="referral",
            reason="Threshold met",
            decided_by=decider,
            decided_at=datetime.combine(day, time(15, 0), tzinfo=LONDON),
        )
        episode = CINEpisode.objects.create(
            child=child,
            contact=contact,
            referral_date=day,
            referral_source="6",
            primary_need="N1",
            closure_date=close,
            closure_reason="RC7",
        )
        assessment = Assessment.objects.create(
            episode=episode,
            child=child,
            start_date=day + timedelta(days=1),
            due_date=day + timedelta(days=60),
            status="approved",
            authorised_date=day + timedelta(days=30),
            author=workers[n % 2],
            submitted_at=datetime.combine(day + timedelta(days=29), time(12, 0), tzinfo=LONDON),
        )
        Approval.objects.create(
            subject_type=assessment_type,
            subject_id=assessment.pk,
            child=child,
            kind="assessment",
            decision="approved",
            comment="ok",
            rationale="Sound",
            decided_by=decider,
        )
        discussion = StrategyDiscussion.objects.create(
            episode=episode,
            child=child,
            date=day + timedelta(days=2),
            attendees="Police",
            concerns="Harm",
            rationale="Threshold",
            recorded_by=workers[0],
        )
        Section47.objects.create(
            episode=episode,
            child=child,
            strategy_discussion=discussion,
            start_date=day + timedelta(days=2),
            icpc_target_date=day + timedelta(days=23),
            icpc_date=day + timedelta(days=20),
        )
        plan = ChildProtectionPlan.objects.create(
            child=child,
            episode=episode,
            start_date=day + timedelta(days=20),
            end_date=close,
            initial_category="NEG",
            latest_category="NEG",
        )
        CPPlanReview.objects.create(plan=plan, date=day + timedelta(days=90))
        CPPlanReview.objects.create(plan=plan, date=day + timedelta(days=160))
        for i, worker in enumerate(workers):
            Allocation.objects.create(
                child=child,
                team=team,
                worker=worker,
                start_date=day + timedelta(days=85 * i),
                end_date=day + timedelta(days=85 * (i + 1)),
                start_reason=AllocationReason.NEW_CASE if i == 0 else AllocationReason.CASELOAD_BALANCING,
                end_reason=AllocationReason.CASELOAD_BALANCING if i == 0 else AllocationReason.CASE_CLOSED,
            )
        written += 13
    return written


@pytest.fixture
def long_history(world):
    child = world.children["own"]
    write_history(
        child,
        workers=[world.users["sw_north"], world.users["sw_north_2"]],
        team=world.north,
        decider=world.users["tm_north"],
    )
    Allocation.objects.create(
        child=child,
        team=world.north,
        worker=world.users["sw_north"],
        start_date=date(2026, 1, 5),
        start_reason="new_case",
    )
    return child
