"""Reads for the family pages: the family network as the user may see it, the siblings side by
side, the household, scaling over time and the history of workers.

Every function takes a child that has already come through the access layer
(`get_child_for_user`); other children (siblings, children in the household) are only shown when
`visible_children(user)` includes them. A related child the user may not see is handled by one
rule, used on every page:

- a restricted record the user is not on the access list for is left out entirely (the user may
  not know it exists, exactly as the access layer's 404 says);
- any other record the user may not see (a sibling held by another team) is shown only as a
  relationship, "a sibling whose record you cannot see": no name, age, sex, status, address,
  scores or visits.

Each page issues a fixed number of queries whatever the size of the family.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from lantern.access.selectors import visible_children
from lantern.casework.models import OutcomeProgress, PlanOutcome
from lantern.casework.selectors import with_lead, with_status
from lantern.core.local_settings import get_setting
from lantern.family.charts import Point
from lantern.people.models import Address, Child, Household, HouseholdMember, Person, Relationship, RelationshipType
from lantern.people.selectors import SIBLING_TYPES, family_of
from lantern.workforce.models import Allocation, AllocationRole, Worker
from lantern.workforce.selectors import continuity_window, with_worker_count

WITHHELD_NAME = "Record you cannot see"


# ---------------------------------------------------------------------------------------------
# The family network, as the user may see it
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Relative:
    """Someone linked to the child by a recorded relationship. `person` is None when the
    relative is a child whose record the user may not see (their details are withheld)."""

    key: int  # the person's id: used to join rows on the server, never shown for a withheld record
    person: Person | None
    relationship: str  # how they relate to the child, e.g. "Mother", "Half-sibling"
    type: str
    parental_responsibility: bool
    lives_with: bool
    has_record: bool  # a child record of their own (that the user may open)

    @property
    def withheld(self) -> bool:
        return self.person is None

    @property
    def name(self) -> str:
        return self.person.full_name if self.person else WITHHELD_NAME


@dataclass
class FamilyNetwork:
    child: Child
    relatives: list[Relative]
    visible_ids: set[int] = field(default_factory=set)  # the related records the user may open

    @property
    def withheld(self) -> list[Relative]:
        return [r for r in self.relatives if r.withheld]

    @property
    def siblings(self) -> list[Relative]:
        """Visible siblings with their own record, each once."""
        seen: set[int] = set()
        out = []
        for r in self.relatives:
            if r.type in SIBLING_TYPES and r.has_record and not r.withheld and r.key not in seen:
                seen.add(r.key)
                out.append(r)
        return out

    @property
    def withheld_relatives(self) -> list[str]:
        """How each related child whose record the user may not see is related (one each)."""
        labels: dict[int, str] = {}
        for r in self.relatives:
            if r.withheld:
                labels.setdefault(r.key, r.relationship)
        return list(labels.values())

    @property
    def adults(self) -> list[Relative]:
        """Parents, carers and other relatives (everyone who is not a sibling)."""
        return [r for r in self.relatives if r.type not in SIBLING_TYPES and not r.withheld]


def _visible_ids(user: Worker, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(visible_children(user).filter(pk__in=ids).values_list("pk", flat=True))


def _record_of(person: Person) -> Child | None:
    try:
        return person.child
    except Child.DoesNotExist:
        return None


def _classify(people: list[Person], visible: set[int]) -> dict[int, str]:
    """'open' (no record, or a record the user may see), 'withheld' or 'omitted' per person."""
    out = {}
    for person in people:
        record = _record_of(person)
        if record is None or person.pk in visible:
            out[person.pk] = "open"
        else:
            out[person.pk] = "omitted" if record.restricted else "withheld"
    return out


def family_network(user: Worker, child: Child, *, extra_people: list[Person] = ()) -> FamilyNetwork:
    """The child's relatives as the user may see them (two queries). `extra_people` are other
    people whose records must be checked in the same query (e.g. household members)."""
    members = family_of(child)
    record_ids = {m.person.pk for m in members if m.is_child_record}
    record_ids |= {p.pk for p in extra_people if _record_of(p) is not None}
    record_ids.discard(child.pk)
    visible = _visible_ids(user, record_ids)
    state = _classify([m.person for m in members], visible)
    relatives = []
    for m in members:
        if state[m.person.pk] == "omitted":
            continue
        withheld = state[m.person.pk] == "withheld"
        relatives.append(
            Relative(
                key=m.person.pk,
                person=None if withheld else m.person,
                relationship=m.relationship,
                type=m.type,
                parental_responsibility=False if withheld else m.parental_responsibility,
                lives_with=False if withheld else m.lives_with,
                has_record=m.is_child_record and not withheld,
            )
        )
    return FamilyNetwork(child=child, relatives=relatives, visible_ids=visible)


# ---------------------------------------------------------------------------------------------
# Scaling (0 to 10) per outcome over time
# ---------------------------------------------------------------------------------------------


@dataclass
class OutcomeSeries:
    outcome: PlanOutcome  # with section and plan joined
    points: list[Point] = field(default_factory=list)
    comments: dict[int, str] = field(default_factory=dict)  # point index -> review comment

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def first(self) -> Point | None:
        return self.points[0] if self.points else None

    @property
    def scores(self) -> list[int]:
        return [p.score for p in self.points]

    @property
    def current(self) -> bool:
        return self.outcome.section.end_date is None

    @property
    def rows(self) -> list[tuple[Point, str]]:
        return [(p, self.comments.get(i, "")) for i, p in enumerate(self.points)]


def scaling_for(child_ids: list[int], *, current_only: bool = False) -> dict[int, list[OutcomeSeries]]:
    """Each child's outcomes from plans that have started, with the baseline (when the plan was
    approved) and every review's score, oldest first. Two queries for any number of children.
    Plans still in draft are left out: their outcomes are not agreed yet."""
    if not child_ids:
        return {}
    started = Q(section__child_id__in=child_ids, section__start_date__isnull=False)
    if current_only:
        started &= Q(section__end_date__isnull=True)
    outcomes = list(
        PlanOutcome.objects.filter(started)
        .select_related("section__plan")
        .order_by("section__child_id", "section__end_date", "-section__start_date", "section_id", "pk")
    )
    if not outcomes:
        return {}
    by_outcome: dict[int, OutcomeSeries] = {}
    result: dict[int, list[OutcomeSeries]] = defaultdict(list)
    for o in outcomes:
        series = OutcomeSeries(outcome=o)
        if o.baseline_score is not None:
            series.points.append(Point(o.section.start_date, o.baseline_score, "Baseline, when the plan started"))
        by_outcome[o.pk] = series
        result[o.section.child_id].append(series)
    # The section's own filter is repeated (not an IN list of outcome ids) so the query stays
    # the same size whatever the number of outcomes.
    progress_filter = {"outcome__section__child_id__in": child_ids, "outcome__section__start_date__isnull": False}
    if current_only:
        progress_filter["outcome__section__end_date__isnull"] = True
    progress = (
        OutcomeProgress.objects.filter(**progress_filter)
        .order_by("review__date", "review_id")
        .values_list("outcome_id", "review__date", "score", "comment")
    )
    for outcome_id, day, score, comment in progress:
        series = by_outcome.get(outcome_id)
        if series is not None:
            series.comments[len(series.points)] = comment
            series.points.append(Point(day, score, "Review"))
    return dict(result)


def latest_scaling(child: Child) -> list[OutcomeSeries]:
    """The outcomes of the child's current plan, or of the last plan if none is current, when any
    has a score (for the panel on the child record). Two queries."""
    series = scaling_for([child.pk]).get(child.pk, [])
    if not series:
        return []
    newest = series[0].outcome.section_id  # current sections sort first, then the latest start
    chosen = [s for s in series if s.outcome.section_id == newest]
    return chosen if any(s.points for s in chosen) else []


# ---------------------------------------------------------------------------------------------
# The family view: siblings side by side
# ---------------------------------------------------------------------------------------------


@dataclass
class ChildCard:
    child: Child  # annotated: status, lead_*, workers_in_period
    relationship: str  # "This child", "Sibling", "Half-sibling"
    is_focus: bool
    outcomes: list[OutcomeSeries]
    last_seen: date | None
    days_since_seen: int | None
    next_visit_due: date | None
    visits_expected: bool
    seen_overdue: bool
    workers_flag: bool

    @property
    def lead_worker(self) -> str:
        first, last = getattr(self.child, "lead_worker_first", None), getattr(self.child, "lead_worker_last", None)
        return f"{first or ''} {last or ''}".strip()


@dataclass
class HouseholdMemberRow:
    name: str
    person: Person | None
    relationship: str
    since: date
    has_record: bool


@dataclass
class HouseholdView:
    household: Household
    address: Address | None
    members: list[HouseholdMemberRow]


@dataclass
class FamilyPage:
    network: FamilyNetwork
    cards: list[ChildCard]
    households: list[HouseholdView]
    worker_flag: int


def _seen_for(child_ids: list[int]) -> dict:
    """Visits from the recording app (its contract: at most two queries)."""
    from lantern.recording.selectors import seen_summary

    return seen_summary(child_ids)


def _current_memberships(child: Child) -> list[HouseholdMember]:
    """Everyone currently in the households the child currently lives in (one query)."""
    mine = HouseholdMember.objects.filter(person_id=child.pk, end_date__isnull=True).values("household_id")
    return list(
        HouseholdMember.objects.filter(household_id__in=mine, end_date__isnull=True)
        .select_related("household", "person", "person__child")
        .order_by("household_id", "start_date", "pk")
    )


def family_page(user: Worker, child: Child, *, today: date) -> FamilyPage:
    """Everything the family view shows, in a fixed number of queries (nine, whatever the size
    of the family): relationships, household members, visible records, the children's status,
    lead worker and worker count, outcomes, scores, visits, addresses."""
    memberships = _current_memberships(child)
    network = family_network(user, child, extra_people=[m.person for m in memberships])
    visible = network.visible_ids

    # One card per child the user may see: this child and their siblings, eldest first.
    labels = {child.pk: "This child"}
    for r in network.siblings:
        labels.setdefault(r.key, r.relationship)
    ids = list(labels)
    flag = get_setting("worker_changes_flag")
    children = list(
        with_worker_count(with_lead(with_status(visible_children(user).filter(pk__in=ids))), as_of=today).order_by(
            "person__date_of_birth", "person__expected_date_of_birth", "pk"
        )
    )
    shown = [c.pk for c in children]
    scaling = scaling_for(shown, current_only=True)
    seen = _seen_for(shown)
    cards = []
    for c in children:
        summary = seen.get(c.pk)
        last_seen = getattr(summary, "last_seen", None)
        next_due = getattr(summary, "next_visit_due", None)  # None: no visit due (closed, unborn)
        cards.append(
            ChildCard(
                child=c,
                relationship=labels[c.pk],
                is_focus=c.pk == child.pk,
                outcomes=scaling.get(c.pk, []),
                last_seen=last_seen,
                days_since_seen=(today - last_seen).days if last_seen else None,
                next_visit_due=next_due,
                visits_expected=next_due is not None,
                seen_overdue=next_due is not None and next_due < today,
                workers_flag=c.workers_in_period >= flag,
            )
        )

    # The household(s) the child lives in now, with the current address and who lives there.
    relationship_to = {}
    for r in network.relatives:
        relationship_to.setdefault(r.key, r.relationship)
    by_household: dict[int, HouseholdView] = {}
    addresses = {
        a.household_id: a
        for a in Address.objects.filter(
            household_id__in={m.household_id for m in memberships}, end_date__isnull=True
        ).order_by("household_id", "start_date", "pk")
    }
    for m in memberships:
        view = by_household.setdefault(
            m.household_id, HouseholdView(household=m.household, address=addresses.get(m.household_id), members=[])
        )
        record = _record_of(m.person)
        if record is not None and m.person_id != child.pk and m.person_id not in visible:
            continue  # a child whose record the user may not see: where they live is not shown
        relationship = "This child" if m.person_id == child.pk else relationship_to.get(m.person_id)
        relationship = relationship or "Lives in the household"
        view.members.append(
            HouseholdMemberRow(m.person.full_name, m.person, relationship, m.start_date, record is not None)
        )
    return FamilyPage(network=network, cards=cards, households=list(by_household.values()), worker_flag=flag)


# ---------------------------------------------------------------------------------------------
# The family diagram's data (the layout and drawing are in diagram.py)
# ---------------------------------------------------------------------------------------------


@dataclass
class DiagramData:
    people: list  # diagram.Person
    links: list  # diagram.Link
    households: list  # diagram.HouseholdGroup


PARENT_EDGE = {RelationshipType.MOTHER, RelationshipType.FATHER, RelationshipType.STEP_PARENT}


def _age_text(person: Person, today: date) -> str:
    if person.date_of_death:
        return f"Died {person.date_of_death.year}"
    if person.is_unborn:
        d = person.expected_date_of_birth
        return f"Unborn, due {d.day} {d:%b %Y}"
    age = person.age_on(today)
    return "Age not known" if age is None else f"Age {age}"


def diagram_data(user: Worker, child: Child, *, today: date) -> DiagramData:
    """The people, relationships and households the family diagram draws (five queries):
    the child's relationships, the households of the child and relatives with their members,
    which records the user may see, and every current relationship between the people drawn."""
    from lantern.family import diagram

    me = child.person
    members = family_of(child)
    related_ids = {m.person.pk for m in members} | {me.pk}
    households_touching = HouseholdMember.objects.filter(person_id__in=related_ids, end_date__isnull=True).values(
        "household_id"
    )
    memberships = list(
        HouseholdMember.objects.filter(household_id__in=households_touching, end_date__isnull=True)
        .select_related("household", "person", "person__child")
        .order_by("household_id", "start_date", "pk")
    )
    my_households = {m.household_id for m in memberships if m.person_id == me.pk}
    co_members = [m.person for m in memberships if m.household_id in my_households and m.person_id not in related_ids]
    record_ids = {m.person.pk for m in members if m.is_child_record} | {
        p.pk for p in co_members if _record_of(p) is not None
    }
    record_ids.discard(me.pk)
    visible = _visible_ids(user, record_ids)

    people: dict[int, diagram.Person] = {
        me.pk: diagram.Person(
            key=me.pk,
            name=me.full_name,
            sex=me.sex,
            relationship="This child",
            kind="self",
            detail=_age_text(me, today),
            born=me.date_of_birth or me.expected_date_of_birth,
            focus=True,
            unborn=me.is_unborn,
            deceased=me.date_of_death is not None,
            child_id=child.pk,
        )
    }
    state = _classify([m.person for m in members] + co_members, visible)
    for m in members:
        p = m.person
        if p.pk in people or state[p.pk] == "omitted":
            continue
        if state[p.pk] == "withheld":
            people[p.pk] = diagram.Person(
                key=p.pk, name=WITHHELD_NAME, sex="U", relationship=m.relationship, kind=m.type, withheld=True
            )
            continue
        people[p.pk] = diagram.Person(
            key=p.pk,
            name=p.full_name,
            sex=p.sex,
            relationship=m.relationship,
            kind=m.type,
            detail=_age_text(p, today),
            born=p.date_of_birth or p.expected_date_of_birth,
            unborn=p.is_unborn,
            deceased=p.date_of_death is not None,
            child_id=p.pk if m.is_child_record else None,
            adult=(p.age_on(today) or 0) >= 18 or (p.date_of_birth is None and not p.is_unborn),
        )
    for p in co_members:
        if p.pk in people or state[p.pk] != "open":
            continue  # a child in the household whose record the user may not see is left out
        people[p.pk] = diagram.Person(
            key=p.pk,
            name=p.full_name,
            sex=p.sex,
            relationship="Lives in the household",
            kind="household",
            detail=_age_text(p, today),
            born=p.date_of_birth or p.expected_date_of_birth,
            unborn=p.is_unborn,
            deceased=p.date_of_death is not None,
            child_id=p.pk if _record_of(p) is not None else None,
            adult=(p.age_on(today) or 0) >= 18 or (p.date_of_birth is None and not p.is_unborn),
        )

    open_ids = [k for k, p in people.items() if not p.withheld]
    withheld_ids = {k for k, p in people.items() if p.withheld}
    links: list[diagram.Link] = []
    seen_links: set[tuple[int, int, str]] = set()
    rows = Relationship.objects.filter(
        Q(person_id__in=open_ids, relative_id__in=open_ids)
        | Q(person_id=me.pk, relative_id__in=withheld_ids)
        | Q(person_id__in=withheld_ids, relative_id=me.pk),
        end_date__isnull=True,
    ).order_by("pk")
    for rel in rows.values_list("person_id", "relative_id", "type", "parental_responsibility"):
        person_id, relative_id, rtype, pr = rel
        key = (person_id, relative_id, rtype)
        mirror = (relative_id, person_id, rtype)
        if key in seen_links or (rtype in SIBLING_TYPES and mirror in seen_links):
            continue
        seen_links.add(key)
        links.append(
            diagram.Link(
                source=person_id,
                target=relative_id,
                type=rtype,
                parental_responsibility=pr and person_id not in withheld_ids,
            )
        )

    groups: dict[int, diagram.HouseholdGroup] = {}
    for m in memberships:
        if m.person_id not in people or m.person_id in withheld_ids:
            continue
        group = groups.setdefault(m.household_id, diagram.HouseholdGroup(key=m.household_id, name=m.household.name))
        group.members.append(m.person_id)
    households = [g for g in groups.values() if len(g.members) >= 2]
    households.sort(key=lambda g: (me.pk not in g.members, g.key))
    return DiagramData(people=list(people.values()), links=links, households=households)


# ---------------------------------------------------------------------------------------------
# Worker history and continuity
# ---------------------------------------------------------------------------------------------


@dataclass
class WorkerHistory:
    allocations: list[Allocation]
    workers_in_period: int
    flag: int
    since: date
    lead_workers: list[str]  # the different lead workers in the period, first allocated first

    @property
    def flagged(self) -> bool:
        return self.workers_in_period >= self.flag


def worker_counts(child_ids: list[int], *, today: date) -> dict[int, int]:
    """Different lead workers in the last 12 months per child (one query)."""
    rows = with_worker_count(Child.objects.filter(pk__in=child_ids), as_of=today)
    return dict(rows.values_list("pk", "workers_in_period"))


def worker_history(child: Child, *, today: date) -> WorkerHistory:
    """Every allocation of the child, newest first, and the continuity count (two queries)."""
    allocations = list(
        Allocation.objects.filter(child=child).select_related("worker", "team").order_by("-start_date", "-pk")
    )
    count = worker_counts([child.pk], today=today).get(child.pk, 0)
    since = continuity_window(today)
    names: dict[int, str] = {}
    for a in sorted(allocations, key=lambda a: (a.start_date, a.pk)):
        in_period = a.start_date <= today and (a.end_date is None or a.end_date >= since)
        if a.role == AllocationRole.LEAD and a.worker_id and in_period:
            names.setdefault(a.worker_id, a.worker.display_name)
    return WorkerHistory(
        allocations=allocations,
        workers_in_period=count,
        flag=get_setting("worker_changes_flag"),
        since=since,
        lead_workers=list(names.values()),
    )
