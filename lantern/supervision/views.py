"""Supervision pages: the manager's list, a worker's record, a session (record, change while a
draft, sign, add to once signed), the worker's frequency, and the case discussions on a child's file."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lantern.access import log as access_log
from lantern.access.selectors import for_visible_children
from lantern.casework.views.common import apply_service_errors, child_for_reading
from lantern.core.ids import parse_id
from lantern.core.local_settings import get_setting
from lantern.core.paging import paginate
from lantern.supervision import selectors, services
from lantern.supervision.forms import AddendumForm, FrequencyForm, SessionForm, discussion_formset
from lantern.supervision.models import SupervisionSession
from lantern.workforce.models import CASE_HOLDING_ROLES, Role, Worker
from lantern.workforce.selectors import teams_visible_to


def _worker_or_404(worker_id: int) -> Worker:
    return get_object_or_404(Worker.objects.select_related("team__service"), pk=worker_id)


def _session_or_404(pk: int) -> SupervisionSession:
    return get_object_or_404(
        SupervisionSession.objects.select_related("worker__team__service", "supervisor", "signed_by"), pk=pk
    )


def _dates() -> dict:
    """Today, and the end of the "due soon" week, for the supervision-due tags."""
    today = timezone.localdate()
    return {"today": today, "soon": today + timedelta(days=7)}


def overview(request):
    user = request.user
    if user.role in (Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER):
        return redirect("supervision:worker", worker_id=user.pk)
    teams = list(teams_visible_to(user)) if user.role != Role.TEAM_MANAGER else []
    team_id = parse_id(request.GET.get("team"))
    page, query = paginate(request, selectors.supervision_overview(user, team_id=team_id))
    return render(
        request,
        "supervision/overview.html",
        {
            "page_obj": page,
            "query_string": query,
            "teams": teams,
            "team_id": team_id,
            "can_record": user.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER),
            "own_record": user.role in CASE_HOLDING_ROLES,
            **_dates(),
            "default_weeks": get_setting("supervision_weeks"),
        },
    )


def worker_record(request, worker_id: int):
    worker = _worker_or_404(worker_id)
    if not selectors.can_see_worker_record(request.user, worker):
        raise PermissionDenied("Only the worker and their managers can see their supervision.")
    due = selectors.with_supervision_due(Worker.objects.filter(pk=worker.pk)).get()
    page, query = paginate(request, selectors.sessions_for_worker(request.user, worker))
    return render(
        request,
        "supervision/worker.html",
        {
            "worker": worker,
            "due": due,
            "page_obj": page,
            "query_string": query,
            "can_record": selectors.can_supervise(request.user, worker),
            "is_self": request.user.pk == worker.pk,
            "frequency": selectors.frequency_for(worker),
            **_dates(),
        },
    )


def _discussion_children(request, worker: Worker, discussions) -> list:
    """The children a discussion can be about: the worker's caseload (that the manager may see),
    plus any child already discussed in this draft."""
    children = {child.pk: child for child in selectors.caseload_children(request.user, worker)}
    for discussion in discussions:
        children.setdefault(discussion.child_id, discussion.child)
    return sorted(children.values(), key=lambda c: (c.person.last_name, c.person.first_name, c.pk))


def _session_form(request, *, worker: Worker, session: SupervisionSession | None = None):
    """New and change pages share this: the session fields and its repeatable case discussions."""
    discussions = []
    if session is not None:
        # A discussion about a child this manager may not see is left as it is (and not shown).
        discussions = list(
            for_visible_children(session.case_discussions.all(), request.user)
            .select_related("child__person")
            .order_by("pk")
        )
    children = _discussion_children(request, worker, discussions)
    # The draft's discussions are shown (and posted back) with each child's name: views of them.
    access_log.record(request.user, [d.child_id for d in discussions], page="Supervision draft", path=request.path)
    if request.method == "POST" and "add_discussion" in request.POST:
        # Show what was typed again, with one more blank discussion; nothing is saved or checked yet.
        posted = SessionForm(request.POST)
        form = SessionForm(initial={name: posted[name].value() for name in posted.fields})
        formset = discussion_formset(data=request.POST, children=children, discussions=discussions, grow=True)
    elif request.method == "POST":
        form = SessionForm(request.POST)
        formset = discussion_formset(data=request.POST, children=children)
        valid = form.is_valid()
        valid = formset.is_valid() and valid
        if valid:
            arguments = {**form.cleaned_data, "discussions": formset.inputs()}
            try:
                if session is None:
                    session = services.supervision_session_create(worker=worker, supervisor=request.user, **arguments)
                else:
                    services.supervision_session_update(session=session, by=request.user, **arguments)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Supervision saved as a draft. Check it, then sign it.")
                return redirect("supervision:session", pk=session.pk)
    else:
        form = SessionForm(initial=SessionForm.initial_for(session)) if session else SessionForm()
        formset = discussion_formset(children=children, discussions=discussions)
    has_errors = bool(form.errors) or any(f.errors for f in formset.forms) or bool(formset.non_form_errors())
    return render(
        request,
        "supervision/session_form.html",
        {
            "worker": worker,
            "session": session,
            "form": form,
            "formset": formset,
            "children": children,
            "has_errors": has_errors if request.method == "POST" and "add_discussion" not in request.POST else False,
        },
    )


def session_new(request, worker_id: int):
    worker = _worker_or_404(worker_id)
    if not selectors.can_supervise(request.user, worker):
        raise PermissionDenied("Only the worker's team manager or service manager can record their supervision.")
    return _session_form(request, worker=worker)


def session_edit(request, pk: int):
    session = _session_or_404(pk)
    if not selectors.can_supervise(request.user, session.worker):
        raise PermissionDenied("Only the worker's team manager or service manager can change their supervision.")
    if session.is_signed:
        messages.info(request, "This supervision record is signed and cannot be changed. You can add an addendum.")
        return redirect("supervision:session", pk=session.pk)
    return _session_form(request, worker=session.worker, session=session)


def session_detail(request, pk: int, addendum_form: AddendumForm | None = None):
    session = _session_or_404(pk)
    if not selectors.can_see_session(request.user, session):
        raise PermissionDenied("Only the worker and their managers can see this supervision record.")
    personal = selectors.can_see_personal(request.user, session)
    discussions, hidden = selectors.session_discussions(request.user, session)
    # Each child discussed and shown (name, worries, decisions) is a view of that child.
    access_log.record(request.user, [d.child_id for d in discussions], page="Supervision session", path=request.path)
    manager = selectors.can_supervise(request.user, session.worker)
    return render(
        request,
        "supervision/session.html",
        {
            "session": session,
            "worker": session.worker,
            "personal": personal,
            "discussions": discussions,
            "hidden_discussions": hidden,
            "addenda": session.addenda.select_related("author").order_by("created_at", "pk") if personal else [],
            "can_change": manager and not session.is_signed,
            "can_add": personal and session.is_signed,
            "addendum_form": addendum_form or AddendumForm(),
            "form": addendum_form,
        },
    )


@require_POST
def session_sign(request, pk: int):
    session = _session_or_404(pk)
    if not selectors.can_supervise(request.user, session.worker):
        raise PermissionDenied("Only the worker's team manager or service manager can sign their supervision.")
    try:
        services.supervision_session_sign(session=session, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Supervision signed. Each case discussion is now on the child's file.")
    return redirect("supervision:session", pk=session.pk)


@require_POST
def addendum_add(request, pk: int):
    session = _session_or_404(pk)
    if not selectors.can_see_personal(request.user, session):
        raise PermissionDenied("Only the worker and their managers can add to this supervision record.")
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_addendum_add(session=session, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect("supervision:session", pk=session.pk)
    return session_detail(request, pk, addendum_form=form)


def frequency(request, worker_id: int):
    worker = _worker_or_404(worker_id)
    if not selectors.can_see_worker_record(request.user, worker):
        raise PermissionDenied("Only the worker and their managers can see their supervision.")
    can_set = selectors.can_supervise(request.user, worker)
    current = selectors.frequency_for(worker)
    form = None
    if can_set:
        if request.method == "POST":
            form = FrequencyForm(request.POST)
            if form.is_valid():
                try:
                    services.supervision_frequency_set(worker=worker, by=request.user, **form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, f"Supervision frequency for {worker.display_name} saved.")
                    return redirect("supervision:worker", worker_id=worker.pk)
        else:
            form = FrequencyForm(initial={"weeks": current.weeks if current else None})
    elif request.method == "POST":
        raise PermissionDenied("Only the worker's managers can set how often they are supervised.")
    return render(
        request,
        "supervision/frequency.html",
        {
            "worker": worker,
            "current": current,
            "history": selectors.frequency_history(current),
            "form": form,
            "default_weeks": get_setting("supervision_weeks"),
        },
    )


def child_case_discussions(request, child_id: int):
    child = child_for_reading(request, child_id, "Supervision case discussions")
    page, query = paginate(request, selectors.signed_discussions_for_child(child))
    return render(
        request,
        "supervision/child_case_discussions.html",
        {"child": child, "page_obj": page, "query_string": query},
    )
