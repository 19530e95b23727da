"""Administration pages: staff, teams and services, council settings and the administration log.
Every page refuses every role but council administrator (the log also opens to senior leaders
and auditors). Views are thin: services.py makes the changes and logs them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lantern.administration import forms, selectors, services
from lantern.administration.models import AdminEvent, AdminEventKind, StaffAssignment
from lantern.core.paging import paginate
from lantern.identity import policy
from lantern.workforce.models import CASE_HOLDING_ROLES, ResponsibilityKind, Role, Team, TeamResponsibility, Worker
from lantern.workforce.selectors import teams_visible_to, teams_with_counts


def _admin_only(request) -> None:
    if not policy.can_administer_identity(request.user):
        raise PermissionDenied("Only council administrators can see this page.")


def index(request):
    _admin_only(request)
    return render(request, "administration/index.html", selectors.overview())


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------


def staff_list(request):
    _admin_only(request)
    status = request.GET.get("status") if request.GET.get("status") in ("active", "inactive", "all") else "active"
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    workers = selectors.staff(status=status, q=q)
    page, query = paginate(request, workers)
    return render(
        request, "administration/staff_list.html", {"page_obj": page, "query_string": query, "q": q, "status": status}
    )


def staff_create(request):
    _admin_only(request)
    form = forms.StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            worker = services.staff_create(by=request.user, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"{worker.display_name} has been added. Give them a set-password link so they can sign in."
            )
            return redirect("administration:staff_detail", worker_id=worker.pk)
    return render(request, "administration/staff_form.html", {"form": form})


def staff_detail(request, worker_id: int, password_link: dict | None = None):
    _admin_only(request)
    from lantern.identity.passwords import links_enabled

    worker = get_object_or_404(Worker.objects.select_related("team", "service"), pk=worker_id)
    return render(
        request,
        "administration/staff_detail.html",
        {
            "worker": worker,
            "assignments": StaffAssignment.objects.filter(worker=worker).select_related(
                "team", "service", "recorded_by"
            ),
            "events": AdminEvent.objects.filter(worker=worker).select_related("actor")[:50],
            "to_reallocate": services.open_allocations_to_reallocate(worker).count(),
            "is_self": worker.pk == request.user.pk,
            "password_link": password_link,
            "password_links_enabled": links_enabled(),
        },
    )


def _run(form, action) -> bool:
    """Call a service with the form's data; put its errors on the form. True if it worked."""
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    return True


def staff_change(request, worker_id: int):
    _admin_only(request)
    worker = get_object_or_404(Worker, pk=worker_id)
    initial = {"role": worker.role, "team": worker.team_id, "service": worker.service_id, "job_title": worker.job_title}
    form = forms.StaffChangeForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda d: services.staff_change(by=request.user, worker=worker, **d))
    ):
        messages.success(request, f"{worker.display_name}'s role and team are updated.")
        return redirect("administration:staff_detail", worker_id=worker.pk)
    return render(request, "administration/staff_change.html", {"form": form, "worker": worker})


def staff_deactivate(request, worker_id: int):
    _admin_only(request)
    worker = get_object_or_404(Worker, pk=worker_id)
    form = forms.DeactivateForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda d: services.staff_deactivate(by=request.user, worker=worker, **d))
    ):
        messages.success(request, f"{worker.display_name} is deactivated: they can no longer sign in.")
        return redirect("administration:staff_detail", worker_id=worker.pk)
    return render(
        request,
        "administration/staff_deactivate.html",
        {"form": form, "worker": worker, "open_allocations": worker.allocations.filter(end_date__isnull=True).count()},
    )


def staff_reactivate(request, worker_id: int):
    _admin_only(request)
    worker = get_object_or_404(Worker, pk=worker_id)
    form = forms.ReactivateForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda d: services.staff_reactivate(by=request.user, worker=worker, **d))
    ):
        messages.success(request, f"{worker.display_name} is active again.")
        return redirect("administration:staff_detail", worker_id=worker.pk)
    return render(request, "administration/staff_reactivate.html", {"form": form, "worker": worker})


