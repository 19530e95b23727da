"""The dry run and the load on small hand-written sets: every bad file gives line-level messages
and leaves nothing behind; census shells are filled in, not duplicated; staff cannot sign in
with a password until they set one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lantern import factories as f
from lantern.casework.models import CINEpisode, CINPlan, PlanOutcome
from lantern.notes.models import CaseNote
from lantern.onboarding import schema
from lantern.onboarding.export import write_blank_templates
from lantern.onboarding.services import OnboardingRefused, onboarding_check, onboarding_load
from lantern.people.models import Address, Child, ChildDisability, Person, Relationship
from lantern.workforce.models import Allocation, Team, Worker

GOOD = {
    "teams": "team,type,service\nNorth team,locality,Children in need\n",
    "staff": "username,first_name,last_name,role,team\n"
    "a.khan,Amira,Khan,social_worker,North team\nb.lee,Ben,Lee,team_manager,North team\n",
    "children": "la_child_id,first_name,last_name,date_of_birth,expected_date_of_birth,sex,ethnicity,upn,nhs_number,"
    "disabilities\n"
    "LC1,Maya,Okafor,2015-04-23,,F,WBRI,,,NONE\n"
    "LC2,Tom,Okafor,2018-01-02,,M,WBRI,,,AUT;LD\n",
    "relatives": "person_ref,first_name,last_name,date_of_birth,sex\nP1,Grace,Okafor,1988-11-02,F\n",
    "relationships": "person_ref,relationship,relative_ref,parental_responsibility,lives_with\n"
    "P1,mother,LC1,yes,yes\nP1,mother,LC2,yes,yes\nLC1,sibling,LC2,no,yes\n",
    "addresses": "household_ref,household_name,line1,town,postcode,start_date,end_date\n"
    "H1,Grace's home,12 Mill Lane,Ashford,TN23 4AB,2015-01-01,\n",
    "household_members": "household_ref,person_ref,start_date\nH1,P1,2015-01-01\nH1,LC1,2015-04-23\n",
    "episodes": "la_child_id,referral_date,referral_source,primary_need,team\nLC1,2026-01-12,1A,N1,North team\n",
    "allocations": "la_child_id,team,worker,role,start_date,start_reason\n"
    "LC1,North team,a.khan,lead,2026-01-20,new_case\nLC2,North team,,lead,2026-01-20,\n",
    "plans": "plan_ref,la_child_id,title,start_date,next_review_date,author,needs\n"
    "PL1,LC1,Okafor family plan,2026-02-10,2026-05-05,a.khan,A settled routine\n",
    "plan_outcomes": "plan_ref,la_child_id,description,measure,target_date,baseline_score\n"
    "PL1,LC1,Maya goes to school every day,Attendance above 95%,2026-07-20,4\n",
    "case_notes": "la_child_id,occurred_on,author,note_type,title,body,significant_category\n"
    'LC1,2026-02-14,a.khan,phone_call,Call with school,"Spoke to the head of year.\n'
    'Attendance is 80%, up from 70%.",\n',
}


def make_set(folder: Path, **changes: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**GOOD, **changes}.items():
        if text is not None:
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def counts() -> dict[str, int]:
    models = (Team, Worker, Person, Child, ChildDisability, Relationship, Address, CINEpisode, Allocation, CINPlan,
              PlanOutcome, CaseNote)  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def messages(report) -> list[str]:
    return [str(p) for p in report.problems.sorted()]


def test_a_good_set_passes_the_dry_run_and_saves_nothing(db, tmp_path):
    before = counts()
    report = onboarding_check(make_set(tmp_path))
    assert messages(report) == []
    assert report.files["children.csv"] == 2 and report.new_children == 2
    assert counts() == before


def test_the_load_creates_every_kind_of_record(db, tmp_path):
    loader = f.make_worker("loader", role="senior_leader")
    result = onboarding_load(make_set(tmp_path), by=loader)
    assert result.created["children"] == 2 and result.created["case notes"] == 1
    maya = Child.objects.select_related("person").get(la_child_id="LC1")
    assert maya.person.full_name == "Maya Okafor"
    assert set(ChildDisability.objects.filter(child__la_child_id="LC2").values_list("code", flat=True)) == {"AUT", "LD"}
    assert Relationship.objects.filter(relative=maya.person, type="mother", person__first_name="Grace").exists()
    assert Relationship.objects.filter(person=maya.person, type="sibling").count() == 1
    episode = CINEpisode.objects.get(child=maya)
    assert episode.team.name == "North team" and episode.closure_date is None
    lead = Allocation.objects.get(child=maya)
    assert lead.worker.username == "a.khan" and lead.end_date is None and lead.created_by == loader
    assert Allocation.objects.get(child__la_child_id="LC2").worker is None  # unallocated in the team
    plan = CINPlan.objects.get()
    assert plan.status == "approved" and plan.children.get().episode == episode
    assert PlanOutcome.objects.get().baseline_score == 4
    note = CaseNote.objects.get()
    assert note.status == "final" and note.author.username == "a.khan" and "80%, up from 70%" in note.body
    assert maya.person.history.first().history_user == loader  # every created row has its history


def test_staff_are_created_without_a_usable_password(db, tmp_path):
    onboarding_load(make_set(tmp_path), by=None)
    worker = Worker.objects.get(username="a.khan")
    assert not worker.has_usable_password() and worker.is_active
    assert not worker.check_password("")


def test_census_shells_are_filled_in_not_duplicated(db, tmp_path):
    person = Person.objects.create(first_name="Name not recorded", last_name="(LC1)", date_of_birth=date(2015, 4, 23),
                                   sex="F", ethnicity="WBRI")  # fmt: skip
    shell = Child.objects.create(person=person, la_child_id="LC1")
    ChildDisability.objects.create(child=shell, code="NONE")
    report = onboarding_check(make_set(tmp_path))
    assert messages(report) == [] and report.filled_children == 1 and report.new_children == 1
    onboarding_load(make_set(tmp_path), by=None)
    assert Child.objects.filter(la_child_id="LC1").count() == 1
    person.refresh_from_db()
    assert person.full_name == "Maya Okafor" and Child.objects.get(la_child_id="LC1").pk == shell.pk
    assert list(ChildDisability.objects.filter(child=shell).values_list("code", flat=True)) == ["NONE"]
    assert person.history.first().history_change_reason == "Onboarding: filled in"


def test_a_held_value_that_differs_is_reported_not_overwritten(db, tmp_path):
    person = Person.objects.create(first_name="Name not recorded", last_name="(LC1)", date_of_birth=date(2015, 4, 24))
    Child.objects.create(person=person, la_child_id="LC1")
    report = onboarding_check(make_set(tmp_path))
    assert messages(report) == [
        "children.csv, line 2: LC1 is already in Lantern with date_of_birth '2015-04-24': the file says '2015-04-23'"
    ]


def test_an_open_episode_lantern_holds_is_matched_by_referral_date(db, tmp_path):
    child = f.make_child(la_child_id="LC1", first_name="Name not recorded", last_name="(LC1)",
                         date_of_birth=date(2015, 4, 23))  # fmt: skip
    CINEpisode.objects.create(child=child, referral_date=date(2026, 1, 12), referral_source="1A", primary_need="N1")
    onboarding_load(make_set(tmp_path), by=None)
    assert CINEpisode.objects.filter(child=child).count() == 1
    assert CINEpisode.objects.get(child=child).team.name == "North team"  # filled in


BAD_CASES = [
    pytest.param(
        {"children": "la_child_id,first_name,surname,sex,ethnicity\nLC1,Maya,Okafor,F,WBRI\n"},
        [
            "children.csv, line 1: 'surname' is not a column of this template",
            "children.csv, line 1: the header has no column 'last_name': it is required",
        ],
        id="wrong-columns",
    ),
    pytest.param(
        {"children": GOOD["children"].replace("2015-04-23", "2015-02-30")},
        ["children.csv, line 2: 'date_of_birth' '2015-02-30' is not a date"],
        id="bad-date",
    ),
    pytest.param(
        {"episodes": GOOD["episodes"].replace("2026-01-12", "2014-01-12")},
        ["episodes.csv, line 2: 'referral_date' must be on or after 17 July 2014, 40 weeks before Maya's"],
        id="date-before-birth",
    ),
    pytest.param(
        {"case_notes": GOOD["case_notes"].replace("2026-02-14", "2099-02-14")},
        ["case_notes.csv, line 2: 'occurred_on' must be today or in the past"],
        id="date-in-future",
    ),
    pytest.param(
        {"allocations": GOOD["allocations"].replace("North team,a.khan", "East team,c.nobody")},
        [
            "allocations.csv, line 2: team 'East team' is not in teams.csv or in Lantern",
            "allocations.csv, line 2: worker 'c.nobody' is not in staff.csv or in Lantern",
        ],
        id="unknown-team-worker",
    ),
    pytest.param(
        {"children": GOOD["children"] + "LC1,Maya,Again,2015-04-23,,F,WBRI,,,\n"},
        ["children.csv, line 4: la_child_id 'LC1' is already on line 2: each appears once"],
        id="duplicate-id",
    ),
    pytest.param(
        {"case_notes": GOOD["case_notes"] + "LC1,2026-02-15,a.khan,phone_call,Cut"},
        ["case_notes.csv, line 4: the line has 5 values but the header has 7: it is cut short"],
        id="cut-short",
    ),
    pytest.param(
        {"case_notes": GOOD["case_notes"] + 'LC1,2026-02-15,a.khan,phone_call,Cut,"Half a no'},
        ["case_notes.csv, line 4: a quoted value is never closed: the file is cut short"],
        id="cut-short-in-quotes",
    ),
    pytest.param({"episodes": ""}, ["episodes.csv: the file is empty"], id="empty-file"),
    pytest.param({"children": None}, ["children.csv: the set has no such file: it is required"], id="no-children"),
    pytest.param(
        {"children": GOOD["children"].replace("Okafor,2018", ",2018")},
        ["children.csv, line 3: 'last_name' is empty: it is required"],
        id="missing-value",
    ),
    pytest.param(
        {"children": GOOD["children"].replace(",F,WBRI,,,NONE", ",X,WBRI,,1234567890,NONE")},
        ["children.csv, line 2: 'sex' 'X' is not one of: M, F, U", "children.csv, line 2: 'nhs_number': "],
        id="bad-codes",
    ),
    pytest.param(
        {"relationships": GOOD["relationships"] + "P9,father,LC1,yes,no\n"},
        ["relationships.csv, line 5: person_ref 'P9' is not in children.csv or relatives.csv"],
        id="unknown-person",
    ),
    pytest.param(
        {"allocations": GOOD["allocations"] + "LC1,North team,b.lee,lead,2026-01-20,\n"},
        ["allocations.csv, line 4: LC1 has another lead allocation in this file"],
        id="two-leads",
    ),
    pytest.param(
        {"plans": GOOD["plans"].replace("PL1,LC1", "PL1,LC2")},
        [
            "plans.csv, line 2: LC2 has no open episode",
            "plan_outcomes.csv, line 2: plans.csv has no row for plan_ref 'PL1' and LC1",
        ],
        id="plan-without-episode",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_CASES)
def test_bad_files_give_line_level_messages_and_leave_nothing_behind(db, tmp_path, changes, expected):
    folder = make_set(tmp_path, **changes)
    before = counts()
    found = messages(onboarding_check(folder))
    for wanted in expected:
        assert any(m.startswith(wanted) for m in found), f"{wanted!r} not in {found}"
    assert len(found) == len(expected), found
    with pytest.raises(OnboardingRefused):
        onboarding_load(folder, by=None)
    assert counts() == before


def test_a_file_that_is_not_a_template_is_reported(db, tmp_path):
    folder = make_set(tmp_path)
    (folder / "kids.csv").write_text("a,b\n")
    assert messages(onboarding_check(folder)) == [
        "kids.csv: this is not one of the onboarding templates (their names are: " + ", ".join(schema.FILENAMES) + ")"
    ]


def test_a_username_already_in_lantern_is_refused(db, tmp_path):
    f.make_worker("a.khan")
    assert messages(onboarding_check(make_set(tmp_path))) == [
        "staff.csv, line 2: username 'a.khan' is already in Lantern"
    ]


def test_a_large_file_is_streamed(db, tmp_path):
    """Many thousands of case notes: every row is checked; problems are capped, not the rows."""
    body = "x" * 2000
    lines = [GOOD["case_notes"].splitlines()[0]]
    lines += [f"LC1,2026-02-14,a.khan,phone_call,Note {i},{body}," for i in range(20_000)]
    lines += ["LC1,2026-02-31,a.khan,phone_call,Bad date,Text,"]
    folder = make_set(tmp_path, case_notes="\n".join(lines) + "\n")
    report = onboarding_check(folder)
    assert report.files["case_notes.csv"] == 20_001
    assert messages(report) == [
        "case_notes.csv, line 20002: 'occurred_on' '2026-02-31' is not a date "
        "(write dates as YYYY-MM-DD, like 2024-03-31)"
    ]


def test_blank_templates_are_the_schema_headers_and_pass_as_empty(db, tmp_path):
    write_blank_templates(tmp_path)
    assert (tmp_path / "children.csv").read_text().strip() == ",".join(schema.BY_NAME["children"].column_names)
    report = onboarding_check(tmp_path)
    assert messages(report) == [] and report.rows == 0


def test_the_command_dry_run_lists_problems_and_the_load_reports(db, tmp_path, capsys):
    folder = make_set(tmp_path, episodes=GOOD["episodes"].replace("2026-01-12", "12/13/2026"))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("onboard", str(folder), "--dry-run")
    assert "episodes.csv, line 2: 'referral_date' '12/13/2026' is not a date" in capsys.readouterr().err
    folder = make_set(tmp_path)
    call_command("onboard", str(folder), "--dry-run")
    assert "No problems: 18 rows would load (2 new children" in capsys.readouterr().out
    assert Child.objects.count() == 0
    call_command("onboard", str(folder), "--no-progress")
    assert "Added 1 services, 1 teams, 2 staff, 2 children" in capsys.readouterr().out
    assert Child.objects.count() == 2


def test_staff_are_placed_as_the_staff_forms_place_them(db, tmp_path):
    staff = GOOD["staff"] + "c.admin,Cat,Admin,council_admin,North team\nd.sm,Dee,Sm,service_manager,\n"
    assert messages(onboarding_check(make_set(tmp_path, staff=staff))) == [
        "staff.csv, line 4: 'team': A council administrator belongs to no team: they hold no children",
        "staff.csv, line 5: 'service': Select the service they manage",
    ]


def test_staff_get_an_assignment_and_the_administration_log_says_who_loaded_them(db, tmp_path):
    from lantern.administration.models import AdminEvent, StaffAssignment

    loader = f.make_worker("loader", role="council_admin")
    onboarding_load(make_set(tmp_path), by=loader)
    worker = Worker.objects.get(username="a.khan")
    assert worker.service.name == "Children in need"  # the service of their team
    assignment = StaffAssignment.objects.get(worker=worker)
    assert assignment.team.name == "North team" and assignment.end_date is None and assignment.recorded_by == loader
    kinds = set(AdminEvent.objects.filter(actor=loader, reason="Onboarding").values_list("kind", flat=True))
    assert kinds == {"service_created", "team_created", "staff_created"}


def test_text_is_held_to_the_limits_every_route_has(db, tmp_path):
    """bulk_create skips the model's save, where lantern.core.text holds lengths: the columns hold them."""
    notes = GOOD["case_notes"] + f"LC1,2026-02-15,a.khan,phone_call,Long,{'x' * 20_001},\n"
    assert messages(onboarding_check(make_set(tmp_path, case_notes=notes))) == [
        "case_notes.csv, line 4: 'body' is 20001 characters long: the most it can hold is 20000"
    ]
