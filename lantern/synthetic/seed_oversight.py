"""Synthetic management oversight (L6) and check-ins on family support worker cases (L4).

For every child with an open child in need episode on the as-of date, signed oversight entries by
the team manager of the team holding the child, about every four weeks over the last three months
(or since the referral), with realistic gaps: a missed month, a manager on leave, and a few
children whose oversight has slipped well past due. Each entry has a direction, usually a
challenge, a rationale, a next oversight date and up to two actions (owned by the child's worker
or the manager), most of them done by now; a few entries carry an addendum, and a few of the
latest are still drafts. For every supervising social worker of a case held by a family support
worker, check-ins about every two weeks, with gaps.

Made-up phrases only; no real people or events. Read set-based (five queries), written with
`bulk_create`, deterministic from `rng`. The database refuses actions added to a signed entry,
so entries are written as drafts, their actions added, and the entries signed in one UPDATE.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db.models import F, Q
from tqdm import tqdm

from lantern.casework.models import CINEpisode
from lantern.oversight.models import (
    CheckIn,
    OversightAction,
    OversightActionCompletion,
    OversightAddendum,
    OversightEntry,
)
from lantern.workforce.models import Allocation, AllocationRole, Role, Worker

BATCH_SIZE = 2000
LONDON = ZoneInfo("Europe/London")
WINDOW_DAYS = 92  # three months of history keeps the Kent-sized council under its time budget
P_GAP = 0.12  # a month missed: the next oversight comes weeks late
P_STALLED = 0.10  # oversight on this child stopped some weeks ago (shows as overdue)
P_NONE = 0.03  # no oversight recorded at all on this child
P_DRAFT = 0.3  # a latest entry from the last ten days is still a draft the manager has not signed
P_CHALLENGE = 0.8
P_ADDENDUM = 0.04
P_DONE = 0.85  # an action that has fallen due was done
P_CHECK_IN_GAP = 0.2

DIRECTIONS = (
    "Visit {name} within ten working days and see {name} alone; record {name}'s views in their own words.",
    "Hold a core group or professionals meeting within two weeks and agree who is checking attendance.",
    "Update the assessment: the family's circumstances have changed since it was written.",
    "Complete direct work with {name} on what a good day at home looks like before the review.",
    "Continue the child in need plan; bring the review forward if there is another missed appointment.",
    "Ask health for an update on {name}'s missed appointments and add it to the plan.",
    "Prepare the case for step-down to early help at the next review if progress holds.",
    "Consider a strategy discussion if there is any further incident; discuss with me first.",
    "Make sure the plan has a contingency and dates for every action before the next review.",
    "Speak to the absent parent and record their views; they have not been seen since the plan began.",
)
CHALLENGES = (
    "Why has the plan not changed in three months when the same worries are recorded at every visit?",
    "What is {name}'s lived experience here? The recording describes the adults but not {name}'s day.",
    "Is the family agreeing to everything without being able to do it? What evidence of change do we have?",
    "The school's concerns are not in the assessment; how do we know the picture is complete?",
    "Are we drifting? What would make us escalate, and what would reassure us?",
    "Who has seen {name} alone in the last month?",
)
RATIONALES = (
    "Progress is real but recent; the plan needs time to show it can last.",
    "The worries are rising and we need to see {name} more often to understand why.",
    "Partner agencies hold different pieces of the picture and nobody has all of it.",
    "Outcomes are largely met and the family agree that early help would suit them now.",
    "Neglect indicators persist despite support; we must test whether the plan is enough.",
    "{name}'s voice is missing from the record and decisions must be informed by it.",
)
ACTIONS = (
    "Visit and see {name} alone.",
    "Call the school's safeguarding lead for attendance and presentation.",
    "Send invitations for the professionals meeting.",
    "Update the chronology and the case summary.",
    "Complete a direct work session with {name}.",
    "Ask the health visitor for an update.",
)
ADDENDA = (
    "Update: the meeting took place and the actions were agreed with the family.",
    "Addendum: new information from school changes the picture; see the case notes. Direction stands.",
    "Correction: the next review date has moved by a week because of the school holidays.",
)
CHECK_IN_SUMMARIES = (
    "Routines are settling; {name} is getting to school on time most days.",
    "Parenting sessions are going well and mum is using the reward chart.",
    "The family missed one session this fortnight; the worker followed it up the same day.",
    "Home conditions have improved; the worker helped with a food bank referral.",
    "{name} talked about worries at home during the last session; shared with the social worker.",
)
CHECK_IN_WORRIES = (
    "",
    "",
    "A new adult is visiting the home; not yet known to us.",
    "Attendance dipped this week.",
    "Mum seemed low and said she is not sleeping.",
)
CHECK_IN_NEXT = (
    "Carry on with the plan; next check-in in two weeks.",
    "Worker to raise the attendance dip with school.",
    "Social worker to visit jointly next week.",
    "",
)


def _weekday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _at(day: date, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=LONDON)


def _lead_at(timeline: list[tuple[date, date | None, int, int | None, str]], day: date):
    """The lead allocation (start, end, team, worker, worker role) open on `day`, or None."""
    starts = [row[0] for row in timeline]
    i = bisect_right(starts, day) - 1
    while i >= 0:
        row = timeline[i]
        if row[1] is None or row[1] >= day:
            return row
        i -= 1
    return None


def _managers() -> dict[int, int]:
    """The first active team manager of each team."""
    managers: dict[int, int] = {}
    rows = Worker.objects.filter(is_active=True, role=Role.TEAM_MANAGER, team__isnull=False).order_by("pk")
    for pk, team_id in rows.values_list("pk", "team_id"):
        managers.setdefault(team_id, pk)
    return managers


def _bulk(model, rows: list, show: bool, stream, label: str) -> None:
    for i in tqdm(range(0, len(rows), BATCH_SIZE), desc=label, disable=not show, file=stream, leave=False):
        model.objects.bulk_create(rows[i : i + BATCH_SIZE], batch_size=BATCH_SIZE)


def seed(*, rng, as_of: date, show: bool, stream: TextIO | None) -> dict[str, int]:
    stream = stream or sys.stderr
    window = as_of - timedelta(days=WINDOW_DAYS)
    managers = _managers()
    open_episodes = {
        child_id: (referral, first_name)
        for child_id, referral, first_name in CINEpisode.objects.filter(referral_date__lte=as_of, referral_nfa=False)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gt=as_of))
        .order_by("child_id", "referral_date")
        .values_list("child_id", "referral_date", "child__person__first_name")
    }
    timelines: dict[int, list] = defaultdict(list)
    supervising: list[tuple[int, int, date, date | None]] = []
    roles = [AllocationRole.LEAD, AllocationRole.SUPERVISING_SOCIAL_WORKER]
    rows = (
        Allocation.objects.filter(start_date__lte=as_of, role__in=roles)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window))
        .order_by("child_id", "start_date", "pk")
        .values_list("child_id", "role", "start_date", "end_date", "team_id", "worker_id", "worker__role")
    )  # fmt: skip
    for child_id, role, start, end, team_id, worker_id, worker_role in rows:
        if role == AllocationRole.LEAD:
            timelines[child_id].append((start, end, team_id, worker_id, worker_role or ""))
        elif worker_id is not None:
            supervising.append((child_id, worker_id, start, end))

    # Plan every entry in Python first (deterministic order), then write.
    entries: list[OversightEntry] = []
    plans: list[tuple[list[tuple[str, int, date]], bool]] = []  # per entry: actions, is draft
    children = sorted(open_episodes)
    for child_id in tqdm(children, desc="Oversight", disable=not show, file=stream, leave=False):
        referral, name = open_episodes[child_id]
        timeline = timelines.get(child_id)
        if not timeline or rng.random() < P_NONE:
            continue
        day = _weekday(max(referral, window) + timedelta(days=rng.randint(5, 25)))
        stop = as_of
        if rng.random() < P_STALLED:
            stop = as_of - timedelta(days=rng.randint(35, 90))
        planned: list[tuple[date, int, int | None]] = []
        while day <= stop:
            lead = _lead_at(timeline, day)
            manager = managers.get(lead[2]) if lead else None
            if manager is not None:
                planned.append((day, manager, lead[3]))
            gap = rng.randint(35, 70) if rng.random() < P_GAP else rng.randint(21, 30)
            day = _weekday(day + timedelta(days=gap))
        for n, (on, manager, worker) in enumerate(planned):
            last = n == len(planned) - 1
            draft = last and (as_of - on).days < 10 and rng.random() < P_DRAFT
            next_date = on + timedelta(days=rng.choice((14, 21, 28, 28, 28)))
            entries.append(
                OversightEntry(
                    child_id=child_id,
                    author_id=manager,
                    direction=rng.choice(DIRECTIONS).format(name=name),
                    challenge=rng.choice(CHALLENGES).format(name=name) if rng.random() < P_CHALLENGE else "",
                    rationale=rng.choice(RATIONALES).format(name=name),
                    next_oversight_date=next_date,
                    created_at=_at(on, rng),
                )
            )
            actions = []
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                owner = worker if worker is not None and rng.random() < 0.8 else manager
                actions.append((rng.choice(ACTIONS).format(name=name), owner, on + timedelta(days=rng.randint(5, 21))))
            plans.append((actions, draft))

    _bulk(OversightEntry, entries, show, stream, "Oversight entries")
    actions: list[OversightAction] = []
    action_plans: list[tuple[OversightEntry, bool]] = []
    for entry, (specs, draft) in zip(entries, plans, strict=True):
        for description, owner, due in specs:
            actions.append(OversightAction(entry_id=entry.pk, description=description, owner_id=owner, due_date=due))
            action_plans.append((entry, draft))
    _bulk(OversightAction, actions, show, stream, "Oversight actions")
    # Sign every entry but the drafts, in one statement (signed when written).
    drafts = [entry.pk for entry, (_specs, draft) in zip(entries, plans, strict=True) if draft]
    if entries:
        first, last = min(e.pk for e in entries), max(e.pk for e in entries)
        OversightEntry.objects.filter(pk__gte=first, pk__lte=last, signed_at__isnull=True).exclude(
            pk__in=drafts
        ).update(signed_at=F("created_at"), signed_by_id=F("author_id"))

    completions: list[OversightActionCompletion] = []
    for action, (entry, draft) in zip(actions, action_plans, strict=True):
        if draft or action.due_date >= as_of or rng.random() > P_DONE:
            continue
        signed_on = entry.created_at.date()
        done = min(as_of, signed_on + timedelta(days=rng.randint(2, (action.due_date - signed_on).days + 7)))
        completions.append(
            OversightActionCompletion(
                action_id=action.pk, completed_on=done, recorded_by_id=action.owner_id, recorded_at=_at(done, rng)
            )
        )
    _bulk(OversightActionCompletion, completions, show, stream, "Oversight actions done")

    addenda: list[OversightAddendum] = []
    for entry, (_specs, draft) in zip(entries, plans, strict=True):
        if draft or rng.random() > P_ADDENDUM:
            continue
        on = entry.created_at.date() + timedelta(days=rng.randint(1, 10))
        if on <= as_of:
            addenda.append(
                OversightAddendum(
                    entry_id=entry.pk, text=rng.choice(ADDENDA), author_id=entry.author_id, created_at=_at(on, rng)
                )
            )
    _bulk(OversightAddendum, addenda, show, stream, "Oversight addenda")

    check_ins: list[CheckIn] = []
    for child_id, worker_id, start, end in supervising:
        timeline = timelines.get(child_id, [])
        name = open_episodes.get(child_id, (None, "the child"))[1]
        last = min(end or as_of, as_of)
        day = _weekday(max(start, window) + timedelta(days=rng.randint(3, 12)))
        stop = last if rng.random() > P_STALLED else last - timedelta(days=rng.randint(21, 45))
        while day <= stop:
            lead = _lead_at(timeline, day)
            fsw = lead[3] if lead and lead[4] == Role.FAMILY_SUPPORT_WORKER else None
            if fsw is not None:
                check_ins.append(
                    CheckIn(
                        child_id=child_id,
                        author_id=worker_id,
                        family_support_worker_id=fsw,
                        held_on=day,
                        summary=rng.choice(CHECK_IN_SUMMARIES).format(name=name),
                        worries=rng.choice(CHECK_IN_WORRIES),
                        next_steps=rng.choice(CHECK_IN_NEXT),
                        created_at=_at(day, rng),
                    )
                )
            gap = rng.randint(21, 42) if rng.random() < P_CHECK_IN_GAP else rng.randint(12, 16)
            day = _weekday(day + timedelta(days=gap))
    _bulk(CheckIn, check_ins, show, stream, "Check-ins")

    return {
        "oversight entries": len(entries),
        "oversight actions": len(actions),
        "oversight addenda": len(addenda),
        "check-ins": len(check_ins),
    }
