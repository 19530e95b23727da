"""Every write on the children-in-need pathway. Keyword-only functions, one transaction each.

The rules the letter asks for are held here (and, where a database can hold them, by
constraints in models.py): a decision within a working day is measured, a re-referral is found
and shown, one open episode per child, an NFA referral carries nothing further, RC8/RC9 only
after an assessment, an ICPC on a working day, a CP plan starting on its ICPC date, a CIN plan
ending when a CP plan starts, a plan cannot be finalised without outcomes, dates and a
contingency, and every manager decision carries a comment and a rationale.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.approvals.models import Decision
from lantern.approvals.services import AlreadyDecided, authors_of, decide, decided_text, lock_for_decision
from lantern.caseloads.services import lead_worker_problem
from lantern.casework.models import (
    Agency,
    Assessment,
    AssessmentFactorRecord,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    CINPlanChild,
    ClosureRequest,
    Contact,
    ContactDecision,
    CPPlanReview,
    DecisionRoute,
    EarlyHelpEpisode,
    OutcomeProgress,
    PlanAction,
    PlanOutcome,
    PlanReview,
    Section47,
    StepDown,
    StrategyDiscussion,
    ThresholdLevel,
    WorkStatus,
)
from lantern.core import codes, dates
from lantern.core.calendar import add_months, add_working_days, is_working_day
from lantern.core.local_settings import get_setting
from lantern.core.versions import lock_current
from lantern.people.models import Child
from lantern.workforce.models import (
    Allocation,
    AllocationReason,
    AllocationRole,
    Team,
    Transfer,
    TransferKind,
    TransferStatus,
    Worker,
)

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    return add_months(day, -months)


CHILD_PROTECTION_LEVEL = "child_protection"  # the level of need meaning significant harm (migration 0005)


def open_episode(child: Child) -> CINEpisode | None:
    return CINEpisode.objects.filter(child=child, closure_date__isnull=True).first()


def _require_open_episode(child: Child) -> CINEpisode:
    episode = open_episode(child)
    if episode is None:
        raise ValidationError("This child has no open child in need episode")
    return episode


def _require_not_nfa(episode: CINEpisode) -> None:
    if episode.referral_nfa:
        raise ValidationError("This referral was closed with no further action, so nothing more can be added to it")


def _lead_allocation(child: Child) -> Allocation | None:
    return Allocation.objects.filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD).first()


def _end_allocations(child: Child, *, on: date, reason: str) -> None:
    for allocation in Allocation.objects.filter(child=child, end_date__isnull=True):
        allocation.end_date = max(on, allocation.start_date)
        allocation.end_reason = reason
        allocation.save()


def _end_plan_sections(child: Child, *, on: date) -> None:
    for section in CINPlanChild.objects.filter(child=child, start_date__isnull=False, end_date__isnull=True):
        section.end_date = max(on, section.start_date)
        section.save()
        plan = section.plan
        if not plan.children.filter(end_date__isnull=True, start_date__isnull=False).exists():
            ends = plan.children.filter(end_date__isnull=False).values_list("end_date", flat=True)
            plan.end_date = max(ends)  # the plan ends when its last child's section ends
            plan.save()


# ---------------------------------------------------------------------------------------------
# Front door: contacts, threshold decisions, re-referrals, referrals
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *,
    child: Child,
    received_at: datetime,
    source: str,
    method: str,
    contact_name: str,
    concern: str,
    recorded_by: Worker,
) -> Contact:
    from lantern.casework.models import ContactMethod  # local: this function's fix only

    errors = {}
    if received_at is None:
        errors["received_at"] = "Enter when the contact was received"
    elif received_at > timezone.now():
        errors["received_at"] = "The date the contact was received must be today or in the past"
    else:
        dates.check(
            errors,
            "received_at",
            dates.happened_problem(received_at, label="The date the contact was received", child=child),
        )
    if source not in codes.ReferralSource.values:
        errors["source"] = "Select who the contact came from"
    if method not in ContactMethod.values:
        errors["method"] = "Select how the contact was made"
    if not concern.strip():
        errors["concern"] = "Enter what the concern is"
    if errors:
        raise ValidationError(errors)
    return Contact.objects.create(
        child=child,
        received_at=received_at,
        source=source,
        method=method,
        contact_name=contact_name,
        concern=concern,
        recorded_by=recorded_by,
    )


def decision_due(contact: Contact) -> date:
    received = timezone.localtime(contact.received_at).date()
    return add_working_days(received, get_setting("referral_decision_working_days"))


def previous_referral(child: Child, *, on: date) -> CINEpisode | None:
    """The most recent earlier referral within the re-referral window (DfE: 12 months)."""
    since = _months_before(on, get_setting("rereferral_months"))
    return (
        CINEpisode.objects.filter(child=child, referral_date__gte=since, referral_date__lte=on)
        .select_related("closed_by")
        .order_by("-referral_date", "-pk")
        .first()
    )


def _contact_decided_message(contact: Contact) -> str:
    made = ContactDecision.objects.select_related("decided_by").filter(contact=contact).first()
    if made is None:
        return "A decision has already been recorded on this contact."
    return decided_text(what="contact", verb="decided", by=made.decided_by, at=made.decided_at)


@transaction.atomic
def contact_decide(
    *,
    contact: Contact,
    level: ThresholdLevel,
    route: str,
    reason: str,
    decided_by: Worker,
    primary_need: str = "",
    team: Team | None = None,
    worker: Worker | None = None,
) -> ContactDecision:
    """Record the threshold decision; a referral or strategy route starts a CIN episode, an
    early help route opens an early help episode."""
    lock_for_decision(
        contact,
        waiting=lambda c: not ContactDecision.objects.filter(contact=c).exists(),
        already=lambda: _contact_decided_message(contact),
    )
    # Every check before anything is written, and every field's problem reported at once.
    errors = {}
    if level is None or not level.active:
        errors["level"] = "Select the level of need"
    if not reason.strip():
        errors["reason"] = "Enter the reason for the decision"
    if route not in DecisionRoute.values:
        errors["route"] = "Select what happens next"
    if route in (DecisionRoute.REFERRAL, DecisionRoute.STRATEGY) and primary_need not in codes.PrimaryNeed.values:
        errors["primary_need"] = "Select the child's primary need"
    if route == DecisionRoute.EARLY_HELP and team is None:
        errors["team"] = "Select the early help team"
    if route == DecisionRoute.NFA and level is not None and level.code == CHILD_PROTECTION_LEVEL:
        # A level of need that says the child may be suffering significant harm cannot end in no action.
        errors["route"] = "A child protection level of need cannot end with no further action"
    if errors:
        raise ValidationError(errors)
    if route == DecisionRoute.EARLY_HELP and open_episode(contact.child) is not None:
        # Moving a child in need to early help is a step-down, with its checklist and approval (L10).
        raise ValidationError(
            "This child has an open child in need episode. To move them to early help, request a step-down."
        )
    now = timezone.now()
    today = timezone.localdate()
    received = timezone.localtime(contact.received_at).date()
    previous = previous_referral(contact.child, on=received)
    try:
        with transaction.atomic():
            decision = ContactDecision.objects.create(
                contact=contact,
                level=level,
                route=route,
                reason=reason.strip(),
                decided_by=decided_by,
                decided_at=now,
                previous_episode=previous,
            )
    except IntegrityError:  # decided by a caller that did not lock (the database keeps one decision)
        raise AlreadyDecided(_contact_decided_message(contact)) from None
    if route in (DecisionRoute.REFERRAL, DecisionRoute.STRATEGY):
        referral_start(
            child=contact.child,
            referral_date=received,
            source=contact.source,
            primary_need=primary_need,
            contact=contact,
            team=team or (decided_by.team if decided_by.team_id else None),
            worker=worker,
            by=decided_by,
        )
    elif route == DecisionRoute.EARLY_HELP:
        if not EarlyHelpEpisode.objects.filter(child=contact.child, end_date__isnull=True).exists():
            EarlyHelpEpisode.objects.create(child=contact.child, start_date=today, team=team)
        # The early help team holds the child from now (a front door hold passes to it).
        _front_door_hand_over(child=contact.child, team=team, worker=worker, on=today, by=decided_by)
    return decision


@transaction.atomic
def referral_start(
    *,
    child: Child,
    referral_date: date,
    source: str,
    primary_need: str,
    by: Worker,
    contact: Contact | None = None,
    team: Team | None = None,
    worker: Worker | None = None,
    nfa: bool = False,
) -> CINEpisode:
    if open_episode(child) is not None:
        raise ValidationError("This child already has an open child in need episode. Record the work on that episode.")
    dates.require("referral_date", dates.happened_problem(referral_date, label="The referral date", child=child))
    try:
        with transaction.atomic():
            episode = CINEpisode.objects.create(
                child=child,
                contact=contact,
                referral_date=referral_date,
                referral_source=source,
                primary_need=primary_need,
                referral_nfa=nfa,
                team=team,
                closure_date=referral_date if nfa else None,
                # RC8 means "closed after assessment"; an NFA referral has none (census query 8825Q).
                closure_reason=codes.ReasonForClosure.RC7 if nfa else "",
                closed_by=by if nfa else None,
            )
    except IntegrityError:
        raise ValidationError("This child already has an open child in need episode") from None
    if team is not None and not nfa:
        # The receiving team holds the child from the referral (a front door hold passes to it),
        # so the child is on that team's list and never held by a team that is not working with them.
        _front_door_hand_over(child=child, team=team, worker=worker, on=referral_date, by=by)
    return episode


# ---------------------------------------------------------------------------------------------
# Assessment
# ---------------------------------------------------------------------------------------------


def assessment_due_date(episode: CINEpisode) -> date:
    return add_working_days(episode.referral_date, get_setting("assessment_working_days"))


@transaction.atomic
def assessment_start(*, child: Child, start_date: date, author: Worker) -> Assessment:
    episode = _require_open_episode(child)
    _require_not_nfa(episode)
    dates.require(
        "start_date",
        dates.happened_problem(start_date, label="The start date", child=child, after=dates.referral_floor(episode)),
    )
    if episode.assessments.exclude(status=WorkStatus.APPROVED).exists():
        raise ValidationError("An assessment is already in progress for this episode")
    return Assessment.objects.create(
        episode=episode, child=child, start_date=start_date, due_date=assessment_due_date(episode), author=author
    )


ASSESSMENT_TEXT_FIELDS = (
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


@transaction.atomic
def assessment_update(
    *, assessment: Assessment, factors: list[str], loaded_version: int | None = None, **fields
) -> Assessment:
    """Save the draft's sections. `loaded_version`: the version the page showed; if someone saved
    since, `StaleVersion` says who and what, and nothing is saved."""
    lock_current(assessment, loaded=loaded_version)
    if assessment.status not in (WorkStatus.DRAFT, WorkStatus.RETURNED):
        raise ValidationError("This assessment has been submitted and can no longer be changed")
    factors = list(dict.fromkeys(factors))
    errors = {}
    if any(code not in codes.AssessmentFactor.values for code in factors):
        errors["factors"] = "Select factors from the list"
    elif codes.AssessmentFactor.F21 in factors and len(factors) > 1:
        errors["factors"] = "'No factors identified' cannot be selected with other factors"
    scale = fields.get("safety_scale")
    if scale is not None and not (isinstance(scale, int) and 0 <= scale <= 10):
        errors["safety_scale"] = "The safety scale must be a whole number from 0 to 10"
    outcomes = {value for value, _label in Assessment._meta.get_field("outcome").choices}
    if fields.get("outcome") and fields["outcome"] not in outcomes:
        errors["outcome"] = "Select the outcome of the assessment"
    if errors:
        raise ValidationError(errors)
    for name in (*ASSESSMENT_TEXT_FIELDS, "safety_scale", "outcome"):
        if name in fields:
            setattr(assessment, name, fields[name])
    assessment.save()
    current = set(assessment.factors.values_list("code", flat=True))
    AssessmentFactorRecord.objects.filter(assessment=assessment).exclude(code__in=factors).delete()
    AssessmentFactorRecord.objects.bulk_create(
        AssessmentFactorRecord(assessment=assessment, code=code) for code in sorted(set(factors) - current)
    )
    return assessment


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: Worker) -> Assessment:
    if assessment.status not in (WorkStatus.DRAFT, WorkStatus.RETURNED):
        raise ValidationError("This assessment has already been submitted")
    errors = {}
    for name, message in (
        ("lived_experience", "Describe the child's lived experience"),
        ("identity_diversity", "Record the child's identity and diversity"),
        ("family_involvement", "Record how the family took part in the assessment"),
        ("family_views", "Record the family's views"),
        ("worries", "Record what we are worried about"),
        ("strengths", "Record the strengths and protective factors"),
        ("analysis", "Enter your analysis"),
    ):
        if not getattr(assessment, name).strip():
            errors[name] = message
    if assessment.safety_scale is None:
        errors["safety_scale"] = "Enter a safety scale from 0 to 10"
    if not assessment.outcome:
        errors["outcome"] = "Select the outcome of the assessment"
    if not assessment.factors.exists():
        errors["factors"] = "Select the factors identified, or 'No factors identified'"
    if errors:
        raise ValidationError(errors)
    assessment.status = WorkStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save()
    return assessment


def _submitted(item) -> bool:
    return item.status == WorkStatus.SUBMITTED


def _plan_parts(plan: CINPlan) -> tuple:
    """The history rows of a plan's sections, outcomes and actions: whoever saved one wrote part of the plan."""
    return (
        CINPlanChild.history.filter(plan_id=plan.pk),
        PlanOutcome.history.filter(section__plan_id=plan.pk),
        PlanAction.history.filter(section__plan_id=plan.pk),
    )


