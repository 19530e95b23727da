"""Each standard: a child (or worker) who triggers it and one who just does not (the boundary),
and records dated after the day asked about are ignored (so the past can be replayed)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lantern import factories as f
from lantern.casework.models import (
    ChildProtectionPlan,
    CINEpisode,
    ContactDecision,
    OutcomeProgress,
    PlanReview,
    StrategyDiscussion,
    ThresholdLevel,
)
from lantern.core.calendar import add_working_days
from lantern.core.local_settings import set_setting
from lantern.insight import standards
from lantern.insight.models import Alert, AlertResponse
from lantern.insight.tests.conftest import AS_OF, assessment, at, contact, plan
from lantern.workforce.models import AllocationReason, AllocationRole, Role

pytestmark = pytest.mark.django_db


def found(key: str, as_of: date = AS_OF) -> dict[int, standards.Finding]:
    """What the standard finds, by child (or worker) id."""
    return {(x.child_id or x.worker_id): x for x in standards.get(key).find(as_of)}


def start_for_deadline(deadline: date, n: int) -> date:
    """A working day whose deadline n working days later is `deadline`."""
    day = deadline
    while add_working_days(day, n) != deadline:
        day -= timedelta(days=1)
    return day


# ---------------------------------------------------------------------------------------------
# Front door and assessment
# ---------------------------------------------------------------------------------------------


def test_referral_decision_overdue_after_one_working_day(world):
    late, on_time = world.children["own"], world.children["team"]
    contact(late, date(2026, 3, 27))  # Friday: due Monday 30th, overdue on Tuesday 31st
    contact(on_time, date(2026, 3, 30))  # Monday: due today
    result = found("referral_decision")
    assert set(result) == {late.pk}
    assert result[late.pk].since == date(2026, 3, 31)
    assert result[late.pk].subject_kind == "contact"


def test_referral_decision_made_clears_it_and_a_later_decision_is_ignored_in_the_past(world):
    child = world.children["own"]
    c = contact(child, date(2026, 3, 20))
    level = ThresholdLevel.objects.create(code="lvl", name="Level", descriptor="d")
    ContactDecision.objects.create(
        contact=c, level=level, route="nfa", reason="No concerns", decided_by=world.users["sw_north"],
        decided_at=at(date(2026, 4, 2)),
    )  # fmt: skip
    assert child.pk in found("referral_decision")  # on 31 March it was still waiting
    assert child.pk not in found("referral_decision", date(2026, 4, 2))


def test_assessment_over_45_working_days(world, new_child):
    late_referral = start_for_deadline(AS_OF - timedelta(days=1), 45)
    late, late_episode = new_child(late_referral)
    just, just_episode = new_child(start_for_deadline(AS_OF, 45))
    assessment(late, late_episode, start=late_referral)
    result = found("assessment_timescale")
    assert late.pk in result and just.pk not in result
    assert result[late.pk].since == AS_OF
    assert result[late.pk].subject_kind == "assessment"


def test_assessment_authorised_in_time_is_not_flagged_but_authorised_later_was_flagged_then(world, new_child):
    child, episode = new_child(date(2025, 12, 1))
    assessment(child, episode, start=date(2025, 12, 2), authorised=date(2026, 4, 10))
    assert child.pk in found("assessment_timescale")
    assert child.pk not in found("assessment_timescale", date(2026, 4, 10))


def test_assessment_out_of_date_after_12_months(world, new_child):
    old, old_episode = new_child(date(2024, 1, 8))
    current, current_episode = new_child(date(2024, 1, 8))
    assessment(old, old_episode, start=date(2025, 3, 1), authorised=date(2025, 3, 30))
    assessment(current, current_episode, start=date(2025, 3, 1), authorised=date(2025, 3, 31))
    result = found("assessment_out_of_date")
    assert old.pk in result and current.pk not in result
    assert result[old.pk].since == date(2026, 3, 31)


def test_assessment_out_of_date_when_a_significant_event_follows_it(world, new_child):
    from lantern.notes.models import CaseNote

    child, episode = new_child(date(2025, 6, 2))
    assessment(child, episode, start=date(2025, 6, 3), authorised=date(2025, 7, 1))
    CaseNote.objects.create(
        child=child, title="Moved out", body="Dad left the home", occurred_on=date(2026, 3, 2), status="final",
        significant=True, significant_category="change_of_household", author=world.users["sw_north"], note_type="other",
        finalised_at=at(date(2026, 3, 2)),
    )  # fmt: skip
    result = found("assessment_out_of_date")
    assert result[child.pk].since == date(2026, 3, 2)
    assert child.pk not in found("assessment_out_of_date", date(2026, 3, 1))  # the event had not happened yet


def test_no_cin_plan_ten_working_days_after_the_assessment_concluded_one(world, new_child):
    late, late_episode = new_child(date(2025, 12, 1))
    just, just_episode = new_child(date(2025, 12, 1))
    planned, planned_episode = new_child(date(2025, 12, 1))
    late_day = start_for_deadline(AS_OF - timedelta(days=1), 10)
    assessment(late, late_episode, start=date(2025, 12, 2), authorised=late_day, outcome="cin_plan")
    assessment(
        just, just_episode, start=date(2025, 12, 2), authorised=start_for_deadline(AS_OF, 10), outcome="cin_plan"
    )
    assessment(planned, planned_episode, start=date(2025, 12, 2), authorised=late_day, outcome="cin_plan")
    plan([planned], start=late_day, author=world.users["sw_north"])
    result = found("no_cin_plan")
    assert set(result) & {late.pk, just.pk, planned.pk} == {late.pk}


def test_no_cin_plan_not_flagged_for_a_child_on_a_child_protection_plan(world, new_child):
    child, episode = new_child(date(2025, 12, 1))
    assessment(child, episode, start=date(2025, 12, 2), authorised=date(2026, 1, 5), outcome="cin_plan")
    assert child.pk in found("no_cin_plan")
    ChildProtectionPlan.objects.create(
        child=child, episode=episode, start_date=date(2026, 2, 2), initial_category="NEG", latest_category="NEG"
    )
    assert child.pk not in found("no_cin_plan")


# ---------------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------------


def test_plan_without_outcomes_or_contingency(world, new_child, author):
    no_outcomes, _ = new_child()
    no_contingency, _ = new_child()
    unmeasured, _ = new_child()
    complete, _ = new_child()
    plan([no_outcomes], start=date(2026, 1, 5), author=author, outcomes=False)
    plan([no_contingency], start=date(2026, 1, 5), author=author, contingency=False)
    plan([unmeasured], start=date(2026, 1, 5), author=author, measure="")
    plan([complete], start=date(2026, 1, 5), author=author)
    result = found("plan_incomplete")
    assert set(result) & {no_outcomes.pk, no_contingency.pk, unmeasured.pk, complete.pk} == {
        no_outcomes.pk,
        no_contingency.pk,
        unmeasured.pk,
    }
    assert result[no_outcomes.pk].since == date(2026, 1, 5)


def test_plan_incomplete_ignores_a_plan_not_yet_in_force(world, new_child, author):
    child, _ = new_child()
    plan([child], start=date(2026, 4, 1), author=author, outcomes=False)
    assert child.pk not in found("plan_incomplete")
    assert child.pk in found("plan_incomplete", date(2026, 4, 1))


def test_sibling_on_a_family_plan_without_outcomes_of_their_own(world, new_child, author):
    older, _ = new_child()
    younger, _ = new_child()
    p = plan([older, younger], start=date(2026, 1, 5), author=author)
    p.children.get(child=younger).outcomes.all().delete()
    alone, _ = new_child()
    plan([alone], start=date(2026, 1, 5), author=author, outcomes=False)
    result = found("sibling_outcomes")
    assert set(result) & {older.pk, younger.pk, alone.pk} == {younger.pk}


def test_plan_review_overdue_after_its_review_weeks(world, new_child, author):
    overdue, _ = new_child()
    due_today, _ = new_child()
    plan([overdue], start=AS_OF - timedelta(weeks=12, days=1), author=author)
    plan([due_today], start=AS_OF - timedelta(weeks=12), author=author)
    result = found("plan_review_overdue")
    assert overdue.pk in result and due_today.pk not in result
    assert result[overdue.pk].since == AS_OF


def test_plan_review_counts_from_the_last_review_on_or_before_the_day(world, new_child, author):
    child, _ = new_child()
    p = plan([child], start=date(2025, 10, 1), author=author)
    PlanReview.objects.create(
        plan=p, date=date(2026, 1, 5), attendees="All", decisions="Carry on",
        next_review_date=date(2026, 3, 30), recorded_by=author,
    )  # fmt: skip
    assert found("plan_review_overdue")[child.pk].since == AS_OF
    PlanReview.objects.create(
        plan=p, date=date(2026, 4, 1), attendees="All", decisions="Carry on",
        next_review_date=date(2026, 6, 24), recorded_by=author,
    )  # fmt: skip
    assert child.pk in found("plan_review_overdue")  # the April review had not happened on 31 March
    assert child.pk not in found("plan_review_overdue", date(2026, 4, 1))


# ---------------------------------------------------------------------------------------------
# Drift
# ---------------------------------------------------------------------------------------------


def _score(p, child, score: int, on: date, author) -> None:
    review = PlanReview.objects.create(
        plan=p, date=on, attendees="All", decisions="Carry on", next_review_date=on + timedelta(weeks=12),
        recorded_by=author,
    )  # fmt: skip
    outcome = p.children.get(child=child).outcomes.get()
    OutcomeProgress.objects.create(review=review, outcome=outcome, score=score)


def test_long_cin_episode_without_improvement(world, new_child, author):
    stuck, _ = new_child(date(2025, 6, 29))
    young, _ = new_child(date(2025, 6, 30))
    improving, _ = new_child(date(2025, 6, 1))
    p_stuck = plan([stuck], start=date(2025, 8, 1), author=author, baseline=3)
    p_improving = plan([improving], start=date(2025, 8, 1), author=author, baseline=3)
    _score(p_stuck, stuck, 3, date(2025, 11, 1), author)
    _score(p_improving, improving, 5, date(2025, 11, 1), author)
    result = found("long_cin_no_progress")
    assert stuck.pk in result and young.pk not in result and improving.pk not in result
    assert result[stuck.pk].since == date(2026, 3, 30)


def test_long_cin_improvement_without_a_baseline_is_against_the_first_score(world, new_child, author):
    child, _ = new_child(date(2025, 1, 6))
    p = plan([child], start=date(2025, 2, 1), author=author, baseline=None)
    _score(p, child, 4, date(2025, 5, 1), author)
    _score(p, child, 4, date(2025, 8, 1), author)
    assert child.pk in found("long_cin_no_progress")
    _score(p, child, 6, date(2026, 4, 2), author)
    assert child.pk in found("long_cin_no_progress")  # the better score came after 31 March
    assert child.pk not in found("long_cin_no_progress", date(2026, 4, 2))


def test_neglect_open_six_months_without_escalation(world, new_child):
    neglect, _ = new_child(date(2025, 9, 29), primary_need="N1")
    recent, _ = new_child(date(2025, 9, 30), primary_need="N1")
    other_need, _ = new_child(date(2025, 9, 1), primary_need="N4")
    by_factor, factor_episode = new_child(date(2025, 9, 1), primary_need="N4")
    assessment(by_factor, factor_episode, start=date(2025, 9, 2), factors=["16A"])
    result = found("neglect_unescalated")
    assert set(result) & {neglect.pk, recent.pk, other_need.pk, by_factor.pk} == {neglect.pk, by_factor.pk}
    assert result[neglect.pk].since == date(2026, 3, 30)


def test_neglect_escalated_by_a_strategy_discussion_or_a_managers_consideration(world, new_child):
    discussed, discussed_episode = new_child(date(2025, 6, 2), primary_need="N1")
    considered, _ = new_child(date(2025, 6, 2), primary_need="N1")
    StrategyDiscussion.objects.create(
        episode=discussed_episode, child=discussed, date=date(2025, 12, 1), attendees="Police, school",
        concerns="Neglect", decision_s47=False, rationale="Support first", recorded_by=world.users["sw_north"],
    )  # fmt: skip
    from lantern.oversight.models import OversightEntry

    entry = OversightEntry.objects.create(
        child=considered, author=world.users["tm_north"], direction="Consider CP", rationale="Neglect long-standing",
        signed_at=timezone.now(), signed_by=world.users["tm_north"],
    )  # fmt: skip
    alert = Alert.objects.create(
        standard="neglect_unescalated", child=considered, key="k", since=date(2025, 12, 3), raised_at=timezone.now()
    )
    AlertResponse.objects.create(
        alert=alert, oversight_entry=entry, decision="Consider CP", rationale="Why",
        child_protection_considered=True, responded_by=world.users["tm_north"],
    )  # fmt: skip
    result = found("neglect_unescalated", timezone.localdate())
    assert discussed.pk not in result and considered.pk not in result


def test_rereferral_within_12_months_of_a_closure(world, author):
    def child_with_history(closed: date):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=author, start=date(2024, 1, 8))
        f.open_cin_episode(child, referral_date=date(2024, 1, 8), closure_date=closed, closure_reason="RC7")
        f.open_cin_episode(child, referral_date=date(2026, 3, 2))
        return child

    within = child_with_history(date(2025, 3, 2))
    outside = child_with_history(date(2025, 3, 1))
    result = found("rereferral")
    assert within.pk in result and outside.pk not in result
    assert result[within.pk].since == date(2026, 3, 2)


def test_rereferral_clears_once_a_manager_has_signed_oversight_since_the_referral(world, author):
    from lantern.oversight.models import OversightEntry

    child = f.make_child()
    f.allocate(child, team=world.north, worker=author, start=date(2025, 1, 6))
    f.open_cin_episode(child, referral_date=date(2025, 1, 6), closure_date=date(2025, 9, 1), closure_reason="RC7")
    f.open_cin_episode(child, referral_date=date(2026, 3, 2))
    assert child.pk in found("rereferral")
    OversightEntry.objects.create(
        child=child, author=world.users["tm_north"], direction="Review history", rationale="Re-referral",
        signed_at=at(date(2026, 3, 10)), signed_by=world.users["tm_north"],
    )  # fmt: skip
    assert child.pk not in found("rereferral")
    assert child.pk in found("rereferral", date(2026, 3, 9))


def test_three_workers_in_twelve_months(world, new_child):
    changed, _ = new_child(date(2025, 6, 2))
    steady, _ = new_child(date(2025, 6, 2))
    lead = changed.allocations.get()
    lead.end_date, lead.end_reason = date(2025, 9, 1), AllocationReason.WORKER_LEFT
    lead.save()
    f.allocate(changed, team=world.north, worker=world.users["sw_north_2"], start=date(2025, 9, 1),
               end=date(2026, 1, 5), end_reason=AllocationReason.CASELOAD_BALANCING)  # fmt: skip
    f.allocate(changed, team=world.north, worker=world.users["fsw_north"], start=date(2026, 1, 5))
    lead = steady.allocations.get()
    lead.end_date, lead.end_reason = date(2025, 9, 1), AllocationReason.WORKER_LEFT
    lead.save()
    f.allocate(steady, team=world.north, worker=world.users["sw_north_2"], start=date(2025, 9, 1))
    result = found("worker_changes")
    assert changed.pk in result and steady.pk not in result
    assert result[changed.pk].since == date(2026, 1, 5)


def test_caseload_over_the_red_threshold(world):
    set_setting("caseload_sw_red", 2)
    over, at_threshold = world.users["sw_north"], world.users["sw_north_2"]
    for worker, n in ((over, 2), (at_threshold, 0)):  # sw_north already holds own; sw_north_2 team and restricted
        for _ in range(n):
            f.allocate(f.make_child(), team=world.north, worker=worker, start=date(2026, 1, 5))
    result = found("caseload_over_threshold")
    assert over.pk in result and at_threshold.pk not in result
    assert result[over.pk].worker_id == over.pk and result[over.pk].child_id is None


def test_caseload_threshold_per_role_and_weighted(world):
    set_setting("caseload_fsw_red", 0)
    f.allocate(f.make_child(), team=world.north, worker=world.users["fsw_north"], start=date(2026, 1, 5))
    assert world.users["fsw_north"].pk in found("caseload_over_threshold")
    set_setting("caseload_sw_red", 1)
    sw = world.users["sw_north"]  # holds one child
    assert sw.pk not in found("caseload_over_threshold")
    set_setting("caseload_weighting", True)
    set_setting("caseload_cp_weight", 1.5)
    own = world.children["own"]
    f.open_cp_plan(own, own.cin_episodes.get())
    assert sw.pk in found("caseload_over_threshold")  # 1.5 weighted children over a threshold of 1


# ---------------------------------------------------------------------------------------------
# Visits
# ---------------------------------------------------------------------------------------------


def test_cin_visit_overdue_after_four_weeks(world):
    from lantern.recording.tests.helpers import make_visit

    late, on_time = world.children["own"], world.children["team"]
    make_visit(late, world.users["sw_north"], date(2026, 3, 2))  # due 30 March
    make_visit(on_time, world.users["sw_north_2"], date(2026, 3, 3))  # due 31 March
    result = found("visit_overdue")
    assert late.pk in result and on_time.pk not in result
    assert result[late.pk].since == date(2026, 3, 31)


def test_a_visit_where_the_child_was_not_seen_does_not_count(world):
    from lantern.recording.tests.helpers import make_visit

    child = world.children["own"]
    make_visit(child, world.users["sw_north"], date(2026, 3, 2))
    make_visit(child, world.users["sw_north"], date(2026, 3, 20), child_seen=False, not_seen_reason="Out")
    assert child.pk in found("visit_overdue")


def test_cp_visit_overdue_after_ten_working_days(world):
    from lantern.recording.tests.helpers import make_visit

    late, on_time = world.children["own"], world.children["team"]
    for child in (late, on_time):
        f.open_cp_plan(child, child.cin_episodes.get(), start=date(2026, 2, 2))
    make_visit(late, world.users["sw_north"], start_for_deadline(AS_OF - timedelta(days=1), 10))
    make_visit(on_time, world.users["sw_north_2"], start_for_deadline(AS_OF, 10))
    result = found("visit_overdue")
    assert late.pk in result and on_time.pk not in result


def test_visit_frequency_set_in_the_plan(world, author):
    from lantern.recording.models import PlanVisitFrequency
    from lantern.recording.tests.helpers import make_visit

    child = world.children["own"]
    p = plan([child], start=date(2026, 1, 5), author=author)
    PlanVisitFrequency.objects.create(section=p.children.get(), weeks=2, reason="Baby", set_by=author)
    make_visit(child, author, date(2026, 3, 17))  # due 31 March under a 2-week plan
    assert child.pk not in found("visit_overdue")
    assert child.pk in found("visit_overdue", date(2026, 4, 1))


def test_child_not_seen_alone_for_three_months(world, new_child):
    from lantern.recording.tests.helpers import make_visit

    late, _ = new_child(date(2025, 6, 2))
    just, _ = new_child(date(2025, 6, 2))
    make_visit(late, world.users["sw_north"], date(2025, 12, 30), seen_alone=True)
    make_visit(just, world.users["sw_north"], date(2025, 12, 31), seen_alone=True)
    make_visit(late, world.users["sw_north"], date(2026, 3, 20))  # seen, not alone
    result = found("not_seen_alone")
    assert late.pk in result and just.pk not in result
    assert result[late.pk].since == date(2026, 3, 31)


def test_not_seen_alone_from_the_councils_age(world, new_child):
    baby, _ = new_child(date(2025, 6, 2))
    baby.person.date_of_birth = date(2025, 1, 1)
    baby.person.save()
    assert baby.pk in found("not_seen_alone")
    set_setting("seen_alone_from_age", 2)
    assert baby.pk not in found("not_seen_alone")


# ---------------------------------------------------------------------------------------------
# Oversight, check-ins, supervision
# ---------------------------------------------------------------------------------------------


def test_no_management_oversight_for_four_weeks(world):
    from lantern.oversight.models import OversightEntry

    late, on_time = world.children["own"], world.children["team"]
    for child, day in ((late, date(2026, 3, 2)), (on_time, date(2026, 3, 3))):
        OversightEntry.objects.create(
            child=child, author=world.users["tm_north"], direction="Carry on", rationale="Fine",
            signed_at=at(day), signed_by=world.users["tm_north"],
        )  # fmt: skip
    OversightEntry.objects.create(  # a draft does not count
        child=late, author=world.users["tm_north"], direction="Draft", rationale=""
    )
    result = found("oversight_overdue")
    assert late.pk in result and on_time.pk not in result
    assert result[late.pk].since == date(2026, 3, 31)


def test_family_support_worker_case_without_a_check_in(world, new_child):
    from lantern.oversight.models import CheckIn

    fsw, sw = world.users["fsw_north"], world.users["sw_north"]
    late, _ = new_child(date(2025, 6, 2), worker=fsw)
    just, _ = new_child(date(2025, 6, 2), worker=fsw)
    social_work_case, _ = new_child(date(2025, 6, 2))
    f.allocate(late, team=world.north, worker=sw, role=AllocationRole.SUPERVISING_SOCIAL_WORKER, start=date(2025, 6, 2))
    CheckIn.objects.create(child=late, author=sw, held_on=date(2026, 3, 16), summary="Going fine")  # window 17 March
    CheckIn.objects.create(child=just, author=sw, held_on=date(2026, 3, 17), summary="Going fine")
    result = found("fsw_checkin")
    assert set(result) & {late.pk, just.pk, social_work_case.pk} == {late.pk}
    assert result[late.pk].owner_id == sw.pk  # the supervising social worker owns it
    assert result[late.pk].since == date(2026, 3, 31)


def test_supervision_overdue_after_four_weeks(world):
    from lantern.supervision.models import SupervisionSession

    late, on_time, unsigned = world.users["sw_north"], world.users["sw_north_2"], world.users["fsw_north"]
    tm = world.users["tm_north"]
    for worker, day, signed in ((late, date(2026, 3, 2), True), (on_time, date(2026, 3, 3), True),
                                (unsigned, date(2026, 3, 20), False)):  # fmt: skip
        SupervisionSession.objects.create(
            worker=worker, supervisor=tm, held_on=day, signed_at=at(day) if signed else None,
            signed_by=tm if signed else None,
        )  # fmt: skip
    for w in (late, on_time, unsigned):
        w.date_joined = at(date(2020, 1, 6))
        w.save()
    result = found("supervision_overdue")
    assert late.pk in result and on_time.pk not in result and unsigned.pk in result
    assert result[late.pk].since == date(2026, 3, 31) and result[late.pk].child_id is None


def test_supervision_not_due_for_a_worker_who_has_just_joined(world):
    newcomer = world.users["sw_north"]
    newcomer.date_joined = at(date(2026, 3, 9))
    newcomer.save()
    assert newcomer.pk not in found("supervision_overdue")
    assert newcomer.pk in found("supervision_overdue", date(2026, 4, 7))


# ---------------------------------------------------------------------------------------------
# The chronology
# ---------------------------------------------------------------------------------------------


def test_chronology_silent_for_six_weeks(world, new_child):
    from lantern.recording.tests.helpers import make_visit

    silent, _ = new_child(date(2025, 6, 2))
    active, _ = new_child(date(2025, 6, 2))
    make_visit(silent, world.users["sw_north"], date(2026, 2, 16))  # more than six weeks before 31 March
    make_visit(active, world.users["sw_north"], date(2026, 2, 17))  # exactly six weeks before
    result = found("chronology_silent")
    assert silent.pk in result and active.pk not in result
    assert result[silent.pk].since == date(2026, 3, 31)


def test_chronology_silent_finds_the_same_whether_quiet_children_are_few_or_many(world, new_child, monkeypatch):
    from lantern.recording.tests.helpers import make_visit

    for day in (date(2025, 12, 1), date(2026, 2, 16), date(2026, 3, 1)):
        child, _ = new_child(date(2025, 6, 2))
        make_visit(child, world.users["sw_north"], day)
    by_id = found("chronology_silent")
    monkeypatch.setattr(standards, "BY_ID_LIMIT", 0)  # looked up in the database instead
    assert found("chronology_silent") == by_id and len(by_id) >= 2


def test_chronology_silent_ignores_new_episodes_and_events_that_are_not_work(world, new_child):
    new, _ = new_child(date(2026, 3, 2))
    assert new.pk not in found("chronology_silent")
    quiet, _ = new_child(date(2025, 6, 2))
    f.allocate(quiet, team=world.north, worker=world.users["sw_north_2"], start=date(2026, 3, 20),
               role=AllocationRole.CO_WORKER)  # fmt: skip
    assert quiet.pk in found("chronology_silent")


# ---------------------------------------------------------------------------------------------
# Closed cases and the registry
# ---------------------------------------------------------------------------------------------


def test_a_closed_episode_raises_nothing_about_the_child(world, new_child, author):
    child, episode = new_child(date(2024, 6, 3), primary_need="N1")
    plan([child], start=date(2024, 7, 1), author=author, outcomes=False)
    CINEpisode.objects.filter(pk=episode.pk).update(closure_date=date(2026, 3, 1), closure_reason="RC7")
    child.cin_plan_sections.update(end_date=date(2026, 3, 1))
    for item in standards.all_standards():
        if item.about == "child":
            assert child.pk not in found(item.key), item.key


def test_every_standard_has_a_name_severity_audience_and_known_settings():
    from lantern.core.local_settings import DEFINITIONS

    assert len(standards.STANDARDS) >= 18
    for item in standards.all_standards():
        assert item.name and item.description and item.severity in standards.SEVERITY_LABELS
        assert item.audience and set(item.audience) <= set(Role.values)
        assert all(key in DEFINITIONS for key in item.parameters), item.key
        assert item.setting_key in DEFINITIONS and DEFINITIONS[item.setting_key].default is True
        assert item.available, item.key


def test_latest_overdue_start_selects_exactly_the_overdue_days():
    for n in (1, 10, 45):
        last = standards.latest_overdue_start(AS_OF, n)
        assert add_working_days(last, n) < AS_OF
        day = last + timedelta(days=1)
        while day <= AS_OF:
            assert add_working_days(day, n) >= AS_OF
            day += timedelta(days=1)
