"""manage.py validate_cin_census: check a children in need census file before it goes to DfE.

    manage.py validate_cin_census census.xml [--csv issues.csv] [--limit N]

Prints how many children the file holds, the number of issues for each rule and then the
issues themselves (child, rule, message, values, line). Exits 0 when there are no errors
(DfE queries alone do not fail it) and 1 when there are. With --csv the issues are also
written to a CSV file with the columns child, rule, message, values, line. The rules and the
layout checks are described in lantern/returns/validation.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.returns.validation import Issue, validate

CSV_COLUMNS = ("child", "rule", "message", "values", "line")


def issue_row(issue: Issue) -> list[str]:
    """child, rule, message, values, line as text. The child is blank for the header and
    whole-return rules, and "(no LAchildID)" for a child whose ID is missing."""
    child = "" if issue.child is None else (issue.child or "(no LAchildID)")
    line = "" if issue.line is None else str(issue.line)
    return [child, issue.rule, issue.message, issue.values_text(), line]


def write_csv(rows, stream) -> None:
    """Write rows made by `issue_row` (child, rule, message, values, line) as CSV with a header."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])


def _safe(cell: str) -> str:
    """Stop a spreadsheet from reading a value from the file as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


class Command(BaseCommand):
    help = "Check a CIN census XML file against the 2025-26 layout and DfE's validation rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The census XML file.")
        parser.add_argument("--csv", dest="csv_path", help="Also write the issues to this CSV file.")
        parser.add_argument(
            "--limit", type=int, default=0, help="Print at most this many issues (0, the default, prints them all)."
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = validate(path)
        out = self.stdout
        out.write(f"{path}: {result.children} children, {result.errors} errors, {result.queries} queries")
        if result.by_rule():
            out.write("")
            out.write(f"{'Rule':<8} {'Type':<6} {'Issues':>7} {'Children':>9}  Message")
            for code, severity, message, count, children in result.by_rule():
                out.write(f"{code:<8} {severity:<6} {count:>7} {children:>9}  {message}")
            out.write("")
            limit = options["limit"] or len(result.issues)
            for issue in result.issues[:limit]:
                child, rule, message, values, line = issue_row(issue)
                out.write(f"{child or '-'}\t{rule}\tline {line or '-'}\t{message}\t{values}")
            if limit < len(result.issues):
                out.write(f"... and {len(result.issues) - limit} more")
        if options.get("csv_path"):
            with open(options["csv_path"], "w", newline="", encoding="utf-8") as stream:
                write_csv((issue_row(issue) for issue in result.issues), stream)
            out.write(f"Issues written to {options['csv_path']}")
        if result.errors:
            self.stderr.write(f"{result.errors} errors: the file is not ready for DfE.")
            sys.exit(1)
        out.write(self.style.SUCCESS("No errors."))
