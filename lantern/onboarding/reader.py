"""Reading one onboarding CSV file, a row at a time, against its template (schema.py).

The file is streamed: a row is read, checked and handed on, so a file of any size needs the
memory of one row. Every problem is recorded with the file and the line it starts on; what
cannot be read at all (not UTF-8, a quote never closed, a header without a required column)
stops that file with one message saying so.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from lantern.onboarding import schema
from lantern.onboarding.schema import BOOL, CODE, CODES, DATE, INT, Template

#: Beyond this many problems a dry run stops listing them (and says how many more there were).
MAX_PROBLEMS = 1000
#: The longest value the reader takes in a cell (a column's own limit is checked after); longer means a broken file.
MAX_CELL = 1_000_000

csv.field_size_limit(MAX_CELL)


@dataclass(frozen=True, order=True)
class Problem:
    order: int
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class Problems:
    """Problems found so far, kept up to MAX_PROBLEMS (the rest are counted)."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = 0
        #: Files that could not be read to the end (their rows cannot be relied on).
        self.stopped: set[str] = set()

    def add(self, template: Template | str, line: int, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.more += 1
            return
        name = template.filename if isinstance(template, Template) else template
        order = list(schema.FILENAMES).index(name) if name in schema.FILENAMES else -1
        self.items.append(Problem(order, name, line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items) + self.more

    def sorted(self) -> list[Problem]:
        return sorted(self.items)


@dataclass
class Row:
    line: int
    values: dict
    ok: bool

    def __getitem__(self, name: str):
        return self.values.get(name)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_UK = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def parse_date(text: str) -> date:
    """A date as `YYYY-MM-DD` or `DD/MM/YYYY`; ValueError otherwise."""
    if _ISO.fullmatch(text):
        return date.fromisoformat(text)
    if _UK.fullmatch(text):
        return datetime.strptime(text, "%d/%m/%Y").date()
    raise ValueError(text)


def _clean(column: schema.Column, raw: str) -> tuple[object, str]:
    """(value, problem) for one cell; problem is "" when the value is good."""
    text = raw.strip()
    label = f"'{column.name}'"
    if not text:
        if column.required:
            return None, f"{label} is empty: it is required"
        return ([] if column.kind == CODES else False if column.kind == BOOL else "" if column.kind in
                (schema.TEXT, CODE) else None), ""  # fmt: skip
    if column.kind == DATE:
        try:
            return parse_date(text), ""
        except ValueError:
            return None, f"{label} '{text[:40]}' is not a date (write dates as YYYY-MM-DD, like 2024-03-31)"
    if column.kind == CODE:
        match = _choice(column, text)
        if match is None:
            return None, f"{label} '{text[:40]}' is not one of: {', '.join(column.choices)}"
        return match, ""
    if column.kind == CODES:
        values = []
        for part in re.split(r"[;\s]+", text):
            match = _choice(column, part)
            if match is None:
                return None, f"{label} '{part[:40]}' is not one of: {', '.join(column.choices)}"
            if match not in values:
                values.append(match)
        return values, ""
    if column.kind == BOOL:
        if text.lower() in schema.TRUE_VALUES:
            return True, ""
        if text.lower() in schema.FALSE_VALUES:
            return False, ""
        return None, f"{label} '{text[:40]}' is not yes or no"
    if column.kind == INT:
        if not text.isdigit():
            return None, f"{label} '{text[:40]}' is not a whole number"
        return int(text), ""
    if column.max_length and len(text) > column.max_length:
        return None, f"{label} is {len(text)} characters long: the most it can hold is {column.max_length}"
    return text, ""


def _choice(column: schema.Column, text: str) -> str | None:
    if text in column.choices:
        return text
    folded = text.casefold()
    return next((c for c in column.choices if c.casefold() == folded), None)


def _header(template: Template, header: list[str], problems: Problems) -> list[str] | None:
    names = [h.strip().lower() for h in header]
    known = set(template.column_names)
    ok = True
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.add(template, 1, f"the column '{name}' appears twice in the header")
            ok = False
        seen.add(name)
        if name and name not in known:
            problems.add(template, 1, f"'{name}' is not a column of this template (its columns are: "
                                      f"{', '.join(template.column_names)})")  # fmt: skip
            ok = False
    missing = [c for c in template.required_columns if c not in seen]
    if missing:
        problems.add(template, 1, f"the header has no column {', '.join(repr(m) for m in missing)}: "
                                  f"{'they are' if len(missing) > 1 else 'it is'} required")  # fmt: skip
        ok = False
    return names if ok else None


def read(template: Template, path: Path, problems: Problems) -> Iterator[Row]:
    """Every row of the file, cleaned; problems go to `problems`. A row with a problem is
    yielded with ok=False (its good values are still there, for checks across files)."""
    with path.open("rb") as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, strict=True)
        last_line = 0
        try:
            header = next(reader, None)
            while header is not None and not any(cell.strip() for cell in header):
                header = next(reader, None)  # blank lines before the header
            if header is None:
                problems.add(template, 0, "the file is empty: it needs at least the header line (the blank "
                                          "template has it)")  # fmt: skip
                problems.stopped.add(template.filename)
                return
            names = _header(template, header, problems)
            if names is None:
                problems.stopped.add(template.filename)
                return
            columns = [template.column(n) if n else None for n in names]
            absent = [c for c in template.columns if c.name not in names]
            last_line = reader.line_num
            for cells in reader:
                line = last_line + 1
                last_line = reader.line_num
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if len(cells) != len(columns):
                    if len(cells) < len(columns):
                        plural = "s" if len(cells) != 1 else ""
                        problems.add(template, line, f"the line has {len(cells)} value{plural} but the header "
                                                     f"has {len(columns)}: it is cut short")  # fmt: skip
                    else:
                        problems.add(template, line, f"the line has {len(cells)} values but the header has "
                                                     f"{len(columns)} (a comma not in quotes?)")  # fmt: skip
                    yield Row(line, {}, False)
                    continue
                values: dict = {}
                ok = True
                for column, raw in zip(columns, cells, strict=True):
                    if column is None:
                        continue
                    value, problem = _clean(column, raw)
                    if problem:
                        problems.add(template, line, problem)
                        ok = False
                    values[column.name] = value
                for column in absent:
                    values[column.name] = _clean(column, "")[0]
                yield Row(line, values, ok)
        except UnicodeDecodeError:
            problems.stopped.add(template.filename)
            problems.add(template, last_line + 1, "the file is not UTF-8 text (save it from the spreadsheet as "
                                                  "'CSV UTF-8'); the rest of the file was not read")  # fmt: skip
        except csv.Error as e:
            problems.stopped.add(template.filename)
            reason = str(e)
            if "unexpected end of data" in reason or "EOF" in reason:
                reason = "a quoted value is never closed: the file is cut short"
            elif "field larger" in reason:
                reason = f"a value is longer than {MAX_CELL:,} characters (is a closing quote missing?)"
            problems.add(template, last_line + 1, f"{reason}; the rest of the file was not read")