def work_authors(item: Assessment | CINPlan | StepDown | ClosureRequest) -> list[Worker]:
    """Everyone who wrote any version of a piece of work waiting for a manager (named on the
    approval page); none of them may approve it (lantern/approvals `decide`)."""
    if isinstance(item, CINPlan):
        return authors_of(item, author=item.author, parts=_plan_parts(item))
    return authors_of(item, author=getattr(item, "author", None) or getattr(item, "requested_by", None))


@transaction.atomic
def assessment_decide(
    *, assessment: Assessment, decision: str, comment: str, rationale: str, quality_grade: str, by: Worker
) -> Assessment:
    decide(
        subject=assessment,
        what="assessment",
        waiting=_submitted,
        author=assessment.author,
        kind="assessment",
        children=[assessment.child],
        decision=decision,
        comment=comment,
        rationale=rationale,
        quality_grade=quality_grade,
        graded=True,
        decided_by=by,
    )
    if decision == Decision.APPROVED:
        assessment.status = WorkStatus.APPROVED
        assessment.authorised_date = max(timezone.localdate(), assessment.start_date)
    else:
        assessment.status = WorkStatus.RETURNED
    assessment.save()
    return assessment


# ---------------------------------------------------------------------------------------------
# Section 47 and child protection
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def strategy_discussion_record(
    *, child: Child, date: date, attendees: str, concerns: str, decision_s47: bool, rationale: str, by: Worker
) -> StrategyDiscussion:
    episode = _require_open_episode(child)
    _require_not_nfa(episode)
    errors = {}
    if date is None:
        errors["date"] = "Enter the date of the strategy discussion"
    dates.check(
        errors,
        "date",
        dates.happened_problem(
            date, label="The strategy discussion date", child=child, after=dates.referral_floor(episode)
        ),
    )
    for name, value, message in (
        ("attendees", attendees, "Enter who took part"),
        ("concerns", concerns, "Enter the concerns discussed"),
        ("rationale", rationale, "Enter the rationale for the decision"),
    ):
        if not value.strip():
            errors[name] = message
    if errors:
        raise ValidationError(errors)
    discussion = StrategyDiscussion.objects.create(
        episode=episode,
        child=child,
        date=date,
        attendees=attendees,
        concerns=concerns,
        decision_s47=decision_s47,
        rationale=rationale,
        recorded_by=by,
    )
    if decision_s47:
        target = add_working_days(date, get_setting("icpc_working_days"))
        # The ICPC is due within 15 working days of the last strategy discussion: a further
        # discussion during an enquiry that has no conference outcome yet continues that enquiry.
        current = (
            Section47.objects.filter(episode=episode, icpc_date__isnull=True, icpc_not_required=False)
            .select_related("strategy_discussion")
            .order_by("-start_date", "-pk")
            .first()
        )
        if current is None:
            Section47.objects.create(
                episode=episode, child=child, strategy_discussion=discussion, start_date=date, icpc_target_date=target
            )
        elif date >= current.strategy_discussion.date:
            current.strategy_discussion = discussion
            current.icpc_target_date = target
            current.save()
    return discussion