def to_reallocate(request, worker_id: int):
    """For the person's managers: the children still allocated to a leaver (or to someone who
    has moved team), each with a link to reallocate. Children come through the access layer."""
    worker = get_object_or_404(Worker, pk=worker_id)
    allocations = services.open_allocations_to_reallocate(worker)
    teams = teams_visible_to(request.user).filter(pk__in=allocations.values("team_id"))
    if request.user.role not in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER) or not teams.exists():
        raise PermissionDenied("Only the managers of the teams holding these children can see this page.")
    from lantern.access.selectors import for_visible_children

    rows = (
        for_visible_children(allocations.filter(team__in=teams), request.user)
        .select_related("child__person", "team")
        .order_by("team__name", "child__person__last_name", "pk")
    )
    return render(request, "administration/to_reallocate.html", {"worker": worker, "allocations": rows})


# ---------------------------------------------------------------------------------------------
# Teams and services
# ---------------------------------------------------------------------------------------------


def teams(request):
    _admin_only(request)
    status = request.GET.get("status") if request.GET.get("status") in ("active", "retired") else "active"
    rows = teams_with_counts(Team.objects.filter(active=status == "active").select_related("service"))
    rows = rows.order_by("service__name", "name")
    holds: dict[int, list[str]] = {}
    for r in TeamResponsibility.objects.filter(team__in=[t.pk for t in rows]).order_by("kind", "code"):
        holds.setdefault(r.team_id, []).append(r.label)
    teams = [(team, holds.get(team.pk, [])) for team in rows]
    return render(request, "administration/teams.html", {"teams": teams, "status": status})


def team_create(request):
    _admin_only(request)
    form = forms.TeamForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda d: services.team_create(by=request.user, **d))
    ):
        messages.success(request, f"{form.cleaned_data['name']} has been created.")
        return redirect("administration:team", team_id=Team.objects.get(name=form.cleaned_data["name"].strip()).pk)
    return render(request, "administration/team_form.html", {"form": form})


def team(request, team_id: int):
    _admin_only(request)
    team = get_object_or_404(Team.objects.select_related("service"), pk=team_id)
    current = TeamResponsibility.objects.filter(team=team)
    initial = {
        "name": team.name,
        "type": team.type,
        "service": team.service_id,
        "levels": [r.code for r in current if r.kind == ResponsibilityKind.LEVEL],
        "steps": [r.code for r in current if r.kind == ResponsibilityKind.STEP],
    }
    action = request.POST.get("action") if request.method == "POST" else None
    team_form = forms.TeamForm(request.POST if action == "update" else None, initial=initial, prefix="team")
    holds_form = forms.ResponsibilitiesForm(request.POST if action == "holds" else None, initial=initial)
    retire_form = forms.ReasonForm(request.POST if action == "retire" else None, prefix="retire")
    if action == "update" and team_form.is_valid():
        if _run(team_form, lambda d: services.team_update(by=request.user, team=team, **d)):
            messages.success(request, "The team is updated.")
            return redirect("administration:team", team_id=team.pk)
    elif action == "holds" and holds_form.is_valid():
        if _run(holds_form, lambda d: services.team_responsibilities_set(by=request.user, team=team, **d)):
            messages.success(request, "What the team holds is updated.")
            return redirect("administration:team", team_id=team.pk)
    elif action == "retire" and retire_form.is_valid():
        if _run(retire_form, lambda d: services.team_retire(by=request.user, team=team, **d)):
            messages.success(request, f"{team.name} is retired.")
            return redirect("administration:team", team_id=team.pk)
    elif action not in (None, "update", "holds", "retire"):
        raise PermissionDenied("Unknown action.")
    members = Worker.objects.filter(team=team).filter(Q(is_active=True)).order_by("last_name", "first_name")
    return render(
        request,
        "administration/team.html",
        {
            "team": team,
            "team_form": team_form,
            "holds_form": holds_form,
            "retire_form": retire_form,
            "members": members,
            "retire_problems": services.team_retire_problems(team) if team.active else [],
            "events": AdminEvent.objects.filter(team=team).select_related("actor")[:30],
            "case_holding": CASE_HOLDING_ROLES,
        },
    )


