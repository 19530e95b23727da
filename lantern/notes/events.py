"""Case notes in the chronology: every final note (drafts and discarded drafts are not case
records), on the date of the event, flagged significant when the worker marked it so."""

from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Concat
from django.urls import reverse

from lantern.core.chronology import EventSource, event_values
from lantern.notes.models import CaseNote, NoteStatus, NoteType


def _type_label():
    return Case(
        *[When(note_type=value, then=Value(label.lower())) for value, label in NoteType.choices],
        default=Value("note"),
        output_field=CharField(),
    )


def _notes():
    return event_values(
        CaseNote.objects.filter(status=NoteStatus.FINAL),
        child="child_id",
        on="occurred_on",
        kind="note",
        title=Concat(
            Value("Case note: "), F("title"), Value(" ("), _type_label(), Value(")"), output_field=CharField()
        ),
        detail="body",
        significant=F("significant"),
        object_id="pk",
        actor=Concat(F("author__first_name"), Value(" "), F("author__last_name"), output_field=CharField()),
    )


def _url(child_id: int, object_id: int) -> str:
    return reverse("notes:note", args=[child_id, object_id])


SOURCES = [EventSource(kind="note", label="Case notes", group="note", rows=_notes, url=_url)]
