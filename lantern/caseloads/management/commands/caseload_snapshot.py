"""`manage.py caseload_snapshot [--month YYYY-MM]`: take (or retake) a month's caseload and
level-of-need snapshots. Without --month, the current month (counted as of today).

Run it nightly (cron, or a scheduler queueing `lantern.caseloads.tasks.take_caseload_snapshot`):
the current month's rows are replaced each time, so on the last day of the month they hold the
month-end figures. Past months are reconstructed from allocation dates."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lantern.caseloads.services import snapshot_take


def _month(text: str) -> date:
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise CommandError(f"--month must be a month like 2026-03, not {text!r}") from None


class Command(BaseCommand):
    help = "Take the caseload and level-of-need snapshots for a month (default: this month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="The month to take, as YYYY-MM (default: this month).")

    def handle(self, *args, **options):
        month = _month(options["month"]) if options.get("month") else timezone.localdate().replace(day=1)
        try:
            workers, needs = snapshot_take(month=month)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(f"Caseload snapshot for {month:%B %Y}: {workers} workers, {needs} team and level rows")
