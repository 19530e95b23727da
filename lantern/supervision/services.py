"""Every write for supervision. Keyword-only functions, one transaction each.

Only a worker's managers record, change (while a draft) and sign supervision; a case discussion is
about a child allocated to the worker; a signed session is never changed (the database refuses
it), only added to with an addendum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.core import dates
from lantern.people.models import Child
from lantern.supervision.models import CaseDiscussion, SupervisionAddendum, SupervisionFrequency, SupervisionSession
from lantern.supervision.selectors import can_see_personal, can_supervise
from lantern.workforce.models import Allocation, Worker


@dataclass(frozen=True)
class DiscussionInput:
    """One child's case discussion as entered; `discussion_id` names an existing draft discussion."""

    child: Child
    reflection: str
    decisions: str
    rationale: str
    working_well: str = ""
    worries: str = ""
    actions: str = ""
    next_review_date: date | None = None
    discussion_id: int | None = None


_DISCUSSION_TEXT = ("working_well", "worries", "reflection", "decisions", "rationale", "actions")


def _require_manager(by: Worker, worker: Worker) -> None:
    if not can_supervise(by, worker):
        raise PermissionDenied("Only the worker's team manager or service manager can record their supervision.")


def _clean_session(*, held_on: date, next_supervision_date: date | None) -> None:
    errors = {}
    dates.check(errors, "held_on", dates.happened_problem(held_on, label="Date of supervision"))
    if next_supervision_date is not None and next_supervision_date <= held_on:
        errors["next_supervision_date"] = "Next supervision must be after the date of this supervision"
    dates.check(errors, "next_supervision_date", dates.planned_problem(next_supervision_date, label="Next supervision"))
    if errors:
        raise ValidationError(errors)


def _write_discussions(
    *, session: SupervisionSession, worker: Worker, discussions: Sequence[DiscussionInput]
) -> list[CaseDiscussion]:
    existing = {d.pk: d for d in session.case_discussions.all()}
    original_child = {pk: d.child_id for pk, d in existing.items()}
    allowed_children = set(
        Allocation.objects.filter(worker=worker, end_date__isnull=True).values_list("child_id", flat=True)
    ) | set(original_child.values())
    seen: set[int] = set()
    written = []
    for item in discussions:
        text = {name: (getattr(item, name) or "").strip() for name in _DISCUSSION_TEXT}
        missing = {
            name: f"Enter the {label}"
            for name, label in (("reflection", "reflective discussion"), ("decisions", "decisions"),
                                ("rationale", "rationale for the decisions"))
            if not text[name]
        }  # fmt: skip
        if missing:
            raise ValidationError(missing)
        if item.child.pk not in allowed_children:
            raise ValidationError({"child": f"{item.child.person.full_name} is not allocated to {worker.display_name}"})
        if item.child.pk in seen:
            raise ValidationError({"child": f"{item.child.person.full_name} is discussed twice in this session"})
        seen.add(item.child.pk)
        if item.next_review_date is not None and item.next_review_date < session.held_on:
            raise ValidationError({"next_review_date": "Review date must be on or after the date of supervision"})
        dates.require("next_review_date", dates.planned_problem(item.next_review_date, label="Review date"))
        if item.discussion_id is not None:
            discussion = existing.get(item.discussion_id)
            if discussion is None:
                raise ValidationError("That case discussion is not part of this supervision session.")
        else:
            discussion = CaseDiscussion(session=session)
        discussion.child = item.child
        for name, value in text.items():
            setattr(discussion, name, value)
        discussion.next_review_date = item.next_review_date
        written.append(discussion)
    # Save only after every check, so nothing is half-written. Saves are ordered so that a child
    # moving between existing discussions never meets the one-discussion-per-child constraint.
    held = {child_id: pk for pk, child_id in original_child.items()}
    pending = list(written)
    while pending:
        ready = [d for d in pending if held.get(d.child_id) in (None, d.pk)]
        if not ready:
            raise ValidationError(
                {"child": "Two discussions would swap children: change one to another child first and save"}
            )
        for discussion in ready:
            if discussion.pk:
                held.pop(original_child[discussion.pk], None)
            pending.remove(discussion)
        for discussion in ready:
            discussion.save()
            held[discussion.child_id] = discussion.pk
    return written


