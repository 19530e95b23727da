"""Synthetic authority generator: services, teams, workers, families and their casework history.

`seed_authority(size=..., seed=..., as_of=...)` plans a whole council in plain Python (one
`random.Random(seed)`, ordered structures only, no clock), then writes it with `bulk_create` in a
fixed order inside one transaction. The same size, seed and as-of date always give the same data.

Shapes come from DfE's children in need statistics (lantern/reference): referrals a year,
re-referrals within 12 months (about a fifth), referrals with no further action (about 6%),
children in need on the as-of date, primary needs (abuse or neglect well over half), referral
sources (police, schools, health), closure reasons and child protection plans (about one CIN
episode in ten).

How a family's history is made: a household of one to four children (full and half siblings)
with their mother, usually a father or step-parent, sometimes a grandparent or carer. The family
is referred on a working day; every child of the right age gets a contact and a CIN episode. An
episode is a sequence of phases (front door decision; assessment; child in need plan in a
locality team or the CIN hub; child protection plan in the CP team) and each phase is held by a
team and, usually, a worker. Workers change for reasons (worker left, caseload balancing, absence,
case progression, team transfer); every change ends one allocation and starts the next. After
closure a family may be referred again (most re-referrals within a year), or stepped down to
early help.

Caseloads on the as-of date are balanced within each team in proportion to each worker's
capacity (new workers lighter, a few overloaded), which gives averages of about 16-18 children a
social worker for the county sizes, a few workers over 25 and one or two over 30.

Then pathway.py plans what was recorded along each episode (front door decisions and contacts
that did not become referrals, assessments, strategy discussions and section 47 enquiries, CP
reviews, CIN plans with each child's section, reviews and progress, step-downs, closures,
transfers and every manager's approval), with the same random generator, and writes it after
the rows above.
"""

from __future__ import annotations

import bisect
import importlib
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from tqdm import tqdm

from lantern.access.models import AccessListEntry
from lantern.casework.models import ChildProtectionPlan, CINEpisode, Contact, ContactMethod, EarlyHelpEpisode
from lantern.core.identifiers import SYNTHETIC_NHS_BASE, make_nhs_number, make_upn
from lantern.identity.models import MfaExemption
from lantern.people.models import (
    Address,
    Child,
    ChildDisability,
    Household,
    HouseholdMember,
    Person,
    Relationship,
    RelationshipType,
)
from lantern.synthetic import names as N
from lantern.workforce.models import (
    Allocation,
    AllocationReason,
    AllocationRole,
    Role,
    Service,
    Team,
    TeamType,
    Worker,
)

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_USERNAMES",
    "DEMO_PASSWORD",
    "PUBLIC_SIZES",
    "SIZES",
    "SeedResult",
    "SizeSpec",
    "plan_authority",
    "seed_authority",
]

LONDON = ZoneInfo("Europe/London")
DEMO_PASSWORD = "lantern-demo"  # noqa: S105 - the published password of the synthetic demo accounts
BATCH_SIZE = 2000
ONE_DAY = timedelta(days=1)


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SizeSpec:
    name: str
    description: str
    referrals_per_year: int
    years: int
    #: Children in need on the as-of date that the parameters aim at (used to size the teams).
    target_open: int
    #: Three-digit LA number used inside synthetic UPNs.
    la_code: int
    #: Number of districts; 0 means the demo's fixed organisation (North and South patches).
    districts: int
    #: Stretches child in need plan lengths (calibrated so the open count lands on target_open).
    plan_scale: float = 1.0
    #: Share of child in need plans held by the CIN hub rather than a locality team.
    hub_share: float = 0.15
    #: Share of child protection plans held by the CP team (the rest stay in locality).
    cp_team_share: float = 0.65
    #: Shares of the children not in assessment held by CP teams and the CIN hub (sizes the teams).
    cp_team_load: float = 0.11
    hub_team_load: float = 0.10
    #: Average days a referral spends with an assessment team (sizes the assessment teams).
    assess_days: float = 37.0
    #: Overrides of names.CHILD_ETHNICITY_WEIGHTS.
    ethnicity: tuple[tuple[str, float], ...] = ()
    #: The demo's showcase caseloads, restricted child and unallocated children.
    demo_extras: bool = False
    #: Show progress bars (on stderr).
    progress: bool = False


SIZES: dict[str, SizeSpec] = {
    # Internal: small and quick, for tests. Not offered by the command's help.
    "tiny": SizeSpec(
        name="tiny",
        description="tiny test authority",
        referrals_per_year=60,
        years=2,
        target_open=20,
        la_code=888,
        districts=0,
        plan_scale=0.8,
    ),
    "demo": SizeSpec(
        name="demo",
        description="demo authority (about 350 referrals a year)",
        referrals_per_year=350,
        years=3,
        target_open=120,
        la_code=888,
        districts=0,
        plan_scale=0.37,
        hub_share=0.1,
        cp_team_share=0.35,
        demo_extras=True,
    ),
    "lancashire": SizeSpec(
        name="lancashire",
        description="Lancashire-2017-sized county (about 11,300 referrals a year)",
        referrals_per_year=11_338,
        years=3,
        target_open=8_250,
        la_code=888,
        districts=7,
        plan_scale=1.8,
        ethnicity=(("APKN", 6.5), ("AIND", 2.2), ("WOTH", 4.5), ("BAFR", 1.2)),
        progress=True,
    ),
    "kent": SizeSpec(
        name="kent",
        description="Kent-2025-sized county (about 24,000 referrals a year)",
        referrals_per_year=24_035,
        years=3,
        target_open=11_000,
        la_code=886,
        districts=11,
        plan_scale=0.8,
        cp_team_load=0.16,
        hub_team_load=0.07,
        assess_days=32.0,
        ethnicity=(("WOTH", 7.0), ("WROM", 1.4), ("BAFR", 3.0), ("MOTH", 3.2), ("AOTH", 1.4), ("APKN", 1.0)),
        progress=True,
    ),
}
PUBLIC_SIZES = ("demo", "lancashire", "kent")

#: (username, role, where) for the named demo accounts; created for every size.
DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("sw.north", Role.SOCIAL_WORKER, "north"),
    ("sw.south", Role.SOCIAL_WORKER, "south"),
    ("fsw.north", Role.FAMILY_SUPPORT_WORKER, "north"),
    ("tm.north", Role.TEAM_MANAGER, "north"),
    ("sm.cin", Role.SERVICE_MANAGER, "cin service"),
    ("qa", Role.QUALITY_AUDITOR, "quality assurance"),
    ("leader", Role.SENIOR_LEADER, ""),
    ("inspector", Role.INSPECTOR, ""),
)
#: The demo council administrator: manages staff, teams and settings, sees no child. Written after
#: the planned council (it plays no part in the pathway, so the seeded data is the same with it).
DEMO_ADMIN = ("admin", "Alex", "Morgan", "Lantern administrator")
#: Every demo username, in the order the seeder lists them.
DEMO_USERNAMES = (*(u for u, _, _ in DEMO_ACCOUNTS), DEMO_ADMIN[0])
_DEMO_NAMES = {
    "sw.north": ("Sam", "Whitfield", "Social worker"),
    "sw.south": ("Amara", "Okafor", "Senior social worker"),
    "fsw.north": ("Jo", "Kowalska", "Family support worker"),
    "tm.north": ("Helen", "Marsh", "Team manager"),
    "sm.cin": ("Daniel", "Price", "Service manager, children in need"),
    "qa": ("Ruth", "Adeyemi", "Quality assurance lead"),
    "leader": ("Fiona", "Grant", "Director of children's services"),
    "inspector": ("Olivia", "Ward", "Inspector (read-only access)"),
}


# ---------------------------------------------------------------------------
# Distributions (DfE shapes)
# ---------------------------------------------------------------------------

#: Age at referral in years: (from, to, weight), roughly the CIN population.
AGE_BANDS = ((0.0, 1.0, 10.0), (1.0, 5.0, 16.0), (5.0, 10.0, 25.0), (10.0, 16.0, 35.0), (16.0, 18.0, 14.0))
CHILDREN_IN_FAMILY = ((1, 45.0), (2, 28.0), (3, 17.0), (4, 10.0))

REFERRAL_SOURCES: dict[str, float] = {
    "1A": 4.0, "1B": 1.0, "1C": 1.0, "1D": 1.0, "2A": 20.0, "2B": 1.5, "3A": 2.0, "3B": 3.0, "3C": 1.0,
    "3D": 2.0, "3E": 2.0, "3F": 5.0, "4": 2.0, "5A": 5.0, "5B": 3.0, "5C": 2.0, "5D": 3.0, "6": 29.0,
    "7": 3.5, "8": 5.0, "9": 1.5, "10": 1.5,
}  # fmt: skip
PRIMARY_NEEDS: dict[str, float] = {
    "N1": 57.0, "N2": 8.0, "N3": 3.5, "N4": 8.5, "N5": 14.0, "N6": 2.0, "N7": 0.3, "N8": 2.0, "N9": 3.0, "N0": 1.7,
}  # fmt: skip
P_NFA = 0.06
#: What happens after assessment (shares of referrals that are not NFA).
OUTCOMES = (("not_in_need", 0.345), ("step_down", 0.11), ("cin", 0.42), ("cp", 0.125))
#: Closures after a plan. RC8 and RC9 mean "closed after assessment" and DfE rule 2990 forbids them on an
#: episode with a section 47, CIN plan or CP plan, so a plan that ends in a step-down to early help closes RC7
#: (pathway.RC7_STEP_DOWN), as services.step_down_decide records it.
CIN_CLOSE_REASONS = (("RC7", 92.0), ("RC5", 4.5), ("RC3", 1.5), ("RC4", 1.2), ("RC1", 0.3))
CP_CLOSE_REASONS = (("RC7", 88.0), ("RC4", 4.5), ("RC3", 3.0), ("RC5", 4.5))
CATEGORIES = (("NEG", 50.0), ("EMO", 38.0), ("PHY", 5.0), ("SAB", 3.5), ("MUL", 3.5))
DISABILITIES = (
    ("AUT", 30.0), ("LD", 20.0), ("COMM", 15.0), ("BEH", 14.0), ("MOB", 5.0), ("DDA", 5.0), ("PC", 3.0),
    ("HEAR", 3.0), ("VIS", 3.0), ("HAND", 2.0), ("INC", 2.0), ("CON", 1.0),
)  # fmt: skip
UPN_UNKNOWN_SCHOOL_AGE = (("UN1", 20.0), ("UN2", 15.0), ("UN3", 15.0), ("UN4", 20.0), ("UN5", 30.0))
#: Probability of a new referral after closure: within 12 months, and later.
REREFERRAL = {"nfa": 0.42, "RC8": 0.36, "RC9": 0.40, "RC7": 0.28, "RC5": 0.02}
REREFERRAL_DEFAULT = 0.04
LATE_REFERRAL = 0.10

EH_END_REASONS = (
    ("Outcomes achieved", 50.0),
    ("Family did not engage", 18.0),
    ("Needs met by universal services", 22.0),
    ("Family moved out of the area", 4.0),
    ("Family withdrew consent", 6.0),
)
EH_STEPPED_UP = "Stepped up to children's social care"

CONCERNS: dict[str, tuple[str, ...]] = {
    "N1": (
        "School reports {name} arriving hungry and in unwashed clothes on several days this month.",
        "Police attended a domestic abuse incident at the family home overnight; the children were present.",
        "Bruising noticed on {name}'s arm; the explanation given was inconsistent.",
        "Home conditions reported as very poor, with concerns about supervision of the children.",
        "{name} told a teacher that an adult at home hits them when angry.",
        "Missed health appointments and untreated dental pain; professionals worried about neglect.",
    ),
    "N2": (
        "Parents asking for support in caring for {name}, who has complex needs.",
        "Request for a short breaks assessment for {name}.",
    ),
    "N3": (
        "Mother's mental health has deteriorated; concerns about her ability to care for the children.",
        "A parent is in hospital with a serious illness and care arrangements are unclear.",
    ),
    "N4": (
        "Family facing eviction and under severe financial strain; parents struggling to cope.",
        "Recent bereavement in the family; carers overwhelmed and asking for help.",
    ),
    "N5": (
        "Ongoing conflict between parents; police called to arguments at the home.",
        "Parental alcohol and drug use affecting the children's routines and school attendance.",
    ),
    "N6": (
        "{name} repeatedly missing from home overnight and associating with older young people.",
        "{name} arrested for shoplifting; concerns about criminal exploitation.",
    ),
    "N7": ("Family without income after benefits stopped; no food in the house.",),
    "N8": (
        "{name} left with friends while the parent is abroad; no clear care arrangements.",
        "Parent in custody; grandparent caring for the children without support.",
    ),
    "N9": (
        "Request from the family court for a report on arrangements for {name}.",
        "Enquiry from another local authority about the family.",
    ),
    "N0": ("Information shared by a professional; the level of need is not yet clear.",),
    "": (
        "Information only: the concern is already being addressed by universal services.",
        "Anonymous report; checks found no further information and no concerns at school.",
        "Request for information from another agency; no role for children's social care.",
    ),
}

# Phase kinds.
FRONT, ASSESS, LOCALITY, HUB, CPK, EARLY = "front", "assess", "locality", "hub", "cp", "early_help"
LONG_TERM = (LOCALITY, HUB)
SIBLING_TYPES = (RelationshipType.SIBLING, RelationshipType.HALF_SIBLING)
#: Caseloads on the as-of date stay at or below this, except for the two designated overloaded
#: social workers of the county sizes (the letter found some above 30).
CASELOAD_CEILING = 30
#: Worker changes a year within a phase (caseload balancing, absence), besides workers leaving.
CHANGE_RATES = {ASSESS: 0.03, LOCALITY: 0.05, HUB: 0.05, CPK: 0.05, EARLY: 0.05}

