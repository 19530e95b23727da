"""Ofsted Annex A (L20): the workbook read back with openpyxl - every list, Ofsted's headings and
values, real dates, blanks only where allowed - a handcrafted child in the right lists with the
right values, the six-month window, the as-of date, allocations on the relevant date, the
command, the download page's permissions and bounded queries."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lantern import factories as f
from lantern import reference
from lantern.casework.models import (
    Assessment,
    AssessmentOutcome,
    ChildProtectionPlan,
    CINEpisode,
    Contact,
    CPPlanReview,
    EarlyHelpEpisode,
    Section47,
    StrategyDiscussion,
    WorkStatus,
)
from lantern.core import codes
from lantern.people.models import Child, ChildDisability
from lantern.returns import annex_a
from lantern.returns.annex_a import (
    NOT_HELD_REQUIRED,
    SHEET_NAMES,
    XLSX_CONTENT_TYPE,
    AnnexASpecError,
    build_annex_a,
    load_spec,
    window,
    write_annex_a,
)
from lantern.workforce.models import AllocationReason

LONDON = ZoneInfo("Europe/London")
AS_OF = date(2026, 3, 31)
SPEC_PATH = reference.HERE / "annex-a-lists.json"


def ofsted_lists() -> dict:
    """Ofsted's template as published, read straight from the json (not through the code under test)."""
    with open(SPEC_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def read_back(wb) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def rows_of(book, sheet: str) -> list[dict]:
    ws = book[sheet]
    values = list(ws.iter_rows(values_only=True))
    headers = values[0]
    return [dict(zip(headers, row, strict=True)) for row in values[1:]]


def rows_for(book, sheet: str, child: Child) -> list[dict]:
    return [r for r in rows_of(book, sheet) if r["Child Unique ID"] == child.la_child_id]


def at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def contact(child, when: datetime, source="2A") -> Contact:
    return Contact.objects.create(child=child, received_at=when, source=source, method="phone", concern="Worried")


def strategy(child, episode, day: date, by) -> StrategyDiscussion:
    return StrategyDiscussion.objects.create(
        episode=episode,
        child=child,
        date=day,
        attendees="Police, school",
        concerns="Injury",
        rationale="Risk",
        recorded_by=by,
    )


def as_date(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


@pytest.fixture
def hana(world):
    """A boy known before (a referral closed last June, an old CP plan) who comes back through a
    police contact in February: referral, assessment, strategy discussion, ICPC, CP plan."""
    sw = world.users["sw_north"]
    child = f.make_child(
        first_name="Hana",
        last_name="Rahman",
        sex=codes.Sex.MALE,
        ethnicity=codes.Ethnicity.APKN,
        date_of_birth=date(2016, 5, 10),
        la_child_id="HANA0001",
    )
    ChildDisability.objects.create(child=child, code=codes.Disability.AUT)
    old = f.open_cin_episode(
        child,
        referral_date=date(2023, 11, 1),
        closure_date=date(2024, 8, 1),
        closure_reason="RC7",
        referral_source="3A",
    )
    ChildProtectionPlan.objects.create(
        child=child,
        episode=old,
        start_date=date(2024, 1, 10),
        end_date=date(2024, 6, 1),
        initial_category="PHY",
        latest_category="PHY",
    )
    f.open_cin_episode(
        child, referral_date=date(2025, 6, 2), closure_date=date(2025, 7, 1), closure_reason="RC8", referral_source="2A"
    )
    contact(child, at(2026, 2, 2), source="6")
    episode = f.open_cin_episode(child, referral_date=date(2026, 2, 3), referral_source="6", primary_need="N1")
    f.allocate(child, team=world.north, worker=sw, start=date(2026, 2, 3))
    Assessment.objects.create(
        episode=episode,
        child=child,
        start_date=date(2026, 2, 4),
        due_date=date(2026, 4, 7),
        status=WorkStatus.APPROVED,
        authorised_date=date(2026, 3, 10),
        outcome=AssessmentOutcome.STRATEGY,
    )
    discussion = strategy(child, episode, date(2026, 3, 2), sw)
    Section47.objects.create(
        episode=episode,
        child=child,
        strategy_discussion=discussion,
        start_date=date(2026, 3, 2),
        icpc_target_date=date(2026, 3, 23),
        icpc_date=date(2026, 3, 20),
    )
    plan = ChildProtectionPlan.objects.create(
        child=child, episode=episode, start_date=date(2026, 3, 20), initial_category="NEG", latest_category="EMO"
    )
    CPPlanReview.objects.create(plan=plan, date=date(2026, 3, 27))
    CPPlanReview.objects.create(plan=plan, date=date(2026, 6, 1))  # after the as-of date: not shown
    return child


# ---------------------------------------------------------------------------------------------
# The workbook's shape: Ofsted's sheets, headings, values, dates and blanks
# ---------------------------------------------------------------------------------------------


def streamed(**kwargs) -> openpyxl.Workbook:
    """The file the command and the page hand out, read back."""
    buffer = io.BytesIO()
    write_annex_a(buffer, **kwargs)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


@pytest.mark.parametrize("writer", ["streamed", "openpyxl"])
def test_every_sheet_heading_and_value_follows_ofsteds_template(world, hana, writer):
    EarlyHelpEpisode.objects.create(child=world.children["west"], start_date=date(2025, 11, 3), team=world.west)
    book = streamed(as_of=AS_OF) if writer == "streamed" else read_back(build_annex_a(as_of=AS_OF))
    spec = ofsted_lists()

    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    for sheet in book.sheetnames:
        columns = spec[sheet]
        ws = book[sheet]
        assert [c.value for c in ws[1]] == [c["header"] for c in columns], sheet
        for row in ws.iter_rows(min_row=2):
            for cell, column in zip(row, columns, strict=True):
                where = f"{sheet} {column['header']!r} row {cell.row}"
                if cell.value is None:
                    assert column["can_be_blank"] is not False or (sheet, column["header"]) in NOT_HELD_REQUIRED, where
                elif column["type"] == "category":
                    assert cell.value in column["allowed_values"], where
                elif column["type"] == "date":
                    assert cell.is_date and isinstance(cell.value, datetime), where
                    assert cell.number_format == "dd/mm/yyyy", where
                elif column["type"] == "integer":
                    assert type(cell.value) is int, where
                else:
                    assert isinstance(cell.value, str) and cell.value, where
    for sheet in ("List 1", "List 2", "List 3", "List 4", "List 5", "List 6", "List 7"):
        assert book[sheet].max_row > 1, f"{sheet} has rows"
    for sheet in ("List 8", "List 9", "List 10", "List 11"):
        assert book[sheet].max_row == 1, f"{sheet} has its headings only"
    assert all(cell.font.b for cell in book["List 1"][1]), "headings are bold"
    assert book["List 1"].freeze_panes == "A2"


def test_the_streamed_file_has_the_same_cells_as_the_openpyxl_workbook(world, hana):
    odd = f.make_child(la_child_id="ODD&<001>", first_name="Zoë")
    contact(odd, at(2026, 3, 2), source="10")
    stream, reference = streamed(as_of=AS_OF), read_back(build_annex_a(as_of=AS_OF))
    assert stream.sheetnames == reference.sheetnames
    for sheet in stream.sheetnames:
        ours = [[(c.value, c.number_format if c.is_date else None) for c in row] for row in stream[sheet].iter_rows()]
        theirs = [
            [(c.value, c.number_format if c.is_date else None) for c in row] for row in reference[sheet].iter_rows()
        ]
        assert ours == theirs, sheet
    assert rows_for(stream, "List 1", odd)[0]["Contact Source"] == "u) 10: Unknown"


def test_a_handcrafted_child_appears_in_the_right_lists_with_the_right_values(world, hana):
    book = read_back(build_annex_a(as_of=AS_OF))
    worker = world.users["sw_north"].get_full_name()
    who = {"Child Unique ID": "HANA0001", "Gender": "a) Male", "Ethnicity": "k) APKN", "Age of Child (Years)": 9}

    [contact_row] = rows_for(book, "List 1", hana)
    assert contact_row.items() >= who.items()
    assert as_date(contact_row["Date of Birth"]) == date(2016, 5, 10)
    assert as_date(contact_row["Date of Contact"]) == date(2026, 2, 2)
    assert contact_row["Contact Source"] == "q) 6: Police"

    [referral] = rows_for(book, "List 3", hana)  # last June's referral is before the window
    assert as_date(referral["Date of referral"]) == date(2026, 2, 3)
    assert referral["Referral Source"] == "q) 6: Police"
    assert referral["Referral NFA?"] == "b) No"
    assert referral["Number of Referrals in Last 12 Months"] == 2  # last June's and this one
    assert (referral["Allocated Team"], referral["Allocated Worker"]) == ("North locality", worker)

    [assessment] = rows_for(book, "List 4", hana)
    assert assessment["Does the Child have a Disability"] == "a) Yes"
    assert as_date(assessment["Continuous Assessment Start Date"]) == date(2026, 2, 4)
    assert assessment["Child Seen During Continuous Assessment"] == "b) No"  # no visit recorded
    assert as_date(assessment["Continuous Assessment Date of Authorisation"]) == date(2026, 3, 10)
    assert assessment["Was the child assessed as requiring LA children's social care support?"] == "a) Yes"

    [enquiry] = rows_for(book, "List 5", hana)
    assert as_date(enquiry["Strategy discussion initiating Section 47 Enquiry Start Date"]) == date(2026, 3, 2)
    assert enquiry["Was an Initial Child Protection Conference deemed unnecessary?"] == "b) No"
    assert as_date(enquiry["Date of Initial Child Protection Conference"]) == date(2026, 3, 20)
    assert enquiry["Did the Initial Child Protection Conference Result in a Child Protection Plan"] == "a) Yes"
    assert enquiry["Number of Section 47 Enquiries in the last 12 months"] == 1
    assert enquiry["Number of ICPCs in the last 12 months"] == 1

    [cin] = rows_for(book, "List 6", hana)  # the episodes closed before the window are not listed
    assert as_date(cin["CIN Start Date"]) == date(2026, 2, 3)
    assert cin["Primary Need Code"] == "N1 - Abuse or neglect"
    assert cin["CIN Closure Date"] is None and cin["Reason for Closure"] is None
    assert cin["Case Status"] == "b) Child Protection plan"
    assert cin["Date Child Was Last Seen"] is None  # not seen on a recorded visit

    [cp] = rows_for(book, "List 7", hana)  # the 2024 plan ended before the window
    assert as_date(cp["Child Protection Plan Start Date"]) == date(2026, 3, 20)
    assert cp["Initial Category of Abuse"] == "a) Neglect"
    assert cp["Latest Category of Abuse"] == "d) Emotional abuse"
    assert as_date(cp["Date of latest review conference"]) == date(2026, 3, 27)
    assert cp["Child Protection Plan End Date"] is None
    assert cp["Number of Previous Child Protection Plans"] == 1
    assert (cp["Allocated Team"], cp["Allocated Worker"]) == ("North locality", worker)

    assert rows_for(book, "List 2", hana) == []


def _visit(child, by, day: date, **fields):
    from lantern.recording.models import Visit

    values = {
        "visit_type": "cin_statutory",
        "location": "home",
        "present": "Mum",
        "child_seen": True,
        "seen_alone": False,
        "observations": "Observed",
        "analysis": "Analysed",
        "next_steps": "Next",
    }
    values.update(fields)
    return Visit.objects.create(
        child=child, author=by, visited_at=at(day.year, day.month, day.day), visited_on=day, **values
    )


@pytest.mark.parametrize("writer", ["streamed", "openpyxl"])
def test_visits_fill_the_seen_columns_of_lists_4_6_and_7(world, hana, writer):
    sw = world.users["sw_north"]
    _visit(hana, sw, date(2026, 2, 10))  # during the assessment (4 Feb to 10 March)
    _visit(hana, sw, date(2026, 3, 25), visit_type="cp_statutory", seen_alone=True)
    _visit(hana, sw, date(2026, 3, 28), visit_type="other")  # seen, but not a statutory visit
    _visit(hana, sw, date(2026, 3, 30), visit_type="cp_statutory", child_seen=False, not_seen_reason="Out")
    _visit(hana, sw, date(2026, 4, 5), visit_type="cp_statutory")  # after the as-of date
    book = streamed(as_of=AS_OF) if writer == "streamed" else read_back(build_annex_a(as_of=AS_OF))

    [assessment] = rows_for(book, "List 4", hana)
    assert assessment["Child Seen During Continuous Assessment"] == "a) Yes"
    [cin] = rows_for(book, "List 6", hana)
    assert as_date(cin["Date Child Was Last Seen"]) == date(2026, 3, 28)  # any visit where the child was seen
    ws = book["List 6"]
    column = [c.value for c in ws[1]].index("Date Child Was Last Seen") + 1
    [row] = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == hana.la_child_id]
    assert ws.cell(row=row, column=column).is_date
    assert ws.cell(row=row, column=column).number_format == "dd/mm/yyyy"
    [cp] = rows_for(book, "List 7", hana)
    assert as_date(cp["Date of the Last Statutory Visit"]) == date(2026, 3, 25)
    assert cp["Was the Child Seen Alone?"] == "a) Yes"

    # An earlier as-of date sees only the visits made by then.
    earlier = read_back(build_annex_a(as_of=date(2026, 3, 26)))
    [cin] = rows_for(earlier, "List 6", hana)
    assert as_date(cin["Date Child Was Last Seen"]) == date(2026, 3, 25)


def test_seen_alone_no_and_blank_without_a_statutory_visit(world, hana):
    sw = world.users["sw_north"]
    _visit(hana, sw, date(2026, 3, 25), visit_type="cp_statutory", seen_alone=True)
    _visit(hana, sw, date(2026, 3, 27), visit_type="cp_statutory", seen_alone=False)
    own = world.children["own"]
    episode = CINEpisode.objects.get(child=own)
    ChildProtectionPlan.objects.create(
        child=own, episode=episode, start_date=date(2026, 2, 2), initial_category="NEG", latest_category="NEG"
    )
    _visit(own, sw, date(2026, 3, 1), visit_type="other", seen_alone=True)  # not statutory
    Assessment.objects.create(
        episode=episode,
        child=own,
        start_date=date(2026, 3, 2),
        due_date=date(2026, 5, 5),
        status=WorkStatus.APPROVED,
        authorised_date=date(2026, 3, 20),
        outcome=AssessmentOutcome.CIN_PLAN,
    )
    _visit(own, sw, date(2026, 3, 21))  # the day after the assessment was authorised

    book = read_back(build_annex_a(as_of=AS_OF))

    [cp] = rows_for(book, "List 7", hana)
    assert as_date(cp["Date of the Last Statutory Visit"]) == date(2026, 3, 27)
    assert cp["Was the Child Seen Alone?"] == "b) No"  # at the last statutory visit
    [cp] = rows_for(book, "List 7", own)
    assert as_date(cp["Date of the Last Statutory Visit"]) == date(2026, 3, 21)
    [assessment] = rows_for(book, "List 4", own)
    assert assessment["Child Seen During Continuous Assessment"] == "b) No"
    [cin] = rows_for(book, "List 6", own)
    assert as_date(cin["Date Child Was Last Seen"]) == date(2026, 3, 21)
    team = world.children["team"]
    [cin] = rows_for(book, "List 6", team)
    assert cin["Date Child Was Last Seen"] is None


def test_closed_episodes_nfa_referrals_and_early_help(world):
    sw = world.users["sw_south"]
    closed = f.make_child(la_child_id="CLOSED01", sex=codes.Sex.UNKNOWN, date_of_birth=None)
    f.open_cin_episode(
        closed,
        referral_date=date(2025, 8, 4),
        closure_date=date(2025, 12, 1),
        closure_reason="RC9",
        primary_need="N4",
        team=world.south,
    )
    f.allocate(
        closed,
        team=world.south,
        worker=sw,
        start=date(2025, 8, 4),
        end=date(2025, 12, 1),
        end_reason=AllocationReason.CASE_CLOSED,
    )
    nfa = f.make_child(la_child_id="NFA00001")
    f.open_cin_episode(
        nfa,
        referral_date=date(2026, 1, 12),
        closure_date=date(2026, 1, 12),
        closure_reason="RC8",
        referral_nfa=True,
        primary_need="",
    )
    ChildDisability.objects.create(child=nfa, code=codes.Disability.NONE)
    EarlyHelpEpisode.objects.create(child=nfa, start_date=date(2026, 1, 13), team=world.west)

    book = read_back(build_annex_a(as_of=AS_OF))

    [row] = rows_for(book, "List 6", closed)
    assert as_date(row["CIN Closure Date"]) == date(2025, 12, 1)
    assert row["Reason for Closure"] == "RC9 - Case closed after assessment, referred to early help"
    assert row["Primary Need Code"] == "N4 - Family in acute stress"
    assert row["Case Status"] == "e) Closed episode"
    assert row["Gender"] == "c) Not stated/recorded"
    assert row["Date of Birth"] is None and row["Age of Child (Years)"] is None
    assert row["Does the Child have a Disability"] == "c) Unknown"  # nothing recorded
    assert (row["Allocated Team"], row["Allocated Worker"]) == ("South locality", sw.get_full_name())

    [referral] = rows_for(book, "List 3", nfa)
    assert referral["Referral NFA?"] == "a) Yes"
    assert rows_for(book, "List 6", nfa) == []  # an NFA referral never became a child in need
    [early_help] = rows_for(book, "List 2", nfa)
    assert as_date(early_help["Assessment start date"]) == date(2026, 1, 13)
    assert early_help["Assessment completion date"] is None
    assert early_help["Organisation completing assessment"] == "West disabled children"


def test_restricted_children_are_in_the_return(world):
    book = read_back(build_annex_a(as_of=AS_OF))
    ids = {r["Child Unique ID"] for r in rows_of(book, "List 6")}
    assert world.children["restricted"].la_child_id in ids
    assert {c.la_child_id for c in world.children.values()} <= ids


# ---------------------------------------------------------------------------------------------
# The window and the as-of date
# ---------------------------------------------------------------------------------------------


def test_the_window_is_the_six_months_up_to_and_including_the_as_of_date():
    assert window(date(2026, 3, 31)) == (date(2025, 10, 1), date(2026, 3, 31))
    assert window(date(2026, 8, 31)) == (date(2026, 3, 1), date(2026, 8, 31))


def test_six_month_window_boundary(world):
    child = f.make_child(la_child_id="EDGE0001")
    contact(child, at(2025, 9, 30, 23, 30), source="1A")  # the day before the window (local time)
    contact(child, at(2025, 10, 1, 0, 10), source="1B")  # the first minutes of the window, still 30 Sep in UTC
    contact(child, at(2026, 3, 31, 23, 50), source="1C")  # the last minutes of the as-of date
    contact(child, at(2026, 4, 1, 0, 5), source="1D")  # after the as-of date
    early = f.make_child(la_child_id="EDGE0002")
    f.open_cin_episode(
        early,
        referral_date=date(2025, 9, 30),
        closure_date=date(2025, 9, 30),
        closure_reason="RC8",
        referral_nfa=True,
        primary_need="",
    )
    first = f.make_child(la_child_id="EDGE0003")
    f.open_cin_episode(first, referral_date=date(2025, 10, 1))

    book = read_back(build_annex_a(as_of=AS_OF))

    contacts = rows_for(book, "List 1", child)
    assert [c["Contact Source"] for c in contacts] == ["b) 1B: Individual", "c) 1C: Individual"]
    assert [as_date(c["Date of Contact"]) for c in contacts] == [date(2025, 10, 1), date(2026, 3, 31)]
    assert rows_for(book, "List 3", early) == []
    assert len(rows_for(book, "List 3", first)) == 1


def test_what_happened_after_the_as_of_date_is_not_shown(world):
    sw = world.users["sw_north"]
    child = world.children["own"]
    episode = CINEpisode.objects.get(child=child)
    discussion = strategy(child, episode, date(2026, 3, 25), sw)
    Section47.objects.create(
        episode=episode,
        child=child,
        strategy_discussion=discussion,
        start_date=date(2026, 3, 25),
        icpc_target_date=date(2026, 4, 16),
        icpc_date=date(2026, 4, 10),
    )
    ChildProtectionPlan.objects.create(
        child=child, episode=episode, start_date=date(2026, 4, 10), initial_category="NEG", latest_category="NEG"
    )
    episode.closure_date, episode.closure_reason = date(2026, 6, 1), "RC7"
    episode.save()

    book = read_back(build_annex_a(as_of=AS_OF))

    [cin] = rows_for(book, "List 6", child)
    assert cin["CIN Closure Date"] is None and cin["Reason for Closure"] is None
    assert cin["Case Status"] == "d) Open assessment"  # no assessment authorised by 31 March
    [enquiry] = rows_for(book, "List 5", child)
    assert enquiry["Date of Initial Child Protection Conference"] is None
    assert enquiry["Was an Initial Child Protection Conference deemed unnecessary?"] is None
    assert enquiry["Did the Initial Child Protection Conference Result in a Child Protection Plan"] is None
    assert rows_for(book, "List 7", child) == []


def test_case_status_on_the_as_of_date(world):
    from lantern.casework.models import CINPlan, CINPlanChild

    sw = world.users["sw_north"]
    assessed, on_plan = world.children["team"], world.children["south"]
    for child in (assessed, on_plan):
        Assessment.objects.create(
            episode=CINEpisode.objects.get(child=child),
            child=child,
            start_date=date(2026, 1, 6),
            due_date=date(2026, 3, 9),
            status=WorkStatus.APPROVED,
            authorised_date=date(2026, 2, 20),
            outcome=AssessmentOutcome.CIN_PLAN,
        )
    plan = CINPlan.objects.create(title="Plan", author=sw, status=WorkStatus.APPROVED, start_date=date(2026, 3, 2))
    CINPlanChild.objects.create(
        plan=plan, child=on_plan, episode=CINEpisode.objects.get(child=on_plan), start_date=date(2026, 3, 2)
    )

    book = read_back(build_annex_a(as_of=AS_OF))

    assert rows_for(book, "List 6", on_plan)[0]["Case Status"] == "c) Child in need plan"
    assert rows_for(book, "List 6", assessed)[0]["Case Status"] == "c) Child in need plan"
    assert rows_for(book, "List 6", world.children["west"])[0]["Case Status"] == "d) Open assessment"
    [row] = rows_for(book, "List 4", on_plan)
    assert row["Was the child assessed as requiring LA children's social care support?"] == "a) Yes"


# ---------------------------------------------------------------------------------------------
# Allocated team and worker on the relevant date
# ---------------------------------------------------------------------------------------------


def test_team_and_worker_come_from_the_lead_allocation_on_the_relevant_date(world):
    first, second = world.users["sw_north"], world.users["sw_north_2"]
    moved = f.make_child(la_child_id="MOVED001")
    f.open_cin_episode(moved, referral_date=date(2026, 1, 10))
    f.allocate(
        moved,
        team=world.north,
        worker=first,
        start=date(2026, 1, 10),
        end=date(2026, 2, 15),
        end_reason=AllocationReason.WORKER_LEFT,
    )
    f.allocate(moved, team=world.south, worker=second, start=date(2026, 2, 15))
    closed = f.make_child(la_child_id="CLOSED02")
    f.open_cin_episode(closed, referral_date=date(2026, 1, 12), closure_date=date(2026, 2, 10), closure_reason="RC7")
    f.allocate(
        closed,
        team=world.north,
        worker=first,
        start=date(2026, 1, 12),
        end=date(2026, 2, 10),
        end_reason=AllocationReason.CASE_CLOSED,
    )
    f.allocate(closed, team=world.south, worker=second, start=date(2026, 3, 1))  # later work, not this episode's
    waiting = f.make_child(la_child_id="WAITING1")
    f.open_cin_episode(waiting, referral_date=date(2026, 3, 2))
    f.allocate(waiting, team=world.west, worker=None, start=date(2026, 3, 2))

    book = read_back(build_annex_a(as_of=AS_OF))

    def holder(child):
        row = rows_for(book, "List 3", child)[0]
        return row["Allocated Team"], row["Allocated Worker"]

    assert holder(moved) == ("South locality", second.get_full_name())  # open: who holds it on the as-of date
    assert holder(closed) == ("North locality", first.get_full_name())  # closed: who held it at closure
    assert holder(waiting) == ("West disabled children", "Unallocated")
    assert holder(world.children["west"]) == ("West disabled children", "Unallocated")


# ---------------------------------------------------------------------------------------------
# Ofsted's strings come from the json, by code
# ---------------------------------------------------------------------------------------------


def test_every_national_code_has_its_ofsted_string():
    spec = load_spec()
    source = spec.column("List 3", "Referral Source")
    for code in codes.ReferralSource.values:
        assert source.value(code) in source.allowed and f") {code}:" in source.value(code)
    need = spec.column("List 6", "Primary Need Code")
    for code in codes.PrimaryNeed.values:
        assert need.value(code).startswith(f"{code} - ")
    reason = spec.column("List 6", "Reason for Closure")
    for code in codes.ReasonForClosure.values:
        assert reason.value(code).startswith(f"{code} - ")
    ethnicity = spec.column("List 1", "Ethnicity")
    for code in codes.Ethnicity.values:
        assert ethnicity.value(code).endswith(f") {code}")
    for header in ("Initial Category of Abuse", "Latest Category of Abuse"):
        column = spec.column("List 7", header)
        for code in codes.CategoryOfAbuse.values:
            assert column.value(annex_a._CATEGORY_WORDING[code]) in column.allowed
    gender = spec.column("List 1", "Gender")
    assert {gender.value(annex_a._SEX_WORDING[s]) for s in codes.Sex.values} == {
        "a) Male",
        "b) Female",
        "c) Not stated/recorded",
    }


def test_the_strings_are_read_from_the_json_not_kept_in_the_code(world, tmp_path, settings):
    lists = ofsted_lists()
    for column in lists["List 1"]:
        if column["header"] == "Contact Source":
            column["allowed_values"] = [
                v.replace("q) 6: Police", "q) 6: Police force") for v in column["allowed_values"]
            ]
    (tmp_path / "annex-a-lists.json").write_text(json.dumps(lists), encoding="utf-8")
    settings.LANTERN_REFERENCE_DIR = str(tmp_path)
    contact(world.children["own"], at(2026, 2, 2), source="6")

    book = read_back(build_annex_a(as_of=AS_OF))

    assert rows_for(book, "List 1", world.children["own"])[0]["Contact Source"] == "q) 6: Police force"


def test_a_missing_template_is_a_clear_error(world, tmp_path, settings):
    settings.LANTERN_REFERENCE_DIR = str(tmp_path)
    with pytest.raises(AnnexASpecError, match="annex-a-lists.json"):
        build_annex_a(as_of=AS_OF)
    with pytest.raises(CommandError, match="annex-a-lists.json"):
        call_command("annex_a", "--as-of", "2026-03-31", "--output", str(tmp_path / "a.xlsx"))


def test_a_value_missing_from_the_template_is_refused_not_written(world, tmp_path, settings):
    lists = ofsted_lists()
    for column in lists["List 6"]:
        if column["header"] == "Primary Need Code":
            column["allowed_values"] = [v for v in column["allowed_values"] if not v.startswith("N1 ")]
    (tmp_path / "annex-a-lists.json").write_text(json.dumps(lists), encoding="utf-8")
    settings.LANTERN_REFERENCE_DIR = str(tmp_path)
    with pytest.raises(AnnexASpecError, match="'N1' is not among the allowed values of 'Primary Need Code'"):
        build_annex_a(as_of=AS_OF)


# ---------------------------------------------------------------------------------------------
# Children, the command and bounded queries
# ---------------------------------------------------------------------------------------------


def test_only_the_given_children_are_listed(world, hana):
    book = read_back(build_annex_a(as_of=AS_OF, children=Child.objects.filter(pk=hana.pk)))
    for sheet in SHEET_NAMES[:7]:
        assert {r["Child Unique ID"] for r in rows_of(book, sheet)} <= {"HANA0001"}, sheet
    assert len(rows_of(book, "List 3")) == 1


def test_command_writes_the_workbook(world, hana, tmp_path):
    out = io.StringIO()
    path = tmp_path / "annex_a.xlsx"
    call_command("annex_a", "--as-of", "2026-03-31", "--output", str(path), stdout=out)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(SHEET_NAMES)
    assert rows_for(book, "List 1", hana)[0]["Contact Source"] == "q) 6: Police"
    assert "List 3: 6" in out.getvalue()  # the five world children and Hana
    with pytest.raises(CommandError, match="--as-of"):
        call_command("annex_a", "--as-of", "31/03/2026", "--output", str(path))


def _more_children(world, n: int) -> None:
    sw = world.users["sw_north"]
    for i in range(n):
        child = f.make_child(la_child_id=f"MORE{i:04d}")
        contact(child, at(2026, 1, 5 + i), source="3A")
        episode = f.open_cin_episode(child, referral_date=date(2026, 1, 6 + i))
        f.allocate(child, team=world.north, worker=sw, start=date(2026, 1, 6 + i))
        ChildDisability.objects.create(child=child, code=codes.Disability.MOB)
        Assessment.objects.create(episode=episode, child=child, start_date=date(2026, 1, 7 + i), due_date=AS_OF)
        discussion = strategy(child, episode, date(2026, 1, 19 + i), sw)
        Section47.objects.create(
            episode=episode,
            child=child,
            strategy_discussion=discussion,
            start_date=date(2026, 1, 19 + i),
            icpc_target_date=AS_OF,
            icpc_not_required=True,
        )
        EarlyHelpEpisode.objects.create(child=child, start_date=date(2025, 10, 6), end_date=date(2026, 1, 5))
        ChildProtectionPlan.objects.create(
            child=child, episode=episode, start_date=date(2026, 2, 2 + i), initial_category="SAB", latest_category="SAB"
        )


def test_queries_do_not_grow_with_the_number_of_children(world, django_assert_max_num_queries):
    load_spec()
    _more_children(world, 2)
    with CaptureQueriesContext(connection) as few:
        build_annex_a(as_of=AS_OF)
    for i in range(10):
        sw = world.users["sw_south"]
        child = f.make_child(la_child_id=f"MANY{i:04d}")
        contact(child, at(2026, 2, 2 + i))
        f.open_cin_episode(child, referral_date=date(2026, 2, 3 + i))
        f.allocate(child, team=world.south, worker=sw, start=date(2026, 2, 3 + i))
    with django_assert_max_num_queries(14):
        wb = build_annex_a(as_of=AS_OF)
    with CaptureQueriesContext(connection) as many:
        build_annex_a(as_of=AS_OF)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(rows_of(read_back(wb), "List 3")) == 5 + 2 + 10


# ---------------------------------------------------------------------------------------------
# The download page
# ---------------------------------------------------------------------------------------------


URL = "returns:annex_a"


def _post(day: date | None = AS_OF, **overrides) -> dict:
    data = {"as_of_day": "", "as_of_month": "", "as_of_year": ""}
    if day:
        data = {"as_of_day": str(day.day), "as_of_month": str(day.month), "as_of_year": str(day.year)}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["leader", "inspector"])
