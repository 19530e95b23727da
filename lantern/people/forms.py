"""Input for a child's identity details, with the census identifier checks."""

from django import forms
from django.core.exceptions import ValidationError

from lantern.core import codes
from lantern.core.forms import GovukDateField
from lantern.core.identifiers import (
    normalise_nhs_number,
    normalise_upn,
    validate_la_child_id,
    validate_nhs_number,
    validate_upn,
)
from lantern.core.versions import VersionedForm
from lantern.people.models import Child


class ChildIdentityForm(VersionedForm):
    first_name = forms.CharField(label="First name", max_length=100, error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter a last name"})
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False)
    la_child_id = forms.CharField(
        label="LA child ID", max_length=40, help_text="Up to 20 letters and numbers", required=False
    )
    upn = forms.CharField(
        label="UPN (optional)", max_length=20, required=False, help_text="Unique pupil number, like A123456789012"
    )
    upn_unknown = forms.ChoiceField(
        label="If the UPN is not known, why not? (optional)",
        choices=[("", "Choose a reason")] + list(codes.UPNUnknown.choices),
        required=False,
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)", max_length=20, required=False, help_text="10 digits, like 943 476 5919"
    )
    date_of_birth = GovukDateField(label="Date of birth", past=True, required=False, help_text="For example, 27 3 2016")
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="Only for an unborn child"
    )
    sex = forms.ChoiceField(label="Sex", choices=codes.Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=codes.Ethnicity.choices)
    first_language = forms.CharField(label="First language (optional)", max_length=60, required=False)
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        choices=codes.Disability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply, or 'No disability'",
    )

    def __init__(self, *args, child: Child, **kwargs):
        self.child = child
        super().__init__(*args, record=child, **kwargs)

    def clean_la_child_id(self):
        value = (self.cleaned_data.get("la_child_id") or "").strip()
        validate_la_child_id(value)
        if Child.objects.filter(la_child_id__iexact=value).exclude(pk=self.child.pk).exists():
            raise ValidationError("Another child already has this LA child ID")
        return value

    def clean_upn(self):
        value = normalise_upn(self.cleaned_data.get("upn") or "")
        if value:
            validate_upn(value)
        return value

    def clean_nhs_number(self):
        raw = self.cleaned_data.get("nhs_number") or ""
        if not raw.strip():
            return ""
        validate_nhs_number(raw)
        return normalise_nhs_number(raw)

    def clean_disabilities(self):
        values = self.cleaned_data.get("disabilities") or []
        if codes.Disability.NONE in values and len(values) > 1:
            raise ValidationError("Select 'No disability' or the disabilities the child has, not both")
        return values

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
        if cleaned.get("upn") and cleaned.get("upn_unknown"):
            self.add_error("upn_unknown", "Leave the reason empty when the UPN is known")
        return cleaned

    @classmethod
    def initial_for(cls, child: Child) -> dict:
        person = child.person
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "preferred_name": person.preferred_name,
            "la_child_id": child.la_child_id,
            "upn": child.upn,
            "upn_unknown": child.upn_unknown,
            "nhs_number": child.nhs_number,
            "date_of_birth": person.date_of_birth,
            "expected_date_of_birth": person.expected_date_of_birth,
            "sex": person.sex,
            "ethnicity": person.ethnicity,
            "first_language": person.first_language,
            "disabilities": list(child.disabilities.values_list("code", flat=True)),
        }
