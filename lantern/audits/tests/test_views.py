"""Audit pages by role, forms with errors by the field and nothing half-saved, the blind
moderation, actions to completion, samples, reports, and what audits add to other pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lantern import factories as f
from lantern.audits import services
from lantern.audits.events import SOURCES
from lantern.audits.models import Audit, AuditAction, AuditSample, AuditSectionGrade, AuditStatus, Grade, Moderation
from lantern.audits.tests.conftest import filled, moderated, submitted_audit
from lantern.casework.selectors import work_items
from lantern.testing import error_links, links_to

TODAY = timezone.localdate()


def _date(prefix: str, day) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _form_data(audit: Audit, **service_arguments) -> dict:
    """POST data for the audit form from service-style arguments."""
    data = {"overall_grade": service_arguments["overall_grade"], "summary": service_arguments["summary"]}
    for pk, (grade, findings) in service_arguments["grades"].items():
        data[f"section_{pk}_grade"] = grade
        data[f"section_{pk}_findings"] = findings
    for pk, (answer, comment) in service_arguments["answers"].items():
        data[f"question_{pk}"] = answer
        data[f"question_{pk}_comment"] = comment
    return data


# --- A child's audits and starting one ---------------------------------------------------------


@pytest.mark.parametrize("role", ["sw_north", "inspector"])
def test_workers_and_inspectors_read_a_childs_audits_but_cannot_start_one(client, world, role):
    audit = submitted_audit(world)
    own = world.children["own"]
    client.force_login(world.users[role])
    page = client.get(reverse("audits:child_audits", args=[own.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and reverse("audits:audit", args=[audit.pk]) in body
    assert "Start a case audit" not in body
    assert client.get(reverse("audits:child_audit_new", args=[own.pk])).status_code == 403
    assert client.post(reverse("audits:child_audit_new", args=[own.pk])).status_code == 403
    assert Audit.objects.count() == 1


def test_auditor_starts_an_audit_from_the_childs_page(client, world):
    own = world.children["own"]
    client.force_login(world.users["qa"])
    start = client.get(reverse("audits:child_audit_new", args=[own.pk]))
    assert start.status_code == 200 and "Start the audit" in start.content.decode()
    response = client.post(reverse("audits:child_audit_new", args=[own.pk]))
    audit = Audit.objects.get()
    assert response.status_code == 302 and response.url == reverse("audits:audit", args=[audit.pk])
    assert audit.auditor == world.users["qa"] and audit.status == AuditStatus.DRAFT


def test_a_draft_is_seen_only_by_its_auditor(client, world):
    audit = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    for role in ("leader", "sw_north", "tm_north"):
        client.force_login(world.users[role])
        assert client.get(reverse("audits:audit", args=[audit.pk])).status_code == 403
        listing = client.get(reverse("audits:child_audits", args=[audit.child_id])).content.decode()
        assert reverse("audits:audit", args=[audit.pk]) not in listing
    client.force_login(world.users["qa"])
    page = client.get(reverse("audits:audit", args=[audit.pk]))
    assert page.status_code == 200 and "Submit audit" in page.content.decode()


def test_a_submitted_audit_goes_through_the_access_layer(client, world):
    audit = submitted_audit(world)
    url = reverse("audits:audit", args=[audit.pk])
    client.force_login(world.users["sw_south"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["sw_north"])
    body = client.get(url).content.decode()
    assert "A well held case." in body and "Submit audit" not in body and "Add an action" not in body
    restricted = services.audit_create(child=world.children["restricted"], auditor=world.users["tm_north"])
    client.force_login(world.users["leader"])
    assert client.get(reverse("audits:audit", args=[restricted.pk])).status_code == 404
    assert client.get(reverse("audits:audit", args=[99999])).status_code == 404


# --- Filling in and submitting ------------------------------------------------------------------


def test_submitting_with_missing_grades_shows_errors_by_the_fields_and_saves_nothing(client, world):
    audit = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    client.force_login(world.users["qa"])
    arguments = filled(audit, grade=Grade.INADEQUATE, findings="")
    section = audit.template.sections.order_by("order").first()
    data = _form_data(audit, **arguments)
    data[f"section_{section.pk}_grade"] = ""
    data["summary"] = ""
    data["action"] = "submit"
    response = client.post(reverse("audits:audit", args=[audit.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert links_to(body, f"section_{section.pk}_grade") and links_to(body, "summary")
    second = audit.template.sections.order_by("order")[1]
    assert f"id_section_{second.pk}_findings" in error_links(body)
    assert "a grade below good needs them" in body
    assert not AuditSectionGrade.objects.filter(audit=audit).exclude(grade="").exists()
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.DRAFT


def test_saving_a_draft_keeps_what_was_entered_and_submitting_locks_it(client, world):
    audit = services.audit_create(child=world.children["own"], auditor=world.users["qa"])
    client.force_login(world.users["qa"])
    url = reverse("audits:audit", args=[audit.pk])
    section = audit.template.sections.order_by("order").first()
    partial = {f"section_{section.pk}_grade": Grade.GOOD, f"section_{section.pk}_findings": "Analysis is clear."}
    assert client.post(url, {**partial, "action": "save"}).status_code == 302
    assert AuditSectionGrade.objects.get(audit=audit, section=section).findings == "Analysis is clear."
    assert "Analysis is clear." in client.get(url).content.decode()
    response = client.post(url, {**_form_data(audit, **filled(audit)), "action": "submit"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    body = client.get(url).content.decode()
    assert "Submit audit" not in body and "Add an action" in body and "Ask for moderation" in body
    assert client.post(url, {**partial, "action": "save"}).status_code == 403


# --- Moderation ----------------------------------------------------------------------------------


def test_the_moderator_works_blind_then_sees_both_grades(client, world):
    audit = submitted_audit(world, grade=Grade.GOOD, summary="Summary only the auditor wrote.")
    client.force_login(world.users["qa"])
    ask = client.post(reverse("audits:moderator", args=[audit.pk]), {"moderator": ""})
    assert ask.status_code == 200 and links_to(ask.content.decode(), "moderator")
    ask = client.post(reverse("audits:moderator", args=[audit.pk]), {"moderator": world.users["leader"].pk})
    assert ask.status_code == 302 and Moderation.objects.get().moderator == world.users["leader"]

    client.force_login(world.users["leader"])
    page = client.get(reverse("audits:audit", args=[audit.pk])).content.decode()
    assert "Summary only the auditor wrote." not in page and "Moderate this audit" in page
    assert "Visits are regular and purposeful." not in page
    panel = client.get(reverse("casework:child", args=[audit.child_id])).content.decode()
    assert "Hidden until you have submitted your moderation" in panel
    assert client.get(reverse("audits:action_new", args=[audit.pk])).status_code == 403

    url = reverse("audits:moderate", args=[audit.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Summary only the auditor wrote." not in form.content.decode()
    sections = list(audit.template.sections.order_by("order"))
    data = {f"section_{s.pk}_grade": Grade.REQUIRES_IMPROVEMENT for s in sections[1:]}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert links_to(refused.content.decode(), f"section_{sections[0].pk}_grade")
    assert links_to(refused.content.decode(), "overall_grade")
    assert not Moderation.objects.get().is_submitted
    data[f"section_{sections[0].pk}_grade"] = Grade.GOOD
    data["overall_grade"] = Grade.GOOD
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("audits:audit", args=[audit.pk])).content.decode()
    assert "Summary only the auditor wrote." in page and "The moderator gave the same grade for 1 of 7 sections" in page
    assert client.get(url).status_code == 403  # moderated once, fixed


def test_only_the_person_asked_can_moderate(client, world):
    audit = submitted_audit(world)
    services.moderation_assign(audit=audit, moderator=world.users["leader"], by=world.users["qa"])
    for role in ("qa", "tm_north", "sw_north"):
        client.force_login(world.users[role])
        assert client.get(reverse("audits:moderate", args=[audit.pk])).status_code == 403
    client.force_login(world.users["sw_north"])
    assert client.get(reverse("audits:moderator", args=[audit.pk])).status_code == 403


# --- Actions -------------------------------------------------------------------------------------


def test_actions_are_added_with_errors_by_the_field_then_done_by_their_owner(client, world):
    audit = submitted_audit(world, grade=Grade.REQUIRES_IMPROVEMENT, findings="Chronology is a year behind.")
    client.force_login(world.users["sw_north"])
    assert client.get(reverse("audits:action_new", args=[audit.pk])).status_code == 403
    client.force_login(world.users["qa"])
    url = reverse("audits:action_new", args=[audit.pk])
    refused = client.post(url, {"description": "", "owner": "", **_date("due_date", TODAY - timedelta(days=1))})
    body = refused.content.decode()
    assert refused.status_code == 200
    assert links_to(body, "description") and links_to(body, "owner") and links_to(body, "due_date")
    assert not AuditAction.objects.exists()
    data = {
        "description": "Bring the chronology up to date",
        "owner": world.users["sw_north"].pk,
        **_date("due_date", TODAY + timedelta(days=10)),
    }
    assert client.post(url, data).status_code == 302
    action = AuditAction.objects.get()

    complete = reverse("audits:action_complete", args=[action.pk])
    client.force_login(world.users["sw_north_2"])  # same team, not the owner or an auditor
    assert client.get(complete).status_code == 403
    client.force_login(world.users["sw_north"])
    page = client.get(reverse("audits:audit", args=[audit.pk])).content.decode()
    assert "Record as done" in page
    refused = client.post(complete, {**_date("completed_on", TODAY), "note": ""})
    assert refused.status_code == 200 and links_to(refused.content.decode(), "note")
    assert client.post(complete, {**_date("completed_on", TODAY), "note": "Chronology updated."}).status_code == 302
    action.refresh_from_db()
    assert action.is_done and action.completed_by == world.users["sw_north"]
    assert client.get(complete).status_code == 403


# --- Samples ------------------------------------------------------------------------------------


def test_sample_page_by_role_errors_and_success(client, world):
    for _ in range(3):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["sw_north"])
        f.open_cin_episode(child)
    client.force_login(world.users["sw_north"])
    assert client.get(reverse("audits:sample_new")).status_code == 403
    client.force_login(world.users["qa"])
    assert client.get(reverse("audits:sample_new")).status_code == 200
    refused = client.post(reverse("audits:sample_new"), {"kind": "random_team", "size": "", "auditors": []})
    body = refused.content.decode()
    assert refused.status_code == 200 and links_to(body, "size") and links_to(body, "team")
    assert links_to(body, "auditors") and not AuditSample.objects.exists()
    data = {"kind": "random_team", "team": world.north.pk, "size": 3, "auditors": [world.users["qa"].pk]}
    response = client.post(reverse("audits:sample_new"), data)
    sample = AuditSample.objects.get()
    assert response.status_code == 302 and response.url == reverse("audits:sample", args=[sample.pk])
    page = client.get(response.url).content.decode()
    assert "Audits in the sample" in page and Audit.objects.filter(sample=sample).count() == 3
    client.force_login(world.users["tm_north"])  # managers see their own samples only
    assert client.get(response.url).status_code == 403


# --- Reports and lists --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sw_north", "fsw_north"])
def test_workers_cannot_open_the_reports(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("audits:report_agreement")).status_code == 403
    assert client.get(reverse("audits:report_themes")).status_code == 403


def test_reports_for_inspectors_with_chart_and_table(client, world):
    audit = submitted_audit(world, grade=Grade.REQUIRES_IMPROVEMENT, findings="No contingency plan.")
    moderated(world, audit, grade=Grade.REQUIRES_IMPROVEMENT)
    client.force_login(world.users["inspector"])
    agreement = client.get(reverse("audits:report_agreement")).content.decode()
    assert "By auditor" in agreement and "100%" in agreement
    assert '<option value="12" selected>' in agreement and "Last 12 months" in agreement
    themes = client.get(reverse("audits:report_themes"), {"theme": "plan", "months": 6})
    body = themes.content.decode()
    assert themes.status_code == 200 and 'role="img"' in body and "<desc" in body
    assert "Plan quality: grades by quarter" in body and "Last 6 months" in body
    assert "Already flagged by the standards" in body
    bad = client.get(reverse("audits:report_themes"), {"theme": "nonsense", "months": "x"})
    assert bad.status_code == 200 and "Overall grade: grades by quarter" in bad.content.decode()


def _audits(world, n: int) -> Audit:
    """`n` more submitted audits of north children; every other one moderated, with an action."""
    for i in range(n):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["sw_north"])
        f.open_cin_episode(child)
        draft = services.audit_create(child=child, auditor=world.users["qa"])
        audit = services.audit_save(audit=draft, by=world.users["qa"], submit=True, **filled(draft))
        if i % 2:
            moderated(world, audit)
            services.audit_action_create(
                audit=audit, by=world.users["qa"], description="x", owner=world.users["sw_north"], due_date=TODAY
            )
    return audit


def _query_counts(client, world, audit) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for user in ("qa", "tm_north", "sw_north"):
        client.force_login(world.users[user])
        urls = [reverse("audits:index"), reverse("audits:audit", args=[audit.pk]), reverse("casework:my_work")]
        if user != "sw_north":
            urls += [reverse("audits:report_agreement"), reverse("audits:report_themes")]
        for url in urls:
            client.get(url)  # warm the council settings cache
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[(user, url)] = len(queries)
    return counts


def test_pages_are_a_fixed_number_of_queries_whatever_the_number_of_audits(client, world):
    audit = _audits(world, 2)
    few = _query_counts(client, world, audit)
    _audits(world, 8)
    assert _query_counts(client, world, audit) == few
    assert max(few.values()) <= 25


# --- What audits add to other pages --------------------------------------------------------------


def test_child_record_panel_shows_the_latest_grade(client, world):
    submitted_audit(world, grade=Grade.OUTSTANDING)
    client.force_login(world.users["sw_north"])
    body = client.get(reverse("casework:child", args=[world.children["own"].pk])).content.decode()
    assert "Case audit" in body and "Outstanding" in body and "Case audits" in body


def test_my_work_shows_overdue_audit_actions_and_draft_audits(world):
    audit = submitted_audit(world)
    action = services.audit_action_create(
        audit=audit, by=world.users["qa"], description="See Olivia alone", owner=world.users["sw_north"],
        due_date=TODAY,
    )  # fmt: skip
    AuditAction.objects.filter(pk=action.pk).update(due_date=TODAY - timedelta(days=3))  # it has fallen due
    items = [i for i in work_items(world.users["sw_north"]) if i.kind == "audit_action"]
    assert len(items) == 1 and items[0].state(TODAY) == "overdue" and "See Olivia alone" in items[0].what
    assert not [i for i in work_items(world.users["sw_north_2"]) if i.kind == "audit_action"]
    team_items = [i for i in work_items(world.users["tm_north"], team=True) if i.kind == "audit_action"]
    assert len(team_items) == 1 and "(Sam" in team_items[0].what
    services.audit_create(child=world.children["team"], auditor=world.users["tm_north"])
    drafts = [i for i in work_items(world.users["tm_north"], team=True) if i.kind == "audit"]
    assert [i.what for i in drafts] == ["Complete the case audit"]


def test_audits_menu_item_for_roles_that_run_or_read_audits(client, world):
    for role, shown in (("qa", True), ("tm_north", True), ("inspector", True), ("sw_north", False)):
        client.force_login(world.users[role])
        body = client.get(reverse("casework:search")).content.decode()
        assert (f'href="{reverse("audits:index")}"' in body) is shown, role


def test_chronology_shows_submitted_audits_with_the_grade_unless_being_moderated(world):
    draft = services.audit_create(child=world.children["team"], auditor=world.users["qa"])
    audit = submitted_audit(world, grade=Grade.REQUIRES_IMPROVEMENT)
    rows = list(SOURCES[0].rows().filter(ev_child=world.children["own"].pk))
    assert [r["ev_title"] for r in rows] == ["Case audit: Requires improvement to be good"]
    assert rows[0]["ev_object"] == audit.pk and rows[0]["ev_detail"] == "A well held case."
    assert not SOURCES[0].rows().filter(ev_child=draft.child_id).exists()
    services.moderation_assign(audit=audit, moderator=world.users["leader"], by=world.users["qa"])
    assert SOURCES[0].rows().get(ev_child=world.children["own"].pk)["ev_title"] == "Case audit (being moderated)"
