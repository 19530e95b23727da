"""Builders for oversight tests, on top of the shared `world` fixture (lantern/conftest.py)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from lantern import factories as f
from lantern.oversight import services
from lantern.workforce.models import AllocationRole

TODAY = timezone.localdate()
NEXT = TODAY + timedelta(weeks=2)


def record(world, child="own", *, by="tm_north", sign=True, actions=None, **overrides):
    """An oversight entry by the north team manager (signed unless told otherwise)."""
    fields = {
        "direction": "Visit weekly until the review; ask school for attendance each Friday.",
        "challenge": "Why has dad not been seen since March?",
        "rationale": "Attendance is falling and mum's drinking is not improving.",
        "next_oversight_date": NEXT,
    }
    fields.update(overrides)
    if actions is None:
        actions = [("Ask school for attendance figures", world.users["sw_north"], TODAY + timedelta(days=7))]
    return services.oversight_entry_create(
        child=world.children[child] if isinstance(child, str) else child,
        author=world.users[by],
        actions=actions,
        sign=sign,
        **fields,
    )


@pytest.fixture
def fsw_case(world):
    """A child held by the north family support worker, supervised by sw_north since 2 Feb 2026."""
    child = f.make_child(first_name="Faye", last_name="Fenwick")
    f.allocate(child, team=world.north, worker=world.users["fsw_north"])
    f.allocate(
        child,
        team=world.north,
        worker=world.users["sw_north"],
        role=AllocationRole.SUPERVISING_SOCIAL_WORKER,
        start=date(2026, 2, 2),
    )
    f.open_cin_episode(child)
    return child
