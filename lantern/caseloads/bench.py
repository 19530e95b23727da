"""Caseload pages to time on the Kent-sized council (target: under 100 ms p95, fixed queries).

Wired into `lantern/bench.py` through `bench(client_for=..., report=...)`: `client_for(username)`
gives a signed-in test client and `report(name, client, path)` times GET requests to the path.
Run on its own against a seeded database (DATABASE_URL) to print timings:

    DATABASE_URL=postgres://.../lantern_bench python -m lantern.caseloads.bench [--requests 40]
"""

from __future__ import annotations

from collections.abc import Callable


def cases() -> list[tuple[str, str, str]]:
    """(page name, demo username, path) for each caseload page worth timing."""
    from lantern.workforce.models import Allocation, AllocationRole, Worker

    tm = Worker.objects.get(username="tm.north")
    sm = Worker.objects.get(username="sm.cin")
    child_id = (
        Allocation.objects.filter(team_id=tm.team_id, end_date__isnull=True, role=AllocationRole.LEAD)
        .order_by("pk")
        .values_list("child_id", flat=True)
        .first()
    )
    found = [
        ("Caseloads: team dashboard (tm.north)", "tm.north", f"/teams/{tm.team_id}/caseloads/"),
        ("Caseloads: worker continuity (tm.north)", "tm.north", f"/teams/{tm.team_id}/continuity/"),
        ("Caseloads: service dashboard (sm.cin)", "sm.cin", f"/services/{sm.service_id}/caseloads/"),
        ("Caseloads: transition view (sm.cin)", "sm.cin", f"/services/{sm.service_id}/transition/"),
        ("Caseloads: council overview (senior leader)", "leader", "/caseloads/"),
        ("Caseloads: council transition view (senior leader)", "leader", "/caseloads/transition/"),
    ]
    if child_id is not None:
        found.append(("Caseloads: allocate a worker (tm.north)", "tm.north", f"/children/{child_id}/allocate/"))
    return found


def bench(*, client_for: Callable[[str], object], report: Callable[..., None]) -> None:
    for name, username, path in cases():
        report(name, client_for(username), path)


def main() -> None:  # pragma: no cover - a command-line helper
    import argparse
    import os
    import statistics
    import time

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lantern.workforce.models import Worker

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(Worker.objects.get(username=username))
        return client

    def report(name: str, client: Client, path: str) -> None:
        for _ in range(5):
            client.get(path)
        timings, queries = [], set()
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            queries.add(len(ctx.captured_queries))
        timings.sort()
        p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
        print(
            f"| {name} | {statistics.median(timings):.1f} | {p95:.1f} | "
            f"{'/'.join(map(str, sorted(queries)))} | {'yes' if p95 < 100 else 'NO'} |"
        )

    print("| Page | Median ms | p95 ms | Queries | Under 100 ms |\n|---|---:|---:|---:|---|")
    bench(client_for=client_for, report=report)


if __name__ == "__main__":  # pragma: no cover
    main()
