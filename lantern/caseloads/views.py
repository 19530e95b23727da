"""Caseload dashboards (team, service, the whole council), worker continuity, the transition
view and allocating a child's lead worker. Thin: selectors read, services write."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from lantern.access import log as access_log
from lantern.access.selectors import visible_children
from lantern.caseloads import charts, selectors, services
from lantern.caseloads.forms import AllocateForm
from lantern.caseloads.models import AllocationDecision, Band, CaseloadSnapshot, NeedLevel
from lantern.casework.views.common import apply_service_errors, child_for_reading
from lantern.core.paging import paginate
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, Role, Service, Team, TeamType, Worker
from lantern.workforce.selectors import unallocated_children

TEAM_TYPE_LABELS = dict(TeamType.choices)
LEVEL_LABELS = dict(NeedLevel.choices)


def _team_for(request, team_id: int) -> Team:
    team = get_object_or_404(Team.objects.select_related("service"), pk=team_id)
    if not selectors.may_see_team(request.user, team):
        raise PermissionDenied("Caseload dashboards are for the team's managers, service managers and leaders.")
    return team


def _service_for(request, service_id: int) -> Service:
    service = get_object_or_404(Service, pk=service_id)
    if not selectors.services_visible_to(request.user).filter(pk=service.pk).exists():
        raise PermissionDenied("Service dashboards are for the service's manager and leaders.")
    return service


def _worker_chart(chart_id: str, title: str, workers: list[Worker], weights: selectors.Weighting):
    measure = "weighted caseload" if weights.on else "children allocated"
    desc = f"{title}: {measure} per worker. " + "; ".join(
        f"{w.display_name} {charts.figure(w.load)}"
        + (f", above the {w.band} threshold" if w.band != Band.WITHIN else "")
        for w in workers
    )
    bars = [
        charts.WorkerBar(label=w.display_name, value=w.load, band=w.band, amber=w.amber, red=w.red) for w in workers
    ]
    return charts.worker_bars(chart_id=chart_id, title=title, desc=desc, bars=bars)


def _history_chart(chart_id: str, title: str, months: list[selectors.MonthFigures], table: selectors.ThresholdTable):
    labels = [m.month.strftime("%b %y") for m in months]
    average = [round(m.average, 1) if m.recorded and m.average is not None else None for m in months]
    highest = [m.highest if m.recorded else None for m in months]
    amber, red = table.sw
    who = "" if table.same_for_all else "social worker "
    desc = (
        f"{title}, month by month: "
        + "; ".join(
            f"{m.month:%B %Y} average {charts.figure(round(m.average, 1))}, highest {charts.figure(m.highest)}"
            if m.recorded and m.average is not None
            else f"{m.month:%B %Y} not recorded"
            for m in months
        )
        + f". Dashed lines mark the {who}amber threshold ({amber}) and red threshold ({red})."
    )
    return charts.trend_chart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        labels=labels,
        series=[
            charts.Series("Average per worker", average, charts.BLUE),
            charts.Series("Highest", highest, "#4c2c92"),
        ],
        references=[
            charts.Reference(amber, f"{who.capitalize()}Amber {amber}", charts.AMBER_LINE),
            charts.Reference(red, f"{who.capitalize()}Red {red}", charts.RED),
        ],
    )


def _months_back(request, default: int = selectors.HISTORY_MONTHS) -> int:
    return 24 if request.GET.get("months") == "24" else default


# ---------------------------------------------------------------------------------------------
# Team
# ---------------------------------------------------------------------------------------------


def team(request, team_id: int):
    team = _team_for(request, team_id)
    today = selectors.today()
    table, weights = selectors.threshold_table(), selectors.weighting()
    workers = selectors.team_workers(team, table)
    n_months = _months_back(request)
    months = selectors.recent_months(today, n_months)
    live = selectors.live_figures(months[-1], workers)
    history = selectors.history(CaseloadSnapshot.objects.filter(team=team), months, live, table, weights)
    unallocated, query = paginate(request, unallocated_children(visible_children(request.user), team))
    decisions = selectors.decisions_for(request.user, AllocationDecision.objects.filter(team=team))
    recent = list(decisions[:5])
    # An allocation decision names the child and gives the reason: a view of each child shown.
    access_log.record(request.user, [d.child_id for d in recent], page="Team caseloads", path=request.path)
    return render(
        request,
        "caseloads/team.html",
        {
            "team": team,
            "workers": workers,
            "table": table,
            "weights": weights,
            "chart": _worker_chart("team-caseloads", f"Caseloads in {team.name}", workers, weights)
            if workers
            else None,
            "history": history,
            "history_chart": _history_chart("team-history", f"{team.name}: caseloads over time", history, table),
            "n_months": n_months,
            "page_obj": unallocated,
            "query_string": query,
            "can_allocate": selectors.may_allocate_in_team(request.user, team),
            "decisions": recent,
            "decision_count": decisions.count(),
        },
    )


def continuity(request, team_id: int):
    team = _team_for(request, team_id)
    today = selectors.today()
    flagged, flag = selectors.continuity_report(request.user, team, as_of=today)
    page, query = paginate(request, flagged)
    return render(
        request,
        "caseloads/continuity.html",
        {"team": team, "page_obj": page, "query_string": query, "flag": flag, "today": today},
    )


def decisions(request, team_id: int):
    team = _team_for(request, team_id)
    page, query = paginate(request, selectors.decisions_for(request.user, AllocationDecision.objects.filter(team=team)))
    access_log.record(
        request.user, [d.child_id for d in page.object_list], page="Allocation decisions", path=request.path
    )
    return render(request, "caseloads/decisions.html", {"team": team, "page_obj": page, "query_string": query})


# ---------------------------------------------------------------------------------------------
# Service and council
# ---------------------------------------------------------------------------------------------


def service(request, service_id: int):
    service = _service_for(request, service_id)
    today = selectors.today()
    table, weights = selectors.threshold_table(), selectors.weighting()
    teams = Team.objects.filter(service=service, active=True).order_by("name")
    workers = selectors.banded_workers(selectors.case_holders(Worker.objects.filter(team__service=service)), table)
    summaries = selectors.team_summaries(teams, workers, since=today - timedelta(days=365))
    summaries = [s for s in summaries if s.workers or s.children_held]
    n_months = _months_back(request)
    months = selectors.recent_months(today, n_months)
    live = selectors.live_figures(months[-1], workers)
    history = selectors.history(CaseloadSnapshot.objects.filter(team__service=service), months, live, table, weights)
    labels = [s.team.name for s in summaries]
    band_chart = (
        charts.stacked_rows(
            chart_id="service-bands",
            title=f"Workers by caseload band in each team of {service.name}",
            desc="Workers in each team within the thresholds, above amber and above red: "
            + "; ".join(
                f"{s.team.name}: {s.workers - s.amber - s.red} within, {s.amber} amber, {s.red} red" for s in summaries
            ),
            labels=labels,
            series=[
                charts.Series("Within threshold", [s.workers - s.amber - s.red for s in summaries], charts.BLUE),
                charts.Series("Above amber", [s.amber for s in summaries], charts.ORANGE),
                charts.Series("Above red", [s.red for s in summaries], charts.RED),
            ],
        )
        if summaries
        else None
    )
    return render(
        request,
        "caseloads/service.html",
        {
            "service": service,
            "summaries": summaries,
            "live": live,
            "table": table,
            "weights": weights,
            "band_chart": band_chart,
            "history": history,
            "history_chart": _history_chart("service-history", f"{service.name}: caseloads over time", history, table),
            "n_months": n_months,
            "can_see_all": request.user.role in AUTHORITY_WIDE_ROLES,
        },
    )


def overview(request):
    user = request.user
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return redirect("caseloads:team", team_id=user.team_id)
    if user.role == Role.SERVICE_MANAGER and user.service_id:
        return redirect("caseloads:service", service_id=user.service_id)
    if user.role not in AUTHORITY_WIDE_ROLES:
        raise PermissionDenied("Caseload dashboards are for managers and leaders.")
    table = selectors.threshold_table()
    rows = selectors.service_summaries(table)
    return render(
        request,
        "caseloads/overview.html",
        {"rows": rows, "table": table, "weights": selectors.weighting()},
    )


def _transition_context(title: str, teams, today):
    data = selectors.transition(teams, today=today)
    labels = [m.strftime("%b %y") for m in data.months]
    colours = dict(zip(selectors.TYPE_ORDER, charts.PALETTE, strict=False))
    sections = []
    for level in selectors.LEVEL_ORDER:
        per_type = data.series[level]
        series = [charts.Series(TEAM_TYPE_LABELS[t], per_type[t], colours[t]) for t in data.team_types]
        totals = data.totals(level)
        desc = (
            f"Children at the {LEVEL_LABELS[level].lower()} level held by each type of team, month by month. "
            + "; ".join(
                f"{m:%B %Y}: "
                + ", ".join(f"{TEAM_TYPE_LABELS[t]} {per_type[t][i]}" for t in data.team_types if per_type[t][i])
                if totals[i] is not None
                else f"{m:%B %Y}: not recorded"
                for i, m in enumerate(data.months)
            )
        )
        rows = [
            {"month": m, "cells": [per_type[t][i] for t in data.team_types], "total": totals[i]}
            for i, m in enumerate(data.months)
        ]
        sections.append(
            {
                "level": level,
                "label": LEVEL_LABELS[level],
                "chart": charts.stacked_columns(
                    chart_id=f"transition-{level}",
                    title=f"{LEVEL_LABELS[level]}: children held by each type of team",
                    desc=desc,
                    labels=labels,
                    series=series,
                ),
                "rows": list(reversed(rows)),
                "empty": not any(totals),
                "now": {TEAM_TYPE_LABELS[t]: per_type[t][-1] for t in data.team_types},
            }
        )
    return {
        "title": title,
        "sections": sections,
        "team_types": [TEAM_TYPE_LABELS[t] for t in data.team_types],
        "teams": [t for t in data.teams if t.total],
        "levels": [LEVEL_LABELS[level] for level in selectors.LEVEL_ORDER],
        "first_month": data.months[0],
    }


def transition(request, service_id: int):
    service = _service_for(request, service_id)
    context = _transition_context(service.name, Team.objects.filter(service=service), selectors.today())
    return render(request, "caseloads/transition.html", {"service": service, **context})


def council_transition(request):
    if request.user.role not in AUTHORITY_WIDE_ROLES:
        raise PermissionDenied("The whole council's transition view is for leaders, auditors and inspectors.")
    context = _transition_context("The whole council", Team.objects.all(), selectors.today())
    return render(request, "caseloads/transition.html", {"service": None, **context})


# ---------------------------------------------------------------------------------------------
# Allocating a child's lead worker
# ---------------------------------------------------------------------------------------------


def allocate(request, child_id: int):
    child = child_for_reading(request, child_id, "Allocate a worker")
    lead = selectors.lead_allocation(child)
    if not selectors.may_allocate(request.user, lead):
        raise PermissionDenied("Only the manager of the team holding the child, or its service manager, allocates.")
    team = lead.team
    table, weights = selectors.threshold_table(), selectors.weighting()
    workers = [w for w in selectors.team_workers(team, table) if w.pk != lead.worker_id]
    weight = weights.child_weight(selectors.child_on_cp_plan(child)) if weights.on else 1.0
    projected = selectors.projections(
        workers, child_weight=weight, holding=selectors.workers_holding(child), weights=weights
    )
    for w in workers:
        w.projection = projected[w.pk]
    form = AllocateForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_assign(
                child=child,
                worker=form.cleaned_data["worker"],
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                over_threshold_reason=form.cleaned_data["over_threshold_reason"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            chosen = form.cleaned_data["worker"]
            messages.success(request, f"{child.person.full_name} is now allocated to {chosen.display_name}.")
            return redirect("casework:child", child_id=child.pk)
    selected = form.selected_worker()
    warning = selected.projection if selected is not None and selected.projection.needs_reason else None
    return render(
        request,
        "caseloads/allocate.html",
        {
            "child": child,
            "lead": lead,
            "team": team,
            "workers": workers,
            "form": form,
            "selected": selected,
            "warning": warning,
            "weights": weights,
            "child_weight": weight,
            "team_types": TEAM_TYPE_LABELS,
        },
    )
