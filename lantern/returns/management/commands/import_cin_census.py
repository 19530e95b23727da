"""manage.py import_cin_census: load a council's children in need census returns.

    manage.py import_cin_census FILE.xml [FILE.xml ...] [--dry-run] [--no-progress]

Each file is checked, then loaded in one transaction (all or nothing). A refused file prints
every problem with its line number and nothing from it is saved. Importing a file again changes
nothing. Load several years oldest first: a later return fills in closures and plan ends.
See lantern/returns/census/importer.py for what is loaded and how records are matched.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from lantern.returns.census.importer import CensusImportError, import_census

SHOW_PROBLEMS = 200


class Command(BaseCommand):
    help = "Load children, CIN episodes, assessments, plans, section 47s and CP plans from DfE CIN census files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Census XML files, oldest first.")
        parser.add_argument("--dry-run", action="store_true", help="Check and merge, then save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show progress bars.")

    def handle(self, *args, **options) -> None:
        quiet = options["no_progress"] or not sys.stderr.isatty()
        for path in options["files"]:
            bars: dict[str, tqdm] = {}

            def progress(stage: str, done: int, total: int, _bars=bars) -> None:
                if quiet:
                    return
                bar = _bars.get(stage)
                if bar is None:
                    label = "Checking children" if stage == "reading" else "Merging children"
                    bar = _bars[stage] = tqdm(total=total, desc=label, unit="child", file=sys.stderr, mininterval=0.5)
                bar.update(done - bar.n)

            try:
                result = import_census(path, filename=path, progress=progress, dry_run=options["dry_run"])
            except CensusImportError as e:
                for problem in e.problems[:SHOW_PROBLEMS]:
                    self.stderr.write(f"{path}: {problem}")
                if len(e.problems) > SHOW_PROBLEMS:
                    self.stderr.write(f"... and {len(e.problems) - SHOW_PROBLEMS} more problems")
                raise CommandError(f"{path} was refused: {len(e.problems)} problem(s). Nothing was imported.") from None
            finally:
                for bar in bars.values():
                    bar.close()
            for warning in result.warnings:
                self.stderr.write(f"{path}: warning: {warning}")
            verb = "Would add" if options["dry_run"] else "Added"
            added = ", ".join(f"{n} {label}" for label, n in result.created.items() if n) or "nothing new"
            filled = ", ".join(f"{n} {label}" for label, n in result.updated.items() if n)
            self.stdout.write(f"{path}: {result.children} children read. {verb}: {added}."
                              + (f" Filled in: {filled}." if filled else ""))  # fmt: skip
