"""manage.py onboard: load a council's records from the onboarding CSV templates.

    manage.py onboard FOLDER [--dry-run] [--no-progress] [--by USERNAME]

FOLDER holds the set of files (teams.csv, staff.csv, children.csv ...; docs/guide/onboarding.md).
--dry-run lists every problem by file and line and saves nothing. Without it the files are
checked again and loaded in one transaction: every row, or nothing if there is any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lantern.onboarding.services import OnboardingRefused, onboarding_check, onboarding_load
from lantern.workforce.models import Worker

SHOW_PROBLEMS = 200


class Command(BaseCommand):
    help = "Check (--dry-run) or load a council's teams, staff, children, families and open work from CSV templates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="The folder holding the template files.")
        parser.add_argument("--dry-run", action="store_true", help="Check every file and report; save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")
        parser.add_argument("--by", default="", help="The username of the person loading (kept in the history).")

    def _problems(self, problems) -> None:
        items = problems.sorted()
        for problem in items[:SHOW_PROBLEMS]:
            self.stderr.write(str(problem))
        if len(problems) > SHOW_PROBLEMS:
            self.stderr.write(f"... and {len(problems) - SHOW_PROBLEMS:,} more problems")

    def handle(self, *args, **options) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        by = None
        if options["by"]:
            by = Worker.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No worker has the username {options['by']!r}.")
        if options["dry_run"]:
            report = onboarding_check(folder)
            for name, rows in report.files.items():
                self.stdout.write(f"{name}: {rows:,} rows")
            if not report.ok:
                self._problems(report.problems)
                raise CommandError(f"{len(report.problems):,} problem(s). Fix them and run the dry run again.")
            self.stdout.write(f"No problems: {report.rows:,} rows would load ({report.new_children:,} new children, "
                              f"{report.filled_children:,} children already in Lantern filled in).")  # fmt: skip
            return
        quiet = options["no_progress"] or not sys.stderr.isatty()
        bar: tqdm | None = None

        def progress(done: int, total: int, what: str) -> None:
            nonlocal bar
            if quiet:
                return
            if bar is None:
                bar = tqdm(total=total, desc="Loading", unit="row", file=sys.stderr, mininterval=0.5)
            bar.set_postfix_str(what, refresh=False)
            bar.update(done - bar.n)

        try:
            result = onboarding_load(folder, by=by, progress=progress)
        except OnboardingRefused as e:
            self._problems(e.problems)
            raise CommandError(f"Refused: {len(e.problems):,} problem(s). Nothing was loaded.") from None
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(result.summary())
