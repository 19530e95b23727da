"""Allocating a child's lead worker: the worker (with their caseload shown), the reason for the
change, and the manager's reason when the worker goes above a threshold."""

from __future__ import annotations

from django import forms

from lantern.caseloads.services import ALLOCATION_REASONS
from lantern.workforce.models import AllocationReason, Worker


class AllocateForm(forms.Form):
    worker = forms.ChoiceField(
        label="Worker",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the worker", "invalid_choice": "Select a worker in the team"},
    )
    reason = forms.ChoiceField(
        label="Reason for the allocation",
        choices=[(r.value, r.label) for r in ALLOCATION_REASONS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason for the allocation"},
    )
    detail = forms.CharField(
        label="More about the reason",
        required=False,
        max_length=500,
        widget=forms.Textarea,
        help_text="Needed when the reason is ‘Other’. The child's record keeps it with the change of worker.",
        error_messages={"max_length": "More about the reason must be 500 characters or fewer"},
    )
    over_threshold_reason = forms.CharField(
        label="Why are you allocating above the threshold?",
        required=False,
        widget=forms.Textarea,
        help_text="Your reason is recorded as a management decision on the child's record and on the caseload report.",
    )

    def __init__(self, *args, workers: list[Worker], **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = {str(w.pk): w for w in workers}
        self.fields["worker"].choices = [(str(w.pk), w.display_name) for w in workers]

    def clean_worker(self) -> Worker:
        return self.workers[self.cleaned_data["worker"]]

    def clean(self):
        data = super().clean()
        if data.get("reason") == AllocationReason.OTHER and not (data.get("detail") or "").strip():
            self.add_error("detail", "Enter the reason for the allocation")
        return data

    def selected_worker(self) -> Worker | None:
        """The worker chosen in the submitted form, even when another field has an error."""
        if not self.is_bound:
            return None
        return self.workers.get(self.data.get("worker", ""))