@transaction.atomic
def icpc_record(
    *,
    section47: Section47,
    icpc_date: date | None,
    not_required: bool,
    plan_needed: bool,
    category: str,
    outcome_summary: str,
    by: Worker,
) -> ChildProtectionPlan | None:
    if section47.icpc_date or section47.icpc_not_required:
        raise ValidationError("The conference outcome has already been recorded")
    if section47.episode.closure_date is not None:
        raise ValidationError("The child in need episode for this enquiry has closed")
    if not_required:
        if not outcome_summary.strip():
            raise ValidationError({"outcome_summary": "Explain why a conference is not required"})
        section47.icpc_not_required = True
        section47.outcome_summary = outcome_summary
        section47.save()
        return None
    errors = {}
    if icpc_date is None:
        errors["icpc_date"] = "Enter the date of the initial child protection conference"
    elif not is_working_day(icpc_date):
        errors["icpc_date"] = "An initial child protection conference must be on a working day"
    elif icpc_date < section47.start_date:
        errors["icpc_date"] = "The conference cannot be before the section 47 enquiry started"
    else:
        dates.check(
            errors,
            "icpc_date",
            dates.happened_problem(icpc_date, label="The conference date", child=section47.child),
        )
    if plan_needed and category not in codes.CategoryOfAbuse.values:
        errors["category"] = "Select the category of abuse"
    if errors:
        raise ValidationError(errors)
    section47.icpc_date = icpc_date
    section47.outcome_summary = outcome_summary
    section47.save()
    if not plan_needed:
        return None
    child = section47.child
    if ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).exists():
        raise ValidationError("This child already has a child protection plan")
    # A CIN plan ends when a CP plan starts.
    _end_plan_sections(child, on=icpc_date)
    return ChildProtectionPlan.objects.create(
        child=child,
        episode=section47.episode,
        start_date=icpc_date,  # a CP plan starts on its ICPC date
        initial_category=category,
        latest_category=category,
    )


