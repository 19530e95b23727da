"""The one place that says what a date may be (lantern/core/dates.py), and a working-day
calendar that never takes a page down."""

from datetime import date, timedelta

import pytest

from lantern import factories as f
from lantern.core import calendar, dates

TODAY = date(2026, 12, 7)


def test_something_that_happened_is_not_in_the_future_nor_before_1990():
    assert dates.happened_problem(TODAY, label="The date", today=TODAY) is None
    assert dates.happened_problem(TODAY + timedelta(days=1), label="The date", today=TODAY) == (
        "The date must be today or in the past"
    )
    assert dates.happened_problem(date(1989, 3, 12), label="The date", today=TODAY) == (
        "The date must be on or after 1 January 1990, the earliest date Lantern records"
    )


@pytest.mark.django_db
def test_work_with_the_child_is_not_before_birth_and_work_about_them_not_before_a_pregnancy():
    kai = f.make_child(first_name="Kai", date_of_birth=date(2016, 7, 3))
    label = "The date of the visit"
    with_child = dates.happened_problem(date(2016, 7, 2), label=label, child=kai, kind=dates.WITH_CHILD, today=TODAY)
    assert with_child == "The date of the visit must be on or after 3 July 2016, Kai's date of birth"
    assert dates.happened_problem(date(2016, 7, 3), label=label, child=kai, kind=dates.WITH_CHILD, today=TODAY) is None
    # A pre-birth referral is ordinary casework: up to 40 weeks before birth, not more.
    assert dates.happened_problem(date(2015, 9, 27), label="The date", child=kai, today=TODAY) is None
    assert dates.happened_problem(date(2015, 9, 26), label="The date", child=kai, today=TODAY) == (
        "The date must be on or after 27 September 2015, 40 weeks before Kai's date of birth"
    )


@pytest.mark.django_db
def test_an_unborn_child_has_work_from_40_weeks_before_the_expected_birth():
    baby = f.make_child(first_name="Bea", date_of_birth=None, expected_date_of_birth=date(2027, 3, 1))
    floor = date(2027, 3, 1) - timedelta(weeks=40)
    assert dates.happened_problem(floor, label="The date", child=baby, kind=dates.WITH_CHILD, today=TODAY) is None
    problem = dates.happened_problem(floor - timedelta(days=1), label="The date", child=baby, today=TODAY)
    assert problem.endswith("40 weeks before Bea's expected date of birth")


def test_a_planned_date_is_within_two_years():
    assert dates.planned_problem(date(2028, 12, 7), label="The target date", today=TODAY) is None
    assert dates.planned_problem(date(2099, 1, 1), label="The target date", today=TODAY) == (
        "The target date must be no later than 7 December 2028, 2 years from today"
    )
    floor = dates.today_floor(TODAY)
    assert dates.planned_problem(date(2026, 12, 6), label="The target date", not_before=floor, today=TODAY) == (
        "The target date must be today or in the future"
    )


@pytest.mark.parametrize("day", [date(1989, 3, 12), date(1066, 10, 14), date(2101, 1, 3), date(9999, 12, 20)])
def test_working_day_arithmetic_never_raises_outside_the_known_years(day):
    # A stored row from before the rules existed must not take a page down: outside 1990-2100
    # Monday to Friday count as working days.
    result = calendar.add_working_days(day, 1)
    assert result > day
    assert calendar.working_days_between(day, result) == 1
    assert calendar.add_working_days(day, -1) < day
    assert calendar.is_working_day(date(1989, 3, 13))  # a Monday
    assert not calendar.is_working_day(date(1989, 3, 12))  # a Sunday


def test_working_days_across_the_known_range_still_skip_bank_holidays():
    assert calendar.add_working_days(date(1989, 12, 29), 1) == date(1990, 1, 2)  # 1 Jan 1990 a bank holiday
    assert calendar.add_working_days(date(9999, 12, 31), 5) == date.max
