"""Writes: only the worker's managers record and sign; discussions are about the worker's
children; a signed session is never changed; frequency per worker with its history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lantern import factories as f
from lantern.supervision import services
from lantern.supervision.models import CaseDiscussion, SupervisionFrequency, SupervisionSession
from lantern.supervision.tests.conftest import discussion
from lantern.workforce.models import Role


def test_manager_records_a_draft_with_discussions(world, make_session):
    session = make_session()
    assert session.signed_at is None and session.supervisor == world.users["tm_north"]
    assert [d.child for d in session.case_discussions.all()] == [world.children["own"]]
    assert session.case_discussions.get().signed_at is None


def test_signing_stamps_the_session_and_every_discussion(world):
    other = f.make_child(first_name="Second", last_name="Child")
    f.allocate(other, team=world.north, worker=world.users["sw_north"], role="co_worker")
    session = services.supervision_session_create(
        worker=world.users["sw_north"],
        supervisor=world.users["tm_north"],
        held_on=date(2026, 2, 2),
        discussions=[discussion(world.children["own"]), discussion(other)],
    )
    signed = services.supervision_session_sign(session=session, by=world.users["sm_cin"])
    assert signed.signed_by == world.users["sm_cin"]
    stamps = set(CaseDiscussion.objects.filter(session=session).values_list("signed_at", flat=True))
    assert stamps == {signed.signed_at}


@pytest.mark.parametrize("who", ["sw_north", "sw_north_2", "fsw_north", "sw_south", "qa", "leader", "inspector"])
def test_only_the_workers_managers_record(world, who):
    with pytest.raises(PermissionDenied):
        services.supervision_session_create(
            worker=world.users["sw_north"], supervisor=world.users[who], held_on=date(2026, 2, 2)
        )
    assert not SupervisionSession.objects.exists()


def test_team_manager_of_another_team_is_refused_and_service_manager_supervises_team_managers(world):
    tm_south = f.make_worker("tm.south", role=Role.TEAM_MANAGER, team=world.south)
    with pytest.raises(PermissionDenied):
        services.supervision_session_create(
            worker=world.users["sw_north"], supervisor=tm_south, held_on=date(2026, 2, 2)
        )
    with pytest.raises(PermissionDenied):  # a team manager does not supervise another team manager
        services.supervision_session_create(
            worker=world.users["tm_north"], supervisor=tm_south, held_on=date(2026, 2, 2)
        )
    session = services.supervision_session_create(
        worker=world.users["tm_north"], supervisor=world.users["sm_cin"], held_on=date(2026, 2, 2), wellbeing="Well."
    )
    assert session.worker == world.users["tm_north"]


def test_a_manager_does_not_supervise_themselves(world):
    with pytest.raises(PermissionDenied):
        services.supervision_session_create(
            worker=world.users["tm_north"], supervisor=world.users["tm_north"], held_on=date(2026, 2, 2)
        )


def test_discussion_must_be_about_a_child_allocated_to_the_worker(world):
    with pytest.raises(ValidationError) as error:
        services.supervision_session_create(
            worker=world.users["sw_north"],
            supervisor=world.users["tm_north"],
            held_on=date(2026, 2, 2),
            discussions=[discussion(world.children["own"]), discussion(world.children["team"])],
        )
    assert "child" in error.value.message_dict
    assert not SupervisionSession.objects.exists() and not CaseDiscussion.objects.exists()


@pytest.mark.parametrize("missing", ["reflection", "decisions", "rationale"])
def test_reflection_decisions_and_rationale_are_required(world, missing):
    with pytest.raises(ValidationError) as error:
        services.supervision_session_create(
            worker=world.users["sw_north"],
            supervisor=world.users["tm_north"],
            held_on=date(2026, 2, 2),
            discussions=[discussion(world.children["own"], **{missing: "  "})],
        )
    assert missing in error.value.message_dict
    assert not SupervisionSession.objects.exists()


def test_same_child_twice_is_refused(world):
    with pytest.raises(ValidationError):
        services.supervision_session_create(
            worker=world.users["sw_north"],
            supervisor=world.users["tm_north"],
            held_on=date(2026, 2, 2),
            discussions=[discussion(world.children["own"]), discussion(world.children["own"])],
        )
    assert not SupervisionSession.objects.exists()


def test_dates_are_checked(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.supervision_session_create(
            worker=world.users["sw_north"], supervisor=world.users["tm_north"], held_on=tomorrow
        )
    assert "held_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.supervision_session_create(
            worker=world.users["sw_north"],
            supervisor=world.users["tm_north"],
            held_on=date(2026, 2, 2),
            next_supervision_date=date(2026, 2, 1),
        )
    assert "next_supervision_date" in error.value.message_dict


def test_draft_update_changes_existing_and_adds_new_discussions(world, make_session):
    other = f.make_child(first_name="Second", last_name="Child")
    f.allocate(other, team=world.north, worker=world.users["sw_north"], role="co_worker")
    session = make_session()
    existing = session.case_discussions.get()
    services.supervision_session_update(
        session=session,
        by=world.users["tm_north"],
        held_on=date(2026, 2, 3),
        wellbeing="Better.",
        discussions=[
            discussion(world.children["own"], decisions="Changed decision.", discussion_id=existing.pk),
            discussion(other),
        ],
    )
    session.refresh_from_db()
    assert session.held_on == date(2026, 2, 3) and session.wellbeing == "Better."
    rows = dict(session.case_discussions.values_list("child_id", "decisions"))
    assert rows == {world.children["own"].pk: "Changed decision.", other.pk: discussion(other).decisions}
    # The change is kept in the discussion's history.
    assert existing.history.count() == 2


def test_swapping_children_between_existing_discussions_is_refused_cleanly(world, make_session):
    other = f.make_child(first_name="Second", last_name="Child")
    f.allocate(other, team=world.north, worker=world.users["sw_north"], role="co_worker")
    session = make_session(children=[world.children["own"], other])
    first, second = session.case_discussions.order_by("pk")
    with pytest.raises(ValidationError):
        services.supervision_session_update(
            session=session,
            by=world.users["tm_north"],
            held_on=date(2026, 2, 2),
            discussions=[
                discussion(other, discussion_id=first.pk, decisions="swapped"),
                discussion(world.children["own"], discussion_id=second.pk, decisions="swapped"),
            ],
        )
    assert not CaseDiscussion.objects.filter(decisions="swapped").exists()


def test_moving_a_discussion_to_a_free_child_in_the_right_order(world, make_session):
    third = f.make_child(first_name="Third", last_name="Child")
    other = f.make_child(first_name="Second", last_name="Child")
    for child in (other, third):
        f.allocate(child, team=world.north, worker=world.users["sw_north"], role="co_worker")
    session = make_session(children=[world.children["own"], other])
    first, second = session.case_discussions.order_by("pk")
    # first takes second's child while second moves to a free child: saved in an order that works.
    services.supervision_session_update(
        session=session,
        by=world.users["tm_north"],
        held_on=date(2026, 2, 2),
        discussions=[discussion(other, discussion_id=first.pk), discussion(third, discussion_id=second.pk)],
    )
    assert dict(session.case_discussions.values_list("pk", "child_id")) == {first.pk: other.pk, second.pk: third.pk}


def test_signed_session_cannot_be_updated_or_signed_again(world, make_session):
    session = make_session(sign=True)
    with pytest.raises(ValidationError):
        services.supervision_session_update(session=session, by=world.users["tm_north"], held_on=date(2026, 2, 2))
    with pytest.raises(ValidationError):
        services.supervision_session_sign(session=session, by=world.users["tm_north"])


def test_only_managers_sign_and_an_empty_session_cannot_be_signed(world, make_session):
    session = make_session()
    for who in ("sw_north", "sw_north_2", "leader", "qa", "inspector"):
        with pytest.raises(PermissionDenied):
            services.supervision_session_sign(session=session, by=world.users[who])
    empty = services.supervision_session_create(
        worker=world.users["fsw_north"], supervisor=world.users["tm_north"], held_on=date(2026, 2, 2)
    )
    with pytest.raises(ValidationError):
        services.supervision_session_sign(session=empty, by=world.users["tm_north"])
    assert not SupervisionSession.objects.filter(signed_at__isnull=False).exists()


def test_addendum_only_on_signed_sessions_by_worker_or_managers(world, make_session):
    draft = make_session()
    with pytest.raises(ValidationError):
        services.supervision_addendum_add(session=draft, author=world.users["tm_north"], text="Later.")
    signed = make_session(
        worker=world.users["sw_north_2"], children=[world.children["team"]], sign=True, held_on=date(2026, 2, 3)
    )
    for who in ("sw_north", "leader", "qa"):
        with pytest.raises(PermissionDenied):
            services.supervision_addendum_add(session=signed, author=world.users[who], text="Later.")
    with pytest.raises(ValidationError):
        services.supervision_addendum_add(session=signed, author=world.users["sw_north_2"], text=" ")
    added = services.supervision_addendum_add(session=signed, author=world.users["sw_north_2"], text="I agree.")
    assert added.session == signed


def test_frequency_is_set_by_managers_with_a_reason_and_history(world):
    worker = world.users["sw_north"]
    with pytest.raises(PermissionDenied):
        services.supervision_frequency_set(worker=worker, weeks=2, reason="NQSW", by=worker)
    with pytest.raises(ValidationError) as error:
        services.supervision_frequency_set(worker=worker, weeks=0, reason="", by=world.users["tm_north"])
    assert set(error.value.message_dict) == {"weeks", "reason"}
    services.supervision_frequency_set(worker=worker, weeks=2, reason="Newly qualified", by=world.users["tm_north"])
    services.supervision_frequency_set(worker=worker, weeks=None, reason="ASYE complete", by=world.users["sm_cin"])
    frequency = SupervisionFrequency.objects.get(worker=worker)
    assert frequency.weeks is None and frequency.set_by == world.users["sm_cin"]
    assert list(frequency.history.order_by("history_id").values_list("weeks", flat=True)) == [2, None]
