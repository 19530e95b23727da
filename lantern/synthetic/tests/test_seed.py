"""Tests for the synthetic authority generator and `manage.py seed_authority`.

The demo size takes well under a second to generate, so each test that needs it makes its own.
"""

import hashlib
import itertools
import re
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from lantern.access.models import AccessListEntry
from lantern.approvals.models import Approval
from lantern.casework.models import (
    Assessment,
    AssessmentFactorRecord,
    ChildProtectionPlan,
    CINEpisode,
    CINPlan,
    CINPlanChild,
    ClosureRequest,
    Contact,
    ContactDecision,
    CPPlanReview,
    EarlyHelpEpisode,
    OutcomeProgress,
    PlanAction,
    PlanOutcome,
    PlanReview,
    Section47,
    StepDown,
    StrategyDiscussion,
    WorkStatus,
)
from lantern.casework.selectors import work_items
from lantern.core.calendar import add_working_days, is_working_day, working_days_between
from lantern.core.identifiers import validate_nhs_number, validate_upn
from lantern.people.models import Child, Relationship, RelationshipType
from lantern.synthetic.generator import DEMO_PASSWORD, LONDON, seed_authority
from lantern.synthetic.management.commands.seed_authority import Command
from lantern.workforce.models import (
    Allocation,
    AllocationReason,
    AllocationRole,
    Role,
    Team,
    Transfer,
    TransferStatus,
    Worker,
)

AS_OF = date(2026, 3, 31)
SIBLING_TYPES = (RelationshipType.SIBLING, RelationshipType.HALF_SIBLING)


def digest() -> str:
    """A fingerprint of the generated data that ignores database ids and timestamps."""
    h = hashlib.sha256()
    queries = (
        Child.objects.order_by("la_child_id").values_list(
            "la_child_id", "person__first_name", "person__last_name", "person__date_of_birth", "person__sex",
            "person__ethnicity", "upn", "nhs_number",
        ),
        CINEpisode.objects.order_by("child__la_child_id", "referral_date").values_list(
            "child__la_child_id", "referral_date", "referral_source", "primary_need", "closure_date", "closure_reason",
            "team__name",
        ),
        Allocation.objects.order_by(
            "child__la_child_id", "start_date", "role", "worker__username", "team__name", "end_date"
        ).values_list(
            "child__la_child_id", "team__name", "worker__username", "role", "start_date", "end_date", "end_reason",
        ),
        Worker.objects.order_by("username").values_list("username", "role", "team__name", "is_active"),
        ContactDecision.objects.order_by("contact__child__la_child_id", "decided_at", "route").values_list(
            "contact__child__la_child_id", "contact__received_at", "route", "level__code", "decided_by__username",
            "decided_at", "previous_episode__referral_date",
        ),
        Assessment.objects.order_by("child__la_child_id", "start_date").values_list(
            "child__la_child_id", "start_date", "authorised_date", "status", "outcome", "safety_scale",
            "author__username", "lived_experience",
        ),
        Section47.objects.order_by("child__la_child_id", "start_date").values_list(
            "child__la_child_id", "start_date", "icpc_target_date", "icpc_date", "icpc_not_required",
        ),
        CINPlanChild.objects.order_by("child__la_child_id", "start_date", "plan__created_at").values_list(
            "child__la_child_id", "plan__title", "plan__status", "start_date", "end_date", "plan__next_review_date",
        ),
        PlanReview.objects.order_by("plan__title", "date").values_list("plan__title", "date", "recorded_by__username"),
        Approval.objects.order_by("child__la_child_id", "decided_at", "kind").values_list(
            "child__la_child_id", "kind", "decision", "quality_grade", "decided_by__username", "decided_at",
        ),
    )  # fmt: skip
    for query in queries:
        for row in query:
            h.update(repr(row).encode())
    return h.hexdigest()


