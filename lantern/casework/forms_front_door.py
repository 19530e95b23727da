"""Input for the front door: a contact (about a known or a new child) and the threshold decision."""

from __future__ import annotations

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone

from lantern.casework.models import ContactMethod, DecisionRoute, ThresholdLevel
from lantern.core import codes
from lantern.core.forms import GovukDateField
from lantern.workforce.models import Team, TeamType

_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")

#: Routes that start a CIN episode, so need a primary need and a receiving team.
REFERRAL_ROUTES = (DecisionRoute.REFERRAL, DecisionRoute.STRATEGY)


def _coded(prompt: str, choices) -> list[tuple[str, str]]:
    """A census code list for a select: an empty prompt, then 'Label (code)'."""
    return [("", prompt)] + [(code, f"{label} ({code})") for code, label in choices.choices]


class _ReceivedDateField(GovukDateField):
    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as e:
            if e.code == "required":
                raise forms.ValidationError("Enter the date the contact was received", code="required") from None
            raise


class ContactForm(forms.Form):
    """When, from whom, how, and what the concern is. `received_at` is built in `clean()`."""

    received_date = _ReceivedDateField(
        label="Date the contact was received", past=True, help_text="For example, 19 12 2025"
    )
    received_time = forms.CharField(
        label="Time the contact was received",
        max_length=5,
        help_text="Use the 24-hour clock, for example 09:30 or 14:05",
        error_messages={"required": "Enter the time the contact was received"},
    )
    source = forms.ChoiceField(
        label="Who the contact came from",
        choices=_coded("Choose a source", codes.ReferralSource),
        help_text="The referral source as the children in need census records it",
        error_messages={"required": "Select who the contact came from"},
    )
    method = forms.ChoiceField(
        label="How the contact was made",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact was made"},
    )
    contact_name = forms.CharField(
        label="Who made contact",
        max_length=120,
        required=False,
        help_text="Name and role, for example 'Ms Patel, class teacher'. Leave empty only if anonymous.",
    )
    concern = forms.CharField(
        label="What the concern is",
        widget=forms.Textarea,
        help_text="What was said, about whom, and what has happened. Use the caller's words where you can.",
        error_messages={"required": "Enter what the concern is"},
    )

    def clean_received_time(self) -> time:
        value = (self.cleaned_data.get("received_time") or "").strip()
        match = _TIME.match(value)
        if not match:
            raise forms.ValidationError("Enter the time in the 24-hour clock, like 09:30")
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Time the contact was received must be a real time, like 14:05")
        return time(hour, minute)

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("received_date"), cleaned.get("received_time")
        if day and at:
            received_at = timezone.make_aware(datetime.combine(day, at))
            if received_at > timezone.now():
                self.add_error("received_time", "The time the contact was received must be now or in the past")
            else:
                cleaned["received_at"] = received_at
        source = cleaned.get("source")
        if source and source != codes.ReferralSource.S9 and not (cleaned.get("contact_name") or "").strip():
            self.add_error("contact_name", "Enter who made contact, or choose 'Anonymous' as the source")
        return cleaned

    def contact_values(self) -> dict:
        """The keyword arguments for `contact_record`."""
        data = self.cleaned_data
        return {
            "received_at": data["received_at"],
            "source": data["source"],
            "method": data["method"],
            "contact_name": data["contact_name"].strip(),
            "concern": data["concern"],
        }