_DETAIL = {
    AllocationReason.WORKER_LEFT: "Previous worker left the authority",
    AllocationReason.CASELOAD_BALANCING: "Reallocated to balance caseloads in the team",
    AllocationReason.WORKER_ABSENCE: "Previous worker on long-term absence",
}


# ---------------------------------------------------------------------------
# The plan: plain Python objects, written to the database at the end
# ---------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class PService:
    name: str
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PWorker:
    username: str
    first: str
    last: str
    role: str
    job_title: str
    team: PTeam | None
    service: PService | None
    joined: date
    left: date | None = None
    cap: float = 1.0
    quota: int | None = None
    demo: bool = False
    supervises: bool = True
    load: int = 0
    pk: int | None = None


@dataclass(eq=False, slots=True)
class PTeam:
    name: str
    type: str
    service: PService
    district: int | None
    manager: PWorker | None = None
    sws: list[PWorker] = field(default_factory=list)
    fsws: list[PWorker] = field(default_factory=list)
    others: list[PWorker] = field(default_factory=list)
    p_fsw: float = 0.14
    p_unallocated: float = 0.03
    #: Children held on the as-of date (so far in planning), and social work capacity in post.
    load: int = 0
    cap_total: float = 0.0
    pk: int | None = None

    @property
    def capacity(self) -> float:
        """Capacity of the social workers in post on the as-of date."""
        return sum(w.cap for w in self.sws if w.left is None)


@dataclass(eq=False, slots=True)
class District:
    name: str
    towns: tuple[str, ...]
    postcodes: tuple[str, ...]
    weight: float
    assess: list[PTeam] = field(default_factory=list)
    locality: list[PTeam] = field(default_factory=list)
    cp: list[PTeam] = field(default_factory=list)
    hub: list[PTeam] = field(default_factory=list)
    early_help: list[PTeam] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class PPerson:
    first: str
    last: str
    sex: str
    dob: date | None
    eth: str
    lang: str
    edd: date | None = None
    phone: str = ""
    pk: int | None = None


@dataclass(slots=True)
class Seg:
    """A family-level allocation segment: one team and worker over a period."""

    team: PTeam
    worker: PWorker | None
    role: str
    start: date
    end: date | None
    start_reason: str
    end_reason: str = ""
    detail: str = ""
    sup: Seg | None = None


@dataclass(slots=True)
class Phase:
    start: date
    end: date | None
    kind: str
    reason: str = AllocationReason.NEW_CASE
    detail: str = ""


@dataclass(eq=False, slots=True)
class FEpisode:
    """A family-level CIN episode (every child referred together)."""

    ref: date
    source: str
    need: str
    nfa: bool
    close: date | None
    reason: str
    phases: list[Phase]
    cp: tuple[date, date | None, str, str] | None = None
    segs: list[Seg] = field(default_factory=list)
    contact_at: datetime | None = None
    contact_method: str = ContactMethod.PHONE
    contact_name: str = ""
    concern: str = ""
    recorder: PWorker | None = None
    #: The team that decided a referral with no further action (it has no allocation).
    front_team: PTeam | None = None
    #: What the assessment led to: nfa (referral NFA), not_in_need, step_down, cin or cp.
    outcome: str = ""
    #: When the assessment phase was planned to end (may be after the as-of date).
    assess_end: date | None = None
    #: The planned child protection plan start (ICPC), kept when truncation drops a future plan.
    planned_cp: date | None = None
    #: A child protection plan that followed a period on a child in need plan.
    late_cp: bool = False
    #: Closure date and reason as planned, before truncation at the as-of date.
    planned_close: date | None = None
    planned_reason: str = ""
    #: Marks the demo's showcase episodes for the pathway (see pathway.py).
    tag: str = ""
    #: Each child's episode of this family episode.
    keps: list[tuple[PKid, KEpisode]] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class FEarlyHelp:
    start: date
    end: date | None
    end_reason: str
    team: PTeam
    kids: list[PKid]
    segs: list[Seg] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class KEpisode:
    """One child's CIN episode (a row of CINEpisode)."""

    fep: FEpisode
    close: date | None
    reason: str
    team: PTeam | None = None
    closed_by: PWorker | None = None
    cp: tuple[date, date | None, str, str] | None = None
    contact_pk: int | None = None
    pk: int | None = None
    cp_pk: int | None = None


@dataclass(slots=True)
class PAlloc:
    team: PTeam
    worker: PWorker | None
    role: str
    start: date
    end: date | None
    start_reason: str
    end_reason: str
    detail: str


@dataclass(eq=False, slots=True)
class PKid:
    person: PPerson
    father: PPerson | None
    disabilities: list[str] = field(default_factory=list)
    episodes: list[KEpisode] = field(default_factory=list)
    early_help: list[tuple[date, date | None, str, PTeam]] = field(default_factory=list)
    allocations: list[PAlloc] = field(default_factory=list)
    la_id: str = ""
    upn: str = ""
    upn_unknown: str = ""
    nhs: str = ""
    restricted: bool = False
    restriction_reason: str = ""
    access: list[tuple[PWorker, str, PWorker | None]] = field(default_factory=list)

    @property
    def unborn(self) -> bool:
        return self.person.dob is None

    def eighteenth(self) -> date | None:
        dob = self.person.dob
        if dob is None:
            return None
        return _add_years(dob, 18)

    def eligible(self, day: date) -> bool:
        dob = self.person.dob
        if dob is None:
            return True
        return dob <= day < _add_years(dob, 18)


@dataclass(eq=False, slots=True)
class PFamily:
    idx: int
    district: int
    town: int
    first_ref: date
    mother: PPerson | None = None
    adults: list[PPerson] = field(default_factory=list)
    kids: list[PKid] = field(default_factory=list)
    relationships: list[tuple[PPerson, PPerson, str, bool, bool, str]] = field(default_factory=list)
    members: list[tuple[PPerson, date, date | None]] = field(default_factory=list)
    addresses: list[tuple[str, str, str, str, date, date | None]] = field(default_factory=list)
    household_name: str = ""
    hh_start: date | None = None
    episodes: list[FEpisode] = field(default_factory=list)
    early_help: list[FEarlyHelp] = field(default_factory=list)
    teams: dict[str, PTeam] = field(default_factory=dict)
    #: The family's last worker in each team, offered the case again on a return (continuity).
    last_worker: dict[int, PWorker] = field(default_factory=dict)
    origins: tuple[str, str] = ("british", "british")
    ethnicity: str = "WBRI"
    home_language: str = "English"
    resident_partner: PPerson | None = None


@dataclass
class SeedResult:
    size: str
    seed: int
    as_of: date
    counts: dict[str, int]
    stats: dict[str, Any]
    logins: list[tuple[str, str, str]]
    seconds: float = 0.0


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, month=3, day=1)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    total = 0.0
    for _, w in pairs:
        total += w
    r = rng.random() * total
    for value, w in pairs:
        r -= w
        if r < 0:
            return value
    return pairs[-1][0]


def _ascii_slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if "a" <= ch <= "z")


def _team_sizes(total: int, lo: int = 5, hi: int = 9, usual: int = 7) -> list[int]:
    """Split a number of social workers into teams of lo to hi (at least one team of lo)."""
    if total <= lo:
        return [lo]
    n = max(1, round(total / usual))
    while total / n > hi:
        n += 1
    while n > 1 and total / n < lo:
        n -= 1
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class WorkingDays:
    """Working days (England and Wales) in a range, with index arithmetic for speed."""

    def __init__(self, first: date, last: date) -> None:
        from lantern.core.calendar import is_working_day

        days = []
        d = first
        while d <= last:
            if is_working_day(d):
                days.append(d)
            d += ONE_DAY
        self.days = days

    def on_or_after(self, d: date) -> date:
        i = bisect.bisect_left(self.days, d)
        return self.days[min(i, len(self.days) - 1)]

    def on_or_before(self, d: date) -> date:
        i = bisect.bisect_right(self.days, d) - 1
        return self.days[max(i, 0)]

    def add(self, start: date, n: int) -> date:
        """Like calendar.add_working_days for n >= 1: the n-th working day after start."""
        i = bisect.bisect_right(self.days, start) + n - 1
        return self.days[min(i, len(self.days) - 1)]

    def sub(self, start: date, n: int) -> date:
        """The n-th working day before start (n >= 1)."""
        i = bisect.bisect_left(self.days, start) - n
        return self.days[max(i, 0)]

    def count(self, first: date, last: date) -> int:
        """Working days after first up to and including last (add(first, n) gives n)."""
        return bisect.bisect_right(self.days, last) - bisect.bisect_right(self.days, first)

    def between(self, first: date, last: date) -> list[date]:
        return self.days[bisect.bisect_left(self.days, first) : bisect.bisect_right(self.days, last)]


# ---------------------------------------------------------------------------
# The planner
# ---------------------------------------------------------------------------