def run(command_args: list[str]) -> str:
    out = StringIO()
    call_command(Command(), *command_args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def demo(db):
    return seed_authority(size="demo", seed=7, as_of=AS_OF)


def open_children(worker: Worker, role: str = AllocationRole.LEAD) -> set[int]:
    return set(
        Allocation.objects.filter(worker=worker, end_date__isnull=True, role=role).values_list("child_id", flat=True)
    )


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(PRODUCTION=True)
def test_command_refuses_in_production():
    with pytest.raises(CommandError, match="production"):
        run(["--size", "tiny", "--seed", "1", "--as-of", "2026-03-31"])
    assert not Child.objects.exists()
    assert not Team.objects.exists()


@pytest.mark.django_db
def test_command_seeds_an_empty_database_then_refuses_or_skips():
    out = run(["--size", "tiny", "--seed", "3", "--as-of", "2026-03-31"])
    assert Child.objects.exists()
    assert "Demo logins (password: lantern-demo)" in out
    assert re.search(r"sw\.north\s+Social worker\s+North locality", out)
    assert "children in need on 31 March 2026" in out
    children = Child.objects.count()

    with pytest.raises(CommandError, match="already has children"):
        run(["--size", "tiny", "--seed", "4", "--as-of", "2026-03-31"])

    out = run(["--size", "tiny", "--seed", "4", "--as-of", "2026-03-31", "--if-empty"])
    assert "not seeding" in out
    assert Child.objects.count() == children
    # make run seeds with --if-empty every time, so the sign-ins are printed even when skipping.
    assert "Demo logins (password: lantern-demo)" in out and "sw.north" in out and "tm.north" in out


@pytest.mark.django_db
def test_command_rejects_unknown_size_and_bad_date():
    with pytest.raises(CommandError, match="choose from demo, lancashire, kent"):
        run(["--size", "huge", "--seed", "1"])
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(["--size", "tiny", "--seed", "1", "--as-of", "31/03/2026"])
    assert not Child.objects.exists()


def test_help_does_not_offer_the_tiny_size():
    parser = Command().create_parser("manage.py", "seed_authority")
    assert "tiny" not in parser.format_help()
    assert "{demo,lancashire,kent}" in parser.format_help()


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    def fingerprint(seed: int) -> str:
        with transaction.atomic():
            seed_authority(size="tiny", seed=seed, as_of=AS_OF)
            result = digest()
            transaction.set_rollback(True)
        assert not Child.objects.exists()
        return result

    first = fingerprint(11)
    assert fingerprint(11) == first
    assert fingerprint(12) != first


# ---------------------------------------------------------------------------
# The demo authority
# ---------------------------------------------------------------------------


def test_demo_accounts_have_the_right_roles_teams_and_password(demo):
    expected = {
        "sw.north": (Role.SOCIAL_WORKER, "North locality"),
        "sw.south": (Role.SOCIAL_WORKER, "South locality"),
        "fsw.north": (Role.FAMILY_SUPPORT_WORKER, "North locality"),
        "tm.north": (Role.TEAM_MANAGER, "North locality"),
        "sm.cin": (Role.SERVICE_MANAGER, None),
        "qa": (Role.QUALITY_AUDITOR, "Quality assurance"),
        "leader": (Role.SENIOR_LEADER, None),
        "inspector": (Role.INSPECTOR, None),
        "admin": (Role.COUNCIL_ADMIN, None),
    }
    for username, (role, team) in expected.items():
        worker = Worker.objects.select_related("team", "service").get(username=username)
        assert worker.role == role, username
        assert (worker.team.name if worker.team else None) == team, username
        assert worker.is_active
        assert worker.check_password(DEMO_PASSWORD), username
    assert Worker.objects.get(username="sm.cin").service.name == "Children in need"
    assert Team.objects.get(name="North locality").workers.filter(role=Role.TEAM_MANAGER).get().username == "tm.north"
    # Nobody else can log in with a password, and some workers have left.
    other = Worker.objects.exclude(username__in=expected).order_by("username").first()
    assert not other.has_usable_password()
    assert Worker.objects.filter(is_active=False).exists()
    # The demo accounts, and only they, carry the mark that spares them a second factor
    # (honoured outside production only: lantern.identity.policy.mfa_required).
    from lantern.identity.models import MfaExemption

    assert set(MfaExemption.objects.values_list("worker__username", flat=True)) == set(expected)


def test_demo_teams_have_a_manager_and_five_to_nine_social_workers(demo):
    names = set(Team.objects.values_list("name", flat=True))
    assert {
        "Front door", "Assessment hub", "CIN hub", "North locality", "South locality", "Child protection",
        "Early help", "Quality assurance",
    } <= names  # fmt: skip
    for team in Team.objects.exclude(type__in=["early_help", "quality_assurance"]):
        active = team.workers.filter(is_active=True)
        assert active.filter(role=Role.TEAM_MANAGER).count() == 1, team.name
        assert 5 <= active.filter(role=Role.SOCIAL_WORKER).count() <= 9, team.name
        assert 1 <= active.filter(role=Role.FAMILY_SUPPORT_WORKER).count() <= 3, team.name


def test_sw_north_holds_a_showcase_sibling_group(demo):
    sw_north = Worker.objects.get(username="sw.north")
    children = open_children(sw_north)
    assert 20 <= len(children) <= 24
    assert not Allocation.objects.filter(worker=sw_north, end_date__isnull=True).exclude(role="lead").exists()
    pairs = {
        frozenset((r.person_id, r.relative_id))
        for r in Relationship.objects.filter(type__in=SIBLING_TYPES, person_id__in=children, relative_id__in=children)
    }
    trios = [
        trio
        for trio in itertools.combinations(sorted(children), 3)
        if all(frozenset(pair) in pairs for pair in itertools.combinations(trio, 2))
    ]

    def ages(trio: tuple[int, ...]) -> list[int]:
        people = [Child.objects.get(pk=pk).person for pk in trio]
        return sorted(p.age_on(AS_OF) if p.date_of_birth else -1 for p in people)

    def workers_in_last_year(pk: int) -> int:
        recent = Allocation.objects.filter(child_id=pk, role="lead", worker__isnull=False).exclude(
            end_date__lte=date(2025, 3, 31)
        )
        return len(set(recent.values_list("worker_id", flat=True)))

    # Three siblings of different ages, one under 5, all held by sw.north; they have had four
    # workers in the last 12 months (the letter's "some children had four workers").
    showcase = [t for t in trios if len(set(ages(t))) == 3 and 0 <= ages(t)[0] < 5]
    assert showcase, "sw.north should hold three siblings of different ages, one under 5"
    assert any(all(workers_in_last_year(pk) == 4 for pk in trio) for trio in showcase)


def test_other_named_caseloads(demo):
    assert 15 <= len(open_children(Worker.objects.get(username="sw.south"))) <= 20
    assert 12 <= len(open_children(Worker.objects.get(username="fsw.north"))) <= 17
    # Some cases held by family support workers have a supervising social worker in the same team.
    supervised = Allocation.objects.filter(role=AllocationRole.SUPERVISING_SOCIAL_WORKER, end_date__isnull=True)
    assert supervised.exists()
    for sup in supervised.select_related("worker", "team"):
        assert sup.worker.role == Role.SOCIAL_WORKER
        lead = Allocation.objects.get(child_id=sup.child_id, role="lead", end_date__isnull=True)
        assert lead.worker.role == Role.FAMILY_SUPPORT_WORKER
        assert lead.team_id == sup.team_id == sup.worker.team_id


def test_restricted_child_has_an_access_list_of_two_managers(demo):
    restricted = Child.objects.get(restricted=True)
    assert restricted.restriction_reason == "Relative of a member of staff"
    grants = AccessListEntry.objects.filter(child=restricted, revoked_at__isnull=True)
    assert sorted(grants.values_list("worker__username", flat=True)) == ["sm.cin", "tm.north"]
    assert not Allocation.objects.filter(child=restricted, worker__username="sw.north").exists()
    lead = Allocation.objects.get(child=restricted, role="lead", end_date__isnull=True)
    assert lead.team.name == "North locality"
    assert CINEpisode.objects.filter(child=restricted, closure_date__isnull=True).exists()


def test_unallocated_children_in_north(demo):
    waiting = Allocation.objects.filter(team__name="North locality", role="lead", end_date__isnull=True, worker=None)
    assert 1 <= waiting.count() <= 3
    total_open = Allocation.objects.filter(role="lead", end_date__isnull=True).count()
    assert Allocation.objects.filter(role="lead", end_date__isnull=True, worker=None).count() <= 0.12 * total_open


def test_episodes_and_allocations_hang_together(demo):
    open_episodes = CINEpisode.objects.filter(closure_date__isnull=True)
    assert 80 <= open_episodes.count() <= 170
    # No child has two open CIN episodes, two open CP plans or two open lead allocations.
    for model, field in ((CINEpisode, "closure_date"), (ChildProtectionPlan, "end_date")):
        counts = Counter(model.objects.filter(**{f"{field}__isnull": True}).values_list("child_id", flat=True))
        assert max(counts.values()) == 1
    leads = Counter(Allocation.objects.filter(role="lead", end_date__isnull=True).values_list("child_id", flat=True))
    assert max(leads.values()) == 1
    # Every open episode's child has an open lead allocation.
    assert set(open_episodes.values_list("child_id", flat=True)) <= set(leads)
    # Closure date and reason come together; closure is not before referral.
    for ep in CINEpisode.objects.all():
        assert (ep.closure_date is None) == (ep.closure_reason == "")
        assert ep.closure_date is None or ep.closure_date >= ep.referral_date
        assert ep.referral_nfa or ep.primary_need
        assert not ep.referral_nfa or ep.closure_reason == "RC7"
    # Every episode records its team; a closed one who closed it (the team manager).
    assert not CINEpisode.objects.filter(team__isnull=True).exists()
    closed_by = CINEpisode.objects.filter(closure_date__isnull=False).values_list("closed_by__role", flat=True)
    assert set(closed_by) == {Role.TEAM_MANAGER}
    # A child's episodes do not overlap.
    previous: dict[int, CINEpisode] = {}
    for ep in CINEpisode.objects.order_by("child_id", "referral_date"):
        before = previous.get(ep.child_id)
        assert before is None or (before.closure_date is not None and before.closure_date < ep.referral_date)
        previous[ep.child_id] = ep
    # Allocations: end date and reason together; a closed episode's lead allocation ends "case closed".
    for a in Allocation.objects.all():
        assert (a.end_date is None) == (a.end_reason == "")
        assert a.end_date is None or a.end_date >= a.start_date
    closed = CINEpisode.objects.filter(closure_date__isnull=False, referral_nfa=False)
    for ep in closed.order_by("?")[:50]:
        assert Allocation.objects.filter(
            child_id=ep.child_id, role="lead", end_date=ep.closure_date, end_reason=AllocationReason.CASE_CLOSED
        ).exists(), ep.pk
    # CP plans sit inside their episode.
    for plan in ChildProtectionPlan.objects.select_related("episode"):
        assert plan.start_date >= plan.episode.referral_date
        if plan.episode.closure_date is not None:
            assert plan.end_date is not None and plan.end_date <= plan.episode.closure_date
    assert EarlyHelpEpisode.objects.exists()


def test_shapes_follow_the_national_figures(demo):
    episodes = CINEpisode.objects.all()
    year = episodes.filter(referral_date__gt=date(2025, 3, 31))
    assert 250 <= year.count() <= 450
    nfa = year.filter(referral_nfa=True).count() / year.count()
    assert 0.005 <= nfa <= 0.15
    needs = Counter(episodes.filter(referral_nfa=False).values_list("primary_need", flat=True))
    assert 0.45 <= needs["N1"] / sum(needs.values()) <= 0.70
    reasons = Counter(episodes.exclude(closure_reason="").values_list("closure_reason", flat=True))
    assert reasons.most_common(2)[0][0] in ("RC8", "RC7")
    assert {"RC7", "RC8", "RC9"} <= set(reasons)
    plans = ChildProtectionPlan.objects.count() / episodes.filter(referral_nfa=False).count()
    assert 0.04 <= plans <= 0.18
    # More than one episode for some children (re-referrals).
    per_child = Counter(episodes.values_list("child_id", flat=True))
    assert sum(1 for n in per_child.values() if n > 1) > 0.1 * len(per_child)


def test_children_identifiers_and_families(demo):
    children = Child.objects.select_related("person")
    ids = list(children.values_list("la_child_id", flat=True))
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"LC\d{7}", x) for x in ids)
    ethnicity = Counter(children.values_list("person__ethnicity", flat=True))
    assert ethnicity.most_common(1)[0][0] == "WBRI"
    assert len(ethnicity) >= 8
    for child in children:
        person = child.person
        if child.upn:
            validate_upn(child.upn)
        else:
            assert child.upn_unknown
        if child.nhs_number:
            validate_nhs_number(child.nhs_number)
        if person.date_of_birth is None:
            assert person.expected_date_of_birth and person.sex == "U" and not child.nhs_number
        else:
            assert person.sex in ("M", "F")
            assert person.date_of_birth <= AS_OF
    with_upn = children.exclude(upn="").count()
    assert with_upn > 0.4 * children.count()
    # Every child has a mother, and disability rows (NONE for most).
    mothers = set(Relationship.objects.filter(type=RelationshipType.MOTHER).values_list("relative_id", flat=True))
    assert set(children.values_list("pk", flat=True)) <= mothers
    assert all(child.disabilities.exists() for child in children.order_by("?")[:50])
    # Siblings are linked once per pair, never to themselves.
    sibling_rows = Relationship.objects.filter(type__in=SIBLING_TYPES).values_list("person_id", "relative_id")
    pairs = Counter(frozenset(p) for p in sibling_rows)
    assert pairs and max(pairs.values()) == 1
    # Addresses are fictional: XL postcodes only.
    from lantern.people.models import Address

    assert all(pc.startswith("XL") for pc in Address.objects.values_list("postcode", flat=True))
    assert Address.objects.filter(end_date__isnull=False).exists()


