"""A calendar change made in another process is seen here every time, not only once (issue 13, item 5).

Each process caches the calendar with the version stamp it was loaded at (the newest CalendarChange id)
and reads the stamp again every REGISTRY_CALENDAR_RECHECK_SECONDS. Another process's change is simulated
by writing through the calendar service inside the test's transaction, which is never committed: the
service's after-commit reload (`invalidate`) therefore never runs in this process, exactly as when the
change was committed elsewhere.

Read from a seeded database the stamp starts at 0 (the seeding writes no CalendarChange), so a first
change moves it whatever the cache remembers; only a second change shows that the new stamp was kept.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workdays import working_days
from workdays.models import CalendarChange, CalendarDay
from workdays.services import calendar_day_delete, calendar_day_set

D = dt.date
DAY_OFF, WORKING_DAY = CalendarDay.Kind.DAY_OFF, CalendarDay.Kind.WORKING_DAY
# An ordinary week of October 2025, after the National Day block: Thursday, Friday, Saturday.
THURSDAY, FRIDAY, SATURDAY = D(2025, 10, 16), D(2025, 10, 17), D(2025, 10, 18)

pytestmark = pytest.mark.django_db


def queries_of(call) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    return answer, len(captured)


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic, which the cache's recheck reads, set by the test (seconds)."""
    now = [1000.0]
    monkeypatch.setattr(working_days.time, "monotonic", lambda: now[0])
    return now


def test_the_seeded_calendar_has_version_stamp_0():
    assert not CalendarChange.objects.exists()
    assert working_days._version_stamp() == 0


def test_successive_changes_in_another_process_are_each_seen(settings, association_user):
    settings.REGISTRY_CALENDAR_RECHECK_SECONDS = 0
    assert working_days.is_working_day(THURSDAY)
    assert working_days.is_working_day(FRIDAY)
    assert not working_days.is_working_day(SATURDAY)

    calendar_day_set(day=THURSDAY, kind=DAY_OFF, note="另一进程：第一次", by=association_user)
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (False, 3)  # stamp, days, years
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (False, 1)  # the new stamp is kept

    calendar_day_set(day=FRIDAY, kind=DAY_OFF, note="另一进程：第二次", by=association_user)
    assert queries_of(lambda: working_days.is_working_day(FRIDAY)) == (False, 3)
    assert queries_of(lambda: working_days.is_working_day(FRIDAY)) == (False, 1)

    calendar_day_set(day=SATURDAY, kind=WORKING_DAY, note="另一进程：第三次", by=association_user)
    calendar_day_delete(day=THURSDAY, by=association_user)  # two changes between two checks
    assert queries_of(lambda: working_days.is_working_day(SATURDAY)) == (True, 3)
    assert working_days.is_working_day(THURSDAY)
    assert not working_days.is_working_day(FRIDAY)
    assert working_days.add_working_days(D(2025, 10, 15), 2) == SATURDAY  # Thu, (Fri off), Sat


def test_a_change_in_another_process_is_seen_once_the_recheck_interval_has_passed(
    settings, association_user, clock
):
    settings.REGISTRY_CALENDAR_RECHECK_SECONDS = 10
    assert working_days.is_working_day(THURSDAY)  # loaded at 1000: next check at 1010
    calendar_day_set(day=THURSDAY, kind=DAY_OFF, note="另一进程", by=association_user)
    clock[0] = 1009.999
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (True, 0)  # not yet
    clock[0] = 1010.0
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (False, 3)  # next check at 1020
    clock[0] = 1019.999
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (False, 0)

    calendar_day_set(day=FRIDAY, kind=DAY_OFF, note="另一进程：第二次", by=association_user)
    assert queries_of(lambda: working_days.is_working_day(FRIDAY)) == (True, 0)
    clock[0] = 1020.0
    assert queries_of(lambda: working_days.is_working_day(FRIDAY)) == (False, 3)
    for now in (1030.0, 1040.0):  # nothing changed since: the stamp is read, the calendar kept
        clock[0] = now
        assert queries_of(lambda: working_days.is_working_day(FRIDAY)) == (False, 1)


def test_an_unchanged_stamp_is_checked_once_per_interval_and_keeps_the_cached_calendar(settings, clock):
    settings.REGISTRY_CALENDAR_RECHECK_SECONDS = 10
    cached = working_days.current_calendar()  # loaded at 1000
    clock[0] = 1010.0
    assert queries_of(working_days.current_calendar) == (cached, 1)  # the stamp only; next check at 1020
    clock[0] = 1015.0
    assert queries_of(working_days.current_calendar) == (cached, 0)
    clock[0] = 1020.0
    assert queries_of(working_days.current_calendar) == (cached, 1)


def test_a_change_made_here_is_seen_at_once_and_then_counts_as_the_cached_version(
    settings, association_user, clock, django_capture_on_commit_callbacks
):
    settings.REGISTRY_CALENDAR_RECHECK_SECONDS = 10
    assert working_days.is_working_day(THURSDAY)
    with django_capture_on_commit_callbacks(execute=True):  # this process commits: it reloads at once
        calendar_day_set(day=THURSDAY, kind=DAY_OFF, note="本进程", by=association_user)
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (False, 3)
    clock[0] = 1010.0
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (False, 1)  # stamp matches
    clock[0] = 1020.0
    assert queries_of(lambda: working_days.is_working_day(THURSDAY)) == (False, 1)  # and is kept
