"""Forms for case audits (GOV.UK error summary). The forms parse choices; the rules (what a
submission needs, who may do what) live in services, whose errors come back by the field."""

from __future__ import annotations

from django import forms

from lantern.audits.models import Answer, Grade, SampleKind, Theme
from lantern.audits.selectors import PERIODS
from lantern.audits.services import THEMES
from lantern.core.forms import GovukDateField


def _person(worker) -> str:
    return f"{worker.display_name} ({worker.get_role_display()})"


def _grade_field(label: str, *, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Grade.choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": f"Select the {label[0].lower() + label[1:]}", "invalid_choice": "Select a grade"},
    )


class AuditForm(forms.Form):
    """Per section: an answer and comment for each question, a grade and findings; then the
    overall grade and summary. Everything may be blank in a draft; the service decides what a
    submission needs. Field names: question_<id>, question_<id>_comment, section_<id>_grade,
    section_<id>_findings, overall_grade, summary."""

    overall_grade = _grade_field("Overall grade")
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea,
        required=False,
        help_text="The case in a few sentences: what is working, what is not, and what must change",
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            for question in section.questions.all():
                self.fields[f"question_{question.pk}"] = forms.ChoiceField(
                    label=question.text,
                    help_text=question.guidance,
                    choices=Answer.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                self.fields[f"question_{question.pk}_comment"] = forms.CharField(
                    label="Comment (optional)", widget=forms.Textarea, required=False, max_length=4000
                )
            self.fields[f"section_{section.pk}_grade"] = _grade_field(f"Grade for {section.title.lower()}")
            self.fields[f"section_{section.pk}_findings"] = forms.CharField(
                label="Findings",
                widget=forms.Textarea,
                required=False,
                help_text="What you found. Needed for a grade below good.",
            )
        # The overall grade and summary come last on the page.
        for name in ("overall_grade", "summary"):
            self.fields[name] = self.fields.pop(name)

    @staticmethod
    def initial_for(audit, section_views) -> dict:
        initial = {"overall_grade": audit.overall_grade, "summary": audit.summary}
        for view in section_views:
            initial[f"section_{view.section.pk}_grade"] = view.grade
            initial[f"section_{view.section.pk}_findings"] = view.findings
            for question, answer, comment, _label in view.questions:
                initial[f"question_{question.pk}"] = answer
                initial[f"question_{question.pk}_comment"] = comment
        return initial

    def blocks(self) -> list[dict]:
        """The bound fields grouped by section, for the template."""
        out = []
        for section in self.sections:
            out.append(
                {
                    "section": section,
                    "questions": [
                        (question, self[f"question_{question.pk}"], self[f"question_{question.pk}_comment"])
                        for question in section.questions.all()
                    ],
                    "grade": self[f"section_{section.pk}_grade"],
                    "findings": self[f"section_{section.pk}_findings"],
                }
            )
        return out

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        grades, answers = {}, {}
        for section in self.sections:
            grades[section.pk] = (
                data.get(f"section_{section.pk}_grade") or "",
                data.get(f"section_{section.pk}_findings") or "",
            )
            for question in section.questions.all():
                answers[question.pk] = (
                    data.get(f"question_{question.pk}") or "",
                    data.get(f"question_{question.pk}_comment") or "",
                )
        return {
            "grades": grades,
            "answers": answers,
            "overall_grade": data.get("overall_grade") or "",
            "summary": data.get("summary") or "",
        }


class ModerationForm(forms.Form):
    """The moderator's own grade for each section (with an optional comment) and overall."""

    overall_grade = _grade_field("Your overall grade")
    comment = forms.CharField(
        label="Comment (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="Anything the auditor should know about how you graded the case",
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[f"section_{section.pk}_grade"] = _grade_field(f"Your grade for {section.title.lower()}")
            self.fields[f"section_{section.pk}_comment"] = forms.CharField(
                label="Comment (optional)", widget=forms.Textarea, required=False, max_length=4000
            )
        for name in ("overall_grade", "comment"):
            self.fields[name] = self.fields.pop(name)

    def blocks(self) -> list[dict]:
        return [
            {
                "section": section,
                "grade": self[f"section_{section.pk}_grade"],
                "comment": self[f"section_{section.pk}_comment"],
            }
            for section in self.sections
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "grades": {
                s.pk: (data.get(f"section_{s.pk}_grade") or "", data.get(f"section_{s.pk}_comment") or "")
                for s in self.sections
            },
            "overall_grade": data.get("overall_grade") or "",
            "comment": data.get("comment") or "",
        }


class ModeratorForm(forms.Form):
    moderator = forms.ModelChoiceField(
        label="Who will moderate the audit",
        queryset=None,
        required=False,
        empty_label="Choose a person",
        help_text="A quality auditor, manager or senior leader other than the auditor. They will not see your "
        "grades until they have submitted theirs.",
        error_messages={"invalid_choice": "Select who will moderate the audit from the list"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderator"].queryset = people
        self.fields["moderator"].label_from_instance = _person


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs to be done",
        widget=forms.Textarea,
        required=False,
        max_length=4000,
        help_text="One clear action that follows from the audit's findings",
    )
    owner = forms.ModelChoiceField(
        label="Who will do it",
        queryset=None,
        required=False,
        empty_label="Choose a person",
        error_messages={"invalid_choice": "Select who will do it from the list"},
    )
    due_date = GovukDateField(label="Date it is due", required=False, help_text="For example, 27 3 2026")

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = _person


class ActionCompleteForm(forms.Form):
    completed_on = GovukDateField(label="Date it was done", required=False, help_text="For example, 27 3 2026")
    note = forms.CharField(
        label="What was done", widget=forms.Textarea, required=False, max_length=4000,
        help_text="What changed for the child, and where it is recorded",
    )  # fmt: skip


class SampleForm(forms.Form):
    kind = forms.ChoiceField(
        label="How to choose the children",
        choices=SampleKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    team = forms.ModelChoiceField(
        label="Team (optional for a themed sample)",
        queryset=None,
        required=False,
        empty_label="Any team",
        help_text="For a random sample: the team whose children to choose from",
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    worker = forms.ModelChoiceField(
        label="Worker (for a sample from one worker's caseload)",
        queryset=None,
        required=False,
        empty_label="Choose a worker",
        error_messages={"invalid_choice": "Select a worker from the list"},
    )
    theme = forms.ChoiceField(
        label="Theme (for a themed sample)",
        choices=[(k, v.format(months="N")) for k, v in THEMES.items()],
        widget=forms.RadioSelect,
        required=False,
    )
    months = forms.IntegerField(
        label="Months open (for long child in need episodes)",
        initial=9,
        required=False,
        min_value=1,
        max_value=120,
        error_messages={
            "invalid": "Months open must be a whole number",
            "min_value": "Months open must be 1 or more",
            "max_value": "Months open must be 120 or fewer",
        },
    )
    size = forms.IntegerField(
        label="How many children",
        required=False,
        error_messages={"invalid": "How many children must be a whole number"},
    )
    auditors = forms.ModelMultipleChoiceField(
        label="Auditors",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The audits are shared between them in turn",
        error_messages={"invalid_choice": "Select auditors from the list"},
    )
    moderation_percent = forms.IntegerField(
        label="Share to moderate (per cent)",
        required=False,
        help_text="This share of the audits is given to another auditor in the list to moderate",
        error_messages={"invalid": "Share to moderate must be a whole number"},
    )

    def __init__(self, *args, teams, workers, auditors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda w: f"{_person(w)}, {w.team.name if w.team_id else ''}"
        self.fields["auditors"].queryset = auditors
        self.fields["auditors"].label_from_instance = _person

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "team": data.get("team"),
            "worker": data.get("worker"),
            "theme": data.get("theme") or "",
            "months": data.get("months") or 9,
            "size": data.get("size"),
            "auditors": list(data.get("auditors") or []),
            "moderation_percent": data.get("moderation_percent") or 0,
        }


class ReportForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Period", choices=list(PERIODS.items()), coerce=int, required=False, empty_value=12, initial=12
    )


class ThemesReportForm(ReportForm):
    theme = forms.ChoiceField(
        label="Grades over time for",
        choices=[("overall", "Overall grade"), *Theme.choices],
        required=False,
        initial="overall",
    )