@transaction.atomic
def cp_review_record(*, plan: ChildProtectionPlan, date: date, latest_category: str) -> CPPlanReview:
    if plan.end_date:
        raise ValidationError("This plan has ended, so no more reviews can be added")
    errors = {}
    if date is None:
        errors["date"] = "Enter the date of the review conference"
    elif date < plan.start_date:
        errors["date"] = "The review cannot be before the plan started"
    else:
        dates.check(errors, "date", dates.happened_problem(date, label="The review date", child=plan.child))
    if latest_category and latest_category not in codes.CategoryOfAbuse.values:
        errors["latest_category"] = "Select the category of abuse"
    if errors:
        raise ValidationError(errors)
    review = CPPlanReview.objects.create(plan=plan, date=date)
    if latest_category and latest_category != plan.latest_category:
        plan.latest_category = latest_category
        plan.save()
    return review


@transaction.atomic
def cp_plan_end(*, plan: ChildProtectionPlan, end_date: date) -> ChildProtectionPlan:
    if plan.end_date:
        raise ValidationError("This plan has already ended")
    if end_date is None:
        raise ValidationError({"end_date": "Enter the date the plan ended"})
    if end_date < plan.start_date:
        raise ValidationError({"end_date": "The plan cannot end before it started"})
    dates.require("end_date", dates.happened_problem(end_date, label="The end date", child=plan.child))
    last_review = plan.reviews.order_by("-date").values_list("date", flat=True).first()
    if last_review and end_date < last_review:
        raise ValidationError({"end_date": "The plan cannot end before its last review conference"})
    plan.end_date = end_date
    plan.save()
    return plan


# ---------------------------------------------------------------------------------------------
# CIN plans, each child with their own section
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def cin_plan_create(*, children: list[Child], title: str, author: Worker) -> CINPlan:
    children = list({child.pk: child for child in children}.values())  # each child has one section
    if not children:
        raise ValidationError({"children": "Select at least one child for the plan"})
    title = (title or "").strip() or "CIN plan"
    if len(title) > CINPlan._meta.get_field("title").max_length:
        raise ValidationError({"title": "The title must be 120 characters or fewer"})
    plan = CINPlan.objects.create(title=title, author=author, review_weeks=get_setting("cin_review_weeks"))
    for child in children:
        episode = open_episode(child)
        if episode is None:
            raise ValidationError(
                {"children": f"{child.person.full_name} has no open child in need episode, so cannot be on a CIN plan"}
            )
        if episode.referral_nfa:
            name = child.person.full_name
            raise ValidationError({"children": f"{name}'s referral was closed with no further action"})
        if ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).exists():
            name = child.person.full_name
            raise ValidationError({"children": f"{name} is on a child protection plan, so cannot be on a CIN plan"})
        CINPlanChild.objects.create(plan=plan, child=child, episode=episode)
    return plan


