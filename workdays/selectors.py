"""Read queries of the working-day calendar: the admin's year view and the banner's warning."""

import calendar
import datetime as dt
from dataclasses import dataclass

from . import working_days
from .models import CalendarDay, CalendarYear


@dataclass(frozen=True)
class CalendarCell:
    """One day of the year view. `mark` is "off" (休), "working" (班) or "" (the weekday rule applies)."""

    day: dt.date
    is_working_day: bool
    mark: str
    note: str
    is_weekend: bool
    is_provisional_rule: bool  # off by the fixed-date rule of a provisional year, not by a row
    entry_id: int | None = None  # the CalendarDay row, if the day has one


@dataclass(frozen=True)
class CalendarMonth:
    first: dt.date
    weeks: list[list[CalendarCell | None]]  # Monday first; None pads the days of other months


@dataclass(frozen=True)
class CalendarYearView:
    year: int
    is_official: bool
    year_row: CalendarYear | None
    months: list[CalendarMonth]
    entries: list[CalendarDay]  # the rows of the year, oldest first
    working_days: int


def calendar_year_view(*, year: int) -> CalendarYearView:
    """The twelve months of a year with every day's status and note, in two queries.

    Read from the rows (not the cache) so that the page shows exactly what staff entered, notes included.
    """
    year_row = CalendarYear.objects.filter(year=year).first()
    is_official = year_row is not None and year_row.is_official
    entries = list(
        CalendarDay.objects.filter(day__gte=dt.date(year, 1, 1), day__lte=dt.date(year, 12, 31)).order_by(
            "day"
        )
    )
    by_day = {entry.day: entry for entry in entries}
    months, working_days = [], 0
    for month in range(1, 13):
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[CalendarCell | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                cell = _calendar_cell(day, by_day.get(day), is_official=is_official)
                working_days += cell.is_working_day
                cells.append(cell)
            weeks.append(cells)
        months.append(CalendarMonth(first=dt.date(year, month, 1), weeks=weeks))
    return CalendarYearView(year, is_official, year_row, months, entries, working_days)


def _calendar_cell(day: dt.date, entry: CalendarDay | None, *, is_official: bool) -> CalendarCell:
    weekend = day.weekday() >= 5
    if entry is not None:
        working = entry.is_working_day
        mark = "working" if working else "off"
        return CalendarCell(day, working, mark, entry.note, weekend, False, entry.pk)
    working = working_days.plain_is_working_day(day, official=is_official)
    holiday = "" if is_official else str(working_days.FIXED_DATE_HOLIDAYS.get((day.month, day.day), ""))
    return CalendarCell(day, working, "off" if holiday else "", holiday, weekend, bool(holiday))


def calendar_provisional_year_to_warn(*, today: dt.date) -> int | None:
    """The year whose schedule staff should enter now: this year if not official, or from 1 November
    next year if not official; None when both are in. Runs no query once the calendar is cached."""
    if not working_days.is_official_year(today.year):
        return today.year
    if today.month >= 11 and not working_days.is_official_year(today.year + 1):
        return today.year + 1
    return None
