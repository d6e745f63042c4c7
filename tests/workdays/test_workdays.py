"""The working-day API against the published schedules, across year boundaries, and in a provisional year.

The expected dates are the State Council's notices for 2024-2026 as the chinese-calendar package
records them (checked against its `holidays`/`workdays` dicts), and the seeded database must agree with
the package on every day it knows.
"""

import datetime as dt

import chinese_calendar
import pytest

from workdays import working_days
from workdays.models import CalendarDay, CalendarYear

D = dt.date

pytestmark = pytest.mark.django_db


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_seeded_calendar_agrees_with_the_package_on_every_day_it_knows():
    known = days(D(2004, 1, 1), D(2026, 12, 31))
    disagreements = [d for d in known if working_days.is_working_day(d) != chinese_calendar.is_workday(d)]
    assert disagreements == []
    assert all(working_days.is_official_year(year) for year in range(2004, 2027))


@pytest.mark.parametrize(
    ("block", "off", "swapped_working"),
    [
        ("2024 春节", (D(2024, 2, 10), D(2024, 2, 17)), [D(2024, 2, 4), D(2024, 2, 18)]),
        ("2024 国庆节", (D(2024, 10, 1), D(2024, 10, 7)), [D(2024, 9, 29), D(2024, 10, 12)]),
        ("2025 春节", (D(2025, 1, 28), D(2025, 2, 4)), [D(2025, 1, 26), D(2025, 2, 8)]),
        ("2025 国庆节中秋节", (D(2025, 10, 1), D(2025, 10, 8)), [D(2025, 9, 28), D(2025, 10, 11)]),
        ("2026 春节", (D(2026, 2, 15), D(2026, 2, 23)), [D(2026, 2, 14), D(2026, 2, 28)]),
        ("2026 国庆节", (D(2026, 10, 1), D(2026, 10, 7)), [D(2026, 9, 20), D(2026, 10, 10)]),
    ],
)
def test_holiday_blocks_are_off_and_their_swapped_weekend_days_are_working(block, off, swapped_working):
    first, last = off
    assert [d for d in days(first, last) if working_days.is_working_day(d)] == [], block
    for day in swapped_working:
        assert day.weekday() >= 5, f"{day} is a weekend day in the published schedule"
        assert working_days.is_working_day(day), block
    # The days around the block that are not swapped keep the weekday rule.
    after = last + dt.timedelta(days=1)
    assert working_days.is_working_day(after) == (after.weekday() < 5 or after in swapped_working)


def test_swapped_days_carry_their_note():
    assert CalendarDay.objects.get(day=D(2025, 1, 26)).note == "春节调休上班"
    assert CalendarDay.objects.get(day=D(2025, 10, 1)).note == "国庆节"
    assert CalendarDay.objects.get(day=D(2025, 10, 6)).note == "中秋节"


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2025, 9, 30), 5, D(2025, 10, 14)),  # 10/1-10/8 off, Sat 10/11 works
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # Fri -> the swapped Sunday
        (D(2025, 1, 24), 1, D(2025, 1, 26)),  # Fri -> the swapped Sunday before 春节
        (D(2025, 1, 27), 1, D(2025, 2, 5)),  # Mon before 春节 -> first day after the block
        (D(2025, 2, 4), 4, D(2025, 2, 8)),  # 2/5, 2/6, 2/7, then the swapped Saturday
        (D(2025, 3, 3), 1, D(2025, 3, 4)),  # an ordinary week
        (D(2025, 3, 7), 1, D(2025, 3, 10)),  # an ordinary weekend
        (D(2024, 12, 31), 1, D(2025, 1, 2)),  # across the year boundary, over 元旦
        (D(2025, 12, 31), 1, D(2026, 1, 4)),  # 2026: 1/1-1/3 off, Sun 1/4 works
        (D(2025, 12, 26), 5, D(2026, 1, 5)),  # 12/29-12/31, Sun 1/4, Mon 1/5
        (D(2024, 2, 9), 1, D(2024, 2, 18)),  # 除夕 2024 to the swapped Sunday after the block
    ],
)
def test_add_working_days(start, n, expected):
    assert working_days.add_working_days(start, n) == expected


