"""Backup and restore of the PostgreSQL database, with a manifest that proves every row came back.

`manage.py backup_database` and `manage.py restore_database` (docs/operator-guide.md, "Backups").

- **Consistent.** The backup opens a read-only REPEATABLE READ transaction, exports its snapshot
  and runs `pg_dump --format=custom --snapshot=...` in it; the manifest (row count and checksum
  of every table) is read in the same transaction, so the dump and the manifest describe the very
  same moment, however busy the system is.
- **Checked.** The manifest (`<backup>.json`) also holds the dump's SHA-256: a restore refuses a
  damaged file, and after loading it compares every table's count and checksum with the manifest.
- **Into an empty database only.** A restore never merges into live data; it runs in one
  transaction (`pg_restore --single-transaction --exit-on-error`), so a failure leaves the target empty.
- **As the owner role.** Both connect with DATABASE_OWNER_URL when set (the role that owns the
  tables), else DATABASE_URL, else the `--database-url` given.

A table's checksum is the sum of the first 60 bits of the MD5 of each row's text: it does not
depend on row order and needs no memory beyond one row at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import psycopg
from django.conf import settings
from django.utils import timezone
from psycopg import sql

MANIFEST_FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on, with a message for the operator."""


@dataclass(frozen=True)
class Target:
    """Where to connect: libpq parameters (the password goes in the environment, never argv)."""

    host: str
    port: str
    user: str
    password: str
    dbname: str

    @classmethod
    def from_url(cls, url: str) -> Target:
        parsed = urlparse(url)
        if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
            raise BackupError(f"Backups and restores need PostgreSQL, not {parsed.scheme or 'this'} ({redact(url)}).")
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise BackupError(f"The database URL names no database: {redact(url)}")
        return cls(
            host=unquote(parsed.hostname or ""),
            port=str(parsed.port or ""),
            user=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            dbname=name,
        )

    @classmethod
    def from_settings(cls) -> Target:
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise BackupError("Backups and restores need PostgreSQL: set DATABASE_URL (or DATABASE_OWNER_URL).")
        return cls(
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
            dbname=str(db["NAME"]),
        )

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        for key, value in (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user),
                           ("PGPASSWORD", self.password), ("PGDATABASE", self.dbname)):  # fmt: skip
            if value:
                env[key] = value
        return env

    def connect(self, **kwargs) -> psycopg.Connection:
        params = {k: v for k, v in (("host", self.host), ("port", self.port), ("user", self.user),
                                    ("password", self.password), ("dbname", self.dbname)) if v}  # fmt: skip
        return psycopg.connect(**params, **kwargs)

    def describe(self) -> str:
        where = f"{self.host or 'local socket'}{':' + self.port if self.port else ''}"
        return f"{self.dbname} on {where} as {self.user or 'the current user'}"


def redact(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def owner_target(database_url: str | None = None) -> Target:
    """The database to back up or restore into: --database-url, else DATABASE_OWNER_URL, else
    Django's own database (DATABASE_URL)."""
    url = database_url or os.environ.get("DATABASE_OWNER_URL")
    return Target.from_url(url) if url else Target.from_settings()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools (Debian: apt-get install postgresql-client)."
        )
    return path


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def table_manifest(cursor, *, progress: Callable[[str], None] | None = None) -> dict[str, dict[str, object]]:
    """Row count and checksum of every table in the public schema (set-based: one query a table)."""
    result: dict[str, dict[str, object]] = {}
    for table in _tables(cursor):
        cursor.execute(
            sql.SQL(
                "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text "
                "FROM {} AS t"
            ).format(sql.Identifier("public", table))
        )
        rows, checksum = cursor.fetchone()
        result[table] = {"rows": int(rows), "checksum": checksum}
        if progress:
            progress(table)
    return result


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + ".json")


def _run_with_progress(
    command: list[str], *, env: dict[str, str], pattern: re.Pattern, tick: Callable[[str], None]
) -> str:
    """Run a pg_dump / pg_restore with --verbose, calling `tick` for each table it reports;
    returns what it wrote to stderr (for the error message)."""
    process = subprocess.Popen(
        command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True)
    reader.start()
    for line in process.stderr:
        lines.append(line)
        match = pattern.search(line)
        if match:
            tick(match.group(1))
    process.wait()
    reader.join()
    if process.returncode != 0:
        errors = [line.strip() for line in lines if "error" in line.lower()] or [line.strip() for line in lines[-5:]]
        raise BackupError(f"{Path(command[0]).name} failed:\n  " + "\n  ".join(errors[-10:]))
    return "".join(lines)


@dataclass
class BackupResult:
    path: Path
    manifest: Path
    tables: int
    rows: int
    size: int
    sha256: str


