"""Chronology events from the children-in-need pathway (see lantern/core/chronology.py).

Everything the pathway records about a child becomes an event here: contacts and front door
decisions, referrals (re-referrals marked significant), assessments, strategy discussions,
section 47 enquiries and conferences, child protection plans and reviews, child in need plans,
reviews and completed actions, early help, step-down and closure requests, and episode
closures. Manager decisions on them (authorised, approved, returned) come from the approvals
app's events.
"""

from __future__ import annotations

from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Left, TruncDate
from django.urls import reverse

from lantern.approvals.models import Approval, Decision
from lantern.casework.models import (
    Assessment,
    AssessmentOutcome,
    ChildProtectionPlan,
    CINEpisode,
    CINPlanChild,
    ClosureRequest,
    Contact,
    ContactDecision,
    CPPlanReview,
    DecisionRoute,
    EarlyHelpEpisode,
    PlanAction,
    PlanReview,
    Section47,
    StepDown,
    StrategyDiscussion,
)
from lantern.core import codes
from lantern.core.chronology import EventSource, event_values
from lantern.people.events import choice_label, flag, text, when, worker_name


def _url(name: str):
    """The record's own page: the URL `name` takes (child_id, object_id)."""

    def url(child_id: int, object_id: int) -> str:
        return reverse(name, args=[child_id, object_id])

    return url


def _child_page(name: str, anchor: str = ""):
    """A page of the child's record that shows the record (the URL `name` takes child_id)."""

    def url(child_id: int, object_id: int) -> str:
        return reverse(name, args=[child_id]) + anchor

    return url


# ---------------------------------------------------------------------------------------------
# Front door
# ---------------------------------------------------------------------------------------------


def _contacts():
    return event_values(
        Contact.objects.all(),
        child="child_id",
        on=TruncDate("received_at"),
        at="received_at",
        kind="contact",
        title=text("Contact received from ", choice_label("source", codes.ReferralSource)),
        detail="concern",
        object_id="pk",
        actor=worker_name("recorded_by"),
    )


_ROUTE_TITLES = [
    (DecisionRoute.NFA, "no further action"),
    (DecisionRoute.EARLY_HELP, "early help"),
    (DecisionRoute.REFERRAL, "referral to children's social care"),
    (DecisionRoute.STRATEGY, "strategy discussion"),
]


def _contact_decisions():
    return event_values(
        ContactDecision.objects.all(),
        child="contact__child_id",
        on=TruncDate("decided_at"),
        at="decided_at",
        kind="contact_decision",
        title=text(
            "Front door decision: ",
            choice_label("route", _ROUTE_TITLES),
            when(Q(previous_episode__isnull=False), " (re-referral)", ""),
        ),
        detail=text("Level of need: ", F("level__name"), ". ", F("reason")),
        object_id="contact_id",
        actor=worker_name("decided_by"),
    )


def _referral_detail():
    return text(
        "Source: ",
        choice_label("referral_source", codes.ReferralSource),
        when(Q(primary_need=""), ".", text(". Primary need: ", choice_label("primary_need", codes.PrimaryNeed), ".")),
    )


def _referrals():
    rereferral = Q(contact__decision__previous_episode__isnull=False)
    return event_values(
        CINEpisode.objects.filter(referral_nfa=False),
        child="child_id",
        on="referral_date",
        kind="referral",
        title=when(rereferral, "Re-referral: child in need episode started", "Referral: child in need episode started"),
        detail=_referral_detail(),
        object_id="pk",
        significant=flag(rereferral),
    )


def _referrals_nfa():
    return event_values(
        CINEpisode.objects.filter(referral_nfa=True),
        child="child_id",
        on="referral_date",
        kind="referral_nfa",
        title="Referral: no further action",
        detail=_referral_detail(),
        object_id="pk",
        actor=worker_name("closed_by"),
    )


def _episodes_closed():
    return event_values(
        CINEpisode.objects.filter(closure_date__isnull=False, referral_nfa=False),
        child="child_id",
        on="closure_date",
        kind="episode_closed",
        title=text("Child in need episode closed: ", choice_label("closure_reason", codes.ReasonForClosure)),
        detail=text("Reason for closure ", F("closure_reason"), "."),
        object_id="pk",
        actor=worker_name("closed_by"),
        significant=True,
    )