def test_census_rules_1530_2990_8840_and_8825q_hold(demo):
    # 1530: every UPN carries the council's own LA code (888) in characters 2-4.
    upns = list(Child.objects.exclude(upn="").values_list("upn", flat=True))
    assert upns and all(upn[1:4] == "888" for upn in upns)
    # 2990: an episode closed after assessment (RC8/RC9) has no strategy discussion, S47, ICPC, CIN plan section
    # or CP plan.
    after_assessment = CINEpisode.objects.filter(closure_reason__in=["RC8", "RC9"])
    assert after_assessment.filter(closure_reason="RC8").exists() and after_assessment.filter(closure_reason="RC9")
    assert not after_assessment.filter(strategy_discussions__isnull=False).exists()
    assert not after_assessment.filter(section47s__isnull=False).exists()
    assert not after_assessment.filter(plan_sections__isnull=False).exists()
    assert not after_assessment.filter(cp_plans__isnull=False).exists()
    # 8825Q: an NFA referral had no assessment, so it closes RC7, never RC8/RC9.
    assert CINEpisode.objects.filter(referral_nfa=True).exists()
    assert not after_assessment.filter(referral_nfa=True).exists()
    # Step-downs to early help after a plan still happen (closed RC7).
    assert StepDown.objects.filter(episode__closure_reason="RC7", episode__plan_sections__isnull=False).exists()
    # 8840: a CP plan never starts and ends on the same day.
    plans = ChildProtectionPlan.objects.filter(end_date__isnull=False)
    assert plans.exists()
    assert all(p.end_date > p.start_date for p in plans)