class NewChildContactForm(ContactForm):
    """A contact about a child not known yet: the child's details first, then the contact.
    The identity checks follow lantern.people.forms.ChildIdentityForm."""

    first_name = forms.CharField(label="First name", max_length=100, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter a last name"})
    date_of_birth = GovukDateField(label="Date of birth", past=True, required=False, help_text="For example, 27 3 2016")
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="Only for an unborn child"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=codes.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=codes.Ethnicity.choices,
        initial=codes.Ethnicity.NOBT,
        help_text="Choose 'Information not yet obtained' if you do not know yet",
    )
    team = forms.ModelChoiceField(
        label="Team that holds the child until the decision",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Select the team that will hold the child until the decision"},
    )

    field_order = [
        "first_name",
        "last_name",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "ethnicity",
        "team",
        "received_date",
        "received_time",
        "source",
        "method",
        "contact_name",
        "concern",
    ]

    def __init__(self, *args, teams=None, **kwargs):
        """`teams`: the teams the user may choose from, or None when the child goes to the
        user's own team (the field is then removed)."""
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = teams

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean(self):
        cleaned = super().clean()
        dob, edd = cleaned.get("date_of_birth"), cleaned.get("expected_date_of_birth")
        if "date_of_birth" in cleaned and "expected_date_of_birth" in cleaned:
            if dob and edd:
                self.add_error("expected_date_of_birth", "Enter a date of birth or an expected date of birth, not both")
            elif not dob and not edd:
                self.add_error("date_of_birth", "Enter a date of birth, or an expected date of birth if unborn")
            elif edd and cleaned.get("sex") not in (None, codes.Sex.UNKNOWN):
                self.add_error("sex", "Select 'Unknown or unborn' for an unborn child")
        return cleaned

    def child_values(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"],
            "expected_date_of_birth": data["expected_date_of_birth"],
            "sex": data["sex"],
            "ethnicity": data["ethnicity"],
        }


class LevelRadioSelect(forms.RadioSelect):
    """Radios for the levels of need; the template shows each level's descriptor as its hint."""


class DecisionForm(forms.Form):
    level = forms.ModelChoiceField(
        label="Level of need",
        queryset=ThresholdLevel.objects.none(),
        widget=LevelRadioSelect,
        empty_label=None,
        help_text="Where the child's needs sit on the council's continuum of need",
        error_messages={"required": "Select the level of need", "invalid_choice": "Select the level of need"},
    )
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea,
        help_text="Why the child's needs are at this level, and why this is the right next step",
        error_messages={"required": "Enter the reason for the decision"},
    )
    route = forms.ChoiceField(
        label="What happens next",
        choices=DecisionRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next", "invalid_choice": "Select what happens next"},
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=_coded("Choose the primary need", codes.PrimaryNeed),
        required=False,
        help_text="Needed for a referral or a strategy discussion: the census category of need",
    )
    team = forms.ModelChoiceField(
        label="Receiving team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="Choose a team",
        help_text="Needed for a referral or a strategy discussion: the team that will work with the child",
    )
    early_help_team = forms.ModelChoiceField(
        label="Early help team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="Choose an early help team",
        help_text="Needed for early help",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = ThresholdLevel.objects.filter(active=True).order_by("order", "pk")
        active = Team.objects.filter(active=True).order_by("name")
        self.fields["team"].queryset = active.exclude(type__in=[TeamType.EARLY_HELP, TeamType.QUALITY_ASSURANCE])
        self.fields["early_help_team"].queryset = active.filter(type=TeamType.EARLY_HELP)
        if user is not None and user.team_id and not self.is_bound:
            self.initial.setdefault("team", user.team_id)

    def clean(self):
        cleaned = super().clean()
        route = cleaned.get("route")
        if route in REFERRAL_ROUTES:
            if not cleaned.get("primary_need"):
                self.add_error("primary_need", "Select the child's primary need")
            if not cleaned.get("team"):
                self.add_error("team", "Select the receiving team")
        elif route == DecisionRoute.EARLY_HELP and not cleaned.get("early_help_team"):
            self.add_error("early_help_team", "Select the early help team")
        return cleaned

    def decision_values(self) -> dict:
        """The keyword arguments for `contact_decide` (the team that goes with the route)."""
        data = self.cleaned_data
        route = data["route"]
        team = None
        if route in REFERRAL_ROUTES:
            team = data["team"]
        elif route == DecisionRoute.EARLY_HELP:
            team = data["early_help_team"]
        return {
            "level": data["level"],
            "route": route,
            "reason": data["reason"],
            "primary_need": data["primary_need"] if route in REFERRAL_ROUTES else "",
            "team": team,
        }
