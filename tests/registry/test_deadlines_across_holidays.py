"""Stored deadlines, the queue's columns and filters, and deemed acceptance across National Day 2025
(1-8 October off, Saturday 11 October a swapped working day), on the real calendar."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from registry.models import Application
from registry.services import applications as services
from tests.factories import ApplicationFactory
from tests.registry.conftest import at, ready_rename_application
from workdays.models import CalendarDay
from workdays.services import calendar_day_set

pytestmark = pytest.mark.django_db
D = dt.date
QUEUE = reverse("admin:registry_application_changelist")


@pytest.fixture
def eve_of_national_day():
    with time_machine.travel(at(D(2025, 9, 30)), tick=False) as traveller:
        yield traveller


def test_stored_deadlines_skip_the_holiday_and_count_the_swapped_saturday(
    eve_of_national_day, association_user
):
    application = services.application_submit(application=ready_rename_application(), by=association_user)
    # 10/9, 10/10, Sat 10/11 (swapped), 10/13, 10/14
    assert application.acceptance_due_on == D(2025, 10, 14)
    assert application.current_due_on == D(2025, 10, 14)

    eve_of_national_day.move_to(at(D(2025, 10, 9)))
    application = services.application_accept(application=application, by=association_user)
    # ten working days after receipt on 9/30: ... 10/14, 10/15, 10/16, 10/17, 10/20, 10/21
    assert application.approval_due_on == D(2025, 10, 21)


def test_deemed_acceptance_waits_for_the_working_days_not_the_calendar_days(eve_of_national_day):
    application = ApplicationFactory(submitted=True)  # received 9/30, due 10/14
    eve_of_national_day.move_to(at(D(2025, 10, 10)))  # ten calendar days later
    call_command("apply_deemed_acceptance")
    application.refresh_from_db()
    assert application.state == "submitted"
    eve_of_national_day.move_to(at(D(2025, 10, 15)))
    call_command("apply_deemed_acceptance")
    application.refresh_from_db()
    assert application.state == "accepted"


def test_queue_shows_working_days_left_and_filters_by_working_days(
    client, association_user, eve_of_national_day
):
    client.force_login(association_user)
    due_in_two = ApplicationFactory(submitted=True, current_due_on=D(2025, 10, 10))  # 10/9, 10/10
    due_on_swapped_saturday = ApplicationFactory(submitted=True, current_due_on=D(2025, 10, 11))
    ApplicationFactory(submitted=True)  # due 10/14

    response = client.get(QUEUE, {"deadline": "soon"})
    assert [a.pk for a in response.context["cl"].result_list] == [due_in_two.pk]

    response = client.get(QUEUE)
    rows = response.context["cl"].result_list
    admin = response.context["cl"].model_admin
    left = {a.pk: admin.working_days_left(a) for a in rows}
    assert left[due_in_two.pk] == "2"
    assert left[due_on_swapped_saturday.pk] == "3"
    assert sorted(left.values()) == ["2", "3", "5"]


def test_a_calendar_change_moves_the_stored_deadlines(
    eve_of_national_day, association_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(submitted=True)  # due 10/14
    closed = ApplicationFactory(not_accepted=True)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(day=D(2025, 10, 13), kind=CalendarDay.Kind.DAY_OFF, note="测试", by=association_user)
    application.refresh_from_db()
    assert application.acceptance_due_on == D(2025, 10, 15)
    assert application.current_due_on == D(2025, 10, 15)
    assert Application.objects.get(pk=closed.pk).current_due_on is None
