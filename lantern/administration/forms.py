"""Administration forms: they collect and type the input; the rules live in services.py, whose
errors come back onto the fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from lantern.core.forms import GovukDateField
from lantern.workforce.models import NeedLevel, PathwayStep, Role, Service, Team, TeamType


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's errors next to their fields (or at the top if the form has no such field)."""
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


def _team_field(required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Team.objects.filter(active=True).select_related("service").order_by("name"),
        required=required,
        label="Team",
        empty_label="No team",
        help_text="Required for social workers, family support workers and team managers.",
    )


def _service_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Service.objects.order_by("name"),
        required=False,
        label="Service",
        empty_label="Not a service manager",
        help_text="Only for a service manager: the service they manage.",
    )


class StaffCreateForm(ServiceErrorsMixin, forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they type to sign in. Letters, numbers and . _ - only.",
        error_messages={"required": "Enter a username"},
    )
    email = forms.EmailField(label="Email address (optional)", required=False)
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)
    role = forms.ChoiceField(
        label="Role", choices=Role.choices, widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )
    team = _team_field()
    service = _service_field()
    start_date = GovukDateField(label="Start date", help_text="For example, 27 3 2026")

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        if not value or any(not (ch.isalnum() or ch in "._-@+") for ch in value):
            raise ValidationError("A username can only contain letters, numbers and . _ - @ +")
        return value


class StaffChangeForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(
        label="Role", choices=Role.choices, widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )
    team = _team_field()
    service = _service_field()
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)
    effective_date = GovukDateField(
        label="Date the change takes effect", past=True, help_text="Today or earlier. For example, 27 3 2026"
    )
    reason = forms.CharField(
        label="Why is their role or team changing?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why their role or team is changing"},
    )


class DeactivateForm(ServiceErrorsMixin, forms.Form):
    leaving_date = GovukDateField(label="Leaving date", past=True, help_text="Today or earlier. For example, 27 3 2026")
    reason = forms.CharField(
        label="Why are they leaving?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why they are leaving"},
    )


class ReactivateForm(ServiceErrorsMixin, forms.Form):
    start_date = GovukDateField(
        label="Date they return", past=True, help_text="Today or earlier. For example, 27 3 2026"
    )
    reason = forms.CharField(
        label="Why are they coming back?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why they are coming back"},
    )


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )


class TeamForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label="Team name", max_length=120, error_messages={"required": "Enter the team's name"})
    type = forms.ChoiceField(label="Type of team", choices=[("", "Select a type"), *TeamType.choices])
    service = forms.ModelChoiceField(
        queryset=Service.objects.order_by("name"),
        label="Service",
        empty_label="Select a service",
        error_messages={"required": "Select the service the team belongs to"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you change a team.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].error_messages["required"] = "Select the type of team"


class ResponsibilitiesForm(ServiceErrorsMixin, forms.Form):
    levels = forms.MultipleChoiceField(
        label="Levels of need the team holds",
        choices=NeedLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    steps = forms.MultipleChoiceField(
        label="Pathway steps the team carries out",
        choices=PathwayStep.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Why is this changing?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why what the team holds is changing"},
    )


class ServiceForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label="Service name", max_length=120, error_messages={"required": "Enter the service's name"}
    )


class SettingForm(ServiceErrorsMixin, forms.Form):
    """One council setting: the value is typed by the service (whole number, number, on or off, text)."""

    value = forms.CharField(label="New value", required=False, max_length=200)
    effective_date = GovukDateField(
        label="Date it takes effect", past=True, help_text="Today, or the day it was agreed. For example, 27 3 2026"
    )
    reason = forms.CharField(
        label="Why is it changing?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the setting is changing"},
    )

    def __init__(self, *args, definition, **kwargs):
        super().__init__(*args, **kwargs)
        if isinstance(definition.default, bool):
            self.fields["value"] = forms.ChoiceField(
                label="New value", choices=[("on", "On"), ("off", "Off")], widget=forms.RadioSelect, required=False
            )
        elif definition.unit:
            self.fields["value"].help_text = f"In {definition.unit}."
