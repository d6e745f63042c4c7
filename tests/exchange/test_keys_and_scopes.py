"""Keys and scopes: who gets in (exchange/auth.py), and that every keyed call is written to the log."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from exchange.models import AccessLog, Scope
from tests.factories.exchange import issued_key

from .conftest import bearer

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/certificates/verify?identifier=1.2.3"


def _error(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


def test_no_key_is_401_json_and_logs_nothing(client):
    response = client.get(VERIFY)
    assert response.status_code == 401
    assert _error(response)["code"] == "invalid_key"
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("header", ["Bearer", "Bearer hlj_nonsense", "Basic abc", "bearer  "])
def test_malformed_or_unknown_key_is_401(client, header):
    response = client.get(VERIFY, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert _error(response)["code"] == "invalid_key"


def test_a_key_with_a_wrong_secret_is_401(client):
    _key, secret = issued_key()
    forged = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert client.get(VERIFY, **bearer(forged)).status_code == 401


def test_revoked_key_is_401_and_logged(client):
    _key, secret = issued_key(revoked_at=timezone.now())
    response = client.get(VERIFY, **bearer(secret))
    assert response.status_code == 401
    assert _error(response)["code"] == "invalid_key"


def test_expired_key_is_401(client):
    _key, secret = issued_key(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(VERIFY, **bearer(secret)).status_code == 401


def test_inactive_partner_is_401(client):
    _key, secret = issued_key(partner__is_active=False)
    assert client.get(VERIFY, **bearer(secret)).status_code == 401


def test_wrong_scope_is_403_and_logged(client):
    key, secret = issued_key(partner__scopes=[Scope.SYNC_READ])
    response = client.get(VERIFY, **bearer(secret))
    assert response.status_code == 403
    assert _error(response)["code"] == "insufficient_scope"
    log = AccessLog.objects.get()
    assert (log.key, log.partner, log.status, log.records) == (key, key.partner, 403, 0)
    assert log.operation == "certificate_verify"


def test_rate_limit_per_key_is_429_with_retry_after(client, settings):
    settings.REGISTRY_API_RATE = "3/m"
    key, secret = issued_key()
    _other, other_secret = issued_key()
    statuses = [client.get(VERIFY, **bearer(secret)).status_code for _ in range(4)]
    assert 429 not in statuses[:3]
    assert statuses[3] == 429
    refused = client.get(VERIFY, **bearer(secret))
    assert _error(refused)["code"] == "rate_limited"
    assert refused["Retry-After"] == "60"
    assert client.get(VERIFY, **bearer(other_secret)).status_code != 429  # the limit is per key
    assert AccessLog.objects.filter(key=key, status=429).count() == 2


def test_valid_key_marks_last_use(client):
    key, secret = issued_key()
    client.get(VERIFY, **bearer(secret))
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_unknown_api_path_and_wrong_method_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert _error(missing)["code"] == "not_found"
    wrong = client.delete("/api/v1/certificates/verify")
    assert wrong.status_code == 405
    assert _error(wrong)["code"] == "method_not_allowed"
    assert wrong["Allow"] == "GET"


def test_debug_does_not_turn_api_404_into_html(client, settings):
    settings.DEBUG = True
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert _error(missing)["code"] == "not_found"


def test_messages_are_chinese_whatever_the_client_asks(client):
    response = client.get(VERIFY, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["Content-Language"] == "zh-hans"


def test_bearer_calls_need_no_csrf_token():
    _key, secret = issued_key()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/v1/recognitions", "{}", content_type="application/json", **bearer(secret))
    assert response.status_code == 422  # the body's fault, not a CSRF refusal
    assert _error(response)["code"] == "invalid_input"
