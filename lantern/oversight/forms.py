"""Forms for oversight entries, addenda, action completion and check-ins (GOV.UK error summary)."""

from __future__ import annotations

from django import forms

from lantern.core.forms import GovukDateField
from lantern.core.versions import VersionedForm

ACTION_ROWS = 3


def _owner_label(worker) -> str:
    return f"{worker.display_name} ({worker.get_role_display()})"


class OversightEntryForm(VersionedForm):
    """Direction, challenge, rationale, next oversight date and up to a few actions.

    Action rows are `action_<n>_description`, `action_<n>_owner` and `action_<n>_due`; a row left
    empty is ignored, a row partly filled gets an error by each missing field."""

    direction = forms.CharField(
        label="Direction",
        widget=forms.Textarea,
        help_text="What must happen next for the child, and by whom",
        error_messages={"required": "Enter the direction: what must happen next"},
    )
    challenge = forms.CharField(
        label="Challenge (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="What you questioned or challenged: drift, gaps in the assessment, the plan, the child's voice",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea,
        required=False,
        help_text="Why this is the right decision for the child. Needed before you sign.",
    )
    next_oversight_date = GovukDateField(
        label="Date of the next oversight",
        required=False,
        past=False,
    )

    def __init__(self, *args, owners, weeks: int, rows: int = ACTION_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields[
            "next_oversight_date"
        ].help_text = f"Needed before you sign an open case, and within {weeks} weeks. For example, 27 3 2026"
        for n in range(1, rows + 1):
            self.fields[f"action_{n}_description"] = forms.CharField(
                label=f"Action {n}: what needs to be done", required=False, max_length=2000
            )
            self.fields[f"action_{n}_owner"] = forms.ModelChoiceField(
                label=f"Action {n}: who will do it",
                queryset=owners,
                required=False,
                empty_label="Choose a person",
                error_messages={"invalid_choice": "Select who will do it from the list"},
            )
            self.fields[f"action_{n}_owner"].label_from_instance = lambda w: (
                f"{w.display_name} ({w.get_role_display()})"
            )
            self.fields[f"action_{n}_due"] = GovukDateField(
                label=f"Action {n}: date it is due", required=False, past=False, help_text="For example, 27 3 2026"
            )

    @staticmethod
    def initial_for(entry) -> dict:
        initial = {
            "direction": entry.direction,
            "challenge": entry.challenge,
            "rationale": entry.rationale,
            "next_oversight_date": entry.next_oversight_date,
        }
        for n, action in enumerate(entry.actions.order_by("pk"), start=1):
            initial[f"action_{n}_description"] = action.description
            initial[f"action_{n}_owner"] = action.owner_id
            initial[f"action_{n}_due"] = action.due_date
        return initial

    def action_rows(self):
        """(number, description, owner, due) bound fields per row, for the template."""
        return [
            (n, self[f"action_{n}_description"], self[f"action_{n}_owner"], self[f"action_{n}_due"])
            for n in range(1, self.rows + 1)
        ]

    def clean(self):
        data = super().clean()
        for n in range(1, self.rows + 1):
            names = {part: f"action_{n}_{part}" for part in ("description", "owner", "due")}
            # A date that failed its own checks is already marked; do not also call it missing.
            if any(name in self.errors for name in names.values()):
                continue
            values = {part: data.get(name) for part, name in names.items()}
            if not any(values.values()):
                continue
            if not values["description"]:
                self.add_error(names["description"], f"Action {n}: enter what needs to be done")
            if not values["owner"]:
                self.add_error(names["owner"], f"Action {n}: select who will do it")
            if not values["due"]:
                self.add_error(names["due"], f"Action {n}: enter the date it is due")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        actions = []
        for n in range(1, self.rows + 1):
            description = data.get(f"action_{n}_description")
            if description:
                actions.append((description, data[f"action_{n}_owner"], data[f"action_{n}_due"]))
        return {
            "direction": data["direction"],
            "challenge": data.get("challenge", ""),
            "rationale": data.get("rationale", ""),
            "next_oversight_date": data.get("next_oversight_date"),
            "actions": actions,
        }


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea,
        help_text="What has changed or been learnt since the oversight was signed. It is added below the entry.",
        error_messages={"required": "Enter the addendum"},
    )


class ActionCompleteForm(forms.Form):
    completed_on = GovukDateField(label="Date it was done", past=True, help_text="For example, 27 3 2026")
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea, required=False)


class CheckInForm(forms.Form):
    held_on = GovukDateField(label="Date of the check-in", past=True, help_text="For example, 27 3 2026")
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        help_text="How the work with the family is going; what the family support worker has seen and done",
        error_messages={"required": "Enter a summary of the check-in"},
    )
    worries = forms.CharField(
        label="Worries (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="Anything that needs a social worker",
    )
    next_steps = forms.CharField(label="Next steps (optional)", widget=forms.Textarea, required=False)


class SupervisorForm(forms.Form):
    worker = forms.ModelChoiceField(
        label="Supervising social worker",
        queryset=None,
        empty_label="Choose a social worker",
        error_messages={"required": "Choose the supervising social worker"},
    )
    reason = forms.ChoiceField(
        label="Reason",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason"},
    )
    detail = forms.CharField(label="Details (optional unless the reason is Other)", required=False, max_length=500)

    def __init__(self, *args, social_workers, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = social_workers
        self.fields["worker"].label_from_instance = lambda w: w.display_name
        self.fields["reason"].choices = [(r.value, r.label) for r in reasons]
