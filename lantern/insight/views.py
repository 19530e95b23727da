"""Practice standards pages.

- insight:dashboard (/insight/): open alerts by team and standard, the trend over 12 weeks (a
  chart with a table), the last evaluation and, for leaders and auditors, "Evaluate now".
- insight:evaluate (POST) queues an evaluation; insight:run shows its progress (the page
  refreshes itself every 2 seconds while it runs, without JavaScript).
- insight:team_alerts (/teams/<id>/alerts/): a team's open alerts, filtered by standard.
- insight:child_alerts (/children/<id>/alerts/): one child's open and cleared alerts.
- insight:respond (/children/<id>/alerts/<pk>/respond/): a manager's recorded decision.
- insight:standards and insight:standard (/standards/): every standard with its settings;
  senior leaders and administrators change them.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lantern.access.selectors import can_approve_for_child
from lantern.approvals.services import AlreadyDecided
from lantern.casework.views.common import apply_service_errors, child_for_approval, child_for_reading
from lantern.core.local_settings import DEFINITIONS, get_setting
from lantern.core.paging import paginate
from lantern.insight import charts, selectors, services
from lantern.insight import standards as registry
from lantern.insight.forms import RespondForm, StandardForm, _num
from lantern.insight.models import AlertResponse, EvaluationRun, RunStatus
from lantern.insight.tasks import evaluate_standards
from lantern.operations.jobs import job_page, recover_jobs
from lantern.workforce.models import Team
from lantern.workforce.selectors import teams_visible_to

logger = logging.getLogger("lantern.insight")

REFRESH_SECONDS = 2


def dashboard(request):
    user = request.user
    if not selectors.can_see_dashboard(user):
        raise PermissionDenied("Practice alerts are for managers, auditors, leaders and inspectors.")
    today = timezone.localdate()
    data = selectors.dashboard(user, today=today)
    chart = charts.trend_chart(data.trend) if data.trend else ""
    weekly = data.trend[::-7][::-1]  # the table: the count on the same weekday each week, ending today
    return render(
        request,
        "insight/dashboard.html",
        {
            "data": data,
            "chart": chart,
            "weekly": weekly,
            "can_evaluate": selectors.can_evaluate_now(user),
            "running": EvaluationRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
            .order_by("-created_at")
            .first(),
            "today": today,
        },
    )


@require_POST
def evaluate(request):
    if not selectors.can_evaluate_now(request.user):
        raise PermissionDenied("Only senior leaders, quality auditors and administrators can start an evaluation.")
    run = EvaluationRun.objects.create(
        as_of=timezone.localdate(), created_by=request.user, message="Waiting for the task worker to start"
    )
    try:
        result = evaluate_standards.enqueue(run.pk)
    except Exception:
        logger.exception("Practice standards evaluation %s could not be queued", run.pk)
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            message="The evaluation could not be started. Tell the system administrator.",
        )
    else:
        EvaluationRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
        messages.success(request, "The practice standards are being checked.")
    return redirect("insight:run", run_id=run.pk)


def run_detail(request, run_id: int):
    if not selectors.can_see_dashboard(request.user):
        raise PermissionDenied("Practice alerts are for managers, auditors, leaders and inspectors.")
    run = get_object_or_404(EvaluationRun.objects.select_related("created_by"), pk=run_id)
    if not run.finished and recover_jobs():  # a run whose worker died is failed, and says why
        run.refresh_from_db()
    state = job_page(finished=run.finished, created_at=run.created_at, refresh_off=request.GET.get("refresh") == "off")
    auto = state.auto_refresh
    context = {"run": run, "auto_refresh": auto, "refresh_notice": state.notice, "refresh_seconds": REFRESH_SECONDS}
    response = render(request, "insight/run.html", context)
    if auto:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def team_alerts(request, team_id: int):
    team = get_object_or_404(Team.objects.select_related("service"), pk=team_id)
    if not teams_visible_to(request.user).filter(pk=team.pk).exists():
        raise PermissionDenied("You can only see the teams you manage.")
    standard = request.GET.get("standard", "")
    shown = [s for s in registry.all_standards() if s.shown_to(request.user.role)]
    if standard and standard not in {s.key for s in shown}:
        standard = ""
    visible = selectors.visible_alerts(request.user)  # the user's children are read once
    page, query = paginate(request, selectors.team_alerts(request.user, team, standard=standard, visible=visible))
    counts = selectors.team_standard_counts(request.user, team, visible=visible)
    return render(
        request,
        "insight/team_alerts.html",
        {
            "team": team,
            "page_obj": page,
            "rows": selectors.rows_for(page.object_list),
            "query_string": query,
            "standard": standard,
            "choices": [(s, counts.get(s.key, 0)) for s in shown],
            "total": sum(counts.values()),
        },
    )


def child_alerts(request, child_id: int):
    child = child_for_reading(request, child_id, "Practice alerts")
    open_rows, cleared_rows = selectors.child_alerts(request.user, child)
    return render(
        request,
        "insight/child_alerts.html",
        {
            "child": child,
            "open_rows": open_rows,
            "cleared_rows": cleared_rows,
            "can_respond": can_approve_for_child(request.user, child),
        },
    )


def respond(request, child_id: int, alert_id: int):
    page = "Respond to a practice alert"
    child = child_for_approval(request, child_id, page)
    alert = selectors.alert_for(request.user, child, alert_id)
    if AlertResponse.objects.filter(alert=alert).exists():  # answered already: say by whom, no second form
        messages.info(request, services.responded_message(alert))
        return redirect("insight:child_alerts", child_id=child.pk)
    if alert.cleared_at is not None:
        raise Http404("This alert has cleared: its condition no longer holds.")
    standard = registry.get(alert.standard)
    row = selectors.rows_for([alert])[0]
    form = RespondForm(request.POST if request.method == "POST" else None, standard=standard)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_respond(
                alert=alert,
                by=request.user,
                decision=form.cleaned_data["decision"],
                rationale=form.cleaned_data["rationale"],
                next_oversight_date=form.cleaned_data.get("next_oversight_date"),
                child_protection_considered=bool(form.cleaned_data.get("child_protection_considered")),
            )
        except AlreadyDecided as error:
            messages.info(request, error.messages[0])
            return redirect("insight:child_alerts", child_id=child.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Your decision is on the child's file as signed management oversight. "
                "The alert stays open until what it is about has been put right.",
            )
            return redirect("insight:child_alerts", child_id=child.pk)
    return render(request, "insight/respond.html", {"child": child, "row": row, "form": form})


def standards_list(request):
    items = []
    on = registry.switched_on()
    for item in registry.all_standards():
        items.append(
            {
                "standard": item,
                "enabled": item.available and on[item.key],
                "parameters": [_parameter(key) for key in item.parameters],
            }
        )
    return render(
        request,
        "insight/standards.html",
        {"items": items, "can_change": services.can_change_standards(request.user)},
    )


def standard_edit(request, key: str):
    item = registry.get(key)
    if item is None:
        raise Http404("No such standard")
    can_change = services.can_change_standards(request.user)
    if request.method == "POST" and not can_change:
        raise PermissionDenied("Only senior leaders and administrators can change the practice standards.")
    data = request.POST if request.method == "POST" else None
    form = StandardForm(data, standard=item, initial=StandardForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.standard_update(
                standard=item, enabled=form.cleaned_data["enabled"], values=form.values(), by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if changed:
                messages.success(request, f"{item.name}: {', '.join(changed)}. Alerts follow at the next evaluation.")
            else:
                messages.success(request, f"{item.name}: nothing changed.")
            return redirect("insight:standards")
    history = _history(item)
    return render(
        request,
        "insight/standard.html",
        {
            "standard": item,
            "form": form,
            "can_change": can_change,
            "parameters": [_parameter(k) for k in item.parameters],
            "history": history,
        },
    )


def _parameter(key: str) -> dict:
    definition = DEFINITIONS[key]
    value = get_setting(key)
    shown = ("Yes" if value else "No") if isinstance(value, bool) else f"{_num(value)} {definition.unit}".strip()
    return {"key": key, "label": definition.label, "value": shown, "default": value == definition.default}


def _history(item: registry.Standard) -> list:
    """Recent changes to the standard's settings, newest first (one query)."""
    from lantern.core.models import LocalSetting

    keys = [item.setting_key, *item.parameters]
    rows = (
        LocalSetting.history.filter(key__in=keys)
        .select_related("history_user", "updated_by")
        .order_by("-history_date", "-history_id")[:20]
    )
    out = []
    for row in rows:
        definition = DEFINITIONS.get(row.key)
        label = "Checked" if row.key == item.setting_key else (definition.label if definition else row.key)
        value = row.value
        shown = ("Yes" if value else "No") if isinstance(value, bool) else str(value)
        who = row.updated_by.display_name if row.updated_by else "System"
        out.append({"when": row.history_date, "what": label, "value": shown, "who": who})
    return out
