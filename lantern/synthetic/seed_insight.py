"""The synthetic council's practice alerts: the standards evaluated on the as-of date, once every
other app's records are written, so the demo opens with alerts on children's records, workers'
My work, team lists and the dashboard (and a recorded evaluation run).

Nothing is invented here: every alert comes from the records the other seeders wrote, through
the same engine the nightly job uses (`lantern.insight.services.standards_evaluate`), so the
result is as reproducible as they are. `rng` is not needed."""

from __future__ import annotations

import sys

from tqdm import tqdm

from lantern.insight.models import EvaluationRun
from lantern.insight.tasks import run_evaluation


def seed(*, rng, as_of, show, stream) -> dict[str, int]:
    from django.db import connection

    if connection.vendor == "postgresql":
        # Everything was written in this (still open) transaction, so the planner has no statistics
        # for it yet and would plan the standards' set-based queries as if the tables were empty.
        # ANALYZE counts the transaction's own rows; it may run inside a transaction.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    run = EvaluationRun.objects.create(as_of=as_of, message="Run when the synthetic council was made")
    bar = tqdm(total=1, desc="Checking practice standards", unit="step", file=stream or sys.stderr, disable=not show)

    def progress(done: int, total: int, message: str) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        result = run_evaluation(run, also=progress)
    finally:
        bar.close()
    return {"practice alerts": result.open}
