"""Builders for the practice standards' tests: records written straight to the models, dated
around AS_OF (Tuesday 31 March 2026), so each test states exactly the day that matters."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from lantern import factories as f
from lantern.casework.models import (
    Assessment,
    AssessmentFactorRecord,
    CINPlan,
    CINPlanChild,
    Contact,
    PlanOutcome,
    WorkStatus,
)

AS_OF = date(2026, 3, 31)


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def contact(child, day: date) -> Contact:
    return Contact.objects.create(child=child, received_at=at(day), source="2A", concern="Worried")


def assessment(child, episode, *, start: date, authorised: date | None = None, outcome: str = "", factors=()):
    a = Assessment.objects.create(
        episode=episode,
        child=child,
        start_date=start,
        due_date=start,
        outcome=outcome,
        status=WorkStatus.APPROVED if authorised else WorkStatus.DRAFT,
        authorised_date=authorised,
    )
    for code in factors:
        AssessmentFactorRecord.objects.create(assessment=a, code=code)
    return a


def plan(
    children,
    *,
    start: date,
    author,
    review_weeks: int = 12,
    outcomes: bool = True,
    contingency: bool = True,
    measure: str = "School says she attends every day",
    baseline: int | None = 3,
) -> CINPlan:
    """An approved CIN plan in force from `start`, one section per child on their open episode."""
    p = CINPlan.objects.create(
        title="Family plan", status=WorkStatus.APPROVED, start_date=start, review_weeks=review_weeks, author=author
    )
    for child in children:
        section = CINPlanChild.objects.create(
            plan=p,
            child=child,
            episode=child.cin_episodes.get(closure_date__isnull=True),
            needs="Needs",
            child_views="Views",
            contingency="Strategy discussion if no change" if contingency else "",
            contingency_by=date(2026, 6, 1) if contingency else None,
            start_date=start,
        )
        if outcomes:
            PlanOutcome.objects.create(
                section=section, description="Goes to school", measure=measure, target_date=date(2026, 7, 1),
                baseline_score=baseline,
            )  # fmt: skip
    return p


@pytest.fixture
def author(world):
    return world.users["sw_north"]


@pytest.fixture
def new_child(world):
    """A child in the north team (lead: sw_north) with a fresh open CIN episode referred on the
    given day; returns (child, episode)."""

    def make(referral: date = date(2025, 6, 2), *, worker=None, **episode_fields):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=worker or world.users["sw_north"], start=referral)
        episode = f.open_cin_episode(child, referral_date=referral, **episode_fields)
        return child, episode

    return make
