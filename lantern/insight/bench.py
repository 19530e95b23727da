"""Benchmarks for the practice standards (issue 7): every standard evaluated over the `kent`
council on PostgreSQL under 2 seconds, and the dashboard under 100 ms p95.

For `lantern.bench` (which seeds the council and owns docs/benchmarks.md):

    from lantern.insight.bench import bench
    bench(client_for=lambda username: <logged-in Client>, report=<callable>)

`report(name, **figures)` is called once per measurement:
- "Practice standards: evaluate all (engine, steady state)" with seconds, target_seconds=2.0 and
  alerts (the open alerts after it);
- "Practice standards: <standard>" with seconds and found, for each standard on its own;
- page timings ("Practice alerts dashboard (leader)", "... (tm.north)", "Team alerts (tm.north)")
  with median_ms, p95_ms, queries and target_ms=100.

Run on its own against an already seeded database:

    DATABASE_URL=postgres://... python -m lantern.insight.bench [--requests 40]
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date

AS_OF = date(2026, 3, 31)


def measure_standards(report: Callable[..., None], *, as_of: date = AS_OF) -> None:
    from django.db import transaction

    from lantern.insight import standards as registry
    from lantern.insight.services import fast_reads, standards_evaluate

    standards_evaluate(as_of=as_of)  # the first evaluation raises the alerts; time the nightly one
    start = time.perf_counter()
    result = standards_evaluate(as_of=as_of)
    seconds = time.perf_counter() - start
    report("Practice standards: evaluate all (engine, steady state)", seconds=seconds, target_seconds=2.0,
           alerts=result.open)  # fmt: skip
    for item in registry.enabled_standards():
        with transaction.atomic():
            fast_reads()
            start = time.perf_counter()
            found = item.find(as_of)
            report(f"Practice standards: {item.key}", seconds=time.perf_counter() - start, found=len(found))


def measure_pages(client_for: Callable, report: Callable[..., None], *, requests: int = 40) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lantern.workforce.models import Worker

    tm = Worker.objects.get(username="tm.north")
    cases = [
        ("Practice alerts dashboard (leader, whole authority)", "leader", "/insight/"),
        ("Practice alerts dashboard (tm.north)", "tm.north", "/insight/"),
        ("Team alerts (tm.north)", "tm.north", f"/teams/{tm.team_id}/alerts/"),
    ]
    for name, username, url in cases:
        client = client_for(username)
        for _ in range(5):
            client.get(url)
        timings, queries = [], set()
        for _ in range(requests):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            queries.add(len(ctx.captured_queries))
        timings.sort()
        report(
            name,
            median_ms=statistics.median(timings),
            p95_ms=timings[max(0, int(round(0.95 * len(timings))) - 1)],
            queries="/".join(str(q) for q in sorted(queries)),
            target_ms=100,
        )


def bench(*, client_for: Callable, report: Callable[..., None]) -> None:
    measure_standards(report)
    measure_pages(client_for, report)


def main() -> None:  # pragma: no cover - a command-line tool
    import argparse
    import os

    parser = argparse.ArgumentParser(description="Time the practice standards and their pages.")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.test import Client

    from lantern.workforce.models import Worker

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(Worker.objects.get(username=username))
        return client

    def report(name: str, **figures) -> None:
        shown = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items())
        print(f"{name}: {shown}", flush=True)

    measure_standards(report)
    measure_pages(client_for, report, requests=args.requests)


if __name__ == "__main__":  # pragma: no cover
    main()
