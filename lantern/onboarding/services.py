"""Onboarding a council's records from the CSV templates (schema.py): a dry run, then a load.

    report = onboarding_check(folder)               # every problem, by file and line; saves nothing
    result = onboarding_load(folder, by=worker)     # checks again, then loads in one transaction

Both read the set of files in `folder` (teams.csv, staff.csv, children.csv ...: schema.TEMPLATES),
a row at a time: the first pass checks every row and keeps only keys and a few dates per child
(so memory grows with the number of children, not with the size of the files); the load reads
the files again and writes in batches. Either every row is loaded or none is.

Rules, beyond each column's own (schema.py):

- references resolve: a team or worker named in a row is in teams.csv/staff.csv or already in
  Lantern; a child named in any file is in children.csv; a person_ref is a child or a relative;
  a household is in addresses.csv; a plan's outcome names a child on that plan.
- nothing is there twice: a key (schema.Template.key) appears once in its file; a username
  already in Lantern is refused; a child has one open episode, one lead allocation, one current
  plan, counting what Lantern already holds.
- dates fit the child's life: not before their date of birth, not after their death, not in
  the future.
- a new child's identity passes the same rules as the new-child form
  (lantern.people.services.child_identity_errors); identifiers pass lantern.core.identifiers.
- a child Lantern already holds (a census import's "Name not recorded" shell) is matched by LA
  child ID and filled in: a value Lantern holds that differs from the file's is a problem, and
  nothing Lantern holds is overwritten.
- staff are created with an unusable password: they set one from an administrator's
  set-password link, or sign in with single sign-on.
- every created row has a history record naming the person who loaded it; the load is logged.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lantern.administration.models import AdminEvent, AdminEventKind, StaffAssignment
from lantern.administration.services import staff_placement_errors
from lantern.casework.models import CINEpisode, CINPlan, CINPlanChild, PlanOutcome, WorkStatus
from lantern.core import codes, dates, identifiers
from lantern.notes.models import CaseNote, NoteStatus
from lantern.onboarding import schema
from lantern.onboarding.reader import Problems, Row, read
from lantern.people.models import (
    Address,
    Child,
    ChildDisability,
    Household,
    HouseholdMember,
    Person,
    Relationship,
)
from lantern.people.services import child_identity_errors
from lantern.workforce.models import (
    CASE_HOLDING_ROLES,
    Allocation,
    AllocationReason,
    AllocationRole,
    Role,
    Service,
    Team,
    Worker,
)

logger = logging.getLogger("lantern.onboarding")

BATCH = 1000
#: The change reason in the history of a row onboarding filled in.
FILLED = "Onboarding: filled in"
#: A child Lantern holds with this first name was created by a census import and has no name yet.
SHELL_FIRST_NAME = "Name not recorded"

#: progress(done, total, what): rows loaded so far out of all rows in the set.
Progress = Callable[[int, int, str], None]


class OnboardingRefused(Exception):
    """The files were refused; `problems` says where and why. Nothing was saved."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__(f"The files were refused ({len(problems)} problem{'s' if len(problems) != 1 else ''})")


@dataclass
class Report:
    """What a dry run found."""

    files: dict[str, int] = field(default_factory=dict)  # filename -> rows
    problems: Problems = field(default_factory=Problems)
    new_children: int = 0
    filled_children: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(self.files.values())


@dataclass
class Result:
    report: Report
    created: dict[str, int] = field(default_factory=dict)
    filled: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        made = ", ".join(f"{n:,} {label}" for label, n in self.created.items() if n) or "nothing new"
        filled = ", ".join(f"{n:,} {label}" for label, n in self.filled.items() if n)
        return f"Added {made}." + (f" Filled in {filled}." if filled else "")


@dataclass
class _Life:
    """What the checks need to know about a child in children.csv."""

    line: int
    dob: date | None
    edd: date | None
    dod: date | None
    first_name: str = ""

    @property
    def stand_in(self) -> Child:
        """An unsaved child with these dates, for lantern.core.dates (which says what a date may be)."""
        return Child(person=Person(first_name=self.first_name, date_of_birth=self.dob,
                                   expected_date_of_birth=self.edd))  # fmt: skip


