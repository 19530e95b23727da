"""Reads of audits: the practice standards' earlier alerts for each finding (L2), the agreement
and themes reports, and the lists, each a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lantern import factories as f
from lantern.audits import selectors, services
from lantern.audits.models import Grade, Theme
from lantern.audits.tests.conftest import filled, moderated, submitted_audit
from lantern.core.local_settings import get_setting, set_setting
from lantern.insight.models import Alert

NOW = timezone.now()
TODAY = timezone.localdate()


def _alert(standard: str, *, child=None, worker=None, since_days_ago: int = 30, cleared_days_ago: int | None = None):
    """An alert whose condition began `since_days_ago` (raised by the engine today, as on a new
    installation: the condition's start is what counts)."""
    who = f"c{child.pk}" if child else f"w{worker.pk}"
    return Alert.objects.create(
        standard=standard,
        child=child,
        worker=worker,
        key=f"{standard}:{who}:x:{since_days_ago}",
        since=TODAY - timedelta(days=since_days_ago),
        raised_at=NOW,
        cleared_at=None if cleared_days_ago is None else NOW - timedelta(days=cleared_days_ago),
        cleared_reason="" if cleared_days_ago is None else "fixed",
    )


@pytest.fixture
def alerts(world):
    own = world.children["own"]
    _alert("plan_incomplete", child=own)  # open before the audit: flags plan quality
    _alert("not_seen_alone", child=own, since_days_ago=100, cleared_days_ago=70)  # cleared 10 weeks ago: flags
    _alert("visit_overdue", child=own, since_days_ago=400, cleared_days_ago=300)  # long gone: does not flag
    _alert("oversight_overdue", child=world.children["team"])  # another child
    _alert("supervision_overdue", worker=world.users["sw_north"])  # the child's worker
    _alert("supervision_overdue", worker=world.users["sw_south"])  # someone else


def test_flags_are_related_alerts_open_in_the_weeks_before_the_audit(world, alerts, django_assert_num_queries):
    audit = submitted_audit(world, grade=Grade.REQUIRES_IMPROVEMENT)
    _alert("chronology_silent", child=world.children["own"], since_days_ago=0)  # began on the day: too late
    get_setting("audit_flag_lookback_weeks")  # council settings are cached; read it once first
    with django_assert_num_queries(1):
        flags = selectors.flags_for(audit)
    assert set(flags) == {Theme.PLAN, Theme.VOICE, Theme.SUPERVISION}
    assert [flag.standard for flag in flags[Theme.VOICE]] == ["not_seen_alone"]
    assert flags[Theme.PLAN][0].name == "CIN plan without outcomes or contingency"
    set_setting("audit_flag_lookback_weeks", 8)
    assert Theme.VOICE not in selectors.flags_for(audit)


def test_audit_sections_carry_grades_answers_flags_and_moderator_grades(world, alerts):
    audit = submitted_audit(world, grade=Grade.REQUIRES_IMPROVEMENT)
    moderation = moderated(world, audit, grade=Grade.REQUIRES_IMPROVEMENT, overall=Grade.INADEQUATE)
    views = selectors.audit_sections(audit, moderation=moderation)
    assert [v.section.theme for v in views][:2] == [Theme.ASSESSMENT, Theme.PLAN]
    plan = views[1]
    assert plan.grade_label == "Requires improvement to be good" and plan.below_good and plan.agrees
    assert plan.flags and not views[0].flags
    assert all(label == "Yes" for _q, _a, _c, label in plan.questions)


def test_agreement_report_per_auditor_and_theme(world, django_assert_max_num_queries):
    # qa's audit: the moderator agrees on every section but the overall grade.
    first = submitted_audit(world, "own", by="qa", grade=Grade.GOOD)
    moderated(world, first, grade=Grade.GOOD, overall=Grade.REQUIRES_IMPROVEMENT)
    # tm_north's audit: the moderator grades every section one lower.
    second = submitted_audit(world, "team", by="tm_north", grade=Grade.GOOD)
    moderated(world, second, by="qa", grade=Grade.REQUIRES_IMPROVEMENT)
    submitted_audit(world, "south", by="qa")  # not moderated: not counted
    with django_assert_max_num_queries(2):
        report = selectors.agreement_report(world.users["leader"], since=NOW - timedelta(days=30))
    assert report.moderations == 2
    assert (report.sections.compared, report.sections.agreed) == (14, 7) and report.sections.rate == 50
    assert (report.overall.compared, report.overall.agreed) == (2, 0)
    by_name = {sections.label: (sections, overall) for sections, overall in report.by_auditor}
    qa_sections, qa_overall = by_name[world.users["qa"].display_name]
    assert qa_sections.rate == 100 and qa_overall.rate == 0 and qa_overall.moderator_lower == 1
    tm_sections, _ = by_name[world.users["tm_north"].display_name]
    assert tm_sections.rate == 0 and tm_sections.lower_rate == 100
    assert [t.label for t in report.by_theme][0] == "Assessment quality"
    assert all(t.compared == 2 and t.rate == 50 for t in report.by_theme)


def test_agreement_report_counts_only_children_the_user_can_see(world):
    audit = submitted_audit(world, "south", by="qa")
    moderated(world, audit)
    assert selectors.agreement_report(world.users["tm_north"], since=NOW - timedelta(days=30)).moderations == 0
    assert selectors.agreement_report(world.users["sm_cin"], since=NOW - timedelta(days=30)).moderations == 1


def test_themes_report_grades_by_theme_flagged_rate_and_common_findings(world, alerts, django_assert_max_num_queries):
    findings = "Plan has no contingency and the child's views are missing."
    submitted_audit(world, "own", grade=Grade.REQUIRES_IMPROVEMENT, **_findings(world, findings))
    audit = services.audit_create(child=world.children["team"], auditor=world.users["qa"])
    arguments = filled(audit, grade=Grade.INADEQUATE, findings="No contingency plan; the review is late.")
    services.audit_save(audit=audit, by=world.users["qa"], submit=True, **arguments)
    submitted_audit(world, "south", grade=Grade.OUTSTANDING)
    get_setting("audit_flag_lookback_weeks")  # council settings are cached; read it once first
    with django_assert_max_num_queries(3):
        report = selectors.themes_report(world.users["leader"], since=NOW - timedelta(days=90), today=TODAY)
    assert report.audits == 3
    themes = {t.key: t for t in report.themes}
    plan = themes[Theme.PLAN]
    assert plan.total == 3 and plan.below_good == 2 and plan.good_or_better == 33
    assert plan.flagged == 1 and plan.flagged_rate == 50  # own had an alert; team did not
    assert themes[Theme.SUPERVISION].flagged == 1  # sw_north (own's worker) had a supervision alert
    assert plan.phrases[0] == ("no contingency", 2)
    assert len(plan.latest) == 2
    quarter = selectors.quarter_of(TODAY)
    assert report.by_quarter["overall"][quarter][Grade.OUTSTANDING] == 1
    assert report.by_quarter[Theme.PLAN][quarter][Grade.INADEQUATE] == 1


def _findings(world, text: str) -> dict:
    """Overrides for submitted_audit: the same findings text in every section."""
    template = services.active_template()
    return {"grades": {s.pk: (Grade.REQUIRES_IMPROVEMENT, text) for s in template.sections.all()}}


def test_quarters_cover_the_period():
    from datetime import date

    quarters = selectors.quarters_between(date(2025, 11, 3), date(2026, 5, 1))
    assert quarters == [(2025, 4), (2026, 1), (2026, 2)]
    assert selectors.quarter_label((2026, 1)) == "Jan to Mar 2026"


def test_moderator_does_not_see_grades_until_they_submit(world):
    audit = submitted_audit(world)
    moderation = services.moderation_assign(audit=audit, moderator=world.users["leader"], by=world.users["qa"])
    assert selectors.grades_hidden_for(world.users["leader"], moderation)
    assert not selectors.grades_hidden_for(world.users["qa"], moderation)
    report = selectors.themes_report(world.users["leader"], since=NOW - timedelta(days=30), today=TODAY)
    assert report.audits == 0  # the audit being moderated is left out of the moderator's report


def test_lists_are_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(6):
        child = f.make_child()
        f.allocate(child, team=world.north, worker=world.users["sw_north"])
        submitted = services.audit_create(child=child, auditor=world.users["qa"])
        services.audit_save(audit=submitted, by=world.users["qa"], submit=True, **filled(submitted))
    user = world.users["tm_north"]
    with django_assert_max_num_queries(3):
        assert len(list(selectors.submitted_audits(user)[:25])) == 6
    with django_assert_max_num_queries(3):
        selectors.audits_to_do(world.users["qa"])
        selectors.moderations_to_do(world.users["qa"])
