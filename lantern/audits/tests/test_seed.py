"""The synthetic council's case audits: a few dozen over the last year of children on an open
CIN episode at the time, about a fifth moderated by someone else, actions with some overdue,
drafts waiting; submitted ones fixed in the database; reproducible."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lantern.audits import selectors
from lantern.audits.models import Audit, AuditAction, AuditSectionGrade, AuditStatus, Moderation
from lantern.casework.models import CINEpisode
from lantern.synthetic.generator import seed_authority

AS_OF = date(2026, 3, 31)


@pytest.mark.django_db
def test_seeded_audits_moderations_and_actions():
    result = seed_authority(size="demo", seed=5, as_of=AS_OF)
    submitted = list(Audit.objects.filter(status=AuditStatus.SUBMITTED).select_related("auditor"))
    assert result.counts["case audits"] == len(submitted) >= 24
    episodes = {}
    for child_id, referral, closure in CINEpisode.objects.values_list("child_id", "referral_date", "closure_date"):
        episodes.setdefault(child_id, []).append((referral, closure))
    for audit in submitted:
        day = timezone.localtime(audit.submitted_at).date()
        assert AS_OF - timedelta(days=366) <= day <= AS_OF and day.weekday() < 5
        assert audit.auditor.role in selectors.AUDIT_ROLES
        assert any(r <= day and (c is None or c >= day) for r, c in episodes[audit.child_id])
        assert audit.overall_grade and audit.summary
    assert not AuditSectionGrade.objects.filter(audit__status=AuditStatus.SUBMITTED, grade="").exists()
    drafts = Audit.objects.filter(status=AuditStatus.DRAFT)
    assert drafts.count() == result.counts["case audits in progress"] > 0
    assert all(a.sample_id for a in drafts)

    moderations = list(Moderation.objects.select_related("audit"))
    assert 0.08 * len(submitted) <= len(moderations) <= 0.35 * len(submitted)
    assert all(m.moderator_id != m.audit.auditor_id and m.is_submitted for m in moderations)
    report = selectors.agreement_report(seeded_leader(), since=timezone.make_aware(timezone.datetime(2024, 1, 1)))
    assert 50 <= report.sections.rate <= 95

    actions = list(AuditAction.objects.all())
    assert result.counts["audit actions"] == len(actions) > 10
    done = [a for a in actions if a.is_done]
    overdue = [a for a in actions if a.overdue(AS_OF)]
    assert done and overdue and len(done) > len(overdue)
    assert all(a.completed_on <= AS_OF and a.completion_note for a in done)

    # Quality improves over the year: more sections good or better in the last quarter than the first.
    def good_share(first: date, last: date) -> float:
        grades = list(
            AuditSectionGrade.objects.filter(
                audit__status=AuditStatus.SUBMITTED,
                audit__submitted_at__date__gte=first,
                audit__submitted_at__date__lte=last,
            ).values_list("grade", flat=True)
        )
        return sum(g in ("outstanding", "good") for g in grades) / len(grades)

    assert good_share(AS_OF - timedelta(days=90), AS_OF) > good_share(
        AS_OF - timedelta(days=365), AS_OF - timedelta(days=270)
    )

    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE audits_audit SET summary = 'x' WHERE id = %s", [submitted[0].pk])


def seeded_leader():
    from lantern.workforce.models import Worker

    return Worker.objects.get(username="leader")


@pytest.mark.django_db
def test_seeded_audits_are_reproducible():
    def rows(seed: int) -> list[tuple]:
        with transaction.atomic():
            seed_authority(size="tiny", seed=seed, as_of=AS_OF)
            found = list(
                Audit.objects.order_by("child__la_child_id", "created_at").values_list(
                    "child__la_child_id", "auditor__username", "submitted_at", "overall_grade", "summary"
                )
            ) + list(
                AuditAction.objects.order_by("audit__child__la_child_id", "pk").values_list(
                    "audit__child__la_child_id", "description", "due_date", "completed_on"
                )
            )  # fmt: skip
            transaction.set_rollback(True)
        return found

    first = rows(31)
    assert first and rows(31) == first
