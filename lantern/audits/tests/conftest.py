"""Builders for audit tests, on top of the shared `world` fixture (lantern/conftest.py)."""

from __future__ import annotations

from lantern.audits import services
from lantern.audits.models import Answer, Audit, Grade


def filled(audit: Audit, *, grade: str = Grade.GOOD, findings: str = "Visits are regular and purposeful.") -> dict:
    """Service arguments that answer every question and grade every section of `audit`."""
    grades, answers = {}, {}
    for section in audit.template.sections.prefetch_related("questions"):
        grades[section.pk] = (grade, findings)
        for question in section.questions.all():
            answers[question.pk] = (Answer.YES, "")
    return {"grades": grades, "answers": answers, "overall_grade": grade, "summary": "A well held case."}


def submitted_audit(
    world, child: str = "own", *, by: str = "qa", grade: str = Grade.GOOD, findings: str | None = None, **overrides
) -> Audit:
    """An audit of a world child by `by`, every section graded `grade`, submitted."""
    auditor = world.users[by]
    audit = services.audit_create(child=world.children[child], auditor=auditor)
    arguments = filled(audit, grade=grade) if findings is None else filled(audit, grade=grade, findings=findings)
    arguments.update(overrides)
    return services.audit_save(audit=audit, by=auditor, submit=True, **arguments)


def moderated(world, audit: Audit, *, by: str = "leader", grade: str = Grade.GOOD, overall: str | None = None):
    moderator = world.users[by]
    moderation = services.moderation_assign(audit=audit, moderator=moderator, by=audit.auditor)
    grades = {s.pk: (grade, "") for s in audit.template.sections.all()}
    return services.moderation_submit(
        moderation=moderation, by=moderator, grades=grades, overall_grade=overall or grade, comment=""
    )
