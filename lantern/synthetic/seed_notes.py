"""Synthetic case notes: a few final notes on every open child in need case, written by the
child's current lead worker since they took the case (at most the last six months), about one
in twenty marked significant with a category. Made-up phrases only; no real people or events.

Read set-based (two queries), written with `bulk_create`, deterministic from `rng`. No history
rows are written (half the time): correcting a note that has none first records its original
text (`lantern.notes.services.case_note_correct`)."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F
from tqdm import tqdm

from lantern.casework.models import CINEpisode
from lantern.notes.models import CaseNote, NoteStatus, NoteType, SignificantCategory
from lantern.workforce.models import Allocation, AllocationRole

BATCH_SIZE = 2000
LONDON = ZoneInfo("Europe/London")
NOTES_PER_CASE = (1, 5)  # inclusive range
WINDOW_DAYS = 183
SIGNIFICANT_SHARE = 0.05

# (type, title, body) with {name} for the child's first name.
ORDINARY = (
    (
        NoteType.PHONE_CALL,
        "Phone call with school",
        "Spoke with the designated safeguarding lead. {name}'s attendance is {attendance} this half term. "
        "School will call if there are any new worries.",
    ),
    (
        NoteType.PHONE_CALL,
        "Phone call with parent",
        "Called to arrange the next visit. Parent said things at home have been {mood}. Visit booked for next week.",
    ),
    (
        NoteType.PHONE_CALL,
        "Call from the health visitor",
        "Health visitor shared that the last appointment was {kept}. Agreed to share any update before the review.",
    ),
    (
        NoteType.MEETING,
        "Core group meeting",
        "Core group met to review the plan. Actions were updated; {name}'s views were shared by the worker.",
    ),
    (
        NoteType.MEETING,
        "Team around the family meeting",
        "Professionals met with the family. Progress on the plan was discussed and next steps agreed.",
    ),
    (
        NoteType.MESSAGE,
        "Email from school",
        "School emailed to say {name} has settled well in class and is {attendance} in attendance.",
    ),
    (
        NoteType.MESSAGE,
        "Text message from parent",
        "Parent texted to rearrange the visit because of a medical appointment. New date agreed.",
    ),
    (
        NoteType.OBSERVATION,
        "Observation at contact session",
        "{name} greeted their parent warmly. Play was relaxed and the session ended calmly.",
    ),
    (
        NoteType.OTHER,
        "Case summary update",
        "Case summary updated after the latest visit and the information shared by partner agencies.",
    ),
)
SIGNIFICANT = (
    (SignificantCategory.SAFEGUARDING, NoteType.PHONE_CALL, "Safeguarding concern raised by school",
     "School reported a new concern about {name} today. Strategy discussion considered with the team manager."),
    (SignificantCategory.POLICE, NoteType.PHONE_CALL, "Police called to the family home",
     "Police attended the home after a neighbour's call. No arrests. Worker to visit within two working days."),
    (SignificantCategory.HOSPITAL, NoteType.MESSAGE, "Hospital attendance",
     "{name} was seen at the emergency department after a fall and discharged the same day."),
    (SignificantCategory.MISSING, NoteType.PHONE_CALL, "Reported missing overnight",
     "{name} was reported missing and returned the next morning. Return interview offered."),
    (SignificantCategory.HOUSEHOLD, NoteType.OTHER, "Change of household",
     "{name} has moved to stay with a grandparent. Address and household members to be updated."),
    (SignificantCategory.EXCLUSION, NoteType.MESSAGE, "Fixed-term exclusion from school",
     "School confirmed a three-day exclusion. Reintegration meeting booked."),
    (SignificantCategory.COURT, NoteType.MEETING, "Family court hearing",
     "Hearing listed; the next date was set by the court. Parents were represented."),
)  # fmt: skip
ATTENDANCE = ("improving", "steady", "a worry", "good")
MOOD = ("calmer", "busy but settled", "difficult at times", "better since the last visit")
KEPT = ("kept", "missed and rebooked", "kept on time")


def _moment(rng, day: date) -> dt.datetime:
    """A working-hours time on `day`, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=LONDON)


def seed(*, rng, as_of: date, show: bool, stream) -> dict[str, int]:
    open_children = dict(
        CINEpisode.objects.filter(closure_date__isnull=True, referral_date__lte=as_of)
        .order_by("child_id", "referral_date")
        .values_list("child_id", "referral_date")
    )
    leads = (
        Allocation.objects.filter(
            end_date__isnull=True, role=AllocationRole.LEAD, worker__isnull=False, child_id__in=list(open_children)
        )
        .order_by("child_id", "pk")
        .values_list("child_id", "worker_id", "start_date", "child__person__first_name")
    )
    notes: list[CaseNote] = []
    for child_id, worker_id, start, first_name in tqdm(
        list(leads), desc="Planning case notes", unit="case", file=stream, disable=not show, mininterval=0.5
    ):
        earliest = max(open_children[child_id], start, as_of - timedelta(days=WINDOW_DAYS))
        span = (as_of - earliest).days
        if span < 0:
            continue
        for _ in range(rng.randint(*NOTES_PER_CASE)):
            occurred = earliest + timedelta(days=rng.randint(0, span))
            fill = {
                "name": first_name,
                "attendance": rng.choice(ATTENDANCE),
                "mood": rng.choice(MOOD),
                "kept": rng.choice(KEPT),
            }
            if rng.random() < SIGNIFICANT_SHARE:
                category, note_type, title, body = rng.choice(SIGNIFICANT)
            else:
                category = ""
                note_type, title, body = rng.choice(ORDINARY)
            written = min(occurred + timedelta(days=rng.choice((0, 0, 0, 1, 2))), as_of)
            note = CaseNote(
                child_id=child_id,
                author_id=worker_id,
                title=title,
                body=body.format(**fill),
                occurred_on=occurred,
                note_type=note_type,
                # Written as drafts and made final below, with their times (the database refuses
                # any other change to a final note).
                status=NoteStatus.DRAFT,
                significant=bool(category),
                significant_category=category,
                finalised_at=_moment(rng, written),
            )
            notes.append(note)
    bar = tqdm(total=len(notes), desc="Writing case notes", unit="row", file=stream, disable=not show or not notes)
    for start in range(0, len(notes), 10 * BATCH_SIZE):
        chunk = notes[start : start + 10 * BATCH_SIZE]
        CaseNote.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
        bar.update(len(chunk))
    bar.close()
    if notes:
        # created_at and updated_at were stamped with the clock on insert; a seeded note was
        # written when it was finalised.
        CaseNote.objects.filter(pk__gte=min(n.pk for n in notes)).update(
            created_at=F("finalised_at"), updated_at=F("finalised_at"), status=NoteStatus.FINAL
        )
    return {"case notes": len(notes)}
