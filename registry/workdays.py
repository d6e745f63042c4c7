"""Working-day arithmetic (工作日). PLACEHOLDER until the calendar lands (issue 3): plain Monday-Friday.

The signatures are final; the calendar branch replaces the bodies with China's official calendar.
"""

import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The Nth working day after `start`, not counting `start` itself; n >= 1."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    while n:
        day += ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -working_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_working_day(day)
    return count
