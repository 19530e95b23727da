"""Monthly snapshots from the command line, as a background task, and in the synthetic council;
the charts' markup."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import timezone

from lantern.caseloads import charts
from lantern.caseloads.models import CaseloadSnapshot, NeedSnapshot
from lantern.caseloads.selectors import caseloads_on
from lantern.synthetic.generator import seed_authority
from lantern.workforce.models import Role

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.django_db
def test_command_takes_this_month_or_the_month_asked_for(world):
    out = StringIO()
    call_command("caseload_snapshot", stdout=out)
    this_month = timezone.localdate().replace(day=1)
    assert f"Caseload snapshot for {this_month:%B %Y}" in out.getvalue()
    assert CaseloadSnapshot.objects.filter(month=this_month).exists()
    call_command("caseload_snapshot", "--month", "2026-01", stdout=StringIO())
    assert NeedSnapshot.objects.filter(month=date(2026, 1, 1)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["January", "2026-13", "2999-01"])
def test_command_refuses_a_bad_or_future_month(world, bad):
    with pytest.raises(CommandError):
        call_command("caseload_snapshot", "--month", bad, stdout=StringIO())


@pytest.mark.django_db
def test_task_takes_the_snapshot(world, settings):
    settings.TASKS = IMMEDIATE
    from lantern.caseloads.tasks import take_caseload_snapshot

    result = take_caseload_snapshot.enqueue("2026-02-14")
    assert result.return_value["workers"] == CaseloadSnapshot.objects.filter(month=date(2026, 2, 1)).count() > 0


@pytest.mark.django_db
def test_synthetic_council_has_24_months_of_history_matching_its_allocations():
    as_of = date(2026, 3, 31)
    result = seed_authority(size="tiny", seed=3, as_of=as_of)
    months = sorted(set(CaseloadSnapshot.objects.values_list("month", flat=True)))
    assert len(months) == 24 and months[0] == date(2024, 4, 1) and months[-1] == date(2026, 3, 1)
    assert result.counts["caseload snapshots"] == CaseloadSnapshot.objects.count()
    assert result.counts["need snapshots"] == NeedSnapshot.objects.count() > 0
    # Each month agrees with a fresh count from the allocations on its last day.
    for month, day in ((date(2025, 6, 1), date(2025, 6, 30)), (date(2026, 3, 1), as_of)):
        expected = sum(row["caseload"] for row in caseloads_on(day))
        assert CaseloadSnapshot.objects.filter(month=month).aggregate(n=Sum("caseload"))["n"] == expected
    assert not CaseloadSnapshot.objects.filter(role__in=[Role.QUALITY_AUDITOR, Role.SENIOR_LEADER]).exists()


def test_worker_chart_draws_labelled_thresholds_and_names_itself():
    svg = charts.worker_bars(
        chart_id="t",
        title="Caseloads <team>",
        desc="Desc",
        bars=[charts.WorkerBar("Ann", 32, "red", 20, 30), charts.WorkerBar("Bob", 5, "within", 20, 30)],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert '<title id="t-title">Caseloads &lt;team&gt;</title>' in svg
    assert "Amber 20" in svg and "Red 30" in svg and "32 (above red)" in svg
    # Different thresholds per role: a dashed mark on each row instead of one line across.
    mixed = charts.worker_bars(
        chart_id="m",
        title="T",
        desc="D",
        bars=[charts.WorkerBar("Ann", 3, "within", 20, 30), charts.WorkerBar("Fay", 3, "within", 12, 18)],
    )
    assert "Amber 20" not in mixed and "each worker&#x27;s amber and red thresholds" in mixed


def test_trend_chart_leaves_a_gap_for_a_month_without_a_snapshot():
    svg = charts.trend_chart(
        chart_id="h",
        title="T",
        desc="D",
        labels=["Jan", "Feb", "Mar", "Apr"],
        series=[charts.Series("Average", [1, 2, None, 4])],
        references=[charts.Reference(20, "Amber 20")],
    )
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 3 and "Amber 20" in svg
