"""Sessions: at most a working day, staff sessions end with the browser, idle sessions are signed out."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import Action, AuditEvent
from tests.factories import EmployerFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def _sign_in(client, role):
    extra = {"employer": EmployerFactory()} if role == Role.ENTERPRISE else {}
    UserFactory(username="someone", role=role, **extra)
    response = client.post(reverse("login"), {"username": "someone", "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_session_lasts_at_most_a_working_day_not_fourteen_days(settings):
    """The pen test's finding: the production session lasted 14 days (Django's default)."""
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


@pytest.mark.parametrize("role", [Role.ASSOCIATION, Role.BUREAU, Role.INSPECTOR, Role.AUDITOR])
def test_staff_sessions_end_when_the_browser_closes(client, role):
    response = _sign_in(client, role)
    assert response.cookies["sessionid"]["max-age"] == ""
    assert response.cookies["sessionid"]["expires"] == ""
    assert client.session.get_expire_at_browser_close()


def test_an_enterprise_session_outlives_the_browser_but_not_the_working_day(client, settings):
    response = _sign_in(client, Role.ENTERPRISE)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(
    ("role", "home", "minutes"), [(Role.ASSOCIATION, "/admin/", 30), (Role.ENTERPRISE, "/portal/", 60)]
)
def test_an_idle_session_is_signed_out_with_a_chinese_message_and_one_audit_row(
    client, clock, role, home, minutes
):
    _sign_in(client, role)
    assert client.get(home).status_code == 200
    clock.shift(dt.timedelta(minutes=minutes - 1))
    assert client.get(home).status_code == 200  # activity restarts the clock
    clock.shift(dt.timedelta(minutes=minutes - 1))
    assert client.get(home).status_code == 200
    clock.shift(dt.timedelta(minutes=minutes, seconds=1))
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={home}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "由于长时间未操作" in page
    logouts = AuditEvent.objects.filter(action=Action.LOGOUT)
    assert [event.detail for event in logouts] == [{"reason": "idle_timeout"}]


def test_the_idle_limits_come_from_the_environment(client, clock, settings):
    settings.REGISTRY_STAFF_IDLE_MINUTES = 5
    _sign_in(client, Role.BUREAU)
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    assert client.get("/reports/")["Location"].startswith(reverse("login"))


def test_the_activity_stamp_is_written_at_most_once_a_minute(client, clock):
    _sign_in(client, Role.BUREAU)
    clock.shift(dt.timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        client.get("/reports/")
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    clock.shift(dt.timedelta(seconds=31))
    with CaptureQueriesContext(connection) as queries:
        client.get("/reports/")
    assert [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