def _early_help_started():
    return event_values(
        EarlyHelpEpisode.objects.all(),
        child="child_id",
        on="start_date",
        kind="early_help_start",
        title=when(Q(team__isnull=True), "Early help started", text("Early help started with ", F("team__name"))),
        object_id="pk",
    )


def _early_help_ended():
    return event_values(
        EarlyHelpEpisode.objects.filter(end_date__isnull=False),
        child="child_id",
        on="end_date",
        kind="early_help_end",
        title="Early help ended",
        detail="end_reason",
        object_id="pk",
    )


# ---------------------------------------------------------------------------------------------
# Assessments
# ---------------------------------------------------------------------------------------------


def _assessments_started():
    return event_values(
        Assessment.objects.all(),
        child="child_id",
        on="start_date",
        kind="assessment_start",
        title="Child and family assessment started",
        detail=text("Due by the 45th working day after the referral."),
        object_id="pk",
        actor=worker_name("author"),
    )


def _assessments_submitted():
    return event_values(
        Assessment.objects.filter(submitted_at__isnull=False),
        child="child_id",
        on=TruncDate("submitted_at"),
        at="submitted_at",
        kind="assessment_submitted",
        title="Assessment completed and submitted for approval",
        detail=when(Q(outcome=""), "", text("Recommended outcome: ", choice_label("outcome", AssessmentOutcome), ".")),
        object_id="pk",
        actor=worker_name("author"),
    )


def _assessments_authorised_without_approval():
    """An authorised assessment whose manager decision is not in the approvals table (imported
    or migrated records): the approvals app's events show the decision for every other one."""
    approved = Approval.objects.filter(
        child_id=OuterRef("child_id"), kind="assessment", subject_id=OuterRef("pk"), decision=Decision.APPROVED
    )
    return event_values(
        Assessment.objects.filter(authorised_date__isnull=False).filter(~Exists(approved)),
        child="child_id",
        on="authorised_date",
        kind="assessment_authorised",
        title="Assessment authorised",
        detail=when(Q(outcome=""), "", text("Outcome: ", choice_label("outcome", AssessmentOutcome), ".")),
        object_id="pk",
    )


# ---------------------------------------------------------------------------------------------
# Strategy discussions, section 47 enquiries and child protection
# ---------------------------------------------------------------------------------------------


def _strategy_discussions():
    return event_values(
        StrategyDiscussion.objects.all(),
        child="child_id",
        on="date",
        kind="strategy_discussion",
        title=when(
            Q(decision_s47=True),
            "Strategy discussion: section 47 enquiry agreed",
            "Strategy discussion: no section 47 enquiry",
        ),
        detail="rationale",
        object_id="pk",
        actor=worker_name("recorded_by"),
        significant=True,
    )


def _s47_started():
    return event_values(
        Section47.objects.all(),
        child="child_id",
        on="start_date",
        kind="s47_start",
        title="Section 47 enquiry started",
        object_id="pk",
        significant=True,
    )


def _icpcs():
    return event_values(
        Section47.objects.filter(icpc_date__isnull=False),
        child="child_id",
        on="icpc_date",
        kind="icpc",
        title="Initial child protection conference held",
        detail="outcome_summary",
        object_id="pk",
        significant=True,
    )


