"""Casework pages: the front door - record a contact, the list of contacts waiting for a
decision (with the re-referral rate), and the threshold decision with any re-referral shown."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from lantern.access.selectors import can_change_child_record, can_see_child, for_visible_children
from lantern.approvals.services import AlreadyDecided, decided_text
from lantern.casework import services
from lantern.casework.forms_front_door import REFERRAL_ROUTES, ContactForm, DecisionForm, NewChildContactForm
from lantern.casework.models import Contact, ContactDecision, DecisionRoute, EarlyHelpEpisode
from lantern.casework.selectors import search_children
from lantern.casework.views.common import already_decided, apply_service_errors, child_for_change, child_for_reading
from lantern.core import search as searches
from lantern.core.local_settings import get_setting
from lantern.core.paging import paginate
from lantern.workforce.models import Role, Team

#: Roles that may record a contact (every role that can change records).
CONTACT_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER}
)
#: Roles that may make a threshold decision: a social worker or a manager (Working Together 2023:
#: a local authority social worker decides on next steps), not a family support worker.
DECISION_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.SENIOR_LEADER})


def _require_contact_role(user) -> None:
    if user.role not in CONTACT_ROLES:
        raise PermissionDenied("Your role can read records but not record contacts.")


def _can_decide(user, child) -> bool:
    return user.role in DECISION_ROLES and can_change_child_record(user, child)


def _apply_errors(form, error: ValidationError, rename: dict[str, str]) -> None:
    """`apply_service_errors`, with the service's field names mapped to this form's."""
    if hasattr(error, "error_dict") and rename:
        error = ValidationError({rename.get(field, field): messages for field, messages in error.message_dict.items()})
    apply_service_errors(form, error)


def _working_days_text() -> str:
    days = get_setting("referral_decision_working_days")
    return f"{days} working day{'' if days == 1 else 's'}"


def _due_text(contact: Contact) -> str:
    return date_format(services.decision_due(contact), "j M Y")


def _due_state(due, today) -> str:
    if due < today:
        return "overdue"
    if due == today:
        return "today"
    return "upcoming"


# ---------------------------------------------------------------------------------------------
# Reads for the front door list (every one filtered through the access layer's visible_children)
# ---------------------------------------------------------------------------------------------


def _waiting_contacts(user):
    """Contacts with no decision yet, about children the user may see, oldest first."""
    decided = ContactDecision.objects.filter(contact=OuterRef("pk"))
    return (
        for_visible_children(Contact.objects.all(), user)
        .filter(~Exists(decided))
        .select_related("child__person", "recorded_by")
        .order_by("received_at", "pk")
    )


def _rereferral_rate(user) -> dict:
    """Referrals decided in the last 12 months about children the user may see, and how many of
    them were re-referrals (a referral within the re-referral window of a previous one)."""
    today = timezone.localdate()
    since = services._months_before(today, 12)
    start = timezone.make_aware(datetime.combine(since, time.min))
    decisions = ContactDecision.objects.filter(route__in=REFERRAL_ROUTES, decided_at__gte=start)
    counts = for_visible_children(decisions, user, field="contact__child").aggregate(
        total=Count("pk"), rereferrals=Count("pk", filter=Q(previous_episode__isnull=False))
    )
    total, rereferrals = counts["total"], counts["rereferrals"]
    percent = round(100 * rereferrals / total) if total else 0
    return {"total": total, "rereferrals": rereferrals, "percent": percent, "since": since}


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


def front_door(request):
    page, query = paginate(request, _waiting_contacts(request.user))
    today = timezone.localdate()
    rows = []
    for contact in page:
        due = services.decision_due(contact)
        rows.append({"contact": contact, "due": due, "state": _due_state(due, today)})
    context = {
        "page_obj": page,
        "query_string": query,
        "rows": rows,
        "rate": _rereferral_rate(request.user),
        "can_record": request.user.role in CONTACT_ROLES,
        "can_decide": request.user.role in DECISION_ROLES,
        "limit": _working_days_text(),
    }
    return render(request, "casework/front_door/list.html", context)


def contact_new(request):
    """Step 1: find the child among the children the user may see, or say it is a new child."""
    _require_contact_role(request.user)
    # The terms are posted and kept in the session, never put in the URL (lantern/core/search.py).
    if request.method == "POST":
        terms = searches.terms_from(request.POST, {"q": 100})
        if not terms["q"]:
            return redirect("casework:contact_new")
        return redirect(searches.results_url(request, "contact", terms, reverse("casework:contact_new")))
    q = (searches.recall(request, "contact") or {}).get("q", "")
    page = query = None
    if q:
        page, query = paginate(request, search_children(request.user, q))
    context = {"q": q, "page_obj": page, "query_string": query, "expired": searches.expired(request, "contact")}
    return render(request, "casework/front_door/contact_search.html", context)


def _teams_for_new_child(user):
    """None when a new child goes to the user's own team; otherwise the teams they may choose."""
    if user.team_id:
        return None
    if user.role == Role.SERVICE_MANAGER and user.service_id:
        return Team.objects.filter(service_id=user.service_id, active=True).order_by("name")
    if user.role == Role.SENIOR_LEADER:
        return Team.objects.filter(active=True).order_by("name")
    raise PermissionDenied("You need to be in a team to record a contact about a new child.")


