"""Synthetic supervision: for every active case-holding worker, signed sessions about every four
weeks over the last twelve months (fortnightly for workers in their assessed and supported
year), with realistic gaps (leave, sickness, a cancelled session), each discussing two to four
children who were allocated to the worker on the day. Social workers and family support workers
are supervised by their team manager, team managers by their service manager. A few of the most
recent sessions are still drafts waiting for a signature.

Made-up phrases only; no real people or events. Read set-based (four queries), written with
`bulk_create`, deterministic from `rng`. Signed rows are inserted already signed (each discussion
carries its session's signing time), which the immutability triggers allow."""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db.models import Q
from tqdm import tqdm

from lantern.core.local_settings import get_setting
from lantern.people.models import Child
from lantern.supervision.models import CaseDiscussion, SupervisionFrequency, SupervisionSession
from lantern.workforce.models import Allocation, Role, Worker

BATCH_SIZE = 2000
LONDON = ZoneInfo("Europe/London")
WINDOW_DAYS = 365
ASYE_WEEKS = 2
P_GAP = 0.12  # a session missed (leave, sickness, cancelled): the next one is weeks later
P_DRAFT = 0.08  # the latest session, if recent, is still a draft
DISCUSSIONS = (2, 4)  # inclusive

WELLBEING = (
    "Feeling settled in the team; no concerns raised about health or wellbeing.",
    "Reported feeling stretched after a run of court work; agreed protected time for recording next week.",
    "Back from annual leave and feeling refreshed. Discussed pacing the return to a full caseload.",
    "Finding the evening visits tiring; agreed to swap two late visits with a colleague this month.",
    "Spoke about a distressing home visit; offered a reflective debrief and the staff support line.",
    "Wellbeing good. Enjoying the duty week and the team's peer support.",
)
CASELOAD = (
    "Caseload reviewed child by child; manageable at present.",
    "Caseload above the team's usual level; no new allocations for two weeks while two cases step down.",
    "Two complex cases taking most of the week; agreed a co-worker for one of them.",
    "Caseload steady. Recording is up to date apart from one visit write-up, due by Friday.",
)
LEARNING = (
    "Booked onto the neglect toolkit refresher; will bring learning to the next team meeting.",
    "Reading on contextual safeguarding; to share a summary at group supervision.",
    "Completing the direct work training; using the three houses tool with two children.",
    "Shadowed a child protection conference chair; reflected on writing clearer danger statements.",
    "Portfolio for the assessed year on track; next observation agreed.",
)
OTHER_ACTIONS = (
    "",
    "Worker to update two case summaries before the next supervision.",
    "Manager to check the training budget for the course requested.",
)
WORKING_WELL = (
    "{name} is attending school most days and teachers say they are more settled.",
    "The parent is keeping health appointments and engaging with the family support worker.",
    "Grandparents are offering regular respite at weekends, which {name} enjoys.",
    "{name} talked openly in direct work about what helps at home.",
    "Home conditions have improved since the last visit and routines are more consistent.",
)
WORRIES = (
    "Attendance has dropped again this half term and there was a late collection from school.",
    "There are reports of arguments at home late at night; {name} seemed quiet on the last visit.",
    "The parent has missed two appointments with the substance misuse service.",
    "{name} has been missing for short periods twice this month.",
    "Concerns about the state of the home and whether there is enough food.",
)
REFLECTION = (
    "We wondered whether the missed appointments are about transport and money rather than motivation. "
    "What else could explain the change in {name}'s presentation?",
    "Hypothesis: the worry rises when contact with the other parent is disrupted. An alternative is a "
    "new adult in the household; we do not know enough to choose between them yet.",
    "Reflected on whether the plan asks too much at once. The family may be agreeing to everything "
    "without being able to do it; what does {name} say a good day looks like?",
    "Considered whether we are drifting: the same worries have been noted for three months without a "
    "change in the plan. What would make us escalate, and what would reassure us?",
    "Thought about {name}'s experience of school as a safe place, and whether the recent behaviour there "
    "is a response to what is happening at home.",
)
DECISIONS = (
    "Continue with the child in need plan; review the outcomes at the next review meeting.",
    "Hold a professionals meeting within two weeks to share information.",
    "Increase visits to weekly for the next month, with at least one unannounced.",
    "Ask the team manager to consider a strategy discussion if there is another missing episode.",
    "Refer to the family support worker for parenting support and routines.",
    "Prepare for step-down to early help at the next review if progress holds.",
)
RATIONALE = (
    "Progress is real but recent; the plan needs time to show it can last.",
    "Partner agencies hold different pieces of information and nobody has the whole picture.",
    "The worries are increasing and we need to see {name} more often to understand why.",
    "The outcomes are largely met and the family agree that early help would suit them now.",
    "The hypothesis needs testing before the plan changes; more information will tell us which is right.",
)
ACTIONS = (
    "Worker to visit within ten working days and see {name} alone.",
    "Worker to speak with the school's safeguarding lead this week.",
    "Manager to chair the professionals meeting; worker to send invitations.",
    "Worker to complete direct work on {name}'s views before the review.",
    "",
)


