"""England and Wales bank holidays and working-day arithmetic, computed offline.

Nothing here is downloaded: the holidays for each year are worked out from the
rules below, so the module works without network access and for future years.

Where the rules come from:

* Easter Monday, the last Monday in May, the last Monday in August and Boxing
  Day (26 December, or 27 December when 26 December is a Sunday) are set by
  Schedule 1 of the Banking and Financial Dealings Act 1971.
* Good Friday and Christmas Day are common-law holidays.
* New Year's Day (since 1974) and the early May bank holiday (first Monday in
  May, since 1978) are appointed every year by royal proclamation under
  section 1(3) of the 1971 Act, as are the weekend substitute days.
* The substitute-day pattern (a holiday falling on a Saturday or Sunday moves
  to the next weekday that is not already a holiday) and the one-off changes
  are taken from the published GOV.UK list (https://www.gov.uk/bank-holidays)
  and the proclamations for the years concerned:

  - 1995: early May holiday moved to Monday 8 May (50th anniversary of VE Day)
  - 1999: extra holiday on Friday 31 December (millennium)
  - 2002: spring holiday moved to Tuesday 4 June, plus Monday 3 June
    (Golden Jubilee)
  - 2011: extra holiday on Friday 29 April (royal wedding)
  - 2012: spring holiday moved to Monday 4 June, plus Tuesday 5 June
    (Diamond Jubilee)
  - 2020: early May holiday moved to Friday 8 May (75th anniversary of VE Day)
  - 2022: spring holiday moved to Thursday 2 June, plus Friday 3 June
    (Platinum Jubilee), and Monday 19 September (state funeral of
    Queen Elizabeth II)
  - 2023: extra holiday on Monday 8 May (coronation of King Charles III)

Easter Sunday is found with the anonymous Gregorian algorithm (also known as
the Meeus/Jones/Butcher algorithm).

Future one-off holidays cannot be predicted; add them to the tables below
when they are announced.
"""

from __future__ import annotations

import calendar as _calendar
import datetime
import operator
from functools import lru_cache

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "add_working_days",
    "bank_holidays",
    "easter_sunday",
    "is_working_day",
    "next_working_day",
    "working_days_between",
]

#: First and last years for which the rules above are known to be right.
MIN_YEAR = 1990
MAX_YEAR = 2100

_ONE_DAY = datetime.timedelta(days=1)
_MONDAY, _FRIDAY, _SATURDAY, _SUNDAY = 0, 4, 5, 6

# Years in which the early May bank holiday was not the first Monday in May.
_EARLY_MAY_MOVED = {
    1995: datetime.date(1995, 5, 8),
    2020: datetime.date(2020, 5, 8),
}

# Years in which the spring bank holiday was not the last Monday in May.
_SPRING_MOVED = {
    2002: datetime.date(2002, 6, 4),
    2012: datetime.date(2012, 6, 4),
    2022: datetime.date(2022, 6, 2),
}

# One-off additional bank holidays.
_EXTRA_HOLIDAYS = {
    1999: (datetime.date(1999, 12, 31),),
    2002: (datetime.date(2002, 6, 3),),
    2011: (datetime.date(2011, 4, 29),),
    2012: (datetime.date(2012, 6, 5),),
    2022: (datetime.date(2022, 6, 3), datetime.date(2022, 9, 19)),
    2023: (datetime.date(2023, 5, 8),),
}


def _check_year(year: int) -> int:
    year = operator.index(year)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Bank holidays are only known for {MIN_YEAR} to {MAX_YEAR}, not {year}")
    return year


def _check_date(d: datetime.date) -> None:
    # A datetime is a date subclass but never compares equal to a date, so it
    # would silently miss every holiday. Make the caller convert it explicitly
    # (in the right time zone).
    if isinstance(d, datetime.datetime) or not isinstance(d, datetime.date):
        raise TypeError(f"Expected a datetime.date, got {type(d).__name__}")


