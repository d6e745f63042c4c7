"""Failed sign-ins lock an account and an address for a cool-off, on both login pages (django-axes)."""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.roles import Role
from audit.models import Action, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LOGIN_PAGES = [("login", Role.ENTERPRISE), ("admin:login", Role.ASSOCIATION)]


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _post(client, username, password, *, page="login", address="127.0.0.1", **extra):
    return client.post(
        reverse(page), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(("page", "role"), LOGIN_PAGES)
def test_twenty_five_wrong_passwords_then_the_right_one_is_refused(client, clock, page, role):
    """The pen test's finding: both login pages let the 26th attempt in."""
    UserFactory(username="target", role=role)
    for _ in range(25):
        assert _post(client, "target", "wrong-guess", page=page).status_code in (200, 429)
    response = _post(client, "target", PASSWORD, page=page)
    assert response.status_code == 429
    assert not _signed_in(client)
    body = response.content.decode()
    assert "登录已暂时锁定" in body
    assert "15 分钟" in body


def test_the_account_locks_after_five_failures_from_five_addresses(client, clock):
    UserFactory(username="clerk", role=Role.ENTERPRISE)
    for n in range(4):
        assert _post(client, "clerk", "wrong", address=f"10.0.0.{n + 1}").status_code == 200
    assert _post(client, "clerk", "wrong", address="10.0.0.5").status_code == 429
    assert _post(client, "clerk", PASSWORD, address="10.0.0.6").status_code == 429
    assert not _signed_in(client)


def test_four_failures_do_not_lock(client, clock):
    UserFactory(username="clerk", role=Role.ENTERPRISE)
    for _ in range(4):
        _post(client, "clerk", "wrong")
    assert _post(client, "clerk", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_an_address_locks_after_twenty_failures_over_many_accounts_but_others_are_not_hurt(client, clock):
    """Password spraying: a few guesses on each of many accounts from one address."""
    UserFactory(username="victim", role=Role.ENTERPRISE)
    for n in range(19):
        assert _post(client, f"guess{n}", "wrong", address="203.0.113.9").status_code == 200
    assert _post(client, "guess19", "wrong", address="203.0.113.9").status_code == 429
    assert _post(client, "victim", PASSWORD, address="203.0.113.9").status_code == 429
    assert _post(client, "victim", PASSWORD, address="198.51.100.7").status_code == 302


def test_nineteen_failures_from_an_office_address_do_not_lock_its_honest_users(client, clock):
    UserFactory(username="colleague", role=Role.ENTERPRISE)
    for n in range(19):
        _post(client, f"typo{n}", "wrong", address="203.0.113.9")
    assert _post(client, "colleague", PASSWORD, address="203.0.113.9").status_code == 302


def test_the_cool_off_ends_fifteen_minutes_after_the_last_counted_failure(client, clock):
    UserFactory(username="clerk", role=Role.ENTERPRISE)
    for _ in range(5):
        _post(client, "clerk", "wrong")
    clock.shift(dt.timedelta(minutes=10))
    assert _post(client, "clerk", PASSWORD).status_code == 429  # refused, and does not extend the lock
    clock.shift(dt.timedelta(minutes=4, seconds=59))
    assert _post(client, "clerk", PASSWORD).status_code == 429
    clock.shift(dt.timedelta(seconds=2))
    assert _post(client, "clerk", PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_lockout_page_is_the_same_for_an_account_that_does_not_exist(client, clock):
    UserFactory(username="real", role=Role.ENTERPRISE)
    for _ in range(5):
        _post(client, "real", "wrong", address="10.0.0.1")
        _post(client, "nobody", "wrong", address="10.0.0.2")
    real = _post(client, "real", "wrong", address="10.0.0.1")
    nobody = _post(client, "nobody", "wrong", address="10.0.0.2")
    assert real.status_code == nobody.status_code == 429
    assert _without_tokens(real) == _without_tokens(nobody)


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_counts_not_a_forged_one(client, clock, settings):
    settings.REGISTRY_TRUSTED_PROXY_COUNT = 1
    UserFactory(username="clerk", role=Role.ENTERPRISE)
    for n in range(20):  # the client forges a different left-hand address each time
        _post(
            client, f"guess{n}", "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.9"
        )
    response = _post(client, "clerk", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    assert (
        _post(client, "clerk", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code
        == 302
    )
    assert set(AuditEvent.objects.filter(action=Action.LOGIN_FAILED).values_list("ip", flat=True)) == {
        "203.0.113.9"
    }


def test_an_id_number_or_phone_typed_as_username_is_stored_masked(client, clock):
    resident_id, phone = "23010219800101123X", "13904510000"
    for _ in range(5):
        _post(client, resident_id, "wrong")
        _post(client, phone, "wrong")
    stored = [
        *AuditEvent.objects.values_list("actor_label", "target_label", "detail"),
        *AccessAttempt.objects.values_list("username", "post_data", "get_data"),
    ]
    assert stored
    assert resident_id not in str(stored)
    assert phone not in str(stored)
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) == {
        "2301**********123X",
        "139****0000",
    }
