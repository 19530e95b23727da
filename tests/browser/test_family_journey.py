"""A team manager opens a family of three siblings, each on the family's CIN plan with a scored
outcome: the family view shows them side by side, the family diagram draws the household with
its text alternative, and the progress chart shows a child's scores; a worker in another team
is refused. Every page is checked with axe."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern import factories as f
from lantern.family.tests.builders import add_outcome, add_review, add_visit, approved_plan
from lantern.people.models import Household, HouseholdMember, RelationshipType
from lantern.workforce.models import Role

TODAY = timezone.localdate()


@pytest.fixture
def haddads(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    south = f.make_team("South locality", service=service)
    sw = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    f.make_worker("sw.south", role=Role.SOCIAL_WORKER, team=south, first_name="Sol", last_name="South")
    children = [
        f.make_child(first_name=name, last_name="Haddad", date_of_birth=dob, sex=sex)
        for name, dob, sex in (
            ("Amir", date(2014, 5, 2), "M"),
            ("Lina", date(2017, 8, 30), "F"),
            ("Sami", date(2020, 2, 14), "M"),
        )
    ]
    mum = f.make_person(first_name="Rania", last_name="Haddad", date_of_birth=date(1989, 1, 9), sex="F")
    dad = f.make_person(first_name="Omar", last_name="Haddad", date_of_birth=date(1985, 3, 3), sex="M")
    f.make_siblings(*children)
    home = Household.objects.create(name="Rania Haddad's home")
    HouseholdMember.objects.create(household=home, person=mum, start_date=date(2014, 1, 1))
    for child in children:
        f.relate(mum, child.person, RelationshipType.MOTHER, parental_responsibility=True, lives_with=True)
        f.relate(dad, child.person, RelationshipType.FATHER, parental_responsibility=True)
        f.allocate(child, team=north, worker=sw)
        f.open_cin_episode(child)
        HouseholdMember.objects.create(household=home, person=child.person, start_date=child.person.date_of_birth)
    plan = approved_plan(children, author=sw, start=TODAY - timedelta(days=150), title="Haddad family plan")
    outcomes = [
        add_outcome(plan, child, text, baseline=base)
        for child, text, base in zip(
            children,
            ("Amir goes to school every day", "Lina feels safe at bedtime", "Sami reaches his speech milestones"),
            (2, 4, 5),
            strict=True,
        )
    ]
    add_review(plan, TODAY - timedelta(days=60), dict(zip(outcomes, (4, 5, 5), strict=True)), by=sw)
    add_review(plan, TODAY - timedelta(days=10), dict(zip(outcomes, (7, 5, 3), strict=True)), by=sw)
    add_visit(children[0], TODAY - timedelta(days=5), by=sw)
    return {"children": children}


def test_manager_sees_the_family_side_by_side_with_diagram_and_progress(page, axe, haddads, sign_in):
    amir, lina, sami = haddads["children"]
    sign_in("tm.north")
    page.goto(f"/children/{amir.pk}/")
    page.get_by_role("link", name="Family view").click()
    expect(page.get_by_role("heading", name="Family view", level=1)).to_be_visible()
    cards = page.locator("section.lantern-family-card")
    expect(cards).to_have_count(3)
    for child, outcome, score in (
        (amir, "Amir goes to school every day", "7 out of 10"),
        (lina, "Lina feels safe at bedtime", "5 out of 10"),
        (sami, "Sami reaches his speech milestones", "3 out of 10"),
    ):
        card = page.get_by_role("region", name=child.person.full_name)
        expect(card).to_be_visible()
        expect(card.get_by_text(outcome)).to_be_visible()
        expect(card.get_by_text(score)).to_be_visible()
        expect(card.get_by_text("Child in need")).to_be_visible()
    expect(page.get_by_role("region", name="Amir Haddad").get_by_text("5 days ago")).to_be_visible()
    expect(page.get_by_role("region", name="Sami Haddad").get_by_text("Not seen on a recorded visit")).to_be_visible()
    expect(page.get_by_role("cell", name="Rania Haddad").first).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Family diagram").first.click()
    expect(page.get_by_role("heading", name="Family diagram", level=1)).to_be_visible()
    diagram = page.get_by_role("img", name="Family diagram for Amir Haddad")
    expect(diagram).to_be_visible()
    expect(page.locator("#family-diagram-desc")).to_contain_text("Amir Haddad lives with Rania Haddad")
    expect(page.get_by_role("heading", name="The family diagram in words")).to_be_visible()
    expect(page.get_by_text("Rania Haddad is the mother of Amir Haddad (has parental responsibility)")).to_be_visible()
    expect(page.get_by_text("Rania Haddad's home: Rania Haddad, Amir Haddad, Lina Haddad, Sami Haddad")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Progress", exact=True).first.click()
    expect(page.get_by_role("heading", name="Progress", level=1)).to_be_visible()
    chart = page.get_by_role("img", name="Progress towards the outcome: Amir goes to school every day")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Scores for this outcome")
    expect(table.get_by_role("row")).to_have_count(4)  # header, baseline, two reviews
    expect(table.get_by_role("cell", name="7", exact=True)).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Worker history").first.click()
    expect(page.get_by_role("cell", name="Nia North")).to_be_visible()
    axe(page)


def test_worker_in_another_team_is_refused_the_family_pages(page, axe, haddads, sign_in):
    amir = haddads["children"][0]
    sign_in("sw.south")
    for path in ("family/", "family/diagram/", "progress/", "workers/"):
        response = page.goto(f"/children/{amir.pk}/{path}")
        assert response.status == 403
        assert "Haddad" not in page.content()
    axe(page)
