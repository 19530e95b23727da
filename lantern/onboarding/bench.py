"""The onboarding step of `make bench`: a Kent-sized council out of Lantern and into an empty one.

Exports the seeded council into the templates (`onboarding_export`), creates and migrates a fresh
empty database, then runs `onboard --dry-run` and `onboard` on it. Each step is its own
`manage.py` process, timed by wall clock, with its peak resident memory from the kernel (wait4).
For the memory to be bounded by streaming rather than by the files' size, the dry run of the
small demo sample is measured too: the two peaks side by side show how memory grows.

Called by lantern/bench.py; alone with `python -m lantern.bench --only onboarding [--reuse]`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_SAMPLE = ROOT / "lantern" / "onboarding" / "samples" / "demo"
HEADING = "## Onboarding a Kent-sized council from its templates"
TARGET_SECONDS = 600
_ROWS = re.compile(r"^(?P<name>[\w.]+\.csv): (?P<rows>[\d,]+) rows$")


def run_measured(url: str, *args: str) -> dict:
    """Run `manage.py ARGS` against URL: wall seconds, peak RSS (MB) and output of that one process."""
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0")
    env.setdefault("LANTERN_ENV", "development")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        command = [sys.executable, "manage.py", *args]  # our own manage.py, with arguments built here
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)  # noqa: S603
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage; Popen never reaps it
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if code != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({code}):\n{stderr[-4000:]}")
    return {
        "seconds": round(seconds, 1),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in kilobytes on Linux
        "stdout": stdout,
    }


def _rows(stdout: str) -> dict[str, int]:
    rows = {}
    for line in stdout.splitlines():
        if match := _ROWS.match(line.strip()):
            rows[match["name"]] = int(match["rows"].replace(",", ""))
    return rows


def _megabytes(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6, 1)


def fresh_database(url: str, psql_admin: Callable[[str, str], None]) -> None:
    name = urlparse(url).path.lstrip("/")
    psql_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql_admin(url, f'CREATE DATABASE "{name}"')


def measure(src_url: str, dst_url: str, psql_admin: Callable[[str, str], None], log=print) -> dict:
    """Export the council held at SRC_URL, then dry-run and load it into a fresh database at DST_URL."""
    folder = Path(tempfile.mkdtemp(prefix="lantern-onboarding-bench-"))
    try:
        log("onboarding: export ...")
        export = run_measured(src_url, "onboarding_export", str(folder))
        files = {p.name: round(p.stat().st_size / 1e6, 2) for p in sorted(folder.glob("*.csv"))}
        rows = _rows(export["stdout"])
        log(f"  {export['seconds']} s, {_megabytes(folder)} MB, {sum(rows.values()):,} rows")
        fresh_database(dst_url, psql_admin)
        log("onboarding: migrate the empty database ...")
        migrate = run_measured(dst_url, "migrate", "--no-input", "-v", "0")
        log("onboarding: dry run of the demo sample (memory comparison) ...")
        demo = run_measured(dst_url, "onboard", str(DEMO_SAMPLE), "--dry-run")
        log("onboarding: dry run ...")
        load_average = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        dry_run = run_measured(dst_url, "onboard", str(folder), "--dry-run")
        log(f"  {dry_run['seconds']} s, peak {dry_run['peak_mb']} MB")
        log("onboarding: load ...")
        load = run_measured(dst_url, "onboard", str(folder), "--no-progress")
        log(f"  {load['seconds']} s, peak {load['peak_mb']} MB")
        load_average_after = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "date": f"{datetime.now():%Y-%m-%d %H:%M}",
        "load_average": load_average,
        "load_average_after": load_average_after,
        "megabytes": round(sum(files.values()), 1),
        "files": files,
        "rows": rows,
        "export": {k: export[k] for k in ("seconds", "peak_mb")},
        "migrate": {k: migrate[k] for k in ("seconds", "peak_mb")},
        "demo_dry_run": {
            "seconds": demo["seconds"],
            "peak_mb": demo["peak_mb"],
            "megabytes": _megabytes(DEMO_SAMPLE),
            "rows": sum(_rows(demo["stdout"]).values()),
        },
        "dry_run": {k: dry_run[k] for k in ("seconds", "peak_mb")},
        "load": {k: load[k] for k in ("seconds", "peak_mb")},
        "summary": load["stdout"].strip().splitlines()[-1] if load["stdout"].strip() else "",
    }


def report_lines(result: dict, machine: str) -> list[str]:
    """The section of docs/benchmarks.md (from HEADING on)."""
    if not result:
        return []
    onboarding = result["dry_run"]["seconds"] + result["load"]["seconds"]
    under = onboarding < TARGET_SECONDS
    demo = result["demo_dry_run"]
    lines = [
        HEADING,
        "",
        "Target: checking and loading a Kent-sized council's templates into an empty Lantern in under",
        "10 minutes on this machine, with memory bounded by streaming the files, not by their size.",
        "The seeded `kent` council is exported with `onboarding_export`, a fresh database is migrated,",
        "then `onboard --dry-run` and `onboard` run on it, each its own process (peak resident memory",
        "of that process from the kernel).",
        "",
        f"- Date: {result['date']}",
        f"- Machine: {machine}",
        f"- Load average when the dry run started: {result['load_average']}; after the load: "
        f"{result['load_average_after']} (other work on the 2 cores slows every number)",
        f"- Files: {len(result['files'])} templates, {result['megabytes']} MB, {sum(result['rows'].values()):,} rows",
        "",
        "| Step | Seconds | Peak memory MB |",
        "|---|---:|---:|",
        f"| Export into the templates (`onboarding_export`) | {result['export']['seconds']:.1f} | "
        f"{result['export']['peak_mb']} |",
        f"| Migrate the empty database | {result['migrate']['seconds']:.1f} | {result['migrate']['peak_mb']} |",
        f"| Dry run (`onboard --dry-run`) | {result['dry_run']['seconds']:.1f} | {result['dry_run']['peak_mb']} |",
        f"| Load (`onboard`: checks again, then loads in one transaction) | {result['load']['seconds']:.1f} | "
        f"{result['load']['peak_mb']} |",
        f"| Dry run plus load | {onboarding:.1f} | |",
        "",
        f"Dry run plus load: **{onboarding / 60:.1f} minutes, {'under' if under else 'OVER'} the 10-minute target**.",
        "",
        f"Memory: the dry run of the demo sample ({demo['megabytes']} MB, {demo['rows']:,} rows) peaks at "
        f"{demo['peak_mb']} MB; the Kent files ({result['megabytes']} MB, "
        f"{result['megabytes'] / max(demo['megabytes'], 0.1):.0f} times as much) at {result['dry_run']['peak_mb']} MB "
        f"for the dry run and {result['load']['peak_mb']} MB for the load.",
        "",
        "| File | MB | Rows |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {mb:.2f} | {result['rows'].get(name, 0):,} |" for name, mb in result["files"].items()]
    if result.get("summary"):
        lines += ["", f"The load said: {result['summary']}"]
    return lines


def replace_section(text: str, section: list[str]) -> str:
    """TEXT with the onboarding section replaced by SECTION (or SECTION appended); other sections kept."""
    lines = text.rstrip("\n").splitlines() if text.strip() else []
    if HEADING in lines:
        start = lines.index(HEADING)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        before, after = lines[:start], lines[end:]
    else:
        before, after = lines, []
    while before and not before[-1].strip():
        before.pop()
    out = before + ([""] if before else []) + section + ([""] + after if after else [])
    return "\n".join(out) + "\n"