def _weekday(day: date) -> date:
    """Move a Saturday or Sunday to the following Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _supervisors() -> tuple[dict[int, int], dict[int, int]]:
    """The first active team manager of each team, and service manager of each service."""
    team_managers: dict[int, int] = {}
    service_managers: dict[int, int] = {}
    rows = Worker.objects.filter(is_active=True, role__in=[Role.TEAM_MANAGER, Role.SERVICE_MANAGER]).order_by("pk")
    for pk, role, team_id, service_id in rows.values_list("pk", "role", "team_id", "service_id"):
        if role == Role.TEAM_MANAGER and team_id is not None:
            team_managers.setdefault(team_id, pk)
        elif role == Role.SERVICE_MANAGER and service_id is not None:
            service_managers.setdefault(service_id, pk)
    return team_managers, service_managers


def seed(*, rng, as_of: date, show: bool, stream: TextIO | None) -> dict[str, int]:
    stream = stream or sys.stderr
    start = as_of - timedelta(days=WINDOW_DAYS)
    default_weeks = int(get_setting("supervision_weeks"))
    team_managers, service_managers = _supervisors()
    workers = list(
        Worker.objects.filter(
            is_active=True,
            team__isnull=False,
            role__in=[Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER, Role.TEAM_MANAGER],
        )
        .order_by("pk")
        .values_list("pk", "role", "team_id", "team__service_id", "date_joined", "job_title")
    )
    # Every allocation to these workers open at some time in the window, by worker, by start date.
    allocations: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
    rows = (
        Allocation.objects.filter(worker__is_active=True, start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("worker_id", "start_date", "child_id")
        .values_list("worker_id", "start_date", "end_date", "child_id")
    )
    for worker_id, begun, ended, child_id in rows.iterator(chunk_size=10_000):
        allocations[worker_id].append((begun, ended, child_id))
    starts = {w: [a[0] for a in items] for w, items in allocations.items()}

    planned: list[tuple[SupervisionSession, list[int]]] = []  # each session and the children discussed
    frequencies: list[SupervisionFrequency] = []
    bar = tqdm(workers, desc="Supervision", unit="worker", disable=not show, file=stream, mininterval=0.5, leave=False)
    for worker_id, role, team_id, service_id, joined, job_title in bar:
        supervisor = team_managers.get(team_id) if role != Role.TEAM_MANAGER else None
        supervisor = supervisor or service_managers.get(service_id)
        if supervisor is None or supervisor == worker_id:
            continue
        weeks = default_weeks
        if "ASYE" in (job_title or ""):
            weeks = ASYE_WEEKS
            frequencies.append(
                SupervisionFrequency(
                    worker_id=worker_id,
                    weeks=weeks,
                    reason="Newly qualified: fortnightly supervision in the assessed and supported year",
                    set_by_id=supervisor,
                )
            )
        first = max(start, (joined.astimezone(LONDON).date() if joined else start) + timedelta(days=14))
        day = first + timedelta(days=rng.randint(0, 2 * weeks * 7 // 3))
        held: list[date] = []
        while day <= as_of:
            held.append(_weekday(day) if _weekday(day) <= as_of else day - timedelta(days=2))
            step = weeks * 7 + rng.randint(-4, 6)
            if rng.random() < P_GAP:
                step += rng.randint(2, 5) * 7
            day += timedelta(days=step)
        own = allocations.get(worker_id, [])
        own_starts = starts.get(worker_id, [])
        for index, on in enumerate(held):
            # Children allocated to the worker on the day (allocations are sorted by start date).
            candidates = [c for s, e, c in own[: bisect_right(own_starts, on)] if e is None or e >= on]
            candidates = list(dict.fromkeys(candidates))
            chosen = rng.sample(candidates, min(len(candidates), rng.randint(*DISCUSSIONS)))
            latest = index == len(held) - 1
            draft = latest and (as_of - on).days <= 14 and rng.random() < P_DRAFT
            signed_at = None
            if not draft:
                signed_day = min(on + timedelta(days=rng.randint(0, 4)), as_of)
                signed_at = datetime.combine(signed_day, time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=LONDON)
            next_date = on + timedelta(weeks=weeks)
            session = SupervisionSession(
                worker_id=worker_id,
                supervisor_id=supervisor,
                held_on=on,
                wellbeing=rng.choice(WELLBEING),
                caseload=rng.choice(CASELOAD),
                learning=rng.choice(LEARNING) if rng.random() < 0.7 else "",
                other_actions=rng.choice(OTHER_ACTIONS),
                next_supervision_date=next_date,
                signed_at=signed_at,
                signed_by_id=supervisor if signed_at else None,
            )
            planned.append((session, chosen))
    bar.close()

    sessions = [s for s, _ in planned]
    # The database refuses a discussion on a signed session: write the sessions as drafts, their
    # discussions (carrying the signing time), then sign the sessions.
    signing = {id(s): (s.signed_at, s.signed_by_id) for s in sessions}
    for s in sessions:
        s.signed_at = s.signed_by_id = None
    SupervisionSession.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    for s in sessions:
        s.signed_at, s.signed_by_id = signing[id(s)]
    names = _first_names({child for _, children in planned for child in children})
    discussions = []
    for session, children in planned:
        for child in children:
            name = names.get(child, "The child")
            review = session.held_on + timedelta(weeks=rng.randint(2, 8)) if rng.random() < 0.5 else None
            discussions.append(
                CaseDiscussion(
                    session_id=session.pk,
                    child_id=child,
                    working_well=rng.choice(WORKING_WELL).format(name=name),
                    worries=rng.choice(WORRIES).format(name=name),
                    reflection=rng.choice(REFLECTION).format(name=name),
                    decisions=rng.choice(DECISIONS).format(name=name),
                    rationale=rng.choice(RATIONALE).format(name=name),
                    actions=rng.choice(ACTIONS).format(name=name),
                    next_review_date=review,
                    signed_at=session.signed_at,
                )
            )
    CaseDiscussion.objects.bulk_create(discussions, batch_size=BATCH_SIZE)
    signed = [s for s in sessions if s.signed_at is not None]
    SupervisionSession.objects.bulk_update(signed, ["signed_at", "signed_by"], batch_size=BATCH_SIZE)
    SupervisionFrequency.objects.bulk_create(frequencies, batch_size=BATCH_SIZE)
    return {
        "supervision sessions": len(sessions),
        "supervision case discussions": len(discussions),
        "supervision frequencies": len(frequencies),
    }


def _first_names(child_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    ids = sorted(child_ids)
    for i in range(0, len(ids), 5000):
        chunk = ids[i : i + 5000]
        names.update(Child.objects.filter(pk__in=chunk).values_list("pk", "person__first_name"))
    return names
