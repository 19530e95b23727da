"""The chronology's filter: dates from and to, types of event, significant events only, order."""

from __future__ import annotations

from django import forms

from lantern.chronology.selectors import ChronologyFilter, kinds_by_group
from lantern.core.forms import GovukDateField

ORDER_CHOICES = [("newest", "Newest first"), ("oldest", "Oldest first")]


class ChronologyFilterForm(forms.Form):
    """A GET form: always bound (an empty query string is a valid form showing everything)."""

    significant = forms.BooleanField(label="Significant events only", required=False)
    date_from = GovukDateField(label="From date", required=False, help_text="For example, 27 3 2024")
    date_to = GovukDateField(label="To date", required=False, help_text="For example, 31 3 2026")
    kind = forms.MultipleChoiceField(
        label="Types of event",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select types of event from the list"},
    )
    order = forms.ChoiceField(label="Order", choices=ORDER_CHOICES, required=False, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = kinds_by_group()
        self.fields["kind"].choices = [(s.kind, s.label) for _g, _label, group in self.groups for s in group]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return cleaned

    def kind_groups(self) -> list[dict]:
        """The kinds' checkboxes, grouped for the template (each with its checked state)."""
        chosen = set(self.data.getlist("kind")) if hasattr(self.data, "getlist") else set()
        prefix = self["kind"].auto_id
        result, first = [], True
        for group, label, group_sources in self.groups:
            choices = []
            for source in group_sources:
                # The first box has the id the error summary links to (as for any GOV.UK checkboxes).
                choices.append(
                    {
                        "id": f"{prefix}_0" if first else f"{prefix}_{source.kind}",
                        "value": source.kind,
                        "label": source.label,
                        "checked": source.kind in chosen,
                    }
                )
                first = False
            result.append({"group": group, "label": label, "choices": choices})
        return result

    def to_filter(self) -> ChronologyFilter:
        """The filter for a valid form (call after is_valid())."""
        data = self.cleaned_data
        return ChronologyFilter(
            kinds=frozenset(data.get("kind") or ()),
            significant_only=bool(data.get("significant")),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            oldest_first=data.get("order") == "oldest",
        )
