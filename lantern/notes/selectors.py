"""Reads of case notes. The child has already come through the one door
(`lantern.access.selectors.get_child_for_user`); what is read here depends on who is asking:
final notes are part of the record for everyone who may read it, a draft only for its author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lantern.notes.models import CaseNote, NoteStatus, NoteType, SignificantCategory
from lantern.people.models import Child
from lantern.workforce.models import Worker


def final_notes(child: Child, *, significant_only: bool = False) -> QuerySet[CaseNote]:
    """The child's final notes, newest event first."""
    notes = CaseNote.objects.filter(child=child, status=NoteStatus.FINAL)
    if significant_only:
        notes = notes.filter(significant=True)
    return notes.select_related("author", "corrected_by").order_by("-occurred_on", "-finalised_at", "-pk")


def drafts_of(user: Worker, child: Child) -> QuerySet[CaseNote]:
    """The user's own drafts for the child (nobody else sees them), most recently touched first."""
    return CaseNote.objects.filter(child=child, author=user, status=NoteStatus.DRAFT).order_by("-updated_at", "-pk")


def note_for(user: Worker, child: Child, note_id: int) -> CaseNote:
    """One of the child's notes as the user may see it: a final note, or their own draft.
    Anything else (someone else's draft, a discarded draft, another child's note) is not found."""
    visible = Q(status=NoteStatus.FINAL) | Q(status=NoteStatus.DRAFT, author=user)
    note = CaseNote.objects.filter(visible, child=child, pk=note_id).select_related("author", "corrected_by").first()
    if note is None:
        raise Http404("No case note found")
    return note


def own_draft(user: Worker, child: Child, note_id: int | str | None) -> CaseNote:
    """The user's draft, for changing it; anything else is not found."""
    try:
        note_id = int(note_id or 0)
    except (TypeError, ValueError):
        raise Http404("No draft found") from None
    note = CaseNote.objects.filter(child=child, pk=note_id, author=user, status=NoteStatus.DRAFT).first()
    if note is None:
        raise Http404("No draft found")
    return note


@dataclass(frozen=True)
class NoteVersion:
    """A version of a final note as it was before a later correction."""

    title: str
    body: str
    occurred_on: date | None
    note_type: str
    significant: bool
    significant_category: str
    saved_at: datetime
    saved_by: str
    reason: str  # empty for the original text

    @property
    def category_label(self) -> str:
        return SignificantCategory(self.significant_category).label if self.significant_category else ""

    @property
    def type_label(self) -> str:
        return NoteType(self.note_type).label if self.note_type else ""


@dataclass(frozen=True)
class Correction:
    at: datetime
    by: str
    reason: str


def note_history(note: CaseNote) -> tuple[list[NoteVersion], list[Correction]]:
    """The earlier versions of a final note (oldest first, the current text excluded) and every
    correction (who, when, why), from the note's history. One query."""
    rows = list(
        note.history.filter(status=NoteStatus.FINAL).select_related("history_user").order_by("history_date", "pk")
    )
    versions: list[NoteVersion] = []
    corrections: list[Correction] = []
    previous = None
    for row in rows:
        content = (
            row.title,
            row.body,
            row.occurred_on,
            row.note_type,
            row.significant,
            row.significant_category,
        )
        if previous is not None and content == previous:
            continue
        who = row.history_user.display_name if row.history_user_id else ""
        if previous is not None:
            corrections.append(Correction(row.corrected_at or row.history_date, who, row.correction_reason))
        versions.append(
            NoteVersion(
                *content,
                saved_at=row.history_date,
                saved_by=who,
                reason=row.correction_reason if previous is not None else "",
            )
        )
        previous = content
    # The last version is the note as it is now; the ones before are the earlier texts.
    return versions[:-1], corrections


def latest_final_notes(child: Child, *, limit: int = 5) -> list[CaseNote]:
    return list(final_notes(child)[:limit])


def stale_drafts(user: Worker, child_ids, *, days: int, today: date | None = None) -> QuerySet[CaseNote]:
    """The user's drafts (for the given children) started more than `days` days ago."""
    today = today or timezone.localdate()
    start_of_day = timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), datetime.min.time()))
    return (
        CaseNote.objects.filter(
            author=user, status=NoteStatus.DRAFT, child_id__in=child_ids, created_at__lt=start_of_day
        )
        .select_related("child__person")
        .order_by("created_at", "pk")
    )
