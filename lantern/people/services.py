"""Writes to people's records. Each function is one transaction; history is kept by
django-simple-history on every changed row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lantern.core import codes, dates
from lantern.core.versions import lock_current
from lantern.people.models import Child, ChildDisability, Person

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
    loaded_version: int | None = None,
) -> list[str]:
    """Update identity details; returns the names of the fields that changed. `loaded_version` is
    the child's version the page showed (lantern/core/versions.py): if anyone saved the identity
    since, `StaleVersion` says who and when, and nothing is saved. Any change saves the child row,
    so a change to the person's names or to disabilities moves the version too."""
    values = locals()
    problems = dates.birth_problems(
        child=child, name=first_name, date_of_birth=date_of_birth, expected_date_of_birth=expected_date_of_birth
    )
    if problems:
        raise ValidationError(problems)
    lock_current(child, loaded=loaded_version)
    person = child.person
    person.refresh_from_db()
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
    if changed and not any(f in CHILD_FIELDS for f in changed):
        child.save()  # the identity's version is the child's: a names-only change moves it too
    return changed


def child_identity_errors(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    expected_date_of_birth: date | None,
    sex: str,
    ethnicity: str,
) -> dict[str, str]:
    """What is wrong with a new child's identity, by field (empty if nothing). Every route that
    creates a child checks these: the new-child form and onboarding."""
    errors: dict[str, str] = {}
    if not first_name:
        errors["first_name"] = "Enter a first name"
    if not last_name:
        errors["last_name"] = "Enter a last name"
    if date_of_birth and expected_date_of_birth:
        errors["expected_date_of_birth"] = "Enter a date of birth or an expected date of birth, not both"
    elif not date_of_birth and not expected_date_of_birth:
        errors["date_of_birth"] = "Enter a date of birth, or an expected date of birth if unborn"
    elif problems := dates.birth_problems(
        name=first_name, date_of_birth=date_of_birth, expected_date_of_birth=expected_date_of_birth
    ):
        errors.update(problems)
    elif expected_date_of_birth and sex != codes.Sex.UNKNOWN:
        errors["sex"] = "Select 'Unknown or unborn' for an unborn child"
    if sex not in codes.Sex.values:
        errors["sex"] = "Select the child's sex"
    if ethnicity not in codes.Ethnicity.values:
        errors["ethnicity"] = "Select the child's ethnicity"
    return errors


LA_CHILD_ID_PREFIX = "LC"
_LA_CHILD_ID_DIGITS = 7


def _next_la_child_id() -> str:
    """The next generated LA child ID: "LC" and 7 digits, one more than the highest in use."""
    highest = (
        Child.objects.filter(la_child_id__regex=rf"^{LA_CHILD_ID_PREFIX}[0-9]{{{_LA_CHILD_ID_DIGITS}}}$")
        .order_by("-la_child_id")
        .values_list("la_child_id", flat=True)
        .first()
    )
    number = int(highest[len(LA_CHILD_ID_PREFIX) :]) + 1 if highest else 1
    if number >= 10**_LA_CHILD_ID_DIGITS:
        raise ValidationError("Generated LA child IDs have run out: ask an administrator to widen the number range")
    return f"{LA_CHILD_ID_PREFIX}{number:0{_LA_CHILD_ID_DIGITS}d}"


@transaction.atomic
def child_create(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    expected_date_of_birth: date | None,
    sex: str,
    ethnicity: str,
    created_by,
) -> Child:
    """Create a person and their child record with a generated LA child ID ("LC" + 7 digits).

    `created_by` is recorded in the history (django-simple-history's request middleware does
    this for web requests; here it is set explicitly so scripts and tests record it too)."""
    first_name, last_name = first_name.strip(), last_name.strip()
    errors = child_identity_errors(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
    )
    if errors:
        raise ValidationError(errors)
    person = Person(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
    )
    person._history_user = created_by
    person.save()
    # Another worker may take the same number at the same moment: try the next one.
    for _attempt in range(5):
        child = Child(person=person, la_child_id=_next_la_child_id())
        child._history_user = created_by
        try:
            with transaction.atomic():
                child.save(force_insert=True)
        except IntegrityError:
            continue
        return child
    raise ValidationError("A new LA child ID could not be generated. Try again.")
