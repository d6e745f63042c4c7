"""With the shared cache (CACHE_URL, Redis) down, the pages that use it degrade instead of failing.

/verify/ and employer sign-up count their rate limits in the cache, and /verify/ caches its QR page there.
Django's RedisCache raises when Redis is unreachable, which made both pages error pages. The fail-soft
cache (config/cache.py) turns a down Redis into a miss for values and a per-process count for counters;
after one failure it leaves Redis alone for REDIS_RETRY_SECONDS.
"""

import importlib

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from people.models import Employer
from registry.services.certificates import certificate_revoke
from tests.factories import RegistrationCertificateFactory, UserFactory, valid_uscc
from tests.people.test_employer_sign_up import form_data
from tests.redis_server import free_port

pytestmark = pytest.mark.django_db


def _redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": url}}


@pytest.fixture
def cache_down(settings):
    """The shared cache points at a port nothing listens on: Redis is down (connection refused)."""
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{free_port()}/1")


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/1", "config.cache.FailSoftRedisCache"),
        ("locmemcache://registry", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_a_redis_cache_url_gets_the_fail_soft_cache(monkeypatch, url, backend):
    from config.settings import base

    monkeypatch.setenv("CACHE_URL", url)
    try:
        assert importlib.reload(base).CACHES["default"]["BACKEND"] == backend
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_the_qr_page_is_rendered_from_the_database_each_time(client, cache_down):
    certificate = RegistrationCertificateFactory()
    url = f"/verify/{certificate.verification_token}/"
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert response.status_code == 200
    assert certificate.number in response.content.decode()
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    # Not served from a cache kept per process (another process could not clear it on a state change).
    assert len(again) == len(first) > 0


def test_a_state_change_commits_and_shows_at_once(client, cache_down, django_capture_on_commit_callbacks):
    certificate = RegistrationCertificateFactory()
    url = f"/verify/{certificate.verification_token}/"
    assert "有效" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # clearing the cached page cannot fail
        certificate_revoke(certificate=certificate, by=UserFactory(), reason="涂改")
    assert "已撤销" in client.get(url).content.decode()


def test_the_qr_rate_limit_still_holds_per_process(client, settings, cache_down):
    settings.REGISTRY_VERIFY_RATE = "2/m"
    url = f"/verify/{RegistrationCertificateFactory().verification_token}/"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_number_and_name_rate_limit_still_holds_per_process(client, settings, cache_down):
    settings.REGISTRY_VERIFY_LOOKUP_RATE = "1/h"
    data = {"number": "HLJ-ZC1-2026-00001", "name": "王某"}
    assert client.post(reverse("verify:form"), data).status_code == 200
    refused = client.post(reverse("verify:form"), data)
    assert refused.status_code == 429
    assert 'data-testid="rate-limited"' in refused.content.decode()


def test_sign_up_works_and_is_still_limited(client, settings, cache_down):
    settings.REGISTRY_SIGN_UP_RATE = "1/h"
    first = client.post(reverse("portal:sign_up"), form_data(uscc=valid_uscc(700), username="u1"))
    assert first.status_code == 302
    assert User.objects.filter(username="u1").exists()
    client.logout()
    second = client.post(reverse("portal:sign_up"), form_data(uscc=valid_uscc(701), username="u2"))
    assert second.status_code == 429
    assert not Employer.objects.filter(uscc=valid_uscc(701)).exists()


def test_a_cache_that_hangs_costs_one_timeout_then_is_skipped(settings, silent_server):
    settings.REDIS_TIMEOUT = 0.2
    settings.CACHES = _redis_cache(silent_server.url(1))
    assert cache.get("a", "fallback") == "fallback"
    tried = silent_server.connections
    assert tried >= 1
    cache.set("a", 1)
    assert cache.add("n", 1) is True  # counted in this process
    assert cache.incr("n") == 2
    assert cache.get("a") is None
    assert silent_server.connections == tried  # no new connection, no new wait


@pytest.mark.redis
def test_the_cache_is_shared_while_redis_is_up_and_recovers_when_it_returns(settings, private_redis):
    settings.REDIS_RETRY_SECONDS = 0  # try Redis again at once after a failure
    private_redis.start()
    settings.CACHES = _redis_cache(private_redis.url(1))
    cache.set("page", "shared")
    assert cache.get("page") == "shared"
    assert cache.add("hits", 1) is True
    assert cache.incr("hits") == 2

    private_redis.stop()
    assert cache.get("page") is None  # a miss, not an error
    assert cache.add("hits", 1) is True  # counted in this process from now
    assert cache.incr("hits") == 2

    private_redis.start()  # back, empty (nothing persisted)
    assert cache.get("page") is None
    cache.set("page", "shared again")
    assert cache.get("page") == "shared again"
    assert cache.add("hits", 1) is True  # in Redis again
