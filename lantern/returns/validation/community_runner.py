"""Run the community validator on census files and print what it found, as JSON.

This file runs inside the separate virtual environment that holds `csc-validator-be-cin`
(scripts/conformance.py makes it), never inside Lantern:

    .venv-conformance/bin/python lantern/returns/validation/community_runner.py FILE.xml [...]

It imports nothing from Lantern. For each file it prints, keyed by path:

    {"seconds": 12.3, "children": 332,
     "child_rules": {"8500": ["child id", ...], ...},   # rule -> children it flagged
     "return_rules": ["100", "2887Q"],                 # header and whole-return rules flagged
     "crashed": {"8565": "ValueError: ..."},           # rules that raised instead of answering
     "types": {"8500": "Error", "8670Q": "Query", ...}}

or {"failed": "ValueError: ..."} when the validator cannot read the file at all.

The community validator's Python API: `CinValidator(data, registry)` runs every rule;
`full_issue_df` has one row per flagged location with `rule_code` and `child_id`;
`multichild_issues` lists the header and LA-level rules that failed. A rule that raises is
caught and printed ("Error with rule ...") by the validator, so stdout is captured to find
those.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import sys
import time
import warnings
import xml.etree.ElementTree as ET  # noqa: S405 - our own files and DfE's published samples, in a throwaway venv

RULESET = "cin2025_26"


def run(path: str) -> dict:
    from cin_validator import cin_validator

    registry = importlib.import_module(f"cin_validator.rules.{RULESET}").registry
    start = time.perf_counter()
    root = ET.parse(path).getroot()  # noqa: S314
    data = cin_validator.process_data(cin_validator.convert_data(root))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        validator = cin_validator.CinValidator(data, registry)
    seconds = time.perf_counter() - start
    child_rules: dict[str, set[str]] = {}
    df = validator.full_issue_df
    for code, child in zip(df["rule_code"], df["child_id"], strict=True):
        child_rules.setdefault(str(code), set()).add(str(child))
    crashed = {}
    for line in out.getvalue().splitlines():
        if line.startswith("Error with rule "):
            code, _, why = line[len("Error with rule ") :].partition(": ")
            crashed[code] = why
    return {
        "seconds": round(seconds, 3),
        "children": int(len(data["ChildIdentifiers"])),
        "child_rules": {code: sorted(ids) for code, ids in child_rules.items()},
        "return_rules": sorted({str(c) for c in validator.multichild_issues["rule_code"]}),
        "crashed": crashed,
        "types": {str(code): rule.rule_type.value for code, rule in registry.items()},
    }


def run_safely(path: str) -> dict:
    """`run`, or {"failed": reason} when the validator cannot read the file at all."""
    try:
        return run(path)
    except Exception as e:  # noqa: BLE001 - report any failure of the other validator, carry on
        return {"failed": f"{type(e).__name__}: {e}"}


def main(paths: list[str]) -> None:
    json.dump({path: run_safely(path) for path in paths}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
