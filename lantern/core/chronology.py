"""How an app declares the events the chronology reads (the chronology is derived, never typed).

Each app that records something about a child has an `events.py` with a module-level list
`SOURCES` of `EventSource`. The `chronology` app (and anything else that needs "everything that
happened to a child", such as the practice standards) reads `sources()` and combines them
with one `UNION ALL` in the database, so a page costs one query whatever the history.

    # lantern/recording/events.py
    from django.db.models import BooleanField, CharField, F, Value
    from lantern.core.chronology import EventSource, event_values

    def _visits():
        return event_values(
            Visit.objects.all(),
            child=F("child_id"), on=F("visited_on"), at=F("visited_at"),
            kind="visit", title=Value("Visit"), detail=F("observations"),
            significant=Value(False, BooleanField()), object_id=F("pk"), actor=F("author__display_name"),
        )

    SOURCES = [EventSource(kind="visit", label="Visits", group="visits", rows=_visits,
                           url=lambda child_id, object_id: reverse(...))]

`rows()` returns a queryset over every child (unfiltered); the reader filters it with
`.filter(ev_child=...)` or aggregates it. Columns, in order, are `COLUMNS` below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Expression,
    F,
    IntegerField,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Left

COLUMNS = ("ev_child", "ev_on", "ev_at", "ev_kind", "ev_title", "ev_detail", "ev_significant", "ev_object", "ev_actor")

DETAIL_CHARS = 400  # the list shows a summary; the linked record holds the whole text


@dataclass(frozen=True)
class EventSource:
    kind: str  # unique, e.g. "visit"
    label: str  # for the filter, e.g. "Visits"
    group: str  # a broader filter group: "front_door", "assessment", "plan", "protection",
    #             "visit", "direct_work", "note", "oversight", "allocation", "closure", ...
    rows: Callable[[], QuerySet]  # queryset with exactly COLUMNS (use event_values)
    url: Callable[[int, int], str] | None = None  # (child_id, object_id) -> the record's page


def _field(value):
    return F(value) if isinstance(value, str) else value


def _expr(value, field):
    if isinstance(value, str):
        # A field path (an id column) is used as it is, so filters on it can use its index.
        return F(value)
    if not isinstance(value, Expression | F):
        value = Value(value)
    return Cast(value, field) if not isinstance(field, DateTimeField | DateField) else value


def event_values(
    queryset: QuerySet,
    *,
    child,
    on,
    kind: str,
    title,
    object_id,
    at=None,
    detail=None,
    significant=False,
    actor=None,
) -> QuerySet:
    """Annotate `queryset` with the chronology columns and return `.values(*COLUMNS)`.

    `child`, `on`, `object_id` and the optional ones accept a field path (str), an expression
    or a constant; `kind` is a constant; `title` is a constant string or an expression (F("field"), Concat(...))."""
    title_expr = Value(title, CharField()) if isinstance(title, str) else title
    if detail is None:
        detail_expr = Value("", TextField())
    else:
        detail_expr = Left(Coalesce(Cast(_field(detail), TextField()), Value("")), DETAIL_CHARS)
    actor_expr = Value("", CharField()) if actor is None else Coalesce(Cast(_field(actor), CharField()), Value(""))
    return queryset.annotate(
        ev_child=_expr(child, IntegerField()),
        ev_on=_field(on),
        # A bare NULL is typed text by PostgreSQL in a UNION of three or more branches.
        ev_at=Cast(Value(None), DateTimeField()) if at is None else _field(at),
        ev_kind=Value(kind, CharField()),
        ev_title=Cast(title_expr, CharField()),
        ev_detail=detail_expr,
        ev_significant=Value(significant, BooleanField()) if isinstance(significant, bool) else significant,
        ev_object=_expr(object_id, IntegerField()),
        ev_actor=actor_expr,
    ).values(*COLUMNS)


@cache
def sources() -> tuple[EventSource, ...]:
    """Every app's declared event sources, in app order."""
    found: list[EventSource] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("lantern."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.events")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.events":
                raise
            continue
        found.extend(getattr(module, "SOURCES", []))
    kinds = [s.kind for s in found]
    duplicates = {k for k in kinds if kinds.count(k) > 1}
    if duplicates:
        raise ValueError(f"Chronology event kinds declared twice: {sorted(duplicates)}")
    return tuple(found)
