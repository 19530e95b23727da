"""Input for assessments, manager decisions on them, strategy discussions, section 47 enquiries
and child protection plans. The forms parse what was typed; the rules live in the services."""

from __future__ import annotations

from django import forms

from lantern.approvals.models import Decision, QualityGrade
from lantern.casework.models import Assessment, AssessmentOutcome
from lantern.core import codes
from lantern.core.forms import GovukDateField
from lantern.core.versions import VersionedForm

F = codes.AssessmentFactor

#: The census assessment factors, grouped as a worker thinks about them. '21 No factors
#: identified' is not in a group: it is shown on its own, after the others.
FACTOR_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Alcohol and drugs", (F.F1A, F.F1B, F.F1C, F.F2A, F.F2B, F.F2C)),
    ("Domestic abuse", (F.F3A, F.F3B, F.F3C)),
    ("Mental health, disability and illness", (F.F4A, F.F4B, F.F4C, F.F5A, F.F5B, F.F5C, F.F6A, F.F6B, F.F6C)),
    ("Abuse and neglect", (F.F16A, F.F17A, F.F18B, F.F18C, F.F19B, F.F19C, F.F22A, F.F23A)),
    (
        "Risks outside the home and the child's own behaviour",
        (F.F10A, F.F11A, F.F12A, F.F13A, F.F24A, F.F14A, F.F15A),
    ),
    ("Caring, private fostering and immigration", (F.F7A, F.F8B, F.F8C, F.F8D, F.F8E, F.F8F, F.F9A)),
    ("Other", (F.F20,)),
)
NO_FACTORS = F.F21

SAFETY_SCALE_HINT = (
    "0 means the child is not safe and harm is certain to happen again. "
    "10 means everyone agrees the child is safe enough for us to close the case."
)

YES_NO = [("yes", "Yes"), ("no", "No")]


def _label(field: str) -> str:
    return str(Assessment._meta.get_field(field).verbose_name)


def _text(field: str, help_text: str = "", label: str = "") -> forms.CharField:
    label = label or _label(field)
    label = label[0].upper() + label[1:]
    return forms.CharField(label=label, widget=forms.Textarea, required=False, help_text=help_text)


class AssessmentStartForm(forms.Form):
    start_date = GovukDateField(
        label="Date the assessment started",
        past=True,
        help_text="Not before the referral. For example, 12 1 2026",
    )


