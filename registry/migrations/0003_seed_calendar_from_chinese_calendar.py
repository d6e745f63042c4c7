"""Seed the working-day calendar with every year the installed chinese-calendar package knows.

Later package upgrades are brought in by `python manage.py sync_workdays`, which keeps staff edits.
The package is read through workdays.calendar_source, a pure module (no models), so this migration and
the command agree on the notes.
"""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    from workdays.calendar_source import package_schedule

    CalendarDay = apps.get_model("registry", "CalendarDay")
    CalendarYear = apps.get_model("registry", "CalendarYear")
    schedule = package_schedule()
    known = set(CalendarDay.objects.values_list("day", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(day=day, kind=kind, note=note)
            for day, (kind, note) in sorted(schedule.days.items())
            if day not in known
        ],
        batch_size=500,
    )
    for year in sorted(schedule.years):
        CalendarYear.objects.update_or_create(year=year, defaults={"status": "official"})
    # The years after the package's last one, up to next year, are listed as provisional.
    for year in range(max(schedule.years) + 1, dt.date.today().year + 2):
        CalendarYear.objects.get_or_create(year=year, defaults={"status": "provisional"})


def unseed(apps, schema_editor):
    apps.get_model("registry", "CalendarDay").objects.filter(edited_by_staff=False).delete()
    apps.get_model("registry", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_working_day_calendar"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
