"""Every write of case audits. Keyword-only functions, one transaction each.

Rules held here (and, where a database can hold them, by constraints and triggers):
- quality auditors, team and service managers and senior leaders run audits, for children they
  may see; social workers, family support workers and inspectors never grade;
- a draft audit is changed only by its auditor; submitting needs every section graded, every
  question answered, findings for any section graded below good, an overall grade and a
  summary; once submitted nothing changes (the database refuses it);
- a moderator is someone other than the auditor, in an auditing role, who may see the child;
  they grade every section and overall in one step, and the moderation is then fixed;
- an action comes from a submitted audit, with an owner and a due date; recording it as done
  needs a note and is final;
- a sample picks children set-based (one query for the candidates, one random draw) and creates
  a draft audit for each, shared round-robin between the chosen auditors.

A ValidationError's keys are the form's field names, so views put each message by its field.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lantern.access.selectors import can_see_child, visible_children
from lantern.audits import selectors
from lantern.audits.models import (
    BELOW_GOOD,
    Answer,
    Audit,
    AuditAction,
    AuditAnswer,
    AuditQuestion,
    AuditSample,
    AuditSampleChild,
    AuditSection,
    AuditSectionGrade,
    AuditStatus,
    AuditTemplate,
    Grade,
    Moderation,
    ModerationGrade,
    SampleKind,
)
from lantern.audits.themes import DEFAULT_SECTIONS, DEFAULT_TEMPLATE_NAME, DEFAULT_TEMPLATE_VERSION
from lantern.casework.models import ChildProtectionPlan, CINEpisode
from lantern.core import codes, dates
from lantern.core.local_settings import get_setting
from lantern.people.models import Child
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, Allocation, AllocationRole, Role, Team, Worker

AUDITORS_ONLY = "Only quality auditors, team managers, service managers and senior leaders can run case audits."
SUBMITTED_MESSAGE = "This audit has been submitted and cannot be changed."


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def default_template() -> AuditTemplate:
    """The default template, created the first time it is needed (not by a data migration: the
    browser tests empty every table between tests)."""
    found = AuditTemplate.objects.filter(name=DEFAULT_TEMPLATE_NAME, version=DEFAULT_TEMPLATE_VERSION).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            template = AuditTemplate.objects.create(name=DEFAULT_TEMPLATE_NAME, version=DEFAULT_TEMPLATE_VERSION)
            for s_order, (theme, title, questions) in enumerate(DEFAULT_SECTIONS, start=1):
                section = AuditSection.objects.create(template=template, theme=theme, title=title, order=s_order)
                AuditQuestion.objects.bulk_create(
                    AuditQuestion(section=section, text=text, guidance=guidance, order=q_order)
                    for q_order, (text, guidance) in enumerate(questions, start=1)
                )
            return template
    except IntegrityError:  # someone else created it at the same moment
        return AuditTemplate.objects.get(name=DEFAULT_TEMPLATE_NAME, version=DEFAULT_TEMPLATE_VERSION)


def active_template() -> AuditTemplate:
    """The newest active template (the default one until a council adds its own)."""
    default = default_template()
    newest = AuditTemplate.objects.filter(active=True).order_by("-created_at", "-pk").first()
    return newest or default


# ---------------------------------------------------------------------------------------------
# Audits
# ---------------------------------------------------------------------------------------------


def _require_auditor(user: Worker) -> None:
    if not selectors.can_run_audits(user):
        raise PermissionDenied(AUDITORS_ONLY)


def _blank_rows(audits: Sequence[Audit], template: AuditTemplate) -> None:
    """Empty grade and answer rows for new draft audits, so saving a draft only updates."""
    sections = list(template.sections.values_list("pk", flat=True))
    questions = list(AuditQuestion.objects.filter(section__template=template).values_list("pk", flat=True))
    AuditSectionGrade.objects.bulk_create(AuditSectionGrade(audit=a, section_id=s) for a in audits for s in sections)
    AuditAnswer.objects.bulk_create(AuditAnswer(audit=a, question_id=q) for a in audits for q in questions)


@transaction.atomic
def audit_create(*, child: Child, auditor: Worker, created_by: Worker | None = None) -> Audit:
    """A draft audit of one child (the caller fetched the child through the access layer)."""
    created_by = created_by or auditor
    _require_auditor(created_by)
    _require_auditor(auditor)
    if not can_see_child(created_by, child):
        raise PermissionDenied("You cannot see this child's record.")
    if auditor.pk != created_by.pk and not can_see_child(auditor, child):
        raise ValidationError({"auditor": ["The auditor cannot see this child's record"]})
    template = active_template()
    worker_id, team_id = selectors.lead_allocation([child.pk]).get(child.pk, (None, None))
    audit = Audit.objects.create(
        child=child, template=template, auditor=auditor, created_by=created_by, worker_id=worker_id, team_id=team_id
    )
    _blank_rows([audit], template)
    return audit


def _locked(audit: Audit) -> Audit:
    return Audit.objects.select_for_update().get(pk=audit.pk)


def submission_problems(
    audit: Audit,
    *,
    grades: Mapping[int, tuple[str, str]],
    answers: Mapping[int, tuple[str, str]],
    overall_grade: str,
    summary: str,
) -> dict[str, list[str]]:
    """What stops the audit being submitted, keyed by the form's field names."""
    errors: dict[str, list[str]] = {}
    for section in audit.template.sections.prefetch_related("questions").order_by("order", "pk"):
        for question in section.questions.all():
            if not answers.get(question.pk, ("", ""))[0]:
                errors[f"question_{question.pk}"] = [f"{section.title}: answer \u2018{question.text}\u2019"]
        grade, findings = grades.get(section.pk, ("", ""))
        if not grade:
            errors[f"section_{section.pk}_grade"] = [f"Select a grade for {section.title.lower()}"]
        elif grade in BELOW_GOOD and not findings.strip():
            errors[f"section_{section.pk}_findings"] = [
                f"Enter the findings for {section.title.lower()}: a grade below good needs them"
            ]
    if not overall_grade:
        errors["overall_grade"] = ["Select the overall grade"]
    if not (summary or "").strip():
        errors["summary"] = ["Enter a summary of the audit"]
    return errors


