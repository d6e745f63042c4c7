"""The calendar's admin pages as the association uses them: lists, the year view, edits and the banner."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory
from workdays.models import CalendarChange, CalendarDay, CalendarYear

D = dt.date
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_assoc(client, association_user):
    client.force_login(association_user)
    return client


def cell_classes(html: str, day: dt.date) -> set[str]:
    match = re.search(rf'<td class="([^"]*)" data-day="{day.isoformat()}"', html)
    assert match, f"no cell for {day}"
    return set(match.group(1).split())


def test_the_association_role_holds_the_calendar_permissions(association_user):
    for codename in ("view", "add", "change", "delete"):
        assert association_user.has_perm(f"workdays.{codename}_calendarday")
    assert association_user.has_perm("workdays.change_calendaryear")
    assert association_user.has_perm("workdays.view_calendarchange")
    assert not association_user.has_perm("workdays.change_calendarchange")
    assert not association_user.has_perm("workdays.delete_calendarchange")


@pytest.mark.parametrize(
    "query", ["", "?year=2025", "?kind__exact=working_day", "?q=国庆", "?edited_by_staff__exact=1"]
)
def test_the_day_list_renders_with_filters_and_search(
    admin_client_assoc, workday_calendar, query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = admin_client_assoc.get(reverse("admin:workdays_calendarday_changelist") + query)
    assert response.status_code == 200


def test_the_day_list_filters_by_year_and_searches_the_note(admin_client_assoc):
    response = admin_client_assoc.get(reverse("admin:workdays_calendarday_changelist") + "?year=2025&q=国庆")
    days = set(response.context["cl"].queryset.values_list("day", flat=True))
    assert D(2025, 10, 1) in days
    assert D(2025, 9, 28) in days  # 国庆节调休上班
    assert all(day.year == 2025 for day in days)
    assert D(2025, 10, 6) not in days  # 中秋节


def test_the_year_list_and_change_page_link_to_the_year_view(admin_client_assoc):
    response = admin_client_assoc.get(reverse("admin:workdays_calendaryear_changelist"))
    assert reverse("admin:workdays_calendaryear_calendar", args=[2025]) in response.content.decode()
    year = CalendarYear.objects.get(year=2025)
    response = admin_client_assoc.get(reverse("admin:workdays_calendaryear_change", args=[year.pk]))
    assert reverse("admin:workdays_calendaryear_calendar", args=[2025]) in response.content.decode()


def test_the_year_view_marks_days_off_and_swapped_working_days(
    admin_client_assoc, workday_calendar, django_assert_max_num_queries
):
    url = reverse("admin:workdays_calendaryear_calendar", args=[2025])
    with django_assert_max_num_queries(12):
        response = admin_client_assoc.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "off" in cell_classes(html, D(2025, 10, 1))
    assert {"weekend", "off"} <= cell_classes(html, D(2025, 10, 4))  # named weekend day of the block
    assert {"weekend", "working"} <= cell_classes(html, D(2025, 9, 28))
    assert {"weekend", "working"} <= cell_classes(html, D(2025, 2, 8))
    assert cell_classes(html, D(2025, 10, 9)) == set()  # an ordinary Thursday
    assert response.context["view"].working_days == 248
    assert "休" in html
    assert "班" in html
    assert "十月" in html


def test_the_year_view_of_a_provisional_year_shows_the_fixed_date_holidays(admin_client_assoc):
    response = admin_client_assoc.get(reverse("admin:workdays_calendaryear_calendar", args=[2027]))
    html = response.content.decode()
    assert 'data-testid="year-status">暂定' in html
    assert {"off", "provisional-rule"} <= cell_classes(html, D(2027, 1, 1))
    assert {"off", "provisional-rule"} <= cell_classes(html, D(2027, 10, 1))
    assert "off" not in cell_classes(html, D(2027, 10, 4))


def test_the_year_view_needs_the_view_permission(client):
    client.force_login(UserFactory(role=Role.TRAINING_CENTRE))
    response = client.get(reverse("admin:workdays_calendaryear_calendar", args=[2025]))
    assert response.status_code == 403


def test_staff_add_a_day_by_hand_through_the_service(admin_client_assoc, association_user):
    response = admin_client_assoc.post(
        reverse("admin:workdays_calendarday_add"),
        {"day": "2027-10-04", "kind": "day_off", "note": "国庆节"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = CalendarDay.objects.get(day=D(2027, 10, 4))
    assert row.edited_by_staff
    assert row.updated_by == association_user
    change = CalendarChange.objects.get()
    assert change.changed_by == association_user
    assert change.days == [{"day": "2027-10-04", "old": "working_day", "new": "day_off"}]
    assert LogEntry.objects.filter(object_id=str(row.pk)).exists()
    # The admin's own success message still shows beside the calendar banner.
    assert '<li class="success">' in admin_client_assoc.get(response.url).content.decode()


def test_staff_change_and_delete_a_day(admin_client_assoc):
    row = CalendarDay.objects.get(day=D(2025, 10, 8))
    response = admin_client_assoc.post(
        reverse("admin:workdays_calendarday_change", args=[row.pk]),
        {"kind": "working_day", "note": "本省上班"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.day, row.kind, row.edited_by_staff) == (D(2025, 10, 8), "working_day", True)
    response = admin_client_assoc.post(
        reverse("admin:workdays_calendarday_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(day=D(2025, 10, 8)).exists()
    assert list(CalendarChange.objects.order_by("id").values_list("action", flat=True)) == [
        "day_set",
        "day_deleted",
    ]


def test_staff_mark_a_year_official_with_the_action(admin_client_assoc):
    year = CalendarYear.objects.get(year=2027)
    response = admin_client_assoc.post(
        reverse("admin:workdays_calendaryear_changelist"),
        {"action": "mark_official", "_selected_action": [year.pk]},
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.is_official
    assert CalendarChange.objects.get().action == CalendarChange.Action.YEAR_STATUS


def test_the_change_log_is_read_only(admin_client_assoc):
    assert admin_client_assoc.get(reverse("admin:workdays_calendarchange_changelist")).status_code == 200
    assert admin_client_assoc.get(reverse("admin:workdays_calendarchange_add")).status_code == 403


class TestBanner:
    def test_shown_from_november_while_next_year_is_provisional(self, admin_client_assoc):
        with time_machine.travel(NOW, tick=False):
            html = admin_client_assoc.get(reverse("admin:index")).content.decode()
        assert 'data-testid="calendar-banner"' in html
        assert "2027" in html
        assert reverse("admin:workdays_calendaryear_calendar", args=[2027]) in html

    def test_not_shown_in_october(self, admin_client_assoc):
        with time_machine.travel(dt.datetime(2026, 10, 31, 12, 0, tzinfo=dt.UTC), tick=False):
            html = admin_client_assoc.get(reverse("admin:index")).content.decode()
        assert 'data-testid="calendar-banner"' not in html

    def test_not_shown_once_next_year_is_official(self, admin_client_assoc):
        CalendarYear.objects.filter(year=2027).update(status=CalendarYear.Status.OFFICIAL)
        with time_machine.travel(NOW, tick=False):
            html = admin_client_assoc.get(reverse("admin:index")).content.decode()
        assert 'data-testid="calendar-banner"' not in html

    def test_shown_in_january_when_the_new_year_is_still_provisional(self, client, association_user):
        with time_machine.travel(dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.UTC), tick=False):
            client.force_login(association_user)
            html = client.get(reverse("admin:workdays_calendarday_changelist")).content.decode()
        assert 'data-testid="calendar-banner"' in html

    def test_not_shown_on_the_login_page(self, client):
        with time_machine.travel(NOW, tick=False):
            html = client.get(reverse("admin:login")).content.decode()
        assert 'data-testid="calendar-banner"' not in html
