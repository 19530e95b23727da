"""The pathway records of a synthetic authority: what was decided and written along each episode.

The generator (generator.py) plans families, contacts, CIN episodes, child protection plans, early
help and allocations. This module then plans, in plain Python and with the same random generator,
what the pathway services (lantern/casework/services.py) would have recorded along the way, so that
every episode reads as if it had been worked in Lantern:

- a threshold decision on every contact (referral, strategy discussion or no further action), and
  extra contacts (about half as many again) that led to no further action or to early help;
- a child and family assessment for every episode that was not NFA (except a few that have only
  just started), started within 10 working days of the referral, due 45 working days after it,
  most authorised in time, with factors, a safety scale and an outcome that matches what happened
  next, and a manager's graded approval;
- a strategy discussion and section 47 enquiry for every child protection plan (the plan starting
  on the initial conference date, a working day, about 78% of conferences within 15 working days)
  and for some episodes that did not lead to a plan; child protection review conferences;
- one child in need plan per family, with each child's own section, outcomes, actions (partner
  agencies included), reviews every 12 weeks scoring progress (flat for some long episodes), and a
  manager's approval for each child; a section ends when the episode closes or a CP plan starts;
- a step-down (with its checklist) or a closure request for every closure, each approved;
- team transfers matching the allocations that changed team, and for the demo a few transfers,
  assessments, plans and requests still waiting, so that My work has something in it.

Census rules kept (DfE CIN census validation): RC8 and RC9 follow an assessment; an NFA referral
carries nothing further; a closed episode has its assessments authorised and its section 47s
concluded; no CIN plan runs alongside a CP plan (a plan section may end on the day a CP plan starts,
and another start on the day it ends); factor 21 only alone, and only where the episode closed RC8;
a disabled child's assessment records a disability factor; CP reviews fall after the plan started.

Writing happens after the generator's own rows (it needs their ids), with bulk_create in a fixed
order. Timestamps that the models fill in automatically (approvals, requests, plans) are written
with their historical values.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from lantern.approvals.models import Approval, Decision, QualityGrade
from lantern.casework.models import (
    Agency,
    Assessment,
    AssessmentFactorRecord,
    AssessmentOutcome,
    CINPlan,
    CINPlanChild,
    ClosureRequest,
    Contact,
    ContactDecision,
    CPPlanReview,
    DecisionRoute,
    OutcomeProgress,
    PlanAction,
    PlanOutcome,
    PlanReview,
    Section47,
    StepDown,
    StrategyDiscussion,
    ThresholdLevel,
    WorkStatus,
)
from lantern.core.calendar import add_months
from lantern.core.codes import Ethnicity
from lantern.workforce.models import AllocationReason, AllocationRole, Role, TeamType, Transfer, TransferKind

if TYPE_CHECKING:
    from lantern.synthetic.generator import FEpisode, KEpisode, PFamily, PKid, Planner, PTeam, PWorker, Writer

__all__ = ["Pathway", "PathwayWriter"]

#: National timescales (the council settings' defaults): assessment, ICPC, CIN plan review.
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
REVIEW_WEEKS = 12
#: Extra contacts (no CIN episode) per child referral, and the share of them that led to early help.
EXTRA_CONTACTS_PER_REFERRAL = 0.5
EXTRA_CONTACT_EARLY_HELP = 0.15
#: Shares of CIN / step-down episodes with a section 47 enquiry that did not lead to a plan.
#: None for step-downs: RC9 ("closed after assessment, referred to early help") allows no section 47 (DfE 2990).
S47_WITHOUT_PLAN = {"cin": 0.29}
#: Share of child protection conferences held later than 15 working days after the strategy discussion.
ICPC_LATE_SHARE = 0.235
#: Share of RC7 closures after a plan that step down to the council's early help team.
RC7_STEP_DOWN = 0.16

ETHNICITY_LABELS = {code: str(label) for code, label in Ethnicity.choices}
LEVEL_CODES = ("universal", "early_help", "child_in_need", "child_protection")
GRADES = (
    (QualityGrade.GOOD, 52.0),
    (QualityGrade.REQUIRES_IMPROVEMENT, 31.0),
    (QualityGrade.OUTSTANDING, 9.0),
    (QualityGrade.INADEQUATE, 8.0),
)
ASSESSMENT_OUTCOME = {
    "not_in_need": AssessmentOutcome.NFA,
    "step_down": AssessmentOutcome.STEP_DOWN,
    "cin": AssessmentOutcome.CIN_PLAN,
    "cp": AssessmentOutcome.STRATEGY,
}


# ---------------------------------------------------------------------------
# Phrase banks ({name}: the child's first name; {carer} / {Carer}: the parent the child lives with)
# ---------------------------------------------------------------------------

DECISION_REASONS = {
    DecisionRoute.REFERRAL: (
        "Needs appear complex and unlikely to be met without children's social care: a child and family "
        "assessment is needed.",
        "Concerns meet the child in need threshold; parents consent to an assessment.",
        "Repeated concerns from partners and no change through universal support: referral for assessment.",
        "The information suggests unmet needs at child in need level; assessment to understand the impact on "
        "the children.",
    ),
    DecisionRoute.STRATEGY: (
        "Reasonable cause to suspect significant harm: strategy discussion with police and health today.",
        "Injury with an inconsistent explanation: child protection threshold met, strategy discussion convened.",
        "Disclosure of harm by the child: strategy discussion and section 47 enquiry to be considered.",
    ),
    DecisionRoute.NFA: (
        "No role for children's social care: needs are being met by universal services.",
        "Information shared for awareness; school and health visitor will continue to support.",
        "Checks completed: no further concerns. Advice given to the referrer.",
        "Family signposted to the family hub and universal services; no further action from social care.",
    ),
    DecisionRoute.EARLY_HELP: (
        "Additional needs that can be met by early help; the family agreed to a family support worker.",
        "Early help level: coordinated support through an early help assessment, with the parents' consent.",
        "Needs below the child in need threshold; family consents to early help.",
    ),
}
EXTRA_CONCERNS_EARLY_HELP = (
    "Parents asking for help with {name}'s behaviour at home and low school attendance.",
    "School worried about {name}'s attendance and punctuality; family struggling with routines.",
    "Health visitor reports the family is isolated and the mother is finding things hard since the birth.",
    "Family recently moved into the area and struggling with money, housing and school places.",
    "Parent asking for support after separation; {name} is upset and not sleeping.",
)

LIVED = {
    "N1": (
        "{name} often arrives at school hungry and in the same clothes; at home there is little routine and "
        "meals are irregular.",
        "{name} has seen arguments and violence between the adults at home and is described as watchful and quiet.",
        "{name} spends long periods alone in the bedroom; basic care and supervision are inconsistent.",
        "{name}'s health appointments have been missed and dental pain has gone untreated.",
    ),
    "N2": (
        "{name} has complex needs and needs help with most daily tasks; {carer} provides almost all the care.",
        "{name} enjoys routine and sensory play; changes upset {name}, and nights are often disturbed.",
    ),
    "N3": (
        "{name} is helping to care for a parent who is unwell, and is often late for school as a result.",
        "{name}'s days depend on how well the parent is; on bad days {name} gets little attention.",
    ),
    "N4": (
        "The family is under heavy strain from debt and the threat of eviction; {name} picks up on the worry.",
        "Since the bereavement {name} has been withdrawn, and {carer} is struggling to keep going.",
    ),
    "N5": (
        "Conflict between the adults is frequent; {name} hears shouting most evenings and worries about home.",
        "Adult drinking affects the routines at home; {name} often gets themselves ready for school.",
    ),
    "N6": (
        "{name} is often out late with older young people, and school attendance has fallen sharply.",
        "{name} has been missing overnight twice this term; there are worries about exploitation.",
    ),
    "other": (
        "{name}'s needs are mostly met day to day, but the family has little support around them.",
        "{name} is settled at school; the worries are about the care arrangements at home.",
    ),
}
CHILD_WORDS = (
    '"I like it when it\'s calm at home."',
    '"I want to stay at my school with my friends."',
    '"Sometimes I don\'t get any tea."',
    '"I worry about mum when I\'m at school."',
    '"I don\'t like the shouting."',
    '"My brother looks after me."',
    '"I want my dad to come to my football."',
    '"I just want things to be normal."',
)
BABY_WORDS = (
    "{name} is too young to say; observed to be settled and responsive with {carer}.",
    "{name} is pre-verbal; observed to seek comfort from {carer}, who responded warmly.",
)
IDENTITY = (
    "{name} is proud of the family's {heritage} heritage; {language}.",
    "{name}'s {heritage} heritage and faith matter to the family; {language}.",
    "{name} identifies strongly with friends at school; {language}.",
)
INVOLVEMENT = (
    "{Carer} took part in two home visits and a meeting at school; the other parent was contacted by phone.",
    "Both parents took part; {name} was seen alone at school and at home.",
    "{Carer} was reluctant at first but engaged after the second visit; wider family contributed.",
    "The family took part fully and helped to write the safety goals.",
)
FAMILY_VIEWS = (
    "{Carer} accepts things need to change and wants help with routines.",
    "The family feel they have been judged unfairly but agree support would help.",
    "{Carer} is worried about {name} and asked for help early.",
    "The parents disagree with some concerns but want {name} to stay at home safely.",
)
WORRIES = {
    "N1": (
        "{name}'s basic needs are not consistently met, and the neglect has gone on for some time.",
        "{name} is exposed to domestic abuse and may be hurt if it happens again.",
    ),
    "N5": ("Ongoing conflict and adult substance use leave {name} without reliable care.",),
    "N6": ("{name} is at risk of criminal or sexual exploitation when missing.",),
    "other": (
        "Without support {carer} may not be able to keep meeting {name}'s needs.",
        "The family's difficulties are affecting {name}'s health and education.",
    ),
}
STRENGTHS = (
    "{name} has a warm relationship with {carer} and a grandmother who helps.",
    "{name} attends school regularly and has a trusted teacher.",
    "{Carer} recognises the worries and has started to make changes.",
    "The family engages well with the health visitor and school.",
    "{name} is doing well at school and has good friendships.",
)
DANGER = (
    "If nothing changes, {name} may go without food, warmth and care and fall further behind.",
    "If the violence continues, {name} may be physically hurt and frightened at home.",
    "If {Carer}'s health worsens, {name} may be left without safe care.",
)
SAFETY_GOALS = (
    "{name} has regular meals, clean clothes and gets to school every day.",
    "{name} lives in a home free from violence, with adults who keep {name} safe.",
    "{Carer} has a support network who will step in when things get hard.",
)
ANALYSIS = {
    "not_in_need": (
        "Needs are met by universal services; no role for social care.",
        "The concerns were not substantiated; the family has support around them.",
    ),
    "step_down": (
        "Needs are real but can be met through early help with the family's agreement.",
        "The family would benefit from coordinated early help; risks are low.",
    ),
    "cin": (
        "{name} is a child in need: needs will not be met without a child in need plan.",
        "Cumulative neglect and parental difficulties mean {name} needs a plan and multi-agency support.",
    ),
    "cp": (
        "{name} is likely to suffer significant harm; a section 47 enquiry is needed.",
        "The injuries and history mean the child protection threshold is met.",
    ),
}
FACTOR_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    "N1": (("16A", 0.6), ("3B", 0.35), ("4B", 0.25), ("17A", 0.25), ("2B", 0.15), ("18C", 0.12), ("1B", 0.1)),
    "N2": (("20", 0.2), ("4B", 0.1)),
    "N3": (("4B", 0.6), ("6B", 0.4), ("7A", 0.15)),
    "N4": (("4B", 0.3), ("3B", 0.25), ("20", 0.3), ("2B", 0.1)),
    "N5": (("3B", 0.6), ("4B", 0.3), ("1B", 0.25), ("2B", 0.25)),
    "N6": (("14A", 0.5), ("10A", 0.35), ("24A", 0.25), ("13A", 0.15), ("11A", 0.1), ("2A", 0.15)),
    "N7": (("20", 0.7), ("4B", 0.2)),
    "N8": (("20", 0.5), ("4B", 0.3), ("2B", 0.15)),
    "N9": (("20", 0.8),),
    "N0": (("20", 0.8),),
}
ATTENDEES_STRATEGY = (
    "Social worker (chair); DS {police}, police public protection unit; school safeguarding lead; health visitor.",
    "Team manager (chair); police child abuse investigation team; paediatrician; school designated lead.",
    "Social worker; police; named nurse for safeguarding; early years setting.",
)
STRATEGY_RATIONALE = (
    "Reasonable cause to suspect significant harm; joint enquiry with police agreed.",
    "The disclosure and injuries need a section 47 enquiry; medical examination arranged.",
    "Pattern of escalating concerns; a section 47 enquiry is needed to understand the risks.",
)
S47_SUMMARY_PLAN = (
    "Enquiry substantiated the concerns: conference decided on a child protection plan.",
    "Significant harm likely: child protection plan agreed at the initial conference.",
)
S47_SUMMARY_NO_PLAN = (
    "Conference held: threshold for a child protection plan not met; child in need plan instead.",
    "Conference agreed the risks can be managed through a child in need plan.",
)
S47_SUMMARY_NOT_REQUIRED = (
    "Concerns not substantiated; no conference needed. Assessment continues.",
    "Enquiry found a plausible explanation; no conference needed, support through the assessment.",
    "Risks reduced by the safety plan agreed with the family; conference not required.",
)
PLAN_CONTEXT = (
    "The family lives in private rented housing and money is tight; the parents have separated.",
    "Mother's mental health has a big effect on the household; the children's father sees them weekly.",
    "Domestic abuse in the past; the perpetrator no longer lives at home but contact is unclear.",
    "A large family in overcrowded housing; the older children help to care for the younger ones.",
    "The family has moved twice in a year and is isolated from wider family.",
)
NEEDS = {
    "N1": (
        "{name} needs regular meals, clean clothes and a safe bedtime routine.",
        "{name} needs to feel safe at home and to be free from the effects of domestic abuse.",
        "{name} needs health and dental appointments kept and checks up to date.",
    ),
    "N2": ("{name} needs short breaks, equipment and a carer who is supported.",),
    "N3": ("{name} needs reliable care when the parent is unwell and time to be a child.",),
    "N4": ("{name} needs a stable home and adults who can cope with the pressures on them.",),
    "N5": ("{name} needs a home without conflict and adults who put the children first.",),
    "N6": ("{name} needs to be safe from exploitation, in education and home at night.",),
    "other": ("{name} needs stable care and someone to talk to about worries.",),
}
CHILD_VIEWS = (
    "{name} wants things to be calmer at home and to keep seeing friends.",
    "{name} said they would like more time with dad and fewer arguments.",
    "{name} likes the worker and wants help with school.",
    "{name} did not want to talk about home but said school is going well.",
)
YOUNG_VIEWS = (
    "{name} is too young to give views; observed to be happy and settled with {carer}.",
    "{name} is too young to say; seen to be relaxed and playful at home and at nursery.",
)
SECTION_FAMILY_VIEWS = (
    "{Carer} agrees with the plan and wants support with routines.",
    "The parents agree with most of the plan but not with the worries about drinking.",
    "{Carer} is keen for the plan to work and asked for a parenting course.",
)
CONTINGENCY = (
    "If the home conditions do not improve by the contingency review, a strategy discussion will be held.",
    "If {name} goes missing again or school attendance falls below 80%, escalate to a strategy discussion.",
    "If the parents do not engage with the plan, a legal planning meeting will be considered.",
    "If there is a further domestic abuse incident, a strategy discussion will be held the same day.",
)
OUTCOMES = {
    "N1": (
        ("{name} has three meals a day and clean clothes for school.", "Seen fed and clean at school and home visits"),
        ("{name} attends school every day.", "Attendance at 95% or above each half term"),
        ("{name}'s health and dental checks are up to date.", "Appointments attended and recorded by the GP"),
        ("{name} lives free from domestic abuse.", "No police call-outs; {name} says home feels safe"),
    ),
    "N2": (
        ("{name} has regular short breaks and the carer gets rest.", "Short breaks used every month"),
        ("{name}'s equipment and adaptations are in place.", "Occupational therapy review completed"),
    ),
    "N5": (
        ("{name} lives in a calm home without conflict.", "{name}'s own scaling of home rises to 7 or more"),
        ("The adults work with substance misuse services.", "Attendance at appointments and clear tests"),
    ),
    "N6": (
        ("{name} is home by the agreed time every night.", "No missing episodes for three months"),
        ("{name} is back in full-time education.", "Attendance at 90% or above"),
    ),
    "other": (
        ("{name}'s routines at home are consistent.", "Routine chart kept and seen at visits"),
        ("{Carer} has support from family and the community.", "Named support network agreed and used"),
        ("{name} has someone to talk to about worries.", "Regular sessions with a trusted adult"),
    ),
}
ACTIONS = (
    (Agency.SCHOOL, "Daily check-in with {name} and breakfast club place", "Designated safeguarding lead"),
    (Agency.SCHOOL, "Weekly attendance report to the social worker", "Head of year"),
    (Agency.HEALTH, "Health review and dental appointment for {name}", "Health visitor / school nurse"),
    (Agency.HEALTH, "Referral to child and adolescent mental health services", "GP"),
    (Agency.SOCIAL_CARE, "Direct work sessions with {name} about feelings and safety", "Social worker"),
    (Agency.SOCIAL_CARE, "Visit at least every four weeks and see {name} alone", "Social worker"),
    (Agency.FAMILY, "Keep a routine chart for mornings and bedtimes", "{Carer}"),
    (Agency.EARLY_HELP, "Parenting programme (ten sessions)", "Family support worker"),
    (Agency.HOUSING, "Review of the family's housing and rent arrears", "Housing officer"),
    (Agency.POLICE, "Share any call-outs to the address within 24 hours", "Police public protection unit"),
    (Agency.OTHER, "Referral to the domestic abuse service for {carer}", "Domestic abuse worker"),
)
REVIEW_ATTENDEES = (
    "Social worker, {Carer}, school safeguarding lead, health visitor.",
    "Social worker, parents, school, school nurse, family support worker.",
    "Social worker, {Carer}, school, housing officer (by phone).",
    "Social worker, mother, father (by phone), school, GP (report sent).",
)
REVIEW_DECISIONS = (
    "Plan continues; actions updated and new dates agreed.",
    "Good progress: reduce visits to every six weeks; review again in 12 weeks.",
    "Limited progress: contingency discussed with the family; manager to review the plan.",
    "Plan continues; school to lead the next review meeting.",
)
PROGRESS_COMMENTS = {
    1: ("Steady progress since the last review.", "Clear improvement reported by school and family."),
    0: ("No change since the last review.", "Things have stayed the same; plan to be revisited."),
    -1: ("Things have slipped since the last review.", "Worse than at the last review; concerns raised."),
}
STEP_DOWN_REASONS = (
    "Most outcomes met; the remaining ones can be supported by early help.",
    "Family now engaging well; early help can continue the parenting work.",
)
CLOSURE_SUMMARY = {
    "RC7": (
        "Outcomes of the plan achieved; the family has support from school and health.",
        "The plan has ended and needs are now met by universal services.",
        "Family no longer engaging; risks reviewed and are low; closed with advice to partners.",
    ),
    "RC8": (
        "Assessment completed: no further action needed from children's social care.",
        "Assessment found the needs are met by universal services; family informed.",
    ),
    "RC6": ("Turned 18: transferred to adult social care with a transition plan.",),
    "RC5": ("Family moved away: case transferred to the new local authority.",),
    "RC3": ("Child arrangements order made: {name} lives with a relative.",),
    "RC4": ("Special guardianship order made: {name} lives with the special guardian.",),
    "RC1": ("Adoption order made.",),
    "RC9": ("Assessment completed: stepped down to early help.",),
}
APPROVAL_TEXT = {
    "assessment": (
        (
            "The child's lived experience comes through clearly and the family's views are recorded.",
            "The analysis follows from the evidence and the outcome is proportionate to the needs found.",
        ),
        (
            "Good use of the child's own words; worries and strengths are balanced.",
            "Needs and risks are evidenced, and the recommended next step is the right one.",
        ),
        (
            "Thorough and timely; the safety scale is explained.",
            "The assessment meets the practice standard; I agree with the outcome.",
        ),
    ),
    "assessment_returned": (
        (
            "Please add {name}'s own views and how the father was involved.",
            "The assessment cannot be signed off without the child's voice and both parents' views.",
        ),
        (
            "The analysis does not yet explain why the outcome follows; please strengthen it.",
            "The outcome must follow from the evidence in the analysis.",
        ),
    ),
    "cin_plan": (
        (
            "Outcomes are specific and measurable; partners' actions have owners and dates.",
            "The plan meets the needs found at assessment and has a clear contingency.",
        ),
        (
            "{name}'s own needs and views are clear in the plan.",
            "Each outcome has a measure and a target date; approve.",
        ),
    ),
    "cin_plan_returned": (
        (
            "The outcomes are not measurable yet; add how we will know.",
            "A plan needs outcomes with measures and dates before it can be approved.",
        ),
    ),
    "step_down": (
        (
            "Checklist complete: the family agrees and early help has accepted.",
            "Needs can now be met at early help level; the step-down is safe.",
        ),
    ),
    "closure": (
        (
            "Closing summary is clear and the family and partners have been told.",
            "The reason for closure is evidenced; I agree the episode can close.",
        ),
        (
            "Closure agreed; school and health will keep supporting.",
            "No further role for children's social care; risks are low.",
        ),
    ),
}
TRANSFER_TEXT = (
    "Child in need work moving from the CIN hub to the locality team",
    "The family has moved within the county; their new patch team takes over",
)
TRANSFER_ACCEPT = (
    "Accepted: allocated within the team at the transfer meeting.",
    "Accepted after the hand-over meeting; plan and chronology up to date.",
)


# ---------------------------------------------------------------------------
# Planned rows
# ---------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class PContact:
    """A contact that did not start a CIN episode (the episodes' own contacts are the generator's)."""

    kid: PKid
    received_at: datetime
    source: str
    method: str
    name: str
    concern: str
    recorder: PWorker | None
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PDecision:
    kid: PKid
    contact: Any  # KEpisode (its contact_pk) or PContact
    level: str
    route: str
    reason: str
    by: PWorker
    at: datetime
    previous: KEpisode | None


@dataclass(eq=False, slots=True)
class PAssessment:
    kid: PKid
    kep: KEpisode
    start: date
    due: date
    texts: tuple[str, ...]
    safety: int | None
    outcome: str
    status: str
    submitted_at: datetime | None
    authorised: date | None
    author: PWorker
    factors: list[str]
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PStrategy:
    kid: PKid
    kep: KEpisode
    day: date
    attendees: str
    concerns: str
    rationale: str
    by: PWorker
    target: date
    icpc: date | None
    not_required: bool
    summary: str
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PPlan:
    title: str
    context: str
    status: str
    start: date | None
    author: PWorker
    submitted_at: datetime | None
    created_at: datetime
    end: date | None = None
    next_review: date | None = None
    sections: list[PSection] = field(default_factory=list)
    reviews: list[PReview] = field(default_factory=list)
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PSection:
    plan: PPlan
    kid: PKid
    kep: KEpisode
    needs: str
    child_views: str
    family_views: str
    contingency: str
    contingency_by: date | None
    start: date | None
    end: date | None
    flat: bool = False
    outcomes: list[POutcome] = field(default_factory=list)
    actions: list[PAction] = field(default_factory=list)
    pk: int | None = None


@dataclass(eq=False, slots=True)
class POutcome:
    section: PSection
    description: str
    measure: str
    target: date
    baseline: int
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PAction:
    section: PSection
    outcome: POutcome | None
    what: str
    who: str
    agency: str
    due: date
    completed: date | None


@dataclass(eq=False, slots=True)
class PReview:
    plan: PPlan
    day: date
    attendees: str
    decisions: str
    next_review: date
    by: PWorker
    progress: list[tuple[POutcome, int, str]] = field(default_factory=list)
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PStepDown:
    kid: PKid
    kep: KEpisode
    outcomes_met: bool
    outcomes_reason: str
    team: PTeam
    proposed: date
    status: str
    by: PWorker
    at: datetime
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PClosure:
    kid: PKid
    kep: KEpisode
    reason: str
    day: date
    summary: str
    status: str
    by: PWorker
    at: datetime
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PTransfer:
    kid: PKid
    from_team: PTeam
    to_team: PTeam
    reason: str
    status: str
    by: PWorker
    at: datetime
    responded_by: PWorker | None = None
    responded_at: datetime | None = None
    response: str = ""
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PApproval:
    subject: Any
    model: type[models.Model]
    kid: PKid
    kind: str
    decision: str
    comment: str
    rationale: str
    grade: str
    by: PWorker
    at: datetime


@dataclass(slots=True)
class S47Plan:
    """A family's strategy discussion and what came of it."""

    strategy: date
    icpc: date | None
    plan: bool
    not_required: bool
    early: bool


