"""A social worker signs in, sees their caseload, opens a child and follows a sibling link;
a social worker in another team is refused the same child; both search."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lantern import factories as f
from lantern.access.models import ChildView
from lantern.people.models import RelationshipType
from lantern.workforce.models import Role


@pytest.fixture
def family(transactional_db):
    service = f.make_service("Children in need")
    north = f.make_team("North locality", service=service)
    south = f.make_team("South locality", service=service)
    sw_north = f.make_worker("sw.north", role=Role.SOCIAL_WORKER, team=north, first_name="Nia", last_name="North")
    f.make_worker("sw.south", role=Role.SOCIAL_WORKER, team=south, first_name="Sol", last_name="South")
    f.make_worker("tm.north", role=Role.TEAM_MANAGER, team=north, first_name="Tom", last_name="Manager")
    amir = f.make_child(first_name="Amir", last_name="Haddad", date_of_birth=date(2014, 5, 2))
    lina = f.make_child(first_name="Lina", last_name="Haddad", date_of_birth=date(2019, 8, 30))
    mum = f.make_person(first_name="Rania", last_name="Haddad", date_of_birth=date(1989, 1, 9))
    f.make_siblings(amir, lina)
    for child in (amir, lina):
        f.relate(mum, child.person, RelationshipType.MOTHER, parental_responsibility=True, lives_with=True)
        f.allocate(child, team=north, worker=sw_north)
        f.open_cin_episode(child)
    return {"amir": amir, "lina": lina}


def test_worker_sees_caseload_opens_child_and_sibling(page, axe, family, sign_in):
    sign_in("sw.north")
    page.wait_for_url("**/caseload/")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Amir Haddad").click()
    expect(page.get_by_role("heading", name="Amir Haddad")).to_be_visible()
    expect(page.get_by_text("Rania Haddad")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Lina Haddad").click()
    page.wait_for_url(f"**/children/{family['lina'].pk}/")
    expect(page.get_by_role("heading", name="Lina Haddad")).to_be_visible()
    assert ChildView.objects.filter(child=family["lina"], user__username="sw.north").count() == 1


def test_worker_in_another_team_is_refused_and_search_hides_the_child(page, axe, family, sign_in):
    sign_in("sw.south")
    response = page.goto(f"/children/{family['amir'].pk}/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    assert "Haddad" not in page.content()
    axe(page)
    page.goto("/search/")
    page.get_by_label("Name, LA child ID, UPN, NHS number or date of birth").fill("Haddad")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="0 results for ‘Haddad’")).to_be_visible()
    axe(page)
    assert list(ChildView.objects.filter(user__username="sw.south").values_list("outcome", flat=True)) == ["refused"]


def test_search_by_name_and_la_child_id_then_manager_sees_the_access_log(page, axe, family, sign_in, sign_out):
    sign_in("sw.north")
    page.goto("/search/")
    axe(page)
    page.get_by_label("Name, LA child ID, UPN, NHS number or date of birth").fill(family["lina"].la_child_id)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 result for")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Lina Haddad").click()
    sign_out()
    sign_in("tm.north")
    expect(page.get_by_role("heading", name="North locality")).to_be_visible()
    axe(page)
    page.goto(f"/children/{family['lina'].pk}/")
    page.get_by_role("link", name="Who has viewed this record").click()
    expect(page.get_by_role("cell", name="Nia North (sw.north)")).to_be_visible()
    axe(page)
    # The manager searches the whole log by the person: what sw.north opened, viewed or refused.
    page.get_by_role("link", name="Search the access log by person or by child").click()
    page.get_by_label("Person").fill("sw.north")
    page.get_by_label("Outcome").select_option("viewed")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Nia North (sw.north)").first).to_be_visible()
    assert "sw.north" not in page.url
    axe(page)