def _check_choices(grades, answers, overall_grade) -> None:
    bad = [g for g, _ in grades.values() if g and g not in Grade.values]
    bad += [a for a, _ in answers.values() if a and a not in Answer.values]
    if overall_grade and overall_grade not in Grade.values:
        bad.append(overall_grade)
    if bad:
        raise ValidationError(f"Not a valid choice: {', '.join(sorted(set(bad)))}")


@transaction.atomic
def audit_save(
    *,
    audit: Audit,
    by: Worker,
    grades: Mapping[int, tuple[str, str]],
    answers: Mapping[int, tuple[str, str]],
    overall_grade: str = "",
    summary: str = "",
    submit: bool = False,
) -> Audit:
    """Save the auditor's draft (anything may still be blank), or submit it (everything
    required, checked before anything is written: nothing is half-saved).

    `grades`: section id -> (grade, findings); `answers`: question id -> (answer, comment)."""
    _require_auditor(by)
    audit = _locked(audit)
    if audit.is_submitted:
        raise PermissionDenied(SUBMITTED_MESSAGE)
    if audit.auditor_id != by.pk:
        raise PermissionDenied("Only the audit's auditor can change it.")
    _check_choices(grades, answers, overall_grade)
    if submit:
        errors = submission_problems(
            audit, grades=grades, answers=answers, overall_grade=overall_grade, summary=summary
        )
        if errors:
            raise ValidationError(errors)
    for row in AuditSectionGrade.objects.filter(audit=audit):
        grade, findings = grades.get(row.section_id, ("", ""))
        findings = (findings or "").strip()
        if (row.grade, row.findings) != (grade, findings):
            row.grade, row.findings = grade, findings
            row.save()
    for row in AuditAnswer.objects.filter(audit=audit):
        answer, comment = answers.get(row.question_id, ("", ""))
        comment = (comment or "").strip()
        if (row.answer, row.comment) != (answer, comment):
            row.answer, row.comment = answer, comment
            row.save()
    audit.overall_grade = overall_grade
    audit.summary = (summary or "").strip()
    if submit:
        audit.status = AuditStatus.SUBMITTED
        audit.submitted_at = timezone.now()
    audit.save()
    return audit


# ---------------------------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------------------------


