"""Writing oversight: who may, what signing needs, drafts versus signed entries, addenda,
action completion and check-ins (L4, L6)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lantern import factories as f
from lantern.core.local_settings import set_setting
from lantern.oversight import services
from lantern.oversight.models import CheckIn, OversightAction, OversightAddendum, OversightEntry
from lantern.oversight.tests.conftest import NEXT, TODAY, record
from lantern.workforce.models import AllocationReason


def test_manager_records_and_signs_with_actions(world):
    entry = record(world)
    assert entry.signed_at is not None and entry.signed_by == world.users["tm_north"]
    assert entry.author == world.users["tm_north"] and entry.next_oversight_date == NEXT
    action = entry.actions.get()
    assert action.owner == world.users["sw_north"] and action.due_date == TODAY + timedelta(days=7)


@pytest.mark.parametrize("role", ["tm_north", "sm_cin", "leader"])
def test_team_service_and_senior_managers_may_sign(world, role):
    entry = record(world, by=role)
    assert entry.signed_by == world.users[role]


@pytest.mark.parametrize("role", ["sw_north", "sw_north_2", "fsw_north", "qa", "inspector", "sw_south"])
def test_workers_auditors_and_inspectors_cannot_record_oversight(world, role):
    with pytest.raises(PermissionDenied):
        record(world, by=role)
    with pytest.raises(PermissionDenied):
        record(world, by=role, sign=False)
    assert not OversightEntry.objects.exists() and not OversightAction.objects.exists()


def test_a_manager_of_another_team_cannot_record_oversight(world):
    tm_south = f.make_worker("tm.south", role="team_manager", team=world.south)
    with pytest.raises(PermissionDenied):
        record(world, by="tm_north", child="south")
    assert record(world, child="south", by="sm_cin").signed_by == world.users["sm_cin"]
    with pytest.raises(PermissionDenied):
        services.oversight_entry_create(
            child=world.children["own"], author=tm_south, direction="x", rationale="y", next_oversight_date=NEXT
        )


def test_a_worker_cannot_sign_a_managers_draft(world):
    draft = record(world, sign=False)
    for role in ("sw_north", "fsw_north", "inspector", "qa"):
        with pytest.raises(PermissionDenied):
            services.oversight_entry_sign(entry=draft, by=world.users[role])
    draft.refresh_from_db()
    assert draft.signed_at is None


def test_only_the_author_signs_their_draft(world):
    draft = record(world, sign=False)
    with pytest.raises(PermissionDenied):
        services.oversight_entry_sign(entry=draft, by=world.users["sm_cin"])
    services.oversight_entry_sign(entry=draft, by=world.users["tm_north"])
    draft.refresh_from_db()
    assert draft.signed_by == world.users["tm_north"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"rationale": " "}, "rationale"),
        ({"next_oversight_date": None}, "next_oversight_date"),
        ({"next_oversight_date": TODAY}, "next_oversight_date"),
        ({"next_oversight_date": TODAY + timedelta(weeks=4, days=1)}, "next_oversight_date"),
    ],
    ids=["no-rationale", "no-next-date-on-open-case", "next-date-today", "next-date-beyond-the-standard"],
)
def test_signing_needs_rationale_and_a_next_date_within_the_standard(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        record(world, **overrides)
    assert field in error.value.message_dict
    assert not OversightEntry.objects.exists() and not OversightAction.objects.exists()  # nothing half-saved


def test_the_standard_for_the_next_date_is_a_council_setting(world):
    set_setting("oversight_weeks", 6)
    entry = record(world, next_oversight_date=TODAY + timedelta(weeks=6))
    assert entry.signed_at is not None


def test_a_closed_case_can_be_signed_without_a_next_date(world):
    episode = world.children["own"].cin_episodes.get()
    episode.closure_date, episode.closure_reason = TODAY, "RC1"
    episode.save()
    assert record(world, next_oversight_date=None).signed_at is not None


def test_a_draft_may_lack_rationale_and_next_date(world):
    draft = record(world, sign=False, rationale="", next_oversight_date=None)
    assert draft.signed_at is None
    assert set(services.signing_problems(draft)) == {"rationale", "next_oversight_date"}


def test_direction_is_always_required(world):
    with pytest.raises(ValidationError) as error:
        record(world, sign=False, direction="  ")
    assert "direction" in error.value.message_dict


@pytest.mark.parametrize(
    "action, message",
    [
        (("", "sw_north", 7), "enter what needs to be done"),
        (("Ring school", None, 7), "select who will do it"),
        (("Ring school", "sw_north", None), "enter the date it is due"),
        (("Ring school", "sw_north", -1), "must be today or in the future"),
    ],
)
def test_each_action_needs_what_who_and_a_date_not_past(world, action, message):
    description, owner, days = action
    spec = (description, world.users[owner] if owner else None, None if days is None else TODAY + timedelta(days=days))
    with pytest.raises(ValidationError) as error:
        record(world, actions=[spec])
    assert message in " ".join(error.value.message_dict["actions"])
    assert not OversightEntry.objects.exists()


def test_an_inactive_worker_cannot_own_an_action(world):
    leaver = world.users["sw_north_2"]
    leaver.is_active = False
    leaver.save()
    with pytest.raises(ValidationError):
        record(world, actions=[("Hand over", leaver, NEXT)])


def test_author_changes_a_draft_and_its_actions(world):
    draft = record(world, sign=False)
    services.oversight_entry_update(
        entry=draft,
        by=world.users["tm_north"],
        direction="New direction",
        rationale="New rationale",
        next_oversight_date=NEXT,
        actions=[
            ("First", world.users["sw_north"], NEXT),
            ("Second", world.users["tm_north"], NEXT),
        ],
    )
    draft.refresh_from_db()
    assert draft.direction == "New direction"
    assert list(draft.actions.order_by("pk").values_list("description", flat=True)) == ["First", "Second"]
    services.oversight_entry_update(entry=draft, by=world.users["tm_north"], direction="Shorter", actions=[])
    assert not draft.actions.exists()
    assert draft.history.count() >= 3  # every version of the draft is kept


def test_a_signed_entry_cannot_be_updated_or_signed_again(world):
    entry = record(world)
    with pytest.raises(ValidationError, match="signed and cannot be changed"):
        services.oversight_entry_update(entry=entry, by=world.users["tm_north"], direction="changed")
    with pytest.raises(ValidationError):
        services.oversight_entry_sign(entry=entry, by=world.users["tm_north"])
    entry.refresh_from_db()
    assert entry.direction.startswith("Visit weekly")


def test_only_the_author_changes_a_draft(world):
    draft = record(world, sign=False)
    with pytest.raises(PermissionDenied):
        services.oversight_entry_update(entry=draft, by=world.users["sm_cin"], direction="changed")


def test_addendum_follows_a_signed_entry_only(world):
    draft = record(world, sign=False)
    with pytest.raises(ValidationError):
        services.oversight_addendum_add(entry=draft, text="Too early", by=world.users["tm_north"])
    entry = record(world)
    with pytest.raises(ValidationError) as error:
        services.oversight_addendum_add(entry=entry, text=" ", by=world.users["tm_north"])
    assert "text" in error.value.message_dict
    for role in ("sw_north", "inspector", "qa"):
        with pytest.raises(PermissionDenied):
            services.oversight_addendum_add(entry=entry, text="Note", by=world.users[role])
    addendum = services.oversight_addendum_add(entry=entry, text="Dad seen on 3 Dec.", by=world.users["sm_cin"])
    assert addendum.author == world.users["sm_cin"] and OversightAddendum.objects.count() == 1


def test_action_completion_by_owner_or_manager_once(world):
    entry = record(world, actions=[("One", world.users["sw_north"], NEXT), ("Two", world.users["sw_north"], NEXT)])
    one, two = entry.actions.order_by("pk")
    with pytest.raises(PermissionDenied):
        services.oversight_action_complete(action=one, by=world.users["sw_north_2"], completed_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.oversight_action_complete(action=one, by=world.users["inspector"], completed_on=TODAY)
    done = services.oversight_action_complete(action=one, by=world.users["sw_north"], completed_on=TODAY, note="Sent")
    assert done.recorded_by == world.users["sw_north"]
    with pytest.raises(ValidationError, match="already"):
        services.oversight_action_complete(action=one, by=world.users["tm_north"], completed_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.oversight_action_complete(action=two, by=world.users["tm_north"], completed_on=TODAY + timedelta(1))
    assert "completed_on" in error.value.message_dict
    services.oversight_action_complete(action=two, by=world.users["tm_north"], completed_on=TODAY)


def test_actions_of_a_draft_cannot_be_completed(world):
    draft = record(world, sign=False)
    with pytest.raises(ValidationError):
        services.oversight_action_complete(action=draft.actions.get(), by=world.users["tm_north"], completed_on=TODAY)


# --- Check-ins (L4) ---------------------------------------------------------------------------


def test_supervising_social_worker_records_a_check_in(world, fsw_case):
    check_in = services.check_in_record(
        child=fsw_case,
        author=world.users["sw_north"],
        held_on=TODAY,
        summary="Routines are settling; mum engaging.",
        worries="Older brother's behaviour at school.",
    )
    assert check_in.family_support_worker == world.users["fsw_north"]
    assert check_in.author == world.users["sw_north"]


@pytest.mark.parametrize("role", ["sw_north_2", "fsw_north", "tm_north", "inspector", "qa"])
def test_only_the_supervising_social_worker_records_check_ins(world, fsw_case, role):
    with pytest.raises(PermissionDenied):
        services.check_in_record(child=fsw_case, author=world.users[role], held_on=TODAY, summary="Fine.")
    assert not CheckIn.objects.exists()


def test_a_supervisor_whose_allocation_ended_cannot_record(world, fsw_case):
    allocation = fsw_case.allocations.get(role="supervising_sw")
    allocation.end_date, allocation.end_reason = TODAY, AllocationReason.WORKER_LEFT
    allocation.save()
    with pytest.raises(PermissionDenied):
        services.check_in_record(child=fsw_case, author=world.users["sw_north"], held_on=TODAY, summary="Fine.")


@pytest.mark.parametrize(
    "overrides, field",
    [({"summary": ""}, "summary"), ({"held_on": TODAY + timedelta(days=1)}, "held_on"), ({"held_on": None}, "held_on")],
)
def test_check_in_needs_a_summary_and_a_date_not_in_the_future(world, fsw_case, overrides, field):
    fields = {"held_on": TODAY, "summary": "Fine."} | overrides
    with pytest.raises(ValidationError) as error:
        services.check_in_record(child=fsw_case, author=world.users["sw_north"], **fields)
    assert field in error.value.message_dict
    assert not CheckIn.objects.exists()


# --- Naming the supervising social worker (L4) -------------------------------------------------


@pytest.fixture
def unsupervised(world):
    child = f.make_child(first_name="Una", last_name="Supervised")
    f.allocate(child, team=world.north, worker=world.users["fsw_north"])
    f.open_cin_episode(child)
    return child


def test_manager_names_and_changes_the_supervising_social_worker(world, unsupervised):
    first = services.supervising_social_worker_assign(
        child=unsupervised, worker=world.users["sw_north"], reason="new_case", by=world.users["tm_north"]
    )
    assert first.role == "supervising_sw" and first.team == world.north and first.created_by == world.users["tm_north"]
    assert services.supervising_social_worker(unsupervised) == world.users["sw_north"]
    services.supervising_social_worker_assign(
        child=unsupervised, worker=world.users["sw_north_2"], reason="worker_absence", by=world.users["tm_north"]
    )
    first.refresh_from_db()
    assert first.end_date == TODAY and first.end_reason == "worker_absence"
    assert services.supervising_social_worker(unsupervised) == world.users["sw_north_2"]


@pytest.mark.parametrize(
    "worker, reason, field",
    [("fsw_north", "new_case", "worker"), ("sw_south", "new_case", "worker"), ("sw_north", "", "reason"),
     ("sw_north", "other", "detail")],
)  # fmt: skip
def test_naming_a_supervisor_checks_the_worker_and_the_reason(world, unsupervised, worker, reason, field):
    with pytest.raises(ValidationError) as error:
        services.supervising_social_worker_assign(
            child=unsupervised, worker=world.users[worker], reason=reason, by=world.users["tm_north"]
        )
    assert field in error.value.message_dict
    assert services.supervising_social_worker(unsupervised) is None


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "inspector", "qa"])
def test_only_managers_name_a_supervisor(world, unsupervised, role):
    with pytest.raises(PermissionDenied):
        services.supervising_social_worker_assign(
            child=unsupervised, worker=world.users["sw_north"], reason="new_case", by=world.users[role]
        )


def test_a_social_workers_case_needs_no_supervisor(world):
    with pytest.raises(ValidationError):
        services.supervising_social_worker_assign(
            child=world.children["own"], worker=world.users["sw_north_2"], reason="new_case", by=world.users["tm_north"]
        )
