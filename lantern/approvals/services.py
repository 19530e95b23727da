"""Recording a manager's decision. Every approval in Lantern is written here.

`decide(...)` is the one way to approve or return something that waits for a manager: it locks
the thing's row, checks inside the transaction that it is still waiting, and writes the decision
naming the version it decided on (lantern/core/versions.py). The database allows one decision
per version of a thing (and per child, for a plan with several children), so a second decision
on the same request is refused even by a caller that skipped the lock. A second click, or a
second manager a moment later, gets `AlreadyDecided`: a message saying who decided and when,
which pages show as information, not as an error.

`already_decided(...)` is the same lock-and-check for decisions kept in their own tables
(front door threshold decisions, responses to practice alerts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from lantern.approvals.models import Approval, Decision, QualityGrade
from lantern.core.versions import current_version


class AlreadyDecided(ValidationError):
    """The thing was decided before this request could decide it. Nothing was written."""


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def _name(user) -> str:
    return getattr(user, "display_name", "") or user.get_username()


def decided_text(*, what: str, verb: str, by, at) -> str:
    """ "This assessment was already approved by Sam Patel at 14:05 on 7 December 2026."""
    return f"This {what} was already {verb} by {_name(by)} at {_when(at)}."


def _verb(decision: str) -> str:
    return "approved" if decision == Decision.APPROVED else "returned"


def latest_decision(subject_type_id: int, subject_id: int) -> Approval | None:
    return (
        Approval.objects.filter(subject_type_id=subject_type_id, subject_id=subject_id)
        .select_related("decided_by")
        .order_by("-decided_at", "-pk")
        .first()
    )


def already_decided_message(subject: models.Model, what: str) -> str:
    latest = latest_decision(ContentType.objects.get_for_model(subject).pk, subject.pk)
    if latest is None:
        return f"Only a submitted {what} can be approved or returned."
    return decided_text(what=what, verb=_verb(latest.decision), by=latest.decided_by, at=latest.decided_at)


def own_decision(model: type[models.Model], subject_id: int, *, child_id: int, user) -> Approval | None:
    """The user's own latest decision on a thing for a child (for a second click after the
    decision took the child out of the user's sight: they are told what they did, not refused)."""
    return (
        Approval.objects.filter(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id=subject_id,
            child_id=child_id,
            decided_by=user,
        )
        .order_by("-decided_at", "-pk")
        .first()
    )


def lock_for_decision(subject: models.Model, *, waiting: Callable[[models.Model], bool], already: Callable[[], str]):
    """Lock the subject's row until the transaction ends and refresh it; refuse with
    `AlreadyDecided(already())` unless `waiting(subject)` still holds. Call inside a transaction."""
    type(subject)._default_manager.select_for_update().filter(pk=subject.pk).values_list("pk", flat=True).first()
    subject.refresh_from_db()
    if not waiting(subject):
        raise AlreadyDecided(already())
    return subject


def authors_of(subject: models.Model, *, author=None, parts: Iterable[models.QuerySet] = ()) -> list:
    """Everyone who wrote any version of `subject`: its recorded `author` and the user of every
    history row of the subject and of its `parts` (querysets of history rows, for example a
    plan's sections, outcomes and actions). Ordered by name."""
    ids = {author.pk} if getattr(author, "pk", None) is not None else set()
    history = getattr(subject, "history", None)
    if history is not None and subject.pk is not None:
        parts = (history.all(), *parts)
    for rows in parts:
        ids.update(rows.filter(history_user__isnull=False).values_list("history_user_id", flat=True).distinct())
    if not ids:
        return []
    users = get_user_model().objects.filter(pk__in=ids)
    return sorted(users, key=lambda user: (_name(user).lower(), user.pk))


def _check(*, decision, comment, rationale, graded, quality_grade, decided_by, authors=()) -> None:
    if decision == Decision.APPROVED and decided_by.pk in {user.pk for user in authors}:
        raise ValidationError(
            "You cannot approve your own work: you wrote all or part of it. Ask another manager to decide."
        )
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = "Select whether you approve or return it"
    if not (comment or "").strip():
        errors["comment"] = "Enter a comment"
    if not (rationale or "").strip():
        errors["rationale"] = "Enter the rationale for your decision"
    if graded and decision == Decision.APPROVED and quality_grade not in QualityGrade.values:
        errors["quality_grade"] = "Select a quality grade"
    if errors:
        raise ValidationError(errors)


def _write(*, subject, version, kind, children, decision, comment, rationale, quality_grade, graded, decided_by):
    subject_type = ContentType.objects.get_for_model(subject)
    return [
        Approval.objects.create(
            subject_type=subject_type,
            subject_id=subject.pk,
            subject_version=version,
            child=child,
            kind=kind,
            decision=decision,
            comment=comment.strip(),
            rationale=rationale.strip(),
            quality_grade=quality_grade if graded else "",
            decided_by=decided_by,
        )
        for child in children
    ]


@transaction.atomic
def decide(
    *,
    subject: models.Model,
    what: str,
    waiting: Callable[[models.Model], bool],
    kind: str,
    children: Iterable,
    decision: str,
    comment: str,
    rationale: str,
    decided_by,
    quality_grade: str = "",
    graded: bool = False,
    author=None,
    parts: Iterable[models.QuerySet] = (),
) -> list[Approval]:
    """Approve or return `subject` (an assessment, plan, step-down, closure...), once.

    Locks the subject's row and refreshes `subject` in place; `waiting(subject)` says whether it
    still waits for a decision (else `AlreadyDecided`, "already approved by X at T"). Comment and
    rationale are required, a grade where graded. Nobody approves work they wrote: the `author`
    and anyone who saved any version of the subject or its `parts` (`authors_of`) may only
    return it. One approval row per child in `children`, each naming the subject's version.
    The caller then applies the decision to `subject` in the same transaction."""
    lock_for_decision(subject, waiting=waiting, already=lambda: already_decided_message(subject, what))
    _check(
        decision=decision,
        comment=comment,
        rationale=rationale,
        graded=graded,
        quality_grade=quality_grade,
        decided_by=decided_by,
        authors=authors_of(subject, author=author, parts=parts),
    )
    try:
        with transaction.atomic():
            return _write(
                subject=subject,
                version=current_version(subject),
                kind=kind,
                children=list(children),
                decision=decision,
                comment=comment,
                rationale=rationale,
                quality_grade=quality_grade,
                graded=graded,
                decided_by=decided_by,
            )
    except IntegrityError:  # decided on this same version by a caller that did not lock
        raise AlreadyDecided(already_decided_message(subject, what)) from None


@transaction.atomic
def approval_record(
    *,
    subject: models.Model,
    kind: str,
    child,
    decision: str,
    comment: str,
    rationale: str,
    decided_by,
    quality_grade: str = "",
    graded: bool = False,
    author=None,
) -> Approval:
    """Write an approval made in the same act as creating its subject (for example allocating a
    worker above their caseload threshold), so nothing was waiting and there is nothing to lock.
    Anything that waits for a manager's decision goes through `decide`."""
    _check(
        decision=decision,
        comment=comment,
        rationale=rationale,
        graded=graded,
        quality_grade=quality_grade,
        decided_by=decided_by,
        authors=[author] if author is not None else [],
    )
    return _write(
        subject=subject,
        version=None,
        kind=kind,
        children=[child],
        decision=decision,
        comment=comment,
        rationale=rationale,
        quality_grade=quality_grade,
        graded=graded,
        decided_by=decided_by,
    )[0]


def approvals_for(subject: models.Model):
    return (
        Approval.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    )
