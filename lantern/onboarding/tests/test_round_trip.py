"""Export a synthetic council into the templates, load them into an empty database, and find
the same children, families, episodes, allocations, plans and notes (run on SQLite and, in
CI, on PostgreSQL)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.db import transaction

from lantern.onboarding.export import export_council
from lantern.onboarding.services import onboarding_check, onboarding_load
from lantern.people.models import Child
from lantern.synthetic.generator import seed_authority
from lantern.workforce.models import Worker

AS_OF = date(2026, 3, 31)


def _rows(folder: Path, name: str) -> list[dict]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def fingerprint(folder: Path) -> dict[str, list]:
    """The exported files with references made from Lantern's keys replaced by what they name."""
    people = {
        r["person_ref"]: (r["first_name"], r["last_name"], r["date_of_birth"]) for r in _rows(folder, "relatives")
    }
    homes: dict[str, list] = {}
    for r in _rows(folder, "addresses"):
        homes.setdefault(r["household_ref"], []).append((r["line1"], r["postcode"], r["start_date"]))
    plans = {r["plan_ref"]: (r["title"], r["start_date"]) for r in _rows(folder, "plans")}

    def person(ref: str):
        return people.get(ref, (ref,))

    def row_without(r: dict, *names: str) -> tuple:
        return tuple(sorted((k, v) for k, v in r.items() if k not in names))

    out = {name: sorted(row_without(r) for r in _rows(folder, name))
           for name in ("teams", "staff", "children", "episodes", "allocations", "case_notes")}  # fmt: skip
    out["relatives"] = sorted(row_without(r, "person_ref") for r in _rows(folder, "relatives"))
    out["relationships"] = sorted(
        (
            person(r["person_ref"]),
            r["relationship"],
            person(r["relative_ref"]),
            row_without(r, "person_ref", "relative_ref"),
        )
        for r in _rows(folder, "relationships")
    )
    out["addresses"] = sorted(row_without(r, "household_ref") for r in _rows(folder, "addresses"))
    out["household_members"] = sorted(
        (tuple(sorted(homes[r["household_ref"]])), person(r["person_ref"]), r["start_date"], r["end_date"])
        for r in _rows(folder, "household_members")
    )
    out["plans"] = sorted((plans[r["plan_ref"]], row_without(r, "plan_ref")) for r in _rows(folder, "plans"))
    out["plan_outcomes"] = sorted(
        (plans[r["plan_ref"]], row_without(r, "plan_ref")) for r in _rows(folder, "plan_outcomes")
    )
    return out


def test_export_then_load_into_an_empty_database_finds_the_same_council(db, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    with transaction.atomic():
        seed_authority(size="tiny", seed=4, as_of=AS_OF, progress=False)
        counts = export_council(first)
        transaction.set_rollback(True)  # back to an empty database
    assert not Child.objects.exists() and not Worker.objects.exists()
    assert counts["children.csv"] > 20 and counts["episodes.csv"] > 5 and counts["plans.csv"] > 0
    assert counts["allocations.csv"] > 5 and counts["relationships.csv"] > 20 and counts["case_notes.csv"] > 0

    report = onboarding_check(first)
    assert [str(p) for p in report.problems.sorted()] == []
    seen = []
    result = onboarding_load(first, by=None, progress=lambda done, total, what: seen.append((done, total)))
    assert result.created["children"] == counts["children.csv"]
    assert seen[-1][0] == seen[-1][1] == report.rows

    export_council(second)
    a, b = fingerprint(first), fingerprint(second)
    for name in a:
        assert a[name] == b[name], name