def _require_editable(plan: CINPlan) -> None:
    if plan.status not in (WorkStatus.DRAFT, WorkStatus.RETURNED):
        raise ValidationError("This plan has been submitted or approved and can no longer be changed")


@transaction.atomic
def plan_section_update(
    *,
    section: CINPlanChild,
    needs: str,
    child_views: str,
    family_views: str,
    contingency: str,
    contingency_by,
    loaded_version: int | None = None,
) -> CINPlanChild:
    lock_current(section, loaded=loaded_version)  # refused if saved by someone else since the page loaded
    _require_editable(section.plan)
    dates.require(
        "contingency_by",
        dates.planned_problem(contingency_by, label="The contingency review date", not_before=dates.today_floor()),
    )
    section.needs, section.child_views, section.family_views = needs, child_views, family_views
    section.contingency, section.contingency_by = contingency, contingency_by
    section.save()
    return section


@transaction.atomic
def plan_outcome_add(
    *, section: CINPlanChild, description: str, measure: str, target_date: date, baseline_score: int | None
) -> PlanOutcome:
    _require_editable(section.plan)
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the outcome for the child"
    if not measure.strip():
        errors["measure"] = "Enter how you will know the outcome has been reached"
    if target_date is None:
        errors["target_date"] = "Enter a target date"
    else:
        dates.check(
            errors,
            "target_date",
            dates.planned_problem(target_date, label="The target date", not_before=dates.today_floor()),
        )
    if baseline_score is not None and not 0 <= baseline_score <= 10:
        errors["baseline_score"] = "Where things are now must be a score from 0 to 10"
    if errors:
        raise ValidationError(errors)
    return PlanOutcome.objects.create(
        section=section,
        description=description,
        measure=measure,
        target_date=target_date,
        baseline_score=baseline_score,
    )


@transaction.atomic
def plan_action_add(
    *, section: CINPlanChild, outcome: PlanOutcome | None, what: str, who: str, agency: str, due_date: date
) -> PlanAction:
    _require_editable(section.plan)
    errors = {}
    if not what.strip():
        errors["what"] = "Enter what will happen"
    if not who.strip():
        errors["who"] = "Enter who will do it"
    if due_date is None:
        errors["due_date"] = "Enter when it will be done by"
    dates.check(errors, "due_date", dates.planned_problem(due_date, label="The date it will be done by"))
    if agency not in Agency.values:
        errors["agency"] = "Select the agency"
    if outcome is not None and outcome.section_id != section.pk:
        errors["outcome"] = "Choose one of this child's outcomes"
    if errors:
        raise ValidationError(errors)
    return PlanAction.objects.create(
        section=section, outcome=outcome, what=what, who=who, agency=agency, due_date=due_date
    )


def plan_problems(plan: CINPlan) -> list[str]:
    """What stops the plan being finalised, child by child (L13, L14)."""
    problems = []
    sections = (
        plan.children.select_related("child__person")
        .prefetch_related("outcomes", "actions")
        .order_by("child__person__date_of_birth", "pk")
    )
    for section in sections:
        name = section.child.person.first_name
        outcomes = list(section.outcomes.all())
        if not section.needs.strip():
            problems.append(f"{name}: describe {name}'s own needs")
        if not outcomes:
            problems.append(f"{name}: add at least one outcome with a measure and a target date")
        if not section.actions.all():
            problems.append(f"{name}: add at least one action with who will do it and by when")
        if not section.contingency.strip() or section.contingency_by is None:
            problems.append(f"{name}: add a contingency plan and the date it will be reviewed by")
        if not section.child_views.strip():
            problems.append(f"{name}: record {name}'s views")
    return problems


@transaction.atomic
def cin_plan_submit(*, plan: CINPlan, by: Worker) -> CINPlan:
    _require_editable(plan)
    problems = plan_problems(plan)
    if problems:
        raise ValidationError(problems)
    plan.status = WorkStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save()
    return plan


@transaction.atomic
def cin_plan_decide(*, plan: CINPlan, decision: str, comment: str, rationale: str, by: Worker) -> CINPlan:
    sections = list(plan.children.select_related("child__person", "episode").order_by("pk"))
    decide(
        subject=plan,
        what="plan",
        waiting=_submitted,
        author=plan.author,
        parts=_plan_parts(plan),
        kind="cin_plan",
        children=[section.child for section in sections],
        decision=decision,
        comment=comment,
        rationale=rationale,
        decided_by=by,
    )
    if decision != Decision.APPROVED:
        plan.status = WorkStatus.RETURNED
        plan.save()
        return plan
    today = timezone.localdate()
    for section in sections:
        name = section.child.person.first_name
        if ChildProtectionPlan.objects.filter(child=section.child, end_date__isnull=True).exists():
            raise ValidationError(f"{name} is on a child protection plan; a CIN plan cannot run alongside it")
        if section.episode.closure_date is not None:
            raise ValidationError(f"{name}'s child in need episode has closed, so the plan cannot start for {name}")
        if section.episode.assessments.filter(status=WorkStatus.RETURNED).exists():
            raise ValidationError(
                f"{name}'s assessment has been returned for more work; approve the assessment before the plan"
            )
        _end_plan_sections(section.child, on=today)  # a new plan replaces the child's previous one
        section.start_date = today
        try:
            with transaction.atomic():
                section.save()
        except IntegrityError:  # another plan for this child was approved at the same moment
            raise ValidationError(f"{name} already has a current CIN plan") from None
    plan.status = WorkStatus.APPROVED
    plan.start_date = today
    plan.next_review_date = today + timedelta(weeks=plan.review_weeks)
    plan.save()
    return plan


