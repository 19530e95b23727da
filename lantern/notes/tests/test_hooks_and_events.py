"""What case notes add elsewhere: the child record's panel and link, My work's draft reminders,
and the chronology's events (final notes only, with the significant flag)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.casework.models import CINEpisode
from lantern.casework.selectors import work_items
from lantern.core.chronology import COLUMNS, event_values, sources
from lantern.notes import services
from lantern.notes.models import CaseNote

pytestmark = pytest.mark.django_db

FINAL = {"title": "Phone call with school", "body": "Late three times.", "occurred_on": date(2026, 2, 3)}


def _final(world, child="own", author="sw_north", **overrides):
    fields = {**FINAL, "note_type": "phone_call", **overrides}
    return services.case_note_finalise(child=world.children[child], author=world.users[author], **fields)


def _note_source():
    return next(s for s in sources() if s.kind == "note")


def test_chronology_reads_final_notes_with_the_significant_flag(world):
    child = world.children["own"]
    plain = _final(world)
    significant = _final(world, title="Police called", significant=True, significant_category="police_involvement")
    services.case_note_save_draft(child=child, author=world.users["sw_north"], title="A draft")
    _final(world, child="team", author="sw_north_2", title="Another child")
    source = _note_source()
    assert source.group == "note"
    rows = {r["ev_object"]: r for r in source.rows().filter(ev_child=child.pk)}
    assert set(rows) == {plain.pk, significant.pk}
    assert set(rows[plain.pk]) == set(COLUMNS)
    assert rows[plain.pk]["ev_title"] == "Case note: Phone call with school (phone call)"
    assert rows[plain.pk]["ev_on"] == date(2026, 2, 3)
    assert rows[plain.pk]["ev_detail"] == "Late three times."
    assert rows[plain.pk]["ev_actor"] == world.users["sw_north"].get_full_name()
    assert rows[plain.pk]["ev_significant"] is False and rows[significant.pk]["ev_significant"] is True
    assert source.url(child.pk, plain.pk) == reverse("notes:note", args=[child.pk, plain.pk])


def test_chronology_notes_union_with_another_source_and_filter_significant(world):
    child = world.children["own"]
    _final(world)
    _final(world, title="Hospital", significant=True, significant_category="hospital_attendance")
    referrals = event_values(
        CINEpisode.objects.all(), child="child_id", on="referral_date", kind="referral", title="Referral",
        object_id="pk",
    )  # fmt: skip
    rows = list(
        _note_source()
        .rows()
        .filter(ev_child=child.pk)
        .union(referrals.filter(ev_child=child.pk), all=True)
        .order_by("-ev_on", "ev_kind")
    )
    assert [r["ev_kind"] for r in rows] == ["note", "note", "referral"]
    significant = [r for r in rows if r["ev_significant"]]
    assert [r["ev_title"] for r in significant] == ["Case note: Hospital (phone call)"]


def test_corrected_note_shows_its_corrected_text_in_the_chronology(world):
    note = _final(world)
    services.case_note_correct(
        note=note, by=world.users["sw_north"], reason="Date", **{**FINAL, "note_type": "meeting", "title": "Meeting"}
    )
    row = _note_source().rows().get(ev_object=note.pk)
    assert row["ev_title"] == "Case note: Meeting (meeting)"


def test_child_record_shows_latest_notes_and_a_link(client, world):
    child = world.children["own"]
    for n in range(7):
        _final(world, title=f"Note number {n}", occurred_on=date(2026, 1, 1) + timedelta(days=n))
    _final(world, title="Court hearing", occurred_on=date(2026, 2, 1), significant=True, significant_category="court")
    client.force_login(world.users["sw_north"])
    page = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert 'id="case-notes"' in page and reverse("notes:list", args=[child.pk]) in page
    assert "Court hearing" in page and "Note number 6" in page and "Note number 2" not in page
    assert "Write a case note" in page
    client.force_login(world.users["inspector"])
    page = client.get(reverse("casework:child", args=[child.pk])).content.decode()
    assert "Court hearing" in page and "Write a case note" not in page


def test_panel_costs_the_same_whatever_the_number_of_notes(client, world, django_assert_max_num_queries):
    child = world.children["own"]
    client.force_login(world.users["sw_north"])
    _final(world)
    url = reverse("casework:child", args=[child.pk])
    client.get(url)  # warm the settings cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(10):
        _final(world, title=f"More {n}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def _age(note, days):
    CaseNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_my_work_reminds_the_author_of_drafts_left_since_yesterday(world):
    child = world.children["own"]
    author = world.users["sw_north"]
    old = services.case_note_save_draft(child=child, author=author, title="Visit notes")
    _age(old, 2)
    fresh = services.case_note_save_draft(child=child, author=author, title="Today")
    finished = services.case_note_save_draft(child=child, author=author, title="Finished")
    _age(finished, 3)
    services.case_note_finalise(child=child, author=author, note=finished, **FINAL, note_type="other")
    items = [i for i in work_items(author) if i.kind == "note"]
    assert [i.url for i in items] == [reverse("notes:edit", args=[child.pk, old.pk])]
    assert items[0].what == "Finish your draft case note: Visit notes"
    assert items[0].state(timezone.localdate()) == "overdue"
    assert fresh.pk not in [int(i.url.rstrip("/").split("/")[-2]) for i in items]
    # Nobody else is reminded of someone's draft, not even their manager.
    assert not [i for i in work_items(world.users["tm_north"], team=True) if i.kind == "note"]


def test_my_work_draft_reminders_are_one_query(world, django_assert_num_queries):
    from lantern.notes.hooks import draft_work_items

    child = world.children["own"]
    author = world.users["sw_north"]
    for n in range(5):
        _age(services.case_note_save_draft(child=child, author=author, title=f"Draft {n}"), 3)
    draft_work_items(user=author, child_ids=[child.pk], team=False, today=timezone.localdate())  # settings cache
    with django_assert_num_queries(1):
        items = draft_work_items(user=author, child_ids=[child.pk], team=False, today=timezone.localdate())
    assert len(items) == 5


def test_draft_reminder_waits_for_the_councils_setting(world):
    from lantern.core.local_settings import set_setting

    set_setting("note_draft_days", 3)
    child = world.children["own"]
    draft = services.case_note_save_draft(child=child, author=world.users["sw_north"], title="Draft")
    _age(draft, 2)
    assert not [i for i in work_items(world.users["sw_north"]) if i.kind == "note"]
    _age(draft, 4)
    assert [i for i in work_items(world.users["sw_north"]) if i.kind == "note"]
