"""The rules of case audits, held by the services: who may audit, what a submission needs (and
that a refused submission writes nothing), moderation by someone else, actions to completion,
and samples picked set-based and repeatably."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantern import factories as f
from lantern.audits import services
from lantern.audits.models import (
    Answer,
    Audit,
    AuditAction,
    AuditAnswer,
    AuditSample,
    AuditSectionGrade,
    AuditStatus,
    AuditTemplate,
    Grade,
    Moderation,
    SampleKind,
    Theme,
)
from lantern.audits.tests.conftest import filled, submitted_audit
from lantern.workforce.models import Role

TODAY = timezone.localdate()


# --- The template -------------------------------------------------------------------------------


def test_default_template_is_made_once_on_first_use_with_the_letters_themes(db):
    assert not AuditTemplate.objects.exists()
    template = services.default_template()
    assert services.default_template() == template and AuditTemplate.objects.count() == 1
    themes = list(template.sections.values_list("theme", flat=True))
    assert themes == [
        Theme.ASSESSMENT,
        Theme.PLAN,
        Theme.VOICE,
        Theme.OVERSIGHT,
        Theme.SUPERVISION,
        Theme.CHRONOLOGY,
        Theme.OUTCOMES,
    ]
    assert all(section.questions.count() >= 2 for section in template.sections.all())


# --- Starting and submitting ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "inspector"])
def test_workers_and_inspectors_cannot_start_an_audit(world, role):
    with pytest.raises(PermissionDenied):
        services.audit_create(child=world.children["own"], auditor=world.users[role])
    assert not Audit.objects.exists()


def test_a_manager_cannot_audit_a_child_outside_their_team(world):
    with pytest.raises(PermissionDenied):
        services.audit_create(child=world.children["south"], auditor=world.users["tm_north"])
    with pytest.raises(PermissionDenied):  # restricted: only people on its access list
        services.audit_create(child=world.children["restricted"], auditor=world.users["qa"])
    assert not Audit.objects.exists()


def test_a_new_audit_is_a_draft_with_the_case_as_it_stood(world):
    audit = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    assert audit.status == AuditStatus.DRAFT and audit.submitted_at is None
    assert audit.worker == world.users["sw_north"] and audit.team == world.north
    assert AuditSectionGrade.objects.filter(audit=audit).count() == 7
    assert AuditAnswer.objects.filter(audit=audit).count() == sum(
        s.questions.count() for s in audit.template.sections.all()
    )


def test_a_draft_saves_with_blanks_and_only_its_auditor_changes_it(world):
    audit = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    section = audit.template.sections.first()
    services.audit_save(
        audit=audit, by=world.users["qa"], grades={section.pk: (Grade.GOOD, "Thorough.")}, answers={}, summary="So far"
    )
    row = AuditSectionGrade.objects.get(audit=audit, section=section)
    assert (row.grade, row.findings) == (Grade.GOOD, "Thorough.")
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.audit_save(audit=audit, by=world.users["leader"], grades={}, answers={}, summary="Mine now")
    assert Audit.objects.get(pk=audit.pk).summary == "So far"


def test_submitting_needs_everything_and_a_refusal_writes_nothing(world):
    audit = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    services.audit_save(audit=audit, by=world.users["qa"], grades={}, answers={}, summary="Draft summary")
    arguments = filled(audit, grade=Grade.INADEQUATE, findings="")
    sections = list(audit.template.sections.order_by("order"))
    first_question = sections[0].questions.first()
    arguments["grades"][sections[1].pk] = ("", "")
    arguments["answers"][first_question.pk] = ("", "")
    arguments["overall_grade"] = ""
    arguments["summary"] = "Changed summary"
    with pytest.raises(ValidationError) as caught:
        services.audit_save(audit=audit, by=world.users["qa"], submit=True, **arguments)
    errors = caught.value.message_dict
    assert f"section_{sections[1].pk}_grade" in errors
    # Inadequate without findings needs them; the ungraded section does not ask for findings.
    assert f"section_{sections[0].pk}_findings" in errors and f"section_{sections[1].pk}_findings" not in errors
    assert f"question_{first_question.pk}" in errors and "overall_grade" in errors
    audit.refresh_from_db()
    assert audit.status == AuditStatus.DRAFT and audit.summary == "Draft summary"
    assert not AuditSectionGrade.objects.filter(audit=audit).exclude(grade="").exists()
    assert not AuditAnswer.objects.filter(audit=audit).exclude(answer="").exists()


def test_a_submitted_audit_cannot_be_saved_again(world):
    audit = submitted_audit(world)
    assert audit.status == AuditStatus.SUBMITTED and audit.submitted_at is not None
    assert audit.overall_grade == Grade.GOOD
    assert set(AuditAnswer.objects.filter(audit=audit).values_list("answer", flat=True)) == {Answer.YES}
    with pytest.raises(PermissionDenied):
        services.audit_save(audit=audit, by=world.users["qa"], **filled(audit, grade=Grade.INADEQUATE))
    assert Audit.objects.get(pk=audit.pk).overall_grade == Grade.GOOD


def test_a_value_outside_the_grades_is_refused(world):
    audit = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    arguments = filled(audit)
    arguments["overall_grade"] = "excellent"
    with pytest.raises(ValidationError):
        services.audit_save(audit=audit, by=world.users["qa"], submit=True, **arguments)
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.DRAFT


# --- Moderation ----------------------------------------------------------------------------------


def test_moderation_is_by_someone_else_who_runs_audits_and_sees_the_child(world):
    audit = submitted_audit(world)
    for who in ("qa", "sw_north", "inspector"):
        with pytest.raises(ValidationError) as caught:
            services.moderation_assign(audit=audit, moderator=world.users[who], by=world.users["qa"])
        assert "moderator" in caught.value.message_dict
    south_manager = f.make_worker("tm.south", role=Role.TEAM_MANAGER, team=world.south)
    with pytest.raises(ValidationError):
        services.moderation_assign(audit=audit, moderator=south_manager, by=world.users["qa"])
    with pytest.raises(PermissionDenied):
        services.moderation_assign(audit=audit, moderator=world.users["leader"], by=world.users["sw_north"])
    assert not Moderation.objects.exists()
    moderation = services.moderation_assign(audit=audit, moderator=world.users["tm_north"], by=world.users["qa"])
    assert moderation.moderator == world.users["tm_north"] and not moderation.is_submitted


def test_moderator_grades_every_section_once_after_submission(world):
    draft = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    moderation = services.moderation_assign(audit=draft, moderator=world.users["leader"], by=world.users["qa"])
    grades = {s.pk: (Grade.GOOD, "") for s in draft.template.sections.all()}
    with pytest.raises(PermissionDenied):  # not until the audit is submitted
        services.moderation_submit(moderation=moderation, by=world.users["leader"], grades=grades, overall_grade="good")
    services.audit_save(audit=draft, by=world.users["qa"], submit=True, **filled(draft))
    with pytest.raises(PermissionDenied):  # only the person asked
        services.moderation_submit(
            moderation=moderation, by=world.users["tm_north"], grades=grades, overall_grade="good"
        )
    missing = dict(grades)
    missing.pop(next(iter(missing)))
    with pytest.raises(ValidationError) as caught:
        services.moderation_submit(moderation=moderation, by=world.users["leader"], grades=missing, overall_grade="")
    assert "overall_grade" in caught.value.message_dict and len(caught.value.message_dict) == 2
    assert not moderation.grades.exists()
    done = services.moderation_submit(
        moderation=moderation, by=world.users["leader"], grades=grades, overall_grade=Grade.REQUIRES_IMPROVEMENT
    )
    assert done.is_submitted and done.grades.count() == 7
    with pytest.raises(PermissionDenied):
        services.moderation_submit(moderation=moderation, by=world.users["leader"], grades=grades, overall_grade="good")
    with pytest.raises(PermissionDenied):
        services.moderation_assign(audit=draft, moderator=world.users["tm_north"], by=world.users["qa"])


# --- Actions -------------------------------------------------------------------------------------


def test_actions_come_from_a_submitted_audit_with_an_owner_who_sees_the_child(world):
    draft = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    with pytest.raises(PermissionDenied):
        services.audit_action_create(
            audit=draft, by=world.users["qa"], description="x", owner=world.users["sw_north"], due_date=TODAY
        )
    audit = submitted_audit(world, "team")
    with pytest.raises(PermissionDenied):
        services.audit_action_create(
            audit=audit, by=world.users["sw_north"], description="x", owner=world.users["sw_north"], due_date=TODAY
        )
    with pytest.raises(ValidationError) as caught:
        services.audit_action_create(
            audit=audit,
            by=world.users["qa"],
            description=" ",
            owner=world.users["sw_south"],
            due_date=TODAY - timedelta(1),
        )
    assert set(caught.value.message_dict) == {"description", "owner", "due_date"}
    assert not AuditAction.objects.exists()
    action = services.audit_action_create(
        audit=audit,
        by=world.users["qa"],
        description="Update the chronology",
        owner=world.users["sw_north_2"],
        due_date=TODAY + timedelta(days=14),
    )
    assert action.created_by == world.users["qa"] and not action.is_done


def test_completing_an_action_needs_a_note_is_final_and_only_for_those_involved(world):
    audit = submitted_audit(world, "team")
    action = services.audit_action_create(
        audit=audit, by=world.users["qa"], description="Update the chronology", owner=world.users["sw_north_2"],
        due_date=TODAY + timedelta(days=14),
    )  # fmt: skip
    for who in ("sw_north", "inspector"):
        with pytest.raises(PermissionDenied):
            services.audit_action_complete(action=action, by=world.users[who], completed_on=TODAY, note="Done")
    with pytest.raises(ValidationError) as caught:
        services.audit_action_complete(
            action=action, by=world.users["sw_north_2"], completed_on=TODAY + timedelta(days=1), note=""
        )
    assert set(caught.value.message_dict) == {"completed_on", "note"}
    done = services.audit_action_complete(
        action=action, by=world.users["sw_north_2"], completed_on=TODAY, note="Chronology brought up to date."
    )
    assert done.is_done and done.completed_by == world.users["sw_north_2"]
    with pytest.raises(PermissionDenied):
        services.audit_action_complete(action=action, by=world.users["qa"], completed_on=TODAY, note="Again")
    assert AuditAction.objects.get().completion_note == "Chronology brought up to date."


# --- Samples -------------------------------------------------------------------------------------


def _north_children(world, n: int, *, team=None) -> list:
    """Children held by sw_north (or unallocated in `team`); every other one referred 400 days
    ago, the rest 30 days ago."""
    children = []
    for i in range(n):
        child = f.make_child(first_name=f"North{i}")
        if team is None:
            f.allocate(child, team=world.north, worker=world.users["sw_north"])
        else:
            f.allocate(child, team=team)
        f.open_cin_episode(child, referral_date=TODAY - timedelta(days=400 if i % 2 else 30))
        children.append(child)
    return children


def test_random_team_sample_picks_only_the_teams_unrestricted_children_repeatably(world):
    _north_children(world, 6)
    qa = world.users["qa"]

    def pick(seed):
        sample = services.audit_sample_create(
            created_by=qa, kind=SampleKind.RANDOM_TEAM, size=4, auditors=[qa], team=world.north, seed=seed
        )
        ids = sorted(sample.sample_children.values_list("child_id", flat=True))
        Audit.objects.filter(sample=sample, status=AuditStatus.DRAFT).update(sample=None)  # detach for the next draw
        return sample, ids

    sample, first = pick(7)
    assert len(first) == 4 and world.children["restricted"].pk not in first
    assert world.children["south"].pk not in first and world.children["west"].pk not in first
    assert Audit.objects.filter(child_id__in=first, auditor=qa, status=AuditStatus.DRAFT).count() == 4
    assert sample.parameters["seed"] == 7 and "North locality" in sample.description
    # Children already waiting for a draft audit are not picked again.
    _sample, second = pick(7)
    assert not set(first) & set(second)


def test_a_fresh_draw_with_the_same_seed_picks_the_same_children(world):
    _north_children(world, 8)
    qa = world.users["qa"]
    first = services.audit_sample_create(
        created_by=qa, kind=SampleKind.RANDOM_TEAM, size=3, auditors=[qa], team=world.north, seed=11
    )
    picked = sorted(first.sample_children.values_list("child_id", flat=True))
    Audit.objects.all().update(
        status=AuditStatus.SUBMITTED, submitted_at=timezone.now(), overall_grade="good", summary="x"
    )
    again = services.audit_sample_create(
        created_by=qa, kind=SampleKind.RANDOM_TEAM, size=3, auditors=[qa], team=world.north, seed=11
    )
    assert sorted(again.sample_children.values_list("child_id", flat=True)) == picked


def test_themed_sample_long_cin_and_per_worker_sample(world):
    east = f.make_team("East locality", service=world.north.service)
    children = _north_children(world, 6, team=east)
    qa = world.users["qa"]
    long_open = {c.pk for i, c in enumerate(children) if i % 2}
    sample = services.audit_sample_create(
        created_by=qa, kind=SampleKind.THEMED, size=10, auditors=[qa], theme="cin_long", months=9, team=east, seed=1
    )
    assert set(sample.sample_children.values_list("child_id", flat=True)) == long_open
    assert "longer than 9 months in East locality" in sample.description
    worker_sample = services.audit_sample_create(
        created_by=qa, kind=SampleKind.PER_WORKER, size=50, auditors=[qa], worker=world.users["sw_north_2"], seed=1
    )
    # sw_north_2 holds "team" and the restricted child; restricted records are never sampled.
    assert list(worker_sample.sample_children.values_list("child_id", flat=True)) == [world.children["team"].pk]


def test_sample_shares_audits_between_auditors_and_assigns_moderators(world):
    _north_children(world, 10)
    qa, leader = world.users["qa"], world.users["leader"]
    sample = services.audit_sample_create(
        created_by=qa, kind=SampleKind.RANDOM_TEAM, size=10, auditors=[qa, leader], team=world.north,
        moderation_percent=20, seed=3,
    )  # fmt: skip
    audits = list(Audit.objects.filter(sample=sample))
    assert {a.auditor_id for a in audits} == {qa.pk, leader.pk}
    moderations = list(Moderation.objects.filter(audit__sample=sample).select_related("audit"))
    assert len(moderations) == round(len(audits) * 0.2) >= 1
    assert all(m.moderator_id != m.audit.auditor_id for m in moderations)


def test_sample_errors_come_back_by_the_field_and_nothing_is_written(world):
    qa = world.users["qa"]
    with pytest.raises(ValidationError) as caught:
        services.audit_sample_create(
            created_by=qa, kind=SampleKind.RANDOM_TEAM, size=0, auditors=[qa], team=None, moderation_percent=20
        )
    assert {"size", "team", "moderation_percent"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        services.audit_sample_create(
            created_by=qa, kind=SampleKind.RANDOM_TEAM, size=5, auditors=[world.users["sw_north"]], team=world.north
        )
    assert "auditors" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.audit_sample_create(created_by=qa, kind=SampleKind.THEMED, size=5, auditors=[qa], theme="cp_plan")
    assert "No children match" in str(caught.value)
    with pytest.raises(PermissionDenied):
        services.audit_sample_create(
            created_by=world.users["sw_north"], kind=SampleKind.RANDOM_TEAM, size=1, auditors=[], team=world.north
        )
    assert not AuditSample.objects.exists() and not Audit.objects.exists()


def test_a_team_manager_samples_only_children_they_can_see(world):
    tm = world.users["tm_north"]
    sample = services.audit_sample_create(
        created_by=tm, kind=SampleKind.THEMED, size=10, auditors=[tm], theme="neglect", seed=2
    )
    # Every world child has an open CIN episode with primary need N1; the manager sees north's.
    picked = set(sample.sample_children.values_list("child_id", flat=True))
    assert picked == {world.children["own"].pk, world.children["team"].pk}