def _check_moderator(audit: Audit, moderator: Worker) -> None:
    if moderator.pk == audit.auditor_id:
        raise ValidationError({"moderator": ["The moderator must be someone other than the auditor"]})
    if not selectors.can_run_audits(moderator):
        raise ValidationError({"moderator": ["The moderator must be a quality auditor, manager or senior leader"]})
    if not can_see_child(moderator, audit.child):
        raise ValidationError({"moderator": ["The moderator cannot see this child's record"]})


@transaction.atomic
def moderation_assign(*, audit: Audit, moderator: Worker | None, by: Worker) -> Moderation:
    """Ask a second auditor to moderate an audit (or give an unfinished moderation to someone
    else). The auditor or another auditing user who may see the child asks."""
    _require_auditor(by)
    if not can_see_child(by, audit.child):
        raise PermissionDenied("You cannot see this child's record.")
    if moderator is None:
        raise ValidationError({"moderator": ["Select who will moderate the audit"]})
    _check_moderator(audit, moderator)
    existing = Moderation.objects.select_for_update().filter(audit=audit).first()
    if existing is not None:
        if existing.is_submitted:
            raise PermissionDenied("This audit has already been moderated.")
        existing.moderator = moderator
        existing.assigned_by = by
        existing.save()
        return existing
    return Moderation.objects.create(audit=audit, moderator=moderator, assigned_by=by)


@transaction.atomic
def moderation_submit(
    *,
    moderation: Moderation,
    by: Worker,
    grades: Mapping[int, tuple[str, str]],
    overall_grade: str,
    comment: str = "",
) -> Moderation:
    """The moderator's independent grades, all at once. `grades`: section id -> (grade, comment)."""
    moderation = Moderation.objects.select_for_update().select_related("audit__template").get(pk=moderation.pk)
    if moderation.moderator_id != by.pk:
        raise PermissionDenied("Only the person asked to moderate this audit can moderate it.")
    _require_auditor(by)
    if moderation.is_submitted:
        raise PermissionDenied("This moderation has been submitted and cannot be changed.")
    audit = moderation.audit
    if not audit.is_submitted:
        raise PermissionDenied("The audit has not been submitted yet: it can be moderated once it is.")
    if by.pk == audit.auditor_id:
        raise PermissionDenied("The auditor cannot moderate their own audit.")
    _check_choices(grades, {}, overall_grade)
    errors: dict[str, list[str]] = {}
    sections = list(audit.template.sections.order_by("order", "pk"))
    for section in sections:
        if not grades.get(section.pk, ("", ""))[0]:
            errors[f"section_{section.pk}_grade"] = [f"Select your grade for {section.title.lower()}"]
    if not overall_grade:
        errors["overall_grade"] = ["Select your overall grade"]
    if errors:
        raise ValidationError(errors)
    ModerationGrade.objects.bulk_create(
        ModerationGrade(
            moderation=moderation,
            section=section,
            grade=grades[section.pk][0],
            comment=(grades[section.pk][1] or "").strip(),
        )
        for section in sections
    )
    moderation.overall_grade = overall_grade
    moderation.comment = (comment or "").strip()
    moderation.submitted_at = timezone.now()
    moderation.save()
    return moderation


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


def may_set_actions(user: Worker, audit: Audit) -> bool:
    return audit.is_submitted and selectors.can_run_audits(user) and can_see_child(user, audit.child)


def may_complete(user: Worker, action: AuditAction) -> bool:
    """The owner, the audit's auditor, or a manager or leader who runs audits and sees the child."""
    if action.is_done or user.role == Role.INSPECTOR:
        return False
    if action.owner_id == user.pk or action.audit.auditor_id == user.pk:
        return can_see_child(user, action.audit.child)
    return selectors.can_run_audits(user) and can_see_child(user, action.audit.child)


