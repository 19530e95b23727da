"""Tests for lantern.core.calendar.

Every expected date below was worked out by hand from a calendar (weekday
noted next to it) or copied from the GOV.UK England and Wales list; none is
computed with the code under test.
"""

from datetime import date, datetime, timedelta

import pytest

from lantern.core.calendar import (
    MAX_YEAR,
    MIN_YEAR,
    add_working_days,
    bank_holidays,
    easter_sunday,
    is_working_day,
    next_working_day,
    working_days_between,
)

D = date

# GOV.UK, England and Wales (https://www.gov.uk/bank-holidays), with weekdays.
GOV_UK_LISTS = {
    2019: [
        D(2019, 1, 1),  # Tue New Year's Day
        D(2019, 4, 19),  # Fri Good Friday (Easter Sunday 21 April)
        D(2019, 4, 22),  # Mon Easter Monday
        D(2019, 5, 6),  # Mon early May (1 May was a Wednesday)
        D(2019, 5, 27),  # Mon spring
        D(2019, 8, 26),  # Mon summer
        D(2019, 12, 25),  # Wed Christmas Day
        D(2019, 12, 26),  # Thu Boxing Day
    ],
    2020: [
        D(2020, 1, 1),  # Wed
        D(2020, 4, 10),  # Fri Good Friday (Easter Sunday 12 April)
        D(2020, 4, 13),  # Mon Easter Monday
        D(2020, 5, 8),  # Fri early May moved for VE Day 75 (not Mon 4 May)
        D(2020, 5, 25),  # Mon spring
        D(2020, 8, 31),  # Mon summer
        D(2020, 12, 25),  # Fri Christmas Day
        D(2020, 12, 28),  # Mon Boxing Day substitute (26th was a Saturday)
    ],
    2021: [
        D(2021, 1, 1),  # Fri
        D(2021, 4, 2),  # Fri Good Friday (Easter Sunday 4 April)
        D(2021, 4, 5),  # Mon Easter Monday
        D(2021, 5, 3),  # Mon early May
        D(2021, 5, 31),  # Mon spring
        D(2021, 8, 30),  # Mon summer
        D(2021, 12, 27),  # Mon Christmas substitute (25th was a Saturday)
        D(2021, 12, 28),  # Tue Boxing Day substitute (26th was a Sunday)
    ],
    2022: [
        D(2022, 1, 3),  # Mon New Year substitute (1 Jan was a Saturday)
        D(2022, 4, 15),  # Fri Good Friday (Easter Sunday 17 April)
        D(2022, 4, 18),  # Mon Easter Monday
        D(2022, 5, 2),  # Mon early May
        D(2022, 6, 2),  # Thu spring, moved from Mon 30 May
        D(2022, 6, 3),  # Fri Platinum Jubilee
        D(2022, 8, 29),  # Mon summer
        D(2022, 9, 19),  # Mon state funeral of Queen Elizabeth II
        D(2022, 12, 26),  # Mon Boxing Day
        D(2022, 12, 27),  # Tue Christmas substitute (25th was a Sunday)
    ],
    2023: [
        D(2023, 1, 2),  # Mon New Year substitute (1 Jan was a Sunday)
        D(2023, 4, 7),  # Fri Good Friday (Easter Sunday 9 April)
        D(2023, 4, 10),  # Mon Easter Monday
        D(2023, 5, 1),  # Mon early May
        D(2023, 5, 8),  # Mon coronation of King Charles III
        D(2023, 5, 29),  # Mon spring
        D(2023, 8, 28),  # Mon summer
        D(2023, 12, 25),  # Mon Christmas Day
        D(2023, 12, 26),  # Tue Boxing Day
    ],
    2024: [
        D(2024, 1, 1),  # Mon
        D(2024, 3, 29),  # Fri Good Friday (Easter Sunday 31 March)
        D(2024, 4, 1),  # Mon Easter Monday
        D(2024, 5, 6),  # Mon early May
        D(2024, 5, 27),  # Mon spring
        D(2024, 8, 26),  # Mon summer
        D(2024, 12, 25),  # Wed
        D(2024, 12, 26),  # Thu
    ],
    2025: [
        D(2025, 1, 1),  # Wed
        D(2025, 4, 18),  # Fri Good Friday (Easter Sunday 20 April)
        D(2025, 4, 21),  # Mon Easter Monday
        D(2025, 5, 5),  # Mon early May
        D(2025, 5, 26),  # Mon spring
        D(2025, 8, 25),  # Mon summer
        D(2025, 12, 25),  # Thu
        D(2025, 12, 26),  # Fri
    ],
    2026: [
        D(2026, 1, 1),  # Thu
        D(2026, 4, 3),  # Fri Good Friday (Easter Sunday 5 April)
        D(2026, 4, 6),  # Mon Easter Monday
        D(2026, 5, 4),  # Mon early May
        D(2026, 5, 25),  # Mon spring
        D(2026, 8, 31),  # Mon summer
        D(2026, 12, 25),  # Fri Christmas Day
        D(2026, 12, 28),  # Mon Boxing Day substitute (26th is a Saturday)
    ],
    2027: [
        D(2027, 1, 1),  # Fri
        D(2027, 3, 26),  # Fri Good Friday (Easter Sunday 28 March)
        D(2027, 3, 29),  # Mon Easter Monday
        D(2027, 5, 3),  # Mon early May (1 May is a Saturday)
        D(2027, 5, 31),  # Mon spring
        D(2027, 8, 30),  # Mon summer
        D(2027, 12, 27),  # Mon Christmas substitute (25th is a Saturday)
        D(2027, 12, 28),  # Tue Boxing Day substitute (26th is a Sunday)
    ],
}

