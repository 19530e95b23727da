"""Case audit pages: the audits start page, samples, a child's audits, filling in and submitting
an audit, moderation, actions, and the agreement and themes reports.

Every page about one audit fetches its child through the access layer (`get_child_for_user`,
404 or 403, and logged) before showing anything; lists are filtered to the children the user
may see. Views parse the request and call a selector or a service; the rules live in services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from lantern.audits import charts, selectors, services
from lantern.audits.forms import (
    ActionCompleteForm,
    ActionForm,
    AuditForm,
    ModerationForm,
    ModeratorForm,
    ReportForm,
    SampleForm,
    ThemesReportForm,
)
from lantern.audits.models import AuditSample, Grade, Theme
from lantern.casework.views.common import apply_service_errors, child_for_reading
from lantern.core.paging import paginate
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, CASE_HOLDING_ROLES, Worker
from lantern.workforce.selectors import teams_visible_to


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------
# Start page and samples
# ---------------------------------------------------------------------------------------------


def index(request):
    user = request.user
    page, query = paginate(request, selectors.submitted_audits(user))
    hidden = {a.pk for a in page if selectors.grades_hidden_for(user, getattr(a, "moderation", None))}
    context = {
        "hidden": hidden,
        "can_run": selectors.can_run_audits(user),
        "can_report": selectors.can_read_reports(user),
        "to_do": selectors.audits_to_do(user) if selectors.can_run_audits(user) else [],
        "to_moderate": selectors.moderations_to_do(user) if selectors.can_run_audits(user) else [],
        "my_actions": selectors.open_actions_owned_by(user),
        "samples": list(selectors.samples_for(user)[:10]),
        "page_obj": page,
        "query_string": query,
        "today": timezone.localdate(),
    }
    return render(request, "audits/index.html", context)


def _sample_form(request, data=None) -> SampleForm:
    user = request.user
    teams = teams_visible_to(user)
    workers = (
        Worker.objects.filter(is_active=True, role__in=CASE_HOLDING_ROLES, team__in=teams.values("pk"))
        .select_related("team")
        .order_by("first_name", "last_name", "pk")
    )
    # Quality auditors and senior leaders see every child a sample can hold; managers audit their own.
    auditors = Worker.objects.filter(
        Q(pk=user.pk) | Q(role__in=AUTHORITY_WIDE_ROLES & selectors.AUDIT_ROLES), is_active=True
    )
    initial = {"auditors": [user.pk], "months": 9, "moderation_percent": 0}
    return SampleForm(
        data, teams=teams, workers=workers, auditors=auditors.order_by("first_name", "last_name", "pk"), initial=initial
    )


def sample_new(request):
    _require(selectors.can_run_audits(request.user), services.AUDITORS_ONLY)
    form = _sample_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample = services.audit_sample_create(created_by=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Sample created: {sample.description}.")
            return redirect("audits:sample", sample_id=sample.pk)
    return render(request, "audits/sample_form.html", {"form": form})


def sample_detail(request, sample_id: int):
    sample = get_object_or_404(AuditSample.objects.select_related("created_by"), pk=sample_id)
    _require(
        selectors.samples_for(request.user).filter(pk=sample.pk).exists(),
        "You can see the samples you created; quality auditors and leaders see all samples.",
    )
    audits = selectors.sample_audits(request.user, sample)
    context = {
        "sample": sample,
        "audits": audits,
        "hidden": sample.sample_children.count() - len(audits),
        "submitted": sum(a.is_submitted for a in audits),
    }
    return render(request, "audits/sample.html", context)


# ---------------------------------------------------------------------------------------------
# A child's audits
# ---------------------------------------------------------------------------------------------


def child_audits(request, child_id: int):
    child = child_for_reading(request, child_id, "Case audits")
    audits = selectors.audits_for_child(request.user, child)
    hidden = {a.pk for a in audits if selectors.grades_hidden_for(request.user, getattr(a, "moderation", None))}
    context = {
        "child": child,
        "audits": [(a, a.pk in hidden) for a in audits],
        "actions": [] if hidden else selectors.actions_for_child(child),
        "can_run": selectors.can_run_audits(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "audits/child_audits.html", context)


def child_audit_new(request, child_id: int):
    child = child_for_reading(request, child_id, "Start a case audit")
    _require(selectors.can_run_audits(request.user), services.AUDITORS_ONLY)
    if request.method == "POST":
        audit = services.audit_create(child=child, auditor=request.user)
        messages.success(request, "Audit started. Save your draft as you go; submit it when every section is graded.")
        return redirect("audits:audit", audit_id=audit.pk)
    template = services.active_template()
    return render(request, "audits/audit_start.html", {"child": child, "template": template})


# ---------------------------------------------------------------------------------------------
# One audit
# ---------------------------------------------------------------------------------------------


def _audit_page(request, audit, *, form=None, status=200):
    user = request.user
    moderation = selectors.moderation_of(audit)
    hidden = selectors.grades_hidden_for(user, moderation)
    sections = selectors.audit_sections(audit, moderation=moderation)
    editing = not audit.is_submitted and audit.auditor_id == user.pk
    if editing and form is None:
        form = AuditForm(initial=AuditForm.initial_for(audit, sections), sections=[v.section for v in sections])
    actions = selectors.actions_of(audit) if audit.is_submitted and not hidden else []
    for action in actions:
        action.audit = audit
        action.can_complete = services.may_complete(user, action)
    views_by_section = {v.section.pk: v for v in sections}
    context = {
        "audit": audit,
        "child": audit.child,
        "sections": sections,
        "blocks": [(b, views_by_section[b["section"].pk]) for b in form.blocks()] if editing else [],
        "form": form,
        "editing": editing,
        "hidden": hidden,
        "moderation": moderation,
        "moderation_done": moderation is not None and moderation.is_submitted,
        "agreed": sum(v.agrees for v in sections),
        "actions": actions,
        "can_set_actions": services.may_set_actions(user, audit) and not hidden,
        "can_ask_moderation": audit.is_submitted
        and selectors.can_run_audits(user)
        and not hidden
        and (moderation is None or not moderation.is_submitted),
        "today": timezone.localdate(),
    }
    return render(request, "audits/audit.html", context, status=status)


def audit_detail(request, audit_id: int):
    audit = selectors.audit_for_user(request.user, audit_id, page="Case audit", path=request.path)
    if request.method != "POST":
        return _audit_page(request, audit)
    _require(not audit.is_submitted, services.SUBMITTED_MESSAGE)
    _require(audit.auditor_id == request.user.pk, "Only the audit's auditor can change it.")
    sections = list(audit.template.sections.prefetch_related("questions").order_by("order", "pk"))
    form = AuditForm(request.POST, sections=sections)
    submit = request.POST.get("action") == "submit"
    if form.is_valid():
        try:
            services.audit_save(audit=audit, by=request.user, submit=submit, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if submit:
                messages.success(request, "Audit submitted. It can no longer be changed.")
            else:
                messages.success(request, "Draft saved.")
            return redirect("audits:audit", audit_id=audit.pk)
    return _audit_page(request, audit, form=form)


def audit_moderator(request, audit_id: int):
    audit = selectors.audit_for_user(request.user, audit_id, page="Ask for moderation", path=request.path)
    _require(selectors.can_run_audits(request.user), services.AUDITORS_ONLY)
    moderation = selectors.moderation_of(audit)
    _require(not selectors.grades_hidden_for(request.user, moderation), "You are the moderator of this audit.")
    if moderation is not None and moderation.is_submitted:
        raise PermissionDenied("This audit has already been moderated.")
    form = ModeratorForm(
        request.POST or None,
        people=selectors.moderator_choices(audit),
        initial={"moderator": moderation.moderator_id if moderation else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            chosen = services.moderation_assign(audit=audit, moderator=form.cleaned_data["moderator"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{chosen.moderator.display_name} has been asked to moderate the audit.")
            return redirect("audits:audit", audit_id=audit.pk)
    return render(request, "audits/moderator_form.html", {"audit": audit, "child": audit.child, "form": form})


def audit_moderate(request, audit_id: int):
    audit = selectors.audit_for_user(request.user, audit_id, page="Moderate a case audit", path=request.path)
    moderation = selectors.moderation_of(audit)
    _require(
        moderation is not None and moderation.moderator_id == request.user.pk,
        "Only the person asked to moderate this audit can moderate it.",
    )
    _require(selectors.can_run_audits(request.user), services.AUDITORS_ONLY)
    if moderation.is_submitted:
        raise PermissionDenied("You have already moderated this audit; your grades cannot be changed.")
    _require(audit.is_submitted, "The audit has not been submitted yet: you can moderate it once it is.")
    sections = list(audit.template.sections.prefetch_related("questions").order_by("order", "pk"))
    form = ModerationForm(request.POST or None, sections=sections)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderation_submit(moderation=moderation, by=request.user, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Moderation submitted. You can now see the auditor's grades beside yours.")
            return redirect("audits:audit", audit_id=audit.pk)
    context = {"audit": audit, "child": audit.child, "form": form, "moderation": moderation}
    return render(request, "audits/moderate.html", context)


# ---------------------------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------------------------


def action_new(request, audit_id: int):
    audit = selectors.audit_for_user(request.user, audit_id, page="Add an audit action", path=request.path)
    _require(
        services.may_set_actions(request.user, audit)
        and not selectors.grades_hidden_for(request.user, selectors.moderation_of(audit)),
        "Actions are set from a submitted audit, by a quality auditor, manager or senior leader.",
    )
    form = ActionForm(request.POST or None, owners=selectors.action_owner_choices(audit.child, request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_action_create(audit=audit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Action added.")
            return redirect(reverse("audits:audit", args=[audit.pk]) + "#actions")
    return render(request, "audits/action_form.html", {"audit": audit, "child": audit.child, "form": form})


def action_complete(request, action_id: int):
    action = selectors.action_for_user(
        request.user, action_id, page="Record an audit action as done", path=request.path
    )
    audit = action.audit
    _require(
        not selectors.grades_hidden_for(request.user, selectors.moderation_of(audit)), "You are moderating this audit."
    )
    if action.is_done:
        raise PermissionDenied("This action has already been recorded as done; the record cannot be changed.")
    _require(
        services.may_complete(request.user, action),
        "Only the action's owner, the auditor or a manager can record it as done.",
    )
    form = ActionCompleteForm(request.POST or None, initial={"completed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_action_complete(
                action=action,
                by=request.user,
                completed_on=form.cleaned_data["completed_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Action recorded as done.")
            return redirect(reverse("audits:audit", args=[audit.pk]) + "#actions")
    context = {"audit": audit, "child": audit.child, "action": action, "form": form}
    return render(request, "audits/action_complete.html", context)


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


def _period(form) -> int:
    months = form.cleaned_data.get("months") if form.is_valid() else None
    return months if months in selectors.PERIODS else 12


def report_agreement(request):
    _require(
        selectors.can_read_reports(request.user), "Audit reports are for auditors, managers, leaders and inspectors."
    )
    form = ReportForm(request.GET or None)
    months = _period(form)
    today = timezone.localdate()
    report = selectors.agreement_report(request.user, since=selectors.period_start(months, today))
    context = {"form": form, "months": months, "period": selectors.PERIODS[months], "report": report}
    return render(request, "audits/report_agreement.html", context)


def report_themes(request):
    _require(
        selectors.can_read_reports(request.user), "Audit reports are for auditors, managers, leaders and inspectors."
    )
    form = ThemesReportForm(request.GET or None)
    months = _period(form)
    chosen = form.cleaned_data.get("theme") if form.is_valid() else ""
    chosen = chosen if chosen in ("overall", *Theme.values) else "overall"
    today = timezone.localdate()
    report = selectors.themes_report(request.user, since=selectors.period_start(months, today), today=today)
    label = "Overall grade" if chosen == "overall" else Theme(chosen).label
    series = report.by_quarter.get(chosen, {})
    rows = [(selectors.quarter_label(q), [series.get(q, {}).get(g, 0) for g in Grade.values]) for q in report.quarters]
    chart = charts.stacked_grades(
        chart_id=f"grades-{chosen}",
        title=f"{label}: grades by quarter",
        quarters=[selectors.quarter_label(q) for q in report.quarters],
        rows=[counts for _, counts in rows],
    )
    context = {
        "form": form,
        "months": months,
        "period": selectors.PERIODS[months],
        "report": report,
        "chosen": chosen,
        "chosen_label": label,
        "rows": rows,
        "chart": chart,
        "grades": Grade.choices,
        "legend": charts.legend(),
    }
    return render(request, "audits/report_themes.html", context)