@transaction.atomic
def audit_action_create(
    *, audit: Audit, by: Worker, description: str, owner: Worker | None, due_date: date | None
) -> AuditAction:
    if not may_set_actions(by, audit):
        raise PermissionDenied("Actions are set from a submitted audit, by someone who runs audits.")
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Enter what needs to be done"]
    if owner is None or not owner.is_active:
        errors["owner"] = ["Select who will do it"]
    elif not can_see_child(owner, audit.child):
        errors["owner"] = ["The person chosen cannot see this child's record"]
    if due_date is None:
        errors["due_date"] = ["Enter the date it is due"]
    elif due_date < timezone.localdate():
        errors["due_date"] = ["The due date must be today or in the future"]
    elif problem := dates.planned_problem(due_date, label="The due date"):
        errors["due_date"] = [problem]
    if errors:
        raise ValidationError(errors)
    return AuditAction.objects.create(
        audit=audit, description=description, owner=owner, due_date=due_date, created_by=by
    )


@transaction.atomic
def audit_action_complete(*, action: AuditAction, by: Worker, completed_on: date | None, note: str) -> AuditAction:
    """Record an action as done: final, the row can no longer change."""
    action = AuditAction.objects.select_for_update().select_related("audit__child").get(pk=action.pk)
    if action.is_done:
        raise PermissionDenied("This action has already been recorded as done.")
    if not may_complete(by, action):
        raise PermissionDenied("Only the action's owner, the auditor or a manager can record it as done.")
    errors: dict[str, list[str]] = {}
    if completed_on is None:
        errors["completed_on"] = ["Enter the date it was done"]
    elif completed_on > timezone.localdate():
        errors["completed_on"] = ["The date it was done must be today or in the past"]
    elif completed_on < timezone.localtime(action.created_at).date():
        errors["completed_on"] = ["The date it was done cannot be before the action was set"]
    note = (note or "").strip()
    if not note:
        errors["note"] = ["Enter what was done"]
    if errors:
        raise ValidationError(errors)
    action.completed_on = completed_on
    action.completion_note = note
    action.completed_by = by
    action.completed_at = timezone.now()
    action.save()
    return action


# ---------------------------------------------------------------------------------------------
# Samples
# ---------------------------------------------------------------------------------------------

THEMES = {
    "cin_long": "Open child in need episodes longer than {months} months",
    "cp_plan": "Children on a child protection plan",
    "neglect": "Neglect: abuse or neglect as the primary need, or a neglect child protection plan",
    "disability": "Child's disability as the primary need",
}


def _candidates(
    *, user: Worker, kind: str, team: Team | None, worker: Worker | None, theme: str, months: int
) -> tuple[list[int], str, dict[str, list[str]]]:
    """Ids of the children the sample may pick from, the sample in words, and any errors."""
    from lantern.insight.standards import add_months

    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    # Restricted records are audited one by one by people on their access list, never sampled.
    children = visible_children(user).filter(restricted=False)
    open_leads = Allocation.objects.filter(end_date__isnull=True, role=AllocationRole.LEAD)
    if kind == SampleKind.RANDOM_TEAM:
        if team is None:
            errors["team"] = ["Select the team"]
            return [], "", errors
        children = children.filter(pk__in=open_leads.filter(team=team).values("child_id"))
        words = f"At random from {team.name}"
    elif kind == SampleKind.PER_WORKER:
        if worker is None:
            errors["worker"] = ["Select the worker"]
            return [], "", errors
        children = children.filter(pk__in=open_leads.filter(worker=worker).values("child_id"))
        words = f"From {worker.display_name}'s caseload"
    elif kind == SampleKind.THEMED:
        if theme not in THEMES:
            errors["theme"] = ["Select the theme"]
            return [], "", errors
        open_cin = CINEpisode.objects.filter(closure_date__isnull=True, referral_nfa=False)
        open_cp = ChildProtectionPlan.objects.filter(end_date__isnull=True)
        if theme == "cin_long":
            if months < 1:
                errors["months"] = ["Enter a number of months of 1 or more"]
                return [], "", errors
            chosen = open_cin.filter(referral_date__lte=add_months(today, -months)).values("child_id")
        elif theme == "cp_plan":
            chosen = open_cp.values("child_id")
        elif theme == "neglect":
            chosen_ids = Q(pk__in=open_cin.filter(primary_need=codes.PrimaryNeed.N1).values("child_id")) | Q(
                pk__in=open_cp.filter(latest_category=codes.CategoryOfAbuse.NEG).values("child_id")
            )
            children = children.filter(chosen_ids)
            chosen = None
        else:
            chosen = open_cin.filter(primary_need=codes.PrimaryNeed.N2).values("child_id")
        if chosen is not None:
            children = children.filter(pk__in=chosen)
        words = THEMES[theme].format(months=months)
        if team is not None:
            children = children.filter(pk__in=open_leads.filter(team=team).values("child_id"))
            words += f" in {team.name}"
    else:
        errors["kind"] = ["Select how to choose the children"]
        return [], "", errors
    # A child already waiting for a draft audit is not audited twice.
    children = children.exclude(pk__in=Audit.objects.filter(status=AuditStatus.DRAFT).values("child_id"))
    return list(children.order_by("pk").values_list("pk", flat=True)), words, errors


