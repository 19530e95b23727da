"""The onboarding templates: one CSV file per kind of record, each column defined once, here.

This module is the one description of the templates. The reader (`reader.py`) checks files
against it, the exporter writes it, the blank templates are its header lines, and the guide's
column tables (docs/guide/onboarding.md, `manage.py onboarding_templates --docs`) are printed from it.

Conventions every template shares:

- UTF-8 (a byte order mark from Excel is accepted), comma separated, a header line naming the
  columns; columns may come in any order; text with commas or line breaks is quoted.
- Dates are `YYYY-MM-DD` (`DD/MM/YYYY` is accepted too).
- Yes/no columns take `yes`/`no` (also `y`/`n`, `true`/`false`, `1`/`0`); empty is no.
- People are referred to by reference: a child by their LA child ID (children.csv), any other
  family member by the reference in relatives.csv; a worker by their username (staff.csv, or one
  already in Lantern); a team by its name (teams.csv, or one already in Lantern).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lantern.core import codes
from lantern.core.text import LONG_TEXT_MAX, TEXT_MAX
from lantern.notes.models import NoteType, SignificantCategory
from lantern.people.models import RelationshipType
from lantern.workforce.models import AllocationReason, AllocationRole, Role, TeamType

TEXT, DATE, CODE, CODES, BOOL, INT = "text", "date", "code", "codes", "bool", "int"

#: Roles staff may be given by onboarding (the council administrator role when workforce has it).
STAFF_ROLES: tuple[str, ...] = tuple(Role.values) + (() if "council_admin" in Role.values else ("council_admin",))


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    example: str = ""

    @property
    def kind_text(self) -> str:
        if self.kind == DATE:
            return "date"
        if self.kind == BOOL:
            return "yes or no"
        if self.kind == INT:
            return "whole number"
        if self.kind in (CODE, CODES):
            many = "one or more of (separated by ;)" if self.kind == CODES else "one of"
            return f"{many}: {', '.join(self.choices)}"
        return f"text, up to {self.max_length} characters" if self.max_length else "text"


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    #: Columns whose values together identify a row: a second row with the same values is a duplicate.
    key: tuple[str, ...] = ()
    #: Must the set include this file?
    required: bool = False
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _values(choices) -> tuple[str, ...]:
    return tuple(choices.values)


LA_CHILD_ID = Column("la_child_id", "The child's LA child ID (children.csv)", required=True, max_length=20,
                     example="LC0000123")  # fmt: skip
PERSON_REF_HELP = "A child's LA child ID (children.csv) or a relative's reference (relatives.csv)"

TEMPLATES: tuple[Template, ...] = (
    Template(
        "teams",
        "Teams",
        "The council's teams, each in a service. A team already in Lantern (same name) is used as it is.",
        (
            Column(
                "team",
                "The team's name, unique in the council",
                required=True,
                max_length=120,
                example="North locality team",
            ),
            Column(
                "type",
                "What kind of team it is",
                kind=CODE,
                required=True,
                choices=_values(TeamType),
                example="locality",
            ),
            Column(
                "service",
                "The service it belongs to (created if new)",
                required=True,
                max_length=120,
                example="Children in need",
            ),
        ),  # fmt: skip
        key=("team",),
    ),
    Template(
        "staff",
        "Staff",
        "Everyone who will sign in. Accounts are created without a password: each person sets one "
        "from an administrator's set-password link, or signs in with the council's single sign-on. "
        "A username already in Lantern is refused.",
        (
            Column("username", "Their sign-in name, unique", required=True, max_length=150, example="a.khan"),
            Column("first_name", "First name", required=True, max_length=150, example="Amira"),
            Column("last_name", "Last name", required=True, max_length=150, example="Khan"),
            Column("email", "Work email address", max_length=254, example="amira.khan@council.example"),
            Column(
                "role", "Their role in Lantern", kind=CODE, required=True, choices=STAFF_ROLES, example="social_worker"
            ),
            Column(
                "team",
                "The team they belong to (or manage); needed for workers and team managers",
                max_length=120,
                example="North locality team",
            ),
            Column("service", "For a service manager: the service they manage", max_length=120),
            Column("job_title", "Job title", max_length=120, example="Senior social worker"),
            Column(
                "start_date",
                "The day they started in this role and team (empty: the day of the load)",
                kind=DATE,
                example="2024-09-02",
            ),  # fmt: skip
            Column(
                "has_left",
                "yes for someone who has left (kept as the author of their records; cannot sign in)",
                kind=BOOL,
                example="no",
            ),
        ),  # fmt: skip
        key=("username",),
    ),
    Template(
        "children",
        "Children",
        "Each child with their identifiers. A child Lantern already holds (for example from a census "
        "import) is matched by LA child ID and filled in: names replace 'Name not recorded' and empty "
        "identifiers are filled; a value that differs from one Lantern holds is reported.",
        (
            LA_CHILD_ID,
            Column("first_name", "First name", required=True, max_length=100, example="Maya"),
            Column("last_name", "Last name", required=True, max_length=100, example="Okafor"),
            Column("preferred_name", "Name they like to be called", max_length=100),
            Column("date_of_birth", "Date of birth (empty for an unborn child)", kind=DATE, example="2015-04-23"),
            Column("expected_date_of_birth", "Expected date of birth, for an unborn child only", kind=DATE),
            Column("date_of_death", "Date of death, if the child has died", kind=DATE),
            Column(
                "sex", "Sex (U for an unborn child)", kind=CODE, required=True, choices=_values(codes.Sex), example="F"
            ),
            Column(
                "ethnicity",
                "Ethnicity (DfE code)",
                kind=CODE,
                required=True,
                choices=_values(codes.Ethnicity),
                example="WBRI",
            ),
            Column("first_language", "First language", max_length=60, example="English"),
            Column("upn", "Unique pupil number", max_length=13),
            Column("former_upn", "Former unique pupil number", max_length=13),
            Column("upn_unknown", "Why the UPN is unknown (DfE code)", kind=CODE, choices=_values(codes.UPNUnknown)),
            Column("nhs_number", "NHS number (10 digits)", max_length=12),
            Column(
                "disabilities",
                "Disabilities (DfE codes; NONE for none)",
                kind=CODES,
                choices=_values(codes.Disability),
                example="NONE",
            ),
        ),  # fmt: skip
        key=("la_child_id",),
        required=True,
    ),
    Template(
        "relatives",
        "Relatives and carers",
        "Family members and carers who are not children in children.csv, each with the reference "
        "the old system gave them (used in relationships.csv and household_members.csv).",
        (
            Column(
                "person_ref",
                "Their reference in the old system, unique",
                required=True,
                max_length=40,
                example="P104233",
            ),
            Column("first_name", "First name", required=True, max_length=100, example="Grace"),
            Column("last_name", "Last name", required=True, max_length=100, example="Okafor"),
            Column("date_of_birth", "Date of birth", kind=DATE, example="1988-11-02"),
            Column("sex", "Sex", kind=CODE, choices=_values(codes.Sex), example="F"),
            Column("ethnicity", "Ethnicity (DfE code)", kind=CODE, choices=_values(codes.Ethnicity)),
            Column("first_language", "First language", max_length=60),
            Column("phone", "Phone number", max_length=30),
        ),  # fmt: skip
        key=("person_ref",),
    ),
    Template(
        "relationships",
        "Family relationships",
        "Who is who to whom: `person_ref` is `relationship` of `relative_ref` (for example, the mother "
        "P104233 is mother of the child LC0000123). Siblings are listed once.",
        (
            Column("person_ref", PERSON_REF_HELP, required=True, max_length=40, example="P104233"),
            Column(
                "relationship",
                "What person_ref is to relative_ref",
                kind=CODE,
                required=True,
                choices=_values(RelationshipType),
                example="mother",
            ),
            Column("relative_ref", PERSON_REF_HELP, required=True, max_length=40, example="LC0000123"),
            Column("parental_responsibility", "Has parental responsibility", kind=BOOL, example="yes"),
            Column("lives_with", "Lives with the relative", kind=BOOL, example="yes"),
            Column("notes", "A short note", max_length=200),
        ),  # fmt: skip
        key=("person_ref", "relative_ref", "relationship"),
    ),
    Template(
        "addresses",
        "Addresses",
        "Households and their addresses over time. A household is a reference of your choosing; "
        "household_members.csv says who lives there.",
        (
            Column("household_ref", "The household's reference", required=True, max_length=40, example="H2001"),
            Column("household_name", "A label for the household", max_length=120, example="Grace Okafor's home"),
            Column("line1", "Address line 1", required=True, max_length=120, example="12 Mill Lane"),
            Column("line2", "Address line 2", max_length=120),
            Column("town", "Town", required=True, max_length=80, example="Ashford"),
            Column("postcode", "Postcode", required=True, max_length=10, example="TN23 4AB"),
            Column("start_date", "From", kind=DATE, required=True, example="2019-06-01"),
            Column("end_date", "Until (empty if current)", kind=DATE),
        ),  # fmt: skip
        key=("household_ref", "start_date"),
    ),
    Template(
        "household_members",
        "Household members",
        "Who lives in each household of addresses.csv, and since when.",
        (
            Column("household_ref", "The household (addresses.csv)", required=True, max_length=40, example="H2001"),
            Column("person_ref", PERSON_REF_HELP, required=True, max_length=40, example="LC0000123"),
            Column("start_date", "From", kind=DATE, required=True, example="2019-06-01"),
            Column("end_date", "Until (empty if they still live there)", kind=DATE),
        ),  # fmt: skip
        key=("household_ref", "person_ref", "start_date"),
    ),
    Template(
        "episodes",
        "Open episodes",
        "Each child's open child in need episode, from its referral. A child has at most one; an open "
        "episode Lantern already holds with the same referral date is matched, not duplicated.",
        (
            LA_CHILD_ID,
            Column("referral_date", "Date of the referral", kind=DATE, required=True, example="2026-01-12"),
            Column(
                "referral_source",
                "Source of the referral (DfE code)",
                kind=CODE,
                required=True,
                choices=_values(codes.ReferralSource),
                example="1A",
            ),
            Column(
                "primary_need",
                "Primary need (DfE code)",
                kind=CODE,
                required=True,
                choices=_values(codes.PrimaryNeed),
                example="N1",
            ),
            Column("team", "The team holding the episode", max_length=120, example="North locality team"),
        ),  # fmt: skip
        key=("la_child_id",),
    ),
    Template(
        "allocations",
        "Allocations",
        "Who holds each child now: a team, and usually a worker in it. One lead allocation per child; "
        "co-workers too. A child with a team and no worker is unallocated in that team.",
        (
            LA_CHILD_ID,
            Column("team", "The team", required=True, max_length=120, example="North locality team"),
            Column(
                "worker", "The worker's username (empty: unallocated in the team)", max_length=150, example="a.khan"
            ),
            Column(
                "role",
                "Lead worker or another role",
                kind=CODE,
                required=True,
                choices=_values(AllocationRole),
                example="lead",
            ),
            Column("start_date", "Allocated since", kind=DATE, required=True, example="2026-01-20"),
            Column("start_reason", "Why it started", kind=CODE, choices=_values(AllocationReason), example="new_case"),
        ),  # fmt: skip
        key=("la_child_id", "role", "worker"),
    ),
    Template(
        "plans",
        "Child in need plans",
        "Current child in need plans, one row per child on the plan (a family may share one plan). "
        "Each child needs an open episode. Loaded as approved plans.",
        (
            Column("plan_ref", "The plan's reference", required=True, max_length=40, example="PL3001"),
            LA_CHILD_ID,
            Column("title", "The plan's title", required=True, max_length=120, example="Okafor family plan"),
            Column("start_date", "Date the plan started", kind=DATE, required=True, example="2026-02-10"),
            Column("next_review_date", "Date of the next review", kind=DATE, example="2026-05-05"),
            Column(
                "author", "The username of the worker who wrote it", required=True, max_length=150, example="a.khan"
            ),
            Column("needs", "This child's needs", max_length=TEXT_MAX, example="Maya needs a settled routine"),
        ),  # fmt: skip
        key=("plan_ref", "la_child_id"),
    ),
    Template(
        "plan_outcomes",
        "Plan outcomes",
        "The outcomes of each child's section of a plan in plans.csv.",
        (
            Column("plan_ref", "The plan (plans.csv)", required=True, max_length=40, example="PL3001"),
            LA_CHILD_ID,
            Column(
                "description",
                "The outcome for the child",
                required=True,
                max_length=TEXT_MAX,
                example="Maya goes to school every day",
            ),
            Column("measure", "How we will know", required=True, max_length=300, example="Attendance above 95%"),
            Column("target_date", "By when", kind=DATE, required=True, example="2026-07-20"),
            Column("baseline_score", "Where things are now, 0 to 10", kind=INT, example="4"),
        ),  # fmt: skip
    ),
    Template(
        "case_notes",
        "Case notes",
        "Case notes as text: the date of the event, who wrote it, a title and what happened. Loaded as final notes.",
        (
            LA_CHILD_ID,
            Column("occurred_on", "Date of the event", kind=DATE, required=True, example="2026-02-14"),
            Column(
                "author", "The username of the worker who wrote it", required=True, max_length=150, example="a.khan"
            ),
            Column(
                "note_type", "Kind of note", kind=CODE, required=True, choices=_values(NoteType), example="phone_call"
            ),
            Column("title", "Title", required=True, max_length=120, example="Call with school"),
            Column(
                "body",
                "What happened",
                required=True,
                max_length=LONG_TEXT_MAX,
                example="Spoke to the head of year about attendance.",
            ),
            Column(
                "significant_category",
                "If a significant event: which kind",
                kind=CODE,
                choices=_values(SignificantCategory),
            ),
        ),  # fmt: skip
    ),
)

BY_NAME: dict[str, Template] = {t.name: t for t in TEMPLATES}
FILENAMES: dict[str, Template] = {t.filename: t for t in TEMPLATES}

#: Values a yes/no column takes.
TRUE_VALUES = frozenset({"yes", "y", "true", "1"})
FALSE_VALUES = frozenset({"no", "n", "false", "0", ""})


def blank_template(template: Template) -> str:
    """The header line of an empty template."""
    return ",".join(template.column_names) + "\n"


def markdown_table(template: Template) -> str:
    """The column table for the guide."""
    lines = ["| Column | Required | What it holds | Values | Example |", "|---|---|---|---|---|"]
    for c in template.columns:
        lines.append(
            f"| `{c.name}` | {'Yes' if c.required else 'No'} | {c.description} | {c.kind_text} | "
            f"{f'`{c.example}`' if c.example else ''} |"
        )
    return "\n".join(lines)
