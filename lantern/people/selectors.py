"""Reads about people: a child's family network and household. Callers pass a child that
has already come through the access layer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from lantern.people.models import (
    INVERSE_LABELS,
    SYMMETRIC_RELATIONSHIPS,
    Address,
    Child,
    HouseholdMember,
    Person,
    Relationship,
    RelationshipType,
)

SIBLING_TYPES = (RelationshipType.SIBLING, RelationshipType.HALF_SIBLING)


@dataclass(frozen=True)
class FamilyMember:
    person: Person
    relationship: str  # how this person relates to the child, e.g. "Mother", "Half-sibling"
    type: str
    parental_responsibility: bool
    lives_with: bool
    is_child_record: bool  # has their own child record (siblings link to it)


def family_of(child: Child) -> list[FamilyMember]:
    """Everyone linked to the child by a relationship, read from either end, in one query."""
    me = child.pk
    rows = (
        Relationship.objects.filter(Q(person_id=me) | Q(relative_id=me), end_date__isnull=True)
        .select_related("person", "relative", "person__child", "relative__child")
        .order_by("type", "pk")
    )
    members: list[FamilyMember] = []
    for rel in rows:
        if rel.relative_id == me:
            other, label = rel.person, rel.get_type_display()
        else:
            other = rel.relative
            label = rel.get_type_display() if rel.type in SYMMETRIC_RELATIONSHIPS else INVERSE_LABELS[rel.type]
        members.append(
            FamilyMember(
                person=other,
                relationship=label,
                type=rel.type,
                parental_responsibility=rel.parental_responsibility and rel.relative_id == me,
                lives_with=rel.lives_with,
                is_child_record=hasattr(other, "child"),
            )
        )
    order = {t: i for i, t in enumerate(RelationshipType.values)}
    members.sort(
        key=lambda m: (order.get(m.type, 99), m.person.date_of_birth or m.person.expected_date_of_birth or date.min)
    )
    return members


def current_address(child: Child) -> Address | None:
    """The current address of the household the child lives in now."""
    household_ids = HouseholdMember.objects.filter(person_id=child.pk, end_date__isnull=True).values("household_id")
    return (
        Address.objects.filter(household_id__in=household_ids, end_date__isnull=True)
        .order_by("-start_date", "-pk")
        .first()
    )


def address_history(child: Child) -> list[Address]:
    household_ids = HouseholdMember.objects.filter(person_id=child.pk).values("household_id")
    return list(Address.objects.filter(household_id__in=household_ids).order_by("-start_date", "-pk"))
