"""manage.py onboarding_export: write the council's records into the onboarding templates.

    manage.py onboarding_export FOLDER

The files are what `manage.py onboard FOLDER` loads into an empty Lantern (see
lantern/onboarding/export.py for what is written). FOLDER is created if missing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from lantern.onboarding.export import export_council


class Command(BaseCommand):
    help = "Export the council (teams, staff, children, families, open work) into the onboarding CSV templates."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="Where to write the files.")

    def handle(self, *args, **options) -> None:
        counts = export_council(Path(options["folder"]))
        for name, rows in counts.items():
            self.stdout.write(f"{name}: {rows:,} rows")
