"""The published schedules as the `chinese_calendar` package knows them, as rows for our calendar table.

Pure: no models, so the seeding data migration and `sync_workdays` read the package the same way.
The package's `holidays` and `workdays` dicts (date -> English holiday name) are read directly; asking
`is_workday` day by day would be slower and would hide which days the package actually published.

Every holiday the package names is kept, weekend days of a holiday block included: they do not change
the working status, but they carry the holiday's name into the year view (国庆节 10/1-10/8, not a
block with holes at the weekend). See docs/decisions/0002-working-day-calendar.md.
"""

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

# Values of CalendarDay.Kind; repeated here so that this module stays free of models.
DAY_OFF = "day_off"
WORKING_DAY = "working_day"

# The package's English names, as the Chinese notes staff know from the State Council's notice.
HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
SWAPPED_WORKING_DAY_SUFFIX = "调休上班"


@dataclass(frozen=True)
class PackageSchedule:
    """What the installed package publishes: the explicit days, and the years it knows completely."""

    days: dict[dt.date, tuple[str, str]]  # day -> (kind, Chinese note)
    years: frozenset[int]


def holiday_name_zh(name: str) -> str:
    """The Chinese name of a package holiday; a name added in a later release is kept as written."""
    return HOLIDAY_NAMES_ZH.get(name, name)


def package_schedule() -> PackageSchedule:
    """Every day the package marks as a holiday or a swapped working day, with its Chinese note."""
    days: dict[dt.date, tuple[str, str]] = {}
    for day, name in chinese_calendar.holidays.items():
        days[day] = (DAY_OFF, holiday_name_zh(str(name)))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:  # the package lists only swapped weekend days here; guard anyway
            days[day] = (WORKING_DAY, holiday_name_zh(str(name)) + SWAPPED_WORKING_DAY_SUFFIX)
    return PackageSchedule(days=days, years=frozenset(day.year for day in chinese_calendar.holidays))