# Years with one-off extra holidays, and how many holidays they have.
UNUSUAL_YEAR_COUNTS = {1999: 9, 2002: 9, 2011: 9, 2012: 9, 2022: 10, 2023: 9}


# ---------------------------------------------------------------------------
# bank_holidays
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(GOV_UK_LISTS))
def test_bank_holidays_match_gov_uk(year):
    assert bank_holidays(year) == frozenset(GOV_UK_LISTS[year])


def test_bank_holidays_returns_frozenset_and_is_cached():
    first = bank_holidays(2025)
    assert isinstance(first, frozenset)
    assert bank_holidays(2025) is first


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2024, 2025, 2026, 2027, 2030])
def test_normal_year_has_exactly_eight_holidays(year):
    assert len(bank_holidays(year)) == 8


def test_holiday_count_for_every_supported_year():
    for year in range(MIN_YEAR, MAX_YEAR + 1):
        expected = UNUSUAL_YEAR_COUNTS.get(year, 8)
        assert len(bank_holidays(year)) == expected, year


def test_every_holiday_is_a_weekday_in_its_year():
    for year in range(MIN_YEAR, MAX_YEAR + 1):
        for holiday in bank_holidays(year):
            assert holiday.year == year
            assert holiday.weekday() < 5, holiday


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (1990, D(1990, 4, 15)),
        (1995, D(1995, 4, 16)),
        (2000, D(2000, 4, 23)),
        (2008, D(2008, 3, 23)),  # earliest this century
        (2011, D(2011, 4, 24)),
        (2016, D(2016, 3, 27)),
        (2019, D(2019, 4, 21)),
        (2024, D(2024, 3, 31)),
        (2025, D(2025, 4, 20)),
        (2026, D(2026, 4, 5)),
        (2027, D(2027, 3, 28)),
        (2038, D(2038, 4, 25)),  # latest possible date
    ],
)
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected
    assert expected.weekday() == 6


def test_historic_one_offs():
    # 1995: early May moved from Mon 1 May to Mon 8 May (VE Day 50).
    assert D(1995, 5, 8) in bank_holidays(1995)
    assert D(1995, 5, 1) not in bank_holidays(1995)
    # 1999: Fri 31 Dec millennium; Christmas Sat 25 -> Mon 27 and Tue 28.
    assert {D(1999, 12, 27), D(1999, 12, 28), D(1999, 12, 31)} <= bank_holidays(1999)
    # 2000: 1 Jan was a Saturday -> Mon 3 Jan.
    assert D(2000, 1, 3) in bank_holidays(2000)
    # 2002: spring moved from Mon 27 May to Tue 4 June, Mon 3 June jubilee.
    assert {D(2002, 6, 3), D(2002, 6, 4)} <= bank_holidays(2002)
    assert D(2002, 5, 27) not in bank_holidays(2002)
    # 2011: royal wedding Fri 29 April.
    assert D(2011, 4, 29) in bank_holidays(2011)
    # 2012: spring moved from Mon 28 May to Mon 4 June, Tue 5 June jubilee.
    assert {D(2012, 6, 4), D(2012, 6, 5)} <= bank_holidays(2012)
    assert D(2012, 5, 28) not in bank_holidays(2012)
    # 2020: Mon 4 May was an ordinary working day.
    assert D(2020, 5, 4) not in bank_holidays(2020)
    # 2022: Mon 30 May was an ordinary working day.
    assert D(2022, 5, 30) not in bank_holidays(2022)


