"""Reading a child's chronology: one UNION ALL over every app's event sources.

Every app declares its events (`lantern/<app>/events.py`, read through
`lantern.core.chronology.sources()`); nothing is typed twice, so the chronology cannot miss what
was recorded. A page is one query whatever the history: the slice of the union with the total
alongside, filtered to the child (and to the chosen kinds, dates and significance) inside each
branch, so every branch is an index lookup.

Callers must have fetched the child through the one door (`get_child_for_user`) first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import DateTimeField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lantern.core.chronology import COLUMNS, EventSource, sources
from lantern.core.paging import page_number

#: Filter groups in the order of a child's journey; a group not listed here (a new app's) follows.
GROUPS: dict[str, str] = {
    "front_door": "Contacts, decisions and referrals",
    "assessment": "Assessments",
    "protection": "Strategy discussions, section 47 and child protection",
    "plan": "Child in need plans and reviews",
    "visit": "Visits",
    "direct_work": "Direct work",
    "note": "Case notes",
    "oversight": "Management oversight and supervision",
    "supervision": "Supervision",
    "early_help": "Early help",
    "closure": "Step-down and closure",
    "allocation": "Workers, teams and transfers",
    "family": "Birth, family and addresses",
    "approval": "Other manager decisions",
    "audit": "Case audits",
}

#: The most rows a printed chronology holds; narrow the dates or types for more.
PRINT_LIMIT = 3000


def group_label(group: str) -> str:
    return GROUPS.get(group) or group.replace("_", " ").capitalize()


def source_map() -> dict[str, EventSource]:
    return {source.kind: source for source in sources()}


def kinds_by_group() -> list[tuple[str, str, list[EventSource]]]:
    """[(group, label, [sources])], groups in journey order, sources in declaration order."""
    grouped: dict[str, list[EventSource]] = {}
    for source in sources():
        grouped.setdefault(source.group, []).append(source)
    order = list(GROUPS)
    keys = sorted(grouped, key=lambda g: (order.index(g) if g in order else len(order), g))
    return [(g, group_label(g), grouped[g]) for g in keys]


@dataclass(frozen=True)
class ChronologyFilter:
    kinds: frozenset[str] = field(default_factory=frozenset)  # empty: every kind
    significant_only: bool = False
    date_from: date | None = None
    date_to: date | None = None
    oldest_first: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.kinds or self.significant_only or self.date_from or self.date_to)


@dataclass(frozen=True)
class Event:
    on: date
    at: datetime | None
    kind: str
    label: str
    group: str
    title: str
    detail: str
    significant: bool
    actor: str
    object_id: int
    url: str | None


# ---------------------------------------------------------------------------------------------
# Building the union
# ---------------------------------------------------------------------------------------------


def _column(queryset: QuerySet, name: str):
    """The expression behind a chronology column, without the casts event_values adds: a filter
    on `CAST(child_id AS integer)` could not use the child index (ids are bigint on PostgreSQL)."""
    expression = queryset.query.annotations[name]
    while isinstance(expression, Cast):
        expression = expression.source_expressions[0]
    return expression


def _typed_null_time(queryset: QuerySet) -> QuerySet:
    """Give an empty `ev_at` a type. PostgreSQL reads `A UNION ALL B UNION ALL C` as
    `(A UNION ALL B) UNION ALL C` and types a column that is a bare NULL in both A and B as text,
    which then cannot meet C's timestamps."""
    expression = queryset.query.annotations["ev_at"]
    if isinstance(expression, Value) and expression.value is None:
        queryset = queryset.all()
        typed = Cast(Value(None), DateTimeField()).resolve_expression(queryset.query)
        queryset.query.annotations["ev_at"] = typed  # same place in the column list
    return queryset


def _branch(source: EventSource, child_id: int, flt: ChronologyFilter) -> QuerySet | None:
    queryset = _typed_null_time(source.rows().order_by())  # no model ordering inside a UNION
    significant = queryset.query.annotations["ev_significant"]
    if flt.significant_only:
        if isinstance(significant, Value):
            if not significant.value:
                return None  # this kind is never significant: leave it out of the union
        else:
            queryset = queryset.filter(Exact(significant, True))
    queryset = queryset.filter(Exact(_column(queryset, "ev_child"), child_id))
    if flt.date_from:
        queryset = queryset.filter(GreaterThanOrEqual(_column(queryset, "ev_on"), flt.date_from))
    if flt.date_to:
        queryset = queryset.filter(LessThanOrEqual(_column(queryset, "ev_on"), flt.date_to))
    return queryset


