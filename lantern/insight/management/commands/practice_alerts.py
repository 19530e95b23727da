"""manage.py practice_alerts: every practice alert on a day, as CSV, worked out from the record
as it was that day (not from the alerts raised at the time).

    manage.py practice_alerts --as-of 2025-10-01 --output alerts.csv [--standard KEY ...]

Each standard reads only records dated on or before --as-of, and owners and teams are the lead
allocations on that day. Columns: child's LA child ID, child's name, standard (key and name),
severity, since, owner, team, and the record concerned. Alerts about a worker (supervision,
caseload) have no child; the worker is the owner. Without --output the CSV goes to standard output.
"""

from __future__ import annotations

import csv
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from lantern.insight import standards as registry
from lantern.insight.management.commands.evaluate_standards import parse_day
from lantern.insight.services import fast_reads, find_all
from lantern.people.models import Child
from lantern.workforce.models import Team, Worker

COLUMNS = [
    "la_child_id",
    "child_name",
    "standard",
    "standard_name",
    "severity",
    "since",
    "owner",
    "team",
    "record",
]


def alert_rows(as_of: date, keys: list[str] | None = None) -> list[list[str]]:
    """The CSV rows for `as_of`, most severe standard first, then oldest first."""
    chosen = registry.enabled_standards()
    if keys:
        unknown = sorted(set(keys) - set(registry.STANDARDS))
        if unknown:
            raise CommandError(f"Unknown standard: {', '.join(unknown)}. Known: {', '.join(registry.STANDARDS)}")
        chosen = [s for s in chosen if s.key in keys]
    with transaction.atomic():
        fast_reads()
        located = find_all(as_of, standards=chosen)
        child_ids = {item.finding.child_id for item in located if item.finding.child_id is not None}
        children = _children(sorted(child_ids))
        workers = {pk: f"{first} {last}".strip() or username for pk, first, last, username in
                   Worker.objects.values_list("pk", "first_name", "last_name", "username")}  # fmt: skip
        teams = dict(Team.objects.values_list("pk", "name"))
    rows = []
    for item in sorted(
        located,
        key=lambda i: (registry.SEVERITY_ORDER[registry.STANDARDS[i.standard].severity], i.standard, i.finding.since),
    ):
        standard = registry.STANDARDS[item.standard]
        la_id, name = children.get(item.finding.child_id, ("", ""))
        record = f"{item.finding.subject_kind} {item.finding.subject_id}" if item.finding.subject_id else ""
        rows.append(
            [
                la_id,
                name,
                standard.key,
                standard.name,
                standard.severity_label,
                item.finding.since.isoformat(),
                workers.get(item.owner_id, "") if item.owner_id else "",
                teams.get(item.team_id, "") if item.team_id else "",
                record or item.finding.subject_kind,
            ]
        )
    return rows


def _children(ids: list[int], chunk: int = 500) -> dict[int, tuple[str, str]]:
    """LA child ID and name for each child (a few queries of `chunk` ids: a command, not a page)."""
    found = {}
    for start in range(0, len(ids), chunk):
        rows = Child.objects.filter(pk__in=ids[start : start + chunk]).values_list(
            "pk", "la_child_id", "person__first_name", "person__last_name"
        )
        found.update({pk: (la_id, f"{first} {last}".strip()) for pk, la_id, first, last in rows})
    return found


class Command(BaseCommand):
    help = "Write every practice alert on a day (worked out from the record as it was) as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="The day (default today), YYYY-MM-DD.")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--standard", action="append", help="Only this standard (repeat for more).")

    def handle(self, *args, **options) -> None:
        as_of = parse_day(options["as_of"]) if options.get("as_of") else timezone.localdate()
        if as_of > timezone.localdate():
            raise CommandError("--as-of cannot be in the future")
        rows = alert_rows(as_of, options.get("standard"))
        output = options.get("output")
        handle = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        try:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        finally:
            if output:
                handle.close()
        if output:
            self.stderr.write(f"{len(rows):,} alerts as of {as_of:%Y-%m-%d} written to {output}")
