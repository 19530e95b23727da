"""Forms for visits, direct work and a CIN plan's visit frequency. Every problem is shown next to
its field and in the error summary at once: the forms check the format of each answer and then
ask the service's rules (`services.visit_problems`, `services.direct_work_problems`) about the
whole record, so nothing is saved half-right."""

from __future__ import annotations

import re
from datetime import datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.core.forms import GovukDateField
from lantern.core.versions import VersionedForm
from lantern.recording import services
from lantern.recording.models import DirectWorkSession, DirectWorkTheme, Visit, VisitLocation, VisitType

YES_NO = [("yes", "Yes"), ("no", "No")]
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _yes_no(value: str):
    return {"yes": True, "no": False}.get(value)


def _as_yes_no(value: bool | None, *, none: str = "") -> str:
    if value is None:
        return none
    return "yes" if value else "no"


def parse_time(text: str) -> time | None:
    """'14:30', '9.05' or '0930' as a time; None if it is not a real time."""
    text = (text or "").strip()
    match = _TIME.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
    elif text.isdigit() and len(text) == 4:
        hours, minutes = int(text[:2]), int(text[2:])
    else:
        return None
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


class ServiceErrorsMixin:
    """Put the service's problems (keyed by its argument names) next to the form's fields."""

    field_for_problem: dict[str, str] = {}

    def add_problems(self, problems: dict[str, str]) -> None:
        for key, message in problems.items():
            name = self.field_for_problem.get(key, key)
            if name in self.fields:
                if name not in self.errors:
                    self.add_error(name, message)
            else:
                self.add_error(None, message)

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            self.add_problems({k: v[0] for k, v in error.message_dict.items()})
        else:
            for message in error.messages:
                self.add_error(None, message)


class VisitForm(ServiceErrorsMixin, VersionedForm):
    field_for_problem = {"visited_at": "start_time", "ended_at": "end_time"}

    visited_on = GovukDateField(label="Date of the visit", past=True, help_text="For example, 27 3 2026")
    start_time = forms.CharField(
        label="Time the visit started",
        max_length=5,
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time the visit started"},
    )
    end_time = forms.CharField(
        label="Time the visit ended (optional)",
        max_length=5,
        required=False,
        help_text="Use the 24-hour clock, for example 15:15",
    )
    visit_type = forms.ChoiceField(
        label="Type of visit",
        choices=VisitType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of visit", "invalid_choice": "Select the type of visit"},
    )
    location = forms.ChoiceField(
        label="Where did the visit take place?",
        choices=VisitLocation.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select where the visit took place",
            "invalid_choice": "Select where the visit took place",
        },
    )
    location_detail = forms.CharField(
        label="If somewhere else, where?", max_length=200, required=False, help_text="For example, a contact centre"
    )
    present = forms.CharField(
        label="Who was present",
        widget=forms.Textarea,
        help_text="Names and relationship to the child, including other professionals",
        error_messages={"required": "Enter who was present"},
    )
    child_seen = forms.TypedChoiceField(
        label="Was the child seen?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child was seen", "invalid_choice": "Select yes or no"},
    )
    not_seen_reason = forms.CharField(
        label="If the child was not seen, why not?", widget=forms.Textarea, required=False
    )
    seen_alone = forms.TypedChoiceField(
        label="Was the child seen alone?",
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Without a parent or carer in the room",
        error_messages={"invalid_choice": "Select yes or no"},
    )
    bedroom_seen = forms.TypedChoiceField(
        label="Was the child's bedroom seen?",
        choices=[*YES_NO, ("na", "Not applicable (not a home visit)")],
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select yes, no or not applicable"},
    )
    child_said = forms.CharField(
        label="What the child said",
        widget=forms.Textarea,
        required=False,
        help_text="In the child's own words, as they said them. This is kept as the child's voice.",
    )
    observations = forms.CharField(
        label="What you observed",
        widget=forms.Textarea,
        help_text="The child's presentation, the home, interactions between the child and the adults",
        error_messages={"required": "Enter what you observed"},
    )
    analysis = forms.CharField(
        label="Analysis",
        widget=forms.Textarea,
        help_text="What this tells you about the child's experience, worries and strengths",
        error_messages={"required": "Enter your analysis"},
    )
    next_steps = forms.CharField(
        label="Next steps", widget=forms.Textarea, error_messages={"required": "Enter the next steps"}
    )

    @staticmethod
    def initial_for(visit: Visit) -> dict:
        start = timezone.localtime(visit.visited_at)
        end = timezone.localtime(visit.ended_at) if visit.ended_at else None
        return {
            "visited_on": start.date(),
            "start_time": f"{start:%H:%M}",
            "end_time": f"{end:%H:%M}" if end else "",
            "visit_type": visit.visit_type,
            "location": visit.location,
            "location_detail": visit.location_detail,
            "present": visit.present,
            "child_seen": _as_yes_no(visit.child_seen),
            "not_seen_reason": visit.not_seen_reason,
            "seen_alone": _as_yes_no(visit.seen_alone) if visit.child_seen else "",
            "bedroom_seen": _as_yes_no(visit.bedroom_seen, none="na"),
            "child_said": visit.child_said,
            "observations": visit.observations,
            "analysis": visit.analysis,
            "next_steps": visit.next_steps,
        }

    def _at(self, day, field: str) -> datetime | None:
        text = self.cleaned_data.get(field) or ""
        if not text:
            return None
        moment = parse_time(text)
        if moment is None:
            which = "started" if field == "start_time" else "ended"
            self.add_error(field, f"Enter the time the visit {which} as hours and minutes, for example 14:30")
            return None
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, moment))

    def clean(self):
        data = super().clean()
        day = data.get("visited_on")
        data["visited_at"] = self._at(day, "start_time")
        data["ended_at"] = self._at(day, "end_time")
        problems = services.visit_problems(
            visited_at=data["visited_at"],
            ended_at=data["ended_at"],
            visit_type=data.get("visit_type", ""),
            location=data.get("location", ""),
            location_detail=data.get("location_detail", ""),
            child_seen=data.get("child_seen"),
            seen_alone=data.get("seen_alone"),
            not_seen_reason=data.get("not_seen_reason", ""),
            texts={name: data.get(name, "") for name in services.VISIT_TEXT_FIELDS},
        )
        if data["visited_at"] is None:
            # The date or the time is missing or wrong: that field already says so.
            problems.pop("visited_at", None)
        self.add_problems(problems)
        return data

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        return {
            "visited_at": d["visited_at"],
            "ended_at": d["ended_at"],
            "visit_type": d["visit_type"],
            "location": d["location"],
            "location_detail": d["location_detail"],
            "present": d["present"],
            "child_seen": d["child_seen"],
            "seen_alone": d["seen_alone"],
            "bedroom_seen": d["bedroom_seen"],
            "not_seen_reason": d["not_seen_reason"],
            "child_said": d["child_said"],
            "observations": d["observations"],
            "analysis": d["analysis"],
            "next_steps": d["next_steps"],
        }


