"""Worker continuity: different lead workers in the last 12 months, counted set-based."""

from datetime import date

import pytest

from lantern import factories as f
from lantern.people.models import Child
from lantern.workforce.models import Allocation, AllocationReason, Role
from lantern.workforce.selectors import continuity_window, with_worker_count


def test_window_is_twelve_months_back_and_clamps_month_end():
    assert continuity_window(date(2026, 11, 26)) == date(2025, 11, 26)
    assert continuity_window(date(2026, 3, 31), months=1) == date(2026, 2, 28)


@pytest.mark.django_db
def test_counts_distinct_lead_workers_overlapping_the_window(world, django_assert_max_num_queries):
    child = world.children["own"]  # sw_north since the fixture's allocation
    extra = [f.make_worker(f"sw.extra{i}", role=Role.SOCIAL_WORKER, team=world.north) for i in range(3)]
    # Ended long before the window: not counted.
    Allocation.objects.create(
        child=child,
        team=world.north,
        worker=extra[0],
        start_date=date(2020, 1, 1),
        end_date=date(2024, 1, 1),
        end_reason=AllocationReason.WORKER_LEFT,
    )
    # Ended inside the window: counted. The same worker twice counts once.
    for start, end in ((date(2025, 12, 1), date(2025, 12, 20)), (date(2026, 1, 2), date(2026, 1, 3))):
        Allocation.objects.create(
            child=child,
            team=world.north,
            worker=extra[1],
            start_date=start,
            end_date=end,
            end_reason=AllocationReason.WORKER_LEFT,
        )
    with django_assert_max_num_queries(1):
        rows = dict(
            with_worker_count(Child.objects.all(), as_of=date(2026, 11, 26)).values_list("pk", "workers_in_period")
        )
    assert rows[child.pk] == 2
    assert rows[world.children["west"].pk] == 0  # held by the team without a worker
