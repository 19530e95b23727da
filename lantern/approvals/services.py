"""Recording a manager's decision. Every approval in Lantern is written here."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from lantern.approvals.models import Approval, Decision, QualityGrade


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
    """Write an approval or a return. Comment and rationale are required; a grade where graded.
    Nobody approves their own work: `author` (who wrote or proposed it) may return it, not approve it."""
    if author is not None and decision == Decision.APPROVED and getattr(author, "pk", None) == decided_by.pk:
        raise ValidationError("You cannot approve your own work. Ask another manager to decide.")
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
    return Approval.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        child=child,
        kind=kind,
        decision=decision,
        comment=comment.strip(),
        rationale=rationale.strip(),
        quality_grade=quality_grade if graded else "",
        decided_by=decided_by,
    )


def approvals_for(subject: models.Model):
    return (
        Approval.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    )
