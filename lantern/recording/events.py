"""Visits and direct work in the chronology (read by lantern/chronology; see lantern/core/chronology.py).

- a visit: "Visit (statutory CIN): child seen alone", with what the child said (or, if nothing
  was recorded, what was observed) as the detail;
- a direct work session: "Direct work: <method>", with the child's own words as the detail.
"""

from __future__ import annotations

from django.db.models import Case, CharField, F, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.urls import reverse

from lantern.core.chronology import EventSource, event_values
from lantern.recording.models import VISIT_TYPE_SHORT, DirectWorkSession, Visit


def _author():
    return Concat(F("author__first_name"), Value(" "), F("author__last_name"), output_field=CharField())


def _visit_title():
    kind = Case(
        *[When(visit_type=code, then=Value(short)) for code, short in VISIT_TYPE_SHORT.items()],
        default=F("visit_type"),
        output_field=CharField(),
    )
    seen = Case(
        When(child_seen=False, then=Value("child not seen")),
        When(seen_alone=True, then=Value("child seen alone")),
        default=Value("child seen, not alone"),
        output_field=CharField(),
    )
    return Concat(Value("Visit ("), kind, Value("): "), seen, output_field=CharField())


def _visit_detail():
    return Case(
        When(~Q(child_said=""), then=F("child_said")),
        default=F("observations"),
        output_field=TextField(),
    )


def _visits():
    return event_values(
        Visit.objects.order_by(),
        child=F("child_id"),
        on=F("visited_on"),
        at=F("visited_at"),
        kind="visit",
        title=_visit_title(),
        detail=_visit_detail(),
        object_id=F("pk"),
        actor=_author(),
    )


def _direct_work():
    return event_values(
        DirectWorkSession.objects.order_by(),
        child=F("child_id"),
        on=F("session_date"),
        kind="direct_work",
        title=Concat(Value("Direct work: "), F("method"), output_field=CharField()),
        detail=F("child_words"),
        object_id=F("pk"),
        actor=_author(),
    )


SOURCES = [
    EventSource(
        kind="visit",
        label="Visits",
        group="visit",
        rows=_visits,
        url=lambda child_id, object_id: reverse("recording:visit", args=[child_id, object_id]),
    ),
    EventSource(
        kind="direct_work",
        label="Direct work",
        group="direct_work",
        rows=_direct_work,
        url=lambda child_id, object_id: reverse("recording:direct_work", args=[child_id, object_id]),
    ),
]
