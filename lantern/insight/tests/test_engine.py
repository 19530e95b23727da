"""The engine: alerts raised and cleared in bulk with a stable `since`, standards switched off,
owners following the lead allocation, the background task, the nightly command, and the CSV of
alerts on any past day worked out from the record as it was."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lantern import factories as f
from lantern.core.local_settings import set_setting
from lantern.insight.models import Alert, ClearedReason, EvaluationRun, RunStatus
from lantern.insight.services import standards_evaluate
from lantern.insight.tests.conftest import AS_OF, contact, plan
from lantern.workforce.models import AllocationReason

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def only(*keys: str) -> None:
    """Switch every standard off except these (so a test reads one standard's alerts)."""
    from lantern.insight.standards import STANDARDS

    for key, item in STANDARDS.items():
        set_setting(item.setting_key, key in keys)


def test_raises_alerts_with_owner_team_and_since(world):
    only("referral_decision")
    child = world.children["own"]
    c = contact(child, date(2026, 3, 27))
    result = standards_evaluate(as_of=AS_OF)
    alert = Alert.objects.get()
    assert (result.raised, result.cleared, result.open) == (1, 0, 1)
    assert alert.standard == "referral_decision" and alert.child == child
    assert (alert.subject_kind, alert.subject_id) == ("contact", c.pk)
    assert alert.since == date(2026, 3, 31)
    assert alert.owner == world.users["sw_north"] and alert.team == world.north
    assert alert.cleared_at is None and alert.raised_at is not None


def test_a_condition_that_still_holds_keeps_its_alert_and_since(world):
    only("referral_decision")
    contact(world.children["own"], date(2026, 3, 27))
    standards_evaluate(as_of=AS_OF)
    first = Alert.objects.get()
    result = standards_evaluate(as_of=AS_OF + timedelta(days=2))
    assert (result.raised, result.cleared) == (0, 0)
    again = Alert.objects.get()
    assert again.pk == first.pk and again.since == first.since and again.raised_at == first.raised_at


def test_fixing_the_condition_clears_the_alert_and_a_new_one_is_raised_if_it_recurs(world, author):
    only("plan_review_overdue")
    from lantern.casework.models import PlanReview

    child = world.children["own"]
    p = plan([child], start=AS_OF - timedelta(weeks=13), author=author)
    standards_evaluate(as_of=AS_OF)
    alert = Alert.objects.get()
    PlanReview.objects.create(plan=p, date=AS_OF, attendees="All", decisions="Carry on",
                              next_review_date=AS_OF + timedelta(weeks=12), recorded_by=author)  # fmt: skip
    result = standards_evaluate(as_of=AS_OF)
    alert.refresh_from_db()
    assert result.cleared == 1 and alert.cleared_at is not None and alert.cleared_reason == ClearedReason.FIXED
    standards_evaluate(as_of=AS_OF + timedelta(weeks=12, days=1))
    assert Alert.objects.filter(cleared_at__isnull=True).get().since == AS_OF + timedelta(weeks=12, days=1)
    assert Alert.objects.count() == 2  # the cleared one is kept


def test_switching_a_standard_off_clears_its_alerts_with_that_reason(world):
    only("referral_decision", "plan_incomplete")
    contact(world.children["own"], date(2026, 3, 27))
    standards_evaluate(as_of=AS_OF)
    only("plan_incomplete")
    result = standards_evaluate(as_of=AS_OF)
    alert = Alert.objects.get()
    assert result.cleared == 1 and alert.cleared_reason == ClearedReason.SWITCHED_OFF


def test_the_owner_follows_the_lead_allocation(world):
    only("referral_decision")
    child = world.children["own"]
    contact(child, date(2026, 3, 20))
    standards_evaluate(as_of=AS_OF)
    lead = child.allocations.get(end_date__isnull=True)
    lead.end_date, lead.end_reason = date(2026, 4, 1), AllocationReason.TEAM_TRANSFER
    lead.save()
    f.allocate(child, team=world.south, worker=world.users["sw_south"], start=date(2026, 4, 1))
    standards_evaluate(as_of=date(2026, 4, 2))
    alert = Alert.objects.get()
    assert alert.owner == world.users["sw_south"] and alert.team == world.south
    assert alert.since == date(2026, 3, 24)


def test_evaluation_is_set_based(world, new_child, author, django_assert_max_num_queries):
    """The number of queries does not grow with the number of children or alerts."""
    only("referral_decision", "plan_incomplete", "visit_overdue", "chronology_silent", "supervision_overdue")

    def add(n):
        for _ in range(n):
            child, _ = new_child(date(2025, 6, 2))
            contact(child, date(2026, 3, 2))
            plan([child], start=date(2026, 1, 5), author=author, outcomes=False)

    standards_evaluate(as_of=AS_OF)  # reads the council's settings into the cache
    add(2)
    with django_assert_max_num_queries(40) as small:
        standards_evaluate(as_of=AS_OF)
    add(12)
    with django_assert_max_num_queries(40) as large:
        standards_evaluate(as_of=AS_OF)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert Alert.objects.filter(standard="plan_incomplete", cleared_at__isnull=True).count() == 14


def test_two_open_alerts_for_one_condition_are_refused_by_the_database(world):
    from django.db import IntegrityError, transaction

    Alert.objects.create(standard="x", child=world.children["own"], key="x:c1::", since=AS_OF, raised_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            standard="x", child=world.children["own"], key="x:c1::", since=AS_OF, raised_at=timezone.now()
        )


def test_background_task_records_progress_and_counts(world, settings):
    settings.TASKS = IMMEDIATE
    only("referral_decision")
    contact(world.children["own"], date(2026, 3, 27))
    from lantern.insight.tasks import evaluate_standards

    run = EvaluationRun.objects.create(as_of=AS_OF)
    evaluate_standards.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100
    assert (run.raised, run.cleared, run.open_alerts) == (1, 0, 1)
    assert run.started_at and run.finished_at


def test_a_failed_evaluation_is_recorded(world, settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    from lantern.insight import tasks

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "standards_evaluate", broken)
    run = EvaluationRun.objects.create(as_of=AS_OF)
    with pytest.raises(RuntimeError):
        tasks.evaluate_standards.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "RuntimeError" in run.message


def test_evaluate_standards_command(world):
    only("referral_decision")
    contact(world.children["own"], date(2026, 3, 27))
    out = io.StringIO()
    call_command("evaluate_standards", "--as-of", "2026-03-31", "--no-progress", stdout=out)
    assert "1 open alerts (1 raised, 0 cleared)" in out.getvalue()
    run = EvaluationRun.objects.get()
    assert run.status == RunStatus.DONE and run.created_by is None and run.as_of == AS_OF
    with pytest.raises(CommandError):
        call_command("evaluate_standards", "--as-of", "31/03/2026", stdout=out)


def test_practice_alerts_csv_for_a_past_day_uses_the_record_as_it_was(world, tmp_path, author):
    from lantern.casework.models import PlanReview

    only("plan_review_overdue", "supervision_overdue")
    child = world.children["own"]
    p = plan([child], start=date(2025, 12, 1), author=author)
    PlanReview.objects.create(plan=p, date=date(2026, 3, 10), attendees="All", decisions="Carry on",
                              next_review_date=date(2026, 6, 2), recorded_by=author)  # fmt: skip
    output = tmp_path / "alerts.csv"
    call_command("practice_alerts", "--as-of", "2026-03-09", "--output", str(output), stderr=io.StringIO())
    rows = list(csv.DictReader(output.open()))
    mine = [r for r in rows if r["standard"] == "plan_review_overdue"]
    assert len(mine) == 1
    row = mine[0]
    assert row["la_child_id"] == child.la_child_id and row["child_name"] == "Olivia Owens"
    assert row["since"] == "2026-02-24" and row["owner"] == author.display_name and row["team"] == "North locality"
    assert row["standard_name"] == "CIN plan review overdue" and row["severity"] == "Medium"
    assert not Alert.objects.exists()  # worked out from the record, not written
    call_command("practice_alerts", "--as-of", "2026-03-31", "--output", str(output), stderr=io.StringIO())
    assert not [r for r in csv.DictReader(output.open()) if r["standard"] == "plan_review_overdue"]


def test_practice_alerts_rejects_bad_input(world):
    with pytest.raises(CommandError):
        call_command("practice_alerts", "--as-of", "tomorrow")
    with pytest.raises(CommandError):
        call_command("practice_alerts", "--as-of", "2999-01-01")
    with pytest.raises(CommandError):
        call_command("practice_alerts", "--standard", "no_such_standard")
