"""The calendar answers from precomputed arrays within its span and day by day outside it (issue 13): both
must give the answer of the rules themselves (a stated day as stated; otherwise Monday to Friday, less
the fixed-date holidays of a year whose schedule is not official), on every day of the span and around it.
"""

import datetime as dt

from workdays.working_days import ONE_DAY, Calendar, plain_is_working_day

OVERRIDES = {
    dt.date(2026, 1, 1): False,  # a stated holiday on the span's first day
    dt.date(2026, 2, 14): True,  # a Saturday made a working day
    dt.date(2026, 10, 5): False,
    dt.date(2027, 12, 30): False,  # the span's last day (Friday 31 December) is left to the rules
}


def _rule(day: dt.date, official: frozenset[int]) -> bool:
    stated = OVERRIDES.get(day)
    return plain_is_working_day(day, official=day.year in official) if stated is None else stated


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def test_every_day_in_and_around_the_span_is_answered_by_the_rules():
    for official in (frozenset(), frozenset({2026})):
        calendar = Calendar(overrides=OVERRIDES, official_years=official, first_year=2026, last_year=2027)
        for day in _days(dt.date(2025, 12, 1), dt.date(2028, 1, 31)):
            assert calendar.is_working_day(day) is _rule(day, official), (day, official)


def test_counting_and_adding_working_days_agree_with_counting_day_by_day():
    calendar = Calendar(overrides=OVERRIDES, official_years=(), first_year=2026, last_year=2027)
    start = dt.date(2025, 12, 20)
    counted = 0
    for day in _days(start + ONE_DAY, dt.date(2028, 1, 10)):
        counted += _rule(day, frozenset())
        assert calendar.working_days_between(start, day) == counted, day
        if _rule(day, frozenset()):
            assert calendar.add_working_days(start, counted) == day, day
