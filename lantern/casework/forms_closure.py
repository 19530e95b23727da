"""Forms for step-down, closure, transfers and manager decisions on them."""

from django import forms

from lantern.approvals.models import Decision
from lantern.core import codes
from lantern.core.forms import GovukDateField
from lantern.workforce.models import Team, TeamType, Worker

YES_NO = [("yes", "Yes"), ("no", "No")]


class StepDownForm(forms.Form):
    outcomes_met = forms.ChoiceField(
        label="Have the plan's outcomes been met for this child?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the outcomes have been met"},
    )
    outcomes_reason = forms.CharField(
        label="If not, why is stepping down right for the child now?", widget=forms.Textarea, required=False
    )
    family_agrees = forms.ChoiceField(
        label="Does the family agree to early help?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family agrees"},
    )
    early_help_accepts = forms.ChoiceField(
        label="Has the early help team accepted the child?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether early help has accepted"},
    )
    early_help_team = forms.ModelChoiceField(
        label="Early help team",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Select the early help team"},
    )
    proposed_date = GovukDateField(label="Proposed step-down date", help_text="For example, 27 3 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["early_help_team"].queryset = Team.objects.filter(type=TeamType.EARLY_HELP, active=True).order_by(
            "name"
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "outcomes_met": data["outcomes_met"] == "yes",
            "outcomes_reason": data["outcomes_reason"],
            "family_agrees": data["family_agrees"] == "yes",
            "early_help_accepts": data["early_help_accepts"] == "yes",
            "early_help_team": data["early_help_team"],
            "proposed_date": data["proposed_date"],
        }


class ClosureForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason for closure (census code)",
        choices=[(c.value, f"{c.value}: {c.label}") for c in codes.ReasonForClosure],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason for closure"},
    )
    closure_date = GovukDateField(label="Closure date", past=True)
    summary = forms.CharField(
        label="Closing summary",
        widget=forms.Textarea,
        help_text="What has changed for the child, and what support continues",
        error_messages={"required": "Enter a closing summary"},
    )


class DecisionForm(forms.Form):
    """A manager's decision: approve or return, with a comment and a rationale (both required)."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve or return it"},
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea,
        error_messages={"required": "Enter a comment"},
        help_text="What you want the worker and the child's file to record",
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea,
        error_messages={"required": "Enter the rationale for your decision"},
        help_text="Why this is the right decision for the child",
    )


class TransferForm(forms.Form):
    to_team = forms.ModelChoiceField(
        label="Receiving team",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Select the receiving team"},
    )
    reason = forms.CharField(
        label="Reason for the transfer",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the transfer"},
    )

    def __init__(self, *args, exclude_team_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(active=True).select_related("service").order_by("service__name", "name")
        if exclude_team_id:
            teams = teams.exclude(pk=exclude_team_id)
        self.fields["to_team"].queryset = teams
        self.fields["to_team"].label_from_instance = lambda t: f"{t.name} ({t.get_type_display()}, {t.service.name})"


class TransferResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label="Does your team accept the child?",
        choices=[("accept", "Accept the child"), ("dispute", "Dispute the transfer")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept or dispute the transfer"},
    )
    worker = forms.ModelChoiceField(
        label="Allocate to a worker (optional)",
        queryset=Worker.objects.none(),
        required=False,
        empty_label="Hold in the team for now (shows on the unallocated list)",
    )
    rationale = forms.CharField(
        label="Reason for your answer",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for your answer"},
    )

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = Worker.objects.filter(team=team, is_active=True).order_by(
            "last_name", "first_name"
        )
        self.fields["worker"].label_from_instance = lambda w: f"{w.display_name} ({w.get_role_display()})"


class TransferResolutionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Resolution",
        choices=[("go_ahead", "The transfer goes ahead"), ("decline", "The transfer does not go ahead")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the resolution"},
    )
    rationale = forms.CharField(
        label="Rationale", widget=forms.Textarea, error_messages={"required": "Enter the rationale for the resolution"}
    )
