"""Every write on case notes. Keyword-only functions, one transaction each.

- `case_note_save_draft` creates or updates the author's draft (as the worker types, or with the
  "Save draft" button). A draft holds whatever has been typed so far.
- `case_note_finalise` makes a final note (new, or from the author's draft): it must be complete,
  dated today or earlier, and a significant event needs a category.
- `case_note_correct` changes a final note's text; the reason is required and the text before the
  correction stays in the history.
- `case_note_discard` marks the author's draft discarded (a draft is not yet a case record).

Who may call these (the author, a manager for corrections) is checked by the caller's access
checks *and* here, so no caller can skip it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.core import dates
from lantern.core.versions import lock_current
from lantern.notes.models import CaseNote, NoteStatus, NoteType, SignificantCategory
from lantern.people.models import Child
from lantern.workforce.models import Worker

LABEL_ON = "Date of the event"

#: The fields a worker writes; everything else is kept by the services.
CONTENT_FIELDS = ("title", "body", "occurred_on", "note_type", "significant", "significant_category")

MESSAGES = {
    "title": "Enter a title for the note",
    "body": "Enter what happened",
    "occurred_on": "Enter the date of the event",
    "note_type": "Select the type of note",
    "future": "Date of the event must be today or in the past",
    "category": "Select the category of significant event",
    "empty_draft": "Type a title or some text before saving a draft",
    "reason": "Enter the reason for the correction",
    "unchanged": "Change the note before saving a correction, or cancel",
}


def _content(note: CaseNote) -> dict:
    return {field: getattr(note, field) for field in CONTENT_FIELDS}


def _clean(fields: dict, *, base: CaseNote | None = None) -> dict:
    """The content fields: those given, the rest from `base` (a draft being saved as the worker
    types keeps what is stored for a field not given) or empty. A category only goes with a
    significant event."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown case note fields: {sorted(unknown)}")
    if base is not None:
        fields = {**_content(base), **fields}
    values = {
        "title": (fields.get("title") or "").strip(),
        "body": (fields.get("body") or "").strip(),
        "occurred_on": fields.get("occurred_on"),
        "note_type": fields.get("note_type") or "",
        "significant": bool(fields.get("significant")),
        "significant_category": fields.get("significant_category") or "",
    }
    if not values["significant"]:
        values["significant_category"] = ""
    return values


def _check_values(values: dict, *, final: bool, child: Child) -> None:
    """The rules for a note's content; a draft only needs what is there to be valid."""
    errors: dict[str, str] = {}
    if values["note_type"] and values["note_type"] not in NoteType.values:
        errors["note_type"] = MESSAGES["note_type"]
    if values["significant_category"] and values["significant_category"] not in SignificantCategory.values:
        errors["significant_category"] = MESSAGES["category"]
    if values["occurred_on"] is not None and values["occurred_on"] > timezone.localdate():
        errors["occurred_on"] = MESSAGES["future"]
    dates.check(errors, "occurred_on", dates.happened_problem(values["occurred_on"], label=LABEL_ON, child=child))
    if len(values["title"]) > CaseNote._meta.get_field("title").max_length:
        errors["title"] = "Title must be 120 characters or fewer"
    if final:
        for field in ("title", "occurred_on", "note_type", "body"):
            if not values[field] and field not in errors:
                errors[field] = MESSAGES[field]
        if values["significant"] and not values["significant_category"]:
            errors["significant_category"] = MESSAGES["category"]
    elif not (values["title"] or values["body"]):
        errors["__all__"] = MESSAGES["empty_draft"]
    if errors:
        raise ValidationError(errors)


def _own_draft(note: CaseNote, *, child_id: int, author: Worker) -> CaseNote:
    """Lock and return the author's draft; anything else is refused."""
    locked = CaseNote.objects.select_for_update().get(pk=note.pk)
    if locked.child_id != child_id or locked.author_id != author.pk:
        raise ValidationError("Only the author can change a draft case note.")
    if locked.status != NoteStatus.DRAFT:
        raise ValidationError(
            "This note has been finalised." if locked.status == NoteStatus.FINAL else "This draft has been discarded."
        )
    return locked


@transaction.atomic
def case_note_save_draft(*, child: Child, author: Worker, note: CaseNote | None = None, **fields) -> CaseNote:
    """Create a draft, or update the author's draft, with whatever has been written so far.
    Fields not given keep their stored values (an autosave leaves a half-typed date alone)."""
    if note is None:
        values = _clean(fields)
        _check_values(values, final=False, child=child)
        note = CaseNote(child=child, author=author, status=NoteStatus.DRAFT, **values)
        note._history_user = author
        note.save()
        return note
    note = _own_draft(note, child_id=child.pk, author=author)
    values = _clean(fields, base=note)
    _check_values(values, final=False, child=child)
    for field, value in values.items():
        setattr(note, field, value)
    # Saving as the worker types would write a history row every few seconds; a draft is not
    # yet a case record, so its history starts when it is created and when it is finalised.
    note.skip_history_when_saving = True
    note.save()
    del note.skip_history_when_saving
    return note


@transaction.atomic
def case_note_finalise(*, child: Child, author: Worker, note: CaseNote | None = None, **fields) -> CaseNote:
    """Save a final note: a new one, or the author's draft with the text given."""
    values = _clean(fields)
    _check_values(values, final=True, child=child)
    if note is None:
        note = CaseNote(child=child, author=author, **values)
    else:
        note = _own_draft(note, child_id=child.pk, author=author)
        for field, value in values.items():
            setattr(note, field, value)
    note.status = NoteStatus.FINAL
    note.finalised_at = timezone.now()
    note._history_user = author
    note.save()
    return note


@transaction.atomic
def case_note_correct(
    *, note: CaseNote, by: Worker, reason: str, loaded_version: int | None = None, **fields
) -> CaseNote:
    """Correct a final note. The text before the correction stays in the history, with who
    corrected it, when and why. Refused with `StaleVersion` if someone corrected it after
    `loaded_version` (the version the page showed)."""
    lock_current(note, loaded=loaded_version)
    if note.status != NoteStatus.FINAL:
        raise ValidationError("Only a final note can be corrected; change a draft instead.")
    values = _clean(fields)
    reason = (reason or "").strip()
    try:
        _check_values(values, final=True, child=note.child)
    except ValidationError as error:
        if not reason:
            error.error_dict.setdefault("reason", [ValidationError(MESSAGES["reason"])])
        raise
    if not reason:
        raise ValidationError({"reason": MESSAGES["reason"]})
    if values == _content(note):
        raise ValidationError(MESSAGES["unchanged"])
    if not note.history.filter(status=NoteStatus.FINAL).exists():
        # A note written without history (an import) gets its original version recorded first.
        CaseNote.history.bulk_history_create([note], default_user=note.author, default_date=note.finalised_at)
    for field, value in values.items():
        setattr(note, field, value)
    note.corrected_at = timezone.now()
    note.corrected_by = by
    note.correction_reason = reason
    note._history_user = by
    note._change_reason = reason[:100]
    note.save()
    return note


@transaction.atomic
def case_note_discard(*, note: CaseNote, by: Worker) -> CaseNote:
    """Mark the author's draft discarded. It leaves the author's drafts; nothing is deleted."""
    note = _own_draft(note, child_id=note.child_id, author=by)
    note.status = NoteStatus.DISCARDED
    note.discarded_at = timezone.now()
    note._history_user = by
    note.save()
    return note
