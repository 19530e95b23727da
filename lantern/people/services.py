"""Writes to people's records. Each function is one transaction; history is kept by
django-simple-history on every changed row."""

from datetime import date

from django.db import transaction

from lantern.people.models import Child, ChildDisability

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "first_language",
)
CHILD_FIELDS = ("la_child_id", "upn", "upn_unknown", "nhs_number")


@transaction.atomic
def child_update_identity(
    *,
    child: Child,
    first_name: str,
    last_name: str,
    preferred_name: str,
    la_child_id: str,
    upn: str,
    upn_unknown: str,
    nhs_number: str,
    date_of_birth: date | None,
    expected_date_of_birth: date | None,
    sex: str,
    ethnicity: str,
    first_language: str,
    disabilities: list[str],
) -> list[str]:
    """Update identity details; returns the names of the fields that changed."""
    values = locals()
    person = child.person
    changed = [f for f in PERSON_FIELDS if getattr(person, f) != values[f]]
    changed += [f for f in CHILD_FIELDS if getattr(child, f) != values[f]]
    for f in PERSON_FIELDS:
        setattr(person, f, values[f])
    for f in CHILD_FIELDS:
        setattr(child, f, values[f])
    if any(f in PERSON_FIELDS for f in changed):
        person.save()
    if any(f in CHILD_FIELDS for f in changed):
        child.save()
    current = set(child.disabilities.values_list("code", flat=True))
    wanted = set(disabilities)
    if current != wanted:
        # One row at a time so the history keeps each removal and addition.
        for row in ChildDisability.objects.filter(child=child, code__in=current - wanted):
            row.delete()
        for code in sorted(wanted - current):
            ChildDisability.objects.create(child=child, code=code)
        changed.append("disabilities")
    return changed
