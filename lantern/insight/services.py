"""Every write of the practice standards: evaluating them into alerts, a manager's response to
an alert, and a council's changes to a standard. Keyword-only functions, one transaction each.

Evaluating (`standards_evaluate`) runs every standard that is switched on over the whole
authority and compares what they find with the open alerts, in bulk:

- a condition found with no open alert raises one (`since` is the first day it held);
- an open alert whose condition is still found is left alone, so its `since` and `raised_at`
  stay as they were (its owner and team follow the child's lead allocation);
- an open alert whose condition is no longer found clears (`cleared_at`, reason "fixed");
- an open alert of a standard that has been switched off clears too (reason "switched off").

Nothing else clears an alert: not a response, not a dismissal (there is none).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lantern.access.selectors import can_approve_for_child
from lantern.approvals.services import AlreadyDecided, decided_text, lock_for_decision
from lantern.core.local_settings import DEFINITIONS, set_setting
from lantern.insight import standards as registry
from lantern.insight.models import Alert, AlertResponse, ClearedReason
from lantern.insight.standards import Finding, Standard, open_on
from lantern.workforce.models import Allocation, AllocationRole, Worker

Progress = Callable[[int, int, str], None]

#: Rows per INSERT or UPDATE statement (SQLite allows 999 parameters in older builds).
BATCH = 500


@dataclass
class EvaluationResult:
    as_of: date
    raised: int = 0
    cleared: int = 0
    open: int = 0
    found: dict[str, int] = field(default_factory=dict)  # standard key -> conditions found


def fast_reads() -> None:
    """Inside a transaction on PostgreSQL: plan the evaluation's queries without JIT compilation,
    which costs more than it saves on queries that finish in milliseconds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


@contextmanager
def plain_planning():
    """`fast_reads` for a block that is not one transaction (so its progress can be seen while it
    runs): for the rest of the transaction when inside one, else for the session until the end."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:
        fast_reads()
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def lead_on(as_of: date) -> dict[int, tuple[int | None, int]]:
    """Each child's lead worker and team on `as_of` (one query over the authority)."""
    rows = (
        Allocation.objects.filter(open_on(as_of, "start_date", "end_date"), role=AllocationRole.LEAD)
        .order_by("start_date", "pk")
        .values_list("child_id", "worker_id", "team_id")
    )
    return {child_id: (worker_id, team_id) for child_id, worker_id, team_id in rows}


def worker_teams() -> dict[int, int | None]:
    return dict(Worker.objects.values_list("pk", "team_id"))


@dataclass(frozen=True)
class Located:
    """A finding with its owner and team resolved."""

    standard: str
    finding: Finding
    owner_id: int | None
    team_id: int | None

    @property
    def key(self) -> str:
        return self.finding.key(self.standard)


def find_all(
    as_of: date, *, standards: list[Standard] | None = None, progress: Progress | None = None
) -> list[Located]:
    """What every standard (switched on, unless given) finds on `as_of`, with owners and teams
    as they were that day. Reads only; the caller decides what to do with it."""
    chosen = registry.enabled_standards() if standards is None else standards
    found: list[tuple[str, list[Finding]]] = []
    for done, item in enumerate(chosen):
        if progress:
            progress(done, len(chosen) + 1, item.name)
        found.append((item.key, item.find(as_of)))
    if progress:
        progress(len(chosen), len(chosen) + 1, "Working out who owns each alert")
    leads = lead_on(as_of)
    teams = worker_teams()
    nobody = (None, None)
    located = []
    for key, findings in found:
        for finding in findings:
            if finding.child_id is not None:
                lead_worker, lead_team = leads.get(finding.child_id, nobody)
                owner = lead_worker if finding.owner_id is None else finding.owner_id
                team = teams.get(owner) if lead_team is None else lead_team
            else:
                owner = finding.worker_id if finding.owner_id is None else finding.owner_id
                team = teams.get(finding.worker_id)
            located.append(Located(key, finding, owner, team))
    return located