@transaction.atomic
def plan_review_record(
    *,
    plan: CINPlan,
    date: date,
    attendees: str,
    decisions: str,
    scores: dict[int, int],
    comments: dict[int, str],
    by: Worker,
) -> PlanReview:
    if plan.status != WorkStatus.APPROVED or plan.end_date:
        raise ValidationError("Only a current, approved plan can be reviewed")
    errors = {}
    last_review = plan.reviews.order_by("-date", "-pk").first()
    if date is None:
        errors["date"] = "Enter the review date"
    elif date > timezone.localdate():
        errors["date"] = "The review date must be today or in the past"
    elif date < dates.EARLIEST:
        errors["date"] = dates.happened_problem(date, label="The review date")
    elif plan.start_date and date < plan.start_date:
        errors["date"] = "The review cannot be before the plan started"
    elif last_review is not None and date < last_review.date:
        last = f"{last_review.date.day} {last_review.date:%b %Y}"
        errors["date"] = f"The review cannot be before the last review on {last}"
    if not attendees.strip():
        errors["attendees"] = "Enter who attended"
    if not decisions.strip():
        errors["decisions"] = "Enter the decisions made"
    outcomes = list(PlanOutcome.objects.filter(section__plan=plan, section__end_date__isnull=True))
    missing = [o for o in outcomes if o.pk not in scores]
    if missing:
        errors["scores"] = "Score progress from 0 to 10 on every outcome"
    if any(not 0 <= s <= 10 for s in scores.values()):
        errors["scores"] = "Progress scores must be from 0 to 10"
    if errors:
        raise ValidationError(errors)
    review = PlanReview.objects.create(
        plan=plan,
        date=date,
        attendees=attendees,
        decisions=decisions,
        next_review_date=date + timedelta(weeks=plan.review_weeks),
        recorded_by=by,
    )
    for o in outcomes:  # one create each, so every score is in the history tables too
        OutcomeProgress.objects.create(review=review, outcome=o, score=scores[o.pk], comment=comments.get(o.pk, ""))
    plan.next_review_date = review.next_review_date
    plan.save()
    return review


# ---------------------------------------------------------------------------------------------
# Step-down and closure, each with a manager's approval
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def step_down_request(
    *,
    child: Child,
    outcomes_met: bool,
    outcomes_reason: str,
    family_agrees: bool,
    early_help_accepts: bool,
    early_help_team: Team,
    proposed_date: date,
    by: Worker,
) -> StepDown:
    episode = _require_open_episode(child)
    errors = {}
    if not outcomes_met and not outcomes_reason.strip():
        errors["outcomes_reason"] = "Explain why the child should step down before all outcomes are met"
    if not family_agrees:
        errors["family_agrees"] = "The family must agree to early help before a step-down"
    if not early_help_accepts:
        errors["early_help_accepts"] = "Early help must accept the child before a step-down"
    if proposed_date is None:
        errors["proposed_date"] = "Enter the step-down date"
    dates.check(errors, "proposed_date", dates.closing_problem(episode, proposed_date, label="The step-down date"))
    if errors:
        raise ValidationError(errors)
    if StepDown.objects.filter(episode=episode, status=WorkStatus.SUBMITTED).exists():
        raise ValidationError("A step-down is already waiting for approval")
    return StepDown.objects.create(
        episode=episode,
        child=child,
        outcomes_met=outcomes_met,
        outcomes_reason=outcomes_reason,
        family_agrees=family_agrees,
        early_help_accepts=early_help_accepts,
        early_help_team=early_help_team,
        proposed_date=proposed_date,
        requested_by=by,
    )


def _close_episode(episode: CINEpisode, *, on: date, reason: str, by: Worker) -> None:
    if reason in codes.CLOSURE_AFTER_ASSESSMENT and not episode.assessments.exists():
        raise ValidationError({"reason": f"{reason} can only be used after an assessment"})
    # Checked again at approval: work may have been recorded since the request. The date is
    # never moved to fit; the manager returns the request instead.
    problem = dates.closing_problem(episode, on, label="The closure date")
    if problem:
        raise ValidationError(f"{problem}. Return the request so the date can be put right.")
    episode.closure_date = on
    episode.closure_reason = reason
    episode.closed_by = by
    episode.save()
    _end_plan_sections(episode.child, on=on)
    for plan in ChildProtectionPlan.objects.filter(child=episode.child, end_date__isnull=True):
        plan.end_date = max(on, plan.start_date)
        plan.save()
    _end_allocations(episode.child, on=on, reason=AllocationReason.CASE_CLOSED)


