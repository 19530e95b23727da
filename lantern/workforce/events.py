"""Chronology events from workforce: who held the child and when, every change of worker or team
with its reason, and hand-overs between teams (see lantern/core/chronology.py)."""

from __future__ import annotations

from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.urls import reverse

from lantern.core.chronology import EventSource, event_values
from lantern.people.events import choice_label, text, when, worker_name
from lantern.workforce.models import Allocation, AllocationReason, AllocationRole, Transfer, TransferStatus


def _reason(field: str):
    detail = when(Q(reason_detail=""), ".", text(". ", F("reason_detail")))
    return text("Reason: ", choice_label(field, AllocationReason), detail)


def _allocations_started():
    name = worker_name("worker")
    title = when(
        Q(worker__isnull=True),
        text("Held by ", F("team__name"), ", not allocated to a worker"),
        when(
            Q(role=AllocationRole.LEAD),
            text("Allocated to ", name, " (", F("team__name"), ")"),
            text(choice_label("role", AllocationRole), " allocated: ", name, " (", F("team__name"), ")"),
        ),
    )
    return event_values(
        Allocation.objects.all(),
        child="child_id",
        on="start_date",
        kind="allocation_start",
        title=title,
        detail=_reason("start_reason"),
        object_id="pk",
        actor=worker_name("created_by"),
    )


def _allocations_ended():
    name = worker_name("worker")
    title = when(
        Q(worker__isnull=True),
        text(F("team__name"), " stopped holding the child"),
        when(
            Q(role=AllocationRole.LEAD),
            text(name, " no longer allocated (", F("team__name"), ")"),
            text(choice_label("role", AllocationRole), " ", name, " no longer allocated (", F("team__name"), ")"),
        ),
    )
    return event_values(
        Allocation.objects.filter(end_date__isnull=False),
        child="child_id",
        on="end_date",
        kind="allocation_end",
        title=title,
        detail=text("Reason: ", choice_label("end_reason", AllocationReason), "."),
        object_id="pk",
    )


def _transfers_requested():
    return event_values(
        Transfer.objects.all(),
        child="child_id",
        on=TruncDate("requested_at"),
        at="requested_at",
        kind="transfer_request",
        title=text("Transfer requested from ", F("from_team__name"), " to ", F("to_team__name")),
        detail="reason",
        object_id="pk",
        actor=worker_name("requested_by"),
    )


def _transfers_answered():
    return event_values(
        Transfer.objects.filter(responded_at__isnull=False),
        child="child_id",
        on=TruncDate("responded_at"),
        at="responded_at",
        kind="transfer_response",
        # A disputed transfer stays disputed until resolved; any later status followed an answer.
        title=when(
            Q(status=TransferStatus.DISPUTED)
            | Q(status__in=[TransferStatus.RESOLVED_ACCEPTED, TransferStatus.RESOLVED_DECLINED]),
            text("Transfer disputed by ", F("to_team__name")),
            text("Transfer accepted by ", F("to_team__name")),
        ),
        detail="response_rationale",
        object_id="pk",
        actor=worker_name("responded_by"),
    )


def _transfers_resolved():
    return event_values(
        Transfer.objects.filter(resolved_at__isnull=False),
        child="child_id",
        on=TruncDate("resolved_at"),
        at="resolved_at",
        kind="transfer_resolved",
        title=when(
            Q(status=TransferStatus.RESOLVED_ACCEPTED),
            text("Transfer dispute resolved: the move to ", F("to_team__name"), " goes ahead"),
            text("Transfer dispute resolved: the child stays with ", F("from_team__name")),
        ),
        detail="resolution_rationale",
        object_id="pk",
        actor=worker_name("resolved_by"),
    )


def _allocations_url(child_id: int, object_id: int) -> str:
    return reverse("casework:child", args=[child_id]) + "#allocations"


def _transfer_url(child_id: int, object_id: int) -> str:
    return reverse("casework:transfer", args=[child_id, object_id])


SOURCES = [
    EventSource(
        kind="allocation_start",
        label="Allocations and changes of worker",
        group="allocation",
        rows=_allocations_started,
        url=_allocations_url,
    ),
    EventSource(
        kind="allocation_end",
        label="Allocations ended",
        group="allocation",
        rows=_allocations_ended,
        url=_allocations_url,
    ),
    EventSource(
        kind="transfer_request",
        label="Transfers requested",
        group="allocation",
        rows=_transfers_requested,
        url=_transfer_url,
    ),
    EventSource(
        kind="transfer_response",
        label="Transfers accepted or disputed",
        group="allocation",
        rows=_transfers_answered,
        url=_transfer_url,
    ),
    EventSource(
        kind="transfer_resolved",
        label="Transfer disputes resolved",
        group="allocation",
        rows=_transfers_resolved,
        url=_transfer_url,
    ),
]