@pytest.mark.parametrize("year", [MIN_YEAR - 1, MAX_YEAR + 1, 1066])
def test_unsupported_year_raises(year):
    with pytest.raises(ValueError):
        bank_holidays(year)


# ---------------------------------------------------------------------------
# is_working_day / next_working_day
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 6, 9), True),  # Mon
        (D(2025, 6, 13), True),  # Fri
        (D(2025, 6, 14), False),  # Sat
        (D(2025, 6, 15), False),  # Sun
        (D(2025, 12, 25), False),  # Thu Christmas
        (D(2025, 12, 24), True),  # Wed Christmas Eve
        (D(2025, 8, 25), False),  # Mon summer bank holiday
        (D(2020, 5, 4), True),  # Mon, early May moved to the 8th in 2020
        (D(2020, 5, 8), False),  # Fri VE Day
        (D(2021, 12, 27), False),  # Mon substitute
        (D(2022, 9, 19), False),  # Mon state funeral
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_datetime_is_refused():
    # A datetime never equals a date, so it would miss holidays silently.
    with pytest.raises(TypeError):
        is_working_day(datetime(2025, 12, 25, 9, 0))
    with pytest.raises(TypeError):
        add_working_days(datetime(2025, 12, 25, 9, 0), 1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 6, 11), D(2025, 6, 11)),  # Wed -> itself
        (D(2025, 6, 14), D(2025, 6, 16)),  # Sat -> Mon
        (D(2025, 6, 15), D(2025, 6, 16)),  # Sun -> Mon
        (D(2025, 8, 23), D(2025, 8, 26)),  # Sat -> Sun, Mon holiday -> Tue
        (D(2025, 12, 25), D(2025, 12, 29)),  # Thu, Fri hols, weekend -> Mon
        (D(2021, 12, 25), D(2021, 12, 29)),  # Sat, Sun, Mon+Tue hols -> Wed
        (D(2022, 1, 1), D(2022, 1, 4)),  # Sat, Sun, Mon 3rd hol -> Tue
    ],
)
def test_next_working_day(day, expected):
    assert next_working_day(day) == expected


