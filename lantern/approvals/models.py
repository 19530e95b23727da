"""One approval mechanism for every manager decision (assessment, plan, step-down, closure...).

An approval approves or returns one thing, with a comment and a rationale (both required), a
quality grade where the thing is graded, who decided and when. Once written it cannot be
changed or deleted: the database refuses UPDATE and DELETE on the table (triggers on SQLite and
PostgreSQL, see migration 0002), not only the forms. A decision names the version of the thing it
decided on, and the database holds one decision per version (migration 0003): two managers, or
one double click, cannot both decide the same request.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for more work"


class QualityGrade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class Approval(models.Model):
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_version = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The version of the thing decided on (its latest history row's id, lantern/core/versions.py). "
        "The database allows one decision per version and child: a second decision on the same request is refused.",
    )
    child = models.ForeignKey(
        "people.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
        help_text="The child whose file this decision lands on (for a family plan, one row per child is not needed: "
        "the plan's children are found through the plan).",
    )
    kind = models.CharField(max_length=40, help_text="What was decided on, e.g. 'assessment', 'cin_plan'.")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField()
    rationale = models.TextField()
    quality_grade = models.CharField(max_length=30, choices=QualityGrade.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approvals_made")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"]), models.Index(fields=["child", "decided_at"])]
        constraints = [
            models.CheckConstraint(name="approval_comment_required", condition=~Q(comment="")),
            models.CheckConstraint(name="approval_rationale_required", condition=~Q(rationale="")),
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "subject_version", "child"],
                condition=Q(subject_version__isnull=False),
                name="approval_one_decision_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.kind} by {self.decided_by} on {self.decided_at:%d %b %Y}"
