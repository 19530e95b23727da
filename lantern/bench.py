"""`make bench`: seed times per size, and page timings on a Kent-sized council on PostgreSQL.

Writes docs/benchmarks.md with the machine and the date. Speed targets are proved here, never
by timed assertions in tests. Needs PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/lantern_bench); the database is dropped and recreated.

    python -m lantern.bench [--sizes demo,lancashire,kent] [--requests 60] [--reuse] [--only onboarding]

--reuse skips seeding when the bench database already holds a Kent-sized council. --only onboarding
runs only the onboarding step (lantern/onboarding/bench.py) and rewrites only its section of the
report; it loads into BENCH_ONBOARDING_DATABASE_URL (default: the bench database's name plus
_onboarding), which is dropped and recreated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

from lantern.onboarding import bench as onboarding_bench

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lantern_bench"
AS_OF = "2026-03-31"
SEED = "1"


def _psql_admin(url: str, sql: str) -> None:
    parts = urlparse(url)
    admin = parts._replace(path="/postgres").geturl()
    subprocess.run(["psql", admin, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


def _manage(url: str, *args: str) -> float:
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0")
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def fresh_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    _psql_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql_admin(url, f'CREATE DATABASE "{name}"')
    _manage(url, "migrate", "--no-input", "-v", "0")


def seed(url: str, size: str) -> float:
    fresh_database(url)
    seconds = _manage(url, "seed_authority", "--size", size, "--seed", SEED, "--as-of", AS_OF)
    # A live database has autovacuum's statistics; give the planner the same after a bulk load.
    subprocess.run(["psql", url, "-q", "-c", "ANALYZE"], check=True, capture_output=True)
    return seconds


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB memory"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores{mem}; {system}; Python {platform.python_version()}"


def measure_pages(url: str, requests: int) -> tuple[list[dict], dict]:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lantern.people.models import Child
    from lantern.workforce.models import Allocation, Worker

    counts = {
        "children": Child.objects.count(),
        "allocations": Allocation.objects.count(),
        "workers": Worker.objects.count(),
        "postgres": connection.cursor().connection.info.server_version,
    }
    sw = Worker.objects.get(username="sw.north")
    leader = Worker.objects.get(username="leader")
    tm = Worker.objects.get(username="tm.north")
    child_ids = list(
        Allocation.objects.filter(worker=sw, end_date__isnull=True).values_list("child_id", flat=True)[:10]
    )
    sample = Child.objects.select_related("person").order_by("pk")[counts["children"] // 2]
    dob = sample.person.date_of_birth.strftime("%d/%m/%Y") if sample.person.date_of_birth else "01/01/2015"

    def search_results(user, term: str):
        """Searches post their terms (kept out of URLs); the timed page is the results page, /search/?s=<key>."""
        found: dict[str, str] = {}

        def path_for(i: int) -> str:
            if "url" not in found:
                found["url"] = client_for(user.username).post("/search/", {"q": term}).url
            return found["url"]

        return path_for

    cases = [
        ("My caseload (sw.north)", sw, lambda i: "/caseload/"),
        ("Child record (sw.north's children)", sw, lambda i: f"/children/{child_ids[i % len(child_ids)]}/"),
        ("Team page (tm.north)", tm, lambda i: f"/teams/{tm.team_id}/"),
        ("Teams list (senior leader, whole authority)", leader, lambda i: "/teams/"),
        ("My work (sw.north)", sw, lambda i: "/my-work/"),
        ("My work: team and approvals (tm.north)", tm, lambda i: "/my-work/?scope=team"),
        ("Front door list (tm.north)", tm, lambda i: "/contacts/"),
        ("Transfers (tm.north)", tm, lambda i: "/transfers/"),
        ("Search by surname (senior leader, whole authority)", leader, search_results(leader, sample.person.last_name)),
        ("Search by date of birth (senior leader)", leader, search_results(leader, dob)),
        ("Search by LA child ID (senior leader)", leader, search_results(leader, sample.la_child_id)),
        ("Search by surname (sw.north, own team)", sw, search_results(sw, sample.person.last_name)),
    ]
    results: list[dict] = []
    counts["load"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    clients: dict[str, Client] = {}

    def client_for(username: str) -> Client:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(Worker.objects.get(username=username))
        return clients[username]

    def time_page(name: str, client: Client, path_for, target: float = 100) -> None:
        if isinstance(path_for, str):
            path_for = (lambda fixed: lambda i: fixed)(path_for)
        for i in range(5):  # warm up
            client.get(path_for(i))
        timings, queries = [], set()
        for i in range(requests):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(path_for(i))
                timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            queries.add(len(ctx.captured_queries))
        timings.sort()
        results.append(
            {
                "page": name,
                "median": statistics.median(timings),
                "p95": timings[max(0, int(round(0.95 * len(timings))) - 1)],
                "queries": "/".join(str(q) for q in sorted(queries)),
                "target": target,
            }
        )

    for name, user, path_for in cases:
        time_page(name, client_for(user.username), path_for)

    # Casework record pages added by the recording, oversight and supervision apps.
    child = child_ids[0]
    for name, username, path in (
        ("Visits and direct work (sw.north)", "sw.north", f"/children/{child}/visits/"),
        ("Child's voice (sw.north)", "sw.north", f"/children/{child}/voice/"),
        ("Case notes (sw.north)", "sw.north", f"/children/{child}/notes/"),
        ("Family view (tm.north)", "tm.north", f"/children/{child}/family/"),
        ("Family diagram (tm.north)", "tm.north", f"/children/{child}/family/diagram/"),
        ("Management oversight for a child (tm.north)", "tm.north", f"/children/{child}/oversight/"),
        ("Team oversight list (tm.north)", "tm.north", f"/teams/{tm.team_id}/oversight/"),
        ("Supervision list (tm.north)", "tm.north", "/supervision/"),
        ("Supervision list (sm.cin, whole service)", "sm.cin", "/supervision/"),
    ):
        time_page(name, client_for(username), path)

    from lantern.caseloads import bench as caseloads_bench
    from lantern.chronology import bench as chronology_bench

    for name, username, path in caseloads_bench.cases():
        time_page(name, client_for(username), path)
    chronology_bench.bench(
        client_for=client_for, report=lambda name, client, path_for: time_page(name, client, path_for, 200)
    )
    engine: list[dict] = []

    def insight_report(name: str, **figures) -> None:
        if "p95_ms" in figures:
            results.append(
                {
                    "page": name,
                    "median": figures["median_ms"],
                    "p95": figures["p95_ms"],
                    "queries": figures["queries"],
                    "target": figures.get("target_ms", 100),
                }
            )
        else:
            engine.append({"name": name, **figures})

    from lantern.insight import bench as insight_bench

    insight_bench.bench(client_for=client_for, report=insight_report)
    counts["engine"] = engine
    return results, counts


def previous_seed_times(path: Path) -> dict[str, float]:
    """Seed times from the last full run, kept when --reuse skips seeding."""
    times: dict[str, float] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            parts = [p.strip() for p in line.strip().strip("|").split("|")]
            if len(parts) == 2 and parts[0] in ("demo", "lancashire", "kent"):
                try:
                    times[parts[0]] = float(parts[1])
                except ValueError:
                    continue
    return times


def measure_returns(community: bool) -> dict:
    """Census export and in-app validation of the Kent-sized council, and the community validator
    on the same file in the same run (issue: export plus validation under 5 s, 50x faster)."""
    import tempfile

    from lantern.returns.census.export import build_census
    from lantern.returns.validation.bench import time_validators

    start = time.perf_counter()
    xml = build_census(year=int(AS_OF[:4]), la_code="888")
    export_seconds = time.perf_counter() - start
    with tempfile.NamedTemporaryFile(suffix=".xml", delete=False) as handle:
        handle.write(xml)
    timings = time_validators(handle.name, repeat=1, community=community)
    Path(handle.name).unlink()
    timings["export_seconds"] = round(export_seconds, 2)
    timings["megabytes"] = round(len(xml) / 1e6, 1)
    return timings


def _returns_lines(returns: dict) -> list[str]:
    if not returns:
        return []
    ours_total = returns["export_seconds"] + returns["ours_seconds"]
    lines = [
        "",
        f"## CIN census on the `kent` size ({returns['children']:,} children, {returns['megabytes']} MB)",
        "",
        "Target: export plus validation under 5 s, and validation at least 50 times faster than the",
        "community validator (csc-validator-be-cin, ruleset cin2025_26) on the same file in the same run.",
        "",
        "| Step | Seconds |",
        "|---|---:|",
        f"| Export from the record (`cin_census`) | {returns['export_seconds']:.2f} |",
        f"| Our validation (`validate_cin_census`) | {returns['ours_seconds']:.2f} |",
        f"| Export plus validation | {ours_total:.2f} |",
    ]
    if returns.get("community_seconds"):
        ratio = returns["community_seconds"] / returns["ours_seconds"]
        lines += [
            f"| Community validator (its own parse and rules) | {returns['community_seconds']:.1f} |",
            f"| Community validator, whole process | {returns['community_wall_seconds']:.1f} |",
            "",
            f"Our validator is **{ratio:.0f} times faster** on the same file.",
        ]
    else:
        lines += ["", "The community validator was not run (`--no-community`)."]
    return lines


def onboarding_url(url: str) -> str:
    parts = urlparse(url)
    default = parts._replace(path=parts.path + "_onboarding").geturl()
    return os.environ.get("BENCH_ONBOARDING_DATABASE_URL", default)


def write_report(
    seed_times: dict[str, float],
    pages: list[dict],
    counts: dict,
    requests: int,
    returns: dict | None = None,
    onboarding: dict | None = None,
) -> Path:
    out = ROOT / "docs" / "benchmarks.md"
    seed_times = seed_times or previous_seed_times(out)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m lantern.bench`). Speed targets are proved here, not by timed",
        "assertions in tests. Each page is requested through Django's full request stack (middleware,",
        "sessions, templates, the access log write) in one process against PostgreSQL.",
        "",
        f"- Date: {datetime.now():%Y-%m-%d %H:%M}",
        f"- Machine: {machine()}",
        f"- PostgreSQL server version {counts.get('postgres')}",
        f"- Load average when the pages were timed: {counts.get('load')} "
        "(other work on the 2 cores slows every number)",
        f"- Council: `kent` size, seed {SEED}, as of {AS_OF}: {counts.get('children'):,} children, "
        f"{counts.get('allocations'):,} allocations, {counts.get('workers'):,} workers",
        "",
        "## Seeding the synthetic council (PostgreSQL, `seed_authority --seed 1`)",
        "",
        "| Size | Seconds |",
        "|---|---:|",
    ]
    lines += [f"| {size} | {secs:.1f} |" for size, secs in seed_times.items()]
    lines += [
        "",
        f"## Pages on the `kent` size ({requests} requests each after 5 warm-up requests)",
        "",
        "Target: each page under 100 ms p95 (the chronology under 200 ms) with a fixed number of queries",
        "whatever the size.",
        "",
        "| Page | Median ms | p95 ms | Queries per request | Target ms | Under target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r['page']} | {r['median']:.1f} | {r['p95']:.1f} | {r['queries']} | {r.get('target', 100):.0f} | "
        f"{'yes' if r['p95'] < r.get('target', 100) else 'NO'} |"
        for r in pages
    ]
    engine = counts.get("engine") or []
    if engine:
        lines += [
            "",
            "## Practice standards on the `kent` size",
            "",
            "Target: evaluating every standard over the whole council under 2 seconds.",
            "",
            "| Measurement | Seconds | Rows |",
            "|---|---:|---:|",
        ]
        lines += [
            f"| {e['name']} | {e.get('seconds', 0):.2f} | {e.get('alerts', e.get('found', ''))} |" for e in engine
        ]
    lines += _returns_lines(returns or {})
    section = onboarding_bench.report_lines(onboarding or {}, machine())
    lines += [""] + section if section else []
    out.write_text("\n".join(lines) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,lancashire,kent")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="reuse an already-seeded kent bench database")
    parser.add_argument("--no-community", action="store_true", help="skip the (slow) community validator")
    parser.add_argument("--only", choices=["onboarding"], help="run only this step; keep the report's other sections")
    parser.add_argument("--no-onboarding", action="store_true", help="skip onboarding the council from its templates")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    sizes = [s for s in args.sizes.split(",") if s]
    seed_times: dict[str, float] = {}
    if args.only == "onboarding":
        if not args.reuse:
            print("seeding kent ...", flush=True)
            seed(url, "kent")
        result = onboarding_bench.measure(url, onboarding_url(url), _psql_admin)
        out = ROOT / "docs" / "benchmarks.md"
        text = out.read_text() if out.exists() else "# Benchmarks\n"
        out.write_text(onboarding_bench.replace_section(text, onboarding_bench.report_lines(result, machine())))
        print(f"wrote {out.relative_to(ROOT)}")
        return
    if not args.reuse:
        # Seed the sizes in order; the last one (kent) stays in the database for the page timings.
        for size in sizes:
            print(f"seeding {size} ...", flush=True)
            seed_times[size] = seed(url, size)
            print(f"  {seed_times[size]:.1f} s", flush=True)
        if sizes[-1] != "kent":
            seed(url, "kent")
    pages, counts = measure_pages(url, args.requests)
    for r in pages:
        print(f"{r['page']:<55} median {r['median']:7.1f} ms  p95 {r['p95']:7.1f} ms  queries {r['queries']}")
    returns = measure_returns(community=not args.no_community)
    print(json.dumps(returns))
    onboarding = None
    if not args.no_onboarding:
        onboarding = onboarding_bench.measure(url, onboarding_url(url), _psql_admin)
    path = write_report(seed_times, pages, counts, args.requests, returns, onboarding)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
