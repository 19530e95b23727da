"""Performance indicators (L7, L9, L10, L20): each calculation on handcrafted records, the
national figures read from DfE's CSV, the SVG charts, who may see the page and bounded queries."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET  # noqa: S405 - parses only SVG this code wrote, in tests
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantern import factories as f
from lantern import reference
from lantern.casework.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    CINPlanChild,
    Section47,
    StrategyDiscussion,
    WorkStatus,
)
from lantern.core.calendar import add_working_days, is_working_day
from lantern.returns import charts
from lantern.returns.indicators import (
    build_indicators,
    caseloads,
    month_starts,
    national_figure,
)
from lantern.workforce.models import AllocationReason, AllocationRole, Role

SVG = "{http://www.w3.org/2000/svg}"
AS_OF = date(2026, 3, 31)
REFERENCE = reference.HERE


def by_key(as_of=AS_OF, **kwargs):
    return {i.key: i for i in build_indicators(as_of=as_of, **kwargs)}


def row_for(indicator, month_label: str) -> list[str]:
    [row] = [r for r in indicator.rows if r[0] == month_label]
    return row


def england_2025(column: str) -> float:
    """DfE's published figure, read here from the CSV independently of the code under test."""
    with open(REFERENCE / "c1_referrals_2013_to_2025.csv", newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["time_period"] == "2025" and row["geographic_level"] == "National":
                return float(row[column])
    raise AssertionError("no England 2025 row")


def parse_svg(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own SVG, in a test


def episode(child, day: date, **fields):
    return f.open_cin_episode(child, referral_date=day, **fields)


def closed(child, day: date, **fields):
    fields.setdefault("closure_reason", "RC7")
    return f.open_cin_episode(child, referral_date=day, closure_date=fields.pop("closure_date", day), **fields)


# ---------------------------------------------------------------------------------------------
# Months
# ---------------------------------------------------------------------------------------------


def test_the_twelve_months_end_with_the_as_of_month():
    months = month_starts(AS_OF)
    assert months[0] == date(2025, 4, 1) and months[-1] == date(2026, 3, 1) and len(months) == 12
    assert month_starts(date(2026, 1, 15))[0] == date(2025, 2, 1)


# ---------------------------------------------------------------------------------------------
# Referrals: re-referrals and no further action
# ---------------------------------------------------------------------------------------------


def test_one_re_referral_in_four_referrals_is_25_percent(db):
    again, once, long_gap = f.make_child(), f.make_child(), f.make_child()
    closed(again, date(2025, 6, 10), closure_date=date(2025, 9, 1))
    episode(again, date(2026, 1, 20))  # within 12 months of June's: a re-referral
    episode(once, date(2026, 1, 5))
    closed(long_gap, date(2024, 12, 1), closure_date=date(2025, 1, 10))  # before the 12 months
    episode(long_gap, date(2026, 1, 10))  # more than 12 months after the last one: not a re-referral

    indicator = by_key()["rereferrals"]

    assert indicator.headline == "25.0% (1 of 4 referrals)"
    assert row_for(indicator, "January 2026") == ["January 2026", "3", "1", "33.3%"]
    assert row_for(indicator, "June 2025") == ["June 2025", "1", "0", "0.0%"]
    assert row_for(indicator, "May 2025") == ["May 2025", "0", "0", "-"]


def test_a_re_referral_exactly_12_months_later_counts_and_one_day_more_does_not(db):
    on_the_day, a_day_late = f.make_child(), f.make_child()
    closed(on_the_day, date(2025, 2, 10), closure_date=date(2025, 3, 1))
    episode(on_the_day, date(2026, 2, 10))
    closed(a_day_late, date(2025, 2, 10), closure_date=date(2025, 3, 1))
    episode(a_day_late, date(2026, 2, 11))
    assert row_for(by_key()["rereferrals"], "February 2026")[1:3] == ["2", "1"]


def test_referrals_with_no_further_action_and_the_national_figures(db):
    for day, nfa in ((date(2026, 2, 2), True), (date(2026, 2, 3), False), (date(2026, 2, 4), False)):
        child = f.make_child()
        if nfa:
            closed(child, day, closure_reason="RC8", referral_nfa=True, primary_need="")
        else:
            episode(child, day)
    episode(f.make_child(), date(2026, 3, 2))

    indicators = by_key()

    nfa = indicators["referrals-nfa"]
    assert nfa.headline == "25.0% (1 of 4 referrals)"
    assert row_for(nfa, "February 2026") == ["February 2026", "3", "1", "33.3%"]
    assert nfa.national.value == england_2025("no_further_action_percent")
    assert nfa.national.label == "England 2025"
    assert indicators["rereferrals"].national.value == england_2025("rereferral_percent")
    assert indicators["assessments-in-time"].national is None


def test_national_figures_are_not_available_without_the_csv(db, tmp_path, settings):
    settings.LANTERN_REFERENCE_DIR = str(tmp_path)
    assert national_figure("c1_referrals_2013_to_2025.csv", "rereferral_percent") is None
    assert by_key()["rereferrals"].national is None


def test_the_latest_national_year_is_used(tmp_path):
    (tmp_path / "c1.csv").write_text(
        "time_period,geographic_level,rereferral_percent\n2024,National,21.0\n2025,National,22.6\n"
        "2026,Regional,30.0\n2023,National,19.0\n",
        encoding="utf-8",
    )
    figure = national_figure("c1.csv", "rereferral_percent", folder=tmp_path)
    assert (figure.value, figure.label) == (22.6, "England 2025")


# ---------------------------------------------------------------------------------------------
# Timeliness: assessments in 45 working days, ICPCs in 15
# ---------------------------------------------------------------------------------------------


def _assessment(child, start: date, authorised: date) -> Assessment:
    ep = closed(child, start, closure_date=authorised)
    return Assessment.objects.create(
        episode=ep,
        child=child,
        start_date=start,
        due_date=add_working_days(start, 45),
        status=WorkStatus.APPROVED,
        authorised_date=authorised,
    )


def test_an_assessment_authorised_on_working_day_45_is_in_time_and_on_46_is_not(db):
    start = date(2026, 3, 2)  # 45 working days run over Easter and the early May bank holiday
    day_45, day_46 = add_working_days(start, 45), add_working_days(start, 46)
    between = [start + timedelta(days=n) for n in range((day_46 - start).days)]
    assert any(d.weekday() < 5 and not is_working_day(d) for d in between), "the span includes a bank holiday"
    assert day_45 == date(2026, 5, 7) and day_46 == date(2026, 5, 8)  # Good Friday, Easter and May Day
    _assessment(f.make_child(), start, day_45)
    _assessment(f.make_child(), start, day_46)

    indicator = by_key(as_of=date(2026, 6, 30))["assessments-in-time"]

    assert indicator.headline == "50.0% (1 of 2 assessments completed)"
    assert row_for(indicator, "May 2026") == ["May 2026", "2", "1", "50.0%"]


def test_assessments_are_measured_from_their_start_not_the_referral(db):
    child = f.make_child()
    ep = closed(child, date(2026, 1, 5), closure_date=date(2026, 5, 1))
    start = date(2026, 2, 2)  # started four weeks after the referral
    Assessment.objects.create(
        episode=ep,
        child=child,
        start_date=start,
        due_date=add_working_days(date(2026, 1, 5), 45),
        status=WorkStatus.APPROVED,
        authorised_date=add_working_days(start, 45),  # 65 working days after the referral
    )
    indicator = by_key(as_of=date(2026, 6, 30))["assessments-in-time"]
    assert indicator.headline == "100.0% (1 of 1 assessments completed)"


def _enquiry(world, discussed: date, icpc: date, earlier: date | None = None) -> Section47:
    child = f.make_child()
    ep = episode(child, earlier or discussed)
    by = world.users["sw_north"]

    def discussion(day):
        return StrategyDiscussion.objects.create(
            episode=ep, child=child, date=day, attendees="Police", concerns="Injury", rationale="Risk", recorded_by=by
        )

    first = discussion(earlier) if earlier else None
    last = discussion(discussed)
    return Section47.objects.create(
        episode=ep,
        child=child,
        strategy_discussion=last,
        start_date=(first or last).date,
        icpc_target_date=add_working_days(discussed, 15),
        icpc_date=icpc,
    )


def test_icpcs_within_15_working_days_of_the_last_strategy_discussion(world):
    discussed = date(2026, 3, 26)  # 15 working days span Easter 2026
    _enquiry(world, discussed, add_working_days(discussed, 15))
    _enquiry(world, discussed, add_working_days(discussed, 16))
    # Two discussions: measured from the later one (20 working days after the first).
    first = date(2026, 3, 2)
    second = add_working_days(first, 5)
    _enquiry(world, second, add_working_days(second, 15), earlier=first)

    indicator = by_key(as_of=date(2026, 6, 30))["icpcs-in-time"]

    assert add_working_days(discussed, 15) == date(2026, 4, 20)
    assert indicator.headline == "66.7% (2 of 3 conferences)"
    assert row_for(indicator, "April 2026") == ["April 2026", "2", "1", "50.0%"]
    assert row_for(indicator, "March 2026") == ["March 2026", "1", "1", "100.0%"]  # 20 days after the first


# ---------------------------------------------------------------------------------------------
# CIN plan durations and repeat CP plans
# ---------------------------------------------------------------------------------------------


def _section(world, start: date, end: date | None = None) -> CINPlanChild:
    child = f.make_child()
    ep = episode(child, start - timedelta(days=30))
    plan = CINPlan.objects.create(title="Plan", author=world.users["sw_north"], status=WorkStatus.APPROVED)
    return CINPlanChild.objects.create(plan=plan, child=child, episode=ep, start_date=start, end_date=end)


def test_cin_plan_durations_median_and_share_over_12_months(world):
    _section(world, date(2025, 1, 1))  # 454 days on 31 March 2026: more than 12 months
    _section(world, date(2026, 1, 1))  # 89 days
    _section(world, date(2026, 3, 1))  # 30 days
    _section(world, date(2026, 3, 20))  # 11 days
    _section(world, date(2025, 3, 31))  # 365 days: exactly 12 months, not more
    _section(world, date(2025, 11, 1), end=date(2026, 2, 1))  # ended before 31 March
    _section(world, date(2025, 12, 1), end=date(2026, 3, 15))

    indicator = by_key()["cin-plan-durations"]

    # 31 March: 11, 30, 89, 365 and 454 days. 31 January: 30, 61, 91, 306 and 395 days.
    assert row_for(indicator, "31 March 2026") == ["31 March 2026", "5", "89", "1", "20.0%"]
    assert row_for(indicator, "31 January 2026") == ["31 January 2026", "5", "91", "1", "20.0%"]
    assert indicator.headline == ("Median 89 days; 20.0% open more than 12 months (1 of 5 plans open on 31 March 2026)")


def test_repeat_child_protection_plans(world):
    again, first_time = f.make_child(), f.make_child()
    old = closed(again, date(2023, 10, 2), closure_date=date(2024, 7, 1))
    ChildProtectionPlan.objects.create(
        child=again,
        episode=old,
        start_date=date(2024, 1, 10),
        end_date=date(2024, 6, 1),
        initial_category="NEG",
        latest_category="NEG",
    )
    f.open_cp_plan(again, episode(again, date(2026, 1, 5)), start=date(2026, 2, 2))
    f.open_cp_plan(first_time, episode(first_time, date(2026, 1, 5)), start=date(2026, 2, 10))

    indicator = by_key()["repeat-cp-plans"]

    assert indicator.headline == "50.0% (1 of 2 plans started)"
    assert row_for(indicator, "February 2026") == ["February 2026", "2", "1", "50.0%"]


def _seen(child, by, day: date, **fields):
    from django.utils import timezone

    from lantern.recording.models import Visit

    values = {
        "visit_type": "cin_statutory",
        "location": "home",
        "present": "Mum",
        "child_seen": True,
        "observations": "Observed",
        "analysis": "Analysed",
        "next_steps": "Next",
    }
    values.update(fields)
    visited_at = timezone.make_aware(datetime.combine(day, time(10)))
    return Visit.objects.create(child=child, author=by, visited_at=visited_at, visited_on=day, **values)


def test_children_seen_within_timescale_at_each_month_end(world):
    """Five children in need referred on 5 January 2026 (the world), each seen differently."""
    sw = world.users["sw_north"]
    own, team, south, west, restricted = (world.children[k] for k in ("own", "team", "south", "west", "restricted"))
    _seen(own, sw, date(2026, 3, 10))  # due 7 April: within timescale on 31 March
    _seen(team, sw, date(2026, 2, 20))  # due 20 March: overdue on 31 March
    _seen(south, sw, date(2026, 3, 30), child_seen=False, not_seen_reason="Out")  # not seen: does not count
    ChildProtectionPlan.objects.create(
        child=west,
        episode=west.cin_episodes.get(),
        start_date=date(2026, 3, 2),
        initial_category="NEG",
        latest_category="NEG",
    )
    _seen(west, sw, date(2026, 3, 20), visit_type="cp_statutory")  # due 10 working days later: 3 April
    _seen(restricted, sw, date(2026, 3, 2))  # due 30 March: overdue by a day
    indicator = by_key()["children-seen"]
    assert not indicator.not_recorded
    assert row_for(indicator, "31 March 2026") == ["31 March 2026", "5", "2", "40.0%"]
    assert indicator.headline == "40.0% (2 of 5 children in need on 31 March 2026 seen within timescale)"
    # End of January: everyone is within the first four weeks of the referral (due 2 February).
    assert row_for(indicator, "31 January 2026") == ["31 January 2026", "5", "5", "100.0%"]
    # End of February: only Tariq had been seen (20 February); the others were due on 2 February.
    assert row_for(indicator, "28 February 2026") == ["28 February 2026", "5", "1", "20.0%"]
    # Before the referrals there were no children in need.
    assert row_for(indicator, "31 December 2025") == ["31 December 2025", "0", "0", "-"]
    svg = parse_svg(indicator.chart)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Children seen within timescale"


def test_children_seen_follows_the_plans_frequency_and_leaves_out_the_unborn(world):
    sw = world.users["sw_north"]
    own = world.children["own"]
    plan = CINPlan.objects.create(title="P", author=sw, status=WorkStatus.APPROVED, start_date=date(2026, 2, 1))
    section = CINPlanChild.objects.create(
        plan=plan, child=own, episode=own.cin_episodes.get(), start_date=date(2026, 2, 1)
    )
    from lantern.recording.models import PlanVisitFrequency

    PlanVisitFrequency.objects.create(section=section, weeks=8, reason="Stable", set_by=sw)
    _seen(own, sw, date(2026, 2, 20))  # due 17 April at every 8 weeks (20 March at the default)
    unborn = f.make_child(date_of_birth=None, expected_date_of_birth=date(2026, 6, 1))
    episode(unborn, date(2026, 1, 5))
    indicator = by_key()["children-seen"]
    assert row_for(indicator, "31 March 2026") == ["31 March 2026", "5", "1", "20.0%"]


def test_children_seen_counts_only_the_given_children(world):
    from lantern.people.models import Child

    sw = world.users["sw_north"]
    _seen(world.children["own"], sw, date(2026, 3, 10))
    mine = Child.objects.filter(pk=world.children["own"].pk)
    indicator = by_key(children=mine)["children-seen"]
    assert row_for(indicator, "31 March 2026") == ["31 March 2026", "1", "1", "100.0%"]


# ---------------------------------------------------------------------------------------------
# Caseloads
# ---------------------------------------------------------------------------------------------


def _hold(worker, team, n: int, *, role=AllocationRole.LEAD, start=date(2026, 1, 5), end=None) -> None:
    for _ in range(n):
        child = f.make_child()
        f.allocate(child, team=team, worker=worker, role=role, start=start, end=end)


def test_caseload_distribution_with_the_20_and_30_thresholds(world):
    team = world.south
    heavy, busy, edge, light = (f.make_worker(role=Role.SOCIAL_WORKER, team=team) for _ in range(4))
    _hold(heavy, team, 31)
    _hold(busy, team, 20)
    _hold(busy, team, 1, role=AllocationRole.CO_WORKER)  # co-worked children count: 21
    _hold(edge, team, 20)
    _hold(light, team, 3)
    _hold(light, team, 5, end=date(2026, 2, 1), role=AllocationRole.CO_WORKER)  # ended: not counted
    fsw = f.make_worker(role=Role.FAMILY_SUPPORT_WORKER, team=team)
    _hold(fsw, team, 33)  # family support workers are not in this chart

    indicator = caseloads(AS_OF)

    counts = dict((label, int(n)) for label, n in indicator.rows)
    # The world's social workers hold 1 (sw_north), 2 (sw_north_2) and 1 (sw_south) children.
    assert counts == {
        "0-5": 4,
        "6-10": 0,
        "11-15": 0,
        "16-20": 1,
        "21-25": 1,
        "26-30": 0,
        "31-35": 1,
        "36+": 0,
    }
    assert "highest 31" in indicator.headline
    assert "2 with more than 20; 1 with more than 30" in indicator.headline
    svg = parse_svg(indicator.chart)
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "More than 20" in labels and "More than 30" in labels
    thresholds = [line for line in svg.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(thresholds) == 2


def test_caseload_thresholds_are_the_councils_social_worker_settings(world):
    from lantern.core.local_settings import set_setting

    heavy = f.make_worker(role=Role.SOCIAL_WORKER, team=world.south)
    _hold(heavy, world.south, 16)
    set_setting("caseload_sw_amber", 10)
    set_setting("caseload_sw_red", 15)
    indicator = caseloads(AS_OF)
    assert "1 with more than 10; 1 with more than 15" in indicator.headline
    labels = [t.text for t in parse_svg(indicator.chart).iter(f"{SVG}text")]
    assert "More than 10" in labels and "More than 15" in labels and "More than 20" not in labels


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def test_line_chart_is_valid_accessible_svg():
    markup = charts.line_chart(
        chart_id="Re-referrals <1>",
        title='Re-referrals & "others" <script>',
        desc="Jan 25%; Feb 30%",
        labels=["Jan", "Feb", "Mar", "Apr"],
        values=[25.0, 30.0, None, 10.0],
        unit="%",
        reference=charts.Reference(22.6, "England 2025: 22.6%"),
        cap=100,
    )
    svg = parse_svg(markup)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title, desc = list(svg)[:2]
    assert title.tag == f"{SVG}title" and title.text == 'Re-referrals & "others" <script>'
    assert desc.tag == f"{SVG}desc" and desc.text == "Jan 25%; Feb 30%"
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "<script>" not in markup
    # A month with no data leaves a gap: one line for Jan-Feb, a lone point for Apr.
    assert len(list(svg.iter(f"{SVG}polyline"))) == 1
    assert len(list(svg.iter(f"{SVG}circle"))) == 3
    assert "England 2025: 22.6%" in [t.text for t in svg.iter(f"{SVG}text")]


def test_bar_chart_is_valid_accessible_svg_with_an_axis_that_fits():
    svg = parse_svg(
        charts.bar_chart(chart_id="c", title="Caseloads", desc="0-5: 3", labels=["a", "b", "c"], values=[3, 17, 0])
    )
    assert svg.get("role") == "img"
    assert [e.tag for e in list(svg)[:2]] == [f"{SVG}title", f"{SVG}desc"]
    bars = list(svg.iter(f"{SVG}rect"))
    assert len(bars) == 3
    top_label = max(float(t.text) for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end")
    assert top_label >= 17 and float(top_label).is_integer()


def test_every_chart_on_the_page_is_accessible(client, world):
    client.force_login(world.users["leader"])
    body = client.get(reverse("returns:indicators")).content.decode()
    assert body.count('role="img"') == 8  # every indicator has its chart
    start = 0
    for _ in range(8):
        start = body.index("<svg", start)
        end = body.index("</svg>", start) + len("</svg>")
        svg = parse_svg(body[start:end])
        assert [e.tag for e in list(svg)[:2]] == [f"{SVG}title", f"{SVG}desc"]
        start = end
    assert body.count('class="govuk-table"') == 8  # the numbers behind each chart


# ---------------------------------------------------------------------------------------------
# The page: who may see it, what it shows, bounded queries
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "inspector", "qa", "sm_cin"])
def test_leaders_inspectors_auditors_and_service_managers_see_the_indicators(client, world, role):
    client.force_login(world.users[role])
    response = client.get(reverse("returns:indicators"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Performance indicators</h1>' in body
    assert "Children seen within timescale" in body
    assert f"England 2025: {england_2025('rereferral_percent'):.1f}%" in body
    assert "Not available" in body  # indicators without a national figure say so


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "tm_north", "sw_south"])
def test_workers_and_team_managers_are_refused(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("returns:indicators")).status_code == 403


def test_indicators_need_sign_in(client, db):
    response = client.get(reverse("returns:indicators"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_says_not_available_without_the_national_figures(client, world, tmp_path, settings):
    settings.LANTERN_REFERENCE_DIR = str(tmp_path)
    client.force_login(world.users["leader"])
    body = client.get(reverse("returns:indicators")).content.decode()
    assert "England 2025" not in body
    assert body.count("Not available") == 8


def _more_history(world, n: int, offset: int) -> None:
    sw = world.users["sw_south"]
    for i in range(n):
        child = f.make_child()
        ep = closed(child, date(2025, 6, 2) + timedelta(days=offset + i), closure_date=date(2025, 12, 1))
        Assessment.objects.create(
            episode=ep,
            child=child,
            start_date=ep.referral_date,
            due_date=ep.referral_date,
            status=WorkStatus.APPROVED,
            authorised_date=ep.referral_date + timedelta(days=20),
        )
        s47 = StrategyDiscussion.objects.create(
            episode=ep, child=child, date=ep.referral_date, attendees="P", concerns="C", rationale="R", recorded_by=sw
        )
        Section47.objects.create(
            episode=ep,
            child=child,
            strategy_discussion=s47,
            start_date=ep.referral_date,
            icpc_target_date=ep.referral_date,
            icpc_date=ep.referral_date + timedelta(days=7),
        )
        ChildProtectionPlan.objects.create(
            child=child,
            episode=ep,
            start_date=ep.referral_date + timedelta(days=7),
            end_date=date(2025, 12, 1),
            initial_category="NEG",
            latest_category="NEG",
        )
        plan = CINPlan.objects.create(title="P", author=sw)
        CINPlanChild.objects.create(plan=plan, child=child, episode=ep, start_date=ep.referral_date)
        f.allocate(
            child,
            team=world.south,
            worker=sw,
            start=ep.referral_date,
            end=date(2025, 12, 1),
            end_reason=AllocationReason.CASE_CLOSED,
        )


def test_queries_are_bounded_and_do_not_grow_with_the_data(client, world, django_assert_max_num_queries):
    _more_history(world, 2, 0)
    by_key()  # warm the council settings cache
    with CaptureQueriesContext(connection) as few:
        by_key()
    _more_history(world, 12, 40)
    with CaptureQueriesContext(connection) as many:
        by_key()
    assert len(many.captured_queries) == len(few.captured_queries) <= 11
    client.force_login(world.users["inspector"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("returns:indicators")).status_code == 200
