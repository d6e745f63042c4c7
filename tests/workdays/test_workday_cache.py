"""The calendar is loaded once per process and reloaded when it changes, here or in another process."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workdays import working_days
from workdays.models import CalendarChange, CalendarDay
from workdays.services import calendar_day_set

D = dt.date

pytestmark = pytest.mark.django_db


def test_warm_calls_run_no_query(workday_calendar, django_assert_num_queries):
    with django_assert_num_queries(0):
        for i in range(1000):
            day = D(2025, 1, 1) + dt.timedelta(days=i)
            working_days.is_working_day(day)
            working_days.add_working_days(day, 5)
            working_days.working_days_between(D(2025, 1, 1), day)
            working_days.is_provisional(day, D(2027, 1, 1))


def test_a_cold_process_loads_the_calendar_once():
    with CaptureQueriesContext(connection) as cold:
        working_days.add_working_days(D(2025, 9, 30), 5)
    with CaptureQueriesContext(connection) as warm:
        working_days.add_working_days(D(2025, 9, 30), 5)
    assert len(cold) == 3  # version stamp, days, official years
    assert len(warm) == 0


def test_a_change_committed_here_is_seen_at_once(association_user, django_capture_on_commit_callbacks):
    assert working_days.is_working_day(D(2025, 10, 9))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=D(2025, 10, 9), kind=CalendarDay.Kind.DAY_OFF, note="测试", by=association_user)
    assert not working_days.is_working_day(D(2025, 10, 9))


def _change_in_another_process() -> None:
    """What another process's change leaves in the database: a new row and a newer version stamp."""
    CalendarDay.objects.create(day=D(2025, 10, 9), kind=CalendarDay.Kind.DAY_OFF, note="另一进程")
    CalendarChange.objects.create(action=CalendarChange.Action.DAY_SET)


def test_a_change_in_another_process_is_seen_at_the_next_version_check(settings, django_assert_num_queries):
    settings.REGISTRY_CALENDAR_RECHECK_SECONDS = 0
    assert working_days.is_working_day(D(2025, 10, 9))
    with django_assert_num_queries(1):  # only the version stamp while nothing changed
        assert working_days.is_working_day(D(2025, 10, 9))
    _change_in_another_process()
    assert not working_days.is_working_day(D(2025, 10, 9))


def test_between_version_checks_the_cached_calendar_is_used(settings):
    settings.REGISTRY_CALENDAR_RECHECK_SECONDS = 3600
    assert working_days.is_working_day(D(2025, 10, 9))
    _change_in_another_process()
    assert working_days.is_working_day(D(2025, 10, 9))  # not seen until the next check
