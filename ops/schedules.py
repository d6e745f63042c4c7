"""The beat schedule in words and in instants: when a job was last due, and when it is due next.

Covers what CELERY_BEAT_SCHEDULE uses: `crontab` (any fields) and plain intervals (`schedule`,
`timedelta`, seconds). Times are in CELERY_TIMEZONE, as beat reads them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from celery.schedules import crontab, schedule
from django.conf import settings
from django.utils.translation import gettext as _

_SEARCH_DAYS = 400  # the longest gap between two runs a crontab here can have is a year


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.CELERY_TIMEZONE)


def _interval(entry: object) -> dt.timedelta | None:
    if isinstance(entry, schedule) and not isinstance(entry, crontab):
        return entry.run_every
    if isinstance(entry, dt.timedelta):
        return entry
    if isinstance(entry, int | float):
        return dt.timedelta(seconds=entry)
    return None


def describe(entry: object) -> str:
    """The schedule as a sentence: "every day at 00:20", "every 15 minutes", "every minute"."""
    interval = _interval(entry)
    if interval is not None:
        minutes = int(interval.total_seconds() // 60)
        if minutes <= 1:
            return _("Every minute")
        return _("Every %(minutes)d minutes") % {"minutes": minutes}
    if not isinstance(entry, crontab):
        return _("On its own schedule")
    minute, hour = str(entry._orig_minute), str(entry._orig_hour)
    every_day = all(
        str(f) == "*" for f in (entry._orig_day_of_week, entry._orig_day_of_month, entry._orig_month_of_year)
    )
    if not every_day:
        return _("On its own schedule")
    if hour == "*" and minute == "*":
        return _("Every minute")
    if hour == "*" and minute.startswith("*/") and minute[2:].isdigit():
        return _("Every %(minutes)d minutes") % {"minutes": int(minute[2:])}
    if hour == "*" and minute.isdigit():
        return _("Every hour at minute %(minute)d") % {"minute": int(minute)}
    if hour.isdigit() and minute.isdigit():
        return _("Every day at %(time)s") % {"time": f"{int(hour):02d}:{int(minute):02d}"}
    return _("On its own schedule")


def _fires_on(entry: crontab, day: dt.date) -> bool:
    return (
        day.month in entry.month_of_year
        and day.day in entry.day_of_month
        and day.isoweekday() % 7 in entry.day_of_week  # crontab: 0 is Sunday
    )


def _times_of(entry: crontab, day: dt.date, zone: ZoneInfo) -> list[dt.datetime]:
    return [
        dt.datetime(day.year, day.month, day.day, h, m, tzinfo=zone)
        for h in sorted(entry.hour)
        for m in sorted(entry.minute)
    ]


def previous_due(entry: object, *, at_or_before: dt.datetime) -> dt.datetime | None:
    """The last instant at or before `at_or_before` when the job was due (None: none within a year)."""
    interval = _interval(entry)
    if interval is not None:
        return at_or_before - interval
    if not isinstance(entry, crontab):
        return None
    zone = _zone()
    local = at_or_before.astimezone(zone)
    for back in range(_SEARCH_DAYS):
        day = local.date() - dt.timedelta(days=back)
        if _fires_on(entry, day):
            earlier = [t for t in _times_of(entry, day, zone) if t <= local]
            if earlier:
                return earlier[-1]
    return None


def next_due(entry: object, *, after: dt.datetime) -> dt.datetime | None:
    """The first instant after `after` when the job is due (for an interval: `after` plus the interval)."""
    interval = _interval(entry)
    if interval is not None:
        return after + interval
    if not isinstance(entry, crontab):
        return None
    zone = _zone()
    local = after.astimezone(zone)
    for ahead in range(_SEARCH_DAYS):
        day = local.date() + dt.timedelta(days=ahead)
        if _fires_on(entry, day):
            later = [t for t in _times_of(entry, day, zone) if t > local]
            if later:
                return later[0]
    return None