def _months_before(day: date, months: int) -> date:
    """As casework.services._months_before (the re-referral window)."""
    return add_months(day, -months)


# ---------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------


class Pathway:
    """Plans the pathway rows for a planned authority (call plan() once, after Planner.plan)."""

    def __init__(self, planner: Planner) -> None:
        from lantern.synthetic import generator as g

        self.g = g
        self.p = planner
        self.rng = planner.rng
        self.wd = planner.wd
        self.as_of = planner.as_of
        self.contacts: list[PContact] = []
        self.decisions: list[PDecision] = []
        self.assessments: list[PAssessment] = []
        self.strategies: list[PStrategy] = []
        self.cp_reviews: list[tuple[KEpisode, date]] = []
        self.plans: list[PPlan] = []
        self.step_downs: list[PStepDown] = []
        self.closures: list[PClosure] = []
        self.transfers: list[PTransfer] = []
        self.approvals: list[PApproval] = []
        self.pending_contacts: list[PContact] = []
        self.service_managers = [w for w in planner.workers if w.role == Role.SERVICE_MANAGER and w.service]
        self.kid_assessment: dict[int, PAssessment] = {}  # id(kep) -> assessment (lookups only)
        self.kid_section: dict[int, PSection] = {}  # id(kep) -> current section (lookups only)
        self.busy_requests: set[int] = set()  # id(kep) with a request waiting

    # -- small helpers --------------------------------------------------------------

    def at(self, day: date, lo: int = 9, hi: int = 17) -> datetime:
        return datetime.combine(day, dtime(self.rng.randint(lo, hi), self.rng.randint(0, 59)), tzinfo=self.g.LONDON)

    def pick(self, bank: Sequence[str], young: bool = False, **names: str) -> str:
        """A phrase from a bank (for a child under school age, one that does not mention school)."""
        if young:
            bank = [text for text in bank if "school" not in text] or LIVED["other"][:1]
        return self.rng.choice(bank).format(**names)

    def names(self, kid: PKid, fam: PFamily | None = None) -> dict[str, str]:
        first = kid.person.first if kid.person.dob is not None else "the baby"
        carer = "mum"
        if fam is not None and fam.resident_partner is not None and fam.resident_partner is kid.father:
            carer = "dad" if self.rng.random() < 0.25 else "mum"
        return {"name": first, "carer": f"{first}'s {carer}", "Carer": carer.capitalize()}

    def is_working_day(self, day: date) -> bool:
        return self.wd.on_or_after(day) == day

    def lead_at(self, kid: PKid, day: date) -> Any:
        """The child's lead allocation (children's social care, not early help) on a day."""
        ending = None
        for a in kid.allocations:
            if a.role != AllocationRole.LEAD or a.team.type == TeamType.EARLY_HELP or a.start > day:
                continue
            if a.end is None or day < a.end:
                return a
            if a.end == day and ending is None:
                ending = a
        return ending

    def social_worker_at(self, kid: PKid, day: date, team: PTeam | None = None) -> PWorker:
        """Who did social work on the child that day: the lead if a social worker (or the team manager
        holding the case), else the supervising social worker, else a social worker of the team."""
        a = self.lead_at(kid, day)
        if a is not None and a.worker is not None and a.worker.role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER):
            return a.worker
        if a is not None and a.worker is not None:
            for s in kid.allocations:
                if (
                    s.role == AllocationRole.SUPERVISING_SOCIAL_WORKER
                    and s.worker is not None
                    and s.start <= day
                    and (s.end is None or day <= s.end)
                ):
                    return s.worker
        team = a.team if a is not None else team
        assert team is not None
        w = self.p.choose_hist(team, day, Role.SOCIAL_WORKER)
        return w or team.manager  # type: ignore[return-value]

    def allocated_at(self, kid: PKid, day: date, team: PTeam | None = None) -> PWorker:
        """The allocated worker (any role) on a day, else a social worker of the team."""
        a = self.lead_at(kid, day)
        if a is not None and a.worker is not None:
            return a.worker
        return self.social_worker_at(kid, day, team)

    def manager_for(self, team: PTeam | None, exclude: PWorker | None = None) -> PWorker:
        if team is not None and team.manager is not None and team.manager is not exclude:
            return team.manager
        for sm in self.service_managers:
            if team is not None and sm.service is team.service and sm is not exclude:
                return sm
        return next(sm for sm in self.service_managers if sm is not exclude)

    def approve(
        self, subject: Any, model: type[models.Model], kid: PKid, kind: str, by: PWorker, at: datetime,
        *, graded: bool = False, returned: bool = False, author: PWorker | None = None,
    ) -> None:  # fmt: skip
        if by is author:  # nobody approves their own work (the callers choose another manager already)
            by = next(sm for sm in self.service_managers if sm is not author)
        bank = APPROVAL_TEXT[f"{kind}_returned" if returned and f"{kind}_returned" in APPROVAL_TEXT else kind]
        comment, rationale = self.rng.choice(bank)
        names = self.names(kid)
        grade = self.g._weighted(self.rng, GRADES) if graded and not returned else ""
        self.approvals.append(
            PApproval(subject, model, kid, kind, Decision.RETURNED if returned else Decision.APPROVED,
                      comment.format(**names), rationale.format(**names), grade, by, at)
        )  # fmt: skip

    def previous_referral(self, kid: PKid, received: date, before: KEpisode | None) -> KEpisode | None:
        since = _months_before(received, 12)
        found = None
        for e in kid.episodes:
            if e is before:
                break
            if since <= e.fep.ref <= received:
                found = e
        return found

    def free(self, kid: PKid, day: date) -> bool:
        for e in kid.episodes:
            if e.fep.ref <= day and (e.close is None or day <= e.close):
                return False
        return all(not (s <= day and (end is None or day <= end)) for s, end, _r, _t in kid.early_help)

    def next_busy(self, kid: PKid, day: date) -> tuple[date | None, bool]:
        """The next CIN referral or early help start after a day (and whether it is a referral)."""
        best: tuple[date | None, bool] = (None, False)
        for e in kid.episodes:
            if e.fep.ref > day and (best[0] is None or e.fep.ref < best[0]):
                best = (e.fep.ref, True)
        for s, _end, _r, _t in kid.early_help:
            if s > day and (best[0] is None or s < best[0]):
                best = (s, False)
        return best

    # -- the plan ---------------------------------------------------------------------

    def plan(self) -> Pathway:
        self.icpc_late_p = self.icpc_late_probability()
        for fam in self.p.families:
            for fep in list(fam.episodes):
                if fep.keps:
                    self.family_episode(fam, fep)
        self.extra_contacts()
        self.team_transfers()
        if self.p.spec.demo_extras:
            self.demo_extras()
        return self

    def statistics(self) -> dict[str, Any]:
        """Pathway shapes, from the plan (for the command's summary and for tuning)."""
        wd, as_of = self.wd, self.as_of
        approved = [a for a in self.assessments if a.authorised is not None]
        in_time = sum(1 for a in approved if a.authorised <= wd.add(a.start, ASSESSMENT_WORKING_DAYS))  # type: ignore[operator]
        held = [s for s in self.strategies if s.icpc is not None and s.kep.cp is not None and s.kep.cp[0] == s.icpc]

        def received(d: PDecision) -> date:
            c = d.contact
            return (c.fep.contact_at if hasattr(c, "contact_pk") else c.received_at).date()

        quick = sum(1 for d in self.decisions if d.at.date() <= wd.add(received(d), 1))
        current = [p for p in self.plans if p.end is None]
        return {
            "contacts_without_episode": len(self.contacts),
            "decisions_within_1_working_day_pct": round(100 * quick / max(len(self.decisions), 1), 1),
            "assessments": len(self.assessments),
            "assessments_in_progress": len(self.assessments) - len(approved),
            "assessments_within_45_working_days_pct": round(100 * in_time / max(len(approved), 1), 1),
            "section47s": len(self.strategies),
            "icpc_within_15_working_days_pct": round(
                100 * sum(1 for s in held if s.icpc <= s.target) / max(len(held), 1),
                1,  # type: ignore[operator]
            ),
            "cin_plans": len(self.plans),
            "cin_plans_current": len(current),
            "cin_plans_awaiting_approval_or_draft": sum(1 for p in current if p.status != WorkStatus.APPROVED),
            "cin_plan_reviews_overdue": sum(
                1 for p in current if p.status == WorkStatus.APPROVED and p.next_review and p.next_review < as_of
            ),
            "plan_reviews": sum(len(p.reviews) for p in self.plans),
            "approvals": len(self.approvals),
        }

    def icpc_late_probability(self) -> float:
        """The chance of a late conference where one is possible, so that about 22% of all are late."""
        total = possible = 0
        for fam in self.p.families:
            for fep in fam.episodes:
                if fep.outcome == "cp" and fep.planned_cp is not None:
                    total += 1
                    possible += self.wd.count(fep.ref, fep.planned_cp) >= 16
        return min(1.0, ICPC_LATE_SHARE * total / max(possible, 1))

    def family_episode(self, fam: PFamily, fep: FEpisode) -> None:
        self.fix_cp_start(fep)
        if fep.nfa:
            self.decide(fam, fep, DecisionRoute.NFA)
            return
        s47 = self.s47_plan(fep)
        self.decide(fam, fep, DecisionRoute.STRATEGY if s47 is not None and s47.early else DecisionRoute.REFERRAL)
        start, authorised = self.assessment_dates(fep)
        u = self.rng.random()  # where the family's unfinished assessments have got to (siblings together)
        for kid, kep in fep.keps:
            self.assessment(fam, fep, kid, kep, start, authorised, u)
        if s47 is not None:
            for kid, kep in fep.keps:
                self.strategy(fam, fep, kid, kep, s47)
        if fep.cp is not None:
            self.cp_reviews_for(fep)
        self.cin_plans(fam, fep, authorised, s47)
        self.closures_for(fam, fep)

    def fix_cp_start(self, fep: FEpisode) -> None:
        """A CP plan starts on its ICPC date, which is a working day (the generator plans them so)."""
        if fep.cp is None or self.is_working_day(fep.cp[0]):
            return
        s = self.wd.on_or_before(fep.cp[0])
        if s < fep.ref:
            s = self.wd.on_or_after(fep.cp[0])
        fep.cp = (s, *fep.cp[1:])
        fep.planned_cp = s
        for _kid, kep in fep.keps:
            if kep.cp is not None:
                kep.cp = (s, *kep.cp[1:])

    # -- front door ---------------------------------------------------------------------

    def decision_at(self, received: datetime, day: date) -> datetime:
        rng, wd = self.rng, self.wd
        if day == received.date():
            t = received + timedelta(minutes=rng.randint(15, 300))
            if t.date() == day and t.hour < 19:
                return t
            nxt = wd.add(day, 1)
            if nxt <= self.as_of:
                return self.at(nxt, 9, 12)
            return received + timedelta(minutes=min(10, (23 - received.hour) * 60))
        return self.at(day)

    def decider(self, fep: FEpisode, route: str) -> PWorker:
        recorder = fep.recorder
        team = recorder.team if recorder is not None else self.p.front_door[0]
        assert team is not None
        manager_share = 0.6 if route == DecisionRoute.STRATEGY else 0.25
        if recorder is None or self.rng.random() < manager_share:
            return team.manager  # type: ignore[return-value]
        return recorder

    def decide(self, fam: PFamily, fep: FEpisode, route: str) -> None:
        rng = self.rng
        assert fep.contact_at is not None
        received = fep.contact_at.date()
        if fep.nfa:
            day = fep.close or fep.ref
            level = "universal" if rng.random() < 0.6 else "early_help"
        else:
            if received < fep.ref:
                day = fep.ref
            else:
                day = received if rng.random() < 0.93 else self.wd.add(received, rng.randint(2, 4))
            if route == DecisionRoute.STRATEGY:
                level = "child_protection"
            else:
                level = "child_protection" if fep.need == "N1" and rng.random() < 0.12 else "child_in_need"
        day = min(day, self.as_of)
        at = self.decision_at(fep.contact_at, day)
        by = self.decider(fep, route)
        reason = rng.choice(DECISION_REASONS[route])  # type: ignore[index]
        for kid, kep in fep.keps:
            previous = self.previous_referral(kid, received, kep)
            self.decisions.append(PDecision(kid, kep, level, route, reason, by, at, previous))

    # -- assessment ---------------------------------------------------------------------

    def assessment_dates(self, fep: FEpisode) -> tuple[date, date]:
        """The family's assessment start and (planned) authorisation dates."""
        rng, wd = self.rng, self.wd
        ref = fep.ref
        end = fep.assess_end or wd.add(ref, 30)
        span = wd.count(ref, end)
        k = self.g._weighted(rng, ((0, 8.0), (1, 20.0), (2, 18.0), (3, 14.0), (4, 10.0), (5, 8.0), (6, 6.0),
                                   (7, 5.0), (8, 4.0), (9, 4.0), (10, 3.0)))  # fmt: skip
        k = max(0, min(k, span - 1))
        start = wd.add(ref, k)
        tag = fep.tag
        if tag == "assess_overdue":
            return wd.add(ref, 3), wd.add(self.as_of, 20)
        if tag == "assess_returned":
            return wd.add(ref, 2), wd.add(self.as_of, 10)
        if tag == "assess_submitted":
            return wd.add(ref, 1), wd.add(self.as_of, 3)
        limit = wd.add(start, ASSESSMENT_WORKING_DAYS)
        if fep.outcome in ("not_in_need", "step_down"):
            authorised = end if rng.random() < 0.6 else wd.sub(end, rng.randint(1, 2))
        else:  # signed off, then the case moves on (late where the assessment took longer than 45 days)
            authorised = end if rng.random() < 0.6 else wd.sub(end, rng.randint(1, 3))
            if tag in ("plan_submitted", "in_time"):
                authorised = min(authorised, limit)
        return start, max(authorised, start)

    def factors(self, fep: FEpisode, kid: PKid, kep: KEpisode) -> list[str]:
        rng = self.rng
        if fep.outcome == "not_in_need" and kep.reason == "RC8" and rng.random() < 0.35:
            return ["21"]
        weights = FACTOR_WEIGHTS.get(fep.need, FACTOR_WEIGHTS["N0"])
        codes = [code for code, p in weights if rng.random() < p]
        if not codes:
            codes = [weights[0][0]]
        codes = codes[:3]
        if kid.disabilities:
            codes.insert(0, "5A" if {"LD", "AUT", "COMM"} & set(kid.disabilities) else "6A")
        return list(dict.fromkeys(codes))[:4]

    def assessment_texts(self, fam: PFamily, fep: FEpisode, kid: PKid, full: bool) -> tuple[str, ...]:
        rng = self.rng
        n = self.names(kid, fam)
        need = fep.need if fep.need in LIVED else "other"
        baby = kid.person.dob is None or (fep.ref - kid.person.dob).days < 3 * 365
        young = kid.person.dob is None or (fep.ref - kid.person.dob).days < 4 * 365
        lang = kid.person.lang
        language = "English is the home language" if lang == "English" else f"{lang} is spoken at home"
        heritage = ETHNICITY_LABELS.get(kid.person.eth, "family")
        if heritage.startswith(("Any other", "Information", "Refused")):
            heritage = "mixed" if kid.person.eth == "MOTH" else "family"
        texts = (
            self.pick(LIVED[need], young, **n),
            self.pick(BABY_WORDS, **n) if baby else rng.choice(CHILD_WORDS),
            self.pick(IDENTITY, heritage=heritage, language=language, **n),
            self.pick(INVOLVEMENT, **n),
            self.pick(FAMILY_VIEWS, **n),
            self.pick(WORRIES.get(fep.need, WORRIES["other"]), young, **n),
            self.pick(STRENGTHS, young, **n),
            self.pick(DANGER, young, **n) if fep.outcome in ("cin", "cp") else "",
            self.pick(SAFETY_GOALS, young, **n) if fep.outcome in ("cin", "cp") else "",
            self.pick(ANALYSIS[fep.outcome], **n),
        )
        if not full:  # a draft: the first sections written, the rest still to do
            keep = rng.randint(2, 7)
            texts = tuple(t if i < keep else "" for i, t in enumerate(texts))
        return texts

    def assessment(
        self, fam: PFamily, fep: FEpisode, kid: PKid, kep: KEpisode, start: date, authorised: date, u: float
    ) -> None:
        rng, wd, as_of = self.rng, self.wd, self.as_of
        close = kep.close
        if start > as_of or (close is not None and close < start):
            return
        if close is not None and authorised > close:
            authorised = close
        author = self.social_worker_at(kid, start)
        # When the child left the assessment team (the assessment done, if not yet signed off).
        left = None
        if fep.segs and fep.segs[0].team.type == TeamType.ASSESSMENT_HUB:
            left = next((sg.start for sg in fep.segs if sg.team is not fep.segs[0].team), None)
        outcome = ASSESSMENT_OUTCOME[fep.outcome]
        if fep.outcome == "cp" and fep.late_cp:
            outcome = AssessmentOutcome.CIN_PLAN
        low, high = {"not_in_need": (7, 10), "step_down": (6, 9), "cin": (3, 7), "cp": (0, 4)}[fep.outcome]
        safety: int | None = rng.randint(low, high)
        due = wd.add(fep.ref, ASSESSMENT_WORKING_DAYS)
        returned_at: datetime | None = None
        if authorised <= as_of:
            status = WorkStatus.APPROVED
            submitted = max(start, wd.sub(authorised, rng.randint(0, 3)))
            submitted_at = self.at(submitted)
        else:
            tag = fep.tag
            if tag == "assess_overdue":
                status = WorkStatus.DRAFT
            elif tag == "assess_returned":
                status = WorkStatus.RETURNED
            elif tag == "assess_submitted":
                status = WorkStatus.SUBMITTED
            elif (left is not None and left <= as_of) or (wd.count(as_of, authorised) <= 4 and u < 0.7):
                status = WorkStatus.SUBMITTED  # the case has moved on: the assessment waits for sign-off
            else:
                status = WorkStatus.RETURNED if u < 0.05 else (WorkStatus.SUBMITTED if u < 0.15 else WorkStatus.DRAFT)
            if status == WorkStatus.DRAFT:
                submitted_at = None
            else:
                lo = wd.count(start, as_of)
                back = {"assess_returned": 6, "assess_submitted": 1}.get(tag, rng.randint(0, min(lo, 5)))
                day = wd.sub(as_of, back) if back else as_of
                if left is not None and left <= as_of:
                    day = min(day, left)
                submitted_at = self.at(max(start, day))
                if status == WorkStatus.RETURNED:
                    day = wd.sub(as_of, 3) if tag == "assess_returned" else as_of
                    returned_at = self.at(max(submitted_at.date(), day))
                    if returned_at <= submitted_at:
                        returned_at = submitted_at + timedelta(hours=2)
        full = status != WorkStatus.DRAFT
        texts = self.assessment_texts(fam, fep, kid, full)
        if not full:
            outcome = ""
            safety = safety if rng.random() < 0.5 else None
        a = PAssessment(
            kid, kep, start, due, texts, safety, outcome, status, submitted_at,
            authorised if status == WorkStatus.APPROVED else None, author,
            self.factors(fep, kid, kep) if full else [],
        )  # fmt: skip
        self.assessments.append(a)
        self.kid_assessment[id(kep)] = a
        lead = self.lead_at(kid, authorised if status == WorkStatus.APPROVED else min(as_of, authorised))
        team = lead.team if lead is not None else author.team
        manager = self.manager_for(team, exclude=author)
        if status == WorkStatus.APPROVED:
            if rng.random() < 0.08 and wd.count(start, authorised) > 6:
                earlier = wd.sub(authorised, rng.randint(3, 5))
                self.approve(a, Assessment, kid, "assessment", manager, self.at(earlier), returned=True, author=author)
            self.approve(a, Assessment, kid, "assessment", manager, self.at(authorised), graded=True, author=author)
        elif returned_at is not None:
            self.approve(a, Assessment, kid, "assessment", manager, returned_at, returned=True, author=author)

    # -- section 47 and child protection ------------------------------------------------

    def s47_plan(self, fep: FEpisode) -> S47Plan | None:
        rng, wd = self.rng, self.wd
        if fep.outcome == "cp" and fep.planned_cp is not None:
            icpc = fep.planned_cp
            span = wd.count(fep.ref, icpc)
            if span >= 16 and rng.random() < self.icpc_late_p:
                k = rng.randint(16, min(30, span))
            else:
                k = rng.randint(min(5, span), min(ICPC_WORKING_DAYS, span))
            strategy = max(fep.ref, wd.sub(icpc, k) if k else icpc)
            return S47Plan(strategy, icpc, True, False, not fep.late_cp)
        share = S47_WITHOUT_PLAN.get(fep.outcome, 0.0)
        if not share or fep.need in ("N2", "N9", "N0") or rng.random() >= share:
            return None
        end = fep.assess_end or wd.add(fep.ref, 30)
        strategy = fep.ref if rng.random() < 0.5 else wd.add(fep.ref, rng.randint(1, 4))
        if strategy >= end:
            return None
        icpc = None
        if rng.random() < 0.2:
            icpc = wd.add(strategy, rng.randint(8, 15))
            if icpc >= end:
                icpc = None
        return S47Plan(strategy, icpc, False, icpc is None, True)

    def strategy(self, fam: PFamily, fep: FEpisode, kid: PKid, kep: KEpisode, s47: S47Plan) -> None:
        rng, as_of = self.rng, self.as_of
        if s47.strategy > as_of or (kep.close is not None and kep.close < s47.strategy):
            return
        icpc = s47.icpc if s47.icpc is not None and s47.icpc <= as_of else None
        not_required = s47.not_required
        if s47.plan:
            if kep.cp is not None:
                icpc, summary = kep.cp[0], rng.choice(S47_SUMMARY_PLAN)
            elif kep.close is not None:
                icpc, not_required = None, True
                summary = "Enquiry ended when the episode closed; no conference for this child."
            else:
                icpc, summary = None, ""  # the conference is still to come
        else:
            if icpc is not None and kep.close is not None and kep.close < icpc:
                icpc = None
            if icpc is None and kep.close is not None:
                not_required = True
            if icpc is not None:
                summary = rng.choice(S47_SUMMARY_NO_PLAN)
            elif not_required:
                summary = rng.choice(S47_SUMMARY_NOT_REQUIRED)
            else:
                summary = ""
        if icpc is not None:
            not_required = False
        n = self.names(kid, fam)
        police = rng.choice(self.g.N.ORIGINS["british"].surnames)
        self.strategies.append(
            PStrategy(kid, kep, s47.strategy, self.pick(ATTENDEES_STRATEGY, police=police), fep.concern or
                      self.pick(WORRIES.get(fep.need, WORRIES["other"]), **n), rng.choice(STRATEGY_RATIONALE),
                      self.social_worker_at(kid, s47.strategy), self.wd.add(s47.strategy, ICPC_WORKING_DAYS), icpc,
                      not_required, summary)
        )  # fmt: skip

    def cp_reviews_for(self, fep: FEpisode) -> None:
        """Review conferences: the first within 3 months, then every 6 months; a plan ends at one."""
        rng, wd, as_of = self.rng, self.wd, self.as_of
        assert fep.cp is not None
        s, e = fep.cp[0], fep.cp[1]
        days: list[date] = []
        r = s + timedelta(days=rng.randint(50, 88) if rng.random() < 0.88 else rng.randint(95, 125))
        while True:
            r = wd.on_or_after(r)
            if r > as_of or (e is not None and r >= e):
                break
            days.append(r)
            r += timedelta(days=rng.randint(160, 182) if rng.random() < 0.9 else rng.randint(186, 215))
        if e is not None:
            final = wd.on_or_before(e)
            if final > s:
                if days and (final - days[-1]).days < 28 and (len(days) == 1 or days[-2] < final):
                    days[-1] = final
                elif not days or final > days[-1]:
                    days.append(final)
        for _kid, kep in fep.keps:
            if kep.cp is None:
                continue
            kid_end = kep.cp[1]
            for day in days:
                if day > kep.cp[0] and (kid_end is None or day <= kid_end):
                    self.cp_reviews.append((kep, day))

    # -- child in need plans ------------------------------------------------------------

    def cin_plans(self, fam: PFamily, fep: FEpisode, authorised: date, s47: S47Plan | None) -> None:
        rng, wd = self.rng, self.wd
        periods: list[tuple[date, date | None, bool]] = []  # start, end (a CP plan starting), after a CP plan
        if fep.outcome == "cin" or (fep.outcome == "cp" and fep.late_cp):
            gap = rng.randint(1, 10) if rng.random() < 0.65 else rng.randint(11, 40)
            start = wd.add(authorised, gap)
            end = fep.planned_cp if fep.late_cp else None
            limit = end or fep.planned_close
            if limit is not None and start > limit - timedelta(days=7):
                start = wd.add(authorised, 1)
            # A family whose worries escalated before a plan was agreed goes straight to the S47.
            escalated = s47 is not None and fep.late_cp and start > s47.strategy - timedelta(days=5)
            if not escalated and (limit is None or start <= limit - timedelta(days=7)):
                periods.append((start, end, False))
        if fep.outcome == "cp" and fep.cp is not None and fep.cp[1] is not None:
            start = max(wd.on_or_after(fep.cp[1] + timedelta(days=rng.randint(0, 10))), wd.add(authorised, 1))
            if fep.planned_close is None or start <= fep.planned_close - timedelta(days=7):
                periods.append((start, None, True))
        for start, end, after_cp in periods:
            self.cin_plan(fam, fep, start, end, after_cp, authorised)

    def cin_plan(
        self, fam: PFamily, fep: FEpisode, start: date, end: date | None, after_cp: bool, authorised: date
    ) -> None:
        rng, wd, as_of = self.rng, self.wd, self.as_of
        members = []
        for kid, kep in fep.keps:
            if after_cp and (kep.cp is None or kep.cp[1] is None or kep.cp[1] > start):
                continue
            if kep.close is not None and kep.close <= start + timedelta(days=7):
                continue
            members.append((kid, kep))
        if not members:
            return
        waiting = start > as_of or fep.tag == "plan_submitted"
        if waiting:
            ready = fep.cp[1] if after_cp and fep.cp else authorised  # type: ignore[index]
            if ready is None or ready > as_of:
                return
            members = [(kid, kep) for kid, kep in members if kep.close is None]
            if not members:
                return
            status = WorkStatus.SUBMITTED if fep.tag == "plan_submitted" or rng.random() < 0.5 else WorkStatus.DRAFT
            written = min(as_of, wd.add(ready, rng.randint(1, 5)))
        else:
            status = WorkStatus.APPROVED
            written = start
        kid0 = members[0][0]
        author = self.allocated_at(kid0, min(written, as_of))
        team = self.lead_at(kid0, min(written, as_of))
        team = team.team if team is not None else author.team
        manager = self.manager_for(team, exclude=author)
        if status == WorkStatus.APPROVED:
            submitted_day = max(authorised, wd.sub(start, rng.randint(1, 4)))
            created = max(authorised, submitted_day - timedelta(days=rng.randint(2, 10)))
        elif status == WorkStatus.SUBMITTED:
            submitted_day = wd.sub(as_of, 2) if fep.tag == "plan_submitted" else written
            created = max(authorised, submitted_day - timedelta(days=rng.randint(2, 10)))
        else:
            submitted_day = None
            created = written
        surname = fam.mother.last if fam.mother is not None else kid0.person.last
        title = f"{self.g.N.masculine_surname(surname)} family plan" if len(members) > 1 else \
            f"{kid0.person.first}'s plan"  # fmt: skip
        plan = PPlan(title, rng.choice(PLAN_CONTEXT), status, start if status == WorkStatus.APPROVED else None, author,
                     self.at(submitted_day) if submitted_day else None, self.at(created))  # fmt: skip
        self.plans.append(plan)
        full = status != WorkStatus.DRAFT
        for kid, kep in members:
            self.section(fam, fep, plan, kid, kep, start, end, full)
        if status == WorkStatus.APPROVED:
            ends = [s.end for s in plan.sections]
            plan.end = None if any(x is None for x in ends) else max(ends)  # type: ignore[type-var]
            self.reviews(fep, plan)
            for s in plan.sections:
                if rng.random() < 0.08 and submitted_day is not None and submitted_day < start:
                    returned = max(created, wd.sub(submitted_day, 3))
                    self.approve(plan, CINPlan, s.kid, "cin_plan", manager, self.at(returned), returned=True,
                                 author=author)  # fmt: skip
                self.approve(plan, CINPlan, s.kid, "cin_plan", manager, self.at(start), author=author)

    def section(
        self, fam: PFamily, fep: FEpisode, plan: PPlan, kid: PKid, kep: KEpisode, start: date, end: date | None,
        full: bool,
    ) -> None:  # fmt: skip
        rng, as_of = self.rng, self.as_of
        n = self.names(kid, fam)
        need = fep.need if fep.need in NEEDS else "other"
        approved = plan.status == WorkStatus.APPROVED
        s_end: date | None = None
        if approved:
            candidates = [x for x in (kep.close, end) if x is not None]
            s_end = min(candidates) if candidates else None
            if s_end is not None and s_end > as_of:
                s_end = None
        base = start if approved else as_of
        young = kid.person.dob is None or (base - kid.person.dob).days < 4 * 365
        views = self.pick(YOUNG_VIEWS if young else CHILD_VIEWS, **n)
        section = PSection(
            plan, kid, kep, self.pick(NEEDS[need], young, **n), views if full or rng.random() < 0.5 else "",
            self.pick(SECTION_FAMILY_VIEWS, **n), self.pick(CONTINGENCY, **n) if full or rng.random() < 0.5 else "",
            base + timedelta(weeks=rng.randint(6, 12)), start if approved else None, s_end,
        )  # fmt: skip
        long_running = ((s_end or as_of) - start).days > 270
        section.flat = rng.random() < (0.5 if long_running else 0.12)
        plan.sections.append(section)
        if approved and s_end is None:
            self.kid_section[id(kep)] = section
        bank = [o for o in OUTCOMES.get(fep.need, OUTCOMES["other"]) if not (young and "school" in o[0] + o[1])]
        bank = bank or list(OUTCOMES["other"])
        n_out = rng.randint(1, 3) if full else rng.randint(0, 2)
        for description, measure in rng.sample(bank, min(n_out, len(bank))):
            section.outcomes.append(
                POutcome(section, description.format(**n), measure.format(**n),
                         base + timedelta(weeks=rng.randint(12, 36)),
                         rng.randint(3, 6) if fep.outcome == "cp" else rng.randint(1, 5))
            )  # fmt: skip
        n_act = rng.randint(1, 3) if full else rng.randint(0, 2)
        actions = [a for a in ACTIONS if not (young and a[0] == Agency.SCHOOL)]
        first = [a for a in actions if a[0] == (Agency.HEALTH if young else Agency.SCHOOL)]
        chosen = [rng.choice(first)] + rng.sample(actions, 2)
        for agency, what, who in list(dict.fromkeys(chosen))[:n_act]:
            due = base + timedelta(weeks=rng.randint(2, 12))
            done = None
            if approved and due <= as_of and rng.random() < 0.7:
                last = min(as_of, section.end or as_of)
                done = max(start, min(last, due - timedelta(days=rng.randint(0, 10))))
            outcome = rng.choice(section.outcomes) if section.outcomes and rng.random() < 0.7 else None
            section.actions.append(PAction(section, outcome, what.format(**n), who.format(**n), agency, due, done))

    def reviews(self, fep: FEpisode, plan: PPlan) -> None:
        rng, wd, as_of = self.rng, self.wd, self.as_of
        assert plan.start is not None
        limit = min(plan.end, as_of) if plan.end is not None else as_of
        overdue = fep.tag == "review_overdue"
        if overdue:  # the demo: the last review 14 weeks ago, the next one two weeks overdue
            limit = min(limit, as_of - timedelta(weeks=REVIEW_WEEKS + 3))
        due = plan.start + timedelta(weeks=REVIEW_WEEKS)
        previous = plan.start
        scores: dict[int, int] = {}  # id(outcome) -> last score (lookups only)
        while True:
            delay = rng.randint(-10, 3) if rng.random() < 0.82 else rng.randint(7, 45)
            day = wd.on_or_after(max(previous + timedelta(days=14), due + timedelta(days=delay)))
            if day > limit or (plan.end is not None and day >= plan.end):
                break
            current = [
                s for s in plan.sections if s.start is not None and s.start <= day and (s.end is None or s.end > day)
            ]
            if not current:
                break
            kid = current[0].kid
            n = self.names(kid)
            review = PReview(plan, day, self.pick(REVIEW_ATTENDEES, **n), rng.choice(REVIEW_DECISIONS),
                             day + timedelta(weeks=REVIEW_WEEKS), self.allocated_at(kid, day))  # fmt: skip
            for s in current:
                for o in s.outcomes:
                    last = scores.get(id(o), o.baseline)
                    if s.flat:
                        score = max(0, min(10, o.baseline + rng.choice((-1, 0, 0, 0, 1))))
                    else:
                        score = max(0, min(10, last + max(-1, round(rng.gauss(1.1, 0.9)))))
                    delta = (score > last) - (score < last)
                    review.progress.append((o, score, rng.choice(PROGRESS_COMMENTS[delta])))
                    scores[id(o)] = score
            plan.reviews.append(review)
            previous = day
            due = review.next_review
        if overdue:
            day = wd.on_or_after(as_of - timedelta(weeks=REVIEW_WEEKS + 2))
            current = [s for s in plan.sections if s.start is not None and s.start <= day and s.end is None]
            if current and day > previous + timedelta(days=7):
                kid = current[0].kid
                review = PReview(plan, day, self.pick(REVIEW_ATTENDEES, **self.names(kid)), REVIEW_DECISIONS[0],
                                 day + timedelta(weeks=REVIEW_WEEKS), self.allocated_at(kid, day))  # fmt: skip
                for s in current:
                    for o in s.outcomes:
                        score = scores.get(id(o), o.baseline)
                        review.progress.append((o, score, PROGRESS_COMMENTS[0][0]))
                plan.reviews.append(review)
                due = review.next_review
        plan.next_review = due

    # -- closure, step-down and early help after it ------------------------------------

    def closures_for(self, fam: PFamily, fep: FEpisode) -> None:
        rng = self.rng
        stepped: list[PKid] = []
        eh_team: PTeam | None = None
        if fep.reason == "RC9":
            later = [eh for eh in fam.early_help if fep.close is not None and eh.start >= fep.close]
            eh_team = later[0].team if later else None
        elif fep.reason == "RC7" and fep.close and fep.outcome in ("cin", "cp") and rng.random() < RC7_STEP_DOWN:
            stepped = self.step_down_to_early_help(fam, fep)
        for kid, kep in fep.keps:
            if kep.close is None:
                self.pending_request(fam, fep, kid, kep)
                continue
            lead = self.lead_at(kid, kep.close)
            team = lead.team if lead is not None else kep.team
            approver = kep.closed_by or self.manager_for(team)
            by = self.allocated_at(kid, kep.close, team)
            if by is approver:
                approver = self.manager_for(team, exclude=by)
            asked = self.at(max(fep.ref, self.wd.sub(kep.close, rng.randint(0, 4))))
            decided = self.at(kep.close)
            if decided < asked:
                decided = asked + timedelta(hours=1)
            if kep.reason == "RC9" or kid in stepped:
                team_eh = eh_team or self.p.team_for(fam, self.g.EARLY)
                met = rng.random() < 0.7
                sd = PStepDown(kid, kep, met, "" if met else rng.choice(STEP_DOWN_REASONS), team_eh, kep.close,
                               WorkStatus.APPROVED, by, asked)  # fmt: skip
                self.step_downs.append(sd)
                self.approve(sd, StepDown, kid, "step_down", approver, decided, author=by)
            else:
                summary = self.pick(CLOSURE_SUMMARY.get(kep.reason, CLOSURE_SUMMARY["RC7"]), **self.names(kid))
                cr = PClosure(kid, kep, kep.reason, kep.close, summary, WorkStatus.APPROVED, by, asked)
                self.closures.append(cr)
                self.approve(cr, ClosureRequest, kid, "closure", approver, decided, author=by)

    def step_down_to_early_help(self, fam: PFamily, fep: FEpisode) -> list[PKid]:
        rng, as_of = self.rng, self.as_of
        assert fep.close is not None
        start = fep.close + timedelta(days=rng.randint(0, 3))
        if start > as_of:
            return []
        kids = [kid for kid, kep in fep.keps if kep.close == fep.close and kep.reason == "RC7" and kid.eligible(start)]
        kids = [kid for kid in kids if all(not (s <= start <= (e or start)) for s, e, _r, _t in kid.early_help)]
        if not kids:
            return []
        end: date | None = start + timedelta(days=rng.randint(60, 300))
        reason = self.g._weighted(rng, self.g.EH_END_REASONS)
        for kid in kids:
            nxt, referral = self.next_busy(kid, start)
            if nxt is not None and end is not None and nxt <= end:
                end = nxt if referral else nxt - self.g.ONE_DAY
                reason = self.g.EH_STEPPED_UP if referral else "Outcomes achieved"
        if end is not None and end <= start:
            return []
        if end is not None and end > as_of:
            end, reason = None, ""
        self.add_early_help(fam, start, end, reason, kids)
        return kids

    def add_early_help(self, fam: PFamily, start: date, end: date | None, reason: str, kids: list[PKid]) -> None:
        eh = self.g.FEarlyHelp(start, end, reason, self.p.team_for(fam, self.g.EARLY), kids)
        fam.early_help.append(eh)
        self.p.early_help_segments(fam, eh)
        self.p.attach_early_help(eh)

    def pending_request(self, fam: PFamily, fep: FEpisode, kid: PKid, kep: KEpisode) -> None:
        """An open episode due to close within a fortnight: the request is waiting for a manager."""
        rng, as_of = self.rng, self.as_of
        planned = fep.planned_close
        if planned is None or not as_of < planned <= as_of + timedelta(days=14) or rng.random() < 0.3:
            return
        assessment = self.kid_assessment.get(id(kep))
        if assessment is None or assessment.status != WorkStatus.APPROVED:
            return
        lead = self.lead_at(kid, as_of)
        if lead is None or lead.worker is None or lead.worker.role == Role.TEAM_MANAGER:
            return
        asked = self.at(self.wd.sub(as_of, rng.randint(0, 3)))
        if fep.planned_reason == "RC9":
            team = self.p.team_for(fam, self.g.EARLY)
            self.step_downs.append(
                PStepDown(kid, kep, True, "", team, planned, WorkStatus.SUBMITTED, lead.worker, asked)
            )
        elif fep.planned_reason in CLOSURE_SUMMARY and fep.planned_reason != "RC9":
            summary = self.pick(CLOSURE_SUMMARY[fep.planned_reason], **self.names(kid))
            self.closures.append(PClosure(kid, kep, fep.planned_reason, planned, summary, WorkStatus.SUBMITTED,
                                          lead.worker, asked))  # fmt: skip
        else:
            return
        self.busy_requests.add(id(kep))

    # -- contacts that did not start an episode ------------------------------------------

    def extra_contacts(self) -> None:
        rng, as_of = self.rng, self.as_of
        target = round(EXTRA_CONTACTS_PER_REFERRAL * self.p.child_referrals)
        families = [f for f in self.p.families if any(k.person.dob is not None for k in f.kids)]
        made = attempts = 0
        while made < target and attempts < 4 * target and families:
            attempts += 1
            fam = rng.choice(families)
            day = rng.choice(self.p.window_days)
            kids = [k for k in fam.kids if k.person.dob is not None and k.eligible(day) and self.free(k, day)]
            if not kids:
                continue
            tmp = self.g.FEpisode(day, self.p.referral_source(kids, day), "", True, day, "", [])
            self.p.contact_details(tmp, kids)
            assert tmp.contact_at is not None
            received = tmp.contact_at.date()
            kids = [k for k in kids if k.eligible(received) and self.free(k, received)]
            if not kids:
                continue
            decided = received if rng.random() < 0.9 else self.wd.add(received, rng.randint(2, 3))
            decided = min(decided, as_of)
            at = self.decision_at(tmp.contact_at, decided)
            route = DecisionRoute.NFA
            end: date | None = None
            reason = ""
            if rng.random() < EXTRA_CONTACT_EARLY_HELP:
                start = at.date()
                end = start + timedelta(days=rng.randint(60, 240))
                reason = self.g._weighted(rng, self.g.EH_END_REASONS)
                ok = all(self.free(k, start) and k.eligible(start) for k in kids)
                for k in kids:
                    nxt, referral = self.next_busy(k, start)
                    if nxt is not None and end is not None and nxt <= end:
                        end = nxt if referral else nxt - self.g.ONE_DAY
                        reason = self.g.EH_STEPPED_UP if referral else "Outcomes achieved"
                if ok and (end is None or end > start + timedelta(days=20)):
                    route = DecisionRoute.EARLY_HELP
                    if end is not None and end > as_of:
                        end, reason = None, ""
            if route == DecisionRoute.EARLY_HELP:
                level = "early_help"
                concern = self.pick(EXTRA_CONCERNS_EARLY_HELP, **self.names(kids[0], fam))
            else:
                level = "universal" if rng.random() < 0.6 else "early_help"
                concern = tmp.concern
            by = self.decider(tmp, route)
            why = rng.choice(DECISION_REASONS[route])  # type: ignore[index]
            for k in kids:
                c = PContact(k, tmp.contact_at, tmp.source, tmp.contact_method, tmp.contact_name, concern, tmp.recorder)
                self.contacts.append(c)
                previous = self.previous_referral(k, received, None)
                self.decisions.append(PDecision(k, c, level, route, why, by, at, previous))
            if route == DecisionRoute.EARLY_HELP:
                self.add_early_help(fam, at.date(), end, reason, kids)
            made += len(kids)

    # -- transfers ----------------------------------------------------------------------

    def team_transfers(self) -> None:
        rng = self.rng
        for fam in self.p.families:
            for kid in fam.kids:
                leads = [a for a in kid.allocations if a.role == AllocationRole.LEAD]
                for prev, a in zip(leads, leads[1:], strict=False):
                    if a.start_reason != AllocationReason.TEAM_TRANSFER or prev.end != a.start or prev.team is a.team:
                        continue
                    by = prev.worker or prev.team.manager
                    asked = self.at(a.start - timedelta(days=rng.randint(3, 14)))
                    manager = self.manager_for(a.team, exclude=by)
                    answered = self.at(max(asked.date(), a.start - timedelta(days=rng.randint(0, 2))))
                    if answered <= asked:
                        answered = asked + timedelta(hours=3)
                    self.transfers.append(
                        PTransfer(kid, prev.team, a.team, a.detail or rng.choice(TRANSFER_TEXT), "accepted", by,
                                  asked, manager, answered, rng.choice(TRANSFER_ACCEPT))
                    )  # fmt: skip

    # -- the demo's living caseload -------------------------------------------------------

    def demo_extras(self) -> None:
        """A contact awaiting a decision, a step-down and a closure awaiting tm.north, and transfers."""
        rng, wd, as_of = self.rng, self.wd, self.as_of
        p = self.p
        north = p.districts[0].locality[0]
        south = p.districts[1].locality[0]
        named = p.named
        # A contact about a child sw.north holds, received two working days ago: overdue for a decision.
        showcase = p.showcase
        kid = showcase.kids[1]
        received = datetime.combine(wd.sub(as_of, 2), dtime(10, 15), tzinfo=self.g.LONDON)
        front = p.front_door[0]
        recorder = p.choose_hist(front, received.date(), Role.SOCIAL_WORKER) or front.manager
        name = rng.choice(self.g.N.SCHOOL_NAMES)
        self.pending_contacts.append(
            PContact(kid, received, "2A", "portal", f"Designated safeguarding lead, {name}",
                     f"{kid.person.first} told a teacher there was shouting and a fight at home at the weekend "
                     "and did not want to go home.", recorder)
        )  # fmt: skip

        def open_kids(team: PTeam) -> Iterator[tuple[PKid, KEpisode, Any]]:
            for fam in p.families:
                for kid in fam.kids:
                    if not kid.episodes or kid.episodes[-1].close is not None or kid.restricted:
                        continue
                    lead = self.lead_at(kid, as_of)
                    if lead is not None and lead.team is team:
                        yield kid, kid.episodes[-1], lead

        # A step-down (fsw.north) and a closure (another North worker) waiting for tm.north.
        fsw, sw = named["fsw.north"], named["sw.north"]
        done = False
        for kid, kep, lead in open_kids(north):
            if done or id(kep) in self.busy_requests or id(kep) not in self.kid_section or lead.worker is not fsw:
                continue
            sd = PStepDown(kid, kep, True, "", p.districts[0].early_help[0], as_of, WorkStatus.SUBMITTED, fsw,
                           self.at(wd.sub(as_of, 1)))  # fmt: skip
            self.step_downs.append(sd)
            self.busy_requests.add(id(kep))
            done = True
        done = False
        for kid, kep, lead in open_kids(north):
            if done or id(kep) in self.busy_requests or id(kep) not in self.kid_section:
                continue
            if lead.worker is None or lead.worker in (fsw, sw) or lead.worker.role != Role.SOCIAL_WORKER:
                continue
            summary = self.pick(CLOSURE_SUMMARY["RC7"], **self.names(kid))
            self.closures.append(PClosure(kid, kep, "RC7", as_of, summary, WorkStatus.SUBMITTED, lead.worker,
                                          self.at(wd.sub(as_of, 2))))  # fmt: skip
            self.busy_requests.add(id(kep))
            done = True
        # Transfers: two waiting (one to North), one disputed.
        assess = p.districts[0].assess[0]
        hub = p.districts[0].hub[0]
        chosen: set[int] = set()

        def transfer(team: PTeam, to: PTeam, reason: str, status: str, days_ago: int) -> None:
            candidates = [(kid, kep, lead) for kid, kep, lead in open_kids(team) if id(kid) not in chosen]
            assessed = [c for c in candidates if getattr(self.kid_assessment.get(id(c[1])), "status", "") == "approved"]
            for kid, _kep, lead in assessed or candidates:
                chosen.add(id(kid))
                by = lead.worker or team.manager
                t = PTransfer(kid, team, to, reason, status, by, self.at(wd.sub(as_of, days_ago)))
                if status == "disputed":
                    t.responded_by = to.manager
                    t.responded_at = self.at(wd.sub(as_of, 1))
                    t.response = (
                        "Not accepted yet: the assessment does not show why a locality plan is needed; "
                        "please complete the chronology and discuss at the transfer meeting."
                    )
                self.transfers.append(t)
                return

        transfer(assess, north, "Assessment completed: a child in need plan to be held by the locality", "pending", 2)
        transfer(hub, south, "Child in need work moving from the CIN hub to the locality team", "pending", 4)
        transfer(assess, south, "Assessment completed: family lives in the South patch", "disputed", 5)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


