"""Oversight in the chronology: signed entries, addenda and check-ins (drafts never appear)."""

from django.db.models import CharField, F, TextField, Value
from django.db.models.functions import Concat, TruncDate
from django.urls import reverse

from lantern.core.chronology import EventSource, event_values
from lantern.oversight.models import CheckIn, OversightAddendum, OversightEntry


def _name(prefix: str):
    return Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name"), output_field=CharField())


def _entries():
    return event_values(
        OversightEntry.objects.filter(signed_at__isnull=False),
        child="child_id",
        on=TruncDate("signed_at"),
        at="signed_at",
        kind="oversight",
        title=Concat(Value("Management oversight by "), _name("signed_by"), output_field=CharField()),
        detail=Concat(
            Value("Direction: "), F("direction"), Value(" Rationale: "), F("rationale"), output_field=TextField()
        ),
        object_id="pk",
        actor=_name("signed_by"),
    )


def _addenda():
    return event_values(
        OversightAddendum.objects.all(),
        child="entry__child_id",
        on=TruncDate("created_at"),
        at="created_at",
        kind="oversight_addendum",
        title=Concat(Value("Addendum to management oversight by "), _name("author"), output_field=CharField()),
        detail="text",
        object_id="entry_id",
        actor=_name("author"),
    )


def _check_ins():
    return event_values(
        CheckIn.objects.all(),
        child="child_id",
        on="held_on",
        at="created_at",
        kind="check_in",
        title=Concat(Value("Check-in by supervising social worker "), _name("author"), output_field=CharField()),
        detail="summary",
        object_id="pk",
        actor=_name("author"),
    )


def _entry_url(child_id: int, object_id: int) -> str:
    return reverse("oversight:entry", args=[child_id, object_id])


SOURCES = [
    EventSource(kind="oversight", label="Management oversight", group="oversight", rows=_entries, url=_entry_url),
    EventSource(kind="oversight_addendum", label="Oversight addenda", group="oversight", rows=_addenda, url=_entry_url),
    EventSource(
        kind="check_in",
        label="Check-ins by the supervising social worker",
        group="oversight",
        rows=_check_ins,
        url=lambda child_id, object_id: reverse("oversight:check_ins", args=[child_id]) + f"#check-in-{object_id}",
    ),
]
