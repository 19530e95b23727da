"""Two people editing the same thing: the second save never silently undoes the first (issue 12).

Seen before the fix, 7 cases out of 7: child identity, a visit, direct work, a plan section, an
assessment draft, a note correction and an oversight draft. Every edit form now carries the
version it was loaded from (lantern/core/versions.py); a save on a stale version is refused with
who changed it and when, the user's own text stays on the page, and saving again from that page
is a deliberate overwrite.

Each test drives the real pages: both people open the form, the first saves, the second saves
what they typed on the page they loaded.
"""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from lantern.casework import services
from lantern.casework.models import Assessment, CINPlanChild
from lantern.casework.tests.test_assessments import _complete, _start
from lantern.casework.tests.test_plans import make_plan
from lantern.notes import services as notes_services
from lantern.notes.models import CaseNote
from lantern.oversight import services as oversight_services
from lantern.oversight.models import OversightEntry
from lantern.recording.models import DirectWorkSession, Visit
from lantern.recording.tests.helpers import make_session, make_visit


class _FormReader(HTMLParser):
    """The values a browser would post from the page's form that carries a version."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form = True
            self.forms.append({})
        if not self._in_form:
            return
        values = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    values.setdefault(name, []).append(a.get("value") or "on")
                else:
                    values.setdefault(name, [])
            elif kind not in ("submit", "button"):
                values.setdefault(name, []).append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            values.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            values[self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea][-1] += data.lstrip("\n") if not self.forms[-1][self._textarea][-1] else data


def form_data(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    reader = _FormReader()
    reader.feed(response.content.decode())
    (form,) = [f for f in reader.forms if "version" in f]
    assert form["version"][0], "the page carries the version it was loaded from"
    return {name: values for name, values in form.items() if values}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def check_no_silent_overwrite(first: Client, second: Client, url: str, field: str, saved, extra=None):
    """`second` opens the page, `first` opens it and saves; `second` then saves what they typed:
    refused, told who and when, their text kept; saving again from that page keeps their text."""
    extra = extra or {}
    second_page = form_data(second.get(url))
    first_page = form_data(first.get(url))
    first_page.update({field: ["First person's words, saved first."], **extra})
    assert first.post(url, first_page).status_code == 302
    assert saved() == "First person's words, saved first."

    second_page.update({field: ["Second person's words, typed on an older page."], **extra})
    refused = second.post(url, second_page)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "saved a change" in body and "after you opened this page" in body
    assert "Second person&#x27;s words, typed on an older page." in body  # nothing typed is lost
    assert saved() == "First person's words, saved first."  # and nothing was overwritten

    again = form_data(refused)  # the page now carries the newer version: saving again is deliberate
    assert again[field] == ["Second person's words, typed on an older page."]
    assert second.post(url, again).status_code == 302
    assert saved() == "Second person's words, typed on an older page."


def test_child_identity(world):
    child = world.children["own"]
    url = reverse("casework:child_identity_edit", args=[child.pk])
    check_no_silent_overwrite(
        _client(world.users["sw_north"]),
        _client(world.users["tm_north"]),
        url,
        "preferred_name",
        lambda: child.person.__class__.objects.get(pk=child.person_id).preferred_name,
    )


def test_visit(world):
    child = world.children["own"]
    visit = make_visit(child, world.users["sw_north"], date(2026, 2, 3))
    check_no_silent_overwrite(
        _client(world.users["sw_north"]),
        _client(world.users["tm_north"]),
        reverse("recording:visit_edit", args=[child.pk, visit.pk]),
        "observations",
        lambda: Visit.objects.get(pk=visit.pk).observations,
    )


def test_direct_work(world):
    child = world.children["own"]
    session = make_session(child, world.users["sw_north"], date(2026, 2, 3))
    check_no_silent_overwrite(
        _client(world.users["sw_north"]),
        _client(world.users["tm_north"]),
        reverse("recording:direct_work_edit", args=[child.pk, session.pk]),
        "reflection",
        lambda: DirectWorkSession.objects.get(pk=session.pk).reflection,
    )


def test_plan_section(world):
    child = world.children["own"]
    plan = make_plan(world, child)
    section = plan.children.get()
    check_no_silent_overwrite(
        _client(world.users["sw_north"]),
        _client(world.users["tm_north"]),
        reverse("casework:plan_section_edit", args=[child.pk, plan.pk, section.pk]),
        "needs",
        lambda: CINPlanChild.objects.get(pk=section.pk).needs,
    )


def test_assessment_draft(world):
    child = world.children["own"]
    assessment = _start(world)
    _complete(assessment)
    check_no_silent_overwrite(
        _client(world.users["sw_north"]),
        _client(world.users["tm_north"]),
        reverse("casework:assessment", args=[child.pk, assessment.pk]),
        "analysis",
        lambda: Assessment.objects.get(pk=assessment.pk).analysis,
    )


def test_note_correction(world):
    child = world.children["own"]
    note = notes_services.case_note_finalise(
        child=child,
        author=world.users["sw_north"],
        title="Phone call with school",
        body="Late three times.",
        occurred_on=date(2026, 2, 3),
        note_type="phone_call",
    )
    check_no_silent_overwrite(
        _client(world.users["sw_north"]),
        _client(world.users["tm_north"]),
        reverse("notes:correct", args=[child.pk, note.pk]),
        "body",
        lambda: CaseNote.objects.get(pk=note.pk).body,
        extra={"reason": ["The school gave the wrong week."]},
    )


def test_oversight_draft_in_two_tabs(world):
    """Only the author changes a draft, so the two editors are the same manager in two tabs."""
    child = world.children["own"]
    entry = oversight_services.oversight_entry_create(
        child=child,
        author=world.users["tm_north"],
        direction="Visit weekly until the review.",
        rationale="Attendance is falling.",
        sign=False,
    )
    check_no_silent_overwrite(
        _client(world.users["tm_north"]),
        _client(world.users["tm_north"]),
        reverse("oversight:entry_edit", args=[child.pk, entry.pk]),
        "direction",
        lambda: OversightEntry.objects.get(pk=entry.pk).direction,
    )


def test_a_save_without_a_version_is_not_checked_but_a_service_caller_can_ask(world):
    """Seeders and imports pass no version; a page always does, and an old one is refused."""
    from lantern.core.versions import StaleVersion, current_version

    plan = make_plan(world, world.children["own"])
    section = plan.children.get()
    loaded = current_version(section)
    fields = {"child_views": "", "family_views": "", "contingency": "", "contingency_by": None}
    services.plan_section_update(section=section, needs="Saved by an import.", **fields)
    with pytest.raises(StaleVersion, match="saved a change"):
        services.plan_section_update(section=section, needs="From an old page.", loaded_version=loaded, **fields)
    assert CINPlanChild.objects.get(pk=section.pk).needs == "Saved by an import."