def _s47_no_conference():
    """The enquiry concluded without a conference. The outcome has no date of its own, so the
    day it was recorded comes from the record's history (the enquiry's start if there is none)."""
    history = Section47.history.model
    recorded = (
        history.objects.filter(id=OuterRef("pk"), icpc_not_required=True)
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return event_values(
        Section47.objects.filter(icpc_not_required=True),
        child="child_id",
        on=Coalesce(TruncDate(Subquery(recorded, output_field=DateTimeField())), F("start_date")),
        kind="s47_no_conference",
        title="Section 47 enquiry concluded: no conference needed",
        detail="outcome_summary",
        object_id="pk",
        significant=True,
    )


def _cp_plans_started():
    return event_values(
        ChildProtectionPlan.objects.all(),
        child="child_id",
        on="start_date",
        kind="cp_plan_start",
        title=text("Child protection plan started: ", choice_label("initial_category", codes.CategoryOfAbuse)),
        object_id="pk",
        significant=True,
    )


def _cp_plans_ended():
    return event_values(
        ChildProtectionPlan.objects.filter(end_date__isnull=False),
        child="child_id",
        on="end_date",
        kind="cp_plan_end",
        title="Child protection plan ended",
        detail=text("Category at the end: ", choice_label("latest_category", codes.CategoryOfAbuse), "."),
        object_id="pk",
        significant=True,
    )


def _cp_reviews():
    return event_values(
        CPPlanReview.objects.all(),
        child="plan__child_id",
        on="date",
        kind="cp_review",
        title="Child protection review conference",
        object_id="plan_id",
    )


# ---------------------------------------------------------------------------------------------
# Child in need plans (a family plan: each child's own section carries their dates)
# ---------------------------------------------------------------------------------------------


def _cin_plans_submitted():
    return event_values(
        CINPlanChild.objects.filter(plan__submitted_at__isnull=False),
        child="child_id",
        on=TruncDate("plan__submitted_at"),
        at="plan__submitted_at",
        kind="cin_plan_submitted",
        title="Child in need plan submitted for approval",
        detail=F("plan__title"),
        object_id="plan_id",
        actor=worker_name("plan__author"),
    )


def _cin_plans_started():
    return event_values(
        CINPlanChild.objects.filter(start_date__isnull=False),
        child="child_id",
        on="start_date",
        kind="cin_plan_start",
        title="Child in need plan started",
        detail=F("plan__title"),
        object_id="plan_id",
    )


def _cin_plans_ended():
    return event_values(
        CINPlanChild.objects.filter(end_date__isnull=False),
        child="child_id",
        on="end_date",
        kind="cin_plan_end",
        title="Child in need plan ended",
        detail=F("plan__title"),
        object_id="plan_id",
    )


def _plan_reviews():
    # One row for each child with a section in the reviewed plan.
    return event_values(
        PlanReview.objects.filter(plan__children__start_date__isnull=False),
        child="plan__children__child_id",
        on="date",
        kind="cin_plan_review",
        title="Child in need plan review",
        detail="decisions",
        object_id="plan_id",
        actor=worker_name("recorded_by"),
    )


def _plan_actions_done():
    return event_values(
        PlanAction.objects.filter(completed_date__isnull=False),
        child="section__child_id",
        on="completed_date",
        kind="plan_action_done",
        title=Concat(Value("Plan action done: "), Left("what", 120), output_field=TextField()),
        detail=text("By ", F("who"), "."),
        object_id="section__plan_id",
    )


# ---------------------------------------------------------------------------------------------
# Step-down and closure requests (their decisions are approvals)
# ---------------------------------------------------------------------------------------------


def _step_downs_requested():
    return event_values(
        StepDown.objects.all(),
        child="child_id",
        on=TruncDate("requested_at"),
        at="requested_at",
        kind="step_down_request",
        title=text("Step-down to early help requested (", F("early_help_team__name"), ")"),
        detail=when(
            Q(outcomes_met=True), "The plan's outcomes are met.", text("Outcomes not all met: ", F("outcomes_reason"))
        ),
        object_id="pk",
        actor=worker_name("requested_by"),
    )


def _closures_requested():
    return event_values(
        ClosureRequest.objects.all(),
        child="child_id",
        on=TruncDate("requested_at"),
        at="requested_at",
        kind="closure_request",
        title=text("Closure requested: ", choice_label("reason", codes.ReasonForClosure)),
        detail="summary",
        object_id="pk",
        actor=worker_name("requested_by"),
    )


SOURCES = [
    EventSource(
        kind="contact",
        label="Contacts",
        group="front_door",
        rows=_contacts,
        url=_url("casework:contact_decide"),
    ),
    EventSource(
        kind="contact_decision",
        label="Front door decisions",
        group="front_door",
        rows=_contact_decisions,
        url=_url("casework:contact_decide"),
    ),
    EventSource(
        kind="referral",
        label="Referrals",
        group="front_door",
        rows=_referrals,
        url=_child_page("casework:child", "#episodes"),
    ),
    EventSource(
        kind="referral_nfa",
        label="Referrals with no further action",
        group="front_door",
        rows=_referrals_nfa,
        url=_child_page("casework:child", "#episodes"),
    ),
    EventSource(
        kind="assessment_start",
        label="Assessments started",
        group="assessment",
        rows=_assessments_started,
        url=_url("casework:assessment"),
    ),
    EventSource(
        kind="assessment_submitted",
        label="Assessments completed",
        group="assessment",
        rows=_assessments_submitted,
        url=_url("casework:assessment"),
    ),
    EventSource(
        kind="assessment_authorised",
        label="Assessments authorised (no recorded decision)",
        group="assessment",
        rows=_assessments_authorised_without_approval,
        url=_url("casework:assessment"),
    ),
    EventSource(
        kind="strategy_discussion",
        label="Strategy discussions",
        group="protection",
        rows=_strategy_discussions,
        url=_child_page("casework:protection"),
    ),
    EventSource(
        kind="s47_start",
        label="Section 47 enquiries started",
        group="protection",
        rows=_s47_started,
        url=_url("casework:section47"),
    ),
    EventSource(
        kind="icpc",
        label="Initial child protection conferences",
        group="protection",
        rows=_icpcs,
        url=_url("casework:section47"),
    ),
    EventSource(
        kind="s47_no_conference",
        label="Section 47 enquiries concluded without a conference",
        group="protection",
        rows=_s47_no_conference,
        url=_url("casework:section47"),
    ),
    EventSource(
        kind="cp_plan_start",
        label="Child protection plans started",
        group="protection",
        rows=_cp_plans_started,
        url=_url("casework:cp_plan"),
    ),
    EventSource(
        kind="cp_review",
        label="Child protection review conferences",
        group="protection",
        rows=_cp_reviews,
        url=_url("casework:cp_plan"),
    ),
    EventSource(
        kind="cp_plan_end",
        label="Child protection plans ended",
        group="protection",
        rows=_cp_plans_ended,
        url=_url("casework:cp_plan"),
    ),
    EventSource(
        kind="cin_plan_submitted",
        label="CIN plans submitted",
        group="plan",
        rows=_cin_plans_submitted,
        url=_url("casework:plan"),
    ),
    EventSource(
        kind="cin_plan_start",
        label="CIN plans started",
        group="plan",
        rows=_cin_plans_started,
        url=_url("casework:plan"),
    ),
    EventSource(
        kind="cin_plan_review",
        label="CIN plan reviews",
        group="plan",
        rows=_plan_reviews,
        url=_url("casework:plan"),
    ),
    EventSource(
        kind="plan_action_done",
        label="CIN plan actions done",
        group="plan",
        rows=_plan_actions_done,
        url=_url("casework:plan"),
    ),
    EventSource(
        kind="cin_plan_end",
        label="CIN plans ended",
        group="plan",
        rows=_cin_plans_ended,
        url=_url("casework:plan"),
    ),
    EventSource(
        kind="early_help_start",
        label="Early help started",
        group="early_help",
        rows=_early_help_started,
        url=_child_page("casework:child", "#episodes"),
    ),
    EventSource(
        kind="early_help_end",
        label="Early help ended",
        group="early_help",
        rows=_early_help_ended,
        url=_child_page("casework:child", "#episodes"),
    ),
    EventSource(
        kind="step_down_request",
        label="Step-down requests",
        group="closure",
        rows=_step_downs_requested,
        url=_url("casework:step_down"),
    ),
    EventSource(
        kind="closure_request",
        label="Closure requests",
        group="closure",
        rows=_closures_requested,
        url=_url("casework:closure"),
    ),
    EventSource(
        kind="episode_closed",
        label="Child in need episodes closed",
        group="closure",
        rows=_episodes_closed,
        url=_child_page("casework:child", "#episodes"),
    ),
]