def service_create(request):
    _admin_only(request)
    form = forms.ServiceForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda d: services.service_create(by=request.user, **d))
    ):
        messages.success(request, f"The service {form.cleaned_data['name']} has been created.")
        return redirect("administration:teams")
    return render(request, "administration/service_form.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The administration log
# ---------------------------------------------------------------------------------------------


def log(request):
    if not policy.can_read_sign_in_log(request.user):
        raise PermissionDenied("Only administrators, senior leaders and auditors can see this page.")
    kind = request.GET.get("kind") if request.GET.get("kind") in AdminEventKind.values else ""
    events = AdminEvent.objects.select_related("actor", "worker", "team")
    if kind:
        events = events.filter(kind=kind)
    page, query = paginate(request, events)
    return render(
        request,
        "administration/log.html",
        {
            "page_obj": page,
            "query_string": query,
            "kind": kind,
            "kinds": AdminEventKind.choices,
            "perms_admin": policy.can_administer_identity(request.user),
        },
    )


# ---------------------------------------------------------------------------------------------
# Council settings
# ---------------------------------------------------------------------------------------------


def _shown(value) -> str:
    if isinstance(value, bool):
        return "On" if value else "Off"
    return str(value)


def settings_list(request):
    _admin_only(request)
    from lantern.core.local_settings import DEFINITIONS, get_setting
    from lantern.core.models import LocalSetting

    stored = {s.key: s for s in LocalSetting.objects.select_related("updated_by")}
    rows = [
        {
            "definition": d,
            "value": _shown(get_setting(d.key)),
            "default": _shown(d.default),
            "changed": stored.get(d.key),
        }
        for d in sorted(DEFINITIONS.values(), key=lambda d: d.label.lower())
    ]
    return render(request, "administration/settings.html", {"rows": rows})


def setting_edit(request, key: str):
    _admin_only(request)
    from django.http import Http404

    from lantern.core.local_settings import DEFINITIONS, get_setting
    from lantern.core.models import LocalSetting

    definition = DEFINITIONS.get(key)
    if definition is None:
        raise Http404("No such setting")
    current = get_setting(key)
    form = forms.SettingForm(request.POST or None, definition=definition)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, lambda d: services.setting_change(by=request.user, key=key, **d))
    ):
        messages.success(request, f"{definition.label}: now {_shown(get_setting(key))}.")
        return redirect("administration:settings")
    history = LocalSetting.history.filter(key=key).select_related("updated_by").order_by("-history_date", "-history_id")
    return render(
        request,
        "administration/setting_edit.html",
        {
            "definition": definition,
            "current": _shown(current),
            "default": _shown(definition.default),
            "form": form,
            "history": [(h, _shown(h.value)) for h in history[:50]],
        },
    )


# ---------------------------------------------------------------------------------------------
# Set-password links
# ---------------------------------------------------------------------------------------------


@require_POST
def password_link(request, worker_id: int):
    """Issue a one-time set-password link and show it on this page, once (it is not stored)."""
    _admin_only(request)
    from lantern.identity import passwords

    worker = get_object_or_404(Worker, pk=worker_id)
    if worker.pk == request.user.pk:
        raise PermissionDenied("Change your own password from your sign-in security page.")
    try:
        link, token = passwords.password_link_issue(by=request.user, worker=worker)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("administration:staff_detail", worker_id=worker.pk)
    until = timezone.localtime(link.expires_at)
    AdminEvent.objects.create(
        kind=AdminEventKind.PASSWORD_LINK,
        actor=request.user,
        worker=worker,
        summary=f"Set-password link for {worker.display_name}, valid until {until:%-d %b %Y %H:%M}",
        reason="New member of staff" if not worker.has_usable_password() else "Locked out or forgot their password",
        effective_date=timezone.localdate(),
    )
    url = request.build_absolute_uri(reverse("identity:set_password_start", args=[token]))
    response = staff_detail(request, worker_id, password_link={"url": url, "expires_at": link.expires_at})
    response["Cache-Control"] = "no-store"
    return response
