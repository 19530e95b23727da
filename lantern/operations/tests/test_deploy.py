"""What a council's IT runs: the systemd units start the right commands, `make serve` refuses a
production run with missing settings (and says which), and dependencies install from lock files
with hashes."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
UNITS = ROOT / "deploy" / "systemd"
PRODUCTION = {
    "LANTERN_ENV": "production",
    "SECRET_KEY": "k" * 30 + "-a-production-key-long-enough-for-the-check",
    "ALLOWED_HOSTS": "lantern.example.gov.uk",
    "DATABASE_URL": "postgres://lantern_app@127.0.0.1:5432/lantern",
    "TRUSTED_PROXY": "1",
}


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def _exec(name: str) -> list[str]:
    """The unit's ExecStart as argv, run from the repository instead of /srv/lantern."""
    unit = _unit(name)
    assert unit["Service"]["WorkingDirectory"] == "/srv/lantern"
    argv = shlex.split(unit["Service"]["ExecStart"])
    return [str(ROOT / a.removeprefix("/srv/lantern/")) if a.startswith("/srv/lantern/") else a for a in argv]


def _env(**extra) -> dict[str, str]:
    # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    drop = ("DEBUG", "DATABASE_URL", "DATABASE_OWNER_URL", "LANTERN_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")
    keep = {k: v for k, v in os.environ.items() if k not in drop}
    return {**keep, **PRODUCTION, **extra}


def test_each_unit_reads_the_environment_file_and_restarts():
    for name in ("lantern-web.service", "lantern-worker.service", "lantern-migrate.service", "lantern-backup.service"):
        service = _unit(name)["Service"]
        assert service["EnvironmentFile"] == "/etc/lantern/lantern.env", name
        assert service["User"] == "lantern" and service["NoNewPrivileges"] == "yes", name
    for name in ("lantern-web.service", "lantern-worker.service"):
        unit = _unit(name)
        assert unit["Service"]["Restart"] == "always"
        # Migrations run first, and a failed migration stops them starting.
        assert (
            "lantern-migrate.service" in unit["Unit"]["Requires"] and "lantern-migrate.service" in unit["Unit"]["After"]
        )
    assert _unit("lantern-migrate.service")["Service"]["Type"] == "oneshot"
    assert _unit("lantern-backup.timer")["Timer"]["OnCalendar"]