def test_leaders_and_inspectors_download_the_workbook(client, world, hana, role, caplog):
    user = world.users[role]
    client.force_login(user)
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert b'name="as_of_day"' in page.content and b"<h1" in page.content

    with caplog.at_level(logging.INFO, logger="lantern.returns"):
        response = client.post(reverse(URL), _post())

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="annex-a-2026-03-31.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == list(SHEET_NAMES)
    assert rows_for(book, "List 1", hana)[0]["Contact Source"] == "q) 6: Police"
    [record] = [r for r in caplog.records if r.name == "lantern.returns"]
    assert record.levelno == logging.INFO
    # Who, by user id (never a name or username: logs carry no personal data), and as of when.
    assert f"by user {user.pk} (" in record.getMessage() and "2026-03-31" in record.getMessage()


def test_the_date_defaults_to_today(client, world):
    from django.utils import timezone

    client.force_login(world.users["leader"])
    today = timezone.localdate()
    body = client.get(reverse(URL)).content.decode()
    assert re.search(rf'name="as_of_day"[^>]* value="{today.day}"', body)
    assert re.search(rf'name="as_of_month"[^>]* value="{today.month}"', body)
    assert re.search(rf'name="as_of_year"[^>]* value="{today.year}"', body)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_post(None), "Enter date the lists describe"),
        (_post(as_of_month="13"), "Date the lists describe must be a real date"),
        (_post(date(2099, 1, 1)), "Date the lists describe must be today or in the past"),
    ],
)
def test_a_bad_date_shows_the_error_by_the_field_and_downloads_nothing(client, world, data, message, caplog):
    from lantern.testing import links_to

    client.force_login(world.users["leader"])
    with caplog.at_level(logging.INFO, logger="lantern.returns"):
        response = client.post(reverse(URL), data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert links_to(body, "as_of")
    assert 'id="id_as_of-error"' in body
    assert not [r for r in caplog.records if r.name == "lantern.returns"]


@pytest.mark.parametrize("role", ["sw_north", "fsw_north", "tm_north", "sm_cin", "qa"])
def test_other_roles_are_refused(client, world, role, caplog):
    client.force_login(world.users[role])
    assert client.get(reverse(URL)).status_code == 403
    with caplog.at_level(logging.INFO, logger="lantern.returns"):
        response = client.post(reverse(URL), _post())
    assert response.status_code == 403
    assert "Content-Disposition" not in response
    assert not [r for r in caplog.records if r.name == "lantern.returns"]


def test_signing_in_is_required(client, world):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_download_runs_a_bounded_number_of_queries(client, world, hana, django_assert_max_num_queries):
    _more_children(world, 3)
    client.force_login(world.users["inspector"])
    load_spec()
    with django_assert_max_num_queries(20):
        response = client.post(reverse(URL), _post())
    assert response.status_code == 200


def test_spec_file_can_be_a_newer_copy(tmp_path, settings):
    """LANTERN_REFERENCE_DIR points the workbook at a newer copy of Ofsted's list headings."""
    shutil.copy(SPEC_PATH, tmp_path / "annex-a-lists.json")
    settings.LANTERN_REFERENCE_DIR = str(tmp_path)
    assert [c.header for c in load_spec().lists["List 3"]] == [c["header"] for c in ofsted_lists()["List 3"]]
