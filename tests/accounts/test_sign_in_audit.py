"""Every sign-in attempt and sign-out leaves exactly one audit row, naming who was tried and from where."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from audit.chain import chain_verify
from audit.models import Action, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def _rows():
    return list(AuditEvent.objects.order_by("pk"))


def _actions():
    return [row.action for row in _rows()]


def test_before_the_fix_failed_logins_were_logged_nowhere(client):
    """The pen test's finding, pinned: a failed sign-in now leaves a row."""
    UserFactory(username="clerk", role=Role.ENTERPRISE)
    client.post(reverse("login"), {"username": "clerk", "password": "wrong"}, REMOTE_ADDR="198.51.100.4")
    (row,) = _rows()
    assert row.action == Action.LOGIN_FAILED
    assert row.actor is None
    assert row.actor_label == "clerk"
    assert row.target_type == "accounts.user"
    assert row.ip == "198.51.100.4"
    assert row.detail == {"page": "site"}


def test_a_failure_on_an_unknown_account_names_what_was_tried_and_points_at_nothing(client):
    client.post(reverse("admin:login"), {"username": "root", "password": "toor"})
    (row,) = _rows()
    assert (row.action, row.actor_label, row.target_type, row.detail) == (
        Action.LOGIN_FAILED,
        "root",
        "",
        {"page": "admin"},
    )


def test_a_successful_sign_in_leaves_one_login_row_by_the_user(client):
    user = UserFactory(username="clerk", role=Role.ENTERPRISE)
    response = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    (row,) = _rows()
    assert (row.action, row.actor, row.actor_label, row.target_id) == (
        Action.LOGIN,
        user,
        "clerk",
        str(user.pk),
    )


def test_signing_out_leaves_one_logout_row(client):
    user = UserFactory(username="clerk", role=Role.ENTERPRISE)
    client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    client.post(reverse("logout"))
    assert _actions() == [Action.LOGIN, Action.LOGOUT]
    assert _rows()[-1].actor == user
    assert _rows()[-1].detail == {"reason": "user"}
    client.post(reverse("logout"))  # signed out already: nobody's act, no row
    assert len(_rows()) == 2


@pytest.mark.parametrize("page", ["login", "admin:login"])
def test_one_row_per_attempt_through_a_lockout(client, page):
    UserFactory(username="staff", role=Role.ASSOCIATION)
    for _ in range(7):
        client.post(reverse(page), {"username": "staff", "password": "wrong"})
    client.post(reverse(page), {"username": "staff", "password": PASSWORD})
    rows = _rows()
    assert [row.action for row in rows] == [Action.LOGIN_FAILED] * 4 + [Action.LOCKED_OUT] * 4
    assert [row.detail.get("reason") for row in rows[4:]] == ["limit_reached"] + ["still_locked"] * 3
    assert {row.actor_label for row in rows} == {"staff"}
    assert chain_verify(AuditEvent) == (8, None)


def test_the_audit_rows_hold_no_password(client):
    UserFactory(username="clerk", role=Role.ENTERPRISE)
    client.post(reverse("login"), {"username": "clerk", "password": "Secret-Guess-77"})
    client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert "Secret-Guess-77" not in str(list(AuditEvent.objects.values()))
    assert PASSWORD not in str(list(AuditEvent.objects.values()))
