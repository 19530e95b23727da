"""Time our census validator and the community one on the same file (for `make bench`).

    from lantern.returns.validation.bench import time_validators
    time_validators("census.xml")
    # {"children": 17342, "ours_seconds": 1.9, "community_seconds": 305.2, "community_wall_seconds": 309.8}

`ours_seconds` is `validate` (parse, layout checks and every rule) in this process, the best of
`repeat` runs. `community_seconds` is the community validator's own parse and rules as it
reports them (its ruleset cin2025_26, in .venv-conformance, made if missing);
`community_wall_seconds` adds starting Python and importing pandas. Also runnable as
`python -m lantern.returns.validation.bench FILE.xml [--ours-only]`.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def time_ours(path: Path | str, repeat: int = 3) -> tuple[float, int]:
    from lantern.returns.validation import validate

    best, children = float("inf"), 0
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = validate(path)
        best = min(best, time.perf_counter() - start)
        children = result.children
    return best, children


def time_validators(path: Path | str, *, repeat: int = 3, community: bool = True) -> dict:
    """Seconds taken by each validator on `path` (the community one is skipped with community=False)."""
    ours, children = time_ours(path, repeat)
    timings: dict = {"path": str(path), "children": children, "ours_seconds": round(ours, 3)}
    if community:
        from lantern.returns.validation.community import run_community

        start = time.perf_counter()
        found = run_community([path])[str(path)]
        timings["community_wall_seconds"] = round(time.perf_counter() - start, 3)
        timings["community_seconds"] = found.get("seconds")
        if "failed" in found:
            timings["community_failed"] = found["failed"]
    return timings


def main(argv: list[str] | None = None) -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--ours-only", action="store_true", help="Do not run the community validator.")
    args = parser.parse_args(argv)
    django.setup()
    for path in args.paths:
        print(json.dumps(time_validators(path, community=not args.ours_only)))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    main()