def _chunks(values: list, size: int = 2000) -> Iterable[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def files_in(folder: Path) -> dict[str, Path]:
    """The template files present in the folder, by template name."""
    return {t.name: folder / t.filename for t in schema.TEMPLATES if (folder / t.filename).is_file()}


# ---------------------------------------------------------------------------------------------
# The dry run
# ---------------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.report = Report()
        self.problems = self.report.problems
        self.today = timezone.localdate()
        self.team_db = {t.name.casefold(): t for t in Team.objects.all()}
        self.workers_db = dict(Worker.objects.values_list("username", "role"))
        self.usernames_db = {u.casefold() for u in self.workers_db}
        self.team_file: set[str] = set()
        self.team_names: dict[str, int] = {}  # casefolded name -> line
        self.staff_file: dict[str, str] = {}
        self.children: dict[str, _Life] = {}
        self.existing: dict[str, int] = {}  # la_child_id -> pk, for children Lantern holds
        self.relatives: set[str] = set()
        self.households: set[str] = set()
        self.open_episode: dict[str, date | None] = {}  # from the file
        self.db_open_episode: dict[str, date] = {}
        self.db_lead: set[str] = set()
        self.db_current_plan: set[str] = set()
        self.plans: dict[str, tuple[str, date | None, int]] = {}
        self.plan_children: set[tuple[str, str]] = set()

    # -- helpers --

    def stopped(self, *names: str) -> bool:
        """Was one of these files unreadable? (Then references to it are not reported as unknown.)"""
        return any(f"{name}.csv" in self.problems.stopped for name in names)

    def add(self, template: schema.Template, line: int, message: str) -> None:
        self.problems.add(template, line, message)

    def rows(self, template: schema.Template) -> Iterable[Row]:
        path = self.folder / template.filename
        count = 0
        keys: dict[tuple, int] = {}
        for row in read(template, path, self.problems):
            count += 1
            if template.key and row.values:
                key = tuple(row[k] for k in template.key)
                if all(v not in (None, "") for v in key[:1]):
                    first = keys.get(key)
                    if first is not None:
                        what = ", ".join(f"{k} '{v}'" for k, v in zip(template.key, key, strict=True) if v)
                        self.add(template, row.line, f"{what} is already on line {first}: each appears once")
                        continue
                    keys[key] = row.line
            yield row
        self.report.files[template.filename] = count

    def team(self, template, row: Row, column: str = "team") -> None:
        name = row[column]
        if name and name not in self.team_file and name.casefold() not in self.team_db and not self.stopped("teams"):
            self.add(template, row.line, f"team '{name}' is not in teams.csv or in Lantern")

    def worker(self, template, row: Row, column: str) -> None:
        username = row[column]
        if (
            username
            and username not in self.staff_file
            and username not in self.workers_db
            and not self.stopped("staff")
        ):
            self.add(template, row.line, f"{column} '{username}' is not in staff.csv or in Lantern")

    def child(self, template, row: Row) -> _Life | None:
        la_child_id = row["la_child_id"]
        if not la_child_id:
            return None
        life = self.children.get(la_child_id)
        if life is None and not self.stopped("children"):
            self.add(template, row.line, f"LA child ID '{la_child_id}' is not in children.csv")
        return life

    def in_life(self, template, row: Row, life: _Life | None, column: str, *, kind: str = dates.ABOUT_CHILD,
                after: dates.Floor | None = None) -> None:  # fmt: skip
        """The rules every form and service applies to the date something happened
        (lantern.core.dates: not in the future, not before the child's birth, or for work about
        them a pregnancy before it, not before the referral), and not after the child's death."""
        day = row[column]
        if day is None:
            return
        problem = dates.happened_problem(day, label=f"'{column}'", child=life.stand_in if life else None, kind=kind,
                                         after=after, today=self.today)  # fmt: skip
        if problem:
            self.add(template, row.line, problem)
        elif life is not None and life.dod and day > life.dod:
            who = row["la_child_id"] or row["person_ref"]
            self.add(template, row.line, f"'{column}' must be on or before {dates.long_date(life.dod)}, {who}'s "
                                         "date of death")  # fmt: skip

    def planned(self, template, row: Row, column: str, *, after: str = "") -> None:
        """A planned date (a review, a target): lantern.core.dates.planned_problem."""
        floor = dates.Floor(row[after], f"the '{after}'") if after and row[after] else None
        problem = dates.planned_problem(row[column], label=f"'{column}'", not_before=floor, today=self.today)
        if problem:
            self.add(template, row.line, problem)

    def dates_in_order(self, template, row: Row, start: str, end: str) -> None:
        if row[start] and row[end] and row[end] < row[start]:
            self.add(template, row.line, f"'{end}' is before '{start}'")

    # -- the files --

    def run(self) -> Report:
        present = files_in(self.folder)
        for path in sorted(self.folder.iterdir()) if self.folder.is_dir() else []:
            if path.is_file() and path.name not in schema.FILENAMES and not path.name.startswith("."):
                self.problems.add(path.name, 0, "this is not one of the onboarding templates (their names are: "
                                                f"{', '.join(schema.FILENAMES)})")  # fmt: skip
        for template in schema.TEMPLATES:
            if template.name not in present:
                if template.required:
                    self.problems.add(template, 0, "the set has no such file: it is required")
                    self.problems.stopped.add(template.filename)
                continue
            getattr(self, f"check_{template.name}")(schema.BY_NAME[template.name])
        return self.report

    def check_teams(self, t) -> None:
        for row in self.rows(t):
            name = row["team"]
            if not name:
                continue
            held = self.team_db.get(name.casefold())
            if held is not None and held.name != name:
                self.add(t, row.line, f"team '{name}' is in Lantern as '{held.name}': use the same name")
            elif name.casefold() in self.team_names:
                self.add(t, row.line, f"team '{name}' is already on line {self.team_names[name.casefold()]}")
            self.team_names[name.casefold()] = row.line
            self.team_file.add(name)

    def check_staff(self, t) -> None:
        seen: set[str] = set()
        for row in self.rows(t):
            username = row["username"]
            if not username:
                continue
            if username.casefold() in self.usernames_db:
                self.add(t, row.line, f"username '{username}' is already in Lantern")
            elif username.casefold() in seen and username not in self.staff_file:
                self.add(t, row.line, f"username '{username}' is already in this file (in other capitals)")
            seen.add(username.casefold())
            self.staff_file[username] = row["role"] or ""
            self.team(t, row)
            if row["role"] and row.ok:
                # The rules the staff forms apply (lantern.administration.services).
                name = row["team"]
                team = (self.team_db.get(name.casefold()) or Team(name=name, active=True)) if name else None
                service = Service(name=row["service"]) if row["service"] else None
                for column, message in staff_placement_errors(role=row["role"], team=team, service=service).items():
                    self.add(t, row.line, f"'{column}': {message}")
            if row["start_date"]:
                problem = dates.happened_problem(row["start_date"], label="'start_date'", today=self.today)
                if problem:
                    self.add(t, row.line, problem)

    def check_children(self, t) -> None:
        batch: list[Row] = []
        for row in self.rows(t):
            la_child_id = row["la_child_id"]
            if la_child_id:
                try:
                    identifiers.validate_la_child_id(la_child_id)
                except ValidationError as e:
                    self.add(t, row.line, f"'la_child_id': {e.messages[0]}")
                self.children[la_child_id] = _Life(row.line, row["date_of_birth"], row["expected_date_of_birth"],
                                                   row["date_of_death"], row["first_name"] or "")  # fmt: skip
            for column, validate, normalise in (
                ("upn", identifiers.validate_upn, identifiers.normalise_upn),
                ("former_upn", identifiers.validate_upn, identifiers.normalise_upn),
                ("nhs_number", identifiers.validate_nhs_number, identifiers.normalise_nhs_number),
            ):
                if row[column]:
                    row.values[column] = normalise(row[column])
                    try:
                        validate(row[column])
                    except ValidationError as e:
                        self.add(t, row.line, f"'{column}': {e.messages[0]}")
            if row["date_of_death"] and row["date_of_birth"] and row["date_of_death"] < row["date_of_birth"]:
                self.add(t, row.line, "'date_of_death' is before 'date_of_birth'")
            batch.append(row)
            if len(batch) >= 2000:
                self.match_children(t, batch)
                batch = []
        self.match_children(t, batch)
        ids = list(self.children)
        for chunk in _chunks(ids):
            for la_child_id, day in CINEpisode.objects.filter(
                child__la_child_id__in=chunk, closure_date__isnull=True
            ).values_list("child__la_child_id", "referral_date"):
                self.db_open_episode[la_child_id] = day
            self.db_lead.update(
                Allocation.objects.filter(child__la_child_id__in=chunk, end_date__isnull=True, role="lead")
                .values_list("child__la_child_id", flat=True)
            )  # fmt: skip
            self.db_current_plan.update(
                CINPlanChild.objects.filter(child__la_child_id__in=chunk, start_date__isnull=False,
                                            end_date__isnull=True).values_list("child__la_child_id", flat=True)
            )  # fmt: skip

    def match_children(self, t, batch: list[Row]) -> None:
        """New children pass the new-child rules; children Lantern holds are filled in, never changed."""
        ids = [r["la_child_id"] for r in batch if r["la_child_id"]]
        held = {c.la_child_id: c for c in Child.objects.filter(la_child_id__in=ids).select_related("person")}
        for row in batch:
            child = held.get(row["la_child_id"])
            if child is None:
                self.report.new_children += 1
                if not row.ok:
                    continue  # its cells' own problems are reported; the rules need good values
                errors = child_identity_errors(
                    first_name=row["first_name"] or "", last_name=row["last_name"] or "",
                    date_of_birth=row["date_of_birth"], expected_date_of_birth=row["expected_date_of_birth"],
                    sex=row["sex"] or codes.Sex.UNKNOWN, ethnicity=row["ethnicity"] or codes.Ethnicity.NOBT,
                )  # fmt: skip
                for name, message in errors.items():
                    if row[name] is not None or name in ("date_of_birth", "expected_date_of_birth"):
                        self.add(t, row.line, f"'{name}': {message}")
                continue
            self.existing[child.la_child_id] = child.pk
            for message in fill_conflicts(child, row.values):
                self.add(t, row.line, message)
            self.report.filled_children += 1

    def check_relatives(self, t) -> None:
        for row in self.rows(t):
            ref = row["person_ref"]
            if not ref:
                continue
            if ref in self.children:
                self.add(t, row.line, f"person_ref '{ref}' is also an LA child ID in children.csv")
            self.relatives.add(ref)
            if row["date_of_birth"] and row["date_of_birth"] > self.today:
                self.add(t, row.line, "'date_of_birth' is in the future")

    def person(self, t, row: Row, column: str) -> None:
        ref = row[column]
        if ref and ref not in self.children and ref not in self.relatives and not self.stopped("children", "relatives"):
            self.add(t, row.line, f"{column} '{ref}' is not in children.csv or relatives.csv")

    def check_relationships(self, t) -> None:
        for row in self.rows(t):
            self.person(t, row, "person_ref")
            self.person(t, row, "relative_ref")
            if row["person_ref"] and row["person_ref"] == row["relative_ref"]:
                self.add(t, row.line, "a person cannot be their own relative")

    def check_addresses(self, t) -> None:
        for row in self.rows(t):
            if row["household_ref"]:
                self.households.add(row["household_ref"])
            self.dates_in_order(t, row, "start_date", "end_date")

    def check_household_members(self, t) -> None:
        for row in self.rows(t):
            if row["household_ref"] and row["household_ref"] not in self.households and not self.stopped("addresses"):
                self.add(t, row.line, f"household_ref '{row['household_ref']}' is not in addresses.csv")
            self.person(t, row, "person_ref")
            self.in_life(t, row, self.children.get(row["person_ref"] or ""), "start_date", kind=dates.WITH_CHILD)
            self.dates_in_order(t, row, "start_date", "end_date")

    def check_episodes(self, t) -> None:
        for row in self.rows(t):
            life = self.child(t, row)
            self.team(t, row)
            if life is None:
                continue
            self.in_life(t, row, life, "referral_date")
            la_child_id, referral = row["la_child_id"], row["referral_date"]
            held = self.db_open_episode.get(la_child_id)
            if held is not None and referral and held != referral:
                self.add(t, row.line, f"{la_child_id} already has an open episode in Lantern, from a referral on "
                                      f"{held:%Y-%m-%d}: close it or give that referral date")  # fmt: skip
            self.open_episode[la_child_id] = referral

    def check_allocations(self, t) -> None:
        leads: set[str] = set()
        for row in self.rows(t):
            life = self.child(t, row)
            self.team(t, row)
            self.worker(t, row, "worker")
            username = row["worker"]
            role = self.staff_file.get(username) or self.workers_db.get(username)
            if username and role and role not in CASE_HOLDING_ROLES:
                label = Role(role).label.lower() if role in Role.values else role
                self.add(t, row.line, f"worker '{username}' is a {label}: only social workers, family "
                                      "support workers and team managers hold children")  # fmt: skip
            if life is None:
                continue
            self.in_life(t, row, life, "start_date")
            if row["role"] == AllocationRole.LEAD:
                la_child_id = row["la_child_id"]
                if la_child_id in leads:
                    self.add(t, row.line, f"{la_child_id} has another lead allocation in this file: a child has one")
                elif la_child_id in self.db_lead:
                    self.add(t, row.line, f"{la_child_id} already has a lead allocation in Lantern")
                leads.add(la_child_id)

    def check_plans(self, t) -> None:
        current: set[str] = set()
        for row in self.rows(t):
            life = self.child(t, row)
            self.worker(t, row, "author")
            ref = row["plan_ref"]
            if ref:
                seen = self.plans.get(ref)
                if seen is None:
                    self.plans[ref] = (row["title"], row["start_date"], row.line)
                elif (seen[0], seen[1]) != (row["title"], row["start_date"]):
                    self.add(t, row.line, f"plan_ref '{ref}' has another title or start date on line {seen[2]}: "
                                          "every row of a plan gives the same")  # fmt: skip
                if row["la_child_id"]:
                    self.plan_children.add((ref, row["la_child_id"]))
            if life is None:
                continue
            la_child_id = row["la_child_id"]
            referral = self.open_episode.get(la_child_id) or self.db_open_episode.get(la_child_id)
            floor = dates.Floor(referral, "the date of the referral") if referral else None
            self.in_life(t, row, life, "start_date", after=floor)
            self.planned(t, row, "next_review_date", after="start_date")
            if (
                la_child_id not in self.open_episode
                and la_child_id not in self.db_open_episode
                and not self.stopped("episodes")
            ):
                self.add(t, row.line, f"{la_child_id} has no open episode (episodes.csv): a plan belongs to one")
            elif la_child_id in current or la_child_id in self.db_current_plan:
                self.add(t, row.line, f"{la_child_id} already has a current plan: a child has one at a time")
            current.add(la_child_id)

    def check_plan_outcomes(self, t) -> None:
        for row in self.rows(t):
            ref, la_child_id = row["plan_ref"], row["la_child_id"]
            if ref and la_child_id and (ref, la_child_id) not in self.plan_children and not self.stopped("plans"):
                self.add(t, row.line, f"plans.csv has no row for plan_ref '{ref}' and {la_child_id}")
            self.planned(t, row, "target_date")
            score = row["baseline_score"]
            if score is not None and score > 10:
                self.add(t, row.line, "'baseline_score' is a number from 0 to 10")

    def check_case_notes(self, t) -> None:
        for row in self.rows(t):
            life = self.child(t, row)
            self.worker(t, row, "author")
            self.in_life(t, row, life, "occurred_on")


def fill_conflicts(child: Child, values: dict) -> list[str]:
    """Where the file differs from what Lantern holds for this child (nothing is overwritten)."""
    person = child.person
    held = {
        "date_of_birth": person.date_of_birth, "expected_date_of_birth": person.expected_date_of_birth,
        "date_of_death": person.date_of_death, "first_language": person.first_language,
        "preferred_name": person.preferred_name, "upn": child.upn, "former_upn": child.former_upn,
        "upn_unknown": child.upn_unknown, "nhs_number": child.nhs_number,
    }  # fmt: skip
    if person.first_name != SHELL_FIRST_NAME:
        held |= {"first_name": person.first_name, "last_name": person.last_name}
    if person.sex != codes.Sex.UNKNOWN:
        held["sex"] = person.sex
    if person.ethnicity != codes.Ethnicity.NOBT:
        held["ethnicity"] = person.ethnicity
    out = []
    for name, value in held.items():
        new = values.get(name)
        if value not in (None, "") and new not in (None, "") and new != value:
            shown = f"{value:%Y-%m-%d}" if isinstance(value, date) else value
            said = f"{new:%Y-%m-%d}" if isinstance(new, date) else new
            out.append(f"{child.la_child_id} is already in Lantern with {name} '{shown}': the file says '{said}'")
    return out


def onboarding_check(folder: Path) -> Report:
    """The dry run: every problem with the set of files, by file and line. Saves nothing."""
    return _Checker(Path(folder)).run()


# ---------------------------------------------------------------------------------------------
# The load
# ---------------------------------------------------------------------------------------------


class _Loader:
    def __init__(self, folder: Path, report: Report, by: Worker | None, progress: Progress | None) -> None:
        self.folder = folder
        self.report = report
        self.by = by
        self.progress = progress
        self.done = 0
        self.total = report.rows
        self.created: dict[str, int] = defaultdict(int)
        self.filled: dict[str, int] = defaultdict(int)
        self.now = timezone.now()
        self.present = files_in(folder)

    def rows(self, name: str) -> Iterable[Row]:
        if name not in self.present:
            return
        template = schema.BY_NAME[name]
        problems = Problems()
        for row in read(template, self.present[name], problems):
            yield row
            self.done += 1
            if self.progress is not None and self.done % 500 == 0:
                self.progress(self.done, self.total, template.title)
        if problems:  # the file changed since it was checked
            raise OnboardingRefused(problems)

    def batches(self, name: str) -> Iterable[list[Row]]:
        batch: list[Row] = []
        for row in self.rows(name):
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def create(self, label: str, model, objs: list) -> list:
        if objs:
            objs = bulk_create_with_history(objs, model, batch_size=BATCH, default_user=self.by,
                                            default_change_reason="Onboarding")  # fmt: skip
            self.created[label] += len(objs)
        return objs

    def run(self) -> Result:
        self.load_teams()
        self.load_staff()
        self.load_children()
        self.load_relatives()
        self.load_relationships()
        self.load_households()
        self.load_episodes()
        self.load_allocations()
        self.load_plans()
        self.load_case_notes()
        if self.progress is not None:
            self.progress(self.total, self.total, "Done")
        return Result(report=self.report, created=dict(self.created), filled=dict(self.filled))

    def log(self, kind: str, summary: str, **fields) -> AdminEvent:
        """An administration log entry (lantern.administration), as the administration pages write."""
        return AdminEvent(kind=kind, actor=self.by, summary=summary[:500], reason="Onboarding",
                          effective_date=self.now.date(), **fields)  # fmt: skip

    def service(self, name: str) -> int:
        if name not in self.services:
            self.services[name] = Service.objects.create(name=name).pk
            self.created["services"] += 1
            self.events.append(self.log(AdminEventKind.SERVICE_CREATED, f"Service {name} created"))
        return self.services[name]

    def load_teams(self) -> None:
        self.events: list[AdminEvent] = []
        self.services = dict(Service.objects.values_list("name", "pk"))
        self.teams = dict(Team.objects.values_list("name", "pk"))
        self.team_service = dict(Team.objects.values_list("pk", "service_id"))
        new = []
        for row in self.rows("teams"):
            if row["team"] in self.teams:
                continue
            new.append(Team(name=row["team"], type=row["type"], service_id=self.service(row["service"])))
            self.teams[row["team"]] = 0
        for team in self.create("teams", Team, new):
            self.teams[team.name] = team.pk
            self.team_service[team.pk] = team.service_id
            self.events.append(self.log(AdminEventKind.TEAM_CREATED, f"{team.name} created ({team.get_type_display()})",
                                        team_id=team.pk))  # fmt: skip

    def load_staff(self) -> None:
        unusable = make_password(None)
        new, starts = [], []
        for row in self.rows("staff"):
            # Placed as the staff forms place people (lantern.administration.services.staff_create):
            # a service manager has a service and no team; everyone else the service of their team.
            manager = row["role"] == Role.SERVICE_MANAGER
            team_id = self.teams.get(row["team"]) if row["team"] and not manager else None
            if manager:
                service_id = self.service(row["service"]) if row["service"] else None
            else:
                service_id = self.team_service.get(team_id) if team_id else None
            new.append(Worker(
                username=row["username"], first_name=row["first_name"], last_name=row["last_name"],
                email=row["email"] or "", role=row["role"], team_id=team_id, service_id=service_id,
                job_title=row["job_title"] or "", password=unusable, is_active=not row["has_left"],
            ))  # fmt: skip
            starts.append(row["start_date"] or self.now.date())
        workers = self.create("staff", Worker, new)
        StaffAssignment.objects.bulk_create([StaffAssignment(
            worker_id=w.pk, role=w.role, team_id=w.team_id, service_id=w.service_id, start_date=start,
            end_date=start if not w.is_active else None, recorded_by=self.by,
            reason="Onboarding" if w.is_active else "Onboarding: had left before Lantern",
        ) for w, start in zip(workers, starts, strict=True)], batch_size=BATCH)  # fmt: skip
        self.events += [self.log(AdminEventKind.STAFF_CREATED, f"{w.display_name} ({w.username}) created by onboarding",
                                 worker_id=w.pk) for w in workers]  # fmt: skip
        AdminEvent.objects.bulk_create(self.events, batch_size=BATCH)
        self.workers = dict(Worker.objects.values_list("username", "pk"))

    def load_children(self) -> None:
        self.child_pk: dict[str, int] = {}
        for batch in self.batches("children"):
            ids = [r["la_child_id"] for r in batch]
            held = {c.la_child_id: c for c in Child.objects.filter(la_child_id__in=ids).select_related("person")}
            have_codes: dict[int, set[str]] = defaultdict(set)
            for child_id, code in ChildDisability.objects.filter(child__la_child_id__in=ids).values_list(
                "child_id", "code"
            ):
                have_codes[child_id].add(code)
            people, new_rows, filled_people, filled_children, disabilities = [], [], [], [], []
            for row in batch:
                for column, normalise in (("upn", identifiers.normalise_upn), ("former_upn", identifiers.normalise_upn),
                                          ("nhs_number", identifiers.normalise_nhs_number)):  # fmt: skip
                    row.values[column] = normalise(row[column] or "")
                child = held.get(row["la_child_id"])
                if child is None:
                    people.append(Person(**_person_values(row.values)))
                    new_rows.append(row)
                    continue
                self.child_pk[child.la_child_id] = child.pk
                if _fill(child.person, row.values, _PERSON_FILL):
                    filled_people.append(child.person)
                if _fill(child, row.values, _CHILD_FILL):
                    filled_children.append(child)
                have = have_codes.get(child.pk, set())
                wanted = [c for c in row["disabilities"] if c not in have]
                if have - {"NONE"}:
                    wanted = [c for c in wanted if c != "NONE"]
                disabilities += [ChildDisability(child_id=child.pk, code=c) for c in wanted]
            if filled_people:
                bulk_update_with_history(filled_people, Person, sorted(set(_PERSON_FILL) | {"updated_at"}),
                                         batch_size=BATCH, default_user=self.by,
                                         default_change_reason=FILLED)  # fmt: skip
                self.filled["children"] += len(filled_people)
            if filled_children:
                bulk_update_with_history(filled_children, Child, list(_CHILD_FILL), batch_size=BATCH,
                                         default_user=self.by, default_change_reason=FILLED)  # fmt: skip
            people = self.create("people", Person, people)
            children = []
            for person, row in zip(people, new_rows, strict=True):
                children.append(Child(person_id=person.pk, **{f: row[f] or "" for f in _CHILD_FILL},
                                      la_child_id=row["la_child_id"]))  # fmt: skip
                self.child_pk[row["la_child_id"]] = person.pk
                disabilities += [ChildDisability(child_id=person.pk, code=c) for c in row["disabilities"]]
            self.create("children", Child, children)
            self.create("disabilities", ChildDisability, disabilities)
        self.created.pop("people", None)

    def load_relatives(self) -> None:
        self.person_pk: dict[str, int] = dict(self.child_pk)
        for batch in self.batches("relatives"):
            people = [Person(**_person_values(r.values)) for r in batch]
            for person, row in zip(self.create("relatives", Person, people), batch, strict=True):
                self.person_pk[row["person_ref"]] = person.pk

    def load_relationships(self) -> None:
        for batch in self.batches("relationships"):
            self.create("relationships", Relationship, [Relationship(
                person_id=self.person_pk[r["person_ref"]], relative_id=self.person_pk[r["relative_ref"]],
                type=r["relationship"], parental_responsibility=r["parental_responsibility"],
                lives_with=r["lives_with"], notes=r["notes"],
            ) for r in batch])  # fmt: skip

    def load_households(self) -> None:
        household_pk: dict[str, int] = {}
        for batch in self.batches("addresses"):
            new = {}
            for r in batch:
                if r["household_ref"] not in household_pk and r["household_ref"] not in new:
                    new[r["household_ref"]] = Household(name=r["household_name"] or r["line1"])
            for ref, household in zip(new, self.create("households", Household, list(new.values())), strict=True):
                household_pk[ref] = household.pk
            self.create("addresses", Address, [Address(
                household_id=household_pk[r["household_ref"]], line1=r["line1"], line2=r["line2"], town=r["town"],
                postcode=r["postcode"], start_date=r["start_date"], end_date=r["end_date"],
            ) for r in batch])  # fmt: skip
        for batch in self.batches("household_members"):
            self.create("household members", HouseholdMember, [HouseholdMember(
                household_id=household_pk[r["household_ref"]], person_id=self.person_pk[r["person_ref"]],
                start_date=r["start_date"], end_date=r["end_date"],
            ) for r in batch])  # fmt: skip

    def load_episodes(self) -> None:
        self.episode_pk: dict[int, int] = {}
        for chunk in _chunks(list(self.child_pk.values())):
            for pk, child_id in CINEpisode.objects.filter(child_id__in=chunk, closure_date__isnull=True).values_list(
                "pk", "child_id"
            ):
                self.episode_pk[child_id] = pk
        for batch in self.batches("episodes"):
            new_rows, new, fill = [], [], []
            for r in batch:
                child_id = self.child_pk[r["la_child_id"]]
                team = self.teams.get(r["team"]) if r["team"] else None
                if child_id in self.episode_pk:  # the open episode Lantern holds, same referral (checked)
                    if team:
                        fill.append((self.episode_pk[child_id], team))
                    continue
                new.append(CINEpisode(child_id=child_id, referral_date=r["referral_date"],
                                      referral_source=r["referral_source"], primary_need=r["primary_need"],
                                      team_id=team))  # fmt: skip
                new_rows.append(child_id)
            for child_id, episode in zip(new_rows, self.create("open episodes", CINEpisode, new), strict=True):
                self.episode_pk[child_id] = episode.pk
            if fill:
                episodes = {
                    e.pk: e for e in CINEpisode.objects.filter(pk__in=[pk for pk, _ in fill], team__isnull=True)
                }
                for pk, team in fill:
                    if pk in episodes:
                        episodes[pk].team_id = team
                if episodes:
                    bulk_update_with_history(list(episodes.values()), CINEpisode, ["team"], batch_size=BATCH,
                                             default_user=self.by, default_change_reason=FILLED)  # fmt: skip
                    self.filled["open episodes"] += len(episodes)

    def load_allocations(self) -> None:
        for batch in self.batches("allocations"):
            self.create("allocations", Allocation, [Allocation(
                child_id=self.child_pk[r["la_child_id"]], team_id=self.teams[r["team"]],
                worker_id=self.workers[r["worker"]] if r["worker"] else None, role=r["role"],
                start_date=r["start_date"], start_reason=r["start_reason"] or AllocationReason.NEW_CASE,
                reason_detail="Loaded at onboarding", created_by=self.by,
            ) for r in batch])  # fmt: skip

    def load_plans(self) -> None:
        plan_pk: dict[str, int] = {}
        section_pk: dict[tuple[str, str], int] = {}
        for batch in self.batches("plans"):
            new = {}
            for r in batch:
                if r["plan_ref"] not in plan_pk and r["plan_ref"] not in new:
                    new[r["plan_ref"]] = CINPlan(
                        title=r["title"], status=WorkStatus.APPROVED, start_date=r["start_date"],
                        next_review_date=r["next_review_date"], author_id=self.workers[r["author"]],
                    )  # fmt: skip
            for ref, plan in zip(new, self.create("CIN plans", CINPlan, list(new.values())), strict=True):
                plan_pk[ref] = plan.pk
            sections = [CINPlanChild(
                plan_id=plan_pk[r["plan_ref"]], child_id=self.child_pk[r["la_child_id"]],
                episode_id=self.episode_pk[self.child_pk[r["la_child_id"]]], start_date=r["start_date"],
                needs=r["needs"],
            ) for r in batch]  # fmt: skip
            for r, section in zip(batch, self.create("plan sections", CINPlanChild, sections), strict=True):
                section_pk[(r["plan_ref"], r["la_child_id"])] = section.pk
        self.created.pop("plan sections", None)
        for batch in self.batches("plan_outcomes"):
            self.create("plan outcomes", PlanOutcome, [PlanOutcome(
                section_id=section_pk[(r["plan_ref"], r["la_child_id"])], description=r["description"],
                measure=r["measure"], target_date=r["target_date"], baseline_score=r["baseline_score"],
            ) for r in batch])  # fmt: skip

    def load_case_notes(self) -> None:
        for batch in self.batches("case_notes"):
            self.create("case notes", CaseNote, [CaseNote(
                child_id=self.child_pk[r["la_child_id"]], title=r["title"], body=r["body"],
                occurred_on=r["occurred_on"], note_type=r["note_type"], status=NoteStatus.FINAL,
                significant=bool(r["significant_category"]), significant_category=r["significant_category"],
                author_id=self.workers[r["author"]], finalised_at=self.now,
            ) for r in batch])  # fmt: skip


_PERSON_FILL = ("first_name", "last_name", "preferred_name", "date_of_birth", "expected_date_of_birth",
                "date_of_death", "sex", "ethnicity", "first_language")  # fmt: skip
_CHILD_FILL = ("upn", "former_upn", "upn_unknown", "nhs_number")


def _person_values(values: dict) -> dict:
    return {
        "first_name": values["first_name"], "last_name": values["last_name"],
        "preferred_name": values.get("preferred_name") or "", "date_of_birth": values.get("date_of_birth"),
        "expected_date_of_birth": values.get("expected_date_of_birth"), "date_of_death": values.get("date_of_death"),
        "sex": values.get("sex") or codes.Sex.UNKNOWN, "ethnicity": values.get("ethnicity") or codes.Ethnicity.NOBT,
        "first_language": values.get("first_language") or "", "phone": values.get("phone") or "",
    }  # fmt: skip


def _fill(obj, values: dict, fields: tuple[str, ...]) -> bool:
    """Fill what `obj` does not hold yet (a census shell's name, sex, ethnicity, empty fields)."""
    changed = False
    shell = isinstance(obj, Person) and obj.first_name == SHELL_FIRST_NAME
    for name in fields:
        new = values.get(name)
        if new in (None, ""):
            continue
        held = getattr(obj, name)
        unknown = (name == "sex" and held == codes.Sex.UNKNOWN) or (
            name == "ethnicity" and held == codes.Ethnicity.NOBT
        )
        empty = held in (None, "") or (shell and name in ("first_name", "last_name")) or unknown
        if empty and held != new:
            setattr(obj, name, new)
            changed = True
    if isinstance(obj, Person) and changed:
        if obj.date_of_birth and obj.expected_date_of_birth:
            obj.expected_date_of_birth = None
        obj.updated_at = timezone.now()
    return changed


def onboarding_load(folder: Path, *, by: Worker | None, progress: Progress | None = None) -> Result:
    """Check the set of files, then load every row in one transaction (or none: OnboardingRefused)."""
    folder = Path(folder)
    report = onboarding_check(folder)
    if not report.ok:
        raise OnboardingRefused(report.problems)
    try:
        with transaction.atomic():
            result = _Loader(folder, report, by, progress).run()
    except IntegrityError as e:
        problems = Problems()
        problems.add("", 0, f"the files conflict with the record Lantern holds ({e}); nothing was loaded")
        raise OnboardingRefused(problems) from None
    logger.info("Onboarding loaded by user %s from %s rows: %s", getattr(by, "pk", None), report.rows,
                result.summary())  # fmt: skip
    return result
