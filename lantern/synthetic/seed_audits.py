"""Synthetic case audits (L1): a few dozen audits over the last year, by the council's quality
auditors (and now and then a team manager), of children whose child in need episode was open at
the time; about one in five moderated by a second auditor who mostly agrees; actions from the
weaker audits, owned by the child's worker, most done on time, some late and a few overdue; and
a fresh sample of draft audits waiting for the auditors.

The grades tell the letter's story: quality improves over the year, and chronology, management
oversight and supervision are the weakest themes. Made-up phrases only; no real people or events.
Read set-based (a handful of queries), written with `bulk_create`, deterministic from `rng`. The
database refuses grades added to a submitted audit, so audits are written as drafts with their
grades and answers, then submitted in one UPDATE (the same for moderations).
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from django.db.models import Case, DateTimeField, Q, Value, When
from tqdm import tqdm

from lantern.audits.models import (
    BELOW_GOOD,
    Answer,
    Audit,
    AuditAction,
    AuditAnswer,
    AuditQuestion,
    AuditSample,
    AuditSampleChild,
    AuditSectionGrade,
    AuditStatus,
    Grade,
    Moderation,
    ModerationGrade,
    SampleKind,
    Theme,
)
from lantern.audits.services import default_template
from lantern.audits.themes import THEME_STANDARDS
from lantern.casework.models import CINEpisode
from lantern.insight.models import Alert
from lantern.insight.standards import add_months
from lantern.workforce.models import Allocation, AllocationRole, Role, Worker

BATCH_SIZE = 1000
LONDON = ZoneInfo("Europe/London")
YEAR = 365
MIN_AUDITS, MAX_AUDITS = 36, 120
CHILDREN_PER_AUDIT = 30  # one audit a year for about every 30 children on an open CIN episode
P_MODERATED = 0.2
P_AGREE = 0.75  # a moderator gives the same grade for a section
P_MANAGER = 0.15  # a team manager audits a case in their own team
P_FLAGGED = 0.4  # an audit of a child with a practice alert open (if any)
P_DONE = 0.85  # an action that has fallen due was done
P_LATE = 0.2  # ... but after its due date
DRAFTS = 4

GRADES = list(Grade.values)  # best first
#: How much weaker than the case overall each theme tends to be (0 = as good; 1 = a grade lower).
THEME_WEAKNESS = {
    Theme.ASSESSMENT: 0.3,
    Theme.PLAN: 0.2,
    Theme.VOICE: 0.1,
    Theme.OVERSIGHT: 0.7,
    Theme.SUPERVISION: 0.6,
    Theme.CHRONOLOGY: 0.8,
    Theme.OUTCOMES: 0.3,
}

WEAK = {
    Theme.ASSESSMENT: (
        "The assessment is out of date: circumstances have changed since it was authorised.",
        "The assessment describes the adults but not {name}'s lived experience.",
        "History is missing from the assessment; earlier referrals are not analysed.",
    ),
    Theme.PLAN: (
        "Outcomes are not specific and have no timescales.",
        "No contingency plan is recorded.",
        "The plan covers the family but not {name}'s own needs.",
    ),
    Theme.VOICE: (
        "{name} has not been seen alone for several months.",
        "Direct work is superficial; {name}'s views are not in their own words.",
        "{name}'s wishes and feelings are not recorded.",
    ),
    Theme.OVERSIGHT: (
        "Management oversight is not recorded for over two months.",
        "Oversight gives direction but no rationale and no challenge.",
        "Actions from oversight were not followed up.",
    ),
    Theme.SUPERVISION: (
        "The case has not been discussed in supervision since allocation.",
        "Supervision records decisions without reflection or rationale.",
    ),
    Theme.CHRONOLOGY: (
        "The chronology is incomplete: significant events are missing.",
        "The chronology has not been updated for several months.",
        "The chronology lists events but not their impact on {name}.",
    ),
    Theme.OUTCOMES: (
        "Drift: no evidence of progress against the plan's outcomes.",
        "Neglect persists without escalation to child protection.",
        "Little change for {name} since the plan began.",
    ),
}
STRONG = {
    Theme.ASSESSMENT: (
        "A thorough, current assessment with clear analysis.",
        "{name}'s identity and history are well described.",
    ),
    Theme.PLAN: ("Outcomes are specific and measurable, with owners and dates.", "A clear contingency plan."),
    Theme.VOICE: ("{name} is seen alone regularly and their words shape the plan.", "Purposeful direct work."),
    Theme.OVERSIGHT: (
        "Regular oversight with direction, challenge and rationale.",
        "Oversight actions completed on time.",
    ),
    Theme.SUPERVISION: ("Reflective supervision with clear decisions.", "The case is discussed in every supervision."),
    Theme.CHRONOLOGY: ("The chronology is complete and up to date.", "Significant events and their impact are clear."),
    Theme.OUTCOMES: ("Clear progress for {name} against the plan's outcomes.", "Things are better for {name}."),
}
SUMMARIES = {
    Grade.OUTSTANDING: "An exemplary case: {name} is at the centre of the work and things have changed for them.",
    Grade.GOOD: "A well held case with purposeful work; some recording could be sharper.",
    Grade.REQUIRES_IMPROVEMENT: "The work is well meant but drifting: the plan and oversight need to be sharper.",
    Grade.INADEQUATE: "Serious gaps: {name}'s experience is not understood and risks are not addressed.",
}
ACTIONS = {
    Theme.ASSESSMENT: "Update the assessment to reflect the changes in the family.",
    Theme.PLAN: "Rewrite the plan's outcomes with measures, dates and a contingency.",
    Theme.VOICE: "See {name} alone and record their views in their own words.",
    Theme.OVERSIGHT: "Record management oversight with direction, challenge and rationale.",
    Theme.SUPERVISION: "Discuss {name} in the worker's next supervision and record the reflection.",
    Theme.CHRONOLOGY: "Bring the chronology up to date, with the impact of each significant event.",
    Theme.OUTCOMES: "Hold a review to test progress and decide whether to escalate.",
}
DONE_NOTES = (
    "Done and recorded on the file.",
    "Completed; discussed with the manager in supervision.",
    "Done: the plan was reviewed with the family and partners.",
)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _at(day: date, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=LONDON)


def _grade(score: float) -> str:
    return GRADES[min(max(round(score), 0), 3)]


def _shift(grade: str, rng) -> str:
    """A moderator's grade for the same thing: usually the same, otherwise one step away."""
    if rng.random() < P_AGREE:
        return grade
    i = GRADES.index(grade) + rng.choice((-1, 1, 1))  # moderators are a little more often harsher
    return GRADES[min(max(i, 0), 3)]


