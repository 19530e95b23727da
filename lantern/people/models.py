"""People: children, their relatives and carers, relationships and households.

A child is a person with a child record (LA child ID and the census identifiers). Relatives and
carers are people too, linked by typed relationships. Households carry addresses over time.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from lantern.core import codes


class Person(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=codes.Sex.choices, default=codes.Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=codes.Ethnicity.choices, default=codes.Ethnicity.NOBT)
    first_language = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["expected_date_of_birth"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="person_not_both_birth_dates",
                condition=Q(date_of_birth__isnull=True) | Q(expected_date_of_birth__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, day: date) -> int | None:
        """Whole years of age on `day`, or None if unborn or date of birth unknown."""
        dob = self.date_of_birth
        if dob is None:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on(date.today())


class Child(models.Model):
    """The child record. Its primary key is the person's id, so /children/<id>/ is stable."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, primary_key=True, related_name="child")
    la_child_id = models.CharField("LA child ID", max_length=20, unique=True)
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True)
    former_upn = models.CharField("Former UPN", max_length=13, blank=True, db_index=True)
    upn_unknown = models.CharField("Reason UPN unknown", max_length=3, blank=True, choices=codes.UPNUnknown.choices)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    restricted = models.BooleanField(
        default=False,
        help_text="Only people on the record's access list may see a restricted record.",
    )
    restriction_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "children"
        constraints = [
            models.CheckConstraint(
                name="child_restriction_has_reason",
                condition=Q(restricted=False) | ~Q(restriction_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} ({self.la_child_id})"

    @property
    def id(self) -> int:
        return self.person_id


class ChildDisability(models.Model):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="disabilities")
    code = models.CharField(max_length=4, choices=codes.Disability.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "code"], name="child_disability_unique")]

    def __str__(self) -> str:
        return self.get_code_display()


class RelationshipType(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    CARER = "carer", "Carer"
    OTHER = "other", "Other"


#: Relationship types that read the same in both directions.
SYMMETRIC_RELATIONSHIPS = frozenset({RelationshipType.SIBLING, RelationshipType.HALF_SIBLING})

#: How a relationship reads from the other end ("X is mother of Y" -> "Y is child of X").
INVERSE_LABELS = {
    RelationshipType.MOTHER: "Child",
    RelationshipType.FATHER: "Child",
    RelationshipType.STEP_PARENT: "Step-child",
    RelationshipType.GRANDPARENT: "Grandchild",
    RelationshipType.CARER: "Cared for",
    RelationshipType.OTHER: "Other",
    RelationshipType.SIBLING: "Sibling",
    RelationshipType.HALF_SIBLING: "Half-sibling",
}


class Relationship(models.Model):
    """`person` is `type` of `relative` - e.g. person=Mum, type=mother, relative=child."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_from")
    relative = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_to")
    type = models.CharField(max_length=20, choices=RelationshipType.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with = models.BooleanField(default=False)
    notes = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "type"], name="relationship_unique"),
            models.CheckConstraint(name="relationship_not_self", condition=~Q(person=models.F("relative"))),
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.get_type_display().lower()} of {self.relative}"


class Household(models.Model):
    name = models.CharField(max_length=120, help_text="A label, e.g. 'Mum's home'.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["person", "end_date"])]
        constraints = [
            models.CheckConstraint(
                name="household_member_dates",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"


class Address(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="addresses")
    line1 = models.CharField("Address line 1", max_length=120)
    line2 = models.CharField("Address line 2", max_length=120, blank=True)
    town = models.CharField(max_length=80)
    postcode = models.CharField(max_length=10)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["household", "end_date"])]
        constraints = [
            models.CheckConstraint(
                name="address_dates", condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)
