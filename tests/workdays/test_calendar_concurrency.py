"""Concurrent calendar changes queue on the year rows (PostgreSQL: SQLite has no row locks)."""

import threading

import pytest
from django.db import connection

from workdays import calendar_source
from workdays.models import CalendarChange, CalendarDay
from workdays.services import calendar_sync_from_package


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # later transactional tests reseed what they need
def test_two_simultaneous_syncs_add_each_day_once():
    calendar_sync_from_package()  # an earlier transactional test may have flushed the seeded years
    CalendarDay.objects.filter(day__year=2026).delete()
    CalendarChange.objects.all().delete()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results = []

    def sync() -> None:
        try:
            barrier.wait()
            results.append(calendar_sync_from_package())
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sync) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    expected = sum(1 for day in calendar_source.package_schedule().days if day.year == 2026)
    assert sorted(result.created for result in results) == [0, expected]
    assert CalendarDay.objects.filter(day__year=2026).count() == expected
    assert CalendarChange.objects.count() == 1