class Planner:
    def __init__(self, spec: SizeSpec, seed: int, as_of: date, taken_usernames: Iterable[str] = ()) -> None:
        self.spec = spec
        self.seed = seed
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.start = as_of - timedelta(days=round(365.25 * spec.years))
        self.year_ago = as_of - timedelta(days=365)
        self.wd = WorkingDays(self.start - timedelta(days=3 * 366), as_of + timedelta(days=3 * 366))
        self.window_days = self.wd.between(self.start, as_of)
        self.usernames: set[str] = set(taken_usernames)
        self.services: list[PService] = []
        self.teams: list[PTeam] = []
        self.workers: list[PWorker] = []
        self.districts: list[District] = []
        self.front_door: list[PTeam] = []
        self.qa_team: PTeam | None = None
        self.named: dict[str, PWorker] = {}
        self.families: list[PFamily] = []
        self.child_referrals = 0
        self.pathway: Any = None
        eth = dict(N.CHILD_ETHNICITY_WEIGHTS)
        eth.update(dict(spec.ethnicity))
        self.ethnicity_weights = list(eth.items())
        self.staff_origins = list(N.STAFF_ORIGIN_WEIGHTS.items())

    # -- small random helpers ------------------------------------------------

    def days(self, a: float, b: float) -> timedelta:
        return timedelta(days=int(self.rng.uniform(a, b)))

    def working_day_in(self, first: date, last: date) -> date:
        days = self.wd.between(first, last)
        if not days:
            return self.wd.on_or_before(last)
        return self.rng.choice(days)

    # -- organisation ---------------------------------------------------------

    def new_worker(
        self,
        role: str,
        team: PTeam | None,
        *,
        service: PService | None = None,
        joined: date | None = None,
        title: str = "",
        username: str = "",
        names: tuple[str, str] | None = None,
        cap: float = 1.0,
    ) -> PWorker:
        rng = self.rng
        if names is None:
            origin = N.ORIGINS[_weighted(rng, self.staff_origins)]
            female = rng.random() < 0.82
            first = rng.choice(origin.women if female else origin.men)
            last = rng.choice(origin.surnames)
            if female:
                last = N.feminine_surname(last)
        else:
            first, last = names
        if not username:
            base = f"{_ascii_slug(first)}.{_ascii_slug(last)}"
            username, n = base, 1
            while username in self.usernames:
                n += 1
                username = f"{base}{n}"
        self.usernames.add(username)
        if joined is None:
            joined = self.start - self.days(60, 365 * 12)
        w = PWorker(username, first, last, role, title, team, service, joined, cap=cap)
        self.workers.append(w)
        return w

    def sw_cap(self, new_starter: bool) -> tuple[float, str]:
        rng = self.rng
        u = rng.random()
        if new_starter and u < 0.35:
            return rng.uniform(0.55, 0.75), "Social worker (ASYE)"
        u = rng.random()
        if u < 0.07:
            return rng.uniform(0.6, 0.8), "Social worker (part time)"
        if u < 0.85:
            titles = (("Social worker", 60.0), ("Senior social worker", 30.0), ("Advanced practitioner", 10.0))
            title = _weighted(rng, titles)
            return rng.uniform(0.85, 1.15), title
        if u < 0.97:
            return rng.uniform(1.15, 1.35), "Senior social worker"
        return rng.uniform(1.3, 1.4), "Social worker"

    def staff_slot(self, team: PTeam, role: str, title: str) -> None:
        """Fill one post in a team over the window: the holder, and successors when someone leaves."""
        rng = self.rng
        turnover = 0.13 if role == Role.SOCIAL_WORKER else 0.11
        pool = team.sws if role == Role.SOCIAL_WORKER else team.fsws
        w: PWorker | None = None
        new_starter = False
        joined = self.start - self.days(60, 365 * 12)
        while True:
            if w is None:
                if role == Role.SOCIAL_WORKER:
                    cap, wtitle = self.sw_cap(new_starter)
                else:
                    cap, wtitle = rng.uniform(0.8, 1.2), title
                w = self.new_worker(role, team, joined=joined, title=wtitle, cap=cap)
            pool.append(w)
            leave = max(w.joined, self.start) + timedelta(days=int(rng.expovariate(turnover) * 365))
            if leave > self.as_of - timedelta(days=3):
                return
            w.left = leave
            # The post is filled again (after a gap of up to six weeks, and before the as-of date).
            joined = min(leave + self.days(0, 45), self.as_of - timedelta(days=3))
            w = None
            new_starter = True

    def case_team(self, name: str, ttype: str, service: PService, district: int | None, n_sw: int = 0) -> PTeam:
        team = PTeam(name, ttype, service, district)
        self.teams.append(team)
        team.manager = self.new_worker(Role.TEAM_MANAGER, team, title="Team manager")
        for _ in range(n_sw or self.rng.randint(5, 9)):
            self.staff_slot(team, Role.SOCIAL_WORKER, "Social worker")
        for _ in range(self.rng.randint(1, 3)):
            self.staff_slot(team, Role.FAMILY_SUPPORT_WORKER, "Family support worker")
        return team

    def early_help_team(self, name: str, service: PService, district: int | None) -> PTeam:
        team = PTeam(name, TeamType.EARLY_HELP, service, district)
        self.teams.append(team)
        team.manager = self.new_worker(Role.TEAM_MANAGER, team, title="Early help team manager")
        for _ in range(self.rng.randint(5, 9)):
            self.staff_slot(team, Role.FAMILY_SUPPORT_WORKER, "Early help practitioner")
        return team

    def make_named(self) -> None:
        for username, role, _where in DEMO_ACCOUNTS:
            first, last, title = _DEMO_NAMES[username]
            w = self.new_worker(
                role, None, username=username, names=(first, last), title=title, joined=self.start - timedelta(days=900)
            )
            w.demo = True
            w.supervises = False
            self.named[username] = w

    def named_team_slots(self, team: PTeam, *, north: bool) -> None:
        """Put the named accounts into the North (or South) team before its other staff."""
        n = self.named
        if north:
            team.manager = n["tm.north"]
            n["tm.north"].team = team
            for key, pool in (("sw.north", team.sws), ("fsw.north", team.fsws)):
                n[key].team = team
                pool.append(n[key])
        else:
            n["sw.south"].team = team
            team.sws.append(n["sw.south"])

    def build_org(self) -> None:
        spec, rng = self.spec, self.rng
        self.make_named()
        if spec.districts == 0:
            self.build_demo_org()
        else:
            self.build_county_org()
        for team in self.teams:
            team.cap_total = team.capacity
        self.all_kind_teams = {
            kind: [t for d in self.districts for t in self.kind_teams(d, kind)]
            for kind in (LOCALITY, ASSESS, CPK, HUB, EARLY)
        }
        n = self.named
        n["sm.cin"].service = self.districts[0].locality[0].service
        assert self.qa_team is not None
        n["qa"].team = self.qa_team
        self.qa_team.others.insert(0, n["qa"])
        # Services get a service manager each (sm.cin manages the one with North in it).
        for service in self.services:
            if service is n["sm.cin"].service:
                continue
            self.new_worker(Role.SERVICE_MANAGER, None, service=service, title=f"Service manager, {service.name}")
        for title in ("Head of service, children in need", "Assistant director, children's social care")[
            : 1 if spec.districts == 0 else 2
        ]:
            self.new_worker(Role.SENIOR_LEADER, None, title=title)
        if spec.districts:
            self.new_worker(Role.SENIOR_LEADER, None, title="Principal social worker")
        # A couple of overloaded social workers (the letter found some above 30).
        if spec.districts:
            pool = [
                w
                for d in self.districts
                for t in d.locality
                for w in t.sws
                if not w.demo and w.left is None and w.joined < self.start
            ]
            for w in rng.sample(pool, 2):
                w.quota = rng.randint(31, 34)
                w.job_title = "Senior social worker"

    def build_demo_org(self) -> None:
        cin = PService("Children in need")
        early = PService("Early help")
        qa = PService("Quality assurance")
        self.services = [cin, early, qa]
        front = self.case_team("Front door", TeamType.FRONT_DOOR, cin, None)
        assess = self.case_team("Assessment hub", TeamType.ASSESSMENT_HUB, cin, None)
        hub = self.case_team("CIN hub", TeamType.CIN_HUB, cin, None)
        north = PTeam("North locality", TeamType.LOCALITY, cin, 0)
        self.teams.append(north)
        self.named_team_slots(north, north=True)
        for _ in range(self.rng.randint(4, 6)):
            self.staff_slot(north, Role.SOCIAL_WORKER, "Social worker")
        self.staff_slot(north, Role.FAMILY_SUPPORT_WORKER, "Family support worker")
        south = PTeam("South locality", TeamType.LOCALITY, cin, 1)
        self.teams.append(south)
        south.manager = self.new_worker(Role.TEAM_MANAGER, south, title="Team manager")
        self.named_team_slots(south, north=False)
        for _ in range(self.rng.randint(4, 6)):
            self.staff_slot(south, Role.SOCIAL_WORKER, "Social worker")
        for _ in range(self.rng.randint(1, 2)):
            self.staff_slot(south, Role.FAMILY_SUPPORT_WORKER, "Family support worker")
        cp = self.case_team("Child protection", TeamType.CHILD_PROTECTION, cin, None)
        eh = self.early_help_team("Early help", early, None)
        self.qa_team = PTeam("Quality assurance", TeamType.QUALITY_ASSURANCE, qa, None)
        self.teams.append(self.qa_team)
        for _ in range(2):
            self.qa_team.others.append(self.new_worker(Role.QUALITY_AUDITOR, self.qa_team, title="Practice auditor"))
        self.front_door = [front]
        for i, (_district, towns) in enumerate(N.DISTRICTS[:2]):
            d = District(
                "North" if i == 0 else "South",
                towns,
                tuple(f"XL{i * 3 + j + 1}" for j in range(len(towns))),
                0.6 if i == 0 else 0.4,
            )
            d.assess, d.locality, d.cp, d.hub, d.early_help = [assess], [north if i == 0 else south], [cp], [hub], [eh]
            self.districts.append(d)
        if self.spec.demo_extras:
            self.demo_forced_leaver(north)
            north.p_fsw = 0.40
            north.p_unallocated = 0.0
            n = self.named
            n["sw.north"].quota = self.rng.randint(21, 23)
            n["sw.south"].quota = self.rng.randint(16, 19)
            n["fsw.north"].quota = self.rng.randint(14, 16)

    def build_county_org(self) -> None:
        spec, rng = self.spec, self.rng
        # Expected children on the as-of date held by each kind of team (calibrated shares).
        per_sw = 17.5
        # Children in assessment on a given day: referrals a day times about 37 days of assessment.
        assess = spec.referrals_per_year * (1 - P_NFA) * spec.assess_days / 365 / spec.target_open
        rest = 1 - assess
        cp, hub = spec.cp_team_load, spec.hub_team_load
        shares = {ASSESS: assess, CPK: cp * rest, HUB: hub * rest, LOCALITY: (0.97 - cp - hub) * rest}
        fsw_led = {ASSESS: 0.0, CPK: 0.0, HUB: 0.14, LOCALITY: 0.14}
        dnames = N.DISTRICTS[: spec.districts]
        weights = [rng.uniform(0.75, 1.25) for _ in dnames]
        total_w = sum(weights)
        self.front_door_service = PService("Integrated front door")
        early = PService("Early help")
        qa = PService("Quality assurance")
        self.services = []
        for i, ((dname, towns), weight) in enumerate(zip(dnames, weights, strict=True)):
            d = District(dname, towns, tuple(f"XL{i * 3 + j + 1}" for j in range(len(towns))), weight)
            self.districts.append(d)
            service = PService(f"Children in need - {dname}")
            self.services.append(service)
            share = weight / total_w
            for kind, ttype, label in (
                (LOCALITY, TeamType.LOCALITY, "locality"),
                (ASSESS, TeamType.ASSESSMENT_HUB, "assessment"),
                (CPK, TeamType.CHILD_PROTECTION, "child protection"),
                (HUB, TeamType.CIN_HUB, "CIN hub"),
            ):
                need = round(spec.target_open * shares[kind] * share * (1 - fsw_led[kind]) / per_sw)
                teams: list[PTeam] = getattr(d, {LOCALITY: "locality", ASSESS: "assess", CPK: "cp", HUB: "hub"}[kind])
                sizes = _team_sizes(need)
                if i == 0 and kind == LOCALITY and len(sizes) < 2:
                    sizes = [max(5, need // 2)] * 2  # the North and South teams of the demo accounts
                for k, n_sw in enumerate(sizes):
                    if kind == LOCALITY:
                        suffixes = ("North", "South", "East", "West", "Central", "Valley", "Rural", "Town")
                        name = f"{dname} {suffixes[k]} locality" if k < len(suffixes) else f"{dname} locality {k + 1}"
                    else:
                        name = f"{dname} {label}" + (f" {k + 1}" if k else "")
                    if i == 0 and kind == LOCALITY and k < 2:
                        team = PTeam(name, ttype, service, i)
                        self.teams.append(team)
                        if k == 0:
                            self.named_team_slots(team, north=True)
                        else:
                            team.manager = self.new_worker(Role.TEAM_MANAGER, team, title="Team manager")
                            self.named_team_slots(team, north=False)
                        for _ in range(n_sw - 1):
                            self.staff_slot(team, Role.SOCIAL_WORKER, "Social worker")
                        for _ in range(rng.randint(0 if k == 0 else 1, 2)):
                            self.staff_slot(team, Role.FAMILY_SUPPORT_WORKER, "Family support worker")
                    else:
                        team = self.case_team(name, ttype, service, i, n_sw=n_sw)
                    teams.append(team)
        # County-wide front door, early help teams per district, and quality assurance.
        self.services.insert(0, self.front_door_service)
        for k in range(max(1, math.ceil(spec.districts / 4))):
            self.front_door.append(
                self.case_team(f"Front door {k + 1}", TeamType.FRONT_DOOR, self.front_door_service, None)
            )
        self.services.append(early)
        for i, d in enumerate(self.districts):
            d.early_help.append(self.early_help_team(f"{d.name} early help", early, i))
        self.services.append(qa)
        self.qa_team = PTeam("Quality assurance", TeamType.QUALITY_ASSURANCE, qa, None)
        self.teams.append(self.qa_team)
        for _ in range(2 + spec.districts // 2):
            self.qa_team.others.append(self.new_worker(Role.QUALITY_AUDITOR, self.qa_team, title="Practice auditor"))

    # -- choosing workers -----------------------------------------------------

    def pool(self, team: PTeam, role: str) -> list[PWorker]:
        if role == Role.FAMILY_SUPPORT_WORKER and team.fsws:
            return team.fsws
        return team.sws or team.fsws

    def choose_hist(self, team: PTeam, t: date, role: str, exclude: PWorker | None = None) -> PWorker | None:
        def active(w: PWorker) -> bool:
            return w.joined <= t and (w.left is None or w.left > t) and w is not exclude

        cands = [w for w in self.pool(team, role) if active(w)]
        if not cands and role == Role.FAMILY_SUPPORT_WORKER:
            cands = [w for w in team.sws if active(w)]
        if not cands:
            return None
        return self.rng.choices(cands, weights=[w.cap for w in cands])[0]

    def can_take(self, w: PWorker, team: PTeam, role: str, n: int) -> bool:
        """Whether a worker the family knows may take the case back without breaking the team's balance."""
        if w.left is not None:
            return False
        if w.quota is not None:
            return w.load + n <= w.quota
        if w.load + n > CASELOAD_CEILING:
            return False
        ratios = [x.load / x.cap for x in self.pool(team, role) if x.left is None and x.quota is None]
        average = sum(ratios) / len(ratios) if ratios else 0.0
        return (w.load + n) / w.cap <= max(average * 1.1 + 1, 6.0)

    def choose_final(self, team: PTeam, t: date, role: str, n: int, exclude: PWorker | None = None) -> PWorker | None:
        """A worker for an allocation still open on the as-of date: balance caseloads by capacity."""
        rng = self.rng
        if rng.random() < team.p_unallocated:
            return None
        cands = [w for w in self.pool(team, role) if w.joined <= t and w.left is None and w is not exclude]
        if not cands and role == Role.FAMILY_SUPPORT_WORKER:
            return self.choose_final(team, t, Role.SOCIAL_WORKER, n, exclude)
        if not cands:
            return self.choose_hist(team, t, role, exclude)
        for w in cands:
            if w.quota is not None and w.load + n <= w.quota:
                w.load += n
                team.load += n
                return w
        others = [w for w in cands if w.quota is None]
        # Only the designated overloaded workers go above the ceiling (unless everyone is full).
        others = [w for w in others if w.load + n <= CASELOAD_CEILING] or others
        if not others:
            if role == Role.FAMILY_SUPPORT_WORKER:
                return self.choose_final(team, t, Role.SOCIAL_WORKER, n, exclude)
            others = cands
        best = min(others, key=lambda w: ((w.load + n) / w.cap, rng.random()))
        best.load += n
        team.load += n
        return best

    # -- families ---------------------------------------------------------------

    def sample_age(self) -> float:
        lo, hi = _weighted(self.rng, [((a, b), w) for a, b, w in AGE_BANDS])
        return self.rng.uniform(lo, hi)

    def person(
        self, origin: str, sex: str, dob: date | None, eth: str, lang: str, *, adult: bool, surname: str
    ) -> PPerson:
        o = N.ORIGINS[origin]
        rng = self.rng
        if adult:
            first = rng.choice(o.women if sex == "F" else o.men)
        elif sex == "U":
            first = "Baby"
        else:
            first = rng.choice(o.girls if sex == "F" else o.boys)
        last = N.feminine_surname(surname) if sex == "F" else surname
        return PPerson(first, last, sex, dob, eth, lang)

    def adult_language(self, origin: str) -> str:
        return _weighted(self.rng, N.ORIGINS[origin].languages)

    def phone(self) -> str:
        return f"07700 900{self.rng.randint(0, 999):03d}"

    def new_family(
        self,
        first_ref: date,
        *,
        district: int | None = None,
        ages: list[float] | None = None,
        unborn: bool = False,
        half: bool | None = None,
        structure: str | None = None,
    ) -> PFamily:
        """People of a family: children (ages are at first_ref, negative = born later), parents, others."""
        rng = self.rng
        if district is None:
            district = _weighted(rng, [(i, d.weight) for i, d in enumerate(self.districts)])
        d = self.districts[district]
        fam = PFamily(len(self.families), district, rng.randrange(len(d.towns)), first_ref)
        eth = _weighted(rng, self.ethnicity_weights)
        m_origin, f_origin = _weighted(rng, [((m, f), w) for m, f, w in N.ETHNICITY_ORIGINS[eth]])
        fam.ethnicity, fam.origins = eth, (m_origin, f_origin)
        fam.home_language = self.adult_language(m_origin)
        if ages is None:
            k = _weighted(rng, CHILDREN_IN_FAMILY)
            if unborn:
                k = 1 if rng.random() < 0.7 else rng.randint(2, 3)
            ages = sorted((self.sample_age() for _ in range(k - (1 if unborn else 0))), reverse=True)
            if unborn:  # older brothers and sisters of an unborn baby are at least a year old
                ages = [a if a >= 1.2 else a + 1.2 for a in ages]
            for i in range(1, len(ages)):
                if ages[i - 1] - ages[i] < 0.9:
                    ages[i] = ages[i - 1] - rng.uniform(0.9, 3.5)
        dobs: list[date | None] = []
        for age in ages:
            dob = first_ref - timedelta(days=int(age * 365.25))
            if dob <= self.as_of:
                dobs.append(dob)
        edd = None
        if unborn:
            edd = self.as_of + self.days(10, 150)
            dobs.append(None)
        eldest = next((x for x in dobs if x is not None), edd) or first_ref
        # Parents.
        m_age = rng.triangular(16, 40, 24)
        mother_dob = eldest - timedelta(days=int(m_age * 365.25))
        m_eth = N.ORIGINS[m_origin].ethnicity if rng.random() > 0.03 else "NOBT"
        f_eth = N.ORIGINS[f_origin].ethnicity if rng.random() > 0.05 else "NOBT"
        f_lang = fam.home_language if f_origin == m_origin else self.adult_language(f_origin)
        n_kids = len(dobs)
        if half is None:
            half = n_kids >= 2 and rng.random() < 0.30
        split = rng.randint(1, n_kids - 1) if half and n_kids >= 2 else n_kids

        def man(origin: str, eth_code: str, lang: str, born: date) -> PPerson:
            surname = rng.choice(N.ORIGINS[origin].surnames)
            p = self.person(origin, "M", born, eth_code, lang, adult=True, surname=surname)
            if rng.random() < 0.6:
                p.phone = self.phone()
            return p

        f1_dob = mother_dob - timedelta(days=int(rng.uniform(-3, 9) * 365.25))
        r = rng.random()
        if structure is None:
            if half:
                structure = "f2_home" if r < 0.55 else ("step_home" if r < 0.65 else "single")
            else:
                structure = "f1_home" if r < 0.50 else ("step_home" if r < 0.68 else "single")
        unknown_father = not half and structure == "single" and rng.random() < 0.15
        f1 = None if unknown_father else man(f_origin, f_eth, f_lang, f1_dob)
        f2_dob = mother_dob - timedelta(days=int(rng.uniform(-4, 8) * 365.25))
        f2 = man(f_origin, f_eth, f_lang, f2_dob) if half else None
        married_name = f1.last if f1 is not None and structure == "f1_home" and rng.random() < 0.5 else None
        mother = self.person(
            m_origin,
            "F",
            mother_dob,
            m_eth,
            fam.home_language,
            adult=True,
            surname=married_name or rng.choice(N.ORIGINS[m_origin].surnames),
        )
        mother.phone = self.phone() if rng.random() < 0.92 else ""
        fam.mother = mother
        fam.adults.append(mother)
        step = None
        if structure == "step_home":
            s_origin = f_origin if rng.random() < 0.5 else m_origin
            step = man(s_origin, N.ORIGINS[s_origin].ethnicity, self.adult_language(s_origin), f1_dob)
        for p in (f1, f2, step):
            if p is not None:
                fam.adults.append(p)
        resident = {"f1_home": f1, "f2_home": f2, "step_home": step}.get(structure)
        fam.resident_partner = resident
        # Children.
        o_m = N.ORIGINS[m_origin]
        for i, dob in enumerate(dobs):
            father = f1 if i < split else f2
            sex = "U" if dob is None else ("M" if rng.random() < 0.52 else "F")
            name_origin = m_origin if rng.random() < 0.6 else f_origin
            from_father = father is not None and rng.random() < 0.6
            surname = father.last if from_father and father is not None else N.masculine_surname(mother.last)
            english = rng.random() < N.ORIGINS[name_origin].child_english
            lang = "English" if english or fam.home_language == "English" else fam.home_language
            child = self.person(name_origin, sex, dob, eth, lang, adult=False, surname=surname)
            child.edd = edd if dob is None else None
            kid = PKid(child, father)
            if rng.random() < 0.10:
                kid.disabilities = self.disability_codes()
            fam.kids.append(kid)
        # Grandparent and carer.
        gp = carer = None
        if rng.random() < 0.12:
            gp_dob = mother_dob - timedelta(days=int(rng.uniform(17, 30) * 365.25))
            gp_lang = self.adult_language(m_origin)
            gp = self.person(m_origin, "F", gp_dob, m_eth, gp_lang, adult=True, surname=mother.last)
            gp.phone = self.phone()
            fam.adults.append(gp)
        if rng.random() < 0.04:
            carer = self.person(
                m_origin, "F", mother_dob + self.days(-3000, 3000), m_eth, fam.home_language, adult=True,
                surname=rng.choice(o_m.surnames),
            )  # fmt: skip
            carer.phone = self.phone()
            fam.adults.append(carer)
        gp_home = gp is not None and rng.random() < 0.3
        # Relationships: parent -> child, then each pair of children once.
        rels = fam.relationships
        for kid in fam.kids:
            c = kid.person
            rels.append((mother, c, RelationshipType.MOTHER, True, True, ""))
            if kid.father is not None:
                home = kid.father is resident
                rels.append((kid.father, c, RelationshipType.FATHER, home or rng.random() < 0.85, home, ""))
            if resident is not None and resident is not kid.father:
                rels.append((resident, c, RelationshipType.STEP_PARENT, rng.random() < 0.08, True, ""))
            if gp is not None:
                rels.append((gp, c, RelationshipType.GRANDPARENT, False, gp_home, "Maternal grandmother"))
            if carer is not None:
                note = rng.choice(("Maternal aunt; provides respite care", "Family friend; cares after school"))
                rels.append((carer, c, RelationshipType.CARER, False, False, note))
        for i, a in enumerate(fam.kids):
            for b in fam.kids[i + 1 :]:
                same = a.father is b.father
                rtype = RelationshipType.SIBLING if same else RelationshipType.HALF_SIBLING
                rels.append((a.person, b.person, rtype, False, True, ""))
        # Household.
        hh_start = eldest if eldest < first_ref else first_ref - self.days(200, 1500)
        fam.hh_start = hh_start
        fam.household_name = f"{mother.first} {mother.last}'s home"
        members = fam.members
        members.append((mother, hh_start, None))
        for kid in fam.kids:
            if kid.person.dob is not None:
                members.append((kid.person, max(hh_start, kid.person.dob), None))
        if resident is not None:
            if resident is f1:
                p_start = hh_start
            elif resident is f2:
                younger = fam.kids[split].person.dob or first_ref
                p_start = max(hh_start, younger - self.days(100, 700))
            else:
                p_start = hh_start + timedelta(days=int(rng.random() * max(1, (first_ref - hh_start).days)))
            members.append((resident, p_start, None))
        if f1 is not None and f1 is not resident and rng.random() < 0.5 and (first_ref - hh_start).days > 60:
            members.append((f1, hh_start, hh_start + timedelta(days=rng.randint(30, (first_ref - hh_start).days - 1))))
        if gp_home and gp is not None:
            moved_in = hh_start + timedelta(days=int(rng.random() * max(1, (first_ref - hh_start).days)))
            members.append((gp, moved_in, None))
        return fam

    def disability_codes(self) -> list[str]:
        first = _weighted(self.rng, DISABILITIES)
        if self.rng.random() < 0.3:
            second = _weighted(self.rng, DISABILITIES)
            if second != first:
                return [first, second]
        return [first]

    def add_addresses(self, fam: PFamily) -> None:
        rng = self.rng
        d = self.districts[fam.district]
        hh_start = fam.hh_start or fam.first_ref

        def address(town: str, postcode_district: str) -> tuple[str, str, str, str]:
            street = f"{rng.choice(N.STREET_STEMS)} {rng.choice(N.STREET_SUFFIXES)}"
            number = rng.randint(1, 180)
            if rng.random() < 0.15:
                line1, line2 = f"Flat {rng.randint(1, 24)}, {rng.choice(N.BUILDING_NAMES)} House", f"{number} {street}"
            else:
                line1, line2 = f"{number} {street}", ""
            inward = f"{rng.randint(1, 9)}{rng.choice(N.POSTCODE_LETTERS)}{rng.choice(N.POSTCODE_LETTERS)}"
            return line1, line2, town, f"{postcode_district} {inward}"

        moved_away = next((ep.close for ep in fam.episodes if ep.reason == "RC5" and ep.close), None)
        current = address(d.towns[fam.town], d.postcodes[fam.town])
        move: date | None = None
        new: tuple[str, str, str, str] | None = None
        if moved_away is not None:
            move = moved_away
            k = rng.randrange(len(N.OUT_OF_AREA_TOWNS))
            new = address(N.OUT_OF_AREA_TOWNS[k], f"XL{90 + k}")
        elif rng.random() < 0.25:
            lo = max(hh_start + timedelta(days=60), self.start - timedelta(days=365))
            hi = self.as_of - timedelta(days=20)
            if lo < hi:
                move = lo + timedelta(days=rng.randint(0, (hi - lo).days))
                t = rng.randrange(len(d.towns))
                new = address(d.towns[t], d.postcodes[t])
        if move is not None and new is not None and move > hh_start:
            fam.addresses.append((*current, hh_start, move - ONE_DAY))
            fam.addresses.append((*new, move, None))
        else:
            fam.addresses.append((*current, hh_start, None))

    # -- episodes -----------------------------------------------------------------

    def referral_source(self, kids: list[PKid], day: date) -> str:
        ages = [(day - k.person.dob).days / 365.25 for k in kids if k.person.dob is not None]
        weights = dict(REFERRAL_SOURCES)
        if not any(a >= 4 for a in ages):
            weights["2A"] = weights["2B"] = weights["3C"] = 0.0
        if not any(a < 5 for a in ages):
            weights["3B"] = 0.0
        if any(k.unborn for k in kids) or (ages and min(ages) < 0.2):
            weights["3D"] *= 6
            weights["3F"] *= 2
        return _weighted(self.rng, list(weights.items()))

    def contact_details(self, fep: FEpisode, kids: list[PKid]) -> None:
        rng = self.rng
        src = fep.source
        origin = N.ORIGINS[_weighted(rng, self.staff_origins)]
        female = rng.random() < 0.7
        first = rng.choice(origin.women if female else origin.men)
        last = rng.choice(origin.surnames)
        who = f"{first} {last}"
        names_by_source = {
            "1A": f"{who} (maternal grandmother)" if female else f"{who} (uncle)",
            "1B": f"{who} (neighbour)",
            "1C": f"{kids[0].person.first} (self)",
            "1D": f"{who} (family friend)",
            "2A": f"{who}, designated safeguarding lead, {rng.choice(N.SCHOOL_NAMES)}",
            "2B": f"{who}, education welfare officer",
            "3A": f"Dr {last}, GP",
            "3B": f"{who}, health visitor",
            "3C": f"{who}, school nurse",
            "3D": f"{who}, community midwife",
            "3E": f"{who}, emergency department liaison nurse",
            "3F": f"{who}, {rng.choice(('CAMHS practitioner', 'paediatrician', 'adult mental health nurse'))}",
            "4": f"{who}, housing officer",
            "5A": f"{who}, social worker (disabled children's team)",
            "5B": f"{who}, youth justice service",
            "5C": f"{who}, children's services, another council",
            "5D": f"{who}, early help practitioner",
            "6": f"{rng.choice(('PC', 'DC', 'PS'))} {first} {last}",
            "7": f"{who}, {rng.choice(('probation officer', 'Cafcass family court adviser'))}",
            "8": f"{who}, {rng.choice(('domestic abuse service', 'youth club', 'foodbank'))}",
        }
        fep.contact_name = names_by_source.get(src, "")
        if src == "6":
            methods = ((ContactMethod.EMAIL, 50.0), (ContactMethod.PORTAL, 40.0), (ContactMethod.PHONE, 10.0))
        elif src in ("2A", "2B"):
            methods = ((ContactMethod.PORTAL, 60.0), (ContactMethod.PHONE, 30.0), (ContactMethod.EMAIL, 10.0))
        elif src.startswith("3"):
            methods = ((ContactMethod.PORTAL, 45.0), (ContactMethod.PHONE, 35.0), (ContactMethod.EMAIL, 20.0))
        elif src.startswith("1") or src in ("9", "10"):
            methods = ((ContactMethod.PHONE, 80.0), (ContactMethod.IN_PERSON, 10.0), (ContactMethod.EMAIL, 7.0),
                       (ContactMethod.LETTER, 3.0))  # fmt: skip
        else:
            methods = ((ContactMethod.PORTAL, 40.0), (ContactMethod.EMAIL, 35.0), (ContactMethod.PHONE, 25.0))
        fep.contact_method = _weighted(rng, methods)
        u = rng.random()
        if u < 0.7:
            day = fep.ref
        elif u < 0.95:
            day = self.wd.on_or_before(fep.ref - ONE_DAY)
        else:
            day = self.wd.on_or_before(fep.ref - self.days(2, 6))
        if src == "6" and rng.random() < 0.35:
            hour, minute = rng.randint(0, 23), rng.randint(0, 59)
        else:
            hour, minute = rng.randint(8, 17), rng.randint(0, 59)
        fep.contact_at = datetime.combine(day, dtime(hour, minute), tzinfo=LONDON)
        name = kids[0].person.first if kids[0].person.dob is not None else "the unborn baby"
        fep.concern = rng.choice(CONCERNS[fep.need if not fep.nfa else ""]).format(name=name)
        team = rng.choice(self.front_door)
        fep.recorder = self.choose_hist(team, day, Role.SOCIAL_WORKER)

    def cp_length(self) -> int:
        band = _weighted(self.rng, (((30, 91), 15.0), ((91, 183), 25.0), ((183, 365), 35.0), ((365, 730), 20.0),
                                    ((730, 900), 5.0)))  # fmt: skip
        return max(30, int(self.rng.randint(*band) * min(1.0, math.sqrt(self.spec.plan_scale))))

    def plan_length(self, need: str) -> int:
        median = 540 if need == "N2" else 170
        return max(28, int(self.rng.lognormvariate(math.log(median), 0.8) * self.spec.plan_scale))

    def plan_episode(self, fam: PFamily, ref: date, kids: list[PKid], first: bool) -> FEpisode:
        rng = self.rng
        source = self.referral_source(kids, ref)
        if first and fam.early_help:
            source = "5D" if rng.random() < 0.7 else source
        if rng.random() < P_NFA and not any(k.unborn for k in kids):
            # Decided at the front door on the day or within two working days (never after the as-of date).
            close = min(ref if rng.random() < 0.6 else self.wd.add(ref, rng.randint(1, 2)), max(ref, self.as_of))
            need = "" if rng.random() < 0.7 else _weighted(rng, list(PRIMARY_NEEDS.items()))
            # RC7, not RC8: RC8 means "closed after assessment" and an NFA referral has none (DfE 8825Q).
            return FEpisode(ref, source, need, True, close, "RC7", [Phase(ref, close, FRONT)], outcome="nfa",
                            planned_close=close, planned_reason="RC7")  # fmt: skip
        need = _weighted(rng, list(PRIMARY_NEEDS.items()))
        if need == "N2" and not any(k.disabilities for k in kids):
            kid = rng.choice(kids)
            kid.disabilities = self.disability_codes()
        # Working days in assessment: a median of 28, and about one in seven longer than 45 days.
        assess_end = self.wd.add(ref, max(6, min(100, int(rng.lognormvariate(math.log(27.0), 0.58)))))
        outcome = _weighted(rng, OUTCOMES)
        if any(k.unborn for k in kids) and outcome in ("not_in_need", "step_down"):
            outcome = "cin"
        if need == "N2" and outcome == "cp":
            outcome = "cin"
        cp = None
        late = False
        if outcome == "not_in_need":
            close, reason = assess_end, "RC8"
            phases = [Phase(ref, close, ASSESS)]
        elif outcome == "step_down":
            close, reason = assess_end, "RC9"
            phases = [Phase(ref, close, ASSESS)]
        elif outcome == "cin":
            close = assess_end + timedelta(days=self.plan_length(need))
            reason = _weighted(rng, CIN_CLOSE_REASONS)
            if reason == "RC1" and not any(k.person.dob and (ref - k.person.dob).days < 5 * 365 for k in kids):
                reason = "RC7"
            long_kind = HUB if rng.random() < self.spec.hub_share else LOCALITY
            phases = [
                Phase(ref, assess_end, ASSESS),
                Phase(assess_end, close, long_kind, AllocationReason.CASE_PROGRESSION,
                      "Assessment completed: transferred for a child in need plan"),
            ]  # fmt: skip
            if long_kind == HUB and rng.random() < 0.12:
                # Child in need work moving from the hub back to locality teams (the letter's L3).
                move = self.as_of - self.days(15, 300)
                if assess_end + timedelta(days=20) < move < close:
                    phases[-1].end = move
                    phases.append(Phase(move, close, LOCALITY, AllocationReason.TEAM_TRANSFER,
                                        "Child in need work moved from the CIN hub to the locality team"))  # fmt: skip
        else:  # child protection
            late = rng.random() < 0.2
            if late:
                cp_start = self.wd.on_or_after(assess_end + self.days(60, 300))
            else:
                strategy = self.wd.add(ref, rng.randint(0, 5))
                cp_start = self.wd.add(strategy, rng.randint(8, 15) if rng.random() < 0.9 else rng.randint(16, 25))
            cp_end = cp_start + timedelta(days=self.cp_length())
            post = max(91, int(rng.lognormvariate(math.log(150), 0.6) * self.spec.plan_scale))
            close = cp_end + timedelta(days=post)
            reason = _weighted(rng, CP_CLOSE_REASONS)
            cat = _weighted(rng, CATEGORIES)
            latest = cat if rng.random() < 0.88 else _weighted(rng, CATEGORIES)
            cp = (cp_start, cp_end, cat, latest)
            in_cp_team = rng.random() < self.spec.cp_team_share * (0.5 if late else 1.0)
            phases = [Phase(ref, min(cp_start, assess_end) if late else cp_start, ASSESS)]
            if late:
                phases.append(Phase(assess_end, cp_start, LOCALITY, AllocationReason.CASE_PROGRESSION,
                                    "Assessment completed: transferred for a child in need plan"))  # fmt: skip
            if in_cp_team and rng.random() < 0.6:
                phases.append(Phase(cp_start, close, CPK, AllocationReason.CASE_PROGRESSION,
                                    "Child protection plan made at the initial conference"))  # fmt: skip
            elif in_cp_team:
                phases.append(Phase(cp_start, cp_end, CPK, AllocationReason.CASE_PROGRESSION,
                                    "Child protection plan made at the initial conference"))  # fmt: skip
                phases.append(Phase(cp_end, close, LOCALITY, AllocationReason.CASE_PROGRESSION,
                                    "Child protection plan ended: stepped down to a child in need plan"))  # fmt: skip
            elif late:
                phases[-1].end = close
            else:
                phases.append(Phase(cp_start, close, LOCALITY, AllocationReason.CASE_PROGRESSION,
                                    "Child protection plan made at the initial conference"))  # fmt: skip
        phases = [p for p in phases if p.end is None or p.end > p.start or p is phases[0]]
        ep = FEpisode(ref, source, need, False, close, reason, phases, cp=cp, outcome=outcome, assess_end=assess_end,
                      planned_cp=cp[0] if cp else None, late_cp=late, planned_close=close,
                      planned_reason=reason)  # fmt: skip
        return ep

    def truncate(self, ep: FEpisode) -> None:
        """Episodes, plans and phases that end after the as-of date are open."""
        if ep.close is not None and ep.close > self.as_of:
            ep.close, ep.reason = None, ""
        if ep.cp is not None:
            s, e, a, b = ep.cp
            if s > self.as_of:
                ep.cp = None
            elif e is not None and e > self.as_of:
                ep.cp = (s, None, a, b)
        kept = []
        for ph in ep.phases:
            if ph.start > self.as_of:
                break
            if ph.end is not None and ph.end > self.as_of:
                ph.end = None
            kept.append(ph)
            if ph.end is None:
                break
        ep.phases = kept

    def next_referral(self, ep: FEpisode) -> date | None:
        assert ep.close is not None
        rng = self.rng
        p = REREFERRAL.get("nfa" if ep.nfa else ep.reason, REREFERRAL_DEFAULT)
        u = rng.random()
        if u < p:
            band = _weighted(rng, (((7, 90), 40.0), ((90, 240), 35.0), ((240, 360), 25.0)))
            gap = rng.randint(*band)
        elif u < p + LATE_REFERRAL:
            gap = rng.randint(370, 1000)
        else:
            return None
        nxt = self.wd.on_or_after(ep.close + timedelta(days=gap))
        return nxt if nxt <= self.as_of else None

    def team_for(self, fam: PFamily, kind: str) -> PTeam:
        d = self.districts[fam.district]
        rng = self.rng
        if kind == FRONT:
            return rng.choice(self.front_door)
        # A family goes back to the same team of each kind (its patch), so continuity is possible.
        team = fam.teams.get(kind)
        if team is not None:
            return team
        teams = self.kind_teams(d, kind)
        if len(teams) == 1 and (kind in (LOCALITY, EARLY) or not self.spec.districts):
            team = teams[0]
        else:
            # Demand is shared out: the team with most room for its social workers' capacity.
            def room(t: PTeam) -> tuple[float, float]:
                return ((t.load + 3) / max(t.cap_total, 0.5), rng.random())

            team = min(teams, key=room)
            if kind in (ASSESS, CPK, HUB) and self.spec.districts:
                # Specialist teams take overflow from neighbouring districts.
                every = self.all_kind_teams[kind]
                average = sum(t.load for t in every) / max(sum(t.cap_total for t in every), 0.5)
                if room(team)[0] > average * 1.15 + 1:
                    team = min(every, key=room)
        fam.teams[kind] = team
        return team

    @staticmethod
    def kind_teams(d: District, kind: str) -> list[PTeam]:
        return {LOCALITY: d.locality, ASSESS: d.assess, CPK: d.cp, HUB: d.hub, EARLY: d.early_help}[kind]

    def phase_segments(
        self, fam: PFamily, segs: list[Seg], team: PTeam, ph: Phase, role: str, n: int, *, cp: bool = False
    ) -> None:
        """Split one phase into allocation segments: worker changes for absence, balancing and leavers."""
        rng = self.rng
        t, reason, detail = ph.start, ph.reason, ph.detail
        rate = CHANGE_RATES.get(ph.kind, 0.0)
        previous: PWorker | None = None
        while True:
            gap = rng.expovariate(rate / 365.0) if rate else math.inf
            change = t + timedelta(days=int(gap)) if gap < 20000 else None
            why = ""
            if change is not None and (ph.end is None or change < ph.end) and change <= self.as_of:
                seg_end: date | None = change
                why = AllocationReason.CASELOAD_BALANCING if rng.random() < 0.6 else AllocationReason.WORKER_ABSENCE
            else:
                seg_end = ph.end
            known = fam.last_worker.get(id(team)) if previous is None else None
            if (
                known is not None
                and known.joined <= t
                and (known.left is None or known.left > t)
                and (known.role == role or (role == Role.SOCIAL_WORKER and not cp))  # CP: social workers only
                and (seg_end is not None or self.can_take(known, team, role, n))
                and rng.random() < 0.9
            ):
                worker = known
                if seg_end is None:
                    worker.load += n
                    team.load += n
            elif seg_end is None:
                worker = self.choose_final(team, t, role, n, exclude=previous)
            else:
                worker = self.choose_hist(team, t, role, exclude=previous)
            if worker is not None:
                fam.last_worker[id(team)] = worker
            previous = worker
            if worker is not None and worker.left is not None and (seg_end is None or worker.left < seg_end):
                seg_end, why = worker.left, AllocationReason.WORKER_LEFT
            segs.append(Seg(team, worker, AllocationRole.LEAD, t, seg_end, reason, "", detail))
            if not why:
                return
            segs[-1].end_reason = why
            t, reason, detail = seg_end, why, _DETAIL.get(why, "")  # type: ignore[assignment]

    def episode_segments(self, fam: PFamily, ep: FEpisode, n: int) -> None:
        rng = self.rng
        segs: list[Seg] = []
        if ep.nfa:
            # Decided at the front door: no allocation; the episode records the front door team.
            ep.segs = segs
            ep.front_team = self.team_for(fam, FRONT)
            return
        back_to: PTeam | None = None
        previous = fam.episodes[-1] if fam.episodes else None
        if (
            previous is not None
            and previous.segs
            and previous.close is not None
            and (ep.ref - previous.close).days <= 365
            and previous.segs[-1].team.type in (TeamType.LOCALITY, TeamType.CIN_HUB, TeamType.CHILD_PROTECTION)
            and rng.random() < 0.85
        ):
            back_to = previous.segs[-1].team
        # Consecutive phases held by the same team are one stretch of work for that team.
        planned: list[tuple[PTeam, Phase]] = []
        for i, ph in enumerate(ep.phases):
            if back_to is not None and (
                (i == 0 and ph.kind == ASSESS) or (ph.kind in LONG_TERM and back_to.type != TeamType.CHILD_PROTECTION)
            ):
                team = back_to
            else:
                team = self.team_for(fam, ph.kind)
            if planned and planned[-1][0] is team:
                planned[-1][1].end = ph.end
                continue
            planned.append((team, Phase(ph.start, ph.end, ph.kind, ph.reason, ph.detail)))
        for team, ph in planned:
            role = Role.SOCIAL_WORKER
            cp = self.during_cp(ep, ph)  # a child protection case keeps a social worker (fsw_lead_on_cp off)
            if ph.kind in LONG_TERM and rng.random() < team.p_fsw and not cp:
                role = Role.FAMILY_SUPPORT_WORKER
            if segs:
                segs[-1].end_reason = ph.reason
            self.phase_segments(fam, segs, team, ph, role, n, cp=cp)
        if ep.close is not None and segs:
            segs[-1].end, segs[-1].end_reason = ep.close, AllocationReason.CASE_CLOSED
        for seg in segs:
            seg.sup = self.supervising(seg)
        ep.segs = segs

    @staticmethod
    def during_cp(ep: FEpisode, ph: Phase) -> bool:
        """Whether the phase overlaps the episode's child protection plan (planned or recorded)."""
        start = ep.cp[0] if ep.cp else ep.planned_cp
        if start is None:
            return False
        end = ep.cp[1] if ep.cp else None
        return (ph.end is None or start < ph.end) and (end is None or ph.start < end)

    def early_help_segments(self, fam: PFamily, eh: FEarlyHelp) -> None:
        segs: list[Seg] = []
        ph = Phase(eh.start, eh.end, EARLY)
        self.phase_segments(fam, segs, eh.team, ph, Role.FAMILY_SUPPORT_WORKER, self.still_children(eh.kids))
        if eh.end is not None and segs:
            stepped_up = eh.end_reason == EH_STEPPED_UP
            segs[-1].end_reason = AllocationReason.CASE_PROGRESSION if stepped_up else AllocationReason.CASE_CLOSED
        eh.segs = segs

    def supervising(self, seg: Seg) -> Seg | None:
        """A supervising social worker for a case held by a family support worker (L4)."""
        rng = self.rng
        if seg.worker is None or seg.worker.role != Role.FAMILY_SUPPORT_WORKER or seg.team.type == TeamType.EARLY_HELP:
            return None
        if rng.random() > 0.7:
            return None
        end = seg.end
        cands = [
            w
            for w in seg.team.sws
            if w.supervises and w.joined <= seg.start and (w.left is None or (end is not None and w.left >= end))
        ]
        if not cands:
            return None
        w = rng.choice(cands)
        return Seg(seg.team, w, AllocationRole.SUPERVISING_SOCIAL_WORKER, seg.start, end, seg.start_reason,
                   seg.end_reason, "Supervising social worker for a case held by a family support worker")  # fmt: skip

    def still_children(self, kids: list[PKid]) -> int:
        """How many of these children are still under 18 on the as-of date (for caseload counts)."""
        n = 0
        for k in kids:
            eighteen = k.eighteenth()
            if eighteen is None or eighteen > self.as_of:
                n += 1
        return n

    def plan_chain(self, fam: PFamily) -> None:
        """A family's referrals, episodes and early help over the window."""
        rng = self.rng
        t = fam.first_ref
        first = True
        # Early help before the first referral, for some.
        if rng.random() < 0.03:
            eh_start = t - self.days(60, 300)
            kids = [k for k in fam.kids if k.eligible(eh_start) and not k.unborn]
            if eh_start >= self.start and kids:
                fam.early_help.append(FEarlyHelp(eh_start, t, EH_STEPPED_UP, self.team_for(fam, EARLY), kids))
        while t <= self.as_of:
            kids = [k for k in fam.kids if k.eligible(t)]
            if not kids:
                break
            ep = self.plan_episode(fam, t, kids, first)
            first = False
            self.truncate(ep)
            self.contact_details(ep, kids)
            self.episode_segments(fam, ep, self.still_children(kids))
            fam.episodes.append(ep)
            self.attach(fam, ep, kids)
            if ep.close is None:
                break
            nxt = self.next_referral(ep)
            if ep.reason == "RC9" and rng.random() < 0.5:
                # Most families stepped down get an early help episode here (others are helped by
                # partner agencies that do not use Lantern).
                eh_kids = [k for k in kids if k.episodes[-1].reason == "RC9"]
                eh_start = ep.close + timedelta(days=rng.randint(0, 5))
                if eh_kids and eh_start <= self.as_of:
                    end: date | None = eh_start + timedelta(days=rng.randint(60, 330))
                    end_reason = _weighted(rng, EH_END_REASONS)
                    if nxt is not None and end is not None and nxt <= end:
                        end, end_reason = nxt, EH_STEPPED_UP
                    if end is not None and end > self.as_of:
                        end, end_reason = None, ""
                    fam.early_help.append(FEarlyHelp(eh_start, end, end_reason, self.team_for(fam, EARLY), eh_kids))
            if nxt is None:
                break
            t = nxt
        for eh in fam.early_help:
            self.early_help_segments(fam, eh)
            self.attach_early_help(eh)

    def attach(self, fam: PFamily, ep: FEpisode, kids: list[PKid]) -> None:
        """Each child's own episode, CP plan and allocations from the family episode."""
        for kid in kids:
            close, reason = ep.close, ep.reason
            eighteen = kid.eighteenth()
            if eighteen is not None and eighteen <= (close or self.as_of):
                close = eighteen - ONE_DAY
                reason = "RC6" if kid.disabilities and self.rng.random() < 0.5 else "RC7"
            kep = KEpisode(ep, close, reason)
            ep.keps.append((kid, kep))
            if ep.cp is not None:
                s, e, a, b = ep.cp
                # A plan needs at least a day (DfE 8840): none for a child whose episode ends the day it starts.
                if close is None or s < close:
                    if close is not None and (e is None or e > close):
                        e = close
                    kep.cp = (s, e, a, b)
            self.child_allocations(kid, kep, ep.segs, close)
            kid.episodes.append(kep)
            self.child_referrals += 1

    def child_allocations(self, kid: PKid, kep: KEpisode | None, segs: list[Seg], close: date | None) -> None:
        last_team: PTeam | None = None
        for i, seg in enumerate(segs):
            if close is not None and i > 0 and seg.start >= close:
                break
            end, end_reason = seg.end, seg.end_reason
            if close is not None and (end is None or end >= close):
                end, end_reason = close, seg.end_reason if end == close else AllocationReason.CASE_CLOSED
            kid.allocations.append(PAlloc(seg.team, seg.worker, seg.role, seg.start, end, seg.start_reason,
                                          end_reason, seg.detail))  # fmt: skip
            sup = seg.sup
            if sup is not None:
                kid.allocations.append(PAlloc(sup.team, sup.worker, sup.role, sup.start, end, sup.start_reason,
                                              end_reason, sup.detail))  # fmt: skip
            last_team = seg.team
        if kep is not None:
            kep.team = last_team or kep.fep.front_team
            last_team = kep.team
            if close is not None and last_team is not None:
                kep.closed_by = last_team.manager

    def attach_early_help(self, eh: FEarlyHelp) -> None:
        for kid in eh.kids:
            end, reason = eh.end, eh.end_reason
            eighteen = kid.eighteenth()
            if eighteen is not None and eighteen <= (end or self.as_of):
                end, reason = max(eh.start, eighteen - ONE_DAY), "Reached 18"
            kid.early_help.append((eh.start, end, reason, eh.team))
            self.child_allocations(kid, None, eh.segs, end)

    def prune(self, fam: PFamily) -> None:
        """Drop children who never had an episode (born after the family's last referral), and
        relatives left with nobody to relate to."""
        fam.kids = [k for k in fam.kids if k.episodes]
        kept = {id(k.person) for k in fam.kids}
        fam.relationships = [r for r in fam.relationships if id(r[1]) in kept or id(r[0]) in kept]
        fam.relationships = [
            r for r in fam.relationships
            if (id(r[0]) in kept or r[2] not in SIBLING_TYPES) and (id(r[1]) in kept)
        ]  # fmt: skip
        related = {id(r[0]) for r in fam.relationships}
        fam.adults = [a for a in fam.adults if a is fam.mother or id(a) in related]
        people = kept | {id(a) for a in fam.adults}
        fam.members = [m for m in fam.members if id(m[0]) in people]

    def plan_family(self) -> None:
        rng = self.rng
        # New families are a little more frequent early in the window, so that with re-referrals
        # building up the yearly referral count stays level (density 1.2 falling to 0.8).
        x = (1.2 - math.sqrt(1.44 - 0.8 * rng.random())) / 0.4
        first_ref = self.window_days[min(int(x * len(self.window_days)), len(self.window_days) - 1)]
        unborn = first_ref >= self.as_of - timedelta(days=90) and rng.random() < 0.09
        fam = self.new_family(first_ref, unborn=unborn)
        if not any(k.eligible(first_ref) for k in fam.kids):
            return
        self.plan_chain(fam)
        self.prune(fam)
        if not fam.kids:
            return
        self.add_addresses(fam)
        self.families.append(fam)

    # -- demo showcase --------------------------------------------------------

    def seg(
        self, team: PTeam, worker: PWorker | None, start: date, end: date | None, start_reason: str, end_reason: str,
        detail: str = "",
    ) -> Seg:  # fmt: skip
        return Seg(team, worker, AllocationRole.LEAD, start, end, start_reason, end_reason,
                   detail or _DETAIL.get(start_reason, ""))  # fmt: skip

    def explicit_episode(
        self, fam: PFamily, kids: list[PKid], ref: date, need: str, source: str, close: date | None, reason: str,
        segs: list[Seg], cp: tuple[date, date | None, str, str] | None = None, *, assess_end: date | None = None,
        outcome: str = "", tag: str = "",
    ) -> FEpisode:  # fmt: skip
        """An episode with a given history of allocations (for the demo's showcase children)."""
        if not outcome:
            outcome = "cp" if cp else {"RC8": "not_in_need", "RC9": "step_down"}.get(reason, "cin")
        if assess_end is None:
            first = segs[0]
            hub = first.team.type == TeamType.ASSESSMENT_HUB and first.end is not None
            assess_end = first.end if hub else self.wd.add(ref, 30)
        ep = FEpisode(ref, source, need, False, close, reason, [Phase(ref, close, ASSESS)], cp=cp, outcome=outcome,
                      assess_end=assess_end, planned_cp=cp[0] if cp else None, planned_close=close,
                      planned_reason=reason, tag=tag)  # fmt: skip
        self.contact_details(ep, kids)
        ep.segs = segs
        last = segs[-1]
        if last.end is None and last.worker is not None:
            last.worker.load += self.still_children(kids)
            last.team.load += self.still_children(kids)
        fam.episodes.append(ep)
        self.attach(fam, ep, kids)
        return ep

    def assessment_then(self, fam: PFamily, ref: date, team: PTeam, worker: PWorker, need: str) -> FEpisode:
        """An open episode: assessed in the assessment hub, then held by `worker` in `team`."""
        assess = self.districts[fam.district].assess[0]
        a_end = self.wd.add(ref, self.rng.randint(20, 40))
        hub_worker = self.choose_hist(assess, ref, Role.SOCIAL_WORKER)
        segs = [
            self.seg(assess, hub_worker, ref, a_end, AllocationReason.NEW_CASE, AllocationReason.CASE_PROGRESSION),
            self.seg(team, worker, a_end, None, AllocationReason.CASE_PROGRESSION, "",
                     "Assessment completed: transferred for a child in need plan"),
        ]  # fmt: skip
        if worker.role == Role.FAMILY_SUPPORT_WORKER:
            supervisors = [w for w in team.sws if w.supervises and w.left is None and w.joined <= a_end]
            if supervisors:
                sup = self.rng.choice(supervisors)
                segs[-1].sup = Seg(team, sup, AllocationRole.SUPERVISING_SOCIAL_WORKER, a_end, None,
                                   AllocationReason.CASE_PROGRESSION, "",
                                   "Supervising social worker for a case held by a family support worker")  # fmt: skip
        kids = [k for k in fam.kids if k.eligible(ref)]
        return self.explicit_episode(fam, kids, ref, need, self.referral_source(kids, ref), None, "", segs,
                                     tag="in_time")  # fmt: skip

    def demo_forced_leaver(self, north: PTeam) -> None:
        """A North social worker who joined four months ago and left 12 days ago (one child now unallocated)."""
        w = self.new_worker(Role.SOCIAL_WORKER, north, title="Social worker", joined=self.as_of - timedelta(days=130))
        w.left = self.as_of - timedelta(days=12)
        north.sws.append(w)
        self.north_leaver = w

    def plan_demo_specials(self) -> None:
        rng, as_of = self.rng, self.as_of
        north = self.districts[0].locality[0]
        assess = self.districts[0].assess[0]
        sw_north = self.named["sw.north"]
        leaver = self.north_leaver
        others = [w for w in north.sws if not w.demo and w.left is None and w.joined < as_of - timedelta(days=400)]

        def hub_worker(day: date) -> PWorker | None:
            return self.choose_hist(assess, day, Role.SOCIAL_WORKER)

        # 1. The showcase sibling group: three children (12, 8 and 3), the youngest a half-sibling;
        # assessed and stepped down to early help two years ago, referred again by the police 11 months
        # ago, and four workers since (assessment, two North workers, then sw.north).
        ref2 = self.wd.on_or_after(as_of - timedelta(days=330))
        first_ref = self.wd.on_or_after(as_of - timedelta(days=700))
        at_first = (as_of - first_ref).days / 365.25
        fam = self.new_family(first_ref, district=0, ages=[12.4 - at_first, 8.1 - at_first, 3.3 - at_first],
                              half=False, structure="f2_home")  # fmt: skip
        fam = self.rebuild_showcase(fam)
        kids = list(fam.kids)
        a_end = self.wd.add(first_ref, 28)
        self.explicit_episode(fam, kids, first_ref, "N4", "2A", a_end, "RC9",
                              [self.seg(assess, hub_worker(first_ref), first_ref, a_end, AllocationReason.NEW_CASE,
                                        AllocationReason.CASE_CLOSED)])  # fmt: skip
        early_team = self.districts[0].early_help[0]
        fam.early_help.append(
            FEarlyHelp(a_end + ONE_DAY, as_of - timedelta(days=400), "Outcomes achieved", early_team, kids)
        )
        a2_end = self.wd.add(ref2, 32)
        first_sw, second_sw = rng.sample(others, 2)
        change_1 = self.wd.on_or_after(as_of - timedelta(days=190))
        change_2 = self.wd.on_or_after(as_of - timedelta(days=75))
        self.explicit_episode(
            fam, kids, ref2, "N1", "6", None, "",
            [
                self.seg(assess, hub_worker(ref2), ref2, a2_end, AllocationReason.NEW_CASE,
                         AllocationReason.CASE_PROGRESSION),
                self.seg(north, first_sw, a2_end, change_1, AllocationReason.CASE_PROGRESSION,
                         AllocationReason.WORKER_ABSENCE, "Assessment completed: transferred for a child in need plan"),
                self.seg(north, second_sw, change_1, change_2, AllocationReason.WORKER_ABSENCE,
                         AllocationReason.CASELOAD_BALANCING),
                self.seg(north, sw_north, change_2, None, AllocationReason.CASELOAD_BALANCING, ""),
            ],
            tag="review_overdue",
        )  # fmt: skip
        for eh in fam.early_help:
            self.early_help_segments(fam, eh)
            self.attach_early_help(eh)
        self.add_addresses(fam)
        self.families.append(fam)
        self.showcase = fam

        # 2. A restricted child (a relative of a member of staff), held by the North team manager.
        ref = self.wd.on_or_after(as_of - timedelta(days=200))
        fam = self.new_family(ref, district=0, ages=[14.2], half=False)
        kid = fam.kids[0]
        kid.disabilities = []
        kid.restricted, kid.restriction_reason = True, "Relative of a member of staff"
        tm, sm, leader = self.named["tm.north"], self.named["sm.cin"], self.named["leader"]
        kid.access = [(tm, "Team manager holding the case", sm), (sm, "Service manager for the case", leader)]
        self.explicit_episode(fam, [kid], ref, "N5", "5B", None, "",
                              [self.seg(north, tm, ref, None, AllocationReason.NEW_CASE, "",
                                        "Restricted record: held by the team manager")])  # fmt: skip
        self.add_addresses(fam)
        self.families.append(fam)
        self.restricted_kid = kid

        # 3. Two unallocated North children: one whose worker left 12 days ago, one just transferred.
        ref = self.wd.on_or_after(as_of - timedelta(days=150))
        fam = self.new_family(ref, district=0, ages=[9.3], half=False)
        a_end = self.wd.add(ref, 35)
        self.explicit_episode(
            fam, fam.kids, ref, "N1", "2A", None, "",
            [
                self.seg(assess, hub_worker(ref), ref, a_end, AllocationReason.NEW_CASE,
                         AllocationReason.CASE_PROGRESSION),
                self.seg(north, leaver, a_end, leaver.left, AllocationReason.CASE_PROGRESSION,
                         AllocationReason.WORKER_LEFT, "Assessment completed: transferred for a child in need plan"),
                self.seg(north, None, leaver.left, None, AllocationReason.WORKER_LEFT, ""),
            ],
        )  # fmt: skip
        self.add_addresses(fam)
        self.families.append(fam)
        ref = self.wd.on_or_after(as_of - timedelta(days=48))
        fam = self.new_family(ref, district=0, ages=[15.1], half=False)
        moved = self.wd.on_or_before(as_of - timedelta(days=6))
        self.explicit_episode(
            fam, fam.kids, ref, "N6", "6", None, "",
            [
                self.seg(assess, hub_worker(ref), ref, moved, AllocationReason.NEW_CASE,
                         AllocationReason.CASE_PROGRESSION),
                self.seg(north, None, moved, None, AllocationReason.CASE_PROGRESSION, "",
                         "Assessment completed: awaiting allocation in the locality team"),
            ],
        )  # fmt: skip
        self.add_addresses(fam)
        self.families.append(fam)

        # 4. sw.north's work in progress (the pathway marks these by tag): an assessment past its due
        # date (a re-referral after an assessment five months before), one returned by tm.north for
        # more work, one awaiting tm.north's approval, and two brothers whose plan awaits approval.
        wd = self.wd
        for tag, ref, ages, need, source in (
            ("assess_overdue", wd.sub(as_of, 58), [7.6], "N1", "2A"),
            ("assess_returned", wd.sub(as_of, 33), [11.2], "N5", "6"),
            ("assess_submitted", wd.sub(as_of, 21), [4.3], "N3", "3B"),
        ):
            fam = self.new_family(ref, district=0, ages=ages, half=False)
            if tag == "assess_overdue":
                ref0 = wd.on_or_after(ref - timedelta(days=160))
                close0 = wd.add(ref0, 26)
                fam.first_ref = ref0
                self.explicit_episode(
                    fam, fam.kids, ref0, "N4", "2A", close0, "RC8",
                    [self.seg(assess, hub_worker(ref0), ref0, close0, AllocationReason.NEW_CASE,
                              AllocationReason.CASE_CLOSED)],
                )  # fmt: skip
            self.explicit_episode(
                fam, fam.kids, ref, need, source, None, "",
                [self.seg(north, sw_north, ref, None, AllocationReason.NEW_CASE, "",
                          "Family known to the locality team: assessment by the locality team")],
                assess_end=wd.add(as_of, 10), outcome="cin", tag=tag,
            )  # fmt: skip
            self.add_addresses(fam)
            self.families.append(fam)
        # A child in need plan that moved from the CIN hub to North four months ago (an accepted transfer).
        hub = self.districts[0].hub[0]
        ref = wd.on_or_after(as_of - timedelta(days=300))
        a_end = wd.add(ref, 30)
        moved = wd.on_or_after(as_of - timedelta(days=120))
        fam = self.new_family(ref, district=0, ages=[12.5], half=False)
        north_sw = self.choose_hist(north, moved, Role.SOCIAL_WORKER, exclude=sw_north)
        self.explicit_episode(
            fam, fam.kids, ref, "N4", "4", None, "",
            [
                self.seg(assess, hub_worker(ref), ref, a_end, AllocationReason.NEW_CASE,
                         AllocationReason.CASE_PROGRESSION),
                self.seg(hub, self.choose_hist(hub, a_end, Role.SOCIAL_WORKER), a_end, moved,
                         AllocationReason.CASE_PROGRESSION, AllocationReason.TEAM_TRANSFER,
                         "Assessment completed: transferred for a child in need plan"),
                self.seg(north, north_sw, moved, None, AllocationReason.TEAM_TRANSFER, "",
                         "Child in need work moved from the CIN hub to the locality team"),
            ],
        )  # fmt: skip
        self.add_addresses(fam)
        self.families.append(fam)
        ref = wd.sub(as_of, 60)
        a_end = wd.sub(as_of, 17)
        fam = self.new_family(ref, district=0, ages=[9.4, 6.1], half=False)
        self.explicit_episode(
            fam, fam.kids, ref, "N1", "3A", None, "",
            [
                self.seg(assess, hub_worker(ref), ref, a_end, AllocationReason.NEW_CASE,
                         AllocationReason.CASE_PROGRESSION),
                self.seg(north, sw_north, a_end, None, AllocationReason.CASE_PROGRESSION, "",
                         "Assessment completed: transferred for a child in need plan"),
            ],
            tag="plan_submitted",
        )  # fmt: skip
        self.add_addresses(fam)
        self.families.append(fam)

    def demo_cp_top_up(self, minimum: int = 12) -> None:
        """Make sure the demo has a dozen or so children on child protection plans today."""
        rng, as_of = self.rng, self.as_of

        def open_plans() -> int:
            return sum(
                1
                for f in self.families
                for k in f.kids
                if k.episodes and k.episodes[-1].cp is not None and k.episodes[-1].cp[1] is None
            )

        count = open_plans()
        while count < minimum:
            district = rng.randrange(len(self.districts))
            ref = self.working_day_in(as_of - timedelta(days=240), as_of - timedelta(days=45))
            k = rng.choice((1, 2, 2, 3))
            at_ref = (as_of - ref).days / 365.25
            ages = sorted((rng.uniform(0.5, 14.0) for _ in range(k)), reverse=True)
            fam = self.new_family(ref, district=district, ages=[a - at_ref for a in ages], half=False)
            kids = [kid for kid in fam.kids if kid.eligible(ref)]
            d = self.districts[district]
            assess = d.assess[0]
            team = d.cp[0] if rng.random() < self.spec.cp_team_share else d.locality[0]
            strategy = self.wd.add(ref, rng.randint(0, 5))
            icpc = self.wd.add(strategy, rng.randint(8, 15))
            worker = self.choose_final(team, icpc, Role.SOCIAL_WORKER, self.still_children(kids))
            if worker is not None:  # choose_final counted the children; explicit_episode counts them again
                worker.load -= self.still_children(kids)
                team.load -= self.still_children(kids)
            cat = _weighted(rng, CATEGORIES)
            segs = [
                self.seg(assess, self.choose_hist(assess, ref, Role.SOCIAL_WORKER), ref, icpc,
                         AllocationReason.NEW_CASE, AllocationReason.CASE_PROGRESSION),
                self.seg(team, worker, icpc, None, AllocationReason.CASE_PROGRESSION, "",
                         "Child protection plan made at the initial conference"),
            ]  # fmt: skip
            self.explicit_episode(fam, kids, ref, "N1", self.referral_source(kids, ref), None, "", segs,
                                  cp=(icpc, None, cat, cat))  # fmt: skip
            self.prune(fam)
            self.add_addresses(fam)
            self.families.append(fam)
            count += len(kids)

    def demo_top_up(self) -> None:
        """Bring the named demo caseloads to their quotas with a few more recent families if short."""
        rng, as_of = self.rng, self.as_of
        for username, district in (("sw.north", 0), ("fsw.north", 0), ("sw.south", 1)):
            w = self.named[username]
            assert w.quota is not None and w.team is not None
            while w.load < w.quota - 1:
                room = w.quota - w.load
                k = 1 if room < 2 or rng.random() < 0.6 else 2
                ref = self.working_day_in(as_of - timedelta(days=250), as_of - timedelta(days=60))
                ages = sorted((rng.uniform(1.0, 15.5) for _ in range(k)), reverse=True)
                at_ref = (as_of - ref).days / 365.25
                fam = self.new_family(ref, district=district, ages=[a - at_ref for a in ages], half=False)
                need = _weighted(rng, [(code, wt) for code, wt in PRIMARY_NEEDS.items() if code != "N2"])
                self.assessment_then(fam, ref, w.team, w, need)
                self.prune(fam)
                self.add_addresses(fam)
                self.families.append(fam)

    def rebuild_showcase(self, fam: PFamily) -> PFamily:
        """Make sure the showcase has three children: two full siblings and a younger half-sibling."""
        if len(fam.kids) != 3:
            raise RuntimeError("The showcase family must have three children")
        # new_family(structure="f2_home") with half=False makes f1 the father of all; make the youngest
        # the child of the mother's current partner instead.
        older, youngest = fam.kids[:2], fam.kids[2]
        rng = self.rng
        partner_origin = fam.origins[1]
        o = N.ORIGINS[partner_origin]
        partner = PPerson(rng.choice(o.men), rng.choice(o.surnames), "M", fam.mother.dob if fam.mother else None,
                          o.ethnicity, "English", phone=self.phone())  # fmt: skip
        fam.adults.append(partner)
        youngest.father = partner
        youngest.person.last = partner.last
        fam.resident_partner = partner
        keep = (RelationshipType.GRANDPARENT, RelationshipType.CARER)
        rels = [r for r in fam.relationships if r[2] in keep]
        mother = fam.mother
        assert mother is not None
        for kid in fam.kids:
            rels.append((mother, kid.person, RelationshipType.MOTHER, True, True, ""))
            if kid.father is partner:
                rels.append((partner, kid.person, RelationshipType.FATHER, True, True, ""))
            else:
                if kid.father is not None:
                    rels.append((kid.father, kid.person, RelationshipType.FATHER, True, False, ""))
                rels.append((partner, kid.person, RelationshipType.STEP_PARENT, False, True, ""))
        rels.append((older[0].person, older[1].person, RelationshipType.SIBLING, False, True, ""))
        for kid in older:
            rels.append((kid.person, youngest.person, RelationshipType.HALF_SIBLING, False, True, ""))
        fam.relationships = rels
        fam.members.append((partner, (youngest.person.dob or fam.first_ref) - timedelta(days=400), None))
        for kid in fam.kids:
            kid.disabilities = []
        return fam

    # -- whole plan ---------------------------------------------------------------

    def plan(self, progress: bool = False, stream: TextIO | None = None) -> None:
        self.build_org()
        if self.spec.demo_extras:
            self.plan_demo_specials()
        target = self.spec.referrals_per_year * self.spec.years
        bar = tqdm(
            total=target,
            desc="Planning referrals",
            unit="ref",
            file=stream or sys.stderr,
            disable=not progress,
            mininterval=0.5,
        )
        last = 0
        while self.child_referrals < target:
            self.plan_family()
            bar.update(self.child_referrals - last)
            last = self.child_referrals
        bar.close()
        if self.spec.demo_extras:
            self.demo_cp_top_up()
            self.demo_top_up()
        self.families.sort(key=lambda f: (f.first_ref, f.idx))
        self.assign_identifiers()
        # What the pathway recorded along each episode (decisions, assessments, plans...): pathway.py.
        from lantern.synthetic.pathway import Pathway

        self.pathway = Pathway(self).plan()

    def assign_identifiers(self) -> None:
        rng = self.rng
        la = rng.randrange(1_000_000, 3_000_000)
        nhs_base = SYNTHETIC_NHS_BASE + rng.randrange(0, 200_000)
        seen_nhs: set[str] = set()
        upn_serial = rng.randrange(0, 50_000)
        for fam in self.families:
            for kid in fam.kids:
                la += rng.randint(1, 3)
                kid.la_id = f"LC{la:07d}"
                p = kid.person
                if p.dob is None:
                    kid.upn_unknown = "UN6"
                    continue
                age = (self.as_of - p.dob).days / 365.25
                if age < 5:
                    kid.upn_unknown = "UN6"
                elif rng.random() < 0.75:
                    upn_serial += 1
                    kid.upn = make_upn(self.spec.la_code, rng.randint(2000, 5999), upn_serial % 100_000)
                elif all(e.fep.nfa for e in kid.episodes):
                    kid.upn_unknown = "UN7"
                else:
                    kid.upn_unknown = _weighted(rng, UPN_UNKNOWN_SCHOOL_AGE)
                if rng.random() < 0.95:
                    nhs_base += rng.randint(1, 5)
                    number = make_nhs_number(nhs_base)
                    while number in seen_nhs:
                        nhs_base += 1
                        number = make_nhs_number(nhs_base)
                    seen_nhs.add(number)
                    kid.nhs = number

    # -- statistics (from the plan) ----------------------------------------------------

    def statistics(self) -> dict[str, Any]:
        as_of, year_ago = self.as_of, self.year_ago
        kids = [k for f in self.families for k in f.kids]
        episodes = [e for k in kids for e in k.episodes]
        open_children = [k for k in kids if k.episodes and k.episodes[-1].close is None]
        open_set = set(open_children)
        refs_year = 0
        rerefs_year = 0
        for k in kids:
            prev: date | None = None
            for e in k.episodes:
                if year_ago < e.fep.ref <= as_of:
                    refs_year += 1
                    if prev is not None and (e.fep.ref - prev).days <= 365:
                        rerefs_year += 1
                prev = e.fep.ref
        nfa_year = sum(1 for e in episodes if e.fep.nfa and year_ago < e.fep.ref <= as_of)
        loads: dict[PWorker, int] = {}
        many_workers = 0
        unallocated = 0
        for k in kids:
            open_leads = [a for a in k.allocations if a.end is None and a.role == AllocationRole.LEAD]
            for a in open_leads:
                if a.worker is None:
                    unallocated += 1
                else:
                    loads[a.worker] = loads.get(a.worker, 0) + 1
            if k in open_set:
                recent = {
                    a.worker.username
                    for a in k.allocations
                    if a.role == AllocationRole.LEAD and a.worker is not None and (a.end is None or a.end > year_ago)
                }
                if len(recent) >= 3:
                    many_workers += 1
        case_types = {TeamType.FRONT_DOOR, TeamType.ASSESSMENT_HUB, TeamType.CIN_HUB, TeamType.LOCALITY,
                      TeamType.CHILD_PROTECTION}  # fmt: skip
        sws = [
            w
            for w in self.workers
            if w.role == Role.SOCIAL_WORKER and w.left is None and w.team is not None and w.team.type in case_types
        ]
        holders = [loads.get(w, 0) for w in sws if loads.get(w, 0) > 0]
        fsw_loads = [loads.get(w, 0) for w in self.workers if w.role == Role.FAMILY_SUPPORT_WORKER and w.left is None]
        cp_open = sum(1 for k in open_children if k.episodes[-1].cp is not None and k.episodes[-1].cp[1] is None)
        eh_open = sum(1 for k in kids for eh in k.early_help if eh[1] is None)
        return {
            "teams": len(self.teams),
            "workers_active": sum(1 for w in self.workers if w.left is None),
            "workers_left": sum(1 for w in self.workers if w.left is not None),
            "early_help_open": eh_open,
            "referrals_last_12_months": refs_year,
            "rereferral_pct_last_12_months": round(100 * rerefs_year / max(refs_year, 1), 1),
            "nfa_pct_last_12_months": round(100 * nfa_year / max(refs_year, 1), 1),
            "children_in_need_on_as_of": len(open_children),
            "cp_plans_open": cp_open,
            "unallocated_open": unallocated,
            "open_children_3plus_workers_12m_pct": round(100 * many_workers / max(len(open_children), 1), 1),
            "sw_case_holders": len(holders),
            "sw_active_in_case_teams": len(sws),
            "sw_avg_caseload": round(sum(holders) / max(len(holders), 1), 1),
            "sw_over_25": sum(1 for x in holders if x > 25),
            "sw_over_30": sum(1 for x in holders if x > 30),
            "sw_max_caseload": max(holders, default=0),
            "fsw_max_caseload": max(fsw_loads, default=0),
            **(self.pathway.statistics() if self.pathway is not None else {}),
        }


# ---------------------------------------------------------------------------
# Writing to the database
# ---------------------------------------------------------------------------


class Writer:
    def __init__(self, planner: Planner, progress: bool, stream: TextIO | None) -> None:
        self.p = planner
        self.progress = progress
        self.stream = stream or sys.stderr
        self.counts: dict[str, int] = {}

    def bulk(
        self,
        model: type[models.Model],
        label: str,
        items: Sequence[Any],
        build: Callable[[Any], models.Model],
        after: Callable[[Any, models.Model], None] | None = None,
    ) -> None:
        bar = tqdm(
            total=len(items),
            desc=f"Writing {label}",
            unit="row",
            file=self.stream,
            disable=not self.progress or not items,
            mininterval=0.5,
        )
        manager = model._default_manager
        for chunk in _chunks(items, 10 * BATCH_SIZE):
            objs = [build(item) for item in chunk]
            manager.bulk_create(objs, batch_size=BATCH_SIZE)
            if after is not None:
                for item, obj in zip(chunk, objs, strict=True):
                    after(item, obj)
            bar.update(len(chunk))
        bar.close()
        self.counts[label] = self.counts.get(label, 0) + len(items)

    def write(self) -> None:
        p = self.p
        families = p.families
        demo_hash = make_password(DEMO_PASSWORD)
        unusable = make_password(None)

        def set_pk(item: Any, obj: models.Model) -> None:
            item.pk = obj.pk

        self.bulk(Service, "services", p.services, lambda s: Service(name=s.name), set_pk)
        teams = [t for t in p.teams]
        self.bulk(Team, "teams", teams, lambda t: Team(name=t.name, type=t.type, service_id=t.service.pk), set_pk)

        def worker(w: PWorker) -> Worker:
            return Worker(
                username=w.username,
                first_name=w.first,
                last_name=w.last,
                email=f"{w.username}@lantern.example",
                role=w.role,
                team_id=w.team.pk if w.team is not None else None,
                service_id=w.service.pk if w.service is not None else None,
                job_title=w.job_title,
                is_active=w.left is None,
                date_joined=datetime.combine(w.joined, dtime(9, 0), tzinfo=LONDON),
                password=demo_hash if w.demo else unusable,
            )

        self.bulk(Worker, "workers", p.workers, worker, set_pk)
        # The published demo accounts sign in with a password alone (docs/operator-guide.md,
        # "Second factor"); production settings never honour this mark.
        MfaExemption.objects.bulk_create(
            [MfaExemption(worker_id=w.pk, reason="Synthetic demo account") for w in p.workers if w.demo]
        )

        people = [pp for f in families for pp in [k.person for k in f.kids] + f.adults]
        self.bulk(
            Person,
            "people",
            people,
            lambda pp: Person(
                first_name=pp.first,
                last_name=pp.last,
                date_of_birth=pp.dob,
                expected_date_of_birth=pp.edd,
                sex=pp.sex,
                ethnicity=pp.eth,
                first_language=pp.lang,
                phone=pp.phone,
            ),  # fmt: skip
            set_pk,
        )
        kids = [k for f in families for k in f.kids]
        self.bulk(
            Child,
            "children",
            kids,
            lambda k: Child(person_id=k.person.pk, la_child_id=k.la_id, upn=k.upn, upn_unknown=k.upn_unknown,
                            nhs_number=k.nhs, restricted=k.restricted, restriction_reason=k.restriction_reason),
        )  # fmt: skip
        disabilities = [(k, code) for k in kids for code in (k.disabilities or ["NONE"])]
        self.bulk(ChildDisability, "disabilities", disabilities,
                  lambda kc: ChildDisability(child_id=kc[0].person.pk, code=kc[1]))  # fmt: skip
        rels = [r for f in families for r in f.relationships]
        self.bulk(
            Relationship,
            "relationships",
            rels,
            lambda r: Relationship(person_id=r[0].pk, relative_id=r[1].pk, type=r[2], parental_responsibility=r[3],
                                   lives_with=r[4], notes=r[5]),
        )  # fmt: skip

        households: list[tuple[PFamily, dict[str, int]]] = [(f, {}) for f in families]

        def set_household(item: tuple[PFamily, dict[str, int]], obj: models.Model) -> None:
            item[1]["pk"] = obj.pk

        self.bulk(Household, "households", households, lambda h: Household(name=h[0].household_name), set_household)
        members = [(h["pk"], m) for f, h in households for m in f.members]
        self.bulk(HouseholdMember, "household members", members,
                  lambda hm: HouseholdMember(household_id=hm[0], person_id=hm[1][0].pk, start_date=hm[1][1],
                                             end_date=hm[1][2]))  # fmt: skip
        addresses = [(h["pk"], a) for f, h in households for a in f.addresses]
        self.bulk(Address, "addresses", addresses,
                  lambda ha: Address(household_id=ha[0], line1=ha[1][0], line2=ha[1][1], town=ha[1][2],
                                     postcode=ha[1][3], start_date=ha[1][4], end_date=ha[1][5]))  # fmt: skip

        keps = [(k, e) for k in kids for e in k.episodes]

        def contact(ke: tuple[PKid, KEpisode]) -> Contact:
            k, e = ke
            f = e.fep
            return Contact(child_id=k.person.pk, received_at=f.contact_at, source=f.source, method=f.contact_method,
                           contact_name=f.contact_name, concern=f.concern,
                           recorded_by_id=f.recorder.pk if f.recorder else None)  # fmt: skip

        def set_contact(ke: tuple[PKid, KEpisode], obj: models.Model) -> None:
            ke[1].contact_pk = obj.pk

        self.bulk(Contact, "contacts", keps, contact, set_contact)

        def episode(ke: tuple[PKid, KEpisode]) -> CINEpisode:
            k, e = ke
            f = e.fep
            return CINEpisode(child_id=k.person.pk, contact_id=e.contact_pk, referral_date=f.ref,
                              referral_source=f.source, primary_need=f.need, referral_nfa=f.nfa,
                              closure_date=e.close, closure_reason=e.reason if e.close else "",
                              team_id=e.team.pk if e.team else None,
                              closed_by_id=e.closed_by.pk if e.closed_by and e.close else None)  # fmt: skip

        def set_episode(ke: tuple[PKid, KEpisode], obj: models.Model) -> None:
            ke[1].pk = obj.pk

        self.bulk(CINEpisode, "CIN episodes", keps, episode, set_episode)
        plans = [(k, e) for k, e in keps if e.cp is not None]

        def set_plan(ke: tuple[PKid, KEpisode], obj: models.Model) -> None:
            ke[1].cp_pk = obj.pk

        self.bulk(
            ChildProtectionPlan,
            "child protection plans",
            plans,
            lambda ke: ChildProtectionPlan(child_id=ke[0].person.pk, episode_id=ke[1].pk, start_date=ke[1].cp[0],
                                           end_date=ke[1].cp[1], initial_category=ke[1].cp[2],
                                           latest_category=ke[1].cp[3]),
            set_plan,
        )  # fmt: skip
        ehs = [(k, eh) for k in kids for eh in k.early_help]
        self.bulk(EarlyHelpEpisode, "early help episodes", ehs,
                  lambda ke: EarlyHelpEpisode(child_id=ke[0].person.pk, start_date=ke[1][0], end_date=ke[1][1],
                                              end_reason=ke[1][2], team_id=ke[1][3].pk))  # fmt: skip
        allocs = [(k, a) for k in kids for a in k.allocations]

        def allocation(ka: tuple[PKid, PAlloc]) -> Allocation:
            k, a = ka
            manager = a.team.manager
            return Allocation(child_id=k.person.pk, team_id=a.team.pk, worker_id=a.worker.pk if a.worker else None,
                              role=a.role, start_date=a.start, end_date=a.end, start_reason=a.start_reason,
                              end_reason=a.end_reason if a.end else "", reason_detail=a.detail,
                              created_by_id=manager.pk if manager else None)  # fmt: skip

        self.bulk(Allocation, "allocations", allocs, allocation)
        grants = [(k, g) for k in kids for g in k.access]
        self.bulk(AccessListEntry, "access list entries", grants,
                  lambda kg: AccessListEntry(child_id=kg[0].person.pk, worker_id=kg[1][0].pk, reason=kg[1][1],
                                             granted_by_id=kg[1][2].pk if kg[1][2] else None))  # fmt: skip
        if p.pathway is not None:
            from lantern.synthetic.pathway import PathwayWriter

            PathwayWriter(self, p.pathway).write()


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def _demo_admin(start: date) -> Worker:
    username, first, last, title = DEMO_ADMIN
    admin = Worker.objects.create(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@lantern.example",
        role=Role.COUNCIL_ADMIN,
        job_title=title,
        date_joined=datetime.combine(start, dtime(9, 0), tzinfo=LONDON),
        password=make_password(DEMO_PASSWORD),
    )
    MfaExemption.objects.create(worker=admin, reason="Synthetic demo account")
    return admin


def _extra_seeders() -> list[tuple[str, Any]]:
    """`lantern/synthetic/seed_<app>.py` modules, each with
    `seed(*, rng, as_of, show, stream) -> dict[str, int]` (counts of rows written), run in
    app order after the authority's core records are written."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        name = config.label
        try:
            module = importlib.import_module(f"lantern.synthetic.seed_{name}")
        except ModuleNotFoundError as error:
            if error.name != f"lantern.synthetic.seed_{name}":
                raise
            continue
        found.append((name, module.seed))
    return found


def plan_authority(*, size: str, seed: int, as_of: date, taken_usernames: Iterable[str] = ()) -> Planner:
    """Plan (without writing) a synthetic authority; useful for statistics and tuning."""
    spec = SIZES[size]
    planner = Planner(spec, seed, as_of, taken_usernames)
    planner.plan(progress=False)
    return planner


def seed_authority(
    *,
    size: str,
    seed: int,
    as_of: date,
    progress: bool | None = None,
    stream: TextIO | None = None,
) -> SeedResult:
    """Create a whole synthetic authority in the database, in one transaction."""
    if size not in SIZES:
        raise ValueError(f"Unknown size {size!r}: choose from {', '.join(PUBLIC_SIZES)}")
    spec = SIZES[size]
    show = spec.progress if progress is None else progress
    started = time.monotonic()
    with transaction.atomic():
        taken = list(Worker.objects.order_by("username").values_list("username", flat=True))
        clash = sorted(set(taken) & set(DEMO_USERNAMES))
        if clash:
            raise ValueError(f"Workers with the demo usernames already exist: {', '.join(clash)}")
        planner = Planner(spec, seed, as_of, taken)
        planner.plan(progress=show, stream=stream)
        writer = Writer(planner, show, stream)
        writer.write()
        admin = _demo_admin(planner.start)
        counts = dict(writer.counts)
        for name, seeder in _extra_seeders():
            # Each later app's records (visits, notes, oversight ...) are written from what the
            # planner wrote, reading it back set-based; each gets its own reproducible stream.
            counts.update(seeder(rng=random.Random(f"{seed}:{name}"), as_of=as_of, show=show, stream=stream))
    stats = planner.statistics()
    logins = []
    for username, _role, _where in DEMO_ACCOUNTS:
        w = planner.named[username]
        where = w.team.name if w.team else (w.service.name if w.service else "")
        logins.append((username, Role(w.role).label, where))
    logins.append((admin.username, admin.get_role_display(), ""))
    return SeedResult(size, seed, as_of, counts, stats, logins, time.monotonic() - started)
