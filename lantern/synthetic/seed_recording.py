"""Synthetic visits and direct work: for every child in need episode open in the last twelve
months (open now, or closed during the year), the lead worker of the day visits the child at
about the expected frequency - every four weeks, every two weeks on a child protection plan -
with realistic drift: most workers keep to time, some slip, a few fall well behind, so some
visits are overdue on the as-of date. School-age children are seen alone most of the time;
babies never. Now and then a visit comes with a piece of direct work with the child's own words.

Everything said or observed is drawn from short made-up phrase lists: no real people or events.

Read set-based (three queries: episodes with the child's details, child protection plans, lead
allocations), deterministic from `rng`. No history rows are written (simple_history records a
correction's earlier values when it is made).

Written with the database cursor's `executemany`, not `bulk_create`: a year of visits is about
150,000 rows for a Lancashire-sized council and 200,000 for Kent, and Django compiles a bulk
insert field by field (and, on SQLite, in statements of about 45 rows because of its 999
parameters), which measured about four times slower - over the seeder's time budget on Kent. The
rows are the model's own columns with each value adapted by the database backend
(`connection.ops`), and the models' database constraints still check every row."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Model, Q
from tqdm import tqdm

from lantern.casework.models import ChildProtectionPlan, CINEpisode
from lantern.recording.models import DirectWorkSession, DirectWorkTheme, Visit, VisitLocation, VisitType
from lantern.workforce.models import Allocation, AllocationRole

BATCH_SIZE = 2000
LONDON = ZoneInfo("Europe/London")
WINDOW_DAYS = 365
CIN_DAYS, CP_DAYS = 28, 14  # the defaults (4 weeks; 10 working days)
DIRECT_WORK_SHARE = 0.15  # of visits where a child of four or more is seen
# How reliably each child's visits keep to time: (share of children, interval as a share of the frequency).
RELIABILITY = ((0.78, (0.55, 0.95)), (0.17, (0.8, 1.3)), (0.05, (1.2, 2.2)))

OTHER_PLACES = ("Contact centre", "Family hub", "Grandparent's home", "Youth club", "Park near home")
PRESENT_HOME = ("{name} and mum", "{name}, mum and stepdad", "{name} and dad", "{name}, mum and a younger sibling",
                "{name}, mum and grandmother", "{name} and both parents")  # fmt: skip
PRESENT_SCHOOL = ("{name} and the designated safeguarding lead", "{name} and the class teacher",
                  "{name} and the school's family support worker")  # fmt: skip
PRESENT_OTHER = ("{name} and mum", "{name} and a family support worker", "{name} and grandad")
NOT_SEEN = ("No answer at the door; a card was left and a new visit booked.",
            "Mum cancelled on the day because {name} was unwell.",
            "{name} was at a friend's house; the visit was rearranged for next week.",
            "The family were out at a hospital appointment.")  # fmt: skip
CHILD_SAID = ("I like my new teacher, she's kind.", "Mum and dad were shouting again on Saturday.",
              "I want to see my dad more.", "I've got a new friend called Sam.",
              "I don't like it when Mum is sad.", "My room is my safe place.", "I had pizza for tea and it was nice.",
              "I get worried at night when it's loud downstairs.", "School is boring but I like football.",
              "Nan takes me to the park on Sundays.", "I don't want to talk about home today.",
              "I wish I could have a dog.", "It's been calmer at home.", "I miss my big brother.",
              "Sometimes I don't get breakfast.", "I'm in the football team now!")  # fmt: skip
OBSERVED = ("{name} was relaxed and chatty and showed me their drawings.",
            "The home was warm and tidy; there was food in the fridge.",
            "{name} was quiet at first and warmed up during the visit.",
            "The kitchen was cluttered and there was little food in the cupboards.",
            "{name} went to mum for comfort when upset; mum responded warmly.",
            "{name}'s bedroom had a bed, clean bedding and toys.",
            "{name} looked tired and their clothes were not clean.",
            "Mum and {name} played a board game together; both laughed.")  # fmt: skip
ANALYSIS = ("Home conditions have improved since the last visit; the plan is making a difference.",
            "Worries about neglect remain: basic care is inconsistent from week to week.",
            "{name} has a warm relationship with mum, which is a strength to build on.",
            "Conflict between the adults is still affecting {name}; this needs to be addressed in the plan.",
            "School attendance is improving and {name} seems more settled.",
            "Progress is slow; consider whether the plan is working and discuss in supervision.")  # fmt: skip
NEXT_STEPS = ("Visit again within the plan's timescale.", "Share the observations with school and the health visitor.",
              "Discuss the home conditions at the next core group.", "Arrange direct work on worries at home.",
              "Refer mum to the family support service.",
              "Raise the lack of progress with the team manager.")  # fmt: skip
METHODS = ("Three houses", "Wishes and feelings worksheet", "Life story book", "Drawing and talking",
           "Bears (strengths and worries cards)", "Words and pictures", "Safety map", "Feelings faces")  # fmt: skip
REFLECTION = ("{name}'s words show they notice the arguments; the plan must keep their worries in view.",
              "{name} enjoyed the session and named their nan as a safe adult.",
              "{name} found it hard to talk about home; another session at school may help.",
              "{name} was clear about what they want; share this with the family at the review.")  # fmt: skip
THEMES = [t for t in DirectWorkTheme.values if t != DirectWorkTheme.OTHER]
AT, SEEN = 2, 9  # positions in VISIT_COLUMNS


def _age(dob: date | None, day: date) -> int | None:
    if dob is None or dob > day:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _weekday(day: date) -> date:
    """Visits happen on weekdays: a Saturday moves to Friday, a Sunday to Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _moment(rng, day: date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=LONDON)


