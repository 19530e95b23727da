"""`manage.py backup_database`: a consistent backup of the PostgreSQL database, with its manifest.

    manage.py backup_database                          # backups/lantern-<database>-<YYYYMMDD-HHMMSS>.dump
    manage.py backup_database --directory /var/backups/lantern --keep 14
    manage.py backup_database --output /tmp/before-upgrade.dump

Connects as DATABASE_OWNER_URL when set (else DATABASE_URL). Writes `<file>.dump` (pg_dump custom
format, from one snapshot) and `<file>.dump.json` (row count and checksum of every table, and the
dump's SHA-256); both are readable by their owner only. Keep the two together, encrypted, off
this machine (docs/operator-guide.md, "Backups").
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lantern.operations.backup import BackupError, backup, manifest_path, owner_target

from ._progress import progress_factory

NAME = re.compile(r"^lantern-.+-\d{8}-\d{6}\.dump$")


class Command(BaseCommand):
    help = "Back up the PostgreSQL database (consistent pg_dump, custom format) with a manifest of every table."

    def add_arguments(self, parser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--output", type=Path, help="The backup file to write (must not exist).")
        where.add_argument(
            "--directory", type=Path, default=Path("backups"), help="Folder for a dated file (default ./backups)."
        )
        parser.add_argument(
            "--keep", type=int, default=None, help="With --directory: keep only the newest N backups there."
        )
        parser.add_argument(
            "--database-url",
            default=None,
            help="Back up this database instead (default: DATABASE_OWNER_URL, else DATABASE_URL).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for cron or systemd).")

    def handle(self, *, output, directory, keep, database_url, no_progress, **options):
        if keep is not None and (keep < 1 or output is not None):
            raise CommandError("--keep needs --directory and a number of at least 1")
        try:
            target = owner_target(database_url)
            if output is None:
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                output = directory / f"lantern-{target.dbname}-{stamp}.dump"
            self.stdout.write(f"Backing up {target.describe()} to {output}")
            result = backup(target, output, progress_factory=progress_factory(sys.stderr, not no_progress))
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {result.tables} tables, {result.rows:,} rows: {result.path} ({result.size:,} bytes, "
            f"SHA-256 {result.sha256[:16]}...) and its manifest {result.manifest.name}."
        ))  # fmt: skip
        self.stdout.write(
            "It holds every child's record: encrypt it and copy it off this machine (see the operator guide)."
        )
        if keep is not None:
            self._rotate(result.path.parent, keep)

    def _rotate(self, folder: Path, keep: int) -> None:
        dumps = sorted(
            (p for p in folder.iterdir() if NAME.match(p.name)), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for old in dumps[keep:]:
            old.unlink()
            manifest_path(old).unlink(missing_ok=True)
            self.stdout.write(f"Removed the older backup {old.name}")
