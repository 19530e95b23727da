"""Builders for the family tests (unit and browser): a family of children with relatives, a
household, an approved CIN plan with scored outcomes, and visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from lantern import factories as f
from lantern.casework.models import (
    CINEpisode,
    CINPlan,
    CINPlanChild,
    OutcomeProgress,
    PlanOutcome,
    PlanReview,
    WorkStatus,
)
from lantern.core import codes
from lantern.people.models import Child, Household, HouseholdMember, Person, RelationshipType
from lantern.workforce.models import Worker

TODAY = timezone.localdate()


def approved_plan(children: list[Child], *, author: Worker, start: date, title: str = "Owens family plan") -> CINPlan:
    plan = CINPlan.objects.create(
        title=title,
        status=WorkStatus.APPROVED,
        start_date=start,
        next_review_date=start + timedelta(weeks=12),
        author=author,
    )
    for child in children:
        episode = CINEpisode.objects.filter(child=child, closure_date__isnull=True).first()
        CINPlanChild.objects.create(plan=plan, child=child, episode=episode, start_date=start, needs="Needs")
    return plan


def add_outcome(plan: CINPlan, child: Child, description: str, *, baseline: int | None = 3) -> PlanOutcome:
    section = CINPlanChild.objects.get(plan=plan, child=child)
    return PlanOutcome.objects.create(
        section=section,
        description=description,
        measure="School says so",
        target_date=TODAY + timedelta(days=90),
        baseline_score=baseline,
    )


def add_review(plan: CINPlan, day: date, scores: dict[PlanOutcome, int], *, by: Worker) -> PlanReview:
    review = PlanReview.objects.create(
        plan=plan, date=day, attendees="Mum, school", decisions="Carry on", next_review_date=day + timedelta(weeks=12),
        recorded_by=by,
    )  # fmt: skip
    for outcome, score in scores.items():
        OutcomeProgress.objects.create(review=review, outcome=outcome, score=score, comment=f"Comment {score}")
    return review


def add_visit(child: Child, day: date, *, by: Worker) -> None:
    from lantern.recording.services import visit_record

    visit_record(
        child=child,
        by=by,
        visited_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
        visit_type="cin_statutory",
        location="home",
        present="Mum",
        child_seen=True,
        seen_alone=True,
        observations="Calm and settled",
        analysis="Going well",
        next_steps="Carry on",
    )


@dataclass
class Family:
    children: list[Child]  # Olivia (world 'own') and her siblings, all visible to sw_north
    mum: Person
    dad: Person
    household: Household
    plan: CINPlan
    outcomes: dict[int, PlanOutcome]  # child pk -> that child's outcome


def build_family(world, *, extra_siblings: int = 1) -> Family:
    """Olivia and `extra_siblings` brothers and sisters in the north team, Mum and Dad, Mum's home
    (Mum and the children; Dad lives elsewhere), a CIN plan with a baseline and one review each."""
    olivia = world.children["own"]
    children = [olivia]
    for i in range(extra_siblings):
        sib = f.make_child(
            first_name=f"Sib{i}", last_name="Owens", date_of_birth=date(2012 + i % 8, 3, 1),
            sex=codes.Sex.MALE if i % 2 else codes.Sex.FEMALE,
        )  # fmt: skip
        f.allocate(sib, team=world.north, worker=world.users["sw_north"])
        f.open_cin_episode(sib)
        children.append(sib)
    f.make_siblings(*children)
    mum = f.make_person(first_name="Megan", last_name="Owens", date_of_birth=date(1988, 4, 4), sex=codes.Sex.FEMALE)
    dad = f.make_person(first_name="Dylan", last_name="Owens", date_of_birth=date(1986, 2, 2), sex=codes.Sex.MALE)
    for child in children:
        f.relate(mum, child.person, RelationshipType.MOTHER, parental_responsibility=True, lives_with=True)
        f.relate(dad, child.person, RelationshipType.FATHER, parental_responsibility=True, lives_with=False)
    household = Household.objects.create(name="Megan Owens's home")
    for person in [mum] + [c.person for c in children]:
        HouseholdMember.objects.create(household=household, person=person, start_date=date(2020, 1, 1))
    dads = Household.objects.create(name="Dylan's flat")
    HouseholdMember.objects.create(household=dads, person=dad, start_date=date(2021, 1, 1))
    plan = approved_plan(children, author=world.users["sw_north"], start=TODAY - timedelta(days=120))
    outcomes = {}
    for child in children:
        outcome = add_outcome(plan, child, f"{child.person.first_name} goes to school every day")
        outcomes[child.pk] = outcome
    add_review(plan, TODAY - timedelta(days=30), {o: 6 for o in outcomes.values()}, by=world.users["sw_north"])
    return Family(children=children, mum=mum, dad=dad, household=household, plan=plan, outcomes=outcomes)


def add_sibling(world, family: Family, *, name: str) -> Child:
    """Another brother or sister with everything the pages show: parents, household, outcome,
    a review score and a visit."""
    sib = f.make_child(first_name=name, last_name="Owens", date_of_birth=date(2016, 1, 1))
    f.allocate(sib, team=world.north, worker=world.users["sw_north"])
    f.open_cin_episode(sib)
    for other in family.children:
        f.relate(other.person, sib.person, RelationshipType.SIBLING)
    f.relate(family.mum, sib.person, RelationshipType.MOTHER, parental_responsibility=True, lives_with=True)
    f.relate(family.dad, sib.person, RelationshipType.FATHER, parental_responsibility=True)
    HouseholdMember.objects.create(household=family.household, person=sib.person, start_date=date(2020, 1, 1))
    episode = CINEpisode.objects.get(child=sib, closure_date__isnull=True)
    CINPlanChild.objects.create(plan=family.plan, child=sib, episode=episode, start_date=family.plan.start_date)
    outcome = add_outcome(family.plan, sib, f"{name} sleeps well")
    add_review(family.plan, TODAY - timedelta(days=10), {outcome: 5}, by=world.users["sw_north"])
    add_visit(sib, TODAY - timedelta(days=2), by=world.users["sw_north"])
    family.children.append(sib)
    family.outcomes[sib.pk] = outcome
    return sib