def easter_sunday(year: int) -> datetime.date:
    """Return the date of Easter Sunday (Western, Gregorian) in ``year``."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rem = divmod(century, 4)
    correction = (century + 8) // 25
    moon_correction = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon_correction + 15) % 30
    leap_years, year_rem = divmod(year_of_century, 4)
    to_sunday = (32 + 2 * century_rem + 2 * leap_years - epact - year_rem) % 7
    late = (golden + 11 * epact + 22 * to_sunday) // 451
    month, day = divmod(epact + to_sunday - 7 * late + 114, 31)
    return datetime.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(_MONDAY - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> datetime.date:
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = next_month - _ONE_DAY
    return last - datetime.timedelta(days=(last.weekday() - _MONDAY) % 7)


def _new_year(year: int) -> datetime.date:
    day = datetime.date(year, 1, 1)
    if day.weekday() == _SATURDAY:
        return day + 2 * _ONE_DAY
    if day.weekday() == _SUNDAY:
        return day + _ONE_DAY
    return day


def _christmas_and_boxing_day(year: int) -> tuple[datetime.date, datetime.date]:
    christmas = datetime.date(year, 12, 25)
    weekday = christmas.weekday()
    if weekday == _SATURDAY:
        # Christmas substitute Monday 27th, Boxing Day substitute Tuesday 28th.
        days = (27, 28)
    elif weekday == _SUNDAY:
        # Boxing Day on Monday 26th, Christmas substitute Tuesday 27th.
        days = (26, 27)
    elif weekday == _FRIDAY:
        # Boxing Day is a Saturday: substitute Monday 28th.
        days = (25, 28)
    else:
        days = (25, 26)
    return datetime.date(year, 12, days[0]), datetime.date(year, 12, days[1])


@lru_cache(maxsize=128)  # more than the 111 supported years
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """Return the England and Wales bank holidays in ``year`` (1990 to 2100).

    Substitute days are included in place of holidays that fall at a weekend,
    so every date returned is a Monday to Friday. Raises ``ValueError`` for a
    year outside the supported range.
    """
    year = _check_year(year)
    easter = easter_sunday(year)
    holidays = {
        _new_year(year),
        easter - 2 * _ONE_DAY,  # Good Friday
        easter + _ONE_DAY,  # Easter Monday
        _EARLY_MAY_MOVED.get(year, _first_monday(year, 5)),
        _SPRING_MOVED.get(year, _last_monday(year, 5)),
        _last_monday(year, 8),  # summer bank holiday
        *_christmas_and_boxing_day(year),
        *_EXTRA_HOLIDAYS.get(year, ()),
    }
    return frozenset(holidays)


def _known_holidays(year: int) -> frozenset[datetime.date]:
    """The bank holidays in ``year``, or none outside the years they are known for.

    The arithmetic below never raises for a date a record holds: the services refuse dates
    outside the known years (lantern/core/dates.py), but a page must not fail on an older row,
    so such a day counts as a working day when it is Monday to Friday."""
    return bank_holidays(year) if MIN_YEAR <= year <= MAX_YEAR else frozenset()


def is_working_day(d: datetime.date) -> bool:
    """Return True if ``d`` is Monday to Friday and not a bank holiday."""
    _check_date(d)
    return d.weekday() < _SATURDAY and d not in _known_holidays(d.year)


def next_working_day(d: datetime.date) -> datetime.date:
    """Return ``d`` if it is a working day, otherwise the next working day."""
    _check_date(d)
    while not is_working_day(d):
        if d == datetime.date.max:
            return d
        d += _ONE_DAY
    return d


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """Return the date ``n`` working days after ``start``.

    ``start`` itself is never counted, so ``n=1`` from a Friday is the next
    Monday (or Tuesday after a bank holiday Monday). ``n=0`` returns ``start``
    if it is a working day, otherwise the next working day. A negative ``n``
    counts backwards: ``n=-1`` is the last working day before ``start``.
    """
    _check_date(start)
    n = operator.index(n)
    if n == 0:
        return next_working_day(start)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    current = start
    try:
        while remaining:
            current += step
            if is_working_day(current):
                remaining -= 1
    except OverflowError:  # past the last (or first) day a date can hold
        return datetime.date.max if n > 0 else datetime.date.min
    return current


def _weekdays_to(ordinal: int) -> int:
    """Number of Mondays to Fridays from 1 January of year 1 to ``ordinal``.

    Day ordinal 1 (0001-01-01) is a Monday.
    """
    weeks, extra = divmod(ordinal, 7)
    return weeks * 5 + min(extra, 5)


def _count_working_days(first: datetime.date, last: datetime.date) -> int:
    """Number of working days from ``first`` to ``last``, both included."""
    if first > last:
        return 0
    weekdays = _weekdays_to(last.toordinal()) - _weekdays_to(first.toordinal() - 1)
    # Every bank holiday (substitutes included) falls on a weekday.
    holidays = sum(
        1 for year in range(first.year, last.year + 1) for holiday in _known_holidays(year) if first <= holiday <= last
    )
    return weekdays - holidays


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Count working days from ``start`` to ``end``, like a deadline counter.

    When ``end`` is on or after ``start`` this is the number of working days
    ``d`` with ``start < d <= end``, so for a working day ``x``,
    ``working_days_between(x, add_working_days(x, n)) == n``.

    When ``end`` is before ``start`` the result is negative: minus the number
    of working days ``d`` with ``end <= d < start`` (the steps
    ``add_working_days`` takes backwards), so the identity above also holds
    for negative ``n``.
    """
    _check_date(start)
    _check_date(end)
    if end >= start:
        return _count_working_days(start + _ONE_DAY, end)
    return -_count_working_days(end, start - _ONE_DAY)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (earlier when negative), or that month's last
    day when it is shorter: 31 Jan + 1 month = 28 (or 29) Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))