@contextmanager
def _historic(model: type[models.Model], *names: str) -> Iterator[None]:
    """Write the planned values of auto_now_add fields (a decision made a year ago is dated then)."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [f.auto_now_add for f in fields]  # type: ignore[union-attr]
    for f in fields:
        f.auto_now_add = False  # type: ignore[union-attr]
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value  # type: ignore[union-attr]


def _set_pk(item: Any, obj: models.Model) -> None:
    item.pk = obj.pk


def _contact_id(contact: Any) -> int:
    """An episode's own contact (KEpisode.contact_pk) or an extra contact (PContact.pk)."""
    return contact.contact_pk if hasattr(contact, "contact_pk") else contact.pk


class PathwayWriter:
    """Writes a planned Pathway after the generator's rows, in a fixed order."""

    def __init__(self, writer: Writer, pathway: Pathway) -> None:
        self.w = writer
        self.pw = pathway

    @staticmethod
    def levels() -> dict[str, int]:
        """The threshold levels the casework data migration creates (made again if someone removed them)."""
        found = dict(ThresholdLevel.objects.filter(code__in=LEVEL_CODES).values_list("code", "pk"))
        if len(found) < len(LEVEL_CODES):
            migration = importlib.import_module("lantern.casework.migrations.0005_default_threshold_levels")
            for code, name, descriptor, order in migration.LEVELS:
                if code not in found:
                    level = ThresholdLevel.objects.create(code=code, name=name, descriptor=descriptor, order=order)
                    found[code] = level.pk
        return found

    def write(self) -> None:
        from lantern.casework.services import ASSESSMENT_TEXT_FIELDS

        pw, bulk = self.pw, self.w.bulk
        levels = self.levels()

        def child(item: Any) -> int:
            return item.kid.person.pk

        bulk(Contact, "contacts", pw.contacts + pw.pending_contacts,
             lambda c: Contact(child_id=child(c), received_at=c.received_at, source=c.source, method=c.method,
                               contact_name=c.name, concern=c.concern,
                               recorded_by_id=c.recorder.pk if c.recorder else None), _set_pk)  # fmt: skip
        bulk(ContactDecision, "contact decisions", pw.decisions,
             lambda d: ContactDecision(contact_id=_contact_id(d.contact), level_id=levels[d.level], route=d.route,
                                       reason=d.reason, decided_by_id=d.by.pk, decided_at=d.at,
                                       previous_episode_id=d.previous.pk if d.previous else None))  # fmt: skip

        def assessment(a: PAssessment) -> Assessment:
            texts = dict(zip(ASSESSMENT_TEXT_FIELDS, a.texts, strict=True))
            return Assessment(episode_id=a.kep.pk, child_id=child(a), start_date=a.start, due_date=a.due,
                              safety_scale=a.safety, outcome=a.outcome, status=a.status, submitted_at=a.submitted_at,
                              authorised_date=a.authorised, author_id=a.author.pk, **texts)  # fmt: skip

        bulk(Assessment, "assessments", pw.assessments, assessment, _set_pk)
        factors = [(a, code) for a in pw.assessments for code in a.factors]
        bulk(AssessmentFactorRecord, "assessment factors", factors,
             lambda ac: AssessmentFactorRecord(assessment_id=ac[0].pk, code=ac[1]))  # fmt: skip
        bulk(StrategyDiscussion, "strategy discussions", pw.strategies,
             lambda s: StrategyDiscussion(episode_id=s.kep.pk, child_id=child(s), date=s.day, attendees=s.attendees,
                                          concerns=s.concerns, decision_s47=True, rationale=s.rationale,
                                          recorded_by_id=s.by.pk), _set_pk)  # fmt: skip
        bulk(Section47, "section 47 enquiries", pw.strategies,
             lambda s: Section47(episode_id=s.kep.pk, child_id=child(s), strategy_discussion_id=s.pk, start_date=s.day,
                                 icpc_target_date=s.target, icpc_date=s.icpc, icpc_not_required=s.not_required,
                                 outcome_summary=s.summary))  # fmt: skip
        bulk(CPPlanReview, "CP plan reviews", pw.cp_reviews, lambda kd: CPPlanReview(plan_id=kd[0].cp_pk, date=kd[1]))
        with _historic(CINPlan, "created_at"):
            bulk(CINPlan, "CIN plans", pw.plans,
                 lambda p: CINPlan(title=p.title, shared_context=p.context, status=p.status, start_date=p.start,
                                   end_date=p.end, review_weeks=REVIEW_WEEKS, next_review_date=p.next_review,
                                   author_id=p.author.pk, submitted_at=p.submitted_at, created_at=p.created_at),
                 _set_pk)  # fmt: skip
        sections = [s for p in pw.plans for s in p.sections]
        bulk(CINPlanChild, "CIN plan sections", sections,
             lambda s: CINPlanChild(plan_id=s.plan.pk, child_id=child(s), episode_id=s.kep.pk, needs=s.needs,
                                    child_views=s.child_views, family_views=s.family_views, contingency=s.contingency,
                                    contingency_by=s.contingency_by, start_date=s.start, end_date=s.end),
             _set_pk)  # fmt: skip
        outcomes = [o for s in sections for o in s.outcomes]
        bulk(PlanOutcome, "plan outcomes", outcomes,
             lambda o: PlanOutcome(section_id=o.section.pk, description=o.description, measure=o.measure,
                                   target_date=o.target, baseline_score=o.baseline), _set_pk)  # fmt: skip
        actions = [a for s in sections for a in s.actions]
        bulk(PlanAction, "plan actions", actions,
             lambda a: PlanAction(section_id=a.section.pk, outcome_id=a.outcome.pk if a.outcome else None,
                                  what=a.what, who=a.who, agency=a.agency, due_date=a.due,
                                  completed_date=a.completed))  # fmt: skip
        reviews = [r for p in pw.plans for r in p.reviews]
        bulk(PlanReview, "plan reviews", reviews,
             lambda r: PlanReview(plan_id=r.plan.pk, date=r.day, attendees=r.attendees, decisions=r.decisions,
                                  next_review_date=r.next_review, recorded_by_id=r.by.pk), _set_pk)  # fmt: skip
        progress = [(r, o, score, comment) for r in reviews for o, score, comment in r.progress]
        bulk(OutcomeProgress, "outcome progress", progress,
             lambda x: OutcomeProgress(review_id=x[0].pk, outcome_id=x[1].pk, score=x[2], comment=x[3]))  # fmt: skip
        with _historic(StepDown, "requested_at"):
            bulk(StepDown, "step-downs", pw.step_downs,
                 lambda s: StepDown(episode_id=s.kep.pk, child_id=child(s), outcomes_met=s.outcomes_met,
                                    outcomes_reason=s.outcomes_reason, family_agrees=True, early_help_accepts=True,
                                    early_help_team_id=s.team.pk, proposed_date=s.proposed, status=s.status,
                                    requested_by_id=s.by.pk, requested_at=s.at), _set_pk)  # fmt: skip
        with _historic(ClosureRequest, "requested_at"):
            bulk(ClosureRequest, "closure requests", pw.closures,
                 lambda c: ClosureRequest(episode_id=c.kep.pk, child_id=child(c), reason=c.reason,
                                          closure_date=c.day, summary=c.summary, status=c.status,
                                          requested_by_id=c.by.pk, requested_at=c.at), _set_pk)  # fmt: skip
        with _historic(Transfer, "requested_at"):
            bulk(Transfer, "transfers", pw.transfers,
                 lambda t: Transfer(child_id=child(t), kind=TransferKind.TEAM, from_team_id=t.from_team.pk,
                                    to_team_id=t.to_team.pk, reason=t.reason, status=t.status,
                                    requested_by_id=t.by.pk, requested_at=t.at,
                                    responded_by_id=t.responded_by.pk if t.responded_by else None,
                                    responded_at=t.responded_at, response_rationale=t.response), _set_pk)  # fmt: skip
        types = {m: ContentType.objects.get_for_model(m).pk for m in (Assessment, CINPlan, StepDown, ClosureRequest)}
        with _historic(Approval, "decided_at"):
            bulk(Approval, "approvals", pw.approvals,
                 lambda a: Approval(subject_type_id=types[a.model], subject_id=a.subject.pk, child_id=child(a),
                                    kind=a.kind, decision=a.decision, comment=a.comment, rationale=a.rationale,
                                    quality_grade=a.grade, decided_by_id=a.by.pk, decided_at=a.at))  # fmt: skip
