"""The events the pathway, workforce, approvals and people apps declare: work recorded through the
services shows up in the chronology with a readable title, the right date, who did it, a link
to the record and the right significance - nothing typed twice."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lantern import factories as f
from lantern.approvals.models import Approval
from lantern.approvals.services import approval_record
from lantern.casework import services
from lantern.casework.models import (
    Assessment,
    CINEpisode,
    PlanOutcome,
    Section47,
    ThresholdLevel,
)
from lantern.chronology import selectors
from lantern.core.chronology import COLUMNS, sources
from lantern.people.models import Address, Household, HouseholdMember, RelationshipType
from lantern.workforce.models import Allocation, AllocationReason, Transfer, TransferKind

LONDON = ZoneInfo("Europe/London")


def _by_kind(child):
    found: dict[str, list] = {}
    for event in selectors.events(child.pk, selectors.ChronologyFilter(oldest_first=True)):
        found.setdefault(event.kind, []).append(event)
    return found


def _one(found, kind):
    assert kind in found, f"no {kind} event; kinds: {sorted(found)}"
    assert len(found[kind]) == 1, found[kind]
    return found[kind][0]


def _assessment_text():
    return {
        "lived_experience": "Cara spends evenings alone.",
        "child_words": "",
        "identity_diversity": "White British, speaks English.",
        "family_involvement": "Mum took part in two sessions.",
        "family_views": "Mum wants help with routines.",
        "worries": "Left alone at night.",
        "strengths": "Grandmother nearby.",
        "danger_statements": "",
        "safety_goals": "",
        "analysis": "Risk of significant harm from neglect.",
        "safety_scale": 3,
        "outcome": "strategy",
    }


@pytest.fixture
def journey(world):
    """A child's pathway recorded through the casework services: contact, decision, referral,
    assessment (authorised), strategy discussion, S47, ICPC, CP plan, review, end, closure."""
    sw, tm = world.users["sw_north"], world.users["tm_north"]
    child = f.make_child(first_name="Cara", last_name="Journey")
    f.allocate(child, team=world.north, worker=None, start=date(2026, 3, 2))
    contact = services.contact_record(
        child=child,
        received_at=datetime(2026, 3, 2, 9, 30, tzinfo=LONDON),
        source="6",
        method="phone",
        contact_name="PC Jones",
        concern="Found alone at night.",
        recorded_by=sw,
    )
    services.contact_decide(
        contact=contact,
        level=ThresholdLevel.objects.get(code="child_in_need"),
        route="referral",
        reason="Young child left alone.",
        decided_by=tm,
        primary_need="N1",
        team=world.south,
        worker=world.users["sw_south"],
    )
    assessment = services.assessment_start(child=child, start_date=date(2026, 3, 3), author=sw)
    services.assessment_update(assessment=assessment, factors=["2B"], **_assessment_text())
    services.assessment_submit(assessment=assessment, by=sw)
    services.assessment_decide(
        assessment=assessment,
        decision="approved",
        comment="Clear analysis.",
        rationale="The evidence supports a strategy discussion.",
        quality_grade="good",
        by=tm,
    )
    services.strategy_discussion_record(
        child=child,
        date=date(2026, 3, 10),
        attendees="DS Khan (police)",
        concerns="Left alone at night.",
        decision_s47=True,
        rationale="Reasonable cause to suspect significant harm.",
        by=sw,
    )
    s47 = Section47.objects.get(child=child)
    plan = services.icpc_record(
        section47=s47,
        icpc_date=date(2026, 3, 24),
        not_required=False,
        plan_needed=True,
        category="NEG",
        outcome_summary="Plan agreed by all agencies.",
        by=sw,
    )
    services.cp_review_record(plan=plan, date=date(2026, 6, 23), latest_category="EMO")
    services.cp_plan_end(plan=plan, end_date=date(2026, 9, 1))
    request = services.closure_request(
        child=child, reason="RC7", closure_date=date(2026, 9, 2), summary="Safe with grandmother now.", by=sw
    )
    services.closure_decide(request=request, decision="approved", comment="Agreed.", rationale="Risks reduced.", by=tm)
    return child


def test_a_protection_pathway_recorded_through_the_services_is_all_there(journey, world):
    sw, tm = world.users["sw_north"], world.users["tm_north"]
    found = _by_kind(journey)

    contact = _one(found, "contact")
    assert contact.title == "Contact received from Police"
    assert contact.on == date(2026, 3, 2) and contact.at.astimezone(LONDON).hour == 9
    assert contact.detail == "Found alone at night." and contact.actor == sw.display_name
    assert contact.url == f"/children/{journey.pk}/contacts/{contact.object_id}/decide/"

    decision = _one(found, "contact_decision")
    assert decision.title == "Front door decision: referral to children's social care"
    assert decision.detail == "Level of need: Child in need. Young child left alone."
    assert decision.actor == tm.display_name

    referral = _one(found, "referral")
    assert referral.title == "Referral: child in need episode started" and not referral.significant
    assert referral.detail == "Source: Police. Primary need: Abuse or neglect."

    # The front door hold passed to the south team's worker: one ended, one started, with reasons.
    ends = [e.title for e in found["allocation_end"]]
    starts = [e.title for e in found["allocation_start"]]
    assert "Held by North locality, not allocated to a worker" in starts
    assert f"Allocated to {world.users['sw_south'].display_name} (South locality)" in starts
    assert "North locality stopped holding the child" in ends

    assert _one(found, "assessment_start").title == "Child and family assessment started"
    submitted = _one(found, "assessment_submitted")
    assert submitted.detail == "Recommended outcome: Strategy discussion / section 47."
    authorised = _one(found, "assessment_decision")
    assert authorised.title == f"Assessment authorised by {tm.display_name}"
    assert authorised.detail == "Quality: Good. The evidence supports a strategy discussion."
    assessment = Assessment.objects.get(child=journey)
    assert authorised.url == f"/children/{journey.pk}/assessments/{assessment.pk}/"
    assert "assessment_authorised" not in found  # the approval already says it: no duplicate

    strategy = _one(found, "strategy_discussion")
    assert strategy.title == "Strategy discussion: section 47 enquiry agreed" and strategy.significant
    assert _one(found, "s47_start").significant
    icpc = _one(found, "icpc")
    assert icpc.title == "Initial child protection conference held" and icpc.on == date(2026, 3, 24)
    assert icpc.detail == "Plan agreed by all agencies."
    started = _one(found, "cp_plan_start")
    assert started.title == "Child protection plan started: Neglect" and started.significant
    assert _one(found, "cp_review").on == date(2026, 6, 23)
    ended = _one(found, "cp_plan_end")
    assert ended.significant and ended.detail == "Category at the end: Emotional abuse."

    assert _one(found, "closure_request").title == (
        "Closure requested: Services ceased for any other reason, including no longer in need"
    )
    assert _one(found, "closure_decision").title == f"Closure approved by {tm.display_name}"
    closed = _one(found, "episode_closed")
    assert closed.on == date(2026, 9, 2) and closed.significant and closed.actor == tm.display_name
    assert closed.title.startswith("Child in need episode closed: Services ceased")


def test_every_event_has_the_child_a_date_and_a_working_link(journey, client, world):
    client.force_login(world.users["leader"])
    for event in selectors.events(journey.pk):
        assert event.on is not None and event.title
        if event.url:
            assert client.get(event.url).status_code == 200, (event.kind, event.url)


@pytest.fixture
def family_plan(world):
    """Two siblings on a family CIN plan: approved, reviewed, an action done, then one steps down."""
    sw, tm = world.users["sw_north"], world.users["tm_north"]
    own, team = world.children["own"], world.children["team"]
    plan = services.cin_plan_create(children=[own, team], title="Owens family plan", author=sw)
    for section in plan.children.all():
        services.plan_section_update(
            section=section,
            needs="Routine and school attendance.",
            child_views="Wants to see friends.",
            family_views="Agree.",
            contingency="Strategy discussion if attendance falls.",
            contingency_by=date.today() + timedelta(days=60),
        )
        services.plan_outcome_add(
            section=section,
            description="Attends school every day",
            measure="Attendance",
            target_date=date.today() + timedelta(days=90),
            baseline_score=3,
        )
        services.plan_action_add(
            section=section,
            outcome=None,
            what="Morning routine chart",
            who="Mum",
            agency="family",
            due_date=date.today() + timedelta(days=30),
        )
    services.cin_plan_submit(plan=plan, by=sw)
    services.cin_plan_decide(plan=plan, decision="approved", comment="Good plan.", rationale="SMART outcomes.", by=tm)
    services.plan_review_record(
        plan=plan,
        date=date.today(),
        attendees="Mum, school",
        decisions="Carry on.",
        scores={o.pk: 5 for o in PlanOutcome.objects.filter(section__plan=plan)},
        comments={},
        by=sw,
    )
    action = plan.children.get(child=own).actions.get()
    services.plan_action_complete(action=action, completed_date=date.today())
    step_down = services.step_down_request(
        child=own,
        outcomes_met=False,
        outcomes_reason="Family want to work with early help now.",
        family_agrees=True,
        early_help_accepts=True,
        early_help_team=world.west,
        proposed_date=date.today(),
        by=sw,
    )
    services.step_down_decide(
        step_down=step_down, decision="returned", comment="Not yet.", rationale="Review first.", by=tm
    )
    return plan


def test_a_family_plan_shows_on_each_childs_chronology(family_plan, world):
    tm = world.users["tm_north"]
    own = _by_kind(world.children["own"])
    team = _by_kind(world.children["team"])
    for found in (own, team):
        assert _one(found, "cin_plan_submitted").detail == "Owens family plan"
        assert _one(found, "cin_plan_decision").title == f"Child in need plan approved by {tm.display_name}"
        assert _one(found, "cin_plan_start").detail == "Owens family plan"
        assert _one(found, "cin_plan_review").detail == "Carry on."
    assert _one(own, "cin_plan_start").url == f"/children/{world.children['own'].pk}/plans/{family_plan.pk}/"
    assert _one(own, "plan_action_done").title == "Plan action done: Morning routine chart"
    assert "plan_action_done" not in team  # the action was in Olivia's section only
    request = _one(own, "step_down_request")
    assert request.title == "Step-down to early help requested (West disabled children)"
    assert request.detail == "Outcomes not all met: Family want to work with early help now."
    returned = _one(own, "step_down_decision")
    assert returned.title == f"Step-down to early help returned for more work by {tm.display_name}"
    assert returned.detail == "Review first."


def test_re_referral_nfa_early_help_and_closure_without_a_conference(world):
    sw, tm = world.users["sw_north"], world.users["tm_north"]
    child = world.children["own"]
    episode = CINEpisode.objects.get(child=child)
    services.strategy_discussion_record(
        child=child,
        date=date(2026, 1, 6),
        attendees="Police",
        concerns="Bruise",
        decision_s47=True,
        rationale="Check",
        by=sw,
    )
    s47 = Section47.objects.get(child=child)
    services.icpc_record(
        section47=s47,
        icpc_date=None,
        not_required=True,
        plan_needed=False,
        category="",
        outcome_summary="Accidental injury.",
        by=sw,
    )
    episode.closure_date, episode.closure_reason, episode.closed_by = date(2026, 2, 2), "RC7", tm
    episode.save()
    contact = services.contact_record(
        child=child,
        received_at=datetime(2026, 3, 2, 11, 0, tzinfo=LONDON),
        source="2A",
        method="email",
        contact_name="",
        concern="Worries again.",
        recorded_by=sw,
    )
    services.contact_decide(
        contact=contact,
        level=ThresholdLevel.objects.get(code="child_in_need"),
        route="referral",
        reason="Second referral in three months.",
        decided_by=tm,
        primary_need="N1",
        team=world.north,
    )
    found = _by_kind(child)
    no_conference = _one(found, "s47_no_conference")
    assert no_conference.title == "Section 47 enquiry concluded: no conference needed"
    assert no_conference.on == date.today()  # the day the outcome was recorded (from the history)
    assert no_conference.significant
    rereferral = [e for e in found["referral"] if e.on == date(2026, 3, 2)][0]
    assert rereferral.title == "Re-referral: child in need episode started" and rereferral.significant
    assert _one(found, "contact_decision").title.endswith("(re-referral)")

    nfa_child = world.children["south"]
    CINEpisode.objects.filter(child=nfa_child).update(
        referral_nfa=True, primary_need="", closure_date=date(2026, 1, 5), closure_reason="RC7"
    )
    f.open_early_help(nfa_child, start=date(2026, 1, 6), team=world.west)
    found = _by_kind(nfa_child)
    assert _one(found, "referral_nfa").title == "Referral: no further action"
    assert "referral" not in found and "episode_closed" not in found  # an NFA is one event, not three
    assert _one(found, "early_help_start").title == "Early help started with West disabled children"


def test_an_assessment_authorised_without_a_recorded_decision_still_shows(world):
    child = world.children["own"]
    episode = CINEpisode.objects.get(child=child)
    Assessment.objects.create(
        episode=episode,
        child=child,
        start_date=date(2026, 1, 6),
        due_date=date(2026, 3, 9),
        status="approved",
        authorised_date=date(2026, 2, 20),
    )
    event = _one(_by_kind(child), "assessment_authorised")
    assert event.title == "Assessment authorised" and event.on == date(2026, 2, 20)


def test_a_decision_of_a_kind_added_later_is_still_in_the_chronology(world):
    child = world.children["own"]
    approval_record(
        subject=child,
        kind="practice_review",
        child=child,
        decision="returned",
        comment="More detail.",
        rationale="The review lacks the child's voice.",
        decided_by=world.users["tm_north"],
    )
    event = _one(_by_kind(child), "approval")
    assert event.title == f"Manager decision on practice review: returned for more work by {world.users['tm_north']}"
    assert event.detail == "The review lacks the child's voice."
    assert Approval.objects.count() == 1


def test_transfers_and_worker_changes_with_reasons(world):
    sw = world.users["sw_north"]
    child = world.children["own"]
    allocation = child.allocations.get()
    allocation.end_date, allocation.end_reason = date(2026, 2, 1), AllocationReason.WORKER_LEFT
    allocation.save()
    Allocation.objects.create(
        child=child,
        team=world.north,
        worker=world.users["sw_north_2"],
        start_date=date(2026, 2, 1),
        start_reason=AllocationReason.WORKER_LEFT,
        reason_detail="Sam moved to another council",
    )
    transfer = services.transfer_request(
        child=child, kind=TransferKind.TEAM, to_team=world.south, reason="Family moved south.", by=sw
    )
    services.transfer_respond(
        transfer=transfer, accept=False, rationale="Not our patch yet.", by=world.users["sw_south"]
    )
    transfer.refresh_from_db()
    services.transfer_resolve(
        transfer=transfer, go_ahead=True, rationale="Address confirmed.", by=world.users["sm_cin"]
    )
    found = _by_kind(child)
    ended = [e for e in found["allocation_end"] if e.on == date(2026, 2, 1)][0]
    assert ended.title == f"{sw.display_name} no longer allocated (North locality)"
    assert ended.detail == "Reason: Worker left."
    started = [e for e in found["allocation_start"] if e.on == date(2026, 2, 1)][0]
    assert started.title == f"Allocated to {world.users['sw_north_2'].display_name} (North locality)"
    assert started.detail == "Reason: Worker left. Sam moved to another council"
    assert _one(found, "transfer_request").title == "Transfer requested from North locality to South locality"
    disputed = _one(found, "transfer_response")
    assert disputed.title == "Transfer disputed by South locality" and disputed.detail == "Not our patch yet."
    resolved = _one(found, "transfer_resolved")
    assert resolved.title == "Transfer dispute resolved: the move to South locality goes ahead"
    assert resolved.actor == world.users["sm_cin"].display_name
    assert resolved.url == f"/children/{child.pk}/transfers/{Transfer.objects.get().pk}/"


def test_birth_addresses_and_dated_relationships(world):
    child = world.children["own"]
    child.person.date_of_birth = date(2015, 6, 1)
    child.person.save()
    mum = f.make_person(first_name="Maria", last_name="Owens")
    household = Household.objects.create(name="Mum's home")
    HouseholdMember.objects.create(household=household, person=child.person, start_date=date(2015, 6, 1))
    HouseholdMember.objects.create(household=household, person=mum, start_date=date(2010, 1, 1))
    Address.objects.create(
        household=household, line1="1 Old Road", town="Maidstone", postcode="ME1 1AA",
        start_date=date(2012, 1, 1), end_date=date(2020, 5, 31),
    )  # fmt: skip
    Address.objects.create(
        household=household, line1="2 New Street", line2="Flat 3", town="Ashford", postcode="TN23 1AB",
        start_date=date(2020, 6, 1),
    )  # fmt: skip
    other = Household.objects.create(name="Before Olivia was born")
    Address.objects.create(
        household=other, line1="9 Far Lane", town="Dover", postcode="CT1 1AA", start_date=date(2000, 1, 1)
    )
    step = f.make_person(first_name="Tom", last_name="Step")
    f.relate(step, child.person, RelationshipType.STEP_PARENT, start_date=date(2019, 4, 1), end_date=date(2023, 1, 1))
    f.relate(mum, child.person, RelationshipType.MOTHER)  # no date: not an event
    found = _by_kind(child)
    assert _one(found, "birth").on == date(2015, 6, 1)
    addresses = [(e.on, e.title) for e in found["address"]]
    assert addresses == [
        (date(2015, 6, 1), "Living at 1 Old Road, Maidstone ME1 1AA"),
        (date(2020, 6, 1), "Moved to 2 New Street, Flat 3, Ashford TN23 1AB"),
    ]
    assert found["address"][0].detail == "Household: Mum's home"
    assert _one(found, "relationship_start").title == "Relationship began: Tom Step (step-parent)"
    assert _one(found, "relationship_end").on == date(2023, 1, 1)
    assert "death" not in found


def test_every_declared_source_lines_up_for_the_union(world):
    """Each source - this app's and every other app's - gives exactly the chronology columns, a
    unique kind, a group and a label, and runs inside the union on this database."""
    kinds = [s.kind for s in sources()]
    assert len(kinds) == len(set(kinds))
    for source in sources():
        assert source.label and source.group, source.kind
        assert tuple(source.rows().query.values_select + tuple(source.rows().query.annotation_select)) == COLUMNS
    child = world.children["own"].pk
    by_kind = [selectors.count(child, selectors.ChronologyFilter(kinds=frozenset({s.kind}))) for s in sources()]
    assert sum(by_kind) == selectors.count(child) >= 2
