"""Working-day arithmetic (工作日) on China's official calendar. Every deadline is counted here, nowhere else.

The status of a day, in order:
1. a CalendarDay row states it (a published holiday or swapped working day, or a staff entry);
2. in a year whose schedule is not official yet, the fixed-date statutory holidays are days off
   (全国年节及纪念日放假办法, as revised in 2024: 元旦 1/1, 劳动节 5/1-5/2, 国庆节 10/1-10/3);
3. otherwise Monday to Friday are working days.

An answer that counts through a provisional year is still given (rule 2 is the best guess before the
State Council publishes), and `is_provisional` says so, so that nothing is guessed silently.

Speed: the calendar is loaded once per process into arrays (a cumulative count of working days), so
every call is a few array lookups and runs no query. Each process asks the database for the calendar's
version stamp (the newest CalendarChange id) at most every REGISTRY_CALENDAR_RECHECK_SECONDS and
reloads when it moved, so a change made in another process is seen within that time; the process that
made the change reloads at once (the change service calls `invalidate` after commit).
"""

from __future__ import annotations

import datetime as dt
import time
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from workdays.models import CalendarChange, CalendarDay, CalendarYear

ONE_DAY = dt.timedelta(days=1)

# The statutory holidays whose dates do not move (the lunar ones and 清明 do, so they are not guessed).
FIXED_DATE_HOLIDAYS = {
    (1, 1): _("New Year's Day"),
    (5, 1): _("Labour Day"),
    (5, 2): _("Labour Day"),
    (10, 1): _("National Day"),
    (10, 2): _("National Day"),
    (10, 3): _("National Day"),
}

# The span held in arrays; a day outside it is still answered, only more slowly (day by day).
FIRST_YEAR = 2000
LAST_YEAR = 2099


def plain_is_working_day(day: dt.date, *, official: bool) -> bool:
    """The status of a day without a CalendarDay row, in a year that is official or not."""
    if not official and (day.month, day.day) in FIXED_DATE_HOLIDAYS:
        return False
    return day.weekday() < 5


class Calendar:
    """An immutable snapshot of the calendar, answering in constant time within FIRST_YEAR..LAST_YEAR.

    `overrides` maps a day to its stated status (True = working); `official_years` are the years whose
    published schedule is loaded. Built from the database by `current_calendar`, or directly in code.
    """

    __slots__ = ("_cum", "_first_ordinal", "_flags", "_size", "_working", "official_years", "overrides")

    def __init__(
        self,
        *,
        overrides: Mapping[dt.date, bool],
        official_years: Iterable[int],
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> None:
        self.overrides = dict(overrides)
        self.official_years = frozenset(official_years)
        first = dt.date(first_year, 1, 1)
        self._first_ordinal = first.toordinal()
        self._size = dt.date(last_year, 12, 31).toordinal() - self._first_ordinal + 1
        first_weekday = first.weekday()
        flags = bytearray((first_weekday + i) % 7 < 5 for i in range(self._size))
        for year in range(first_year, last_year + 1):
            if year not in self.official_years:
                for month, day_of_month in FIXED_DATE_HOLIDAYS:
                    flags[dt.date(year, month, day_of_month).toordinal() - self._first_ordinal] = 0
        for day, working in self.overrides.items():
            index = day.toordinal() - self._first_ordinal
            if 0 <= index < self._size:
                flags[index] = working
        self._flags = bytes(flags)
        # _cum[i]: working days in [first, first + i]; _working: the indexes of the working days.
        self._cum = array("l", accumulate(flags))
        self._working = array("l", (i for i, working in enumerate(flags) if working))

    def is_working_day(self, day: dt.date) -> bool:
        index = day.toordinal() - self._first_ordinal
        if 0 <= index < self._size:
            return bool(self._flags[index])
        working = self.overrides.get(day)
        if working is None:
            return plain_is_working_day(day, official=day.year in self.official_years)
        return working

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        if n < 1:
            raise ValueError("n must be at least 1")
        index = start.toordinal() - self._first_ordinal
        if 0 <= index < self._size:
            position = self._cum[index] + n - 1
            if position < len(self._working):
                return dt.date.fromordinal(self._first_ordinal + self._working[position])
        day = start
        while n:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        i = start.toordinal() - self._first_ordinal
        j = end.toordinal() - self._first_ordinal
        if 0 <= i < self._size and 0 <= j < self._size:
            return self._cum[j] - self._cum[i]  # also right, negated, when end < start
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def is_official_year(self, year: int) -> bool:
        return year in self.official_years

    def is_provisional(self, start: dt.date, end: dt.date) -> bool:
        """Whether a day in (start, end] lies in a year whose schedule is not official."""
        if end < start:
            start, end = end, start
        if start == end:
            return False
        first_year = (start + ONE_DAY).year
        return any(year not in self.official_years for year in range(first_year, end.year + 1))


# --- the process-wide cache ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Loaded:
    calendar: Calendar
    version: int
    check_after: float  # time.monotonic() after which the version stamp is read again


_loaded: _Loaded | None = None


def _version_stamp() -> int:
    return CalendarChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _load() -> Calendar:
    overrides = {
        day: kind == CalendarDay.Kind.WORKING_DAY
        for day, kind in CalendarDay.objects.order_by().values_list("day", "kind")
    }
    official = (
        CalendarYear.objects.filter(status=CalendarYear.Status.OFFICIAL)
        .order_by()
        .values_list("year", flat=True)
    )
    return Calendar(overrides=overrides, official_years=official)


def current_calendar() -> Calendar:
    """The cached calendar; reloaded when the version stamp moved (checked every few seconds)."""
    global _loaded
    loaded = _loaded
    now = time.monotonic()
    if loaded is not None and now < loaded.check_after:
        return loaded.calendar
    check_after = now + settings.REGISTRY_CALENDAR_RECHECK_SECONDS
    version = _version_stamp()  # read before the rows: a change in between causes a reload, never a miss
    if loaded is not None and loaded.version == version:
        _loaded = _Loaded(loaded.calendar, version, check_after)
        return loaded.calendar
    calendar = _load()
    _loaded = _Loaded(calendar, version, check_after)
    return calendar


def invalidate() -> None:
    """Forget the cached calendar in this process; the next call reloads it."""
    global _loaded
    _loaded = None


# --- the API ---------------------------------------------------------------------------------------------


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The Nth working day after `start`, not counting `start` itself; n >= 1."""
    return current_calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    return current_calendar().working_days_between(start, end)


def is_official_year(year: int) -> bool:
    """Whether the year's published schedule is loaded (otherwise answers in it are provisional)."""
    return current_calendar().is_official_year(year)


def is_provisional(start: dt.date, end: dt.date) -> bool:
    """Whether an answer counted over (start, end] depends on a year whose schedule is not official.

    For `due = add_working_days(start, n)`, `is_provisional(start, due)` says whether `due` may still
    move when that year's schedule is published.
    """
    return current_calendar().is_provisional(start, end)
