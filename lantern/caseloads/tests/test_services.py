"""Allocating a lead worker (with reasons, and a manager's reason above a threshold) and the
monthly snapshots."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.caseloads import services
from lantern.caseloads.models import AllocationDecision, Band, CaseloadSnapshot, NeedSnapshot
from lantern.core.local_settings import set_setting
from lantern.workforce.models import Allocation, AllocationReason, AllocationRole, Role, Worker

pytestmark = pytest.mark.django_db


def _open_leads(child):
    return list(Allocation.objects.filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD))


def test_reallocation_ends_the_current_lead_and_opens_a_new_one_with_the_reason(world):
    child = world.children["own"]
    tm = world.users["tm_north"]
    new = services.allocation_assign(
        child=child,
        worker=world.users["sw_north_2"],
        reason=AllocationReason.WORKER_LEFT,
        detail="Sam left the authority",
        by=tm,
    )
    today = timezone.localdate()
    old = Allocation.objects.get(child=child, worker=world.users["sw_north"])
    assert (old.end_date, old.end_reason) == (today, AllocationReason.WORKER_LEFT)
    assert _open_leads(child) == [new]
    assert (new.team, new.start_date, new.start_reason) == (world.north, today, AllocationReason.WORKER_LEFT)
    assert (new.reason_detail, new.created_by) == ("Sam left the authority", tm)
    assert not AllocationDecision.objects.exists()  # within thresholds: no decision to record


def test_allocating_an_unallocated_child_ends_the_teams_hold(world):
    child = f.make_child()
    f.allocate(child, team=world.north, worker=None)
    services.allocation_assign(
        child=child, worker=world.users["fsw_north"], reason=AllocationReason.NEW_CASE, by=world.users["tm_north"]
    )
    assert [a.worker for a in _open_leads(child)] == [world.users["fsw_north"]]
    assert Allocation.objects.filter(child=child, worker__isnull=True, end_reason=AllocationReason.NEW_CASE).exists()


@pytest.mark.parametrize(
    ("amber", "red", "band"),
    [(1, 5, Band.AMBER), (0, 1, Band.RED)],
)
def test_above_a_threshold_a_reason_is_required_then_recorded_as_a_managers_decision(world, amber, red, band):
    set_setting("caseload_sw_amber", amber)
    set_setting("caseload_sw_red", red)
    child = f.make_child()
    f.allocate(child, team=world.north, worker=None)
    sw, tm = world.users["sw_north"], world.users["tm_north"]  # sw_north holds 1
    with pytest.raises(ValidationError) as refused:
        services.allocation_assign(child=child, worker=sw, reason=AllocationReason.NEW_CASE, by=tm)
    assert "over_threshold_reason" in refused.value.message_dict
    assert f"above the {band} threshold" in refused.value.message_dict["over_threshold_reason"][0]
    assert [a.worker for a in _open_leads(child)] == [None]  # nothing half-done
    with pytest.raises(ValidationError):
        services.allocation_assign(
            child=child, worker=sw, reason=AllocationReason.NEW_CASE, over_threshold_reason="   ", by=tm
        )

    allocation = services.allocation_assign(
        child=child,
        worker=sw,
        reason=AllocationReason.NEW_CASE,
        over_threshold_reason="Sam knows the family from a previous episode",
        by=tm,
    )
    decision = AllocationDecision.objects.get()
    assert (decision.allocation, decision.child, decision.worker, decision.team) == (allocation, child, sw, world.north)
    assert (decision.band, decision.caseload_before, decision.caseload_after) == (band, 1, 2)
    assert (decision.amber, decision.red, decision.weighted, decision.decided_by) == (amber, red, False, tm)
    assert decision.reason == "Sam knows the family from a previous episode"
    approval = Approval.objects.get(kind=services.APPROVAL_KIND)
    assert approval == decision.approval and approval.child == child and approval.decided_by == tm
    assert "from 1 to 2" in approval.comment


def test_the_decision_cannot_be_changed_or_deleted(world):
    set_setting("caseload_sw_amber", 0)
    child = f.make_child()
    f.allocate(child, team=world.north, worker=None)
    services.allocation_assign(
        child=child,
        worker=world.users["sw_north"],
        reason=AllocationReason.NEW_CASE,
        over_threshold_reason="Urgent",
        by=world.users["tm_north"],
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationDecision.objects.update(caseload_after=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationDecision.objects.all().delete()


def test_weighted_caseloads_decide_the_threshold_when_weighting_is_on(world):
    set_setting("caseload_weighting", True)
    set_setting("caseload_cp_weight", 2.0)
    set_setting("caseload_sw_amber", 2)
    child = f.make_child()
    f.open_cp_plan(child, f.open_cin_episode(child))
    f.allocate(child, team=world.north, worker=None)
    # sw_north holds 1 (CIN): 1 + 2 = 3 > 2 with weighting; unweighted it would be 2 (within).
    with pytest.raises(ValidationError):
        services.allocation_assign(
            child=child, worker=world.users["sw_north"], reason=AllocationReason.NEW_CASE, by=world.users["tm_north"]
        )
    set_setting("caseload_weighting", False)
    services.allocation_assign(
        child=child, worker=world.users["sw_north"], reason=AllocationReason.NEW_CASE, by=world.users["tm_north"]
    )


@pytest.mark.parametrize(
    ("worker", "reason", "detail", "field"),
    [
        ("sw_south", AllocationReason.CASE_PROGRESSION, "", "worker"),  # another team
        ("sw_north", AllocationReason.CASE_PROGRESSION, "", "worker"),  # already the lead worker
        ("qa", AllocationReason.CASE_PROGRESSION, "", "worker"),  # does not hold cases
        ("sw_north_2", AllocationReason.CASE_CLOSED, "", "reason"),  # closure ends allocations elsewhere
        ("sw_north_2", "made_up", "", "reason"),
        ("sw_north_2", AllocationReason.OTHER, "  ", "detail"),  # 'other' needs the detail
    ],
)
def test_invalid_allocations_are_refused_and_nothing_changes(world, worker, reason, detail, field):
    child = world.children["own"]
    before = list(Allocation.objects.filter(child=child).values_list("pk", "end_date", "worker_id"))
    with pytest.raises(ValidationError) as refused:
        services.allocation_assign(
            child=child, worker=world.users[worker], reason=reason, detail=detail, by=world.users["tm_north"]
        )
    assert field in refused.value.message_dict
    assert list(Allocation.objects.filter(child=child).values_list("pk", "end_date", "worker_id")) == before


def test_a_worker_who_has_left_cannot_be_allocated(world):
    leaver = f.make_worker("gone", role=Role.SOCIAL_WORKER, team=world.north)
    leaver.is_active = False
    leaver.save()
    with pytest.raises(ValidationError):
        services.allocation_assign(
            child=world.children["own"], worker=leaver, reason=AllocationReason.OTHER, detail="x", by=leaver
        )


def test_a_child_no_team_holds_needs_a_team(world):
    child = f.make_child()
    with pytest.raises(ValidationError) as refused:
        services.allocation_assign(
            child=child, worker=world.users["sw_north"], reason=AllocationReason.NEW_CASE, by=world.users["tm_north"]
        )
    assert "worker" in refused.value.message_dict
    allocation = services.allocation_assign(
        child=child,
        worker=world.users["sw_north"],
        team=world.north,
        reason=AllocationReason.NEW_CASE,
        by=world.users["tm_north"],
    )
    assert allocation.team == world.north


# ---------------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------------


def test_snapshot_counts_each_case_holder_at_the_month_end_and_is_idempotent(world, django_assert_max_num_queries):
    Worker.objects.update(date_joined=timezone.make_aware(timezone.datetime(2020, 1, 6, 9)))
    sw = world.users["sw_north"]
    extra = f.make_child()
    f.allocate(extra, team=world.north, worker=sw, start=date(2026, 1, 10), end=date(2026, 2, 3))
    with django_assert_max_num_queries(12):
        workers, needs = services.snapshot_take(month=date(2026, 1, 17), today=date(2026, 3, 1))
    rows = {s.worker.username: s for s in CaseloadSnapshot.objects.select_related("worker")}
    assert rows["sw.north"].month == date(2026, 1, 1) and rows["sw.north"].as_of == date(2026, 1, 31)
    assert rows["sw.north"].caseload == 2 and rows["sw.north"].team == world.north
    assert rows["sw.north2"].caseload == 2
    assert rows["fsw.north"].caseload == 0  # in a case-holding team, holding nobody: counted as 0
    assert rows["tm.north"].caseload == 0 and rows["tm.north"].role == Role.TEAM_MANAGER
    assert {"qa", "leader", "inspector", "sm.cin"}.isdisjoint(rows)
    assert workers == len(rows)
    levels = {(n.team_id, n.level): n.children for n in NeedSnapshot.objects.all()}
    assert levels[(world.north.pk, "cin")] == 3  # own, team, restricted (extra has no episode)
    assert needs == len(levels)

    # Again for the same month: replaced, not added to. February: extra has gone.
    services.snapshot_take(month=date(2026, 1, 1), today=date(2026, 3, 1))
    assert CaseloadSnapshot.objects.filter(month=date(2026, 1, 1)).count() == workers
    services.snapshot_take(month=date(2026, 2, 1), today=date(2026, 3, 1))
    assert CaseloadSnapshot.objects.get(month=date(2026, 2, 1), worker=sw).caseload == 1


def test_current_month_snapshot_is_as_of_today_and_future_months_are_refused(world):
    services.snapshot_take(month=date(2026, 3, 1), today=date(2026, 3, 9))
    assert set(CaseloadSnapshot.objects.values_list("as_of", flat=True)) == {date(2026, 3, 9)}
    with pytest.raises(ValidationError):
        services.snapshot_take(month=date(2026, 4, 1), today=date(2026, 3, 9))


def test_workers_who_joined_later_are_not_counted_before_they_joined(world):
    Worker.objects.update(date_joined=timezone.make_aware(timezone.datetime(2020, 1, 6, 9)))
    newcomer = f.make_worker("new.starter", role=Role.SOCIAL_WORKER, team=world.north)
    newcomer.date_joined = timezone.make_aware(timezone.datetime(2026, 2, 15, 9))
    newcomer.save()
    services.snapshot_take(month=date(2026, 1, 1), today=date(2026, 3, 1))
    services.snapshot_take(month=date(2026, 2, 1), today=date(2026, 3, 1))
    months = set(CaseloadSnapshot.objects.filter(worker=newcomer).values_list("month", flat=True))
    assert months == {date(2026, 2, 1)}


def _on_cp_plan(child):
    f.open_cp_plan(child, child.cin_episodes.get(), start=timezone.localdate())
    return child


def test_a_family_support_worker_cannot_lead_a_child_on_a_child_protection_plan(world):
    child = _on_cp_plan(world.children["own"])
    with pytest.raises(ValidationError) as error:
        services.allocation_assign(
            child=child,
            worker=world.users["fsw_north"],
            reason=AllocationReason.OTHER,
            detail="x",
            by=world.users["tm_north"],
        )
    assert (
        "is a family support worker and this child is on a child protection plan"
        in error.value.message_dict["worker"][0]
    )
    assert [a.worker for a in _open_leads(child)] == [world.users["sw_north"]]


def test_a_council_may_allow_a_family_support_worker_to_lead_a_child_protection_case(world):
    child = _on_cp_plan(world.children["own"])
    set_setting("fsw_lead_on_cp", True)
    services.allocation_assign(
        child=child,
        worker=world.users["fsw_north"],
        reason=AllocationReason.OTHER,
        detail="x",
        by=world.users["tm_north"],
    )
    assert [a.worker for a in _open_leads(child)] == [world.users["fsw_north"]]
