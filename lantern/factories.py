"""Small, explicit builders for tests: each makes valid records through the models, with
sensible defaults that a test overrides where it matters."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache

from django.contrib.auth.hashers import make_password

from lantern.casework.models import ChildProtectionPlan, CINEpisode, EarlyHelpEpisode
from lantern.core import codes
from lantern.core.identifiers import SYNTHETIC_NHS_BASE, make_nhs_number, make_upn
from lantern.people.models import Child, Person, Relationship, RelationshipType
from lantern.workforce.models import Allocation, AllocationReason, AllocationRole, Role, Service, Team, TeamType, Worker

_counter = itertools.count(1)
PASSWORD = "a-long-test-password-1"


@cache
def _hashed(password: str) -> str:
    return make_password(password)


def _n() -> int:
    return next(_counter)


def make_service(name: str | None = None) -> Service:
    return Service.objects.create(name=name or f"Service {_n()}")


def make_team(name: str | None = None, *, service: Service | None = None, type: str = TeamType.LOCALITY) -> Team:
    return Team.objects.create(name=name or f"Team {_n()}", type=type, service=service or make_service())


def make_worker(
    username: str | None = None,
    *,
    role: str = Role.SOCIAL_WORKER,
    team: Team | None = None,
    service: Service | None = None,
    password: str = PASSWORD,
    **extra,
) -> Worker:
    n = _n()
    worker = Worker(
        username=username or f"worker{n}",
        first_name=extra.pop("first_name", "Sam"),
        last_name=extra.pop("last_name", f"Worker{n}"),
        role=role,
        team=team,
        service=service,
        **extra,
    )
    # Hash each distinct test password once (argon2 is deliberately slow); still a real argon2 hash.
    worker.password = _hashed(password)
    worker.save()
    return worker


def make_person(**fields) -> Person:
    n = _n()
    defaults = {
        "first_name": "Alex",
        "last_name": f"Test{n}",
        "date_of_birth": date(2015, 6, 1),
        "sex": codes.Sex.FEMALE,
        "ethnicity": codes.Ethnicity.WBRI,
    }
    defaults.update(fields)
    return Person.objects.create(**defaults)


def make_child(*, restricted: bool = False, **person_fields) -> Child:
    n = _n()
    child_fields = {
        key: person_fields.pop(key)
        for key in ("la_child_id", "upn", "nhs_number", "upn_unknown", "former_upn")
        if key in person_fields
    }
    person = make_person(**person_fields)
    child_fields.setdefault("la_child_id", f"TC{n:07d}")
    child_fields.setdefault("upn", make_upn(888, 2000 + n % 1000, n))
    child_fields.setdefault("nhs_number", make_nhs_number(SYNTHETIC_NHS_BASE + n * 7))
    return Child.objects.create(
        person=person,
        restricted=restricted,
        restriction_reason="Relative of a member of staff" if restricted else "",
        **child_fields,
    )


def allocate(
    child: Child,
    *,
    team: Team,
    worker: Worker | None = None,
    role: str = AllocationRole.LEAD,
    start: date = date(2026, 1, 5),
    end: date | None = None,
    start_reason: str = AllocationReason.NEW_CASE,
    end_reason: str = "",
) -> Allocation:
    if end and not end_reason:
        end_reason = AllocationReason.CASE_PROGRESSION
    return Allocation.objects.create(
        child=child,
        team=team,
        worker=worker,
        role=role,
        start_date=start,
        end_date=end,
        start_reason=start_reason,
        end_reason=end_reason,
    )


def relate(person: Person, relative: Person, type: str, **fields) -> Relationship:
    return Relationship.objects.create(person=person, relative=relative, type=type, **fields)


def make_siblings(*children: Child, type: str = RelationshipType.SIBLING) -> None:
    for i, a in enumerate(children):
        for b in children[i + 1 :]:
            relate(a.person, b.person, type)


def open_cin_episode(child: Child, *, referral_date: date = date(2026, 1, 5), **fields) -> CINEpisode:
    defaults = {"referral_source": "2A", "primary_need": "N1"}
    defaults.update(fields)
    return CINEpisode.objects.create(child=child, referral_date=referral_date, **defaults)


def open_cp_plan(child: Child, episode: CINEpisode, *, start: date = date(2026, 2, 2)) -> ChildProtectionPlan:
    return ChildProtectionPlan.objects.create(
        child=child, episode=episode, start_date=start, initial_category="NEG", latest_category="NEG"
    )


def open_early_help(child: Child, *, start: date = date(2025, 9, 1), team: Team | None = None) -> EarlyHelpEpisode:
    return EarlyHelpEpisode.objects.create(child=child, start_date=start, team=team)
