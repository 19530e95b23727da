"""Writes for caseloads: allocating a child's lead worker (with a recorded reason, and a
manager's reason when it takes the worker above a threshold), and monthly snapshots.
Keyword-only functions, one transaction each."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.approvals.models import Decision
from lantern.approvals.services import approval_record
from lantern.caseloads import selectors
from lantern.caseloads.models import AllocationDecision, Band, CaseloadSnapshot, NeedSnapshot
from lantern.casework.models import ChildProtectionPlan
from lantern.core.local_settings import get_setting
from lantern.people.models import Child
from lantern.workforce.models import (
    CASE_HOLDING_ROLES,
    Allocation,
    AllocationReason,
    AllocationRole,
    Role,
    Team,
    Worker,
)

#: Reasons a manager can give for allocating or reallocating a lead worker. A case closing ends
#: allocations through closure, not here.
ALLOCATION_REASONS = [r for r in AllocationReason if r != AllocationReason.CASE_CLOSED]

APPROVAL_KIND = "allocation_above_threshold"


def _worker_label(worker: Worker) -> str:
    return f"{worker.display_name} ({worker.get_role_display().lower()})"


def _figure(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def lead_worker_problem(*, child: Child, worker: Worker | None) -> str:
    """Why `worker` cannot be `child`'s lead worker, or "": a family support worker does not lead
    a child on a child protection plan unless the council allows it (setting `fsw_lead_on_cp`).
    Every route that names a lead worker asks this (allocation, reallocation, transfer)."""
    if worker is None or worker.role != Role.FAMILY_SUPPORT_WORKER or get_setting("fsw_lead_on_cp"):
        return ""
    if not ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).exists():
        return ""
    return (
        f"{worker.display_name} is a family support worker and this child is on a child protection plan: "
        "choose a social worker"
    )


@transaction.atomic
def allocation_assign(
    *,
    child: Child,
    worker: Worker,
    team: Team | None = None,
    reason: str,
    detail: str = "",
    over_threshold_reason: str = "",
    by: Worker,
) -> Allocation:
    """Make `worker` the child's lead worker from today.

    The current lead allocation (a worker's, or the team's unallocated hold) ends today with
    `reason` and the new one starts with it, so the change of worker is on record (L17). The
    worker must be an active case holder in the team (the child's lead team unless `team` is
    given for a child no team holds yet). If the child takes the worker's caseload above the amber
    or red threshold for their role, `over_threshold_reason` is required; it is recorded as the
    manager's decision (an approval whose rationale is the reason) with the figures shown (L7)."""
    detail = (detail or "").strip()
    over_threshold_reason = (over_threshold_reason or "").strip()
    errors: dict[str, str] = {}
    if reason not in {r.value for r in ALLOCATION_REASONS}:
        errors["reason"] = "Select the reason for the allocation"
    elif reason == AllocationReason.OTHER and not detail:
        errors["detail"] = "Enter the reason for the allocation"
    lead = (
        Allocation.objects.select_for_update(of=("self",))
        .filter(child=child, end_date__isnull=True, role=AllocationRole.LEAD)
        .select_related("team")
        .first()
    )
    team = team or (lead.team if lead else None)
    if team is None:
        errors["worker"] = "No team holds this child. Transfer the child to a team first"
    elif lead is not None and lead.team_id != team.pk:
        errors["worker"] = f"The child is held by {lead.team.name}. Transfer the child to change team"
    elif worker.team_id != team.pk or not worker.is_active or worker.role not in CASE_HOLDING_ROLES:
        errors["worker"] = f"Choose a worker in {team.name}"
    elif lead is not None and lead.worker_id == worker.pk:
        errors["worker"] = f"{worker.display_name} is already the child's lead worker"
    elif problem := lead_worker_problem(child=child, worker=worker):
        errors["worker"] = problem
    if errors:
        raise ValidationError(errors)

    # Two managers allocating to the same worker at once: the second waits for the first and
    # then sees its allocation in the count (PostgreSQL row lock; SQLite serialises writes).
    list(Worker.objects.select_for_update().filter(pk=worker.pk).values_list("pk", flat=True))
    projection = selectors.projection_for(worker, child)
    if projection.needs_reason and not over_threshold_reason:
        crossed = "red" if projection.band_after == Band.RED else "amber"
        raise ValidationError(
            {
                "over_threshold_reason": (
                    f"Enter why you are allocating above the {crossed} threshold: this takes "
                    f"{worker.display_name} to {_figure(projection.after)}"
                )
            }
        )

    today = timezone.localdate()
    start = today
    if lead is not None:
        lead.end_date = max(today, lead.start_date)
        lead.end_reason = reason
        lead.save()
        start = lead.end_date
    allocation = Allocation.objects.create(
        child=child,
        team=team,
        worker=worker,
        role=AllocationRole.LEAD,
        start_date=start,
        start_reason=reason,
        reason_detail=detail[:500],
        created_by=by,
    )
    if projection.needs_reason:
        measure = "weighted caseload" if projection.weighted else "caseload"
        approval = approval_record(
            subject=allocation,
            kind=APPROVAL_KIND,
            child=child,
            decision=Decision.APPROVED,
            comment=(
                f"Allocated to {_worker_label(worker)}, taking their {measure} from {_figure(projection.before)} "
                f"to {_figure(projection.after)}: above the {projection.band_after} threshold of "
                f"{projection.threshold_crossed}."
            ),
            rationale=over_threshold_reason,
            decided_by=by,
        )
        AllocationDecision.objects.create(
            allocation=allocation,
            approval=approval,
            child=child,
            worker=worker,
            team=team,
            band=projection.band_after,
            caseload_before=projection.before,
            caseload_after=projection.after,
            amber=projection.amber,
            red=projection.red,
            weighted=projection.weighted,
            decided_by=by,
        )
    return allocation


