"""How long 100,000 working-day calls take on a warm calendar (not a test: speed is never asserted).

python bench/workdays.py            # uses DJANGO_SETTINGS_MODULE / DATABASE_URL like manage.py
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from registry import workdays  # noqa: E402

CALLS = 100_000
starts = [dt.date(2024, 1, 1) + dt.timedelta(days=i % 1000) for i in range(CALLS)]

t0 = time.perf_counter()
workdays.invalidate()
workdays.current_calendar()
load = time.perf_counter() - t0

t0 = time.perf_counter()
for start in starts:
    workdays.add_working_days(start, 10)
add = time.perf_counter() - t0

t0 = time.perf_counter()
for start in starts:
    workdays.is_working_day(start)
check = time.perf_counter() - t0

t0 = time.perf_counter()
for start in starts:
    workdays.working_days_between(dt.date(2024, 1, 1), start)
between = time.perf_counter() - t0

print(f"cold load of the calendar: {load * 1000:.1f} ms")
print(f"{CALLS:,} add_working_days(start, 10): {add * 1000:.0f} ms")
print(f"{CALLS:,} is_working_day: {check * 1000:.0f} ms")
print(f"{CALLS:,} working_days_between: {between * 1000:.0f} ms")
