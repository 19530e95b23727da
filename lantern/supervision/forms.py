"""Forms for supervision: the session, repeatable case discussions (a formset that grows by one
with "Add another case discussion", no JavaScript needed), the addendum and the frequency."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.forms import BaseFormSet, formset_factory

from lantern.core.forms import GovukDateField
from lantern.people.models import Child
from lantern.supervision.services import DiscussionInput

DISCUSSION_PREFIX = "discussions"


class SessionForm(forms.Form):
    held_on = GovukDateField(label="Date of supervision", past=True, help_text="For example, 27 3 2026")
    wellbeing = forms.CharField(
        label="Wellbeing",
        required=False,
        widget=forms.Textarea,
        help_text="How the worker is, and any support agreed. Seen only by the worker and their managers.",
    )
    caseload = forms.CharField(
        label="Caseload and workload",
        required=False,
        widget=forms.Textarea,
        help_text="Seen only by the worker and their managers.",
    )
    learning = forms.CharField(
        label="Learning and development",
        required=False,
        widget=forms.Textarea,
        help_text="Training, reading, reflection on practice. Seen only by the worker and their managers.",
    )
    other_actions = forms.CharField(label="Other agreed actions", required=False, widget=forms.Textarea)
    next_supervision_date = GovukDateField(label="Next supervision", required=False)

    def clean(self):
        data = super().clean()
        held_on, next_date = data.get("held_on"), data.get("next_supervision_date")
        if held_on and next_date and next_date <= held_on:
            self.add_error("next_supervision_date", "Next supervision must be after the date of supervision")
        return data

    @classmethod
    def initial_for(cls, session) -> dict:
        return {name: getattr(session, name) for name in cls.base_fields}


class CaseDiscussionForm(forms.Form):
    discussion_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    child = forms.TypedChoiceField(
        label="Child discussed",
        coerce=int,
        error_messages={"required": "Select the child discussed", "invalid_choice": "Select a child from the list"},
    )
    working_well = forms.CharField(label="What is working well", required=False, widget=forms.Textarea)
    worries = forms.CharField(label="What are we worried about", required=False, widget=forms.Textarea)
    reflection = forms.CharField(
        label="Reflective discussion",
        widget=forms.Textarea,
        help_text="Hypotheses about what is happening for the child, and what else could explain it",
        error_messages={"required": "Enter the reflective discussion"},
    )
    decisions = forms.CharField(
        label="Decisions", widget=forms.Textarea, error_messages={"required": "Enter the decisions"}
    )
    rationale = forms.CharField(
        label="Rationale for the decisions",
        widget=forms.Textarea,
        error_messages={"required": "Enter the rationale for the decisions"},
    )
    actions = forms.CharField(
        label="Actions", required=False, widget=forms.Textarea, help_text="Who will do what, by when"
    )
    next_review_date = GovukDateField(label="Review the child's case again by", required=False)

    def __init__(self, *args, children: Sequence[Child] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.children = {child.pk: child for child in children}
        self.fields["child"].choices = [("", "Choose a child")] + [
            (child.pk, f"{child.person.full_name} ({child.la_child_id})") for child in children
        ]

    def as_input(self) -> DiscussionInput:
        data = self.cleaned_data
        return DiscussionInput(
            child=self.children[data["child"]],
            working_well=data["working_well"],
            worries=data["worries"],
            reflection=data["reflection"],
            decisions=data["decisions"],
            rationale=data["rationale"],
            actions=data["actions"],
            next_review_date=data["next_review_date"],
            discussion_id=data["discussion_id"],
        )


class BaseDiscussionFormSet(BaseFormSet):
    """Discussions already saved on a draft come first and must stay complete; the blank ones after
    them may be left empty and are then ignored."""

    def __init__(self, *args, children: Sequence[Child] = (), existing: int = 0, **kwargs):
        self.children = list(children)
        self.existing = existing
        kwargs.setdefault("prefix", DISCUSSION_PREFIX)
        super().__init__(*args, **kwargs)

    def initial_form_count(self) -> int:
        if self.is_bound:
            return super().initial_form_count()
        return self.existing

    def get_form_kwargs(self, index):
        return {"children": self.children}

    def clean(self):
        seen: set[int] = set()
        for form in self.forms:
            child = (getattr(form, "cleaned_data", None) or {}).get("child")
            if child is None:
                continue
            if child in seen:
                form.add_error("child", "This child is already discussed in this session: choose another child")
            seen.add(child)

    def inputs(self) -> list[DiscussionInput]:
        # A blank extra form is valid with empty cleaned_data: it is not a discussion.
        return [form.as_input() for form in self.forms if form.cleaned_data]


DiscussionFormSet = formset_factory(
    CaseDiscussionForm, formset=BaseDiscussionFormSet, extra=1, max_num=30, validate_max=True
)


def discussion_formset(*, data=None, children: Sequence[Child], discussions=(), grow: bool = False):
    """The case discussion forms: bound to `data` when posted, otherwise one per saved discussion
    plus a blank one. With `grow`, the posted values are shown again (not yet validated) with one
    more blank discussion: the "Add another case discussion" step, without JavaScript."""
    existing = len(discussions)
    if data is not None and not grow:
        return DiscussionFormSet(data, children=children)
    if data is not None:
        posted = DiscussionFormSet(data, children=children)
        existing = posted.initial_form_count()
        initial = [{name: form[name].value() for name in form.fields} for form in posted.forms]
        formset = DiscussionFormSet(initial=initial, children=children, existing=existing)
        formset.extra = len(initial) - existing + 1
        return formset
    initial = [
        {
            "discussion_id": d.pk,
            "child": d.child_id,
            "working_well": d.working_well,
            "worries": d.worries,
            "reflection": d.reflection,
            "decisions": d.decisions,
            "rationale": d.rationale,
            "actions": d.actions,
            "next_review_date": d.next_review_date,
        }
        for d in discussions
    ]
    return DiscussionFormSet(initial=initial, children=children, existing=existing)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea,
        help_text="Added below the signed record with your name and the date; the signed record does not change",
        error_messages={"required": "Enter the addendum"},
    )


class FrequencyForm(forms.Form):
    weeks = forms.IntegerField(
        label="Supervision every (weeks)",
        required=False,
        min_value=1,
        max_value=52,
        error_messages={
            "invalid": "Weeks must be a whole number, like 2",
            "min_value": "Weeks must be between 1 and 52",
            "max_value": "Weeks must be between 1 and 52",
        },
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        help_text="For example, newly qualified in their assessed and supported year",
        error_messages={"required": "Enter the reason for this frequency"},
    )
