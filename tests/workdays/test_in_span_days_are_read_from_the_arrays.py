"""Within its span the calendar answers from its precomputed arrays, never day by day (issue 13).

The arrays are what make deadlines cheap at national scale: a day inside the span must not fall back to
the day-by-day rule (`plain_is_working_day`), from the span's first day to its last; a day outside it
must, and must not be read from the arrays (index -1 would be the span's last day). A stated day one past
the span is kept as stated, not written past the arrays' end.
"""

import datetime as dt

import pytest

from workdays import working_days
from workdays.working_days import Calendar

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2027, 12, 31)


@pytest.fixture
def rule_calls(monkeypatch):
    calls: list[dt.date] = []
    plain = working_days.plain_is_working_day

    def counted(day: dt.date, *, official: bool) -> bool:
        calls.append(day)
        return plain(day, official=official)

    monkeypatch.setattr(working_days, "plain_is_working_day", counted)
    return calls


@pytest.mark.parametrize(
    "day",
    [
        FIRST,
        FIRST + dt.timedelta(days=1),
        dt.date(2026, 10, 1),
        dt.date(2027, 6, 15),
        LAST - dt.timedelta(days=1),
        LAST,
    ],
)
def test_a_day_inside_the_span_is_read_from_the_arrays(rule_calls, day):
    calendar = Calendar(overrides={}, official_years=(), first_year=2026, last_year=2027)
    calendar.is_working_day(day)
    assert rule_calls == []


@pytest.mark.parametrize("day", [FIRST - dt.timedelta(days=1), LAST + dt.timedelta(days=1)])
def test_a_day_outside_the_span_is_answered_by_the_rule(rule_calls, day):
    # The span's last day stated a holiday: reading index -1 for the day before the span would say so.
    calendar = Calendar(overrides={LAST: False}, official_years=(), first_year=2026, last_year=2027)
    assert calendar.is_working_day(day) is working_days.plain_is_working_day(day, official=False)
    assert day in rule_calls


def test_a_stated_day_just_past_the_span_is_kept_as_stated():
    past = LAST + dt.timedelta(days=1)  # 1 January 2028, a fixed holiday in a provisional year
    calendar = Calendar(overrides={past: True}, official_years=(), first_year=2026, last_year=2027)
    assert calendar.is_working_day(past) is True
    assert calendar.is_working_day(LAST) is True  # Friday 31 December 2027, unchanged


def test_a_stated_day_just_before_the_span_leaves_the_span_alone():
    before = FIRST - dt.timedelta(days=1)  # Wednesday 31 December 2025, stated a day off
    calendar = Calendar(overrides={before: False}, official_years=(), first_year=2026, last_year=2027)
    assert calendar.is_working_day(before) is False
    assert calendar.is_working_day(LAST) is True  # Friday 31 December 2027, the span's last day


@pytest.fixture
def day_calls(monkeypatch):
    """Every day the calendar looks at one by one (its slow path), not from the arrays."""
    calls: list[dt.date] = []
    one_by_one = Calendar.is_working_day

    def counted(self, day: dt.date) -> bool:
        calls.append(day)
        return one_by_one(self, day)

    monkeypatch.setattr(Calendar, "is_working_day", counted)
    return calls


@pytest.mark.parametrize("start", [FIRST, dt.date(2026, 9, 30), LAST - dt.timedelta(days=10)])
def test_adding_working_days_inside_the_span_reads_the_arrays(day_calls, start):
    calendar = Calendar(overrides={}, official_years=(), first_year=2026, last_year=2027)
    end = calendar.add_working_days(start, 5)
    assert day_calls == []
    assert calendar.working_days_between(start, end) == 5


@pytest.mark.parametrize(
    ("start", "end"), [(FIRST, LAST), (FIRST, dt.date(2026, 10, 9)), (dt.date(2027, 3, 1), FIRST)]
)
def test_counting_inside_the_span_reads_the_arrays(day_calls, start, end):
    calendar = Calendar(overrides={}, official_years=(), first_year=2026, last_year=2027)
    calendar.working_days_between(start, end)
    assert day_calls == []


def test_counting_back_from_just_past_the_span():
    calendar = Calendar(overrides={}, official_years=(), first_year=2026, last_year=2027)
    past = LAST + dt.timedelta(days=1)  # Saturday 1 January 2028
    # Back to Monday 27 December 2027: Tuesday to Friday are four working days, 1 January none.
    assert calendar.working_days_between(past, dt.date(2027, 12, 27)) == -4
