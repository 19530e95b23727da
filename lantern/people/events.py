"""Chronology events from a child's own record: birth, death, where they lived and dated
relationships (see lantern/core/chronology.py for the protocol).

The expression helpers at the top (`worker_name`, `person_name`, `choice_label`, `when`) build
readable titles in the database, so a chronology page is still one query. They live here, in the
leftmost app with events, so every later app's events.py can import them.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Expression,
    F,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Greatest, NullIf, Trim
from django.urls import reverse

from lantern.core.chronology import EventSource, event_values
from lantern.people.models import Address, Person, Relationship, RelationshipType

# ---------------------------------------------------------------------------------------------
# Expression helpers shared by every events.py
# ---------------------------------------------------------------------------------------------


def text(*parts) -> Expression:
    """Concatenate strings (constants) and expressions (field paths as F(...)) into one text."""
    values = [Value(p) if isinstance(p, str) else p for p in parts]
    if len(values) == 1:
        return Coalesce(values[0], Value(""), output_field=CharField())
    return Concat(*values, output_field=CharField())


def person_name(prefix: str = "") -> Expression:
    """A person's full name ("first last") through `prefix` (e.g. "person")."""
    p = f"{prefix}__" if prefix else ""
    return Trim(Concat(F(f"{p}first_name"), Value(" "), F(f"{p}last_name"), output_field=CharField()))


def worker_name(prefix: str) -> Expression:
    """A worker's display name (full name, or username when they have no name), or NULL when the
    foreign key `prefix` is empty - the same as `Worker.display_name`."""
    full = Trim(Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name"), output_field=CharField()))
    return Coalesce(NullIf(full, Value("")), F(f"{prefix}__username"), output_field=CharField())


def choice_label(field: str, choices, *, default: Expression | None = None) -> Expression:
    """The human label of a coded field (a TextChoices class or a list of (value, label))."""
    pairs = choices.choices if hasattr(choices, "choices") else choices
    return Case(
        *[When(**{field: value}, then=Value(label)) for value, label in pairs],
        default=default if default is not None else F(field),
        output_field=CharField(),
    )


def when(condition: Q, then, otherwise) -> Expression:
    """`then` if the condition holds, else `otherwise` (strings or expressions), as text."""
    as_expr = [Value(v) if isinstance(v, str) else v for v in (then, otherwise)]
    return Case(When(condition, then=as_expr[0]), default=as_expr[1], output_field=CharField())


def flag(condition: Q) -> Expression:
    """A boolean column: true where the condition holds (for `significant`)."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


def _births():
    return event_values(
        Person.objects.filter(child__isnull=False, date_of_birth__isnull=False),
        child="pk",
        on="date_of_birth",
        kind="birth",
        title="Born",
        object_id="pk",
    )


def _deaths():
    return event_values(
        Person.objects.filter(child__isnull=False, date_of_death__isnull=False),
        child="pk",
        on="date_of_death",
        kind="death",
        title="Died",
        object_id="pk",
        significant=True,
    )


def _address_line() -> Expression:
    return text(
        F("line1"),
        when(Q(line2=""), "", text(", ", F("line2"))),
        ", ",
        F("town"),
        " ",
        F("postcode"),
    )


def _addresses():
    """Each address of a household while the child lived in it: "Moved to ..." when the household
    moved (or the child joined it) during the child's time there, "Living at ..." otherwise."""
    # One join to the household's members; the annotations below reuse it (a filter before
    # annotate on a multi-valued relation fixes the join), so each row is one (address, member).
    overlapping = Address.objects.filter(
        Q(household__members__end_date__isnull=True) | Q(household__members__end_date__gte=F("start_date")),
        Q(end_date__isnull=True) | Q(end_date__gte=F("household__members__start_date")),
        household__members__person__child__isnull=False,
    )
    moved = Q(start_date__gt=F("household__members__start_date"))
    return event_values(
        overlapping,
        child="household__members__person_id",
        on=Greatest(F("start_date"), F("household__members__start_date")),
        kind="address",
        title=Concat(when(moved, "Moved to ", "Living at "), _address_line(), output_field=CharField()),
        detail=Concat(Value("Household: "), F("household__name"), output_field=TextField()),
        object_id="pk",
    )


def _relationship_type() -> Expression:
    return choice_label("type", [(value, label.lower()) for value, label in RelationshipType.choices])


def _relationships_started():
    return event_values(
        Relationship.objects.filter(start_date__isnull=False, relative__child__isnull=False),
        child="relative_id",
        on="start_date",
        kind="relationship_start",
        title=text("Relationship began: ", person_name("person"), " (", _relationship_type(), ")"),
        detail=F("notes"),
        object_id="pk",
    )


def _relationships_ended():
    return event_values(
        Relationship.objects.filter(end_date__isnull=False, relative__child__isnull=False),
        child="relative_id",
        on="end_date",
        kind="relationship_end",
        title=text("Relationship ended: ", person_name("person"), " (", _relationship_type(), ")"),
        detail=F("notes"),
        object_id="pk",
    )


def _record(anchor: str):
    def url(child_id: int, object_id: int) -> str:
        return reverse("casework:child", args=[child_id]) + anchor

    return url


SOURCES = [
    EventSource(kind="birth", label="Birth", group="family", rows=_births, url=_record("#identity")),
    EventSource(kind="death", label="Death", group="family", rows=_deaths, url=_record("#identity")),
    EventSource(kind="address", label="Address changes", group="family", rows=_addresses, url=_record("#identity")),
    EventSource(
        kind="relationship_start",
        label="Relationships started",
        group="family",
        rows=_relationships_started,
        url=_record("#family"),
    ),
    EventSource(
        kind="relationship_end",
        label="Relationships ended",
        group="family",
        rows=_relationships_ended,
        url=_record("#family"),
    ),
]
