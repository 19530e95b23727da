"""Submitted audits and moderations, and actions recorded as done, cannot be changed or deleted
in the database itself (SQLite and PostgreSQL): raw SQL is refused, not only the forms. Drafts
stay editable until submitted."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lantern.audits import services
from lantern.audits.models import Audit, AuditAnswer, AuditSectionGrade, Grade, ModerationGrade
from lantern.audits.tests.conftest import moderated, submitted_audit


def _refused(sql: str, params: list) -> None:
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017 - the error differs by database
        cursor.execute(sql, params)


def _run(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_database_refuses_changes_to_a_submitted_audit(world):
    audit = submitted_audit(world)
    _refused("UPDATE audits_audit SET overall_grade = 'inadequate' WHERE id = %s", [audit.pk])
    _refused("UPDATE audits_audit SET status = 'draft', submitted_at = NULL WHERE id = %s", [audit.pk])
    _refused("DELETE FROM audits_audit WHERE id = %s", [audit.pk])
    audit.refresh_from_db()
    assert audit.overall_grade == Grade.GOOD and audit.submitted_at is not None


def test_database_refuses_changes_to_a_submitted_audits_grades_and_answers(world):
    audit = submitted_audit(world)
    grade = AuditSectionGrade.objects.filter(audit=audit).first()
    answer = AuditAnswer.objects.filter(audit=audit).first()
    _refused("UPDATE audits_auditsectiongrade SET grade = 'inadequate' WHERE id = %s", [grade.pk])
    _refused("DELETE FROM audits_auditsectiongrade WHERE id = %s", [grade.pk])
    _refused("UPDATE audits_auditanswer SET answer = 'no' WHERE id = %s", [answer.pk])
    _refused("DELETE FROM audits_auditanswer WHERE id = %s", [answer.pk])
    _refused(
        "INSERT INTO audits_auditanswer (audit_id, question_id, answer, comment) VALUES (%s, %s, 'no', 'slipped in')",
        [audit.pk, answer.question_id],
    )
    # Moving a draft's grade onto a submitted audit is refused too.
    draft = services.audit_create(child=world.children["team"], auditor=world.users["qa"])
    draft_grade = AuditSectionGrade.objects.filter(audit=draft).first()
    _refused("UPDATE audits_auditsectiongrade SET audit_id = %s WHERE id = %s", [audit.pk, draft_grade.pk])
    grade.refresh_from_db()
    assert grade.grade == Grade.GOOD and AuditAnswer.objects.filter(audit=audit, answer="no").count() == 0


def test_a_draft_and_its_grades_can_be_changed_in_the_database(world):
    draft = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    grade = AuditSectionGrade.objects.filter(audit=draft).first()
    _run("UPDATE audits_audit SET summary = 'changed' WHERE id = %s", [draft.pk])
    _run("UPDATE audits_auditsectiongrade SET grade = 'good' WHERE id = %s", [grade.pk])
    assert Audit.objects.get(pk=draft.pk).summary == "changed"
    assert AuditSectionGrade.objects.get(pk=grade.pk).grade == "good"


def test_database_refuses_changes_to_a_submitted_moderation_and_its_grades(world):
    audit = submitted_audit(world)
    moderation = moderated(world, audit, grade=Grade.REQUIRES_IMPROVEMENT)
    row = ModerationGrade.objects.filter(moderation=moderation).first()
    _refused("UPDATE audits_moderation SET overall_grade = 'good' WHERE id = %s", [moderation.pk])
    _refused("DELETE FROM audits_moderation WHERE id = %s", [moderation.pk])
    _refused("UPDATE audits_moderationgrade SET grade = 'good' WHERE id = %s", [row.pk])
    _refused("DELETE FROM audits_moderationgrade WHERE id = %s", [row.pk])
    _refused(
        "INSERT INTO audits_moderationgrade (moderation_id, section_id, grade, comment) VALUES (%s, %s, 'good', '')",
        [moderation.pk, row.section_id],
    )
    assert set(ModerationGrade.objects.values_list("grade", flat=True)) == {Grade.REQUIRES_IMPROVEMENT}


def test_an_assigned_moderation_can_change_hands_until_submitted(world):
    audit = submitted_audit(world)
    moderation = services.moderation_assign(audit=audit, moderator=world.users["leader"], by=world.users["qa"])
    _run("UPDATE audits_moderation SET moderator_id = %s WHERE id = %s", [world.users["tm_north"].pk, moderation.pk])
    moderation.refresh_from_db()
    assert moderation.moderator == world.users["tm_north"]


def test_an_action_recorded_as_done_cannot_be_changed(world):
    audit = submitted_audit(world)
    today = timezone.localdate()
    action = services.audit_action_create(
        audit=audit, by=world.users["qa"], description="See Olivia alone", owner=world.users["sw_north"],
        due_date=today + timedelta(days=7),
    )  # fmt: skip
    _run("UPDATE audits_auditaction SET due_date = %s WHERE id = %s", [today + timedelta(days=14), action.pk])
    services.audit_action_complete(action=action, by=world.users["sw_north"], completed_on=today, note="Seen alone.")
    _refused("UPDATE audits_auditaction SET completion_note = 'changed' WHERE id = %s", [action.pk])
    _refused("UPDATE audits_auditaction SET completed_at = NULL, completed_on = NULL WHERE id = %s", [action.pk])
    _refused("DELETE FROM audits_auditaction WHERE id = %s", [action.pk])
    action.refresh_from_db()
    assert action.completion_note == "Seen alone." and action.due_date == today + timedelta(days=14)


def test_orm_save_of_a_submitted_audit_fails_too(world):
    audit = submitted_audit(world)
    audit.summary = "changed"
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        audit.save()
    assert Audit.objects.get(pk=audit.pk).summary == "A well held case."