def _lead_at(timeline: list[tuple[date, date | None, int, int | None]], day: date):
    starts = [row[0] for row in timeline]
    i = bisect_right(starts, day) - 1
    while i >= 0:
        row = timeline[i]
        if row[1] is None or row[1] >= day:
            return row
        i -= 1
    return None


def _bulk(model, rows: list) -> None:
    for i in range(0, len(rows), BATCH_SIZE):
        model.objects.bulk_create(rows[i : i + BATCH_SIZE], batch_size=BATCH_SIZE)


def _submit(model, moments: dict[int, datetime], **extra) -> None:
    """Set `submitted_at` (and `extra`) on drafts in one UPDATE."""
    if not moments:
        return
    when = Case(*[When(pk=pk, then=Value(at)) for pk, at in moments.items()], output_field=DateTimeField())
    model.objects.filter(pk__in=list(moments)).update(submitted_at=when, **extra)


def seed(*, rng, as_of: date, show: bool, stream: TextIO | None) -> dict[str, int]:
    stream = stream or sys.stderr
    start = as_of - timedelta(days=YEAR)
    auditors = list(
        Worker.objects.filter(is_active=True, role=Role.QUALITY_AUDITOR).order_by("pk").values_list("pk", flat=True)
    )
    leaders = list(
        Worker.objects.filter(is_active=True, role=Role.SENIOR_LEADER).order_by("pk").values_list("pk", flat=True)
    )
    if not auditors:
        return {"case audits": 0}
    managers: dict[int, int] = {}
    for pk, team_id in (
        Worker.objects.filter(is_active=True, role=Role.TEAM_MANAGER, team__isnull=False)
        .order_by("pk")
        .values_list("pk", "team_id")
    ):
        managers.setdefault(team_id, pk)
    episodes = list(
        CINEpisode.objects.filter(referral_date__lte=as_of - timedelta(days=28), referral_nfa=False)
        .filter(Q(closure_date__isnull=True) | Q(closure_date__gte=start))
        .order_by("pk")
        .values_list("child_id", "referral_date", "closure_date", "child__person__first_name", "child__restricted")
    )
    open_now = sum(1 for e in episodes if e[2] is None)
    wanted = min(max(open_now // CHILDREN_PER_AUDIT, MIN_AUDITS), MAX_AUDITS)

    # Choose (child, day) pairs: an episode at random, a weekday while it was open in the last year.
    # Some recent audits are of children the practice standards had already flagged, as the
    # letter found: auditors picked up what routine oversight should have seen first.
    flagged: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for child_id, standard, since in (
        Alert.objects.filter(cleared_at__isnull=True, child__isnull=False)
        .order_by("pk")
        .values_list("child_id", "standard", "since")
    ):
        flagged[child_id].append((standard, since))
    by_child = {e[0]: e for e in episodes}
    flagged_episodes = [by_child[c] for c in sorted(flagged) if c in by_child]
    chosen: list[tuple[int, date, str]] = []
    seen: set[int] = set()
    for _ in range(wanted * 20):
        if len(chosen) >= wanted or not episodes:
            break
        alerted = flagged_episodes and rng.random() < P_FLAGGED
        child_id, referral, closure, name, restricted = rng.choice(flagged_episodes if alerted else episodes)
        if child_id in seen or restricted:
            continue
        first = max(referral + timedelta(days=28), start)
        if alerted:
            first = max(first, min(since for _, since in flagged[child_id]) + timedelta(days=1))
        last = min(closure or as_of, as_of - timedelta(days=3))
        if first > last:
            continue
        day = _weekday(first + timedelta(days=rng.randint(0, (last - first).days)))
        if day < first:
            continue
        seen.add(child_id)
        chosen.append((child_id, day, name))
    chosen.sort(key=lambda row: (row[1], row[0]))

    # And a few children on an open episode for a fresh sample of drafts (chosen now, so one
    # read of the allocations serves both).
    long_ago = add_months(as_of, -9)
    candidates = [e for e in episodes if e[2] is None and not e[4] and e[0] not in seen and e[1] <= long_ago]
    picked = sorted({e[0] for e in rng.sample(candidates, min(DRAFTS, len(candidates)))})

    timelines: dict[int, list] = defaultdict(list)
    for child_id, begun, ended, team_id, worker_id in (
        Allocation.objects.filter(child_id__in=[*seen, *picked], role=AllocationRole.LEAD)
        .order_by("child_id", "start_date", "pk")
        .values_list("child_id", "start_date", "end_date", "team_id", "worker_id")
    ):
        timelines[child_id].append((begun, ended, team_id, worker_id))

    template = default_template()
    sections = list(template.sections.order_by("order", "pk").values_list("pk", "theme"))
    questions: dict[int, list[int]] = defaultdict(list)
    for pk, section_id in (
        AuditQuestion.objects.filter(section__template=template).order_by("order", "pk").values_list("pk", "section_id")
    ):
        questions[section_id].append(pk)

    theme_of_standard = {key: theme for theme, keys in THEME_STANDARDS.items() for key in keys}
    audits: list[Audit] = []
    plans: list[dict] = []
    for child_id, day, name in tqdm(chosen, desc="Case audits", disable=not show, file=stream, leave=False):
        lead = _lead_at(timelines.get(child_id, []), day)
        team_id = lead[2] if lead else None
        worker_id = lead[3] if lead else None
        auditor = rng.choice(auditors)
        if team_id in managers and rng.random() < P_MANAGER:
            auditor = managers[team_id]
        # Quality improves through the year: from about "requires improvement" to about "good".
        progress = (day - start).days / YEAR
        case_score = rng.gauss(1.6 - 0.8 * progress, 0.6)
        # A theme the standards had flagged before the audit is usually weak in the audit too.
        weak_themes = {theme_of_standard.get(std) for std, since in flagged.get(child_id, []) if since < day}
        grades = {}
        for section_id, theme in sections:
            score = case_score + THEME_WEAKNESS.get(theme, 0) + rng.gauss(0, 0.5)
            if theme in weak_themes and rng.random() < 0.7:
                score += 1
            grades[section_id] = _grade(score)
        overall = _grade(sum(GRADES.index(g) for g in grades.values()) / len(grades) + 0.25)
        submitted = _at(day, rng)
        audits.append(
            Audit(
                child_id=child_id,
                template=template,
                auditor_id=auditor,
                created_by_id=auditor,
                worker_id=worker_id,
                team_id=team_id,
                status=AuditStatus.DRAFT,
                overall_grade=overall,
                summary=SUMMARIES[overall].format(name=name),
                created_at=submitted - timedelta(days=rng.randint(1, 6)),
            )
        )
        plans.append({"day": day, "at": submitted, "grades": grades, "name": name, "worker": worker_id})
    _bulk(Audit, audits)

    grade_rows, answer_rows = [], []
    for audit, plan in zip(audits, plans, strict=True):
        for section_id, theme in sections:
            grade = plan["grades"][section_id]
            bank = WEAK if grade in BELOW_GOOD else STRONG
            findings = rng.choice(bank[theme]).format(name=plan["name"]) if theme in bank else ""
            grade_rows.append(
                AuditSectionGrade(audit_id=audit.pk, section_id=section_id, grade=grade, findings=findings)
            )
            level = GRADES.index(grade)
            for question_id in questions[section_id]:
                answer = rng.choice(
                    ((Answer.YES, Answer.YES, Answer.PARTLY), (Answer.YES, Answer.PARTLY), (Answer.PARTLY, Answer.NO),
                     (Answer.NO, Answer.NO, Answer.PARTLY))[level]
                )  # fmt: skip
                answer_rows.append(AuditAnswer(audit_id=audit.pk, question_id=question_id, answer=answer))
    _bulk(AuditSectionGrade, grade_rows)
    _bulk(AuditAnswer, answer_rows)
    _submit(Audit, {a.pk: p["at"] for a, p in zip(audits, plans, strict=True)}, status=AuditStatus.SUBMITTED)

    # Moderation: one in five, by another auditor (or a senior leader), within two weeks.
    moderations: list[Moderation] = []
    moderation_grades: list[tuple[int, dict[int, str]]] = []
    moments: list[datetime] = []
    pairs = [(a, p) for a, p in zip(audits, plans, strict=True) if p["day"] <= as_of - timedelta(days=16)]
    for audit, plan in rng.sample(pairs, min(len(pairs), round(len(audits) * P_MODERATED))):
        others = [pk for pk in auditors + leaders if pk != audit.auditor_id]
        if not others:
            continue
        asked = plan["at"] + timedelta(days=rng.randint(1, 5))
        done = asked + timedelta(days=rng.randint(1, 10))
        mine = {section_id: _shift(grade, rng) for section_id, grade in plan["grades"].items()}
        moderations.append(
            Moderation(
                audit_id=audit.pk,
                moderator_id=rng.choice(others),
                assigned_by_id=audit.auditor_id,
                overall_grade=_shift(audit.overall_grade, rng),
                created_at=asked,
            )
        )
        moderation_grades.append((len(moderations) - 1, mine))
        moments.append(done)
    _bulk(Moderation, moderations)
    _bulk(
        ModerationGrade,
        [
            ModerationGrade(moderation_id=moderations[i].pk, section_id=section_id, grade=grade)
            for i, mine in moderation_grades
            for section_id, grade in mine.items()
        ],
    )
    _submit(Moderation, {m.pk: at for m, at in zip(moderations, moments, strict=True)})

    # Actions from the weaker sections: owned by the child's worker, most done on time.
    actions: list[AuditAction] = []
    theme_of = dict(sections)
    for audit, plan in zip(audits, plans, strict=True):
        weak = [s for s, g in plan["grades"].items() if g in BELOW_GOOD and theme_of[s] in ACTIONS]
        owner = plan["worker"] or audit.auditor_id
        for section_id in rng.sample(weak, min(len(weak), rng.choice((1, 1, 2)))):
            due = plan["day"] + timedelta(days=rng.randint(14, 42))
            action = AuditAction(
                audit_id=audit.pk,
                description=ACTIONS[theme_of[section_id]].format(name=plan["name"]),
                owner_id=owner,
                due_date=due,
                created_by_id=audit.auditor_id,
                created_at=plan["at"],
            )
            if due < as_of and rng.random() < P_DONE:
                late = rng.random() < P_LATE
                done_on = due + timedelta(days=rng.randint(1, 20)) if late else due - timedelta(days=rng.randint(0, 10))
                done_on = min(max(done_on, plan["day"]), as_of)
                action.completed_on = done_on
                action.completion_note = rng.choice(DONE_NOTES)
                action.completed_by_id = owner
                action.completed_at = _at(done_on, rng)
            actions.append(action)
    _bulk(AuditAction, actions)

    # A fresh sample: draft audits of children on an open episode, waiting for the auditors.
    drafts = []
    if picked:
        sample = AuditSample.objects.create(
            kind=SampleKind.THEMED,
            parameters={"theme": "cin_long", "months": 9, "size": len(picked), "seed": rng.randint(1, 10**6)},
            description=f"Open child in need episodes longer than 9 months: {len(picked)} children",
            created_by_id=auditors[0],
            created_at=_at(_weekday(as_of - timedelta(days=2)), rng),
        )
        AuditSampleChild.objects.bulk_create(AuditSampleChild(sample=sample, child_id=c) for c in picked)
        for i, child_id in enumerate(picked):
            lead = _lead_at(timelines.get(child_id, []), as_of)
            drafts.append(
                Audit(
                    child_id=child_id,
                    template=template,
                    auditor_id=auditors[i % len(auditors)],
                    created_by_id=auditors[0],
                    sample=sample,
                    worker_id=lead[3] if lead else None,
                    team_id=lead[2] if lead else None,
                    created_at=sample.created_at,
                )
            )
        _bulk(Audit, drafts)
        _bulk(AuditSectionGrade, [AuditSectionGrade(audit_id=a.pk, section_id=s) for a in drafts for s, _ in sections])
        _bulk(
            AuditAnswer,
            [AuditAnswer(audit_id=a.pk, question_id=q) for a in drafts for qs in questions.values() for q in qs],
        )

    return {
        "case audits": len(audits),
        "case audits in progress": len(drafts),
        "audit moderations": len(moderations),
        "audit actions": len(actions),
    }
