"""`manage.py restore_database`: load a backup into an empty PostgreSQL database and prove it.

    manage.py restore_database backups/lantern-lantern-20261205-021500.dump
    manage.py restore_database FILE --database-url postgres://lantern_owner@db/lantern_rehearsal

Restores into DATABASE_OWNER_URL when set (else DATABASE_URL), or the --database-url given,
which must be an empty database: it never restores over live data. Refuses a file that does not
match its manifest; loads in one transaction (a failure leaves the database empty); then compares
every table's row count and checksum with the manifest and fails if any differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.operations.backup import BackupError, owner_target, restore

from ._progress import progress_factory


class Command(BaseCommand):
    help = "Restore a backup into an empty PostgreSQL database, then check every table against its manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="The .dump file (its .dump.json manifest beside it).")
        parser.add_argument(
            "--database-url",
            default=None,
            help="Restore into this database (default: DATABASE_OWNER_URL, else DATABASE_URL).",
        )
        parser.add_argument(
            "--no-privileges",
            action="store_true",
            help="Leave out the backup's GRANTs (when its roles do not exist here; grant again afterwards).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *, backup, database_url, no_privileges, no_progress, **options):
        try:
            target = owner_target(database_url)
            self.stdout.write(f"Restoring {backup} into {target.describe()}")
            result = restore(backup, target, privileges=not no_privileges,
                             progress_factory=progress_factory(sys.stderr, not no_progress))  # fmt: skip
        except BackupError as e:
            raise CommandError(str(e)) from e
        if result.differences:
            for line in result.differences:
                self.stderr.write(line)
            raise CommandError(f"The restored database differs from the backup in {len(result.differences)} table(s).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and checked: {result.tables} tables, {result.rows:,} rows; "
                "every count and checksum matches the backup."
            )
        )