def backup(target: Target, output: Path, *, progress_factory=None) -> BackupResult:
    """A consistent custom-format dump of `target` at `output`, and its manifest beside it."""
    pg_dump = _tool("pg_dump")
    output = output.resolve()
    if output.exists():
        raise BackupError(f"{output} already exists: choose a new file name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    bar = progress_factory or (lambda total, desc: _NullBar())
    try:
        with target.connect(autocommit=False) as conn, conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version'), now()")
            snapshot, server_version, taken_at = cursor.fetchone()
            tables = _tables(cursor)
            with bar(len(tables), "Counting rows") as progress:
                manifest = table_manifest(cursor, progress=lambda _t: progress.update(1))
            command = [pg_dump, "--format=custom", "--verbose", "--no-password", f"--snapshot={snapshot}",
                       f"--file={partial}", target.dbname]  # fmt: skip
            dumping = re.compile(r'dumping contents of table "?([^"\s]+)')
            with bar(len(tables), "Writing the backup") as progress:
                _run_with_progress(command, env=target.env(), pattern=dumping, tick=lambda _t: progress.update(1))
            conn.rollback()
        os.chmod(partial, 0o600)  # the dump holds every child's record
        digest = sha256_of(partial)
        data = {
            "format": MANIFEST_FORMAT,
            "file": output.name,
            "sha256": digest,
            "size": partial.stat().st_size,
            "database": target.dbname,
            "server_version": server_version,
            "taken_at": taken_at.isoformat(),
            "written_at": timezone.now().isoformat(),
            "tables": manifest,
        }
        mpath = manifest_path(output)
        mpath.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        os.chmod(mpath, 0o600)
        partial.rename(output)
    except psycopg.Error as e:
        raise BackupError(f"Could not read {target.describe()}: {str(e).strip()}") from e
    finally:
        if partial.exists():
            partial.unlink()
    return BackupResult(
        output, mpath, len(manifest), sum(int(t["rows"]) for t in manifest.values()), data["size"], digest
    )


@dataclass
class RestoreResult:
    tables: int
    rows: int
    differences: list[str]


def read_manifest(dump: Path) -> dict:
    mpath = manifest_path(dump)
    if not mpath.exists():
        raise BackupError(f"{mpath.name} (the backup's manifest) is missing beside {dump.name}: keep the two together.")
    data = json.loads(mpath.read_text())
    if data.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{mpath.name} is not a manifest this version of Lantern can read.")
    return data


def compare(expected: dict[str, dict], found: dict[str, dict]) -> list[str]:
    differences = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want is None:
            differences.append(f"{table}: in the restored database but not in the backup")
        elif got is None:
            differences.append(f"{table}: missing from the restored database")
        elif want["rows"] != got["rows"]:
            differences.append(f"{table}: {want['rows']} rows in the backup, {got['rows']} restored")
        elif str(want["checksum"]) != str(got["checksum"]):
            differences.append(f"{table}: {got['rows']} rows, but their contents differ from the backup")
    return differences


def restore(dump: Path, target: Target, *, privileges: bool = True, progress_factory=None) -> RestoreResult:
    """Load a backup into an empty database, in one transaction, then check every table against
    the manifest."""
    pg_restore = _tool("pg_restore")
    dump = dump.resolve()
    if not dump.exists():
        raise BackupError(f"{dump} does not exist.")
    data = read_manifest(dump)
    bar = progress_factory or (lambda total, desc: _NullBar())
    if sha256_of(dump) != data["sha256"]:
        raise BackupError(
            f"{dump.name} does not match its manifest (SHA-256 differs): the file is damaged or incomplete."
        )
    try:
        with target.connect(autocommit=True) as conn, conn.cursor() as cursor:
            existing = _tables(cursor)
    except psycopg.Error as e:
        raise BackupError(f"Could not connect to {target.describe()}: {str(e).strip()}") from e
    if existing:
        raise BackupError(
            f"{target.describe()} is not empty ({len(existing)} tables). Restore into a new, empty database "
            f"(createdb --owner=<owner role> <name>), never over live data."
        )
    listing = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise BackupError(f"{dump.name} is not a backup pg_restore can read: {listing.stderr.strip()}")
    data_entries = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
    command = [pg_restore, "--verbose", "--no-password", "--no-owner", "--single-transaction", "--exit-on-error",
               f"--dbname={target.dbname}", str(dump)]  # fmt: skip
    if not privileges:
        command.insert(-1, "--no-privileges")
    with bar(data_entries, "Restoring tables") as progress:
        _run_with_progress(command, env=target.env(), pattern=re.compile(r'processing data for table "?([^"\s]+)'),
                           tick=lambda _t: progress.update(1))  # fmt: skip
    expected = data["tables"]
    with target.connect(autocommit=False) as conn, conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        with bar(len(expected), "Checking every row") as progress:
            found = table_manifest(cursor, progress=lambda _t: progress.update(1))
        conn.rollback()
    return RestoreResult(len(found), sum(int(t["rows"]) for t in found.values()), compare(expected, found))


class _NullBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int = 1) -> None:
        pass
