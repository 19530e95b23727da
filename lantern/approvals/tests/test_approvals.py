"""The one approval mechanism: comment and rationale required, grade where graded, and rows the
database refuses to change or delete (SQLite and PostgreSQL triggers)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from lantern.approvals.models import Approval
from lantern.approvals.services import approval_record, approvals_for


def _record(world, **overrides):
    episode = world.children["own"].cin_episodes.get()
    fields = {
        "subject": episode,
        "kind": "closure",
        "child": world.children["own"],
        "decision": "approved",
        "comment": "Agreed.",
        "rationale": "Outcomes met and the family agree.",
        "decided_by": world.users["tm_north"],
    }
    fields.update(overrides)
    return approval_record(**fields)


def test_approval_is_recorded_with_who_and_when(world):
    approval = _record(world)
    assert approval.decided_by == world.users["tm_north"] and approval.decided_at is not None
    assert list(approvals_for(world.children["own"].cin_episodes.get())) == [approval]


@pytest.mark.parametrize(
    "overrides, field",
    [({"comment": "  "}, "comment"), ({"rationale": ""}, "rationale"), ({"decision": "maybe"}, "decision")],
)
def test_comment_rationale_and_decision_are_required(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        _record(world, **overrides)
    assert field in error.value.message_dict
    assert not Approval.objects.exists()


def test_grade_required_when_graded_and_approving(world):
    with pytest.raises(ValidationError) as error:
        _record(world, graded=True)
    assert "quality_grade" in error.value.message_dict
    returned = _record(world, graded=True, decision="returned")  # a return needs no grade
    assert returned.quality_grade == ""
    graded = _record(world, graded=True, quality_grade="good")
    assert graded.quality_grade == "good"


def test_database_refuses_update_of_an_approval(world):
    approval = _record(world)
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE approvals_approval SET comment = 'changed' WHERE id = %s", [approval.pk])
    approval.refresh_from_db()
    assert approval.comment == "Agreed."


def test_database_refuses_delete_of_an_approval(world):
    approval = _record(world)
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("DELETE FROM approvals_approval WHERE id = %s", [approval.pk])
    assert Approval.objects.filter(pk=approval.pk).exists()


def test_orm_save_of_an_existing_approval_fails_too(world):
    approval = _record(world)
    approval.comment = "changed"
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        approval.save()
    approval.refresh_from_db()
    assert approval.comment == "Agreed."


def test_nobody_approves_their_own_work_but_may_return_it(world):
    manager = world.users["tm_north"]
    with pytest.raises(ValidationError) as error:
        _record(world, author=manager)
    assert "cannot approve your own work" in str(error.value)
    assert not Approval.objects.exists()
    returned = _record(world, author=manager, decision="returned")
    assert returned.decision == "returned"
    other = _record(world, author=world.users["sw_north"])
    assert other.decision == "approved"
