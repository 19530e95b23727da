"""Chronology pages for `make bench`: the child with the longest history in the council.

    bench(client_for=..., report=...)

- `client_for(username)` returns a signed-in `django.test.Client` for that demo account;
- `report(name, client, path_for)` times `client.get(path_for(i))` for i = 0, 1, 2 ... the same way
  as the other pages (warm-up, then N requests, median, p95 and queries per request).

Target (issue 5): under 200 ms p95 on the `kent` size with a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from lantern.chronology.views import PER_PAGE


def longest_history_child() -> tuple[int, int]:
    """(child id, number of events) of the child with the most chronology events: one grouped
    query over the same UNION ALL the pages read."""
    from lantern.chronology.selectors import all_events

    sql, params = all_events().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ev_child, COUNT(*) FROM ({sql}) AS events GROUP BY ev_child ORDER BY 2 DESC, 1 LIMIT 1",  # noqa: S608
            params,
        )
        child_id, events = cursor.fetchone()
    return child_id, events


def bench(*, client_for: Callable[[str], object], report: Callable[..., None]) -> None:
    child_id, events = longest_history_child()
    leader = client_for("leader")
    base = f"/children/{child_id}/chronology/"
    label = f"child {child_id}, {events} events"
    report(f"Chronology, first page ({label}; leader)", leader, lambda i: base)
    pages = max(1, -(-events // PER_PAGE))
    report(
        f"Chronology, every page in turn, oldest first ({label}; leader)",
        leader,
        lambda i: f"{base}?order=oldest&page={1 + i % pages}",
    )
    report(
        f"Chronology, significant events in a date range ({label}; leader)",
        leader,
        lambda i: (
            f"{base}?significant=on&date_from_day=1&date_from_month=1&date_from_year=2024"
            "&date_to_day=31&date_to_month=12&date_to_year=2025"
        ),
    )
    report(f"Chronology, printable version ({label}; leader)", leader, lambda i: f"{base}print/")
