"""`make conformance`: our census validator against the independent community one.

    .venv/bin/python scripts/conformance.py [--sizes demo,lancashire] [--reuse] [--no-samples]

1. Makes (or reuses) `.venv-conformance` with csc-validator-be-cin, numpy<2 and pytest.
2. For each size, seeds a fresh SQLite database under /tmp (seed 1, as of 2026-03-31) and
   exports the census: `manage.py cin_census --year 2026 --la-code 888`.
3. Runs both validators (the community one with its cin2025_26 ruleset) on each export and on
   every sample in lantern/reference/census-samples/.
4. Prints, rule by rule, how many children each flags, and every child where they disagree,
   with the reason when the disagreement is a known difference pinned by a hand-made file in
   lantern/returns/tests/test_conformance.py (the community code does something other than
   DfE's rule text there) and this child's data shows that difference.

Exits 1 if the community validator reports any error on our own export, cannot read it, or
disagrees with us on a rule for our own export in a way no known difference explains.
Samples are reported but never fail the run: they are seeded with errors on purpose.
--reuse keeps existing exports in /tmp instead of seeding again.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")

import django  # noqa: E402

django.setup()

from lantern.core.calendar import add_working_days  # noqa: E402
from lantern.returns.validation import RULES, validate  # noqa: E402
from lantern.returns.validation.community import ensure_venv, run_community  # noqa: E402
from lantern.returns.validation.layout import Child, Reader, parse_date  # noqa: E402
from lantern.returns.validation.rules import Context  # noqa: E402

SAMPLES = ROOT / "lantern" / "reference" / "census-samples"
YEAR, LA_CODE, SEED, AS_OF = "2026", "888", "1", "2026-03-31"
RETURN = "(whole return)"
NO_ID = "(no LAchildID)"


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------
def export(size: str, reuse: bool) -> Path:
    xml = Path(f"/tmp/lantern-conformance-{size}.xml")  # noqa: S108 - throwaway files, as the brief asks
    if reuse and xml.exists():
        print(f"Reusing {xml}")
        return xml
    db = Path(f"/tmp/lantern-conformance-{size}.sqlite3")  # noqa: S108
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), xml):
        leftover.unlink(missing_ok=True)
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", DEBUG="0")
    manage = [sys.executable, str(ROOT / "manage.py")]
    steps = [
        ["migrate", "--no-input", "-v", "0"],
        ["seed_authority", "--size", size, "--seed", SEED, "--as-of", AS_OF],
        ["cin_census", "--year", YEAR, "--la-code", LA_CODE, "--output", str(xml), "--no-progress"],
    ]
    print(f"Seeding a {size} council into {db} and exporting the census ...", flush=True)
    for step in steps:
        done = subprocess.run([*manage, *step], cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            sys.exit(f"manage.py {' '.join(step)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return xml


# ---------------------------------------------------------------------------------------------
# Flags on each side: rule -> children (RETURN for the header and whole-return rules)
# ---------------------------------------------------------------------------------------------
def ours(path: Path) -> tuple[dict[str, set[str]], float]:
    start = time.perf_counter()
    result = validate(path)
    seconds = time.perf_counter() - start
    flags: dict[str, set[str]] = {}
    for issue in result.issues:
        if issue.rule in RULES:
            child = RETURN if issue.child is None else (issue.child or NO_ID)
            flags.setdefault(issue.rule, set()).add(child)
    return flags, seconds


def theirs(found: dict) -> dict[str, set[str]]:
    flags: dict[str, set[str]] = {}
    for code, children in found["child_rules"].items():
        flags[code] = {NO_ID if c in ("nan", "<NA>", "None", "") else c for c in children}
    for code in found["return_rules"]:
        flags.setdefault(code, set()).add(RETURN)
    return flags


# ---------------------------------------------------------------------------------------------
# Known differences: each is pinned by a test in lantern/returns/tests/test_conformance.py, and
# applies to a disagreement only when the child's data shows it.
# ---------------------------------------------------------------------------------------------
class Known:
    def __init__(self, path: Path):
        reader = Reader()
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        reader.read(etree.parse(str(path), parser).getroot())
        self.children: dict[str, list[Child]] = {}
        for c in reader.children:
            self.children.setdefault(c.id or NO_ID, []).append(c)
        self.all = reader.children
        self.x = Context(reader.header, reader.children)

    def why(self, rule: str, child: str, side: str, crashed: dict[str, str]) -> str | None:
        """Why `side` ("ours" or "community") alone flags `child` for `rule`, if a known difference says so."""
        if rule in crashed:
            return f"the community rule raised {crashed[rule]}"
        if child == RETURN:
            explain = _RETURN_REASONS.get(rule)
            return explain(self, side) if explain else None
        for c in self.children.get(child, []):
            if _outside_pandas(c):
                return "the community validator reads dates before 1678 or after 2261 as missing (pandas)"
            explain = _REASONS.get(rule)
            reason = explain(c, self.x, side) if explain else None
            if reason:
                return reason
        return None


def _dates(c: Child):
    records = [c, *c.episodes, *c.assessments, *c.plans, *c.s47s, *c.cpps]
    for r in records:
        for tag, value in r.f.items():
            if tag.endswith("Date") or tag in ("PersonBirthDate", "InitialCPCtarget"):
                yield value
    for p in c.cpps:
        for _, raw, _ in p.reviews:
            yield raw


def _outside_pandas(c: Child) -> bool:
    for value in _dates(c):
        d = parse_date(value)
        if d and not (1678 <= d.year <= 2261):
            return True
    return False


def _only(side: str, wanted: str, reason: str) -> str | None:
    return reason if side == wanted else None


def _r8565(c, x, side):
    late = any(p.end and e.closure and p.end > e.closure for e in c.episodes for p in e.cpps)
    reason = "the community 8565 compares closure dates with a leftover test table, not CPPendDate"
    return _only(side, "ours", reason) if late else None


def _r8740(c, x, side):
    spelt = any(s.f.get("ICPCnotRequired") == "false" and s.icpc is None for s in c.s47s)
    return _only(side, "ours", 'the community 8740 takes only "0" as false, not "false"') if spelt else None


def _r2885(c, x, side):
    spelt = any(s.f.get("ICPCnotRequired") == "true" for s in c.s47s)
    return 'the community 2885 takes only "1" as true, not "true"' if spelt else None


def _r8935(c, x, side):
    # The community code counts open plans per (child, position of the plan in its episode).
    positions = [e.cpps.index(p) for e in c.episodes for p in e.cpps if p.end is None]
    if side == "ours" and len(positions) > 1 and len(set(positions)) == len(positions):
        return "the community 8935 counts open plans by their position in the episode, not per child"
    return None


def _r8940(c, x, side):
    spread = len({id(p.ep) for p in c.cpps}) > 1
    reason = "the community 8940 skips plans at the same position in different episodes"
    return _only(side, "ours", reason) if spread else None


def _later_reviews(c) -> bool:
    """A <Reviews> group with more than one date: the community reader reads only the first."""
    return any(count > 1 for p in c.cpps for count, _ in p.review_groups)


def _r4003(c, x, side):
    reviewed = [p for p in c.cpps if p.reviews]
    if any(p.end is None for p in reviewed):
        return "the community 4003 skips reviews of a CP plan that is still open"
    if any(e is not p.ep for p in reviewed for e in c.episodes if e.plans) or sum(1 for e in c.episodes if e.cpps) > 1:
        return "the community 4003 compares reviews with CIN plans of other episodes"
    if _later_reviews(c):
        return "the community reader reads only the first CPPreviewDate of each <Reviews> group"
    return None


def _r8841(c, x, side):
    reason = "the community reader reads only the first CPPreviewDate of each <Reviews> group"
    return _only(side, "ours", reason) if _later_reviews(c) else None


def _r8832(c, x, side):
    wrong = any(e.nfa is True and e.cpps for e in c.episodes)
    if (side == "ours") == wrong:
        return "the community 8832 swaps the rows of its two tables and so names other children"
    return None


def _boundary(label: str, lower, upper, dates) -> str | None:
    if lower and upper and any(lower <= d < upper for d in dates if d):
        return f"the community code counts one working day fewer ({label})"
    return None


def _r8569(c, x, side):
    if side != "community" or x.start is None:
        return None
    dates = [e.referral for e in c.episodes if e.nfa is not False]
    return _boundary("start of year minus 1 working day", x.start_minus_1wd, x.start, dates)


def _r8670(c, x, side):
    if side != "community" or x.ref is None:
        return None
    dates = [a.start for a in c.assessments if a.auth is None]
    return _boundary("45 working days", x.ref_minus_45wd, add_working_days(x.ref, -44), dates)


def _r8675(c, x, side):
    if side != "community" or x.ref is None:
        return None
    dates = [s.start for s in c.s47s if s.icpc is None and s.not_required is False]
    return _boundary("15 working days", x.ref_minus_15wd, add_working_days(x.ref, -14), dates)


def _r8816(c, x, side):
    dates = [e.referral for e in c.episodes if e.referral]
    tie = bool(dates) and dates.count(max(dates)) > 1
    reason = "an open episode shares the latest referral date with another (the community picks the first)"
    return reason if tie else None


def _r8842(c, x, side):
    if any(count == 0 for p in c.cpps for count, _ in p.review_groups):
        return _only(side, "ours", "the community reader skips a <Reviews> group with no <CPPreviewDate>")
    if _later_reviews(c):
        return _only(side, "ours", "the community reader reads only the first CPPreviewDate of each <Reviews> group")
    return None


def _never(reason: str) -> Callable:
    return lambda c, x, side: _only(side, "ours", reason)


_REASONS: dict[str, Callable] = {
    "8565": _r8565,
    "8740": _r8740,
    "2885": _r2885,
    "8935": _r8935,
    "8940": _r8940,
    "4003": _r4003,
    "8569Q": _r8569,
    "8670Q": _r8670,
    "8675Q": _r8675,
    "8816": _r8816,
    "8540": _never("the community 8540 loses the places it fails and reports nothing"),
    "8869": _never("the community 8869 compares the whole list of factors with '21', so never fires"),
    "8945Q": _never("the community 8945Q compares the whole list of factors with '18A', so never fires"),
    "8950Q": _never("the community 8950Q compares the whole list of factors with '19A', so never fires"),
    "8870Q": _never("the community 8870Q re-reads the date as DD-MM-YYYY, so never fires on YYYY-MM-DD"),
    "8842Q": _r8842,
    "8841": _r8841,
    "8832": _r8832,
}


def _r2887_return(known: Known, side: str) -> str | None:
    distinct = {code for c in known.all for code, _ in c.disabilities if code and code != "NONE"}
    none_rows = sum(1 for c in known.all for code, _ in c.disabilities if code == "NONE")
    if (len(distinct) <= 7) != (none_rows <= 7):
        return "the community 2887Q counts NONE rows instead of the different codes used"
    return None


def _r_pandas_return(known: Known, side: str) -> str | None:
    if any(_outside_pandas(c) for c in known.all):
        return "the community validator reads dates before 1678 or after 2261 as missing (pandas)"
    return None


_RETURN_REASONS: dict[str, Callable] = {"2887Q": _r2887_return, "2886Q": _r_pandas_return}


# ---------------------------------------------------------------------------------------------
# Comparing and reporting
# ---------------------------------------------------------------------------------------------
def compare(label: str, path: Path, found: dict, *, own: bool) -> list[str]:
    """Print the comparison for one file; return the problems that fail the run (own exports only)."""
    problems: list[str] = []
    print(f"\n== {label}: {path}")
    if "failed" in found:
        print(f"   The community validator could not read the file: {found['failed']}")
        ours_flags, seconds = ours(path)
        print(f"   Ours: {seconds:.2f} s, {sum(len(v) for v in ours_flags.values())} rule flags")
        return [f"{label}: the community validator could not read it ({found['failed']})"] if own else []
    ours_flags, seconds = ours(path)
    their_flags = theirs(found)
    types = found["types"]
    print(f"   {found['children']} children; ours {seconds:.2f} s, community {found['seconds']:.2f} s")
    if found["crashed"]:
        print(f"   Community rules that raised: {found['crashed']}")
    known = Known(path)
    shared = sorted(set(RULES) & set(types), key=lambda code: (int("".join(ch for ch in code if ch.isdigit())), code))
    print(f"   {'Rule':<7}{'Type':<7}{'Ours':>6}{'Theirs':>8}  Agreement")
    quiet = 0
    explained = unexplained = 0
    for code in shared:
        a, b = ours_flags.get(code, set()), their_flags.get(code, set())
        if not a and not b:
            quiet += 1
            continue
        only_ours, only_theirs = sorted(a - b), sorted(b - a)
        agreement = "agree"
        if only_ours or only_theirs:
            agreement = f"{len(only_ours)} ours only, {len(only_theirs)} theirs only"
        print(f"   {code:<7}{types[code]:<7}{len(a):>6}{len(b):>8}  {agreement}")
        for side, children in (("ours", only_ours), ("community", only_theirs)):
            for child in children:
                reason = known.why(code, child, side, found["crashed"])
                if reason:
                    explained += 1
                    print(f"          {child}: {side} only - known: {reason}")
                else:
                    unexplained += 1
                    print(f"          {child}: {side} only - NOT EXPLAINED")
                    if own:
                        problems.append(f"{label}: {code} {child} flagged by {side} only")
        if own and b and types[code] == "Error":
            problems.append(f"{label}: the community validator reports error {code} for {len(b)} children")
    print(f"   {quiet} other rules: neither flags anything.")
    print(f"   Disagreements: {explained} known, {unexplained} not explained.")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description="Our census validator against the community one.")
    parser.add_argument("--sizes", default="demo,lancashire", help="Councils to seed and export (comma-separated).")
    parser.add_argument("--reuse", action="store_true", help="Reuse exports already in /tmp.")
    parser.add_argument("--no-samples", action="store_true", help="Skip the community's sample files.")
    args = parser.parse_args()

    python = ensure_venv()
    exports = [(f"{size} export", export(size, args.reuse)) for size in args.sizes.split(",") if size]
    samples = [] if args.no_samples else [(f"sample {p.name}", p) for p in sorted(SAMPLES.glob("*.xml"))]
    files = exports + samples
    print(f"\nRunning the community validator on {len(files)} files (slow on large files) ...", flush=True)
    found = run_community([p for _, p in files], python)

    problems: list[str] = []
    for label, path in files:
        problems += compare(label, path, found[str(path)], own=(label, path) in exports)
    print()
    if problems:
        print("Conformance FAILED:")
        for problem in problems:
            print(f"  - {problem}")
        sys.exit(1)
    print("Conformance passed: no community errors on our exports, and every disagreement is a known difference.")


if __name__ == "__main__":
    main()
