"""From a day to the same day there are no working days, and nothing in between is provisional: inside the
calendar's span and outside it, in an official year and in a provisional one (issue 13)."""

import datetime as dt

import pytest

from workdays.working_days import Calendar

CALENDAR = Calendar(overrides={}, official_years={2026}, first_year=2026, last_year=2027)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 6, 10),  # inside the span, an official year
        dt.date(2027, 6, 10),  # inside the span, a provisional year
        dt.date(2028, 6, 14),  # past the span, a provisional year
        dt.date(2025, 12, 31),  # before the span
    ],
)
def test_from_a_day_to_itself(day):
    assert CALENDAR.working_days_between(day, day) == 0
    assert CALENDAR.is_provisional(day, day) is False


def test_a_provisional_day_in_between_makes_the_span_provisional():
    assert CALENDAR.is_provisional(dt.date(2027, 6, 9), dt.date(2027, 6, 10)) is True
    assert CALENDAR.is_provisional(dt.date(2026, 6, 9), dt.date(2026, 6, 10)) is False
