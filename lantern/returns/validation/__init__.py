"""Validate a children in need census file in the app, before it goes to DfE (finding L20).

    from lantern.returns.validation import validate_file
    issues = validate_file("census.xml")            # or bytes, or an open (uploaded) file

Each `Issue` names the child (LAchildID; None for the header and whole-return rules), the
rule (DfE's rule number as the community validator names it, for example "8500" or "8670Q",
or "schema" for the layout checks), the message, the values flagged and the line in the file.
Issues come sorted by child, then rule, then line. Rules ending in Q are DfE queries (to
check and explain); everything else, schema included, is an error.

The schema checks are in layout.py, the rules (all of the community validator's cin2025_26
ruleset, with the deliberate differences listed there) in rules.py. The file is parsed with
lxml without resolving entities or touching the network, then read in one pass per child.
"""

from __future__ import annotations

import gc
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from lantern.returns.validation.layout import Reader
from lantern.returns.validation.rules import ALWAYS, ERROR, FILE_RULES, NEEDED, QUERY, RULES, Context

__all__ = ["ERROR", "QUERY", "RULES", "SCHEMA", "Issue", "Result", "rule_sort_key", "validate", "validate_file"]

SCHEMA = "schema"


@dataclass(frozen=True, slots=True)
class Issue:
    child: str | None
    rule: str
    message: str
    values: dict[str, str]
    line: int | None
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def values_text(self) -> str:
        return "; ".join(f"{k}: {v if v != '' else '(blank)'}" for k, v in self.values.items())


@dataclass
class Result:
    issues: list[Issue]
    children: int
    header: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.is_error)

    @property
    def queries(self) -> int:
        return sum(1 for i in self.issues if not i.is_error)

    def by_rule(self) -> list[tuple[str, str, str, int, int]]:
        """(rule, severity, message, issues, children) for each rule with issues, in rule order."""
        counts: Counter[str] = Counter()
        children: dict[str, set] = {}
        first: dict[str, Issue] = {}
        for issue in self.issues:
            counts[issue.rule] += 1
            children.setdefault(issue.rule, set()).add(issue.child)
            first.setdefault(issue.rule, issue)
        rows = []
        for code in sorted(counts, key=rule_sort_key):
            message = RULES[code].message if code in RULES else "The file does not follow the 2025-26 layout"
            rows.append((code, first[code].severity, message, counts[code], len(children[code] - {None})))
        return rows


_DIGITS = re.compile(r"\d+")


def rule_sort_key(code: str) -> tuple[int, int, str]:
    if code == SCHEMA:
        return (0, 0, code)
    match = _DIGITS.match(code)
    return (1, int(match.group()) if match else 0, code)


def _issue_sort_key(issue: Issue):
    return (issue.child is not None, issue.child or "", rule_sort_key(issue.rule), issue.line or 0)


def _parse(source):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return etree.parse(io.BytesIO(bytes(source)), parser)
    if isinstance(source, (str, os.PathLike)):
        return etree.parse(os.fspath(source), parser)
    if hasattr(source, "seek"):
        source.seek(0)
    return etree.parse(source, parser)


def validate(source) -> Result:
    """Validate a census file (a path, bytes, or an open binary file) and return every issue."""
    # The cyclic garbage collector would walk the growing tree of records again and again while
    # they are built (half the time on a large file); nothing here needs it until the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _validate(source)
    finally:
        if collecting:
            gc.enable()


def _validate(source) -> Result:
    try:
        tree = _parse(source)
    except etree.XMLSyntaxError as e:
        return Result([Issue(None, SCHEMA, f"The file is not well-formed XML: {e.msg}", {}, e.lineno)], 0)
    reader = Reader()
    reader.read(tree.getroot())
    header, children = reader.header, reader.children
    ctx = Context(header, children)

    issues: list[Issue] = []
    flagged: set[tuple[int | None, int | None, str]] = set()  # (child index, line, rule)
    for r in FILE_RULES:
        hits = r.func(header, children, ctx)
        if hits:
            for line, values in hits:
                issues.append(Issue(None, r.code, r.message, values, line, r.severity))
                flagged.add((None, line, r.code))
    for c in children:
        groups = [ALWAYS]
        groups.extend(rules for need, rules in NEEDED if getattr(c, need))
        for group in groups:
            for r in group:
                hits = r.func(c, ctx)
                if hits:
                    child_id = c.id or ""
                    for line, values in hits:
                        issues.append(Issue(child_id, r.code, r.message, values, line, r.severity))
                        flagged.add((c.index, line, r.code))
    for p in reader.problems:
        if p.defer_to and any((p.child_index, p.line, code) in flagged for code in p.defer_to):
            continue
        child_id = None if p.child_index is None else (children[p.child_index].id or "")
        issues.append(Issue(child_id, SCHEMA, p.message, p.values, p.line, ERROR))
    issues.sort(key=_issue_sort_key)
    return Result(issues, len(children), dict(header.f))


def validate_file(source) -> list[Issue]:
    """The issues in a census file (a path, bytes, or an open binary file), sorted by child and rule."""
    return validate(source).issues