class AssessmentForm(VersionedForm):
    """The assessment's sections. Everything may be saved unfinished; submitting checks it is complete."""

    lived_experience = _text(
        "lived_experience",
        "Who cares for them, what they see, hear and feel, and what a day in their life is like",
        label="What life is like for the child",
    )
    child_words = _text("child_words", "What the child said, written as they said it")
    identity_diversity = _text(
        "identity_diversity",
        "Culture, faith, language, sex, any disability, and what they mean for the child's needs and daily life",
        label="Who the child is and what matters to them",
    )
    family_involvement = _text("family_involvement", "Who you met and spoke to, and how they took part")
    family_views = _text("family_views", "What the parents, carers and wider family think, in their words")
    worries = _text("worries", "Past harm, complicating factors and what you are worried will happen")
    strengths = _text("strengths", "What is working well, who helps, and what keeps the child safe")
    danger_statements = _text(
        "danger_statements", "What we are worried will happen to the child if nothing changes, said simply"
    )
    safety_goals = _text("safety_goals", "What the family needs to do so the child is safe and we can close")
    safety_scale = forms.TypedChoiceField(
        label="How safe is the child now, from 0 to 10?",
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=SAFETY_SCALE_HINT,
    )
    analysis = _text(
        "analysis",
        "What the information means for the child, and why you reached your outcome",
        label="Your analysis of the child's needs, risks and strengths",
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified at the end of the assessment",
        choices=F.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Census assessment factors. Select all that apply, or 'No factors identified'.",
    )
    outcome = forms.ChoiceField(
        label="What happens next for the child?",
        choices=AssessmentOutcome.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    TEXT_FIELDS = (
        "lived_experience",
        "child_words",
        "identity_diversity",
        "family_involvement",
        "family_views",
        "worries",
        "strengths",
        "danger_statements",
        "safety_goals",
        "analysis",
    )

    @classmethod
    def initial_for(cls, assessment: Assessment, factors: list[str]) -> dict:
        initial = {name: getattr(assessment, name) for name in cls.TEXT_FIELDS}
        initial["safety_scale"] = "" if assessment.safety_scale is None else str(assessment.safety_scale)
        initial["outcome"] = assessment.outcome
        initial["factors"] = factors
        return initial

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {name: data[name].strip() for name in self.TEXT_FIELDS}
        arguments["safety_scale"] = data["safety_scale"]
        arguments["outcome"] = data["outcome"]
        arguments["factors"] = list(data["factors"])
        return arguments


class AssessmentDecisionForm(forms.Form):
    """A manager's decision. Comment, rationale and (when approving) the grade are required by the service."""

    decision = forms.ChoiceField(
        label="Your decision", choices=Decision.choices, widget=forms.RadioSelect, required=False
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea,
        required=False,
        help_text="What you think of the assessment: the worker will see this",
    )
    rationale = forms.CharField(
        label="Rationale for your decision",
        widget=forms.Textarea,
        required=False,
        help_text="Why you approve it or return it, so anyone reading the file later understands",
    )
    quality_grade = forms.ChoiceField(
        label="Quality of the assessment",
        choices=QualityGrade.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Needed when you approve it. Use the grades of the council's audit framework.",
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "decision": data["decision"],
            "comment": data["comment"],
            "rationale": data["rationale"],
            "quality_grade": data["quality_grade"],
        }


class StrategyDiscussionForm(forms.Form):
    date = GovukDateField(label="Date of the strategy discussion", past=True, help_text="For example, 12 1 2026")
    attendees = forms.CharField(
        label="Who took part",
        widget=forms.Textarea,
        required=False,
        help_text="Each person's name and the agency they represent (police, health, school...)",
    )
    concerns = forms.CharField(label="Concerns discussed", widget=forms.Textarea, required=False)
    decision_s47 = forms.ChoiceField(
        label="Start a section 47 enquiry?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to start a section 47 enquiry"},
    )
    rationale = forms.CharField(label="Rationale for the decision", widget=forms.Textarea, required=False)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "attendees": data["attendees"].strip(),
            "concerns": data["concerns"].strip(),
            "decision_s47": data["decision_s47"] == "yes",
            "rationale": data["rationale"].strip(),
        }


class ICPCForm(forms.Form):
    HELD, NOT_REQUIRED = "held", "not_required"

    conference = forms.ChoiceField(
        label="Was an initial child protection conference held?",
        choices=[
            (HELD, "Yes, the conference was held"),
            (NOT_REQUIRED, "No, the enquiry found a conference is not required"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether a conference was held"},
    )
    icpc_date = GovukDateField(
        label="Date of the conference",
        required=False,
        help_text="If it was held. Conferences are held on working days. For example, 26 1 2026",
    )
    plan_needed = forms.ChoiceField(
        label="Does the child need a child protection plan?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
        help_text="If the conference was held",
    )
    category = forms.ChoiceField(
        label="Category of abuse",
        choices=[("", "Choose a category"), *codes.CategoryOfAbuse.choices],
        required=False,
        help_text="If the child needs a plan",
    )
    outcome_summary = forms.CharField(
        label="Summary of the outcome",
        widget=forms.Textarea,
        required=False,
        help_text="What the enquiry found and what the conference decided, or why no conference is needed",
    )

    def clean(self):
        data = super().clean()
        if data.get("conference") == self.HELD and not data.get("plan_needed"):
            self.add_error("plan_needed", "Select whether the child needs a child protection plan")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        held = data["conference"] == self.HELD
        return {
            "icpc_date": data["icpc_date"] if held else None,
            "not_required": not held,
            "plan_needed": held and data["plan_needed"] == "yes",
            "category": data["category"] if held else "",
            "outcome_summary": data["outcome_summary"].strip(),
        }


class CPReviewForm(forms.Form):
    date = GovukDateField(label="Date of the review conference", past=True, help_text="For example, 20 4 2026")
    latest_category = forms.ChoiceField(
        label="Category of abuse after the review",
        choices=codes.CategoryOfAbuse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the category of abuse"},
    )


class CPPlanEndForm(forms.Form):
    end_date = GovukDateField(label="Date the plan ended", past=True, help_text="For example, 20 4 2026")