def _ordering(oldest_first: bool) -> list:
    """Newest first: day, then time of day (events with no time after the timed ones), then kind
    and record, so the order is total and the same on SQLite and PostgreSQL. Oldest first is the
    exact reverse."""
    if oldest_first:
        return [F("ev_on").asc(), F("ev_at").asc(nulls_first=True), F("ev_kind").desc(), F("ev_object").asc()]
    return [F("ev_on").desc(), F("ev_at").desc(nulls_last=True), F("ev_kind").asc(), F("ev_object").desc()]


def events_queryset(child_id: int, flt: ChronologyFilter | None = None) -> QuerySet | None:
    """The child's events for the filter as one ordered UNION ALL of dict rows (or None when the
    filter leaves no source). Pages read the same union through the compiled SQL below, which is
    tested to give exactly these rows."""
    flt = flt or ChronologyFilter()
    chosen = [s for s in sources() if not flt.kinds or s.kind in flt.kinds]
    branches = [b for b in (_branch(s, child_id, flt) for s in chosen) if b is not None]
    if not branches:
        return None
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return union.order_by(*_ordering(flt.oldest_first))


def all_events() -> QuerySet:
    """Every child's events as one unordered UNION ALL (for counts across the council)."""
    branches = [_typed_null_time(s.rows().order_by()) for s in sources()]
    return branches[0].union(*branches[1:], all=True)


def to_event(row: dict, by_kind: dict[str, EventSource] | None = None) -> Event:
    by_kind = by_kind if by_kind is not None else source_map()
    source = by_kind.get(row["ev_kind"])
    url = None
    if source is not None and source.url is not None:
        url = source.url(row["ev_child"], row["ev_object"])
    return Event(
        on=row["ev_on"],
        at=row["ev_at"],
        kind=row["ev_kind"],
        label=source.label if source else row["ev_kind"],
        group=source.group if source else "",
        title=row["ev_title"] or "",
        detail=row["ev_detail"] or "",
        significant=bool(row["ev_significant"]),
        actor=row["ev_actor"] or "",
        object_id=row["ev_object"],
        url=url,
    )


# ---------------------------------------------------------------------------------------------
# What pages use: the same union, its SQL compiled once per process
# ---------------------------------------------------------------------------------------------
#
# Building and compiling some fifty querysets costs far more than running them (each is an index
# lookup on the child). So each branch is compiled once, for placeholder values of the child and
# the dates, and a request only puts its own values in the parameters. The union is read with
# one query: the page's rows and, on each row, the total (a window COUNT).

_CHILD = -7_654_321  # placeholders, replaced in the parameters of the compiled SQL
_FROM = date(1001, 1, 1)
_TO = date(1002, 2, 2)
_COLUMN_LIST = ", ".join(COLUMNS)
_ORDER = {
    False: "ev_on DESC, ev_at DESC NULLS LAST, ev_kind ASC, ev_object DESC",
    True: "ev_on ASC, ev_at ASC NULLS FIRST, ev_kind DESC, ev_object ASC",
}


@lru_cache(maxsize=1024)
def _branch_sql(
    kind: str, significant_only: bool, has_from: bool, has_to: bool, vendor: str, tz: str
) -> tuple[str, tuple] | None:
    source = source_map()[kind]
    placeholders = ChronologyFilter(
        significant_only=significant_only, date_from=_FROM if has_from else None, date_to=_TO if has_to else None
    )
    queryset = _branch(source, _CHILD, placeholders)
    if queryset is None:
        return None
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _bind(value, child_id: int, flt: ChronologyFilter):
    if value is None or isinstance(value, bool):
        return value
    if value == _CHILD:
        return child_id
    for placeholder, real in ((_FROM, flt.date_from), (_TO, flt.date_to)):
        if value == placeholder:
            return real
        if value == placeholder.isoformat():  # SQLite receives dates as text
            return real.isoformat()
    return value


def _union_sql(child_id: int, flt: ChronologyFilter) -> tuple[str, list] | None:
    tz = timezone.get_current_timezone_name()
    parts, params = [], []
    for source in sources():
        if flt.kinds and source.kind not in flt.kinds:
            continue
        compiled = _branch_sql(
            source.kind, flt.significant_only, flt.date_from is not None, flt.date_to is not None, connection.vendor, tz
        )
        if compiled is None:
            continue
        sql, branch_params = compiled
        parts.append(sql)
        params.extend(_bind(value, child_id, flt) for value in branch_params)
    if not parts:
        return None
    return " UNION ALL ".join(parts), params