@transaction.atomic
def supervision_session_create(
    *,
    worker: Worker,
    supervisor: Worker,
    held_on: date,
    wellbeing: str = "",
    caseload: str = "",
    learning: str = "",
    other_actions: str = "",
    next_supervision_date: date | None = None,
    discussions: Iterable[DiscussionInput] = (),
) -> SupervisionSession:
    """Record a supervision session as a draft, with its case discussions."""
    _require_manager(supervisor, worker)
    _clean_session(held_on=held_on, next_supervision_date=next_supervision_date)
    session = SupervisionSession.objects.create(
        worker=worker,
        supervisor=supervisor,
        held_on=held_on,
        wellbeing=wellbeing.strip(),
        caseload=caseload.strip(),
        learning=learning.strip(),
        other_actions=other_actions.strip(),
        next_supervision_date=next_supervision_date,
    )
    _write_discussions(session=session, worker=worker, discussions=list(discussions))
    return session


@transaction.atomic
def supervision_session_update(
    *,
    session: SupervisionSession,
    by: Worker,
    held_on: date,
    wellbeing: str = "",
    caseload: str = "",
    learning: str = "",
    other_actions: str = "",
    next_supervision_date: date | None = None,
    discussions: Iterable[DiscussionInput] = (),
) -> SupervisionSession:
    """Change a draft session and its discussions (existing ones by `discussion_id`, new ones added)."""
    session = (
        SupervisionSession.objects.select_for_update(of=("self",)).select_related("worker__team").get(pk=session.pk)
    )
    _require_manager(by, session.worker)
    if session.is_signed:
        raise ValidationError("This supervision record is signed and cannot be changed. Add an addendum instead.")
    _clean_session(held_on=held_on, next_supervision_date=next_supervision_date)
    session.held_on = held_on
    session.wellbeing = wellbeing.strip()
    session.caseload = caseload.strip()
    session.learning = learning.strip()
    session.other_actions = other_actions.strip()
    session.next_supervision_date = next_supervision_date
    session.save()
    _write_discussions(session=session, worker=session.worker, discussions=list(discussions))
    return session


@transaction.atomic
def supervision_session_sign(*, session: SupervisionSession, by: Worker) -> SupervisionSession:
    """Sign a draft: from now on the session and its case discussions cannot be changed, and each
    discussion appears on its child's file and chronology."""
    session = (
        SupervisionSession.objects.select_for_update(of=("self",)).select_related("worker__team").get(pk=session.pk)
    )
    _require_manager(by, session.worker)
    if session.is_signed:
        raise ValidationError("This supervision record is already signed.")
    has_discussions = session.case_discussions.exists()
    if not (has_discussions or session.wellbeing or session.caseload or session.learning or session.other_actions):
        raise ValidationError("Record at least one section or case discussion before signing.")
    now = timezone.now()
    # Discussions first: the database refuses to stamp discussions of an already-signed session.
    session.case_discussions.update(signed_at=now)
    session.signed_at = now
    session.signed_by = by
    session.save(update_fields=["signed_at", "signed_by"])
    return session


@transaction.atomic
def supervision_addendum_add(*, session: SupervisionSession, author: Worker, text: str) -> SupervisionAddendum:
    """Add to a signed session (the worker or their managers): the signed record itself never changes."""
    if not session.is_signed:
        raise ValidationError("Change the draft instead: addenda are for signed supervision records.")
    if not can_see_personal(author, session):
        raise PermissionDenied("Only the worker and their managers can add to a supervision record.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the addendum"})
    return SupervisionAddendum.objects.create(session=session, author=author, text=text)


@transaction.atomic
def supervision_frequency_set(*, worker: Worker, weeks: int | None, reason: str, by: Worker) -> SupervisionFrequency:
    """Set how often `worker` is supervised (None: the council's default), with a reason.
    The previous values are kept in the frequency's history."""
    _require_manager(by, worker)
    errors = {}
    if weeks is not None and not 1 <= weeks <= 52:
        errors["weeks"] = "Weeks must be between 1 and 52"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Enter the reason for this frequency"
    if errors:
        raise ValidationError(errors)
    frequency, _ = SupervisionFrequency.objects.update_or_create(
        worker=worker, defaults={"weeks": weeks, "reason": reason, "set_by": by}
    )
    return frequency