def test_add_working_days_does_not_count_the_start_day_and_needs_n_of_at_least_one():
    assert working_days.add_working_days(D(2025, 10, 8), 1) == D(2025, 10, 9)
    with pytest.raises(ValueError, match="at least 1"):
        working_days.add_working_days(D(2025, 10, 8), 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 9, 30), D(2025, 10, 14), 5),
        (D(2025, 10, 14), D(2025, 9, 30), -5),
        (D(2025, 10, 1), D(2025, 10, 1), 0),
        (D(2025, 12, 31), D(2026, 1, 4), 1),
        (D(2024, 12, 31), D(2025, 12, 31), 248),  # the 2025 schedule has 248 working days
    ],
)
def test_working_days_between_counts_the_half_open_interval(start, end, expected):
    assert working_days.working_days_between(start, end) == expected


def test_working_days_between_is_the_inverse_of_add_working_days():
    start = D(2024, 12, 20)
    for n in range(1, 400):
        assert working_days.working_days_between(start, working_days.add_working_days(start, n)) == n


def test_a_year_that_matches_the_package_count_of_working_days():
    for year in (2024, 2025, 2026):
        expected = len(chinese_calendar.get_workdays(D(year, 1, 1), D(year, 12, 31)))
        assert working_days.working_days_between(D(year - 1, 12, 31), D(year, 12, 31)) == expected


class TestProvisionalYear:
    """2027 is not in the package: weekends and the fixed-date statutory holidays only, marked provisional."""

    def test_2027_is_provisional(self):
        assert CalendarYear.objects.get(year=2027).status == CalendarYear.Status.PROVISIONAL
        assert not working_days.is_official_year(2027)

    @pytest.mark.parametrize(
        "day", [D(2027, 1, 1), D(2027, 5, 1), D(2027, 5, 2), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]
    )
    def test_fixed_date_holidays_are_days_off(self, day):
        assert not working_days.is_working_day(day)

    def test_other_days_follow_the_weekday_rule(self):
        assert working_days.is_working_day(D(2027, 10, 4))  # Monday
        assert working_days.is_working_day(D(2027, 2, 5))  # 春节 2027 is not guessed
        assert not working_days.is_working_day(D(2027, 10, 9))  # Saturday

    def test_an_answer_reaching_into_it_is_marked_provisional(self):
        due = working_days.add_working_days(D(2026, 12, 31), 1)
        assert due == D(2027, 1, 4)  # Fri 1/1 元旦, then the weekend
        assert working_days.is_provisional(D(2026, 12, 31), due)
        assert not working_days.is_provisional(D(2026, 12, 30), D(2026, 12, 31))
        assert not working_days.is_provisional(D(2025, 9, 30), D(2025, 10, 14))
        assert working_days.is_provisional(D(2027, 3, 1), D(2026, 12, 1))  # either order

    def test_a_year_far_ahead_still_answers(self):
        # Fri 2151-01-01 is 元旦 (fixed date), then the weekend.
        assert working_days.add_working_days(D(2150, 12, 31), 1) == D(2151, 1, 4)
        assert not working_days.is_working_day(D(2150, 10, 1))
        assert working_days.working_days_between(D(2150, 1, 1), D(2150, 1, 8)) == 5

    def test_a_staff_row_overrides_the_fixed_date_rule(self):
        CalendarDay.objects.create(day=D(2027, 10, 4), kind=CalendarDay.Kind.DAY_OFF, note="国庆节")
        CalendarDay.objects.create(day=D(2027, 9, 26), kind=CalendarDay.Kind.WORKING_DAY, note="调休上班")
        working_days.invalidate()
        assert not working_days.is_working_day(D(2027, 10, 4))
        assert working_days.is_working_day(D(2027, 9, 26))


def test_the_pure_calendar_answers_outside_its_arrays_like_inside():
    overrides = {D(2025, 10, 6): False, D(2025, 10, 11): True}
    small = working_days.Calendar(overrides=overrides, official_years={2025}, first_year=2025, last_year=2025)
    full = working_days.Calendar(overrides=overrides, official_years={2025})
    for start in days(D(2024, 12, 1), D(2026, 1, 31)):
        assert small.add_working_days(start, 7) == full.add_working_days(start, 7), start
        assert small.is_working_day(start) == full.is_working_day(start), start
        assert small.working_days_between(D(2025, 6, 1), start) == full.working_days_between(
            D(2025, 6, 1), start
        )