def contact_new_child(request):
    """Step 2 for a child not known yet: the child's details and the contact, saved together."""
    user = request.user
    _require_contact_role(user)
    teams = _teams_for_new_child(user)
    if request.method == "POST":
        form = NewChildContactForm(request.POST, teams=teams)
        if form.is_valid():
            team = form.cleaned_data["team"] if teams is not None else user.team
            try:
                contact = services.contact_record_for_new_child(
                    **form.child_values(), **form.contact_values(), team=team, recorded_by=user
                )
            except ValidationError as e:
                _apply_errors(form, e, {"received_at": "received_date"})
            else:
                child = contact.child
                messages.success(
                    request,
                    f"Contact recorded for {child.person.full_name}, a new child record ({child.la_child_id}) "
                    f"held by {team.name}. The decision is due by {_due_text(contact)}.",
                )
                return redirect("casework:front_door")
    else:
        form = NewChildContactForm(teams=teams)
    context = {"form": form, "choose_team": teams is not None}
    return render(request, "casework/front_door/contact_new_child.html", context)


def child_contact_new(request, child_id: int):
    """Record a contact about a child already known (the child fetched through the one door)."""
    child = child_for_change(request, child_id, page="Record a contact")
    _require_contact_role(request.user)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contact = services.contact_record(child=child, **form.contact_values(), recorded_by=request.user)
            except ValidationError as e:
                _apply_errors(form, e, {"received_at": "received_date"})
            else:
                messages.success(
                    request,
                    f"Contact recorded for {child.person.full_name}. The decision is due by {_due_text(contact)}.",
                )
                return redirect("casework:front_door")
    else:
        form = ContactForm()
    return render(request, "casework/front_door/contact_form.html", {"child": child, "form": form})


def contact_decide(request, child_id: int, contact_id: int):
    """The threshold decision on a contact; once decided, the decision shown read-only (a second
    click is told who decided and when; so is a decider the decision took the child away from)."""
    try:
        child = child_for_reading(request, child_id, page="Threshold decision")
    except PermissionDenied:
        own = ContactDecision.objects.filter(
            contact_id=contact_id, contact__child_id=child_id, decided_by=request.user
        ).first()
        if own is None or request.method != "POST":
            raise
        messages.info(request, decided_text(what="contact", verb="decided", by=own.decided_by, at=own.decided_at))
        return redirect("casework:front_door")
    contact = get_object_or_404(Contact.objects.select_related("recorded_by"), pk=contact_id, child=child)
    today = timezone.localdate()
    due = services.decision_due(contact)
    decision = (
        ContactDecision.objects.filter(contact=contact)
        .select_related("level", "decided_by", "previous_episode__closed_by")
        .first()
    )
    context = {
        "child": child,
        "contact": contact,
        "due": due,
        "limit": _working_days_text(),
        "window": get_setting("rereferral_months"),
    }
    if decision is not None:
        if request.method == "POST":
            messages.info(
                request,
                decided_text(what="contact", verb="decided", by=decision.decided_by, at=decision.decided_at),
            )
        decided_on = timezone.localtime(decision.decided_at).date()
        context.update(decision=decision, previous=decision.previous_episode, in_time=decided_on <= due)
        return render(request, "casework/front_door/decision.html", context)

    if not _can_decide(request.user, child):
        raise PermissionDenied("Only a social worker or a manager who can change this record can make the decision.")
    received = timezone.localtime(contact.received_at).date()
    context.update(
        previous=services.previous_referral(child, on=received),
        open_episode=services.open_episode(child),
        open_early_help=(
            EarlyHelpEpisode.objects.filter(child=child, end_date__isnull=True).select_related("team").first()
        ),
        due_state=_due_state(due, today),
    )
    if request.method == "POST":
        form = DecisionForm(request.POST, user=request.user)
        if form.is_valid():
            values = form.decision_values()
            try:
                services.contact_decide(contact=contact, decided_by=request.user, **values)
            except AlreadyDecided as error:
                return already_decided(
                    request, child, error, "casework:contact_decide", child_id=child.pk, contact_id=contact.pk
                )
            except ValidationError as e:
                team_field = "early_help_team" if values["route"] == DecisionRoute.EARLY_HELP else "team"
                _apply_errors(form, e, {"team": team_field})
            else:
                messages.success(request, _decided_message(child, values, in_time=today <= due))
                if can_see_child(request.user, child, fresh=True):
                    return redirect("casework:child", child_id=child.pk)
                return redirect("casework:front_door")
    else:
        form = DecisionForm(user=request.user)
    context["form"] = form
    return render(request, "casework/front_door/decide.html", context)


def _decided_message(child, values: dict, *, in_time: bool) -> str:
    name = child.person.full_name
    route = values["route"]
    text = f"Decision recorded for {name}: {DecisionRoute(route).label.lower()}"
    if route in REFERRAL_ROUTES:
        text += f". A child in need episode has started, held by {values['team'].name}"
    elif route == DecisionRoute.EARLY_HELP:
        text += f". {name} is open to early help with {values['team'].name}"
    limit = _working_days_text()
    timing = f"within {limit}" if in_time else f"later than {limit} after the contact"
    return f"{text}. The decision was made {timing}."


urlpatterns = [
    path("contacts/", front_door, name="front_door"),
    path("contacts/new/", contact_new, name="contact_new"),
    path("contacts/new/new-child/", contact_new_child, name="contact_new_child"),
    path("children/<int:child_id>/contacts/new/", child_contact_new, name="child_contact_new"),
    path("children/<int:child_id>/contacts/<int:contact_id>/decide/", contact_decide, name="contact_decide"),
]