def test_the_web_unit_starts_gunicorn_on_lantern_wsgi():
    argv = _exec("lantern-web.service")
    assert Path(argv[0]).name == "gunicorn" and argv[-1] == "lantern.wsgi"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run([str(gunicorn), *argv[1:], "--check-config"], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_worker_unit_starts_our_worker_with_its_heartbeat():
    argv = _exec("lantern-worker.service")
    assert argv[1:] == ["manage.py", "run_worker"]
    result = subprocess.run([sys.executable, "manage.py", "help", "run_worker"], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0 and "heartbeat" in result.stdout


def test_the_migrate_unit_migrates_as_the_owner_role():
    argv = _exec("lantern-migrate.service")
    script = Path(argv[0])
    assert script == ROOT / "scripts" / "migrate" and os.access(script, os.X_OK)
    text = script.read_text()
    assert 'DATABASE_URL="${DATABASE_OWNER_URL:-$DATABASE_URL}" "$PY" manage.py migrate --no-input' in text
    assert 'DATABASE_URL="${DATABASE_OWNER_URL:-$DATABASE_URL}" "$PY" manage.py createcachetable' in text
    assert "collectstatic --no-input" in text


def test_the_backup_unit_runs_the_backup_command():
    argv = _exec("lantern-backup.service")
    assert argv[1:3] == ["manage.py", "backup_database"] and "--no-progress" in argv
    result = subprocess.run([sys.executable, "manage.py", "help", "backup_database"], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0 and "--keep" in result.stdout


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    """systemd's own check, with the paths pointed at this repository."""
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/etc/lantern/lantern.env", str(ROOT / "deploy" / "lantern.env.example"))
        (tmp_path / unit.name).write_text(text.replace("/srv/lantern", str(ROOT)))
    names = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_environment_file_names_every_setting_and_holds_no_secret():
    text = (ROOT / "deploy" / "lantern.env.example").read_text()
    values = dict(re.findall(r"^([A-Z_]+)=(.*)$", text, re.M))
    for name in ("LANTERN_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DATABASE_OWNER_URL", "TRUSTED_PROXY"):
        assert name in values, name
    assert values["LANTERN_ENV"] == "production" and values["SECRET_KEY"] == ""


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "scripts" / "serve")], cwd=ROOT, env={**env, "LANTERN_PYTHON": sys.executable},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_make_serve_lists_every_missing_setting_before_starting_anything():
    base = {
        k: v for k, v in os.environ.items() if k not in (*PRODUCTION, "DATABASE_OWNER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    result = _serve(base)
    assert result.returncode == 2
    for name in (
        "LANTERN_ENV=production",
        "SECRET_KEY is missing",
        "ALLOWED_HOSTS is missing",
        "DATABASE_URL is missing",
    ):
        assert name in result.stderr, name
    assert "Lantern settings for this run" not in result.stdout  # nothing ran


@pytest.mark.parametrize(
    "change, message",
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL must be a PostgreSQL URL"),
        ({"DATABASE_OWNER_URL": "mysql://x@y/z"}, "DATABASE_OWNER_URL must be a PostgreSQL URL"),
        ({"LANTERN_ENV": "development"}, "LANTERN_ENV=production is needed"),
    ],
)
def test_make_serve_refuses_each_bad_setting(change, message):
    result = _serve(_env(**change))
    assert result.returncode == 2 and message in result.stderr


def test_the_preflight_prints_the_settings_and_refuses_an_unreachable_database():
    result = subprocess.run([sys.executable, "manage.py", "preflight"], cwd=ROOT, capture_output=True, text=True,
                            env=_env(DATABASE_URL="postgres://nobody@127.0.0.1:1/none"), timeout=120)  # fmt: skip
    assert result.returncode != 0
    assert "Lantern settings for this run" in result.stdout and "ALLOWED_HOSTS" in result.stdout
    assert PRODUCTION["SECRET_KEY"] not in result.stdout + result.stderr  # never the secret
    assert "cannot be reached with DATABASE_URL" in result.stderr


# ---------------------------------------------------------------------------------------------
# Pinned dependencies
# ---------------------------------------------------------------------------------------------


def _lock_check():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import lock
    finally:
        sys.path.pop(0)
    return lock


def test_every_requirement_is_pinned_with_hashes():
    lock = _lock_check()
    assert lock.check() == []  # every requirement in its lock file, at a version it allows
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text()
        pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", text, re.M)
        assert pins, name
        blocks = re.split(r"^(?=[A-Za-z0-9])", text, flags=re.M)
        for block in blocks:
            if "==" in block:
                assert "--hash=sha256:" in block, block.splitlines()[0]
        assert "--index-url" not in text and "--find-links" not in text and "file://" not in text


def test_both_lock_files_pin_the_same_versions():
    lock = _lock_check()
    runtime = lock.locked_versions(ROOT / "requirements.lock")
    dev = lock.locked_versions(ROOT / "requirements-dev.lock")
    assert {name: dev[name] for name in runtime} == runtime


def test_the_check_notices_a_requirement_missing_from_the_lock(tmp_path, monkeypatch):
    lock = _lock_check()
    for name in ("requirements.txt", "requirements-dev.txt", "requirements.lock", "requirements-dev.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    with (tmp_path / "requirements.txt").open("a") as handle:
        handle.write("tablib>=3.0\n")  # not a Lantern dependency
    (tmp_path / "requirements-dev.lock").write_text(
        (tmp_path / "requirements-dev.lock").read_text().replace("django==5.2", "django==4.2")
    )
    monkeypatch.setattr(lock, "ROOT", tmp_path)
    problems = lock.check()
    assert any("tablib" in p and "make lock" in p for p in problems)
    assert any("django==4.2" in p for p in problems)


def test_make_installs_from_the_locks_with_hashes_and_sets_the_environment():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--require-hashes -r requirements.lock" in makefile
    assert re.search(r"^lock:\n\t\$\(PYTHON\) scripts/lock.py", makefile, re.M)
    result = subprocess.run(["make", "-n", "test", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        if "pytest" in line or "runserver" in line or "run_worker" in line or "seed_authority" in line:
            assert "LANTERN_ENV=development" in line, line
