"""Background task for the monthly snapshots, through Django's task interface (django-tasks).

A scheduler (or an operator) queues `take_caseload_snapshot` nightly; the worker
(`python manage.py run_worker`) runs it. It is idempotent for a month: the month's rows are replaced.
"""

from __future__ import annotations

import logging
from datetime import date

from django.utils import timezone
from django_tasks import task

from lantern.caseloads.services import snapshot_take

logger = logging.getLogger(__name__)


@task()
def take_caseload_snapshot(month: str | None = None) -> dict[str, int]:
    """Take the snapshots for `month` (an ISO date in the month; default this month)."""
    day = date.fromisoformat(month) if month else timezone.localdate()
    workers, needs = snapshot_take(month=day.replace(day=1))
    logger.info("Caseload snapshot for %s: %s workers, %s team and level rows", day.strftime("%Y-%m"), workers, needs)
    return {"workers": workers, "needs": needs}
