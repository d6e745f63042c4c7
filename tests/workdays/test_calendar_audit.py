"""Each change of a calendar day or of a year's status is one audit event: staff edits in the admin (with
the address they came from), the year actions, and the package sync as the system's own act."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from workdays.models import CalendarChange, CalendarDay, CalendarYear
from workdays.services import calendar_day_set, calendar_sync_from_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def assoc(client, association_user):
    client.force_login(association_user)
    return client


def calendar_events():
    return AuditEvent.objects.filter(action=Action.CALENDAR_CHANGED).order_by("pk")


def test_a_day_added_in_the_admin_is_one_calendar_event_with_the_address(assoc, association_user):
    response = assoc.post(
        reverse("admin:workdays_calendarday_add"), {"day": "2027-10-04", "kind": "day_off", "note": "国庆节"}
    )

    assert response.status_code == 302
    event = calendar_events().get()
    change = CalendarChange.objects.get()
    assert (event.actor, event.is_system, event.ip) == (association_user, False, "127.0.0.1")
    assert (event.target_type, event.target_id, event.target_label) == (
        "workdays.calendarchange",
        str(change.pk),
        "2027-10-04",
    )
    assert event.detail == {
        "change": "day_set",
        "day": "2027-10-04",
        "old": None,
        "new": {"kind": "day_off", "note": "国庆节"},
        "days_changed": 1,
    }
    # The service records it; the admin hook does not record the same edit again.
    assert AuditEvent.objects.exclude(action=Action.LOGIN).count() == 1


def test_a_day_deleted_in_the_admin_is_a_calendar_event_not_a_second_deletion(assoc):
    row = CalendarDay.objects.get(day=dt.date(2025, 10, 8))

    assoc.post(reverse("admin:workdays_calendarday_delete", args=[row.pk]), {"post": "yes"})

    assert [e.detail["change"] for e in AuditEvent.objects.exclude(action=Action.LOGIN)] == ["day_deleted"]


def test_marking_years_official_records_each_years_status_change(assoc):
    years = [CalendarYear.objects.get_or_create(year=y)[0] for y in (2027, 2028)]

    assoc.post(
        reverse("admin:workdays_calendaryear_changelist"),
        {"action": "mark_official", "_selected_action": [y.pk for y in years]},
    )

    assert sorted((e.target_label, e.detail["old"], e.detail["new"]) for e in calendar_events()) == [
        ("2027", "provisional", "official"),
        ("2028", "provisional", "official"),
    ]


def test_a_note_only_change_is_recorded_too(association_user):
    calendar_day_set(day=dt.date(2027, 10, 4), kind="day_off", note="国庆节", by=association_user)
    calendar_day_set(day=dt.date(2027, 10, 4), kind="day_off", note="国庆节（补）", by=association_user)
    calendar_day_set(
        day=dt.date(2027, 10, 4), kind="day_off", note="国庆节（补）", by=association_user
    )  # no-op

    assert [e.detail["days_changed"] for e in calendar_events()] == [1, 0]


def test_the_package_sync_is_the_systems_act(django_capture_on_commit_callbacks):
    CalendarDay.objects.filter(day__year=2025, edited_by_staff=False).delete()

    calendar_sync_from_package()

    event = calendar_events().get()
    assert (event.actor, event.is_system, event.actor_label) == (None, True, "")
    assert event.detail["change"] == "sync"
    assert event.detail["created"] > 0
