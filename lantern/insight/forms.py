"""Forms for the practice standards: a manager's response to an alert, and a council's changes
to a standard. Errors follow the GOV.UK pattern (by the field and in the summary)."""

from __future__ import annotations

from django import forms

from lantern.core.forms import GovukDateField
from lantern.core.local_settings import DEFINITIONS, get_setting
from lantern.insight.standards import Standard

YES_NO = [("yes", "Yes"), ("no", "No")]

#: The range a council may set, per parameter; whole numbers from 1 to 520 otherwise.
LIMITS: dict[str, tuple[float, float]] = {
    "seen_alone_from_age": (0, 17),
    "referral_decision_working_days": (1, 20),
    "assessment_working_days": (1, 120),
    "cp_visit_working_days": (1, 60),
    "cin_visit_weeks": (1, 26),
    "cin_review_weeks": (1, 52),
    "oversight_weeks": (1, 26),
    "supervision_weeks": (1, 26),
    "worker_changes_flag": (2, 20),
    "caseload_cp_weight": (1, 5),
}
DEFAULT_LIMITS = (1, 520)


class RespondForm(forms.Form):
    decision = forms.CharField(
        label="Your decision",
        widget=forms.Textarea,
        help_text="What must happen now, and by whom. It is recorded on the child's file as management oversight.",
        error_messages={"required": "Enter your decision"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea,
        help_text="Why this is the right decision for the child",
        error_messages={"required": "Enter the rationale for your decision"},
    )
    next_oversight_date = GovukDateField(
        label="Date of the next management oversight",
        required=False,
        past=False,
        help_text="On an open case this is required, within the council's oversight standard. For example, 27 3 2026",
    )

    def __init__(self, *args, standard: Standard | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if standard is not None and standard.response_option:
            self.fields["child_protection_considered"] = forms.MultipleChoiceField(
                label="Child protection consideration",
                choices=[("yes", standard.response_option)],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="Tick if your decision considered whether the child needs child protection.",
            )

    def clean_child_protection_considered(self) -> bool:
        return "yes" in (self.cleaned_data.get("child_protection_considered") or [])


class StandardForm(forms.Form):
    """Switch a standard on or off and set its parameters."""

    enabled = forms.ChoiceField(
        label="Check this standard",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to check this standard"},
    )

    def __init__(self, *args, standard: Standard, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard = standard
        for key in standard.parameters:
            definition = DEFINITIONS[key]
            label = f"{definition.label} ({definition.unit})" if definition.unit else definition.label
            if isinstance(definition.default, bool):
                self.fields[key] = forms.ChoiceField(
                    label=label,
                    choices=YES_NO,
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Select yes or no for: {definition.label.lower()}"},
                )
            else:
                low, high = LIMITS.get(key, DEFAULT_LIMITS)
                kind = "a number" if isinstance(definition.default, float) else "a whole number"
                self.fields[key] = forms.CharField(
                    label=label,
                    max_length=10,
                    help_text=f"Default {definition.default}. Enter {kind} from {_num(low)} to {_num(high)}",
                    error_messages={"required": f"Enter {definition.label.lower()}"},
                )

    @classmethod
    def initial_for(cls, standard: Standard) -> dict:
        initial = {"enabled": "yes" if get_setting(standard.setting_key) else "no"}
        for key in standard.parameters:
            value = get_setting(key)
            initial[key] = ("yes" if value else "no") if isinstance(value, bool) else _num(value)
        return initial

    def clean(self):
        cleaned = super().clean()
        for key in self.standard.parameters:
            if key not in cleaned:
                continue
            definition = DEFINITIONS[key]
            raw = cleaned[key]
            if isinstance(definition.default, bool):
                cleaned[key] = raw == "yes"
                continue
            low, high = LIMITS.get(key, DEFAULT_LIMITS)
            text = str(raw).strip()
            try:
                value = float(text) if isinstance(definition.default, float) else int(text)
            except ValueError:
                kind = "a number" if isinstance(definition.default, float) else "a whole number"
                self.add_error(key, f"{definition.label} must be {kind}, like {_num(definition.default)}")
                continue
            if not low <= value <= high:
                self.add_error(key, f"{definition.label} must be from {_num(low)} to {_num(high)}")
                continue
            cleaned[key] = value
        if "enabled" in cleaned:
            cleaned["enabled"] = cleaned["enabled"] == "yes"
        return cleaned

    def values(self) -> dict[str, object]:
        return {key: self.cleaned_data[key] for key in self.standard.parameters if key in self.cleaned_data}


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