# ---------------------------------------------------------------------------
# add_working_days
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 45 working days from Mon 17 Nov 2025. Counting from Tue 18 Nov:
        #   Nov 18-21 (4) =4, Nov 24-28 (5) =9,
        #   Dec 1-5 =14, Dec 8-12 =19, Dec 15-19 =24, Dec 22-24 (Mon-Wed) =27,
        #   Thu 25 + Fri 26 Dec holidays, Dec 29-31 (Mon-Wed) =30,
        #   Thu 1 Jan holiday, Fri 2 Jan =31, Jan 5-9 =36, Jan 12-16 =41,
        #   Jan 19, 20, 21, 22 =45 -> Thu 22 Jan 2026.
        (D(2025, 11, 17), 45, D(2026, 1, 22)),
        # 45 working days from Mon 16 Nov 2026. Counting from Tue 17 Nov:
        #   Nov 17-20 (4) =4, Nov 23-27 =9, Mon 30 Nov =10,
        #   Dec 1-4 (Tue-Fri) =14, Dec 7-11 =19, Dec 14-18 =24,
        #   Dec 21-24 (Mon-Thu) =28, Fri 25 hol, Mon 28 hol (Boxing sub),
        #   Dec 29-31 (Tue-Thu) =31, Fri 1 Jan 2027 hol, Jan 4-8 =36,
        #   Jan 11-15 =41, Jan 18, 19, 20, 21 =45 -> Thu 21 Jan 2027.
        (D(2026, 11, 16), 45, D(2027, 1, 21)),
        # Easter 2025: Thu 17 Apr + 1: Good Fri 18, Sat, Sun, Easter Mon 21
        # skipped -> Tue 22 Apr.
        (D(2025, 4, 17), 1, D(2025, 4, 22)),
        # Easter 2024 straddles March/April: Thu 28 Mar + 1: Fri 29 hol,
        # Sat 30, Sun 31, Mon 1 Apr hol -> Tue 2 Apr.
        (D(2024, 3, 28), 1, D(2024, 4, 2)),
        # August 2025: Fri 22 + 1: Sat, Sun, Mon 25 hol -> Tue 26 Aug.
        (D(2025, 8, 22), 1, D(2025, 8, 26)),
        # From Fri 1 Aug 2025, 20 working days: Aug 4-8 =5, 11-15 =10,
        # 18-22 =15, Mon 25 hol, 26-29 (Tue-Fri) =19, Mon 1 Sep =20.
        (D(2025, 8, 1), 20, D(2025, 9, 1)),
        # Christmas 2021 (Sat/Sun, subs Mon 27 + Tue 28): Fri 24 + 1 -> Wed 29.
        (D(2021, 12, 24), 1, D(2021, 12, 29)),
        # Year end 2021: Fri 31 Dec + 1: Sat 1, Sun 2, Mon 3 hol -> Tue 4 Jan.
        (D(2021, 12, 31), 1, D(2022, 1, 4)),
        # Christmas 2025: Wed 24 + 1: Thu 25, Fri 26 hols, weekend -> Mon 29.
        (D(2025, 12, 24), 1, D(2025, 12, 29)),
        # Year end 2025: Wed 31 Dec + 1: Thu 1 Jan hol -> Fri 2 Jan 2026.
        (D(2025, 12, 31), 1, D(2026, 1, 2)),
        # Christmas 2026: Thu 24 + 1: Fri 25 hol, Sat, Sun, Mon 28 hol -> Tue 29.
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        # Platinum Jubilee: Wed 1 Jun 2022 + 1: Thu 2, Fri 3 hols,
        # weekend -> Mon 6 Jun.
        (D(2022, 6, 1), 1, D(2022, 6, 6)),
        # VE Day 2020: Thu 7 May + 1: Fri 8 hol, weekend -> Mon 11 May.
        (D(2020, 5, 7), 1, D(2020, 5, 11)),
        # ...and Mon 4 May 2020 was a normal day: Fri 1 May + 1 -> Mon 4 May.
        (D(2020, 5, 1), 1, D(2020, 5, 4)),
        # Weekends (June 2025: Fri 6, Sat 7, Sun 8, Mon 9, Fri 13).
        (D(2025, 6, 6), 1, D(2025, 6, 9)),  # Fri + 1 -> Mon
        (D(2025, 6, 6), 5, D(2025, 6, 13)),  # Fri + 5 -> next Fri
        (D(2025, 6, 7), 1, D(2025, 6, 9)),  # Sat + 1 -> Mon
        (D(2025, 6, 8), 2, D(2025, 6, 10)),  # Sun + 2 -> Tue
        # Zero: the day itself if working, otherwise the next working day.
        (D(2025, 6, 9), 0, D(2025, 6, 9)),  # Mon
        (D(2025, 6, 7), 0, D(2025, 6, 9)),  # Sat -> Mon
        (D(2025, 12, 25), 0, D(2025, 12, 29)),  # Thu hol -> Mon 29
        # Negative.
        (D(2025, 6, 9), -1, D(2025, 6, 6)),  # Mon - 1 -> Fri
        (D(2025, 6, 8), -1, D(2025, 6, 6)),  # Sun - 1 -> Fri
        (D(2025, 6, 7), -1, D(2025, 6, 6)),  # Sat - 1 -> Fri
        # Tue 22 Apr 2025 - 1: Mon 21 hol, Sun, Sat, Fri 18 hol -> Thu 17.
        (D(2025, 4, 22), -1, D(2025, 4, 17)),
        # Tue 4 Jan 2022 - 1: Mon 3 hol, Sun 2, Sat 1 -> Fri 31 Dec 2021.
        (D(2022, 1, 4), -1, D(2021, 12, 31)),
        # Fri 2 Jan 2026 - 3: Thu 1 hol, Wed 31 (1), Tue 30 (2), Mon 29 (3).
        (D(2026, 1, 2), -3, D(2025, 12, 29)),
        # ... - 4: Sun 28, Sat 27, Fri 26 hol, Thu 25 hol, Wed 24 (4).
        (D(2026, 1, 2), -4, D(2025, 12, 24)),
        # The 45-day example above, backwards.
        (D(2026, 1, 22), -45, D(2025, 11, 17)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_refuses_non_integer():
    with pytest.raises(TypeError):
        add_working_days(D(2025, 6, 9), 1.5)


# ---------------------------------------------------------------------------
# working_days_between
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Worked out above for add_working_days.
        (D(2025, 11, 17), D(2026, 1, 22), 45),
        (D(2026, 11, 16), D(2027, 1, 21), 45),
        (D(2025, 4, 17), D(2025, 4, 22), 1),
        (D(2025, 8, 1), D(2025, 9, 1), 20),
        # Same day.
        (D(2025, 6, 9), D(2025, 6, 9), 0),
        (D(2025, 6, 7), D(2025, 6, 7), 0),
        # Weekend only: (Sat 7, Sun 8] contains no working day.
        (D(2025, 6, 7), D(2025, 6, 8), 0),
        # Fri 6 to Mon 9 June 2025: just Monday.
        (D(2025, 6, 6), D(2025, 6, 9), 1),
        # Fri 24 Dec 2021 to Tue 4 Jan 2022: Wed 29, Thu 30, Fri 31 Dec and
        # Tue 4 Jan itself (27, 28 Dec and 3 Jan are holidays) -> 4.
        (D(2021, 12, 24), D(2022, 1, 4), 4),
        # Fri 24 Dec 2021 to Fri 31 Dec 2021: Wed 29, Thu 30, Fri 31 -> 3.
        (D(2021, 12, 24), D(2021, 12, 31), 3),
        # Whole of 2025: 1 Jan is a Wed, 365 days = 52 weeks + 1 extra
        # Wednesday -> 261 weekdays, minus 8 weekday holidays -> 253.
        (D(2024, 12, 31), D(2025, 12, 31), 253),
        # Whole of 2024 (leap): 1 Jan is a Mon, 366 days = 52 weeks + Mon 30
        # and Tue 31 Dec -> 262 weekdays, minus 8 -> 254.
        (D(2023, 12, 31), D(2024, 12, 31), 254),
        # Whole of 2022: 1 Jan is a Sat, 52 weeks + Sat 31 Dec -> 260
        # weekdays, minus 10 holidays -> 250.
        (D(2021, 12, 31), D(2022, 12, 31), 250),
        # Negative: end before start counts working days in [end, start).
        (D(2025, 4, 22), D(2025, 4, 17), -1),  # only Thu 17 Apr
        (D(2026, 1, 22), D(2025, 11, 17), -45),
        (D(2025, 6, 7), D(2025, 6, 6), -1),  # Sat back to Fri: Fri counts
        (D(2025, 6, 8), D(2025, 6, 7), 0),  # Sun back to Sat
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def _slow_count(start, end):
    """Day-by-day reference count using only weekday and the holiday sets."""
    step = 1 if end >= start else -1
    count = 0
    d = start
    while d != end:
        if step == 1:
            d += timedelta(days=1)
            counted = d
        else:
            counted = d - timedelta(days=1)
            d = counted
        if counted.weekday() < 5 and counted not in bank_holidays(counted.year):
            count += step
    return count


def test_working_days_between_matches_day_by_day_count():
    starts = [D(2021, 12, 20) + timedelta(days=i) for i in range(0, 40, 3)]
    ends = [D(2021, 11, 1) + timedelta(days=i) for i in range(0, 400, 17)]
    for start in starts:
        for end in ends:
            assert working_days_between(start, end) == _slow_count(start, end)


def test_round_trip_with_add_working_days():
    # For any start (working day or not) and any non-zero n, counting the
    # working days to the result gives n back.
    for offset in range(21):
        start = D(2025, 12, 15) + timedelta(days=offset)
        for n in [*range(-30, 0), *range(1, 31), 45, 200, -200]:
            assert working_days_between(start, add_working_days(start, n)) == n


def test_a_few_hundred_days_is_fast_enough():
    # 500 working days is roughly two years; must not raise or take long.
    result = add_working_days(D(2025, 1, 1), 500)
    assert working_days_between(D(2025, 1, 1), result) == 500


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from datetime import date

    from lantern.core.calendar import add_months

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 26), -12) == date(2025, 11, 26)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
