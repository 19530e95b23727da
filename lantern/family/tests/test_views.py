"""The family pages: siblings side by side, the family diagram, progress and worker history -
what they show, what they withhold, who may open them, and a fixed number of queries."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantern import factories as f
from lantern.access.models import ChildView
from lantern.casework.models import CINPlan, CINPlanChild, WorkStatus
from lantern.core.local_settings import set_setting
from lantern.family.tests.builders import TODAY, add_outcome, add_review, add_sibling, add_visit, approved_plan
from lantern.people.models import Address, HouseholdMember, RelationshipType
from lantern.workforce.models import Allocation, AllocationReason

PAGES = ["family:family", "family:diagram", "family:progress", "family:workers"]


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def cards(response) -> dict[str, str]:
    """Each child's card on the family view, as text, by the child's name."""
    body = response.content.decode()
    out = {}
    for chunk in body.split('<section class="lantern-family-card')[1:]:
        chunk = chunk.split("</section>")[0]
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", "<" + chunk)).split())
        name = html.unescape(re.search(r'id="family-card-\d+">(?:<a [^>]+>)?([^<]+)<', chunk).group(1))
        out[name] = words
    return out


def url(name: str, child) -> str:
    return reverse(name, args=[child.pk])


# ---------------------------------------------------------------------------------------------
# Family view
# ---------------------------------------------------------------------------------------------


def test_family_view_puts_each_child_side_by_side(client, world, family):
    olivia, sister = family.children
    add_visit(olivia, TODAY - timedelta(days=3), by=world.users["sw_north"])
    Address.objects.create(
        household=family.household,
        line1="4 Elm Road",
        town="Northtown",
        postcode="NT1 1AA",
        start_date=date(2020, 1, 1),
    )
    client.force_login(world.users["tm_north"])
    response = client.get(url("family:family", olivia))
    assert response.status_code == 200
    found = cards(response)
    assert set(found) == {"Olivia Owens", "Sib0 Owens"}
    mine, hers = found["Olivia Owens"], found["Sib0 Owens"]
    assert "This child" in mine and "Sibling" in hers
    for card in (mine, hers):
        assert "Child in need" in card
        assert "6 out of 10 (from 3 on" in card
        assert "Scores over time: 3, 6." in card
    assert "goes to school every day" in mine
    assert "3 days ago" in mine and "Visit overdue" not in mine
    # The sister has never been seen: her visit was due four weeks after the referral.
    assert "Not seen on a recorded visit" in hers
    assert "Visit overdue" in hers or "Not seen yet" in hers
    page = text(response)
    assert "Megan Owens Mother Yes Yes" in page
    assert "Dylan Owens Father Yes No" in page
    assert "4 Elm Road, Northtown, NT1 1AA" in page
    assert ChildView.objects.filter(child=olivia, user=world.users["tm_north"], page="Family view").count() == 1


def test_family_view_flags_a_child_with_many_workers(client, world, family):
    olivia, sister = family.children
    for i in range(2):
        Allocation.objects.create(
            child=sister,
            team=world.north,
            worker=f.make_worker(f"old{i}", team=world.north),
            start_date=TODAY - timedelta(days=200 - 50 * i),
            end_date=TODAY - timedelta(days=160 - 50 * i),
            start_reason=AllocationReason.NEW_CASE,
            end_reason=AllocationReason.WORKER_LEFT,
        )
    client.force_login(world.users["sw_north"])
    found = cards(client.get(url("family:family", olivia)))
    assert "Workers in 12 months 3 3 or more" in found["Sib0 Owens"]
    assert "3 or more" not in found["Olivia Owens"]


def test_a_sibling_the_user_may_not_see_is_withheld_and_a_restricted_one_left_out(client, world, family):
    olivia = family.children[0]
    south = f.make_child(first_name="Hidden", last_name="Southsib")
    f.allocate(south, team=world.south, worker=world.users["sw_south"])
    f.open_cin_episode(south)
    restricted = world.children["restricted"]  # Rhiannon Restrick: tm_north is on her access list
    for other in (south, restricted):
        f.relate(olivia.person, other.person, RelationshipType.SIBLING)
        f.relate(family.mum, other.person, RelationshipType.MOTHER)
        HouseholdMember.objects.create(household=family.household, person=other.person, start_date=date(2020, 1, 1))
    client.force_login(world.users["sw_north"])
    for name in PAGES[:2]:
        response = client.get(url(name, olivia))
        body = response.content.decode()
        assert "Southsib" not in body and "Hidden" not in body
        assert "Restrick" not in body and "Rhiannon" not in body
        assert f"/children/{south.pk}/" not in body and f"/children/{restricted.pk}/" not in body
    page = text(client.get(url("family:family", olivia)))
    assert "1 related child has a record you cannot see (sibling), so their details are not shown." in page
    diagram = text(client.get(url("family:diagram", olivia)))
    assert "Olivia Owens has a sibling whose record you cannot see" in diagram
    assert diagram.count("Record you cannot see Sibling Not shown Not shown Not shown") == 1
    # The team manager on the restricted record's access list sees her like any sibling.
    client.force_login(world.users["tm_north"])
    response = client.get(url("family:family", olivia))
    assert "Rhiannon Restrick" in cards(response)
    assert "Hidden Southsib" not in cards(response)


def test_family_view_without_siblings_or_household(client, world):
    child = world.children["team"]
    client.force_login(world.users["sw_north"])
    response = client.get(url("family:family", child))
    assert list(cards(response)) == ["Tariq Teamson"]
    page = text(response)
    assert "No current child in need plan outcomes." in page
    assert "No parents, carers or other family recorded." in page
    assert "Tariq is not recorded as living in a household." in page
    assert "record you cannot see" not in page


def test_family_view_queries_stay_fixed_as_the_family_grows(client, world, family, django_assert_max_num_queries):
    client.force_login(world.users["sw_north"])
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            for name in ("Ava", "Ben", "Cara", "Dev"):
                add_sibling(world, family, name=name)
        for page in PAGES:
            client.get(url(page, family.children[0]))  # council settings into the cache
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url(page, family.children[0])).status_code == 200
            counts[(size, page)] = len(ctx.captured_queries)
    for page in PAGES:
        assert counts[("small", page)] == counts[("large", page)], page
    assert len(cards(client.get(url("family:family", family.children[0])))) == 6
    with django_assert_max_num_queries(16):
        client.get(url("family:family", family.children[0]))
    with django_assert_max_num_queries(12):
        client.get(url("family:diagram", family.children[0]))
    for page in ("family:progress", "family:workers"):
        with django_assert_max_num_queries(10):
            client.get(url(page, family.children[0]))


# ---------------------------------------------------------------------------------------------
# Family diagram
# ---------------------------------------------------------------------------------------------


def test_diagram_is_an_svg_picture_with_a_text_alternative(client, world, family):
    olivia = family.children[0]
    client.force_login(world.users["sw_north"])
    response = client.get(url("family:diagram", olivia))
    body = response.content.decode()
    svg = re.search(r"<svg[^>]*>", body).group(0)
    assert 'role="img"' in svg
    labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    for ident in labelled:
        assert f'id="{ident}"' in body
    assert '<title id="family-diagram-title">Family diagram for Olivia Owens</title>' in body
    assert "Olivia Owens lives with Megan Owens, Sib0 Owens." in html.unescape(body)
    page = text(response)
    assert "Megan Owens is the mother of Olivia Owens (has parental responsibility)" in page
    assert "Dylan Owens is the father of Sib0 Owens (has parental responsibility)" in page
    assert "Olivia Owens and Sib0 Owens are siblings" in page
    assert "Megan Owens's home: Megan Owens, Olivia Owens, Sib0 Owens" in page
    assert "Dylan Owens Father Male Age" in page and "Not living with anyone else in the diagram" in page
    # Drawn as a genogram: Mum a circle, Dad a square, parents not living together marked apart.
    assert "Parents who do not live together" in body
    assert "Live together (household)" in body


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------


def test_progress_draws_each_outcome_with_a_table_of_scores(client, world, family):
    olivia = family.children[0]
    outcome = family.outcomes[olivia.pk]
    second = add_outcome(family.plan, olivia, "Olivia feels safe at home", baseline=None)
    add_review(family.plan, TODAY - timedelta(days=5), {outcome: 8, second: 4}, by=world.users["sw_north"])
    # A draft plan's outcomes are not agreed yet, so they are not charted.
    draft = CINPlan.objects.create(title="Draft plan", status=WorkStatus.DRAFT, author=world.users["sw_north"])
    CINPlanChild.objects.create(plan=draft, child=olivia, episode=olivia.cin_episodes.get())
    client.force_login(world.users["sw_north"])
    response = client.get(url("family:progress", olivia))
    body = response.content.decode()
    assert body.count('role="img"') == 2
    assert f'aria-labelledby="outcome-{outcome.pk}-title outcome-{outcome.pk}-desc"' in body
    page = text(response)
    assert "Draft plan" not in page
    assert "Baseline, when the plan started 3" in page
    assert "Review 6 Comment 6" in page and "Review 8 Comment 8" in page
    assert "3 scores from" in page and "3 out of 10 at first, 8 out of 10 most recently (up 5)" in html.unescape(body)
    assert "One score: 4 out of 10 on" in html.unescape(body)  # no baseline, one review


def test_progress_shows_an_ended_plan_and_says_when_nothing_is_scored(client, world, family):
    olivia = family.children[0]
    CINPlanChild.objects.filter(plan=family.plan, child=olivia).update(end_date=TODAY - timedelta(days=1))
    client.force_login(world.users["sw_north"])
    assert "(ended)" in text(client.get(url("family:progress", olivia)))
    response = client.get(url("family:progress", world.children["team"]))
    assert "No progress recorded yet." in text(response)
    assert 'role="img"' not in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Worker history
# ---------------------------------------------------------------------------------------------


def make_changes(world, child, workers: int, *, start: int = 0) -> None:
    """Give the child `workers - 1` earlier lead workers in the last year (plus the current one)."""
    for i in range(start, start + workers - 1):
        Allocation.objects.create(
            child=child,
            team=world.north,
            worker=f.make_worker(f"earlier{i}", team=world.north, first_name="Earlier", last_name=f"Worker{i}"),
            start_date=TODAY - timedelta(days=300 - 60 * i),
            end_date=TODAY - timedelta(days=250 - 60 * i),
            start_reason=AllocationReason.CASELOAD_BALANCING,
            end_reason=AllocationReason.WORKER_LEFT,
            reason_detail=f"Detail {i}",
        )


def test_worker_history_lists_every_allocation_with_reasons(client, world):
    child = world.children["own"]
    make_changes(world, child, 2)
    Allocation.objects.create(
        child=child,
        team=world.north,
        worker=world.users["fsw_north"],
        role="co_worker",
        start_date=TODAY - timedelta(days=20),
        start_reason=AllocationReason.CASE_PROGRESSION,
    )
    client.force_login(world.users["sw_north"])
    page = text(client.get(url("family:workers", child)))
    assert "Earlier Worker0 North locality Lead worker" in page
    assert "Started: Caseload balancing Ended: Worker left Detail 0" in page
    assert "Co-worker" in page
    assert "has had 2 lead workers in the last 12 months (the council flags 3 or more)" in page
    assert "Warning" not in page


def test_worker_history_warns_at_the_council_setting(client, world):
    child = world.children["own"]
    make_changes(world, child, 3)
    client.force_login(world.users["sw_north"])
    page = text(client.get(url("family:workers", child)))
    assert "Warning Olivia has had 3 lead workers in the last 12 months. The council flags 3 or more." in page
    assert "Earlier Worker0, Earlier Worker1" in page
    set_setting("worker_changes_flag", 4)
    assert "Warning" not in text(client.get(url("family:workers", child)))


# ---------------------------------------------------------------------------------------------
# Who may open the pages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_pages_go_through_the_one_door(client, world, page):
    own, restricted = world.children["own"], world.children["restricted"]
    client.force_login(world.users["sw_south"])  # unrelated worker: the child exists, not theirs
    assert client.get(url(page, own)).status_code == 403
    client.force_login(world.users["leader"])  # not on the restricted record's list: never knows it exists
    assert client.get(url(page, restricted)).status_code == 404
    for reader in ("sw_north", "tm_north", "sm_cin", "qa", "leader", "inspector"):
        client.force_login(world.users[reader])
        assert client.get(url(page, own)).status_code == 200, reader
    client.force_login(world.users["tm_north"])  # on the access list
    assert client.get(url(page, restricted)).status_code == 200
    client.logout()
    assert client.get(url(page, own)).status_code == 302
    assert not ChildView.objects.filter(user=world.users["sw_south"], outcome="viewed").exists()


# ---------------------------------------------------------------------------------------------
# On the child record
# ---------------------------------------------------------------------------------------------


def test_child_record_links_to_the_family_pages(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    for name, label in zip(PAGES, ["Family view", "Family diagram", "Progress", "Worker history"], strict=True):
        assert f'href="{url(name, child)}">{label}</a>' in body


def test_worker_changes_warning_only_at_the_setting(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    record = reverse("casework:child", args=[child.pk])
    make_changes(world, child, 2)
    assert "workers in the last 12 months" not in text(client.get(record))
    make_changes(world, child, 2, start=1)  # one more different worker: three in all
    body = client.get(record).content.decode()
    page = text(client.get(record))
    assert "Warning 3 workers in the last 12 months (the council flags 3 or more). See the worker history" in page
    # At the top of the record, before its sections.
    assert body.index("3 workers in the last 12 months") < body.index("Sections of this record")


def test_progress_panel_only_when_there_are_scores(client, world, family):
    olivia = family.children[0]
    client.force_login(world.users["sw_north"])
    page = text(client.get(reverse("casework:child", args=[olivia.pk])))
    assert "Progress on the plan" in page
    assert "Olivia goes to school every day 6 out of 10 (from 3 on" in page
    assert "Progress on the plan" not in text(client.get(reverse("casework:child", args=[world.children["team"].pk])))
    # A plan approved with no baseline and no review yet has nothing to show.
    other = world.children["team"]
    plan = approved_plan([other], author=world.users["sw_north"], start=TODAY)
    add_outcome(plan, other, "Tariq sleeps", baseline=None)
    assert "Progress on the plan" not in text(client.get(reverse("casework:child", args=[other.pk])))


def test_hooks_cost_a_fixed_number_of_queries(rf, world, family, django_assert_max_num_queries):
    from lantern.family import hooks as family_hooks

    olivia = family.children[0]
    make_changes(world, olivia, 3)
    for name in ("Ava", "Ben"):
        add_sibling(world, family, name=name)
    request = rf.get("/")
    request.user = world.users["sw_north"]
    with django_assert_max_num_queries(0):
        assert len(family_hooks.family_links(request=request, child=olivia)) == 4
    with django_assert_max_num_queries(2):  # the count, and the setting when not cached
        assert family_hooks.worker_changes_panel(request=request, child=olivia)
    with django_assert_max_num_queries(2):
        (panel,) = family_hooks.progress_panel(request=request, child=olivia)
    assert [s.scores for s in panel.context["series"]] == [[3, 6]]
