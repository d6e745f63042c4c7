"""In a year whose schedule is not published, the fixed-date holidays are days off (issue 13, item 5).

全国年节及纪念日放假办法 (as revised in 2024) fixes 元旦 on 1 January, 劳动节 on 1-2 May and 国庆节 on
1-3 October; the other holidays move with the lunar calendar and are not guessed. The list is written here
from the law, not read from the module. 2027 alone could not pin it: there 1-2 May and 2-3 October fall on
a weekend. Together 2027 and 2028 put every one of the six days on a weekday at least once:

    2027: 1/1 Fri, 5/1 Sat, 5/2 Sun, 10/1 Fri, 10/2 Sat, 10/3 Sun
    2028: 1/1 Sat, 5/1 Mon, 5/2 Tue, 10/1 Sun, 10/2 Mon, 10/3 Tue

so dropping or shifting any of them changes a weekday's status in one of the two years.
"""

import calendar
import datetime as dt

import pytest

from workdays import working_days
from workdays.models import CalendarChange, CalendarDay, CalendarYear
from workdays.services import calendar_year_set_status

D = dt.date

pytestmark = pytest.mark.django_db

FIXED_DATE_HOLIDAYS_BY_LAW = [(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)]
PROVISIONAL_YEARS = [2027, 2028]


def days_of(year: int) -> list[dt.date]:
    return [D(year, 1, 1) + dt.timedelta(days=i) for i in range(366 if calendar.isleap(year) else 365)]


def weekdays_off_by_law(year: int) -> list[dt.date]:
    return [D(year, m, d) for m, d in FIXED_DATE_HOLIDAYS_BY_LAW if D(year, m, d).weekday() < 5]


def test_the_weekdays_of_the_fixed_date_holidays_in_2027_and_2028():
    """The premise of this file, checked with Python's calendar."""
    assert [calendar.day_name[D(2028, m, d).weekday()] for m, d in FIXED_DATE_HOLIDAYS_BY_LAW] == [
        "Saturday",
        "Monday",
        "Tuesday",
        "Sunday",
        "Monday",
        "Tuesday",
    ]
    assert {(day.month, day.day) for y in PROVISIONAL_YEARS for day in weekdays_off_by_law(y)} == set(
        FIXED_DATE_HOLIDAYS_BY_LAW
    )


@pytest.mark.parametrize("year", PROVISIONAL_YEARS)
def test_a_provisional_year_is_weekends_and_the_fixed_date_holidays_off(year):
    """Exactly: no other weekday is off, no weekend day works."""
    assert not working_days.is_official_year(year)
    assert not CalendarDay.objects.filter(day__year=year).exists()
    weekdays_off = [d for d in days_of(year) if d.weekday() < 5 and not working_days.is_working_day(d)]
    weekend_days_working = [d for d in days_of(year) if d.weekday() >= 5 and working_days.is_working_day(d)]
    assert weekdays_off == weekdays_off_by_law(year)
    assert weekend_days_working == []


def test_2028_labour_day_and_national_day_are_monday_and_tuesday_off():
    assert [working_days.is_working_day(D(2028, 5, day)) for day in (1, 2, 3)] == [False, False, True]
    assert [working_days.is_working_day(D(2028, 10, day)) for day in (2, 3, 4)] == [False, False, True]
    assert working_days.is_working_day(D(2028, 1, 3))  # Monday after 元旦 on a Saturday: not moved


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2028, 4, 28), 1, D(2028, 5, 3)),  # Fri -> Wed over the weekend and 5/1-5/2
        (D(2028, 4, 27), 3, D(2028, 5, 4)),  # Thu: Fri 4/28, Wed 5/3, Thu 5/4
        (D(2028, 9, 29), 1, D(2028, 10, 4)),  # Fri -> Wed over the weekend and 10/2-10/3
        (D(2028, 9, 28), 5, D(2028, 10, 9)),  # Thu: 9/29, 10/4, 10/5, 10/6, Mon 10/9
        (D(2027, 12, 31), 1, D(2028, 1, 3)),
    ],
)
def test_deadlines_in_2028_skip_the_fixed_date_holidays(start, n, expected):
    assert working_days.add_working_days(start, n) == expected
    assert working_days.working_days_between(start, expected) == n
    assert working_days.is_provisional(start, expected)


def test_2028s_working_days_are_its_weekdays_less_the_four_fixed_holidays_on_weekdays():
    weekdays = sum(d.weekday() < 5 for d in days_of(2028))
    assert working_days.working_days_between(D(2027, 12, 31), D(2028, 12, 31)) == weekdays - 4


@pytest.mark.parametrize("year", PROVISIONAL_YEARS)
def test_the_calendar_answers_the_fixed_date_rule_alike_inside_and_outside_its_arrays(year):
    """The arrays (FIRST_YEAR..LAST_YEAR) and the day-by-day rule beyond them agree on a provisional year."""
    inside = working_days.Calendar(overrides={}, official_years=set())
    outside = working_days.Calendar(overrides={}, official_years=set(), first_year=2000, last_year=2000)
    for day in days_of(year):
        expected = day.weekday() < 5 and day not in weekdays_off_by_law(year)
        assert inside.is_working_day(day) is expected, day
        assert outside.is_working_day(day) is expected, day
        assert working_days.plain_is_working_day(day, official=False) is expected, day


@pytest.mark.parametrize("year", PROVISIONAL_YEARS)
def test_in_an_official_year_the_fixed_date_holidays_are_only_what_its_rows_say(year):
    """Once a year is official its published rows alone say which days are off: without rows every
    weekday works, on either side of the arrays."""
    inside = working_days.Calendar(overrides={}, official_years={year})
    outside = working_days.Calendar(overrides={}, official_years={year}, first_year=2000, last_year=2000)
    for day in weekdays_off_by_law(year):
        assert inside.is_working_day(day), day
        assert outside.is_working_day(day), day
        assert working_days.plain_is_working_day(day, official=True), day


def test_marking_2028_official_makes_its_four_weekday_holidays_working_days(
    association_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_set_status(year=2028, status=CalendarYear.Status.OFFICIAL, by=association_user)
    assert CalendarChange.objects.get().days == [
        {"day": day.isoformat(), "old": "day_off", "new": "working_day"} for day in weekdays_off_by_law(2028)
    ]
    assert [working_days.is_working_day(day) for day in weekdays_off_by_law(2028)] == [True] * 4
    assert not working_days.is_provisional(D(2027, 12, 31), D(2028, 12, 31))
