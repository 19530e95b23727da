"""Write a council's records into the onboarding templates (schema.py): the round trip's first half,
and how the sample files in lantern/onboarding/samples/ are made.

What is written: every active team; every worker (leavers marked, so their notes keep an author);
every child; the relatives and carers related to them or living with them; their relationships,
households, addresses and household members; open CIN episodes; open allocations; current CIN
plans of children with an open episode, with their outcomes; final case notes. References are
made from Lantern's keys (P<id> for a relative, H<id> for a household, PL<id> for a plan).
Rows are read with `.iterator()` and written as they are read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.db.models import Q

from lantern.casework.models import CINEpisode, CINPlanChild, PlanOutcome
from lantern.notes.models import CaseNote, NoteStatus
from lantern.onboarding import schema
from lantern.people.models import Address, Child, ChildDisability, HouseholdMember, Person, Relationship
from lantern.returns.census.importer import SYSTEM_USERNAME
from lantern.workforce.models import Allocation, Role, Team, Worker

CHUNK = 2000


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(value)
    return str(value)


def write_template(path: Path, template: schema.Template, rows: Iterable[dict]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(template.column_names)
        for row in rows:
            writer.writerow([_cell(row.get(name)) for name in template.column_names])
            count += 1
    return count


def write_blank_templates(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for template in schema.TEMPLATES:
        (folder / template.filename).write_text(schema.blank_template(template), encoding="utf-8")


def _ref(pk: int, la_ids: dict[int, str]) -> str:
    return la_ids.get(pk) or f"P{pk}"


def export_council(folder: Path) -> dict[str, int]:
    """Write every template into `folder`; returns the rows written per file."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def write(name: str, rows: Iterable[dict]) -> None:
        template = schema.BY_NAME[name]
        counts[template.filename] = write_template(folder / template.filename, template, rows)

    write("teams", (
        {"team": name, "type": kind, "service": service}
        for name, kind, service in Team.objects.filter(active=True).order_by("name")
        .values_list("name", "type", "service__name")
    ))  # fmt: skip
    workers = Worker.objects.exclude(username=SYSTEM_USERNAME).exclude(is_superuser=True).order_by("username")
    write("staff", (
        {"username": w.username, "first_name": w.first_name, "last_name": w.last_name, "email": w.email,
         "role": w.role, "team": w.team.name if w.team_id else "", "job_title": w.job_title,
         "service": w.service.name if w.service_id and w.role == Role.SERVICE_MANAGER else "",
         "has_left": not w.is_active}
        for w in workers.select_related("team", "service").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    la_ids = dict(Child.objects.values_list("person_id", "la_child_id"))
    disabilities: dict[int, list[str]] = {}
    for child_id, code in ChildDisability.objects.order_by("child_id", "code").values_list("child_id", "code"):
        disabilities.setdefault(child_id, []).append(code)

    def children():
        for c in Child.objects.select_related("person").order_by("la_child_id").iterator(chunk_size=CHUNK):
            p = c.person
            yield {
                "la_child_id": c.la_child_id, "first_name": p.first_name, "last_name": p.last_name,
                "preferred_name": p.preferred_name, "date_of_birth": p.date_of_birth,
                "expected_date_of_birth": p.expected_date_of_birth, "date_of_death": p.date_of_death, "sex": p.sex,
                "ethnicity": p.ethnicity, "first_language": p.first_language, "upn": c.upn,
                "former_upn": c.former_upn, "upn_unknown": c.upn_unknown, "nhs_number": c.nhs_number,
                "disabilities": disabilities.get(c.pk, []),
            }  # fmt: skip

    write("children", children())
    children_q = Q(person__child__isnull=False) | Q(relative__child__isnull=False)
    relationships = Relationship.objects.filter(children_q)
    households = HouseholdMember.objects.filter(person__child__isnull=False).values("household_id")
    members = HouseholdMember.objects.filter(household_id__in=households)
    related = (
        set(relationships.values_list("person_id", flat=True))
        | set(relationships.values_list("relative_id", flat=True))
        | set(members.values_list("person_id", flat=True))
    ) - set(la_ids)
    write("relatives", (
        {"person_ref": f"P{p.pk}", "first_name": p.first_name, "last_name": p.last_name,
         "date_of_birth": p.date_of_birth, "sex": p.sex, "ethnicity": p.ethnicity,
         "first_language": p.first_language, "phone": p.phone}
        for p in Person.objects.filter(pk__in=sorted(related)).order_by("pk").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    write("relationships", (
        {"person_ref": _ref(r.person_id, la_ids), "relationship": r.type, "relative_ref": _ref(r.relative_id, la_ids),
         "parental_responsibility": r.parental_responsibility, "lives_with": r.lives_with, "notes": r.notes}
        for r in relationships.order_by("pk").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    write("addresses", (
        {"household_ref": f"H{a.household_id}", "household_name": a.household.name, "line1": a.line1,
         "line2": a.line2, "town": a.town, "postcode": a.postcode, "start_date": a.start_date,
         "end_date": a.end_date}
        for a in Address.objects.filter(household_id__in=households).select_related("household")
        .order_by("household_id", "start_date", "pk").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    write("household_members", (
        {"household_ref": f"H{m.household_id}", "person_ref": _ref(m.person_id, la_ids), "start_date": m.start_date,
         "end_date": m.end_date}
        for m in members.order_by("household_id", "pk").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    write("episodes", (
        {"la_child_id": la_ids[e.child_id], "referral_date": e.referral_date, "referral_source": e.referral_source,
         "primary_need": e.primary_need, "team": e.team.name if e.team_id else ""}
        for e in CINEpisode.objects.filter(closure_date__isnull=True).select_related("team").order_by("child_id")
        .iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    write("allocations", (
        {"la_child_id": la_ids[a.child_id], "team": a.team.name, "worker": a.worker.username if a.worker_id else "",
         "role": a.role, "start_date": a.start_date, "start_reason": a.start_reason}
        for a in Allocation.objects.filter(end_date__isnull=True).select_related("team", "worker")
        .order_by("child_id", "pk").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    sections = CINPlanChild.objects.filter(
        start_date__isnull=False, end_date__isnull=True, child__cin_episodes__closure_date__isnull=True
    )
    write("plans", (
        {"plan_ref": f"PL{s.plan_id}", "la_child_id": la_ids[s.child_id], "title": s.plan.title,
         "start_date": s.plan.start_date or s.start_date, "next_review_date": s.plan.next_review_date,
         "author": s.plan.author.username, "needs": s.needs}
        for s in sections.select_related("plan__author").order_by("plan_id", "child_id").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    write("plan_outcomes", (
        {"plan_ref": f"PL{o.section.plan_id}", "la_child_id": la_ids[o.section.child_id],
         "description": o.description, "measure": o.measure, "target_date": o.target_date,
         "baseline_score": o.baseline_score}
        for o in PlanOutcome.objects.filter(section__in=sections).select_related("section")
        .order_by("section__plan_id", "section__child_id", "pk").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    write("case_notes", (
        {"la_child_id": la_ids[n.child_id], "occurred_on": n.occurred_on, "author": n.author.username,
         "note_type": n.note_type, "title": n.title, "body": n.body,
         "significant_category": n.significant_category if n.significant else ""}
        for n in CaseNote.objects.filter(status=NoteStatus.FINAL).select_related("author")
        .order_by("child_id", "occurred_on", "pk").iterator(chunk_size=CHUNK)
    ))  # fmt: skip
    return counts
