"""Chronology events from supervision: each case discussion of a signed session, on the child's
chronology (never the personal sections)."""

from django.db.models import CharField, F, TextField, Value
from django.db.models.functions import Concat
from django.urls import reverse

from lantern.core.chronology import EventSource, event_values
from lantern.supervision.models import CaseDiscussion


def _name(prefix: str):
    return Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name"), output_field=CharField())


def _case_discussions():
    return event_values(
        CaseDiscussion.objects.filter(signed_at__isnull=False),
        child="child_id",
        on=F("session__held_on"),
        kind="supervision_discussion",
        title=Concat(
            Value("Discussed in supervision ("),
            _name("session__worker"),
            Value(" with "),
            _name("session__supervisor"),
            Value(")"),
            output_field=CharField(),
        ),
        detail=Concat(F("decisions"), Value("\nRationale: "), F("rationale"), output_field=TextField()),
        object_id="pk",
        actor=_name("session__supervisor"),
    )


def _url(child_id: int, object_id: int) -> str:
    return f"{reverse('supervision:child_case_discussions', args=[child_id])}#discussion-{object_id}"


SOURCES = [
    EventSource(
        kind="supervision_discussion",
        label="Supervision case discussions",
        group="oversight",
        rows=_case_discussions,
        url=_url,
    )
]