def standards_evaluate(*, as_of: date | None = None, progress: Progress | None = None) -> EvaluationResult:
    """Raise and clear alerts from what the standards find on `as_of` (default today)."""
    as_of = as_of or timezone.localdate()
    result = EvaluationResult(as_of=as_of)
    enabled = registry.enabled_standards()
    # Reading is done outside the writing transaction, so a run's progress is visible as it goes.
    with plain_planning():
        located = find_all(as_of, standards=enabled, progress=progress)
    if progress:
        progress(len(enabled) + 1, len(enabled) + 2, "Raising and clearing alerts")
    with transaction.atomic():
        by_key: dict[str, Located] = {}
        for item in located:
            by_key.setdefault(item.key, item)
            result.found[item.standard] = result.found.get(item.standard, 0) + 1
        enabled_keys = {s.key for s in enabled}
        now = timezone.now()

        fixed, switched_off, moved = [], [], []
        still_open: set[str] = set()
        for pk, key, standard, owner_id, team_id in Alert.objects.filter(cleared_at__isnull=True).values_list(
            "pk", "key", "standard", "owner_id", "team_id"
        ):
            if standard not in enabled_keys:
                switched_off.append(pk)
            elif key not in by_key:
                fixed.append(pk)
            else:
                still_open.add(key)
                item = by_key[key]
                if (item.owner_id, item.team_id) != (owner_id, team_id):
                    moved.append(Alert(pk=pk, owner_id=item.owner_id, team_id=item.team_id))

        new = [
            Alert(
                standard=item.standard,
                child_id=item.finding.child_id,
                worker_id=item.finding.worker_id,
                subject_kind=item.finding.subject_kind,
                subject_id=item.finding.subject_id,
                key=key,
                since=item.finding.since,
                raised_at=now,
                owner_id=item.owner_id,
                team_id=item.team_id,
            )
            for key, item in by_key.items()
            if key not in still_open
        ]
        # A second evaluation running at the same moment may have raised the same alert: the
        # database's one-open-alert-per-condition index keeps one, the other insert is skipped.
        Alert.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        Alert.objects.bulk_update(moved, ["owner", "team"], batch_size=BATCH)
        for ids, reason in ((fixed, ClearedReason.FIXED), (switched_off, ClearedReason.SWITCHED_OFF)):
            for start in range(0, len(ids), BATCH):
                Alert.objects.filter(pk__in=ids[start : start + BATCH], cleared_at__isnull=True).update(
                    cleared_at=now, cleared_reason=reason
                )
        result.raised = len(new)
        result.cleared = len(fixed) + len(switched_off)
        result.open = len(by_key)
    if progress:
        progress(1, 1, "Done")
    return result


# ---------------------------------------------------------------------------------------------
# A manager's response: a signed management oversight entry on the child's file
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def alert_respond(
    *,
    alert: Alert,
    by: Worker,
    decision: str,
    rationale: str,
    next_oversight_date: date | None = None,
    child_protection_considered: bool = False,
) -> AlertResponse:
    """Record a manager's decision on an open alert as signed management oversight, once: the
    alert's row is locked and a second response (a double click, a second manager) is refused
    with `AlreadyDecided`; the database holds one response per alert. The alert stays open until
    its condition is fixed."""
    from lantern.oversight.services import oversight_entry_create

    if alert.child_id is None:
        raise ValidationError("Only an alert about a child can be responded to here.")
    if not can_approve_for_child(by, alert.child):
        raise PermissionDenied("Only the child's team manager, service manager or a senior leader can respond.")
    lock_for_decision(
        alert,
        waiting=lambda a: not AlertResponse.objects.filter(alert=a).exists(),
        already=lambda: responded_message(alert),
    )
    if alert.cleared_at is not None:
        raise ValidationError("This alert has cleared: its condition no longer holds.")
    errors = {}
    if not (decision or "").strip():
        errors["decision"] = "Enter your decision"
    if not (rationale or "").strip():
        errors["rationale"] = "Enter the rationale for your decision"
    if errors:
        raise ValidationError(errors)
    item = registry.get(alert.standard)
    name = item.name if item else alert.standard
    considered = bool(child_protection_considered and item and item.response_option)
    direction = f"Practice alert: {name} (since {alert.since.day} {alert.since:%B %Y}).\n\n{decision.strip()}"
    if considered:
        direction += f"\n\n{item.response_option}."
    entry = oversight_entry_create(  # in this transaction: if the response is refused, so is the entry
        child=alert.child,
        author=by,
        direction=direction,
        rationale=rationale.strip(),
        next_oversight_date=next_oversight_date,
        sign=True,
    )
    try:
        with transaction.atomic():
            return AlertResponse.objects.create(
                alert=alert,
                oversight_entry=entry,
                decision=decision.strip(),
                rationale=rationale.strip(),
                child_protection_considered=considered,
                responded_by=by,
            )
    except IntegrityError:  # responded to by a caller that did not lock (the database keeps one)
        raise AlreadyDecided(responded_message(alert)) from None


def responded_message(alert: Alert) -> str:
    made = AlertResponse.objects.filter(alert=alert).select_related("responded_by").first()
    if made is None:
        return "A decision has already been recorded on this alert."
    return decided_text(what="alert", verb="responded to", by=made.responded_by, at=made.responded_at)


# ---------------------------------------------------------------------------------------------
# A council changes a standard
# ---------------------------------------------------------------------------------------------


def can_change_standards(user: Worker) -> bool:
    from lantern.workforce.models import Role

    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.role == Role.SENIOR_LEADER))


@transaction.atomic
def standard_update(*, standard: Standard, enabled: bool, values: dict[str, object], by: Worker) -> list[str]:
    """Switch a standard on or off and set its parameters (council settings, kept with their
    history and who changed them). Returns the labels of what changed."""
    if not can_change_standards(by):
        raise PermissionDenied("Only senior leaders and administrators can change the practice standards.")
    from lantern.core.local_settings import get_setting

    changed = []
    if bool(get_setting(standard.setting_key)) != enabled:
        set_setting(standard.setting_key, enabled, user=by)
        changed.append("switched on" if enabled else "switched off")
    for key in standard.parameters:
        if key not in values:
            continue
        definition = DEFINITIONS[key]
        value = values[key]
        if type(value) is not type(definition.default):
            raise ValidationError({key: f"Enter {definition.label.lower()} as a {type(definition.default).__name__}"})
        if get_setting(key) != value:
            set_setting(key, value, user=by)
            changed.append(definition.label)
    return changed
