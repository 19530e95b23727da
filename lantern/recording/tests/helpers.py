"""Builders for recording tests: visits and direct work written straight to the models."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from lantern.recording.models import DirectWorkSession, Visit, VisitLocation, VisitType


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_visit(child, author, day: date, **fields) -> Visit:
    values = {
        "visit_type": VisitType.CIN_STATUTORY,
        "location": VisitLocation.HOME,
        "present": "Mum and the child",
        "child_seen": True,
        "seen_alone": False,
        "observations": "The home was warm and tidy.",
        "analysis": "Things are steady.",
        "next_steps": "Visit again in four weeks.",
    }
    values.update(fields)
    visited_at = values.pop("visited_at", at(day))
    return Visit.objects.create(child=child, author=author, visited_at=visited_at, visited_on=day, **values)


def make_session(child, author, day: date, **fields) -> DirectWorkSession:
    values = {
        "method": "Three houses",
        "themes": ["wishes_feelings"],
        "child_words": "I like it when Mum reads to me.",
        "reflection": "Reading together is a strength.",
    }
    values.update(fields)
    return DirectWorkSession.objects.create(child=child, author=author, session_date=day, **values)