def _reliability(rng) -> tuple[float, float]:
    roll, total = rng.random(), 0.0
    for share, band in RELIABILITY:
        total += share
        if roll < total:
            return band
    return RELIABILITY[-1][1]


class _Holders:
    """The lead worker holding a child on a day."""

    def __init__(self, rows):
        self.by_child: dict[int, list[tuple[date, date | None, int]]] = defaultdict(list)
        for child_id, worker_id, start, end in rows:
            self.by_child[child_id].append((start, end, worker_id))
        self.starts = {c: [a[0] for a in allocs] for c, allocs in self.by_child.items()}

    def at(self, child_id: int, day: date) -> int | None:
        allocs = self.by_child.get(child_id, ())
        i = bisect.bisect_right(self.starts.get(child_id, ()), day)
        for start, end, worker in reversed(allocs[:i]):
            if start <= day and (end is None or end >= day):
                return worker
        return None


def seed(*, rng, as_of: date, show: bool, stream) -> dict[str, int]:
    since = as_of - timedelta(days=WINDOW_DAYS)
    episodes_qs = CINEpisode.objects.filter(referral_nfa=False, referral_date__lte=as_of).filter(
        Q(closure_date__isnull=True) | Q(closure_date__gte=since)
    )
    episodes = list(
        episodes_qs.order_by("child_id", "referral_date", "pk").values_list(
            "child_id",
            "referral_date",
            "closure_date",
            "child__person__date_of_birth",
            "child__person__first_name",
        )
    )
    children = episodes_qs.values("child_id")
    plans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for child_id, start, end in (
        ChildProtectionPlan.objects.filter(child_id__in=children, start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .order_by("child_id", "start_date", "pk")
        .values_list("child_id", "start_date", "end_date")
    ):
        plans[child_id].append((start, end))
    holders = _Holders(
        Allocation.objects.filter(
            child_id__in=children, role=AllocationRole.LEAD, worker__isnull=False, start_date__lte=as_of
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .order_by("child_id", "start_date", "pk")
        .values_list("child_id", "worker_id", "start_date", "end_date")
    )

    visits: list[tuple] = []  # values in VISIT_COLUMNS order
    sessions: list[tuple] = []  # values in SESSION_COLUMNS order
    for child_id, referral, closure, dob, name in tqdm(
        episodes, desc="Planning visits", unit="episode", file=stream, disable=not show, mininterval=0.5
    ):
        end = min(closure or as_of, as_of - timedelta(days=1))  # nothing later today than the clock
        low, high = _reliability(rng)
        # The first visit: within a week of the referral, or somewhere in the first period if the
        # episode began before the year.
        day = (
            referral + timedelta(days=rng.randint(1, 7))
            if referral >= since
            else since + timedelta(days=rng.randint(0, CIN_DAYS - 1))
        )
        while True:
            day = _weekday(day)
            if day > end:
                break
            on_cp = any(s <= day and (e is None or e > day) for s, e in plans.get(child_id, ()))
            worker = holders.at(child_id, day)
            age = _age(dob, day)
            if worker is not None and age is not None:
                visit = _visit(rng, child_id, worker, day, age, name, on_cp)
                visits.append(visit)
                if visit[SEEN] and age >= 4 and rng.random() < DIRECT_WORK_SHARE:
                    sessions.append(_session(rng, child_id, worker, day, name, visit[AT]))
            frequency = CP_DAYS if on_cp else CIN_DAYS
            day = day + timedelta(days=max(3, round(frequency * rng.uniform(low, high))))

    bar = tqdm(total=len(visits) + len(sessions), desc="Writing visits", unit="row", file=stream, disable=not show)
    for model, columns, rows in ((Visit, VISIT_COLUMNS, visits), (DirectWorkSession, SESSION_COLUMNS, sessions)):
        _insert(model, columns, rows, bar)
    bar.close()
    return {"visits": len(visits), "direct work sessions": len(sessions)}


VISIT_COLUMNS = (
    "child_id", "author_id", "visited_at", "visited_on", "ended_at", "visit_type", "location", "location_detail",
    "present", "child_seen", "not_seen_reason", "seen_alone", "bedroom_seen", "child_said", "observations",
    "analysis", "next_steps", "created_at", "updated_at",
)  # fmt: skip
SESSION_COLUMNS = (
    "child_id", "author_id", "session_date", "method", "themes", "theme_other", "child_words", "reflection",
    "created_at", "updated_at",
)  # fmt: skip


def _insert(model: type[Model], columns: tuple[str, ...], rows: list[tuple], bar) -> None:
    """INSERT the rows (values in `columns` order) with executemany, each value adapted by the
    backend the way the field would be."""
    meta = model._meta
    fields = [meta.get_field(name.removesuffix("_id")) for name in columns]
    ops = connection.ops
    adapters = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "JSONField":
            adapters.append(lambda value, field=field: field.get_db_prep_save(value, connection))
        else:
            adapters.append(None)
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10 * BATCH_SIZE):
            chunk = rows[start : start + 10 * BATCH_SIZE]
            cursor.executemany(
                sql,
                [
                    [value if adapt is None else adapt(value) for adapt, value in zip(adapters, row, strict=True)]
                    for row in chunk
                ],
            )
            bar.update(len(chunk))


def _visit(rng, child_id: int, worker: int, day: date, age: int, name: str, on_cp: bool) -> tuple:
    statutory = VisitType.CP_STATUTORY if on_cp else VisitType.CIN_STATUTORY
    visit_type = statutory if rng.random() < 0.88 else VisitType.OTHER
    roll = rng.random()
    if age >= 5 and roll < 0.2:
        location, detail, present = VisitLocation.SCHOOL, "", rng.choice(PRESENT_SCHOOL)
    elif roll > 0.93:
        location, detail, present = VisitLocation.OTHER, rng.choice(OTHER_PLACES), rng.choice(PRESENT_OTHER)
    else:
        location, detail, present = VisitLocation.HOME, "", rng.choice(PRESENT_HOME)
    seen = rng.random() < 0.93
    if not seen or age < 3:
        alone = False
    elif age < 5:
        alone = rng.random() < 0.25
    else:
        alone = location == VisitLocation.SCHOOL or rng.random() < 0.8
    said = rng.choice(CHILD_SAID) if seen and age >= 4 and rng.random() < 0.75 else ""
    at = _moment(rng, day)
    written = at + timedelta(hours=rng.choice((2, 4, 20, 26)))
    fill = {"name": name}
    return (
        child_id,
        worker,
        at,
        day,
        at + timedelta(minutes=rng.choice((30, 45, 60, 75, 90))),
        visit_type,
        location,
        detail,
        present.format(**fill),
        seen,
        "" if seen else rng.choice(NOT_SEEN).format(**fill),
        alone,
        (rng.random() < 0.7) if location == VisitLocation.HOME and seen else None,
        said,
        rng.choice(OBSERVED).format(**fill) if seen else "The child was not seen.",
        rng.choice(ANALYSIS).format(**fill),
        rng.choice(NEXT_STEPS),
        written,
        written,
    )


def _session(rng, child_id: int, worker: int, day: date, name: str, at: dt.datetime) -> tuple:
    themes = sorted(rng.sample(THEMES, rng.randint(1, 3)), key=THEMES.index)
    written = at + timedelta(hours=3)
    return (
        child_id,
        worker,
        day,
        rng.choice(METHODS),
        themes,
        "",
        rng.choice(CHILD_SAID),
        rng.choice(REFLECTION).format(name=name),
        written,
        written,
    )
