"""The event-source protocol every app's events.py uses: columns line up for a UNION ALL."""

from datetime import date

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat

from lantern.casework.models import CINEpisode
from lantern.core.chronology import COLUMNS, event_values
from lantern.workforce.models import Allocation


@pytest.mark.django_db
def test_two_sources_union_and_order(world):
    child = world.children["own"]
    episodes = event_values(
        CINEpisode.objects.all(),
        child="child_id",
        on="referral_date",
        kind="referral",
        title="Referral",
        detail="primary_need",
        object_id="pk",
    )
    allocations = event_values(
        Allocation.objects.all(),
        child="child_id",
        on="start_date",
        kind="allocation",
        title=Concat(Value("Allocated to "), F("team__name")),
        object_id="pk",
        actor="worker__username",
        significant=True,
    )
    rows = list(
        episodes.filter(ev_child=child.pk)
        .union(allocations.filter(ev_child=child.pk), all=True)
        .order_by("-ev_on", "ev_kind")
    )
    assert rows, "the child has a referral and an allocation"
    assert set(rows[0]) == set(COLUMNS)
    kinds = {r["ev_kind"] for r in rows}
    assert kinds == {"referral", "allocation"}
    referral = next(r for r in rows if r["ev_kind"] == "referral")
    assert referral["ev_on"] == date(2026, 1, 5)
    assert referral["ev_title"] == "Referral"
    assert referral["ev_significant"] is False
    allocation = next(r for r in rows if r["ev_kind"] == "allocation")
    assert allocation["ev_title"].startswith("Allocated to ")
    assert allocation["ev_significant"] is True
    assert all(r["ev_child"] == child.pk for r in rows)
