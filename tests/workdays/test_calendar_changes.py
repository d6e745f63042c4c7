"""Calendar changes by staff and by sync_workdays: logged, and open deadlines recomputed after commit.

open_deadlines_recompute belongs to the workflow; here a spy stands in for it only to check that it
is called, after commit, with the days whose status changed.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from registry.services import deadlines as deadline_services
from workdays import calendar_source, working_days
from workdays.models import CalendarChange, CalendarDay, CalendarYear
from workdays.services import (
    calendar_day_delete,
    calendar_day_set,
    calendar_sync_from_package,
    calendar_year_set_status,
)

D = dt.date
DAY_OFF = CalendarDay.Kind.DAY_OFF
WORKING_DAY = CalendarDay.Kind.WORKING_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def recompute_calls(monkeypatch):
    """Records each open_deadlines_recompute call; pretends 3 deadlines moved."""
    calls: list[set[dt.date]] = []

    def spy(*, changed_days):
        calls.append(set(changed_days))
        return 3

    monkeypatch.setattr(deadline_services, "open_deadlines_recompute", spy)
    return calls


def test_a_staff_day_is_logged_and_recomputes_after_commit(
    association_user, recompute_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = calendar_day_set(day=D(2025, 10, 9), kind=DAY_OFF, note="临时放假", by=association_user)
    assert recompute_calls == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert recompute_calls == [{D(2025, 10, 9)}]

    assert row.edited_by_staff
    assert row.updated_by == association_user
    change = CalendarChange.objects.get()
    assert change.changed_by == association_user
    assert change.action == CalendarChange.Action.DAY_SET
    assert change.days == [{"day": "2025-10-09", "old": "working_day", "new": "day_off"}]
    assert change.detail["new"] == {"kind": "day_off", "note": "临时放假"}
    assert change.deadlines_recomputed == 3
    assert not working_days.is_working_day(D(2025, 10, 9))


def test_changing_a_note_alone_is_logged_without_recomputing(
    association_user, recompute_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=D(2025, 10, 1), kind=DAY_OFF, note="国庆节（改）", by=association_user)
    assert recompute_calls == []
    change = CalendarChange.objects.get()
    assert change.days == []
    assert change.deadlines_recomputed == 0
    assert change.detail["old"] == {"kind": "day_off", "note": "国庆节"}
    assert CalendarDay.objects.get(day=D(2025, 10, 1)).edited_by_staff


def test_saving_a_day_unchanged_writes_nothing(association_user, recompute_calls):
    calendar_day_set(day=D(2025, 10, 1), kind=DAY_OFF, note="国庆节", by=association_user)
    assert not CalendarChange.objects.exists()
    assert not CalendarDay.objects.get(day=D(2025, 10, 1)).edited_by_staff


def test_deleting_a_holiday_makes_the_weekday_working_again(
    association_user, recompute_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_delete(day=D(2025, 10, 8), by=association_user)
    assert recompute_calls == [{D(2025, 10, 8)}]
    assert working_days.is_working_day(D(2025, 10, 8))
    assert CalendarChange.objects.get().days == [
        {"day": "2025-10-08", "old": "day_off", "new": "working_day"}
    ]


def test_marking_an_unentered_year_official_drops_the_fixed_date_holidays_on_weekdays(
    association_user, recompute_calls, django_capture_on_commit_callbacks
):
    # 2027: 1/1 and 10/1 are Fridays; 5/1-5/2 and 10/2-10/3 fall on weekends and stay off anyway.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_set_status(year=2027, status=CalendarYear.Status.OFFICIAL, by=association_user)
    assert recompute_calls == [{D(2027, 1, 1), D(2027, 10, 1)}]
    assert working_days.is_official_year(2027)
    assert working_days.is_working_day(D(2027, 1, 1))
    assert CalendarChange.objects.get().detail == {"year": 2027, "old": "provisional", "new": "official"}


def test_staff_enter_next_years_schedule_and_mark_it_official(
    association_user, recompute_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for day in (D(2027, 1, 1), *(D(2027, 10, d) for d in range(1, 8))):
            calendar_day_set(
                day=day, kind=DAY_OFF, note="国庆节" if day.month == 10 else "元旦", by=association_user
            )
        calendar_day_set(day=D(2027, 9, 26), kind=WORKING_DAY, note="国庆节调休上班", by=association_user)
        calendar_year_set_status(year=2027, status=CalendarYear.Status.OFFICIAL, by=association_user)
    # 10/4-10/7 (Mon-Thu) and Sun 9/26 changed when entered; 1/1 and 10/1-10/3 were already off.
    assert recompute_calls == [
        {D(2027, 10, 4)},
        {D(2027, 10, 5)},
        {D(2027, 10, 6)},
        {D(2027, 10, 7)},
        {D(2027, 9, 26)},
    ]
    assert CalendarChange.objects.count() == 10  # every entry is logged, changed or not
    assert working_days.add_working_days(D(2027, 9, 30), 1) == D(2027, 10, 8)
    assert not working_days.is_provisional(D(2027, 9, 30), D(2027, 10, 8))


def test_sync_restores_the_package_and_keeps_staff_edits(
    association_user, recompute_calls, django_capture_on_commit_callbacks
):
    # A database seeded by an older package that did not know 2026 yet, with some drift in 2025.
    CalendarDay.objects.filter(day__year=2026).delete()
    CalendarYear.objects.filter(year=2026).update(status=CalendarYear.Status.PROVISIONAL)
    calendar_day_set(day=D(2025, 10, 8), kind=WORKING_DAY, note="本省上班", by=association_user)  # staff
    CalendarDay.objects.filter(day=D(2025, 10, 7)).update(kind=WORKING_DAY)  # drifted package row
    CalendarDay.objects.create(day=D(2025, 3, 3), kind=DAY_OFF, note="旧版数据")  # the package dropped it
    CalendarChange.objects.all().delete()
    recompute_calls.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = calendar_sync_from_package()

    package = calendar_source.package_schedule()
    assert result.created == sum(1 for day in package.days if day.year == 2026)
    assert (result.updated, result.deleted, result.kept_staff_edits) == (1, 1, 1)
    assert result.years_marked_official == (2026,)
    assert working_days.is_official_year(2026)
    staff_row = CalendarDay.objects.get(day=D(2025, 10, 8))
    assert (staff_row.kind, staff_row.note, staff_row.edited_by_staff) == (WORKING_DAY, "本省上班", True)
    assert not working_days.is_working_day(D(2025, 10, 7))
    assert working_days.is_working_day(D(2025, 3, 3))

    change = CalendarChange.objects.get()
    assert change.changed_by is None
    assert change.action == CalendarChange.Action.SYNC
    changed = {D.fromisoformat(entry["day"]) for entry in change.days}
    assert recompute_calls == [changed]
    # 2026's weekday holidays and swapped weekends, 2025-10-07 and 2025-03-03 changed; 2025-10-08 did not.
    assert {D(2026, 2, 16), D(2026, 2, 14), D(2026, 1, 2), D(2025, 10, 7), D(2025, 3, 3)} <= changed
    assert D(2025, 10, 8) not in changed
    assert D(2026, 10, 3) not in changed  # a Saturday: named, but off either way


def test_sync_of_an_up_to_date_calendar_changes_nothing(recompute_calls):
    result = calendar_sync_from_package()
    assert (result.created, result.updated, result.deleted, result.change) == (0, 0, 0, None)
    assert not CalendarChange.objects.exists()


def test_sync_of_a_newly_published_year_keeps_what_staff_entered(
    association_user, recompute_calls, django_capture_on_commit_callbacks
):
    calendar_day_set(day=D(2027, 10, 4), kind=WORKING_DAY, note="本省上班", by=association_user)
    # The package's next release, as the State Council might publish 2027 (a schedule passed in).
    current = calendar_source.package_schedule()
    upgraded = calendar_source.PackageSchedule(
        days={
            **current.days,
            D(2027, 10, 4): (DAY_OFF, "国庆节"),
            D(2027, 10, 5): (DAY_OFF, "国庆节"),
            D(2027, 9, 26): (WORKING_DAY, "国庆节调休上班"),
        },
        years=current.years | {2027},
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = calendar_sync_from_package(schedule=upgraded)
    assert (result.created, result.kept_staff_edits, result.years_marked_official) == (2, 1, (2027,))
    assert working_days.is_working_day(D(2027, 10, 4))  # the staff entry stands
    assert not working_days.is_working_day(D(2027, 10, 5))
    assert working_days.is_working_day(D(2027, 9, 26))
    assert (
        working_days.is_working_day(D(2027, 1, 1)) is True
    )  # official now: 元旦 must come from the schedule


def test_the_sync_workdays_command_reports_what_it_did(recompute_calls):
    CalendarDay.objects.filter(day__year=2026).delete()
    out = StringIO()
    call_command("sync_workdays", stdout=out)
    created = sum(1 for day in calendar_source.package_schedule().days if day.year == 2026)
    assert str(created) in out.getvalue()
    assert CalendarDay.objects.filter(day__year=2026).count() == created