@transaction.atomic
def step_down_decide(*, step_down: StepDown, decision: str, comment: str, rationale: str, by: Worker) -> StepDown:
    decide(
        subject=step_down,
        what="step-down",
        waiting=_submitted,
        author=step_down.requested_by,
        kind="step_down",
        children=[step_down.child],
        decision=decision,
        comment=comment,
        rationale=rationale,
        decided_by=by,
    )
    if decision != Decision.APPROVED:
        step_down.status = WorkStatus.RETURNED
        step_down.save()
        return step_down
    episode = step_down.episode
    had_plan = episode.plan_sections.filter(start_date__isnull=False).exists()
    on = step_down.proposed_date  # as requested: an approval never moves a recorded date
    # RC9 is "closed after assessment, referred to early help"; after a plan, or with no
    # assessment at all, services ceased (RC7).
    # Census rule 2990: an RC9 episode has no S47 or plan, so any S47 means services ceased (RC7).
    after_assessment_only = not had_plan and episode.assessments.exists() and not episode.section47s.exists()
    reason = codes.ReasonForClosure.RC9 if after_assessment_only else codes.ReasonForClosure.RC7
    _close_episode(episode, on=on, reason=reason, by=by)
    if not EarlyHelpEpisode.objects.filter(child=step_down.child, end_date__isnull=True).exists():
        EarlyHelpEpisode.objects.create(child=step_down.child, start_date=on, team=step_down.early_help_team)
    Allocation.objects.create(
        child=step_down.child,
        team=step_down.early_help_team,
        role=AllocationRole.LEAD,
        start_date=on,
        start_reason=AllocationReason.CASE_PROGRESSION,
        reason_detail="Stepped down to early help",
        created_by=by,
    )
    step_down.status = WorkStatus.APPROVED
    step_down.save()
    return step_down


@transaction.atomic
def closure_request(*, child: Child, reason: str, closure_date: date, summary: str, by: Worker) -> ClosureRequest:
    episode = _require_open_episode(child)
    errors = {}
    if reason not in codes.ReasonForClosure.values:
        errors["reason"] = "Select the reason for closure"
    elif reason in codes.CLOSURE_AFTER_ASSESSMENT and not episode.assessments.exists():
        errors["reason"] = f"{reason} can only be used after an assessment"
    if closure_date is None:
        errors["closure_date"] = "Enter the closure date"
    dates.check(errors, "closure_date", dates.closing_problem(episode, closure_date, label="The closure date"))
    if not summary.strip():
        errors["summary"] = "Enter a closing summary"
    if errors:
        raise ValidationError(errors)
    if ClosureRequest.objects.filter(episode=episode, status=WorkStatus.SUBMITTED).exists():
        raise ValidationError("A closure is already waiting for approval")
    return ClosureRequest.objects.create(
        episode=episode, child=child, reason=reason, closure_date=closure_date, summary=summary, requested_by=by
    )


@transaction.atomic
def closure_decide(
    *, request: ClosureRequest, decision: str, comment: str, rationale: str, by: Worker
) -> ClosureRequest:
    decide(
        subject=request,
        what="closure",
        waiting=_submitted,
        author=request.requested_by,
        kind="closure",
        children=[request.child],
        decision=decision,
        comment=comment,
        rationale=rationale,
        decided_by=by,
    )
    if decision == Decision.APPROVED:
        _close_episode(request.episode, on=request.closure_date, reason=request.reason, by=by)
        request.status = WorkStatus.APPROVED
    else:
        request.status = WorkStatus.RETURNED
    request.save()
    return request


# ---------------------------------------------------------------------------------------------
# Transfers: step up, step down and between teams (hand-overs, never a gap)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def transfer_request(*, child: Child, kind: str, to_team: Team, reason: str, by: Worker) -> Transfer:
    lead = _lead_allocation(child)
    errors = {}
    if lead is None:
        errors["to_team"] = "The child is not held by a team, so there is nothing to hand over"
    elif lead.team_id == to_team.pk:
        errors["to_team"] = "The child is already held by this team"
    if not reason.strip():
        errors["reason"] = "Enter the reason for the transfer"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Transfer.objects.create(
                child=child, kind=kind, from_team=lead.team, to_team=to_team, reason=reason, requested_by=by
            )
    except IntegrityError:
        raise ValidationError("A transfer for this child is already waiting for an answer") from None


def _complete_transfer(transfer: Transfer, *, by: Worker, worker: Worker | None) -> None:
    today = timezone.localdate()
    lead = _lead_allocation(transfer.child)
    if lead is not None:
        lead.end_date = max(today, lead.start_date)
        lead.end_reason = AllocationReason.TEAM_TRANSFER
        lead.save()
    Allocation.objects.create(
        child=transfer.child,
        team=transfer.to_team,
        worker=worker,
        role=AllocationRole.LEAD,
        start_date=today,
        start_reason=AllocationReason.TEAM_TRANSFER,
        reason_detail=f"From {transfer.from_team.name}",
        created_by=by,
    )
    if transfer.kind == TransferKind.STEP_UP:
        for episode in EarlyHelpEpisode.objects.filter(child=transfer.child, end_date__isnull=True):
            episode.end_date = max(today, episode.start_date)
            episode.end_reason = "Stepped up to children's social care"
            episode.save()


@transaction.atomic
def transfer_respond(
    *, transfer: Transfer, accept: bool, rationale: str, by: Worker, worker: Worker | None = None
) -> Transfer:
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError("This transfer has already been answered")
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the reason for your answer"})
    if worker is not None and worker.team_id != transfer.to_team_id:
        raise ValidationError({"worker": "Choose a worker in the receiving team"})
    if accept and (problem := lead_worker_problem(child=transfer.child, worker=worker)):
        raise ValidationError({"worker": problem})
    transfer.responded_by, transfer.responded_at, transfer.response_rationale = by, timezone.now(), rationale
    if accept:
        transfer.status = TransferStatus.ACCEPTED
        _complete_transfer(transfer, by=by, worker=worker)
    else:
        transfer.status = TransferStatus.DISPUTED
    transfer.save()
    return transfer


