"""Synthetic caseload history: a snapshot for each of the last 24 months, reconstructed from the
allocation, child protection plan and episode dates the authority was written with.

Each month is one set-based pass (`lantern.caseloads.services.snapshot_take`): two GROUP BY
queries over the allocations open at the month end, one read of the workers, bulk inserts.
Nothing random is needed, so `rng` is unused: the history follows from the allocations."""

from __future__ import annotations

import sys
from datetime import date
from typing import TextIO

from tqdm import tqdm

from lantern.caseloads.models import CaseloadSnapshot, NeedSnapshot
from lantern.caseloads.selectors import recent_months
from lantern.caseloads.services import snapshot_take

MONTHS = 24


def seed(*, rng, as_of: date, show: bool, stream: TextIO | None) -> dict[str, int]:
    months = recent_months(as_of, MONTHS)
    bar = tqdm(
        months, desc="Caseload snapshots", unit="month", disable=not show, file=stream or sys.stderr, leave=False
    )
    for month in bar:
        snapshot_take(month=month, today=as_of)
    bar.close()
    return {
        "caseload snapshots": CaseloadSnapshot.objects.filter(month__gte=months[0]).count(),
        "need snapshots": NeedSnapshot.objects.filter(month__gte=months[0]).count(),
    }
