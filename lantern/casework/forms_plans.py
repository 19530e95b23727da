"""Forms for CIN plans: a family plan with each child's own section, outcomes and actions with
dates (L13, L14), a manager's decision with a comment and a rationale (L15), and reviews that
score progress on every outcome from 0 to 10 (L5, L9, L19)."""

from __future__ import annotations

from django import forms

from lantern.approvals.models import Decision
from lantern.casework.models import Agency, CINPlanChild, PlanOutcome
from lantern.core.forms import GovukDateField
from lantern.core.versions import VersionedForm

SCORE_CHOICES = [(str(n), str(n)) for n in range(11)]


class PlanNewForm(forms.Form):
    title = forms.CharField(
        label="Plan title",
        max_length=120,
        help_text="For example, 'Haddad family plan'",
        error_messages={
            "required": "Enter a title for the plan",
            "max_length": "The title must be 120 characters or fewer",
        },
    )
    children = forms.MultipleChoiceField(
        label="Which children is this plan for?",
        help_text="Each child you select gets their own section with their own needs, outcomes and views.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one child for the plan",
            "invalid_choice": "Select only children listed here",
        },
    )

    def __init__(self, *args, child, candidates, **kwargs):
        """`candidates`: (child, relationship) pairs, the current child first."""
        super().__init__(*args, **kwargs)
        self.child = child
        self._candidates = {str(c.pk): c for c, _ in candidates}
        self.fields["children"].choices = [
            (str(c.pk), f"{c.person.full_name} ({relationship})") for c, relationship in candidates
        ]

    def clean_children(self) -> list:
        chosen = self.cleaned_data["children"]
        if str(self.child.pk) not in chosen:
            raise forms.ValidationError(
                f"Include {self.child.person.full_name}: this plan is being made from their record"
            )
        return [self._candidates[pk] for pk in self._candidates if pk in chosen]


class PlanSectionForm(VersionedForm):
    needs = forms.CharField(
        label="This child's needs",
        required=False,
        widget=forms.Textarea,
        help_text="What this child needs, in their own right - not only what the family needs",
    )
    child_views = forms.CharField(
        label="The child's views",
        required=False,
        widget=forms.Textarea,
        help_text="In the child's own words where you can",
    )
    family_views = forms.CharField(label="The family's views", required=False, widget=forms.Textarea)
    contingency = forms.CharField(
        label="Contingency: what happens if things do not improve",
        required=False,
        widget=forms.Textarea,
        help_text="For example, a strategy discussion, or a request to consider child protection",
    )
    contingency_by = GovukDateField(
        label="Contingency review date",
        required=False,
        past=False,
        help_text="The date by which things must have improved. For example, 27 3 2026",
    )

    @staticmethod
    def initial_for(section: CINPlanChild) -> dict:
        return {
            "needs": section.needs,
            "child_views": section.child_views,
            "family_views": section.family_views,
            "contingency": section.contingency,
            "contingency_by": section.contingency_by,
        }


class PlanOutcomeForm(forms.Form):
    description = forms.CharField(
        label="Outcome for the child",
        widget=forms.Textarea,
        help_text="What will be different for the child. For example, 'Amira goes to school every day'",
        error_messages={"required": "Describe the outcome for the child"},
    )
    measure = forms.CharField(
        label="How we will know",
        max_length=300,
        help_text="Something you can check. For example, 'school attendance above 95% for a term'",
        error_messages={
            "required": "Enter how you will know the outcome has been reached",
            "max_length": "How you will know must be 300 characters or fewer",
        },
    )
    target_date = GovukDateField(label="Target date", past=False, help_text="For example, 27 3 2026")
    baseline_score = forms.TypedChoiceField(
        label="Where things are now (0 to 10, optional)",
        help_text="0: nothing of this outcome is in place; 10: the outcome has been reached",
        choices=[("", "Not scored yet"), *SCORE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )


class PlanActionForm(forms.Form):
    what = forms.CharField(
        label="What will happen", widget=forms.Textarea, error_messages={"required": "Enter what will happen"}
    )
    who = forms.CharField(
        label="Who will do it",
        max_length=120,
        help_text="A named person or role. For example, 'Ms Patel, designated safeguarding lead'",
        error_messages={
            "required": "Enter who will do it",
            "max_length": "Who will do it must be 120 characters or fewer",
        },
    )
    agency = forms.ChoiceField(
        label="Agency",
        choices=Agency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the agency", "invalid_choice": "Select the agency"},
    )
    due_date = GovukDateField(label="By when", help_text="For example, 27 3 2026")
    outcome = forms.ModelChoiceField(
        label="Which outcome is this action for? (optional)",
        queryset=PlanOutcome.objects.none(),
        required=False,
        empty_label="Not linked to one outcome",
        error_messages={"invalid_choice": "Choose one of this child's outcomes"},
    )

    def __init__(self, *args, section: CINPlanChild, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = PlanOutcome.objects.filter(section=section).order_by("target_date", "pk")
        self.fields["outcome"].label_from_instance = lambda o: o.description[:80]


class ActionCompleteForm(forms.Form):
    completed_date = GovukDateField(label="Date it was done", past=True, help_text="For example, 27 3 2026")


class PlanDecisionForm(forms.Form):
    """A manager's decision on a plan: approve or return, with a comment and a rationale (L15)."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve or return it"},
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea,
        help_text="What you want the worker and each child's file to record",
        error_messages={"required": "Enter a comment"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea,
        help_text="Why this plan is, or is not yet, right for each child",
        error_messages={"required": "Enter the rationale for your decision"},
    )


class PlanReviewForm(forms.Form):
    """A review: date, who attended, decisions, and a 0 to 10 score (with an optional comment)
    for every current outcome of every child. Score fields are `score_<outcome id>`."""

    date = GovukDateField(label="Review date", past=True, help_text="For example, 27 3 2026")
    attendees = forms.CharField(
        label="Who attended",
        widget=forms.Textarea,
        help_text="Names, and the agency each person represents. Include the child and family.",
        error_messages={"required": "Enter who attended"},
    )
    decisions = forms.CharField(
        label="Decisions", widget=forms.Textarea, error_messages={"required": "Enter the decisions made"}
    )

    def __init__(self, *args, outcomes: list[PlanOutcome], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        for outcome in outcomes:
            self.fields[f"score_{outcome.pk}"] = forms.TypedChoiceField(
                label=outcome.description,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Score progress from 0 to 10 on '{outcome.description[:60]}'",
                    "invalid_choice": "Progress scores must be from 0 to 10",
                },
            )
            self.fields[f"comment_{outcome.pk}"] = forms.CharField(
                label="Comment on progress (optional)", required=False, widget=forms.Textarea
            )

    def scores(self) -> dict[int, int]:
        return {
            o.pk: self.cleaned_data[f"score_{o.pk}"]
            for o in self.outcomes
            if self.cleaned_data.get(f"score_{o.pk}") is not None
        }

    def comments(self) -> dict[int, str]:
        return {o.pk: self.cleaned_data.get(f"comment_{o.pk}", "") for o in self.outcomes}

    def outcome_fields(self, outcome: PlanOutcome):
        return self[f"score_{outcome.pk}"], self[f"comment_{outcome.pk}"]