# ---------------------------------------------------------------------------------------------
# Monthly snapshots
# ---------------------------------------------------------------------------------------------


def snapshot_day(month: date, *, today: date | None = None) -> date:
    """The day a month's snapshot describes: its last day, or today for the current month."""
    today = today or timezone.localdate()
    return min(selectors.month_end(month), today)


@transaction.atomic
def snapshot_take(*, month: date, today: date | None = None) -> tuple[int, int]:
    """Write (or rewrite) the month's caseload and level-of-need snapshots, set-based: one GROUP
    BY query each, one query for the workers, then bulk inserts. Running it again for the same
    month replaces that month's rows, so a nightly run keeps the current month up to date and a
    past month can be reconstructed from allocation dates. Returns (caseload rows, need rows)."""
    month = selectors.month_start(month)
    today = today or timezone.localdate()
    if month > today:
        raise ValidationError("A snapshot cannot be taken for a month that has not started")
    day = snapshot_day(month, today=today)
    weights = selectors.weighting()

    loads = {row["worker"]: row for row in selectors.caseloads_on(day)}
    rows = []
    everyone = Worker.objects.values_list("pk", "role", "team_id", "is_active", "date_joined")
    for worker_id, role, team_id, active, joined in everyone:
        load = loads.get(worker_id)
        if load is None:
            # Workers holding nobody count too (as 0) while they are in a case-holding team.
            if not (active and role in CASE_HOLDING_ROLES and team_id and timezone.localdate(joined) <= day):
                continue
            caseload = cp = 0
            holding_team = team_id
        else:
            caseload, cp = load["caseload"], load["cp_children"]
            # The worker's own team when it holds their children; otherwise the team that does.
            holding_team = team_id if team_id in (load["first_team"], load["last_team"]) else load["first_team"]
        rows.append(
            CaseloadSnapshot(
                month=month,
                worker_id=worker_id,
                team_id=holding_team,
                role=role,
                caseload=caseload,
                cp_children=cp,
                weighted=weights.load(caseload, cp),
                as_of=day,
            )
        )
    needs = [
        NeedSnapshot(
            month=month,
            team_id=row["team"],
            team_type=row["team__type"],
            level=row["level"],
            children=row["children"],
            as_of=day,
        )
        for row in selectors.needs_on(day)
    ]
    CaseloadSnapshot.objects.filter(month=month).delete()
    NeedSnapshot.objects.filter(month=month).delete()
    CaseloadSnapshot.objects.bulk_create(rows, batch_size=2000)
    NeedSnapshot.objects.bulk_create(needs, batch_size=2000)
    return len(rows), len(needs)
