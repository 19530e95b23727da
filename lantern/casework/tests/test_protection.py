"""Strategy discussions, section 47 enquiries, the initial child protection conference (ICPC) and
child protection plans: the statutory timescales in working days, the conference on a working
day, a CP plan starting on the ICPC date and ending any CIN plan, and the pages by role."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.casework import services
from lantern.casework.models import (
    ChildProtectionPlan,
    CINPlan,
    CINPlanChild,
    CPPlanReview,
    Section47,
    StrategyDiscussion,
    WorkStatus,
)
from lantern.casework.views.protection import add_months, next_review_due
from lantern.testing import links_to


def _strategy(world, who="own", on=date(2026, 1, 5), s47=True, **overrides):
    fields = {
        "child": world.children[who],
        "date": on,
        "attendees": "DS Khan (police), Nurse Obi (health), Ms Reid (school)",
        "concerns": "Bruising to the arm seen at school.",
        "decision_s47": s47,
        "rationale": "Reasonable cause to suspect significant harm.",
        "by": world.users["sw_north"],
    }
    fields.update(overrides)
    return services.strategy_discussion_record(**fields)


def _icpc(s47, world, **overrides):
    fields = {
        "section47": s47,
        "icpc_date": date(2026, 1, 26),
        "not_required": False,
        "plan_needed": True,
        "category": "PHY",
        "outcome_summary": "Plan agreed by all agencies.",
        "by": world.users["sw_north"],
    }
    fields.update(overrides)
    return services.icpc_record(**fields)


def _december_child(world):
    """A child referred on 1 Dec 2025, allocated to sw_north, with an S47 from 15 Dec 2025."""
    child = f.make_child(first_name="Della", last_name="December")
    f.allocate(child, team=world.north, worker=world.users["sw_north"], start=date(2025, 12, 1))
    f.open_cin_episode(child, referral_date=date(2025, 12, 1))
    world.children["december"] = child
    _strategy(world, who="december", on=date(2025, 12, 15))
    return child, Section47.objects.get(child=child)


# ---------------------------------------------------------------------------------------------
# Services: strategy discussion and section 47
# ---------------------------------------------------------------------------------------------


def test_strategy_discussion_starts_an_s47_with_the_icpc_due_in_15_working_days(world):
    discussion = _strategy(world)
    s47 = Section47.objects.get(child=world.children["own"])
    assert s47.strategy_discussion == discussion and s47.start_date == date(2026, 1, 5)
    assert s47.icpc_target_date == date(2026, 1, 26)  # 15 working days after Monday 5 January 2026


def test_icpc_target_skips_christmas_and_new_year(world):
    _child, s47 = _december_child(world)
    # From 15 Dec 2025: 25 and 26 Dec and 1 Jan are bank holidays, so 8 Jan not 5 Jan.
    assert s47.icpc_target_date == date(2026, 1, 8)


def test_a_discussion_deciding_no_s47_starts_no_enquiry(world):
    _strategy(world, s47=False)
    assert StrategyDiscussion.objects.count() == 1
    assert not Section47.objects.exists()


def test_a_later_strategy_discussion_moves_the_icpc_target_to_15_days_after_it(world):
    _strategy(world, on=date(2026, 1, 5))
    later = _strategy(world, on=date(2026, 1, 12))
    s47 = Section47.objects.get(child=world.children["own"])  # the same enquiry continues: still one
    assert s47.start_date == date(2026, 1, 5)
    assert s47.strategy_discussion == later and s47.icpc_target_date == date(2026, 2, 2)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"attendees": " "}, "attendees"),
        ({"concerns": ""}, "concerns"),
        ({"rationale": ""}, "rationale"),
        ({"on": date(2026, 1, 2)}, "date"),
    ],
    ids=["attendees", "concerns", "rationale", "before-referral"],
)
def test_strategy_discussion_refuses_missing_details(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        _strategy(world, **overrides)
    assert field in error.value.message_dict
    assert not StrategyDiscussion.objects.exists() and not Section47.objects.exists()


def test_strategy_discussion_needs_an_open_episode_that_was_not_nfa(world):
    child = f.make_child()
    f.open_cin_episode(child, referral_nfa=True, primary_need="")
    world.children["nfa"] = child
    with pytest.raises(ValidationError):
        _strategy(world, who="nfa")
    assert not StrategyDiscussion.objects.filter(child=child).exists()


# ---------------------------------------------------------------------------------------------
# Services: the initial conference and the CP plan
# ---------------------------------------------------------------------------------------------


def test_icpc_on_a_saturday_is_refused(world):
    _strategy(world)
    s47 = Section47.objects.get()
    with pytest.raises(ValidationError) as error:
        _icpc(s47, world, icpc_date=date(2026, 1, 10))
    assert "working day" in error.value.message_dict["icpc_date"][0]
    s47.refresh_from_db()
    assert s47.icpc_date is None and not ChildProtectionPlan.objects.exists()


def test_icpc_on_christmas_day_is_refused(world):
    child, s47 = _december_child(world)
    with pytest.raises(ValidationError) as error:
        _icpc(s47, world, icpc_date=date(2025, 12, 25))
    assert "working day" in error.value.message_dict["icpc_date"][0]
    s47.refresh_from_db()
    assert s47.icpc_date is None and not ChildProtectionPlan.objects.filter(child=child).exists()
    # The next working day is fine.
    plan = _icpc(s47, world, icpc_date=date(2025, 12, 29))
    assert plan.start_date == date(2025, 12, 29)


def test_icpc_before_the_enquiry_or_in_the_future_is_refused(world):
    _strategy(world, on=date(2026, 1, 7))
    s47 = Section47.objects.get()
    for day in (date(2026, 1, 6), date(timezone.localdate().year + 1, 3, 3)):
        with pytest.raises(ValidationError) as error:
            _icpc(s47, world, icpc_date=day)
        assert "icpc_date" in error.value.message_dict


def test_a_cp_plan_starts_on_the_icpc_date_with_its_category(world):
    _strategy(world)
    s47 = Section47.objects.get()
    plan = _icpc(s47, world, icpc_date=date(2026, 1, 23), category="NEG")
    assert plan.start_date == date(2026, 1, 23) == Section47.objects.get().icpc_date
    assert plan.initial_category == plan.latest_category == "NEG"
    assert plan.episode == s47.episode and plan.end_date is None


def test_a_plan_needs_a_category(world):
    _strategy(world)
    with pytest.raises(ValidationError) as error:
        _icpc(Section47.objects.get(), world, category="")
    assert "category" in error.value.message_dict
    assert not ChildProtectionPlan.objects.exists()


def test_conference_without_a_plan_records_the_date_only(world):
    _strategy(world)
    assert _icpc(Section47.objects.get(), world, plan_needed=False, category="") is None
    assert Section47.objects.get().icpc_date == date(2026, 1, 26)
    assert not ChildProtectionPlan.objects.exists()


def test_conference_not_required_needs_a_summary(world):
    _strategy(world)
    s47 = Section47.objects.get()
    with pytest.raises(ValidationError) as error:
        _icpc(s47, world, not_required=True, icpc_date=None, outcome_summary=" ")
    assert "outcome_summary" in error.value.message_dict
    assert _icpc(s47, world, not_required=True, icpc_date=None, outcome_summary="No significant harm found.") is None
    s47.refresh_from_db()
    assert s47.icpc_not_required and s47.icpc_date is None
    with pytest.raises(ValidationError):
        _icpc(s47, world)  # the outcome is recorded once
    assert not ChildProtectionPlan.objects.exists()


def test_a_current_cin_plan_ends_when_the_cp_plan_starts(world):
    child = world.children["own"]
    episode = child.cin_episodes.get()
    cin_plan = CINPlan.objects.create(
        title="Owens family plan",
        author=world.users["sw_north"],
        status=WorkStatus.APPROVED,
        start_date=date(2026, 1, 12),
    )
    section = CINPlanChild.objects.create(plan=cin_plan, child=child, episode=episode, start_date=date(2026, 1, 12))
    _strategy(world, on=date(2026, 1, 14))
    _icpc(Section47.objects.get(), world, icpc_date=date(2026, 2, 2))
    section.refresh_from_db()
    cin_plan.refresh_from_db()
    assert section.end_date == date(2026, 2, 2)
    assert cin_plan.end_date == date(2026, 2, 2)


def test_a_second_open_cp_plan_is_refused_and_nothing_is_saved(world):
    child = world.children["own"]
    existing = f.open_cp_plan(child, child.cin_episodes.get(), start=date(2026, 1, 6))
    _strategy(world, on=date(2026, 1, 7))
    s47 = Section47.objects.get()
    with pytest.raises(ValidationError) as error:
        _icpc(s47, world)
    assert "already has a child protection plan" in " ".join(error.value.messages)
    s47.refresh_from_db()
    assert s47.icpc_date is None
    assert list(ChildProtectionPlan.objects.filter(child=child)) == [existing]


def test_icpc_is_refused_once_the_episode_has_closed(world):
    _strategy(world)
    s47 = Section47.objects.get()
    episode = s47.episode
    episode.closure_date, episode.closure_reason = date(2026, 1, 20), "RC7"
    episode.save()
    with pytest.raises(ValidationError):
        _icpc(Section47.objects.get(), world)
    assert not ChildProtectionPlan.objects.exists()


# ---------------------------------------------------------------------------------------------
# Services: reviews and ending the plan
# ---------------------------------------------------------------------------------------------


def _plan(world, start=date(2026, 1, 26)):
    _strategy(world)
    return _icpc(Section47.objects.get(), world, icpc_date=start)


def test_review_records_the_date_and_updates_the_latest_category(world):
    plan = _plan(world)
    services.cp_review_record(plan=plan, date=date(2026, 4, 20), latest_category="EMO")
    plan.refresh_from_db()
    assert plan.latest_category == "EMO" and plan.initial_category == "PHY"
    assert list(plan.reviews.values_list("date", flat=True)) == [date(2026, 4, 20)]


@pytest.mark.parametrize(
    "day, category, field",
    [
        (date(2026, 1, 23), "NEG", "date"),
        (date(2099, 1, 5), "NEG", "date"),
        (date(2026, 4, 20), "XYZ", "latest_category"),
    ],
    ids=["before-start", "future", "unknown-category"],
)
def test_review_refuses_bad_dates_and_categories(world, day, category, field):
    plan = _plan(world)
    with pytest.raises(ValidationError) as error:
        services.cp_review_record(plan=plan, date=day, latest_category=category)
    assert field in error.value.message_dict
    plan.refresh_from_db()
    assert plan.latest_category == "PHY" and not CPPlanReview.objects.exists()


def test_plan_ends_once_and_not_before_it_started_or_in_the_future(world):
    plan = _plan(world)
    for day in (date(2026, 1, 23), date(2099, 1, 5)):
        with pytest.raises(ValidationError) as error:
            services.cp_plan_end(plan=plan, end_date=day)
        assert "end_date" in error.value.message_dict
    services.cp_plan_end(plan=plan, end_date=date(2026, 6, 1))
    plan.refresh_from_db()
    assert plan.end_date == date(2026, 6, 1)
    with pytest.raises(ValidationError):
        services.cp_plan_end(plan=plan, end_date=date(2026, 6, 2))
    with pytest.raises(ValidationError):
        services.cp_review_record(plan=plan, date=date(2026, 6, 1), latest_category="")
    assert not CPPlanReview.objects.exists()


def test_plan_cannot_end_before_its_last_review(world):
    plan = _plan(world)
    services.cp_review_record(plan=plan, date=date(2026, 4, 20), latest_category="")
    with pytest.raises(ValidationError) as error:
        services.cp_plan_end(plan=plan, end_date=date(2026, 4, 1))
    assert "end_date" in error.value.message_dict


def test_next_review_is_3_months_after_the_icpc_then_every_6_months(world):
    plan = _plan(world, start=date(2026, 1, 26))
    assert next_review_due(plan, []) == date(2026, 4, 26)
    assert next_review_due(plan, [date(2026, 4, 20)]) == date(2026, 10, 20)
    assert next_review_due(plan, [date(2026, 4, 20), date(2026, 10, 1)]) == date(2027, 4, 1)
    plan.end_date = date(2026, 11, 2)
    assert next_review_due(plan, [date(2026, 4, 20)]) is None


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 10, 15), 3) == date(2027, 1, 15)


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


def _date_post(prefix: str, day: date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _strategy_post(**overrides):
    data = {
        **_date_post("date", date(2026, 1, 5)),
        "attendees": "DS Khan (police)",
        "concerns": "Bruising",
        "decision_s47": "yes",
        "rationale": "Reasonable cause to suspect significant harm",
    }
    data.update(overrides)
    return data


def test_worker_records_a_strategy_discussion_and_lands_on_the_s47(client, world):
    client.force_login(world.users["sw_north"])
    url = reverse("casework:strategy_new", args=[world.children["own"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _strategy_post())
    s47 = Section47.objects.get(child=world.children["own"])
    assert response.status_code == 302
    assert response.url == reverse("casework:section47", args=[world.children["own"].pk, s47.pk])
    body = client.get(response.url).content.decode()
    assert "26 Jan 2026" in body and "conference is due by 26 January 2026" in body


def test_strategy_form_shows_errors_by_the_field_and_saves_nothing(client, world):
    client.force_login(world.users["sw_north"])
    url = reverse("casework:strategy_new", args=[world.children["own"].pk])
    response = client.post(url, _strategy_post(attendees=" ", decision_s47=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert links_to(body, "decision_s47")
    assert "Select whether to start a section 47 enquiry" in body
    response = client.post(url, _strategy_post(attendees=" "))
    body = response.content.decode()
    assert links_to(body, "attendees") and 'id="id_attendees-error"' in body and "Enter who took part" in body
    assert not StrategyDiscussion.objects.exists()


@pytest.mark.parametrize("role", ["inspector", "qa"])
def test_read_only_roles_cannot_record_a_strategy_discussion(client, world, role):
    client.force_login(world.users[role])
    url = reverse("casework:strategy_new", args=[world.children["own"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _strategy_post()).status_code == 403
    assert not StrategyDiscussion.objects.exists()


def _icpc_post(day=date(2026, 1, 26), **overrides):
    data = {
        "conference": "held",
        **_date_post("icpc_date", day),
        "plan_needed": "yes",
        "category": "NEG",
        "outcome_summary": "Plan agreed.",
    }
    data.update(overrides)
    return data


def test_s47_page_shows_the_icpc_target_and_whether_it_is_overdue(client, world):
    _strategy(world)
    s47 = Section47.objects.get()
    client.force_login(world.users["inspector"])
    response = client.get(reverse("casework:section47", args=[world.children["own"].pk, s47.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "26 Jan 2026" in body and "Record the conference outcome" not in body
    if timezone.localdate() > s47.icpc_target_date:
        assert "Overdue by" in body


def test_icpc_on_a_saturday_shows_the_error_by_the_field(client, world):
    _strategy(world)
    s47 = Section47.objects.get()
    client.force_login(world.users["sw_north"])
    url = reverse("casework:section47", args=[world.children["own"].pk, s47.pk])
    response = client.post(url, _icpc_post(day=date(2026, 1, 10)))
    body = response.content.decode()
    assert response.status_code == 200
    assert links_to(body, "icpc_date") and 'id="id_icpc_date-error"' in body
    assert "must be on a working day" in body
    s47.refresh_from_db()
    assert s47.icpc_date is None and not ChildProtectionPlan.objects.exists()


def test_icpc_held_without_saying_whether_a_plan_is_needed_is_refused(client, world):
    _strategy(world)
    s47 = Section47.objects.get()
    client.force_login(world.users["sw_north"])
    url = reverse("casework:section47", args=[world.children["own"].pk, s47.pk])
    body = client.post(url, _icpc_post(plan_needed="")).content.decode()
    assert links_to(body, "plan_needed") and "Select whether the child needs a child protection plan" in body
    assert Section47.objects.get().icpc_date is None


def test_recording_the_icpc_starts_the_plan_and_opens_it(client, world):
    _strategy(world)
    s47 = Section47.objects.get()
    client.force_login(world.users["sw_north"])
    url = reverse("casework:section47", args=[world.children["own"].pk, s47.pk])
    response = client.post(url, _icpc_post())
    plan = ChildProtectionPlan.objects.get(child=world.children["own"])
    assert response.status_code == 302
    assert response.url == reverse("casework:cp_plan", args=[world.children["own"].pk, plan.pk])
    assert plan.start_date == date(2026, 1, 26) and plan.initial_category == "NEG"
    body = client.get(response.url).content.decode()
    assert "Next review conference due" in body and "26 Apr 2026" in body
    s47_page = client.get(url).content.decode()
    assert "Record the conference outcome" not in s47_page and "Held on 26 Jan 2026" in s47_page


def test_inspector_cannot_record_the_icpc(client, world):
    _strategy(world)
    s47 = Section47.objects.get()
    client.force_login(world.users["inspector"])
    url = reverse("casework:section47", args=[world.children["own"].pk, s47.pk])
    assert client.post(url, _icpc_post()).status_code == 403
    assert Section47.objects.get().icpc_date is None


def test_an_s47_of_another_child_is_not_found(client, world):
    _strategy(world, who="team")
    other = Section47.objects.get(child=world.children["team"])
    client.force_login(world.users["sw_north"])
    url = reverse("casework:section47", args=[world.children["own"].pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _icpc_post()).status_code == 404
    assert Section47.objects.get(pk=other.pk).icpc_date is None


def test_cp_plan_page_adds_a_review_and_ends_the_plan(client, world):
    plan = _plan(world)
    client.force_login(world.users["sw_north"])
    url = reverse("casework:cp_plan", args=[world.children["own"].pk, plan.pk])
    response = client.post(
        url, {"action": "review", **_date_post("review-date", date(2026, 4, 20)), "review-latest_category": "EMO"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.latest_category == "EMO" and plan.reviews.get().date == date(2026, 4, 20)
    body = client.get(url).content.decode()
    assert "20 Oct 2026" in body  # six months after the review
    response = client.post(url, {"action": "end", **_date_post("end-end_date", date(2026, 1, 20))})
    body = response.content.decode()
    assert response.status_code == 200
    assert links_to(body, "end-end_date") and 'id="id_end-end_date-error"' in body
    assert "cannot end before it started" in body
    plan.refresh_from_db()
    assert plan.end_date is None
    response = client.post(url, {"action": "end", **_date_post("end-end_date", date(2026, 6, 1))})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == date(2026, 6, 1)
    ended = client.get(url).content.decode()
    assert "Record a review conference" not in ended and "Next review conference due" not in ended


def test_inspector_reads_the_cp_plan_but_cannot_change_it(client, world):
    plan = _plan(world)
    client.force_login(world.users["inspector"])
    url = reverse("casework:cp_plan", args=[world.children["own"].pk, plan.pk])
    body = client.get(url).content.decode()
    assert "Child protection plan" in body and "Record a review conference" not in body
    response = client.post(url, {"action": "end", **_date_post("end-end_date", date(2026, 6, 1))})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.end_date is None


def test_protection_overview_lists_everything_with_bounded_queries(client, world, django_assert_max_num_queries):
    child = world.children["own"]
    for day in (date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)):
        _strategy(world, on=day, s47=False)
    _strategy(world, on=date(2026, 1, 26))
    _icpc(Section47.objects.get(), world, icpc_date=date(2026, 2, 9))
    client.force_login(world.users["sw_north"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("casework:protection", args=[child.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("No section 47 enquiry") == 3
    assert "Conference held 9 Feb 2026" in body and "Physical abuse" in body
