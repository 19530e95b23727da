"""Input for case notes. The same fields serve a draft (anything typed so far), a final note
(complete, dated today or earlier, a category for a significant event) and a correction (a final
note's fields and the reason for correcting it)."""

from __future__ import annotations

from django import forms

from lantern.core.forms import GovukDateField
from lantern.core.versions import VersionedForm
from lantern.notes.models import CaseNote, NoteType, SignificantCategory
from lantern.notes.services import CONTENT_FIELDS, MESSAGES


class _EventDateField(GovukDateField):
    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            if error.code == "required":
                raise forms.ValidationError(MESSAGES["occurred_on"], code="required") from None
            raise


class NoteForm(VersionedForm):
    """`final=True` checks what a final note needs; a draft needs only a title or some text."""

    title = forms.CharField(
        label="Title",
        max_length=120,
        help_text="A short summary, for example ‘Phone call with the school’",
        error_messages={
            "required": MESSAGES["title"],
            "max_length": "Title must be 120 characters or fewer",
        },
    )
    occurred_on = _EventDateField(label="Date of the event", past=True, help_text="For example, 27 3 2026")
    note_type = forms.ChoiceField(
        label="Type of note",
        choices=NoteType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": MESSAGES["note_type"], "invalid_choice": MESSAGES["note_type"]},
    )
    body = forms.CharField(
        label="What happened",
        widget=forms.Textarea,
        help_text="Who was there, what was said and done, and what happens next. "
        "Use the child's own words where you can.",
        error_messages={"required": MESSAGES["body"]},
    )
    significant = forms.BooleanField(label="This is a significant event", required=False)
    significant_category = forms.ChoiceField(
        label="Category of significant event",
        choices=[("", "Choose a category")] + list(SignificantCategory.choices),
        required=False,
        error_messages={"invalid_choice": MESSAGES["category"]},
    )

    def __init__(self, *args, final: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.final = final
        for name in ("title", "occurred_on", "note_type", "body"):
            self.fields[name].required = final

    @classmethod
    def initial_for(cls, note: CaseNote) -> dict:
        return {field: getattr(note, field) for field in CONTENT_FIELDS}

    def clean(self):
        data = super().clean()
        needs_category = self.final and data.get("significant") and not data.get("significant_category")
        if needs_category and "significant_category" not in self.errors:
            self.add_error("significant_category", MESSAGES["category"])
        if not self.final and not self.errors and not (data.get("title") or data.get("body", "").strip()):
            raise forms.ValidationError(MESSAGES["empty_draft"])
        return data

    def note_values(self) -> dict:
        return {field: self.cleaned_data.get(field) for field in CONTENT_FIELDS}

    def valid_values(self) -> dict:
        """For an autosave: the fields that are valid so far (a half-typed date waits)."""
        self.is_valid()
        return {field: self.cleaned_data[field] for field in CONTENT_FIELDS if field in self.cleaned_data}


class CorrectionForm(NoteForm):
    reason = forms.CharField(
        label="Reason for the correction",
        widget=forms.Textarea,
        help_text="For example, ‘wrong date recorded’ or ‘name of the school was wrong’. "
        "The text before the correction stays visible in the note's history.",
        error_messages={"required": MESSAGES["reason"]},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, final=True, **kwargs)
