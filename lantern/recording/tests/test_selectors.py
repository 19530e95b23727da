"""When a child was last seen and when the next visit is due, set-based."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lantern import factories as f
from lantern.casework.models import CINEpisode, CINPlan, CINPlanChild, WorkStatus
from lantern.core.calendar import add_working_days
from lantern.core.local_settings import get_setting, set_setting
from lantern.people.models import Child
from lantern.recording import selectors
from lantern.recording.models import PlanVisitFrequency, VisitType
from lantern.recording.tests.helpers import make_session, make_visit

pytestmark = pytest.mark.django_db


def _warm_settings():
    get_setting("cin_visit_weeks")
    get_setting("cp_visit_working_days")


def test_annotate_seen_gives_the_three_dates_and_respects_as_of(world):
    child, sw = world.children["own"], world.users["sw_north"]
    make_visit(child, sw, date(2026, 2, 2), seen_alone=True)
    make_visit(child, sw, date(2026, 2, 20), visit_type=VisitType.OTHER)
    make_visit(child, sw, date(2026, 3, 1), child_seen=False, not_seen_reason="Nobody home")
    row = selectors.annotate_seen(Child.objects.filter(pk=child.pk)).get()
    assert row.last_seen == date(2026, 2, 20)  # a visit where the child was not seen does not count
    assert row.last_seen_alone == date(2026, 2, 2)
    assert row.last_statutory_visit == date(2026, 2, 2)  # the "other" visit is not statutory
    assert row.last_statutory_seen_alone is True
    earlier = selectors.annotate_seen(Child.objects.filter(pk=child.pk), as_of=date(2026, 2, 10)).get()
    assert earlier.last_seen == date(2026, 2, 2)
    before = selectors.annotate_seen(Child.objects.filter(pk=child.pk), as_of=date(2026, 2, 1)).get()
    assert before.last_seen is None and before.last_seen_alone is None and before.last_statutory_visit is None


def test_cin_visit_due_four_weeks_after_last_seen(world):
    child = world.children["own"]
    seen = timezone.localdate() - timedelta(days=10)
    make_visit(child, world.users["sw_north"], seen)
    summary = selectors.seen_summary([child.pk])[child.pk]
    assert summary.last_seen == seen
    assert summary.next_visit_due == seen + timedelta(weeks=4)
    assert summary.basis == "cin"
    assert "4 weeks" in summary.frequency


def test_the_council_setting_changes_the_cin_frequency(world):
    child = world.children["own"]
    seen = timezone.localdate() - timedelta(days=3)
    make_visit(child, world.users["sw_north"], seen)
    set_setting("cin_visit_weeks", 6)
    assert selectors.seen_summary([child.pk])[child.pk].next_visit_due == seen + timedelta(weeks=6)


def test_cp_visit_due_ten_working_days_after_last_seen(world):
    child = world.children["own"]
    episode = CINEpisode.objects.get(child=child)
    f.open_cp_plan(child, episode, start=date(2026, 2, 2))
    seen = timezone.localdate() - timedelta(days=2)
    make_visit(child, world.users["sw_north"], seen, visit_type=VisitType.CP_STATUTORY)
    summary = selectors.seen_summary([child.pk])[child.pk]
    assert summary.next_visit_due == add_working_days(seen, 10)
    assert summary.basis == "cp"


def test_with_no_visit_the_clock_runs_from_the_referral_or_the_cp_plan(world):
    child, other = world.children["own"], world.children["team"]
    episode = CINEpisode.objects.get(child=other)
    f.open_cp_plan(other, episode, start=date(2026, 2, 2))
    summaries = selectors.seen_summary([child.pk, other.pk])
    assert summaries[child.pk].next_visit_due == date(2026, 1, 5) + timedelta(weeks=4)
    assert summaries[other.pk].next_visit_due == add_working_days(date(2026, 2, 2), 10)


def test_a_visit_in_an_earlier_episode_does_not_count_for_a_new_one(world):
    child = f.make_child()
    f.allocate(child, team=world.north, worker=world.users["sw_north"])
    old = f.open_cin_episode(child, referral_date=date(2025, 1, 6))
    make_visit(child, world.users["sw_north"], date(2025, 2, 1))
    old.closure_date, old.closure_reason = date(2025, 6, 1), "RC7"
    old.save()
    f.open_cin_episode(child, referral_date=date(2026, 1, 5))
    summary = selectors.seen_summary([child.pk])[child.pk]
    assert summary.last_seen == date(2025, 2, 1)  # still shown as the last time the child was seen
    assert summary.next_visit_due == date(2026, 1, 5) + timedelta(weeks=4)


def test_the_cin_plan_can_set_its_own_frequency(world):
    child, sw = world.children["own"], world.users["sw_north"]
    episode = CINEpisode.objects.get(child=child)
    plan = CINPlan.objects.create(
        title="Owens plan", author=sw, status=WorkStatus.APPROVED, start_date=date(2026, 2, 1)
    )
    section = CINPlanChild.objects.create(plan=plan, child=child, episode=episode, start_date=date(2026, 2, 1))
    PlanVisitFrequency.objects.create(section=section, weeks=2, reason="Agreed at the review", set_by=sw)
    seen = timezone.localdate() - timedelta(days=1)
    make_visit(child, sw, seen)
    summary = selectors.seen_summary([child.pk])[child.pk]
    assert summary.next_visit_due == seen + timedelta(weeks=2)
    assert "set in the CIN plan" in summary.frequency
    # An ended plan's frequency no longer applies.
    section.end_date = timezone.localdate()
    section.save()
    assert selectors.seen_summary([child.pk])[child.pk].next_visit_due == seen + timedelta(weeks=4)


def test_no_visit_due_without_an_open_episode_or_for_an_unborn_child(world):
    closed = f.make_child()
    episode = f.open_cin_episode(closed, referral_date=date(2025, 1, 6))
    episode.closure_date, episode.closure_reason = date(2025, 6, 1), "RC7"
    episode.save()
    unborn = f.make_child(date_of_birth=None, expected_date_of_birth=timezone.localdate() + timedelta(days=60))
    f.open_cin_episode(unborn)
    summaries = selectors.seen_summary([closed.pk, unborn.pk])
    assert summaries[closed.pk].next_visit_due is None
    assert summaries[closed.pk].not_due_because == "no open episode"
    assert summaries[unborn.pk].next_visit_due is None
    assert summaries[unborn.pk].not_due_because == "unborn"


def test_seen_summary_is_one_query_for_any_number_of_children(world, django_assert_max_num_queries):
    sw = world.users["sw_north"]
    children = list(world.children.values())
    for i, child in enumerate(children):
        make_visit(child, sw, date(2026, 2, 1) + timedelta(days=i), seen_alone=bool(i % 2))
    _warm_settings()
    with django_assert_max_num_queries(1):
        summaries = selectors.seen_summary([c.pk for c in children])
    assert len(summaries) == len(children)
    assert selectors.seen_summary([]) == {}


def test_visits_due_lists_overdue_and_due_soon_only(world, django_assert_max_num_queries):
    today = timezone.localdate()
    sw = world.users["sw_north"]
    own, team, south = world.children["own"], world.children["team"], world.children["south"]
    make_visit(own, sw, today - timedelta(weeks=5))  # overdue by a week
    make_visit(team, sw, today - timedelta(weeks=3, days=2))  # due in 5 days
    make_visit(south, sw, today - timedelta(days=1))  # due in four weeks
    _warm_settings()
    with django_assert_max_num_queries(1):
        due = selectors.visits_due([own.pk, team.pk, south.pk], today=today)
    assert [d.child_id for d in due] == [own.pk, team.pk]
    assert due[0].due == today - timedelta(weeks=1)
    assert due[0].child_name == "Olivia Owens"


def test_child_voice_gathers_visits_direct_work_and_assessments_newest_first(world):
    child, sw = world.children["own"], world.users["sw_north"]
    make_visit(child, sw, date(2026, 2, 1), child_said="I want my dad to come to my party.")
    make_visit(child, sw, date(2026, 2, 15), child_said="")  # nothing said: not in the voice
    make_session(child, sw, date(2026, 3, 1), child_words="School is good.\nI have a friend called Max.")
    from lantern.casework.models import Assessment

    Assessment.objects.create(
        episode=CINEpisode.objects.get(child=child),
        child=child,
        start_date=date(2026, 1, 10),
        due_date=date(2026, 3, 10),
        child_words="I get scared when they shout.",
    )
    make_visit(world.children["team"], sw, date(2026, 3, 2), child_said="Another child's words")
    entries = selectors.voice_entries(selectors.child_voice(child))
    assert [e.words for e in entries] == [
        "School is good.\nI have a friend called Max.",
        "I want my dad to come to my party.",
        "I get scared when they shout.",
    ]
    assert [e.kind for e in entries] == ["direct_work", "visit", "assessment"]
    assert entries[0].context == "Direct work: Three houses"
    assert entries[1].context == "Visit (statutory CIN)"
    assert entries[1].author == sw.display_name
    assert selectors.child_voice(child).count() == 3