@transaction.atomic
def transfer_resolve(*, transfer: Transfer, go_ahead: bool, rationale: str, by: Worker) -> Transfer:
    """A dispute is resolved by a manager above both teams, with a recorded rationale (L11)."""
    if transfer.status != TransferStatus.DISPUTED:
        raise ValidationError("Only a disputed transfer can be resolved")
    if not rationale.strip():
        raise ValidationError({"rationale": "Enter the rationale for the resolution"})
    transfer.resolved_by, transfer.resolved_at, transfer.resolution_rationale = by, timezone.now(), rationale
    transfer.status = TransferStatus.RESOLVED_ACCEPTED if go_ahead else TransferStatus.RESOLVED_DECLINED
    if go_ahead:
        _complete_transfer(transfer, by=by, worker=None)
    transfer.save()
    return transfer


# ---------------------------------------------------------------------------------------------
# Front door: a contact about a child not yet known, and the hand-over of a front door hold.
# (Added with the front door pages; kept at the end so the pathway sections above stay as they were.)
# ---------------------------------------------------------------------------------------------


def _front_door_hand_over(*, child: Child, team: Team, worker: Worker | None, on: date, by: Worker) -> None:
    """Make `team` the child's lead team from `on`.

    No lead yet: the team gets a new lead allocation. Another team holds the child (for example
    the front door's unallocated hold on a new child): that allocation ends with its reason and
    the team's starts, so the child is never held by two teams and never drops out of sight.
    The same team already: nothing changes."""
    lead = _lead_allocation(child)
    if lead is not None and lead.team_id == team.pk:
        return
    reason = AllocationReason.NEW_CASE
    detail = ""
    if lead is not None:
        lead.end_date = max(on, lead.start_date)
        lead.end_reason = AllocationReason.CASE_PROGRESSION
        lead.save()
        reason = AllocationReason.CASE_PROGRESSION
        detail = f"Front door decision: from {lead.team.name}"
        on = lead.end_date
    Allocation.objects.create(
        child=child,
        team=team,
        worker=worker,
        role=AllocationRole.LEAD,
        start_date=on,
        start_reason=reason,
        reason_detail=detail,
        created_by=by,
    )


@transaction.atomic
def contact_record_for_new_child(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    expected_date_of_birth: date | None,
    sex: str,
    ethnicity: str,
    team: Team | None,
    received_at: datetime,
    source: str,
    method: str,
    contact_name: str,
    concern: str,
    recorded_by: Worker,
) -> Contact:
    """A contact about a child Lantern does not know yet: create the child (with a generated LA
    child ID), give `team` (the recording worker's team) an open lead allocation with no worker -
    so the child is visible to the front door and shows as unallocated - and record the contact.
    All in one transaction: if any part is refused, nothing is saved."""
    from lantern.people.services import child_create

    if team is None:
        raise ValidationError({"team": "Select the team that will hold the child until the decision"})
    child = child_create(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        created_by=recorded_by,
    )
    Allocation.objects.create(
        child=child,
        team=team,
        worker=None,
        role=AllocationRole.LEAD,
        start_date=timezone.localdate(),
        start_reason=AllocationReason.NEW_CASE,
        reason_detail="New child at the front door",
        created_by=recorded_by,
    )
    return contact_record(
        child=child,
        received_at=received_at,
        source=source,
        method=method,
        contact_name=contact_name,
        concern=concern,
        recorded_by=recorded_by,
    )


# ---------------------------------------------------------------------------------------------
# CIN plan edits: removing a draft outcome or action, and marking an action done
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def plan_outcome_remove(*, outcome: PlanOutcome) -> None:
    """Remove an outcome from a plan that is still being written (draft or returned). Nothing has
    been approved or scored against it yet; the deletion is kept in the history table. Actions
    linked to it stay in the child's section, no longer linked to an outcome."""
    _require_editable(outcome.section.plan)
    if outcome.progress.exists():
        raise ValidationError("Progress has been recorded against this outcome, so it cannot be removed")
    for action in PlanAction.objects.filter(outcome=outcome):
        action.outcome = None
        action.save()
    outcome.delete()


@transaction.atomic
def plan_action_remove(*, action: PlanAction) -> None:
    """Remove an action from a plan that is still being written (draft or returned)."""
    _require_editable(action.section.plan)
    action.delete()


@transaction.atomic
def plan_action_complete(*, action: PlanAction, completed_date: date | None) -> PlanAction:
    """Mark an action on a current, approved plan as done, on the date it was done."""
    section = action.section
    plan = section.plan
    if plan.status != WorkStatus.APPROVED or plan.end_date or section.end_date:
        raise ValidationError("Actions can only be marked as done on a current, approved plan")
    if action.completed_date:
        raise ValidationError("This action has already been marked as done")
    if completed_date is None:
        raise ValidationError({"completed_date": "Enter the date it was done"})
    dates.require(
        "completed_date", dates.happened_problem(completed_date, label="The date it was done", child=section.child)
    )
    if section.start_date and completed_date < section.start_date:
        raise ValidationError({"completed_date": "The date it was done cannot be before the plan started"})
    action.completed_date = completed_date
    action.save()
    return action