def _row(values) -> dict:
    row = dict(zip(COLUMNS, values, strict=False))
    on, at = row["ev_on"], row["ev_at"]
    if isinstance(on, str):
        row["ev_on"] = date.fromisoformat(on[:10])
    elif isinstance(on, datetime):
        row["ev_on"] = on.date()
    if isinstance(at, str):  # SQLite keeps times as UTC text (or hands them over as naive UTC)
        at = parse_datetime(at)
    if isinstance(at, datetime) and timezone.is_naive(at):
        at = timezone.make_aware(at, UTC)
    row["ev_at"] = at
    row["ev_significant"] = bool(row["ev_significant"])
    return row


def _fetch(child_id: int, flt: ChronologyFilter, *, limit: int | None, offset: int = 0) -> tuple[list[Event], int]:
    """(events, total for the filter) in one query; the total is 0 when the slice is empty."""
    union = _union_sql(child_id, flt)
    if union is None:
        return [], 0
    sql, params = union
    query = (
        f"SELECT {_COLUMN_LIST}, COUNT(*) OVER () AS ev_total FROM ({sql}) AS events "  # noqa: S608 - compiled SQL
        f"ORDER BY {_ORDER[flt.oldest_first]}"
    )
    if limit is not None:
        query += " LIMIT %s OFFSET %s"
        params = [*params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        fetched = cursor.fetchall()
    by_kind = source_map()
    total = fetched[0][-1] if fetched else 0
    return [to_event(_row(values[:-1]), by_kind) for values in fetched], total


def count(child_id: int, flt: ChronologyFilter | None = None) -> int:
    union = _union_sql(child_id, flt or ChronologyFilter())
    if union is None:
        return 0
    sql, params = union
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS events", params)  # noqa: S608 - compiled SQL
        return cursor.fetchone()[0]


class _OnePage:
    """What Paginator needs to know about a page read with its total in one query."""

    def __init__(self, total: int, rows: list[Event], offset: int):
        self.total, self.rows, self.offset = total, rows, offset

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, item: slice) -> list[Event]:
        return self.rows[item.start - self.offset : item.stop - self.offset]


def events_page(child_id: int, flt: ChronologyFilter, *, page: str | int | None, per_page: int = 50) -> Page:
    """One page of events: one query (rows and total together). A bad page number gives the first
    page; one past the end gives the last page (two more queries)."""
    number = page_number(page)
    rows, total = _fetch(child_id, flt, limit=per_page, offset=(number - 1) * per_page)
    if not rows and number > 1:
        total = count(child_id, flt)
        number = max(1, -(-total // per_page))
        rows, total = _fetch(child_id, flt, limit=per_page, offset=(number - 1) * per_page)
    return Paginator(_OnePage(total, rows, (number - 1) * per_page), per_page).page(number)


def events(child_id: int, flt: ChronologyFilter | None = None, *, limit: int | None = None) -> list[Event]:
    """Events in order, at most `limit` of them (one query)."""
    return _fetch(child_id, flt or ChronologyFilter(), limit=limit)[0]


def events_with_total(child_id: int, flt: ChronologyFilter, *, limit: int) -> tuple[list[Event], int]:
    """The first `limit` events and how many there are in all (one query)."""
    rows, total = _fetch(child_id, flt, limit=limit)
    return rows, total


def iter_events(child_id: int, flt: ChronologyFilter | None = None, *, chunk_size: int = 1000) -> Iterator[Event]:
    """Every event for the filter, read in chunks through a server-side cursor where the database
    has one (for a download of any length)."""
    flt = flt or ChronologyFilter()
    union = _union_sql(child_id, flt)
    if union is None:
        return
    sql, params = union
    by_kind = source_map()
    query = f"SELECT {_COLUMN_LIST} FROM ({sql}) AS events ORDER BY {_ORDER[flt.oldest_first]}"  # noqa: S608
    with connection.chunked_cursor() as cursor:
        cursor.execute(query, params)
        while chunk := cursor.fetchmany(chunk_size):
            for values in chunk:
                yield to_event(_row(values), by_kind)


def recent_significant(child_id: int, *, limit: int = 5) -> list[Event]:
    """The most recent significant events, for the panel on the child's record (one query)."""
    return events(child_id, ChronologyFilter(significant_only=True), limit=limit)