# ---------------------------------------------------------------------------
# The pathway: decisions, assessments, S47s, plans, reviews, step-downs, closures, transfers
# ---------------------------------------------------------------------------


@pytest.fixture(scope="class")
def pathway_demo(django_db_setup, django_db_blocker):
    """One demo authority for the read-only pathway tests of a class, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = seed_authority(size="demo", seed=7, as_of=AS_OF)
        yield result
        transaction.set_rollback(True)


@pytest.mark.usefixtures("pathway_demo", "db")
class TestDemoPathway:
    def test_rc8_and_rc9_closures_follow_an_authorised_assessment(self):
        closed = CINEpisode.objects.filter(closure_reason__in=["RC8", "RC9"], referral_nfa=False)
        assert closed.filter(closure_reason="RC9").exists()
        for ep in closed.prefetch_related("assessments"):
            assessments = list(ep.assessments.all())
            assert assessments, ep.pk
            assert all(a.authorised_date is not None and a.authorised_date <= ep.closure_date for a in assessments)
        # Census: a closed episode has every assessment authorised and every S47 concluded.
        assert not Assessment.objects.filter(episode__closure_date__isnull=False, authorised_date__isnull=True).exists()
        assert not Section47.objects.filter(
            episode__closure_date__isnull=False, icpc_date__isnull=True, icpc_not_required=False
        ).exists()

    def test_nfa_referrals_carry_nothing_further(self):
        nfa = CINEpisode.objects.filter(referral_nfa=True)
        assert nfa.count() > 10
        for model in (Assessment, StrategyDiscussion, Section47, CINPlanChild, ChildProtectionPlan, StepDown):
            assert not model.objects.filter(episode__referral_nfa=True).exists(), model.__name__
        routes = set(ContactDecision.objects.filter(contact__in=nfa.values("contact")).values_list("route", flat=True))
        assert routes == {"nfa"}
        # Every other contact was decided (but one, waiting in the demo), a referral or strategy route
        # where an episode started, and most within a working day.
        assert Contact.objects.filter(decision__isnull=True).count() == 1
        referred = CINEpisode.objects.filter(referral_nfa=False).values("contact")
        started = ContactDecision.objects.filter(contact__in=referred)
        assert set(started.values_list("route", flat=True)) == {"referral", "strategy"}
        decisions = list(ContactDecision.objects.select_related("contact"))

        def local(moment):
            return moment.astimezone(LONDON).date()

        on_time = sum(1 for d in decisions if local(d.decided_at) <= add_working_days(local(d.contact.received_at), 1))
        assert 0.82 <= on_time / len(decisions) <= 0.97
        assert all(d.decided_at >= d.contact.received_at for d in decisions)

    def test_every_cp_plan_starts_on_its_section_47_conference_a_working_day(self):
        plans = list(ChildProtectionPlan.objects.all())
        assert plans
        on_time = 0
        for plan in plans:
            s47 = Section47.objects.select_related("strategy_discussion").get(
                episode_id=plan.episode_id, child_id=plan.child_id, icpc_date=plan.start_date
            )
            assert is_working_day(plan.start_date)
            assert s47.start_date == s47.strategy_discussion.date <= plan.start_date
            assert s47.icpc_target_date == add_working_days(s47.start_date, 15)
            on_time += plan.start_date <= s47.icpc_target_date
            for review in plan.reviews.all():
                assert plan.start_date < review.date and (plan.end_date is None or review.date <= plan.end_date)
        assert 0.6 <= on_time / len(plans) <= 0.95
        # Some enquiries led to no plan: a conference with no plan, or none needed.
        no_plan = Section47.objects.exclude(icpc_date__in=ChildProtectionPlan.objects.values("start_date"))
        assert no_plan.filter(icpc_not_required=True).exists()

    def test_no_cin_plan_section_runs_alongside_a_cp_plan(self):
        cp = {}
        for plan in ChildProtectionPlan.objects.all():
            cp.setdefault(plan.child_id, []).append(plan)
        sections = CINPlanChild.objects.filter(start_date__isnull=False)
        far = date.max
        for s in sections:
            for plan in cp.get(s.child_id, []):
                # A section may end on the day a CP plan starts, and start on the day one ends (census 4016/4017).
                overlap = s.start_date < (plan.end_date or far) and plan.start_date < (s.end_date or far)
                assert not overlap, (s.pk, plan.pk)
            assert s.start_date >= s.episode.referral_date
            assert s.episode.closure_date is None or (s.end_date is not None and s.end_date <= s.episode.closure_date)

    def test_no_family_support_worker_leads_a_child_during_a_cp_plan(self):
        # The council default (setting fsw_lead_on_cp off): a child protection case has a social worker.
        led = Allocation.objects.filter(role=AllocationRole.LEAD, worker__role=Role.FAMILY_SUPPORT_WORKER)
        far = date.max
        for plan in ChildProtectionPlan.objects.all():
            for a in led.filter(child_id=plan.child_id):
                overlap = a.start_date < (plan.end_date or far) and plan.start_date < (a.end_date or far)
                assert not overlap, (a.pk, plan.pk)

    def test_at_most_one_current_plan_section_per_child(self):
        current = CINPlanChild.objects.filter(start_date__isnull=False, end_date__isnull=True)
        current = Counter(current.values_list("child_id", flat=True))
        assert current and max(current.values()) == 1
        # Every child on a current plan section has an open episode with an approved assessment before it.
        for s in CINPlanChild.objects.filter(start_date__isnull=False).select_related("episode", "plan"):
            assert s.plan.status == WorkStatus.APPROVED
            authorised = s.episode.assessments.values_list("authorised_date", flat=True)
            assert any(a is not None and a <= s.start_date for a in authorised), s.pk

    def test_no_approval_is_by_the_author_or_requester(self):
        authors = {
            Assessment: dict(Assessment.objects.values_list("pk", "author_id")),
            CINPlan: dict(CINPlan.objects.values_list("pk", "author_id")),
            StepDown: dict(StepDown.objects.values_list("pk", "requested_by_id")),
            ClosureRequest: dict(ClosureRequest.objects.values_list("pk", "requested_by_id")),
        }
        from django.contrib.contenttypes.models import ContentType

        by_type = {ContentType.objects.get_for_model(m).pk: a for m, a in authors.items()}
        approvals = list(Approval.objects.select_related("decided_by"))
        assert len(approvals) > 500
        for a in approvals:
            assert a.decided_by_id != by_type[a.subject_type_id][a.subject_id], a.pk
            assert a.comment and a.rationale
            assert a.decided_by.role in (Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
        kinds = Counter((a.kind, a.decision) for a in approvals)
        assert {
            ("assessment", "approved"), ("cin_plan", "approved"), ("step_down", "approved"), ("closure", "approved"),
            ("assessment", "returned"),
        } <= set(kinds)  # fmt: skip
        grades = Counter(a.quality_grade for a in approvals if a.kind == "assessment" and a.decision == "approved")
        assert "" not in grades and grades["good"] > grades["outstanding"] > 0 and grades["inadequate"] > 0
        # Each approved assessment and plan child has its approval, each closed episode its request.
        assert (
            Approval.objects.filter(kind="assessment", decision="approved").count()
            == Assessment.objects.filter(status=WorkStatus.APPROVED).count()
        )
        closed = CINEpisode.objects.filter(closure_date__isnull=False, referral_nfa=False)
        requested = set(ClosureRequest.objects.filter(status="approved").values_list("episode_id", flat=True))
        requested |= set(StepDown.objects.filter(status="approved").values_list("episode_id", flat=True))
        assert set(closed.values_list("pk", flat=True)) == requested

    def test_workers_are_from_the_right_teams(self):
        for a in Assessment.objects.select_related("author").order_by("?")[:100]:
            assert a.author.role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
            assert Allocation.objects.filter(child_id=a.child_id, team_id=a.author.team_id).exists()
        fronts = set(Team.objects.filter(type="front_door").values_list("pk", flat=True))
        assert set(ContactDecision.objects.values_list("decided_by__team_id", flat=True)) <= fronts
        for r in PlanReview.objects.select_related("recorded_by").order_by("?")[:50]:
            held = Allocation.objects.filter(child__cin_plan_sections__plan=r.plan_id, team_id=r.recorded_by.team_id)
            assert held.exists()

    def test_open_episodes_older_than_ten_working_days_have_an_assessment(self):
        open_episodes = CINEpisode.objects.filter(closure_date__isnull=True, referral_nfa=False)
        for ep in open_episodes:
            if add_working_days(ep.referral_date, 10) <= AS_OF:
                assert ep.assessments.exists(), ep.pk
        for a in Assessment.objects.select_related("episode"):
            assert 0 <= working_days_between(a.episode.referral_date, a.start_date) <= 10
            assert a.due_date == add_working_days(a.episode.referral_date, 45)
        # Factor 21 only alone and only where the episode closed RC8; factors on every completed assessment.
        for a in Assessment.objects.filter(factors__code="21").select_related("episode"):
            assert list(a.factors.values_list("code", flat=True)) == ["21"]
            assert a.episode.closure_reason == "RC8"
        assert not Assessment.objects.filter(status=WorkStatus.APPROVED, factors__isnull=True).exists()

    def test_counts_and_timeliness_are_plausible(self):
        episodes = CINEpisode.objects.filter(referral_nfa=False).count()
        assessments = Assessment.objects.count()
        assert 0.9 * episodes <= assessments <= episodes
        approved = list(Assessment.objects.filter(status=WorkStatus.APPROVED))
        in_time = sum(1 for a in approved if a.authorised_date <= add_working_days(a.start_date, 45))
        assert 0.78 <= in_time / len(approved) <= 0.93
        plans = ChildProtectionPlan.objects.count()
        assert 1.4 * plans <= Section47.objects.count() <= 3 * plans
        assert StrategyDiscussion.objects.count() == Section47.objects.count()
        assert CPPlanReview.objects.count() >= 0.8 * plans
        contacts = Contact.objects.count()
        assert 1.3 * CINEpisode.objects.count() <= contacts <= 1.7 * CINEpisode.objects.count()
        assert ContactDecision.objects.filter(route="early_help").exists()
        assert ContactDecision.objects.filter(previous_episode__isnull=False).count() > 0.1 * contacts
        sections = CINPlanChild.objects.count()
        assert 0.25 * episodes <= sections <= 0.7 * episodes
        assert CINPlan.objects.count() < sections  # family plans cover siblings
        assert CINPlan.objects.filter(status__in=[WorkStatus.SUBMITTED, WorkStatus.DRAFT]).exists()
        assert 1 <= PlanOutcome.objects.count() / sections <= 3
        assert 1 <= PlanAction.objects.count() / sections <= 3
        assert {"school", "health"} <= set(PlanAction.objects.values_list("agency", flat=True))
        assert PlanAction.objects.filter(completed_date__isnull=False).exists()
        reviews = PlanReview.objects.count()
        assert reviews > 0.3 * CINPlan.objects.count()
        assert OutcomeProgress.objects.count() >= reviews
        assert AssessmentFactorRecord.objects.filter(code="16A").count() > 0.1 * assessments
        assert Transfer.objects.filter(status=TransferStatus.ACCEPTED).exists()
        pending = Transfer.objects.filter(status=TransferStatus.PENDING).select_related("to_team", "from_team")
        assert any(t.to_team.name == "North locality" for t in pending)
        assert Transfer.objects.filter(status=TransferStatus.DISPUTED).count() == 1
        for t in pending:  # still held by the sending team
            lead = Allocation.objects.get(child_id=t.child_id, role="lead", end_date__isnull=True)
            assert lead.team_id == t.from_team_id
        for t in Transfer.objects.filter(status=TransferStatus.ACCEPTED):
            assert Allocation.objects.filter(
                child_id=t.child_id, team_id=t.to_team_id, start_reason=AllocationReason.TEAM_TRANSFER
            ).exists()
            assert t.responded_by.team_id == t.to_team_id

    def test_my_work_has_something_in_it(self):
        sw_north = Worker.objects.get(username="sw.north")
        items = work_items(sw_north)
        states = Counter(i.state(AS_OF) for i in items)
        assert states["overdue"] >= 1
        kinds = Counter(i.kind for i in items)
        assert kinds["decision"] == 1 and kinds["plan"] >= 3
        assessments = [i for i in items if i.kind == "assessment"]
        in_progress = [i for i in assessments if not i.awaiting_approval]
        assert 2 <= len(in_progress) <= 6
        assert any(i.what.startswith("Assessment returned") for i in in_progress)
        assert any(i.state(AS_OF) == "overdue" for i in in_progress)
        assert any(i.awaiting_approval for i in assessments)
        assert any(i.kind == "plan" and i.state(AS_OF) == "overdue" for i in items)
        assert any(i.kind == "plan" and i.awaiting_approval for i in items)
        for username in ("tm.north", "sm.cin"):
            waiting = [i for i in work_items(Worker.objects.get(username=username), team=True) if i.awaiting_approval]
            assert {"assessment", "plan", "step_down", "closure"} <= {i.kind for i in waiting}, username
