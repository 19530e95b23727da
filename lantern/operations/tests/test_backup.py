"""Backup and restore (issue 11): a consistent backup of the PostgreSQL database restores into an
empty database with every row: the demo council round-trips, and every table's row count and
checksum, read independently from the source and the restored copy, are the same.

PostgreSQL only (pg_dump and pg_restore); runs in CI's PostgreSQL pass."""

from __future__ import annotations

import json

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from lantern.operations.backup import BackupError, Target, table_manifest

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI's PostgreSQL pass)")


def _target(name: str | None = None) -> Target:
    s = connection.settings_dict
    return Target(host=s["HOST"] or "127.0.0.1", port=str(s["PORT"] or 5432), user=s["USER"],
                  password=s["PASSWORD"] or "", dbname=name or s["NAME"])  # fmt: skip


def _url(target: Target) -> str:
    auth = target.user + (f":{target.password}" if target.password else "")
    return f"postgres://{auth}@{target.host}:{target.port}/{target.dbname}"


def _counts(target: Target) -> dict[str, tuple[int, str]]:
    """Every table's rows and an order-independent digest of its contents, read with our own SQL."""
    out = {}
    with target.connect(autocommit=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            rows, digest = conn.execute(
                psycopg.sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM {} t"
                ).format(psycopg.sql.Identifier(table))  # fmt: skip
            ).fetchone()
            out[table] = (rows, digest)
    return out


@pytest.fixture
def empty_database():
    source = _target()
    name = f"{source.dbname}_restored"
    admin = _target("postgres")
    with admin.connect(autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(psycopg.sql.Identifier(name)))
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(psycopg.sql.Identifier(name)))
    yield _target(name)
    with admin.connect(autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))


@pytest.fixture
def demo_council(transactional_db):
    call_command("seed_authority", size="demo", seed=1, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_council_round_trips_with_every_row(demo_council, empty_database, tmp_path, capsys):
    source = _target()
    before = _counts(source)
    assert before["people_child"][0] > 100 and before["casework_cinepisode"][0] > 0
    dump = tmp_path / "lantern.dump"

    call_command("backup_database", output=dump)
    out, err = capsys.readouterr()
    assert dump.exists() and (tmp_path / "lantern.dump.json").exists()
    assert oct(dump.stat().st_mode)[-3:] == "600"  # every child's record: its owner only
    assert "Backed up" in out and "encrypt it and copy it off this machine" in out
    assert "Writing the backup" in err and "100%" in err  # a progress bar on the command line
    manifest = json.loads((tmp_path / "lantern.dump.json").read_text())
    assert {t: v["rows"] for t, v in manifest["tables"].items()} == {t: v[0] for t, v in before.items()}

    call_command("restore_database", str(dump), database_url=_url(empty_database))
    out, err = capsys.readouterr()
    assert "every count and checksum matches the backup" in out
    assert "Restoring tables" in err and "Checking every row" in err

    after = _counts(empty_database)
    assert after == before  # every table, every row, the same contents
    assert sum(rows for rows, _ in after.values()) > 1000


def test_restore_refuses_a_database_that_is_not_empty(demo_council, tmp_path):
    dump = tmp_path / "lantern.dump"
    call_command("backup_database", output=dump, no_progress=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore_database", str(dump), no_progress=True)


def test_restore_refuses_a_damaged_backup_and_leaves_the_target_empty(transactional_db, empty_database, tmp_path):
    dump = tmp_path / "lantern.dump"
    call_command("backup_database", output=dump, no_progress=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("restore_database", str(dump), database_url=_url(empty_database), no_progress=True)
    assert _counts(empty_database) == {}


def test_a_backup_needs_its_manifest(transactional_db, empty_database, tmp_path):
    dump = tmp_path / "lantern.dump"
    call_command("backup_database", output=dump, no_progress=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    (tmp_path / "lantern.dump.json").unlink()
    with pytest.raises(CommandError, match="manifest"):
        call_command("restore_database", str(dump), database_url=_url(empty_database), no_progress=True)


def test_a_backup_never_overwrites_a_file(transactional_db, tmp_path):
    dump = tmp_path / "lantern.dump"
    dump.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_database", output=dump, no_progress=True)
    assert dump.read_text() == "an older backup"


def test_keep_removes_only_older_backups_in_the_folder(transactional_db, tmp_path):
    (tmp_path / "notes.txt").write_text("not a backup")
    for _ in range(3):
        call_command("backup_database", directory=tmp_path, keep=2, no_progress=True,
                     stdout=open("/dev/null", "w"))  # noqa: SIM115  # fmt: skip
        import time

        time.sleep(1.1)  # file names carry the second
    dumps = sorted(p.name for p in tmp_path.glob("*.dump"))
    assert len(dumps) == 2 and len(list(tmp_path.glob("*.dump.json"))) == 2
    assert (tmp_path / "notes.txt").exists()


def test_the_owner_url_is_used_when_set(transactional_db, tmp_path, monkeypatch):
    """DATABASE_OWNER_URL (the role that owns the tables) is used for backups when set."""
    monkeypatch.setenv("DATABASE_OWNER_URL", "postgres://nobody@127.0.0.1:5432/no_such_database")
    with pytest.raises(CommandError, match="no_such_database"):
        call_command("backup_database", output=tmp_path / "x.dump", no_progress=True)


def test_the_manifest_does_not_depend_on_row_order(transactional_db):
    target = _target()
    with target.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE public.order_probe (a int, b text)")
        try:
            conn.execute("INSERT INTO public.order_probe VALUES (1, 'x'), (2, 'y')")
            first = table_manifest(conn.cursor())["order_probe"]
            conn.execute("DELETE FROM public.order_probe")
            conn.execute("INSERT INTO public.order_probe VALUES (2, 'y'), (1, 'x')")
            second = table_manifest(conn.cursor())["order_probe"]
            conn.execute("UPDATE public.order_probe SET b = 'z' WHERE a = 1")
            changed = table_manifest(conn.cursor())["order_probe"]
        finally:
            conn.execute("DROP TABLE public.order_probe")
    assert first == second and changed["rows"] == 2 and changed["checksum"] != first["checksum"]


def test_sqlite_is_refused_with_a_clear_message(monkeypatch):
    from types import SimpleNamespace

    from lantern.operations import backup

    monkeypatch.setattr(
        backup, "settings", SimpleNamespace(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3"}})
    )
    with pytest.raises(BackupError, match="need PostgreSQL"):
        Target.from_settings()
    with pytest.raises(BackupError, match="need PostgreSQL"):
        Target.from_url("sqlite:///db.sqlite3")
