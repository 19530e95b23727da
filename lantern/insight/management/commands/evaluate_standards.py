"""manage.py evaluate_standards: check every practice standard now and raise or clear alerts.

    manage.py evaluate_standards [--as-of YYYY-MM-DD] [--no-progress]

Run it every night (cron, or any scheduler) so alerts follow the record:

    15 2 * * *  cd /srv/lantern && .venv/bin/python manage.py evaluate_standards --no-progress

Each run is recorded (an EvaluationRun started by the command line) and shown on /insight/.
"""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lantern.insight.models import EvaluationRun
from lantern.insight.tasks import run_evaluation


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Enter the date as YYYY-MM-DD, for example 2026-03-31 (not {value!r})") from None


class Command(BaseCommand):
    help = "Evaluate every practice standard that is switched on, raising and clearing alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="The day to evaluate (default today), YYYY-MM-DD.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")

    def handle(self, *args, **options) -> None:
        from django.utils import timezone

        as_of = parse_day(options["as_of"]) if options.get("as_of") else timezone.localdate()
        run = EvaluationRun.objects.create(as_of=as_of, message="Run from the command line")
        bar = tqdm(total=1, desc="Practice standards", unit="step", file=sys.stderr,
                   disable=options["no_progress"] or not sys.stderr.isatty())  # fmt: skip

        def progress(done: int, total: int, message: str) -> None:
            bar.total = total
            bar.set_postfix_str(message[:40])
            bar.update(done - bar.n)

        try:
            result = run_evaluation(run, also=progress)
        finally:
            bar.close()
        self.stdout.write(
            f"Practice standards as of {as_of:%Y-%m-%d}: {result.open:,} open alerts "
            f"({result.raised:,} raised, {result.cleared:,} cleared)."
        )
        for key, n in sorted(result.found.items()):
            self.stdout.write(f"  {key}: {n:,}")