class DirectWorkForm(ServiceErrorsMixin, VersionedForm):
    session_date = GovukDateField(label="Date of the session", past=True, help_text="For example, 27 3 2026")
    method = forms.CharField(
        label="Method or tool used",
        max_length=200,
        help_text="For example, three houses, a wishes and feelings worksheet, a life story book, drawing",
        error_messages={
            "required": "Enter the method or tool you used",
            "max_length": "The method must be 200 characters or fewer",
        },
    )
    themes = forms.MultipleChoiceField(
        label="Themes",
        help_text="Select all that the session was about",
        choices=DirectWorkTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one theme", "invalid_choice": "Select only themes from the list"},
    )
    theme_other = forms.CharField(label="If other, what theme?", max_length=200, required=False)
    child_words = forms.CharField(
        label="The child's own words",
        widget=forms.Textarea,
        help_text=(
            "Write down exactly what the child said, wrote or drew, in their words - not a summary. "
            "This is kept as the child's voice."
        ),
        strip=False,
        error_messages={"required": "Enter what the child said, in their own words"},
    )
    reflection = forms.CharField(
        label="Your reflection",
        widget=forms.Textarea,
        help_text="What the child's words tell you, and what you will do with them",
        error_messages={"required": "Enter your reflection"},
    )

    @staticmethod
    def initial_for(session: DirectWorkSession) -> dict:
        return {
            "session_date": session.session_date,
            "method": session.method,
            "themes": list(session.themes or []),
            "theme_other": session.theme_other,
            "child_words": session.child_words,
            "reflection": session.reflection,
        }

    def clean(self):
        data = super().clean()
        self.add_problems(
            services.direct_work_problems(
                session_date=data.get("session_date"),
                method=data.get("method", ""),
                themes=data.get("themes", []),
                theme_other=data.get("theme_other", ""),
                child_words=data.get("child_words", ""),
                reflection=data.get("reflection", ""),
            )
        )
        return data

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        return {
            "session_date": d["session_date"],
            "method": d["method"],
            "themes": d["themes"],
            "theme_other": d["theme_other"],
            "child_words": d["child_words"],
            "reflection": d["reflection"],
        }


class VisitFrequencyForm(ServiceErrorsMixin, forms.Form):
    weeks = forms.TypedChoiceField(
        label="Visit the child at least every",
        choices=[("", "The council's default"), *[(str(n), f"{n} week{'s' if n > 1 else ''}") for n in range(1, 13)]],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a number of weeks from the list"},
    )
    reason = forms.CharField(
        label="Why this frequency",
        widget=forms.Textarea,
        help_text="For example, what the plan says and who agreed it",
        error_messages={"required": "Enter why the child is to be visited at this frequency"},
    )
