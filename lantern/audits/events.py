"""Case audits in the chronology: each submitted audit, titled with its overall grade (drafts
never appear). While a second auditor is still moderating it, the title leaves the grade out, so
the moderator reading the case does not see it before grading."""

from django.db.models import Case as SqlCase
from django.db.models import CharField, Exists, F, OuterRef, TextField, Value, When
from django.db.models.functions import Concat, TruncDate
from django.urls import reverse

from lantern.audits.models import Audit, AuditStatus, Grade, Moderation
from lantern.core.chronology import EventSource, event_values


def _grade_label():
    return SqlCase(
        *[When(overall_grade=value, then=Value(label)) for value, label in Grade.choices],
        default=Value(""),
        output_field=CharField(),
    )


def _audits():
    pending = Moderation.objects.filter(audit_id=OuterRef("pk"), submitted_at__isnull=True)
    title = SqlCase(
        When(Exists(pending), then=Value("Case audit (being moderated)")),
        default=Concat(Value("Case audit: "), _grade_label(), output_field=CharField()),
        output_field=CharField(),
    )
    return event_values(
        Audit.objects.filter(status=AuditStatus.SUBMITTED),
        child="child_id",
        on=TruncDate("submitted_at"),
        at="submitted_at",
        kind="audit",
        title=title,
        detail=SqlCase(When(Exists(pending), then=Value("")), default=F("summary"), output_field=TextField()),
        object_id="pk",
        actor=Concat(F("auditor__first_name"), Value(" "), F("auditor__last_name"), output_field=CharField()),
    )


SOURCES = [
    EventSource(
        kind="audit",
        label="Case audits",
        group="audit",
        rows=_audits,
        url=lambda child_id, object_id: reverse("audits:audit", args=[object_id]),
    ),
]