@transaction.atomic
def audit_sample_create(
    *,
    created_by: Worker,
    kind: str,
    size: int | None,
    auditors: Sequence[Worker],
    team: Team | None = None,
    worker: Worker | None = None,
    theme: str = "",
    months: int = 9,
    moderation_percent: int = 0,
    seed: int | None = None,
) -> AuditSample:
    """Pick up to `size` children at random from those that match, and create a draft audit of
    each, shared round-robin between `auditors`; `moderation_percent` of them get the next
    auditor in the list as moderator. `seed` makes the draw repeatable (it is stored)."""
    _require_auditor(created_by)
    errors: dict[str, list[str]] = {}
    largest = int(get_setting("audit_sample_max"))
    if size is None or size < 1:
        errors["size"] = ["Enter how many children to audit"]
    elif size > largest:
        errors["size"] = [f"A sample can have at most {largest} children"]
    auditors = list(dict.fromkeys(auditors))
    if not auditors:
        errors["auditors"] = ["Select at least one auditor"]
    elif any(not selectors.can_run_audits(a) for a in auditors):
        errors["auditors"] = ["Every auditor must be a quality auditor, manager or senior leader"]
    if not 0 <= moderation_percent <= 100:
        errors["moderation_percent"] = ["Enter a percentage from 0 to 100"]
    elif moderation_percent and len(auditors) < 2:
        errors["moderation_percent"] = ["Choose at least two auditors so that someone else can moderate"]
    ids, words, found = _candidates(user=created_by, kind=kind, team=team, worker=worker, theme=theme, months=months)
    errors.update(found)
    if not errors and not ids:
        errors["kind"] = ["No children match: none are waiting for audit with these choices"]
    if errors:
        raise ValidationError(errors)
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    picked = sorted(random.Random(seed).sample(ids, min(size, len(ids))))
    for auditor in auditors:
        if auditor.pk == created_by.pk or auditor.role in AUTHORITY_WIDE_ROLES:
            continue
        if visible_children(auditor).filter(pk__in=picked).count() != len(picked):
            raise ValidationError({"auditors": [f"{auditor.display_name} cannot see every child in this sample"]})

    parameters = {
        "size": size,
        "seed": seed,
        "team": team.pk if team else None,
        "worker": worker.pk if worker else None,
        "theme": theme,
        "months": months if theme == "cin_long" else None,
        "moderation_percent": moderation_percent,
        "auditors": [a.pk for a in auditors],
    }
    description = f"{words}: {len(picked)} {'child' if len(picked) == 1 else 'children'}"
    sample = AuditSample.objects.create(
        kind=kind, parameters=parameters, description=description, created_by=created_by
    )
    AuditSampleChild.objects.bulk_create(AuditSampleChild(sample=sample, child_id=c) for c in picked)
    template = active_template()
    leads = selectors.lead_allocation(picked)
    audits = [
        Audit(
            child_id=child_id,
            template=template,
            auditor=auditors[i % len(auditors)],
            created_by=created_by,
            sample=sample,
            worker_id=leads.get(child_id, (None, None))[0],
            team_id=leads.get(child_id, (None, None))[1],
        )
        for i, child_id in enumerate(picked)
    ]
    Audit.objects.bulk_create(audits)
    _blank_rows(audits, template)
    moderated = round(len(audits) * moderation_percent / 100)
    rng = random.Random(seed + 1)
    moderations = []
    for i in sorted(rng.sample(range(len(audits)), moderated)):
        moderator = auditors[(i + 1) % len(auditors)]
        moderations.append(Moderation(audit=audits[i], moderator=moderator, assigned_by=created_by))
    Moderation.objects.bulk_create(moderations)
    return sample
