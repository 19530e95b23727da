"""Free text has a limit, held at the model's save (lantern/core/text.py): every service, page,
import and script is refused the same way, and the forms show the message by the field."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lantern.casework.models import Contact
from lantern.core.text import LONG_TEXT_MAX, TEXT_MAX
from lantern.notes import services as notes
from lantern.notes.models import CaseNote
from lantern.recording.models import Visit
from lantern.recording.tests.helpers import make_visit

pytestmark = pytest.mark.django_db


def _note(world, body):
    return notes.case_note_finalise(
        child=world.children["own"],
        author=world.users["sw_north"],
        title="Phone call with school",
        body=body,
        occurred_on=date(2026, 2, 3),
        note_type="phone_call",
    )


def test_a_case_note_of_100000_characters_is_refused_and_one_of_20000_kept(world):
    with pytest.raises(ValidationError) as refused:
        _note(world, "x" * 100_000)
    assert refused.value.message_dict["body"] == ["What happened must be 20,000 characters or fewer (it has 100,000)"]
    assert not CaseNote.objects.exists()
    assert len(_note(world, "x" * LONG_TEXT_MAX).body) == LONG_TEXT_MAX


def test_a_visit_with_30000_characters_of_observations_is_refused_by_the_field(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.post(
        reverse("recording:visit_new", args=[child.pk]),
        {
            "visited_on_day": 2,
            "visited_on_month": 3,
            "visited_on_year": 2026,
            "start_time": "10:00",
            "visit_type": "other",
            "location": "home",
            "present": "Mum",
            "child_seen": "yes",
            "seen_alone": "no",
            "bedroom_seen": "yes",
            "observations": "y" * 30_000,
            "analysis": "Fine.",
            "next_steps": "None.",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="id_observations-error"' in body
    assert f"What was observed must be {TEXT_MAX:,} characters or fewer" in body
    assert not Visit.objects.exists()


def test_a_contact_concern_of_30000_characters_is_refused_by_the_field(client, world):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    response = client.post(
        reverse("casework:child_contact_new", args=[child.pk]),
        {
            "received_date_day": 2,
            "received_date_month": 3,
            "received_date_year": 2026,
            "received_time": "09:30",
            "source": "1A",
            "method": "phone",
            "contact_name": "Ms Patel",
            "concern": "z" * 30_000,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="id_concern-error"' in body
    assert "Concern must be 10,000 characters or fewer" in body
    assert not Contact.objects.exists()


def test_a_short_text_longer_than_its_column_is_refused_on_every_database(world):
    with pytest.raises(ValidationError) as refused:
        Contact.objects.create(child=world.children["own"], received_at="2026-03-02T10:00Z", source="1A",
                               contact_name="n" * 121)  # fmt: skip
    assert "Who made contact must be 120 characters or fewer" in refused.value.message_dict["contact_name"][0]


def test_text_stored_before_the_limit_does_not_stop_other_changes(world):
    visit = make_visit(world.children["own"], world.users["sw_north"], date(2026, 3, 2))
    Visit.objects.filter(pk=visit.pk).update(observations="o" * 50_000)  # an old row
    visit.refresh_from_db()
    visit.next_steps = "Visit again next week."
    visit.save()  # the long text is unchanged, so the save goes through
    visit.observations += "!"
    with pytest.raises(ValidationError):
        visit.save()
