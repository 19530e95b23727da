"""Hand-overs between teams and services (L3, L11): the sending team proposes, the receiving
team accepts or disputes, and a dispute is resolved by a manager above both with a rationale.
The child stays with the sending team until then, so they are never unallocated unseen."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from lantern.access.selectors import visible_children
from lantern.casework import services
from lantern.casework.forms_closure import TransferForm, TransferResolutionForm, TransferResponseForm
from lantern.casework.views.common import apply_service_errors, child_for_change, child_for_reading
from lantern.core.paging import paginate
from lantern.workforce.models import Allocation, AllocationRole, Role, TeamType, Transfer, TransferKind, TransferStatus

OPEN = [TransferStatus.PENDING, TransferStatus.DISPUTED]


def can_respond(user, transfer: Transfer) -> bool:
    if transfer.status != TransferStatus.PENDING:
        return False
    if user.role == Role.TEAM_MANAGER:
        return user.team_id == transfer.to_team_id
    if user.role == Role.SERVICE_MANAGER:
        return user.service_id == transfer.to_team.service_id
    return user.role == Role.SENIOR_LEADER


def can_resolve(user, transfer: Transfer) -> bool:
    if transfer.status != TransferStatus.DISPUTED:
        return False
    if user.role == Role.SERVICE_MANAGER:
        return user.service_id in (transfer.to_team.service_id, transfer.from_team.service_id)
    return user.role == Role.SENIOR_LEADER


def _kind(from_type: str, to_type: str) -> str:
    if from_type == TeamType.EARLY_HELP and to_type != TeamType.EARLY_HELP:
        return TransferKind.STEP_UP
    if to_type == TeamType.EARLY_HELP and from_type != TeamType.EARLY_HELP:
        return TransferKind.STEP_DOWN
    return TransferKind.TEAM


def transfer_new(request, child_id: int):
    child = child_for_change(request, child_id, "Propose transfer")
    lead = (
        Allocation.objects.filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD)
        .select_related("team", "worker")
        .first()
    )
    form = TransferForm(request.POST or None, exclude_team_id=lead.team_id if lead else None)
    if request.method == "POST" and form.is_valid():
        to_team = form.cleaned_data["to_team"]
        try:
            transfer = services.transfer_request(
                child=child,
                kind=_kind(lead.team.type if lead else "", to_team.type),
                to_team=to_team,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"Transfer to {to_team.name} sent. The child stays with your team until they accept."
            )
            return redirect("casework:transfer", child_id=child.pk, transfer_id=transfer.pk)
    return render(request, "casework/transfers/transfer_form.html", {"child": child, "form": form, "lead": lead})


def _transfer_for(child, transfer_id):
    return get_object_or_404(
        Transfer.objects.select_related(
            "from_team__service", "to_team__service", "requested_by", "responded_by", "resolved_by"
        ),
        pk=transfer_id,
        child=child,
    )


def transfer(request, child_id: int, transfer_id: int):
    child = child_for_reading(request, child_id, "Transfer")
    item = _transfer_for(child, transfer_id)
    return render(request, "casework/transfers/transfer.html", _detail_context(request, child, item))


def _detail_context(request, child, item, response_form=None, resolution_form=None):
    return {
        "child": child,
        "item": item,
        "can_respond": can_respond(request.user, item),
        "can_resolve": can_resolve(request.user, item),
        "response_form": response_form or TransferResponseForm(team=item.to_team),
        "resolution_form": resolution_form or TransferResolutionForm(),
    }


def transfer_respond(request, child_id: int, transfer_id: int):
    child = child_for_reading(request, child_id, "Answer transfer")
    item = _transfer_for(child, transfer_id)
    if not can_respond(request.user, item):
        raise PermissionDenied("Only a manager of the receiving team can answer this transfer.")
    form = TransferResponseForm(request.POST or None, team=item.to_team)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_respond(
                transfer=item,
                accept=form.cleaned_data["answer"] == "accept",
                rationale=form.cleaned_data["rationale"],
                worker=form.cleaned_data["worker"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Transfer accepted."
                if item.status == TransferStatus.ACCEPTED
                else "Transfer disputed: a service manager will resolve it.",
            )
            return redirect("casework:transfer", child_id=child.pk, transfer_id=item.pk)
    return render(
        request, "casework/transfers/transfer.html", _detail_context(request, child, item, response_form=form)
    )


def transfer_resolve(request, child_id: int, transfer_id: int):
    child = child_for_reading(request, child_id, "Resolve transfer")
    item = _transfer_for(child, transfer_id)
    if not can_resolve(request.user, item):
        raise PermissionDenied("Only a service manager or senior leader can resolve a disputed transfer.")
    form = TransferResolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_resolve(
                transfer=item,
                go_ahead=form.cleaned_data["outcome"] == "go_ahead",
                rationale=form.cleaned_data["rationale"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Dispute resolved.")
            return redirect("casework:transfer", child_id=child.pk, transfer_id=item.pk)
    return render(
        request, "casework/transfers/transfer.html", _detail_context(request, child, item, resolution_form=form)
    )


def transfers(request):
    """Hand-overs the user's team or service is part of, waiting ones first."""
    user = request.user
    if user.role == Role.TEAM_MANAGER:
        scope = Q(to_team_id=user.team_id) | Q(from_team_id=user.team_id)
    elif user.role == Role.SERVICE_MANAGER:
        scope = Q(to_team__service_id=user.service_id) | Q(from_team__service_id=user.service_id)
    elif user.role in (Role.SENIOR_LEADER, Role.QUALITY_AUDITOR, Role.INSPECTOR):
        scope = Q()
    elif user.team_id:
        scope = Q(from_team_id=user.team_id) | Q(to_team_id=user.team_id)
    else:
        raise PermissionDenied("You are not in a team.")
    items = (
        Transfer.objects.filter(scope, child__in=visible_children(user).values("pk"))
        .select_related("child__person", "from_team", "to_team", "requested_by")
        .order_by("-status", "requested_at", "pk")
    )
    show = request.GET.get("show", "open")
    if show == "open":
        items = items.filter(status__in=OPEN)
    page, query = paginate(request, items)
    return render(request, "casework/transfers/transfers.html", {"page_obj": page, "query_string": query, "show": show})


urlpatterns = [
    path("transfers/", transfers, name="transfers"),
    path("children/<int:child_id>/transfer/", transfer_new, name="transfer_new"),
    path("children/<int:child_id>/transfers/<int:transfer_id>/", transfer, name="transfer"),
    path("children/<int:child_id>/transfers/<int:transfer_id>/respond/", transfer_respond, name="transfer_respond"),
    path("children/<int:child_id>/transfers/<int:transfer_id>/resolve/", transfer_resolve, name="transfer_resolve"),
]
