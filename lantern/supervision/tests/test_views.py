"""Pages: each role allowed and refused; personal sections shown only to the worker and their
managers; the session form with repeatable case discussions (no JavaScript); signing; the case
discussions on the child's file; menu, team and child-record contributions."""

from datetime import date

import pytest
from django.urls import reverse

from lantern import factories as f
from lantern.access.models import ChildView, Outcome
from lantern.supervision.models import CaseDiscussion, SupervisionAddendum, SupervisionSession
from lantern.supervision.tests.conftest import WELLBEING
from lantern.testing import error_links
from lantern.workforce.models import Role

PERSONAL_AND_DISCUSSION = ("sw_north", "tm_north", "sm_cin")
OVERSIGHT = ("qa", "leader", "inspector")
REFUSED = ("sw_north_2", "fsw_north", "sw_south")


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


# -- the session page, by role ----------------------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAL_AND_DISCUSSION)
def test_worker_and_managers_see_personal_sections_and_discussions(client, world, make_session, who):
    session = make_session(sign=True)
    body = _get(client, world.users[who], reverse("supervision:session", args=[session.pk])).content.decode()
    assert WELLBEING in body
    assert "Could the weekend pattern be about contact handovers" in body


@pytest.mark.parametrize("who", OVERSIGHT)
def test_oversight_roles_see_discussions_but_not_personal_sections(client, world, make_session, who):
    session = make_session(sign=True)
    response = _get(client, world.users[who], reverse("supervision:session", args=[session.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert WELLBEING not in body
    assert "are seen only by" in body
    assert "Could the weekend pattern be about contact handovers" in body


@pytest.mark.parametrize("who", OVERSIGHT + REFUSED)
def test_draft_is_refused_to_everyone_but_the_worker_and_managers(client, world, make_session, who):
    session = make_session()
    assert _get(client, world.users[who], reverse("supervision:session", args=[session.pk])).status_code == 403


@pytest.mark.parametrize("who", REFUSED)
def test_other_workers_are_refused_a_signed_session(client, world, make_session, who):
    session = make_session(sign=True)
    response = _get(client, world.users[who], reverse("supervision:session", args=[session.pk]))
    assert response.status_code == 403
    assert WELLBEING not in response.content.decode()


def test_session_page_hides_discussions_about_children_the_viewer_cannot_see(client, world, make_session):
    session = make_session(
        worker=world.users["sw_north_2"], children=[world.children["team"], world.children["restricted"]], sign=True
    )
    body = _get(client, world.users["sm_cin"], reverse("supervision:session", args=[session.pk])).content.decode()
    assert "Tariq Teamson" in body and "Rhiannon" not in body
    assert "1 case discussion about a child whose record you cannot see" in body


@pytest.mark.parametrize("who", ("tm_north", "sm_cin", "qa", "leader", "inspector"))
def test_session_page_logs_a_view_of_each_child_shown_and_only_those(client, world, make_session, who):
    session = make_session(
        worker=world.users["sw_north_2"], children=[world.children["team"], world.children["restricted"]], sign=True
    )
    assert _get(client, world.users[who], reverse("supervision:session", args=[session.pk])).status_code == 200
    logged = set(ChildView.objects.filter(user=world.users[who]).values_list("child_id", "page", "outcome"))
    shown = [world.children["team"]] + ([world.children["restricted"]] if who == "tm_north" else [])
    assert logged == {(child.pk, "Supervision session", Outcome.VIEWED) for child in shown}


def test_draft_change_page_logs_a_view_of_each_child_discussed(client, world, make_session):
    session = make_session()
    assert (
        _get(client, world.users["tm_north"], reverse("supervision:session_edit", args=[session.pk])).status_code == 200
    )
    assert list(ChildView.objects.values_list("child_id", "page")) == [(world.children["own"].pk, "Supervision draft")]


def test_former_supervisor_still_sees_the_session_they_held(client, world, make_session):
    session = make_session(sign=True)
    tm = world.users["tm_north"]
    tm.team = world.south
    tm.save()
    body = _get(client, tm, reverse("supervision:session", args=[session.pk])).content.decode()
    assert WELLBEING in body


# -- the worker's record and the manager's list --------------------------------------------------------


@pytest.mark.parametrize("who", PERSONAL_AND_DISCUSSION + OVERSIGHT)
def test_worker_record_allowed(client, world, make_session, who):
    make_session(sign=True)
    response = _get(client, world.users[who], reverse("supervision:worker", args=[world.users["sw_north"].pk]))
    assert response.status_code == 200
    assert "2 Feb 2026" in response.content.decode()


@pytest.mark.parametrize("who", REFUSED)
def test_worker_record_refused(client, world, who):
    response = _get(client, world.users[who], reverse("supervision:worker", args=[world.users["sw_north"].pk]))
    assert response.status_code == 403


def test_oversight_roles_do_not_see_drafts_in_the_list(client, world, make_session):
    make_session()
    body = _get(client, world.users["leader"], reverse("supervision:worker", args=[world.users["sw_north"].pk]))
    assert "Draft" not in body.content.decode()
    body = _get(client, world.users["tm_north"], reverse("supervision:worker", args=[world.users["sw_north"].pk]))
    assert "Draft" in body.content.decode()


def test_record_button_only_for_managers(client, world):
    url = reverse("supervision:worker", args=[world.users["sw_north"].pk])
    assert "Record supervision" in _get(client, world.users["tm_north"], url).content.decode()
    assert "Record supervision" not in _get(client, world.users["sw_north"], url).content.decode()
    assert "Record supervision" not in _get(client, world.users["leader"], url).content.decode()


def test_manager_list_shows_overdue_and_never_supervised(client, world, make_session):
    make_session(held_on=date(2025, 11, 3), sign=True)
    body = _get(client, world.users["tm_north"], reverse("supervision:overview")).content.decode()
    assert "Overdue" in body and "No supervision recorded" in body
    assert "1 Dec 2025" in body  # 3 Nov 2025 + 4 weeks
    assert "sw.south" not in body and "Sw.south" not in body


def test_workers_are_sent_from_the_list_to_their_own_record(client, world):
    response = _get(client, world.users["fsw_north"], reverse("supervision:overview"))
    assert response.status_code == 302
    assert response.url == reverse("supervision:worker", args=[world.users["fsw_north"].pk])


def test_manager_list_paginates_with_fixed_queries(client, world, settings, django_assert_max_num_queries):
    settings.PAGE_SIZE = 5
    for n in range(8):
        f.make_worker(f"extra{n}", role=Role.SOCIAL_WORKER, team=world.north)
    client.force_login(world.users["sm_cin"])
    with django_assert_max_num_queries(12):
        body = client.get(reverse("supervision:overview")).content.decode()
    assert "Showing 1 to 5 of 13" in body


# -- recording, changing and signing ------------------------------------------------------------------


def _form_data(world, **extra):
    data = {
        "held_on_day": "2",
        "held_on_month": "2",
        "held_on_year": "2026",
        "wellbeing": "Well rested.",
        "caseload": "",
        "learning": "",
        "other_actions": "",
        "next_supervision_date_day": "2",
        "next_supervision_date_month": "3",
        "next_supervision_date_year": "2026",
        "discussions-TOTAL_FORMS": "2",
        "discussions-INITIAL_FORMS": "0",
        "discussions-MIN_NUM_FORMS": "0",
        "discussions-MAX_NUM_FORMS": "30",
        "discussions-0-child": str(world.children["team"].pk),
        "discussions-0-reflection": "What else could explain the missed appointments?",
        "discussions-0-decisions": "Hold a network meeting.",
        "discussions-0-rationale": "Agencies hold different pieces.",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("who", ["sw_north_2", "sw_north", "fsw_north", "sw_south", "qa", "leader", "inspector"])
def test_recording_refused_to_all_but_managers(client, world, who):
    url = reverse("supervision:session_new", args=[world.users["sw_north_2"].pk])
    client.force_login(world.users[who])
    assert client.get(url).status_code == 403
    assert client.post(url, _form_data(world)).status_code == 403
    assert not SupervisionSession.objects.exists()


@pytest.mark.parametrize("who", ["tm_north", "sm_cin"])
def test_manager_records_a_draft_and_blank_extra_discussion_is_ignored(client, world, who):
    client.force_login(world.users[who])
    response = client.post(reverse("supervision:session_new", args=[world.users["sw_north_2"].pk]), _form_data(world))
    session = SupervisionSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("supervision:session", args=[session.pk])
    assert session.supervisor == world.users[who] and session.signed_at is None
    assert list(session.case_discussions.values_list("child_id", flat=True)) == [world.children["team"].pk]


def test_child_choices_are_the_workers_caseload(client, world):
    body = _get(
        client, world.users["tm_north"], reverse("supervision:session_new", args=[world.users["sw_north_2"].pk])
    ).content.decode()
    assert "Tariq Teamson" in body and "Rhiannon Restrick" in body  # tm_north is on the restricted access list
    assert "Olivia Owens" not in body  # sw_north's child, not sw_north_2's


def test_add_another_discussion_keeps_what_was_typed_and_saves_nothing(client, world):
    client.force_login(world.users["tm_north"])
    url = reverse("supervision:session_new", args=[world.users["sw_north_2"].pk])
    response = client.post(url, _form_data(world, add_discussion="1", **{"discussions-0-rationale": ""}))
    body = response.content.decode()
    assert response.status_code == 200
    assert not SupervisionSession.objects.exists()
    assert "Case discussion 3" in body  # two posted, one more blank
    assert "What else could explain the missed appointments?" in body
    assert "Well rested." in body
    assert "There is a problem" not in body  # nothing checked yet
    assert 'name="discussions-TOTAL_FORMS" value="3"' in body


def test_two_discussions_posted_together(client, world):
    client.force_login(world.users["tm_north"])
    data = _form_data(
        world,
        **{
            "discussions-1-child": str(world.children["restricted"].pk),
            "discussions-1-reflection": "Is the quiet at school withdrawal?",
            "discussions-1-decisions": "Ask school for observations.",
            "discussions-1-rationale": "We need to know more before deciding.",
        },
    )
    client.post(reverse("supervision:session_new", args=[world.users["sw_north_2"].pk]), data)
    assert SupervisionSession.objects.get().case_discussions.count() == 2


def test_errors_are_shown_by_each_field_and_nothing_is_saved(client, world):
    client.force_login(world.users["tm_north"])
    data = _form_data(
        world,
        held_on_day="31",
        held_on_month="2",
        **{"discussions-0-decisions": "", "discussions-1-child": str(world.children["team"].pk)},
    )
    response = client.post(reverse("supervision:session_new", args=[world.users["sw_north_2"].pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    targets = error_links(body)
    assert "id_held_on_0" in targets
    assert "id_discussions-0-decisions" in targets
    assert "id_discussions-1-child" in targets  # the same child twice
    assert "Case discussion 1: Enter the decisions" in body
    assert "(error)" in body.split("</title>")[0]
    assert not SupervisionSession.objects.exists() and not CaseDiscussion.objects.exists()


def test_worker_with_no_children_gets_supervision_without_discussions(client, world):
    client.force_login(world.users["tm_north"])
    url = reverse("supervision:session_new", args=[world.users["fsw_north"].pk])
    assert "has no children allocated that you can see" in client.get(url).content.decode()
    data = {k: v for k, v in _form_data(world).items() if not k.startswith("discussions-0-")}
    data["discussions-TOTAL_FORMS"] = "1"
    assert client.post(url, data).status_code == 302
    assert not SupervisionSession.objects.get().case_discussions.exists()


def test_add_another_on_a_draft_keeps_its_saved_discussions_first(client, world, make_session):
    session = make_session(worker=world.users["sw_north_2"], children=[world.children["team"]])
    discussion = session.case_discussions.get()
    client.force_login(world.users["tm_north"])
    data = _form_data(
        world,
        add_discussion="1",
        **{"discussions-INITIAL_FORMS": "1", "discussions-0-discussion_id": str(discussion.pk)},
    )
    body = client.post(reverse("supervision:session_edit", args=[session.pk]), data).content.decode()
    assert 'name="discussions-INITIAL_FORMS" value="1"' in body
    assert 'name="discussions-TOTAL_FORMS" value="3"' in body
    assert f'name="discussions-0-discussion_id" value="{discussion.pk}"' in body


def test_manager_changes_a_draft_and_the_form_shows_its_discussions(client, world, make_session):
    session = make_session(worker=world.users["sw_north_2"], children=[world.children["team"]])
    discussion = session.case_discussions.get()
    client.force_login(world.users["tm_north"])
    url = reverse("supervision:session_edit", args=[session.pk])
    body = client.get(url).content.decode()
    assert "Could the weekend pattern be about contact handovers" in body
    assert 'name="discussions-INITIAL_FORMS" value="1"' in body
    data = _form_data(
        world,
        **{
            "discussions-INITIAL_FORMS": "1",
            "discussions-0-discussion_id": str(discussion.pk),
            "discussions-0-decisions": "Changed after reflection.",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.decisions == "Changed after reflection."
    assert session.case_discussions.count() == 1


def test_signed_session_cannot_be_changed_through_the_page(client, world, make_session):
    session = make_session(sign=True)
    client.force_login(world.users["tm_north"])
    response = client.post(reverse("supervision:session_edit", args=[session.pk]), _form_data(world))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.wellbeing == WELLBEING


@pytest.mark.parametrize("who", ["sw_north", "sw_north_2", "qa", "leader", "inspector"])
def test_edit_and_sign_refused_to_all_but_managers(client, world, make_session, who):
    session = make_session()
    client.force_login(world.users[who])
    assert client.get(reverse("supervision:session_edit", args=[session.pk])).status_code == 403
    assert client.post(reverse("supervision:session_sign", args=[session.pk])).status_code == 403
    session.refresh_from_db()
    assert session.signed_at is None


def test_manager_signs_and_the_discussion_reaches_the_childs_file(client, world, make_session):
    session = make_session()
    client.force_login(world.users["tm_north"])
    detail = client.get(reverse("supervision:session", args=[session.pk])).content.decode()
    assert "Sign supervision record" in detail
    response = client.post(reverse("supervision:session_sign", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.signed_by == world.users["tm_north"]
    detail = client.get(reverse("supervision:session", args=[session.pk])).content.decode()
    assert "Sign supervision record" not in detail and "Add addendum" in detail
    child_file = client.get(reverse("supervision:child_case_discussions", args=[world.children["own"].pk]))
    assert "Keep on the CIN plan" in child_file.content.decode()


def test_sign_is_post_only(client, world, make_session):
    session = make_session()
    client.force_login(world.users["tm_north"])
    assert client.get(reverse("supervision:session_sign", args=[session.pk])).status_code == 405


def test_worker_adds_an_addendum_and_oversight_roles_cannot(client, world, make_session):
    session = make_session(sign=True)
    url = reverse("supervision:addendum_add", args=[session.pk])
    client.force_login(world.users["leader"])
    assert client.post(url, {"text": "Noted."}).status_code == 403
    client.force_login(world.users["sw_north"])
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 200 and "Enter the addendum" in empty.content.decode()
    assert client.post(url, {"text": "I would add that the family moved."}).status_code == 302
    assert SupervisionAddendum.objects.get().author == world.users["sw_north"]
    body = client.get(reverse("supervision:session", args=[session.pk])).content.decode()
    assert "I would add that the family moved." in body


# -- frequency ----------------------------------------------------------------------------------------


def test_manager_sets_a_fortnightly_frequency(client, world):
    worker = world.users["sw_north"]
    client.force_login(world.users["tm_north"])
    url = reverse("supervision:frequency", args=[worker.pk])
    bad = client.post(url, {"weeks": "0", "reason": ""})
    assert "Weeks must be between 1 and 52" in bad.content.decode()
    assert "Enter the reason for this frequency" in bad.content.decode()
    assert client.post(url, {"weeks": "2", "reason": "Newly qualified"}).status_code == 302
    body = client.get(url).content.decode()
    assert "every 2 weeks: Newly qualified" in body


@pytest.mark.parametrize("who", ["sw_north", "leader", "qa", "inspector"])
def test_frequency_is_read_only_for_the_worker_and_oversight_roles(client, world, who):
    url = reverse("supervision:frequency", args=[world.users["sw_north"].pk])
    client.force_login(world.users[who])
    assert client.get(url).status_code == 200
    assert "Save frequency" not in client.get(url).content.decode()
    assert client.post(url, {"weeks": "2", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("who", REFUSED)
def test_frequency_refused_to_other_workers(client, world, who):
    client.force_login(world.users[who])
    assert client.get(reverse("supervision:frequency", args=[world.users["sw_north"].pk])).status_code == 403


# -- the child's file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sw_north", "sw_north_2", "tm_north", "sm_cin", "qa", "leader", "inspector"])
def test_case_discussions_on_the_childs_file_for_everyone_who_may_see_the_child(client, world, make_session, who):
    make_session(sign=True)
    make_session(held_on=date(2026, 2, 3))  # a draft: not on the file yet
    response = _get(
        client, world.users[who], reverse("supervision:child_case_discussions", args=[world.children["own"].pk])
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Keep on the CIN plan" in body
    sw, tm = world.users["sw_north"], world.users["tm_north"]
    assert f"2 February 2026: {sw.display_name} with {tm.display_name}" in body
    assert body.count('class="govuk-summary-card"') == 1
    assert WELLBEING not in body


def test_case_discussions_refused_to_an_unrelated_worker(client, world, make_session):
    make_session(sign=True)
    response = _get(
        client, world.users["sw_south"], reverse("supervision:child_case_discussions", args=[world.children["own"].pk])
    )
    assert response.status_code == 403


def test_child_record_panel_and_link(client, world, make_session):
    make_session(sign=True)
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:child", args=[world.children["own"].pk])).content.decode()
    assert "Supervision case discussions" in body
    assert "Keep on the CIN plan" in body
    assert reverse("supervision:child_case_discussions", args=[world.children["own"].pk]) in body
    assert WELLBEING not in body


# -- menu and team page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, href",
    [("tm_north", "/supervision/"), ("sm_cin", "/supervision/"), ("sw_north", "own"), ("fsw_north", "own")],
)
def test_menu_has_supervision(client, world, who, href):
    user = world.users[who]
    href = reverse("supervision:worker", args=[user.pk]) if href == "own" else href
    body = _get(client, user, reverse("casework:search")).content.decode()
    assert f'href="{href}"' in body


def test_team_page_links_to_supervision(client, world):
    body = _get(client, world.users["tm_north"], reverse("workforce:team", args=[world.north.pk])).content.decode()
    assert f"/supervision/?team={world.north.pk}" in body


# -- fixed queries whatever the number of sessions and discussions -----------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_children(world, n):
    children = []
    for _ in range(n):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["sw_north"], role="co_worker")
        children.append(child)
    return children


def test_pages_issue_the_same_number_of_queries_for_few_or_many_records(client, world, make_session):
    client.force_login(world.users["tm_north"])
    worker_url = reverse("supervision:worker", args=[world.users["sw_north"].pk])
    child_url = reverse("supervision:child_case_discussions", args=[world.children["own"].pk])
    record_url = reverse("casework:child", args=[world.children["own"].pk])
    first = make_session(sign=True, held_on=date(2025, 1, 6))
    for url in (worker_url, child_url, record_url):  # council settings are cached after the first read
        _queries(client, url)
    few = [_queries(client, url) for url in (worker_url, child_url, record_url)]
    few.append(_queries(client, reverse("supervision:session", args=[first.pk])))
    extra = _more_children(world, 5)
    for month in range(2, 12):
        make_session(sign=True, held_on=date(2025, month, 3))
    big = make_session(sign=True, held_on=date(2025, 12, 1), children=[world.children["own"], *extra])
    many = [_queries(client, url) for url in (worker_url, child_url, record_url)]
    many.append(_queries(client, reverse("supervision:session", args=[big.pk])))
    assert many == few
